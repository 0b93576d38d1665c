"""The cluster Runner: stale tasks rendered by the workers of a Dask cluster.

    render.py lecture --cluster tcp://lab1:8786     a scheduler and its workers, anywhere
    render.py lecture --cluster local:4             a cluster of 4 worker processes here

Dask (`distributed`) is the engine: it runs each task on a worker, moves the task to
another worker when one dies while rendering (its own retry of lost work), and reports as
futures. What this module adds is what a render needs around that:

* the same code everywhere: before any work, every worker's `remote.project_digest` is
  compared with this machine's, and a worker running other code is refused in one line
  naming it and both digests (a course is never rendered from two versions of the code);
* the order: clips are handed out longest first, one to each free worker thread, as
  `--jobs` does (`_Run`), not all at once for Dask to place in turns;
* only the client writes: a worker renders into a temporary folder of its own and sends
  back the bytes, which are committed here with `files.commit` (through `Staged`, all of
  a task's files or none), and only then marked fresh, as `--jobs` does;
* speed: workers without two Dask defaults that slow Manim down, or a warning naming
  those that have them (`worker_tuning`);
* progress: each worker's `play()` reports arrive as Dask events and move the bars;
* Ctrl-C: the run's stop event is set (a running render stops at its next animation),
  its futures are cancelled, and the interrupt goes on: what was committed stays, the rest
  leaves the old files in place.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import cache
from .errors import UserError
from .files import Staged
from .progress import Reporter
from .remote import (
    Rendered,
    mismatch,
    own_digest,
    render_remote,
    sources_digests,
    worker_name,
)
from .runner import Outcome, Runner, Work, report_outcome
from .worker_tuning import LOCAL_CONFIG, check_workers

CONNECT_TIMEOUT = 3.0  # seconds to reach a scheduler before saying it cannot be reached
WORKERS_TIMEOUT = 10.0  # seconds to wait for a scheduler's first worker
GONE_TIMEOUT = 60.0  # seconds a run waits with no worker at all before it gives up
POLL = 0.1  # seconds between two looks at the futures and the progress events
LOCAL = re.compile(r"^local:(\d+)$")


def cluster_address(text: str) -> str:
    """`--cluster`'s value, checked for its form: `local:N` (N >= 1) or a scheduler's
    address (`tcp://host:8786`, `host:8786`)."""
    local = LOCAL.match(text)
    if local and int(local.group(1)) >= 1:
        return text
    if text.startswith("local"):
        raise UserError(f"{text}: a local cluster is local:N, N workers (at least 1)")
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port
    from distributed.comm.registry import backends

    scheme, location = parse_address(text if "://" in text else f"tcp://{text}")
    if scheme not in backends:
        raise UserError(f"{text}: Dask speaks {', '.join(sorted(backends))}, not "
                        f"{scheme}; write tcp://HOST:8786 or local:N")
    if scheme in ("tcp", "tls", "ws", "wss"):
        try:
            parse_host_port(location, 8786)
        except ValueError as exc:
            raise UserError(f"{text}: not a scheduler address ({exc}); write "
                            "tcp://HOST:8786 or local:N") from None
    return text


class ClusterRunner(Runner):
    """Renders on the workers of the Dask scheduler at `address` (or of a local cluster
    of N single-threaded worker processes, for `local:N`)."""

    def __init__(self, address: str, verbose: bool = False):
        self.address = cluster_address(address)
        self.verbose = verbose

    def render(self, work: Sequence[Work], reporter: Reporter) -> list[Outcome]:
        if not self.verbose:  # Dask's own log lines are for --verbose; ours go to the Reporter
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
        with connect(self.address) as client:
            digest = check_cluster(client, self.address)
            return _Run(client, work, reporter, digest).wait()


@contextmanager
def connect(address: str) -> Iterator:
    """A Dask client of the scheduler at `address`, or of a new local cluster; closed
    (and the local cluster's workers stopped) on the way out."""
    import dask
    from distributed import Client, LocalCluster

    cluster = None
    local = LOCAL.match(address)
    if local:
        # Without two Dask defaults that slow Manim down (rendering/worker_tuning.py)
        with dask.config.set(LOCAL_CONFIG):
            cluster = LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1,
                                   processes=True, dashboard_address=None,
                                   silence_logs=logging.CRITICAL)
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {address} "
                            f"({type(exc).__name__}): start one there with `dask scheduler`, "
                            "or check the address") from None
    try:
        yield client
    finally:
        _bounded(client.close, 10)
        if cluster is not None:
            _bounded(cluster.close, 10)


def check_cluster(client, address: str) -> str:
    """This checkout's project digest, once the cluster is found to run the same: a
    cluster with no worker, a worker with several threads, or a scheduler or worker whose
    digest differs, is refused in one line."""
    from distributed.utils import TimeoutError as DaskTimeout

    digest = own_digest()

    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except (TimeoutError, DaskTimeout):
        raise UserError(f"the scheduler at {address} has no workers (waited "
                        f"{WORKERS_TIMEOUT:.0f} s): start one on each machine with "
                        f"`dask worker {address} --nthreads 1`") from None
    workers = client.scheduler_info(n_workers=-1)["workers"]
    names = {addr: worker_name(info.get("name", addr), addr) for addr, info in workers.items()}
    for addr, info in workers.items():
        if info["nthreads"] > 1:
            raise UserError(f"worker {names[addr]} runs {info['nthreads']} threads; Manim "
                            "renders one scene per process: start workers with --nthreads 1 "
                            "(and --nworkers N for N of them)")
    try:  # the scheduler unpickles the tasks: it needs the same code too
        digests = {"scheduler": client.run_on_scheduler(own_digest)}
    except Exception as exc:  # noqa: BLE001 - whatever it raised, say it in one line
        digests = {"scheduler": exc}
    digests |= client.run(own_digest, on_error="return")
    for addr, theirs in digests.items():
        name = f"the scheduler at {address}" if addr == "scheduler" else \
            f"worker {names.get(addr, addr)}"
        if isinstance(theirs, BaseException):
            raise UserError(f"{name} cannot load this project ({type(theirs).__name__}: "
                            f"{theirs}): start it from the project's checkout after `make setup`")
        if theirs != digest:
            raise UserError(mismatch(name, theirs, digest))
    check_workers(client, names)
    return digest


class _Run:
    """One command's stale work on the cluster, handed out longest first to the first free
    worker and collected as it finishes.

    Work is submitted only while the cluster has a free thread for it. Submitted all at
    once, Dask would place every task on a worker at once (its estimate of an unknown
    task is half a second) and in turns, so the longest clip and the third one would share
    a worker while another sat idle at the end; given out one free thread at a time, the
    order is the one `--jobs` follows."""

    def __init__(self, client, work: Sequence[Work], reporter: Reporter, digest: str):
        self.run = uuid.uuid4().hex[:8]
        self.client, self.work, self.reporter, self.digest = client, list(work), reporter, digest
        self.topic, self.stop = f"explainer-progress-{self.run}", f"explainer-stop-{self.run}"
        self.events: queue.Queue = queue.Queue()
        self.by_index = {w.index: w for w in self.work}
        self.started: set[int] = set()
        self.finished: set[int] = set()
        client.subscribe_topic(self.topic, lambda event: self.events.put(event[1]))
        self.queued = list(self.work)  # longest first, as given
        self.pending: dict = {}  # future -> Work, submitted and not yet collected

    def _feed(self) -> None:
        """Submit queued work while the cluster has more threads than tasks in hand
        (workers may have joined or left since the last look)."""
        if not self.queued:
            return
        threads = sum(self.client.nthreads().values())
        while self.queued and len(self.pending) < threads:
            w = self.queued.pop(0)
            future = self.client.submit(
                render_remote, w, self.digest, sources_digests(w), self.topic, self.stop,
                key=f"render-{_slug(w.task.label)}-{self.run}", pure=False)
            self.pending[future] = w

    def wait(self) -> list[Outcome]:
        outcomes: dict[int, Outcome] = {}
        alone_since: float | None = None
        checked = time.monotonic()
        try:
            self._feed()
            while self.pending or self.queued:
                self._drain()
                done = [f for f in self.pending if f.done()]
                for future in done:
                    w = self.pending.pop(future)
                    self._start(w.index)
                    outcomes[w.index] = _collect(future, w)
                    self.finished.add(w.index)
                    report_outcome(self.reporter, w.index, outcomes[w.index])
                if done:
                    self._feed()
                else:
                    time.sleep(POLL)
                if time.monotonic() - checked > 2:  # workers come and go
                    checked = time.monotonic()
                    alone_since = self._no_workers(alone_since)
                    self._feed()
        except BaseException:
            self._cancel()
            raise
        return [outcomes[w.index] for w in self.work]

    def _drain(self) -> None:
        while True:
            try:
                kind, index, value = self.events.get_nowait()
            except queue.Empty:
                return
            if index in self.finished:
                continue  # a late report of a task already collected
            if kind == "start":  # a worker began it (again, if the first one died)
                self.started.add(index)
                w = self.by_index[index]
                self.reporter.start(index, w.task.label, w.expected, where=value)
            else:
                self._start(index)
                self.reporter.progress(index, value)

    def _start(self, index: int) -> None:
        if index not in self.started:
            self.started.add(index)
            self.reporter.start(index, self.by_index[index].task.label,
                                self.by_index[index].expected)

    def _no_workers(self, since: float | None) -> float | None:
        if self.client.nthreads():
            return None
        since = since or time.monotonic()
        if time.monotonic() - since > GONE_TIMEOUT:
            raise UserError(f"every worker of the cluster is gone (none for "
                            f"{GONE_TIMEOUT:.0f} s): start workers again and re-run; finished "
                            "outputs were kept")
        return since

    def _cancel(self) -> None:
        """Stop what is running (each render reads the stop event about once a second)
        and forget what is queued; bounded, in case the scheduler is the thing gone."""
        from distributed import Event

        def stop() -> None:
            Event(self.stop, client=self.client).set()
            self.client.cancel(list(self.pending), force=True)

        _bounded(stop, 5)


def _collect(future, work: Work) -> Outcome:
    """The outcome of a finished future, its files committed here if it rendered."""
    try:
        rendered: Rendered = future.result()
    except Exception as exc:  # KilledWorker (it killed workers again and again), a lost run
        return Outcome(work.task, work.key, "failed",
                       error=f"the cluster could not render it: {type(exc).__name__}: {exc}")
    finally:
        future.release()
    got = rendered.outcome
    if got.status != "rendered":
        return Outcome(work.task, work.key, "failed", got.seconds, error=got.error,
                       trace=got.trace)
    sent = dict(zip(work.task.files, rendered.contents, strict=True))
    missing = [p.name for p in work.task.outputs if sent[p] is None]
    if missing:
        return Outcome(work.task, work.key, "failed", got.seconds,
                       error=f"worker {rendered.worker} sent no {', '.join(missing)}")
    written = commit_rendered(work, rendered)
    return Outcome(work.task, work.key, "rendered", got.seconds, got.video_seconds,
                   outputs=written)


def commit_rendered(work: Work, rendered: Rendered) -> list[Path]:
    """Put the bytes a worker sent in place of the task's files, all together, then write
    the key beside the outputs; the paths written, as `task.run` would return them here."""
    task, there = work.task, rendered.outcome.task
    here = dict(zip(there.files, task.files, strict=True))
    contents = dict(zip(task.files, rendered.contents, strict=True))
    with Staged() as stage:
        for path, data in contents.items():
            if data is None:
                stage.remove(path)  # the render made none: the old one belongs to another
            else:
                stage.file(path).write_bytes(data)
    cache.mark_fresh(task.outputs, work.key)
    return [here[p] for p in rendered.outcome.outputs]


def _slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", label)


def _bounded(call, seconds: float) -> None:
    """`call()` in a helper thread, given up after `seconds` (Dask may wait long on a
    scheduler that is gone); its errors do not matter on the way out."""

    def quietly() -> None:
        try:
            call()
        except Exception:  # noqa: BLE001 - closing down: nothing left to report to
            pass

    helper = threading.Thread(target=quietly, daemon=True)
    helper.start()
    helper.join(seconds)
