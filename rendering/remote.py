"""What a machine of a cluster runs: one task, rendered into a temporary folder of its own
and sent back as bytes, so that only the client ever writes an output.

A worker is a `dask worker` process started from a checkout of this project (`make setup`
done there), single-threaded: Manim's configuration is global to a process, so two renders
in two threads of one process would mix their settings. It renders with its own copy of
the code, which is why the client first compares `project_digest` here and there, and
every task checks it again on arrival (a worker that joined after that check, or took
over the task of a worker that died, is held to the same code).

The render itself is `pool.execute`, the very code `--jobs` runs, on the task `moved`
into the temporary folder. Its progress goes back as Dask events (one per `play()`), and
about once a second the task asks whether the client has stopped the run: a render the
user no longer wants stops at its next animation instead of running to its end.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import ROOT
from .cache import Keys
from .files import clean_stale, tmp_prefix
from .pool import execute
from .runner import Outcome, Work

# Temporary folders of the renders on this machine (TMPDIR moves it); leftovers of killed
# workers are removed by the next task, as `files.clean_stale` does for outputs.
SCRATCH_NAME = "attention-explainer-cluster"
# LaTeX/text cache slots of cluster workers: slot-1000, slot-1001, ... each held by one
# worker process for its life (a lock file), never shared with a local --jobs pool,
# whose processes use slots 0 .. jobs-1.
FIRST_SLOT = 1000
CHECK_EVERY = 1.0  # seconds between two questions "has the client stopped the run?"


def project_digest(root: Path = ROOT) -> str:
    """The code and data a render can run here: every module of the project's packages
    and top-level scripts, the assets they name, and Manim's version (the cache's own
    digest, `Keys.code`, over the whole tree instead of one task's imports)."""
    root = root.resolve()
    packages = [p for p in sorted(root.iterdir()) if (p / "__init__.py").is_file()]
    starts = [*sorted(root.glob("*.py")), *(f for p in packages for f in sorted(p.rglob("*.py")))]
    return hashlib.sha256(Keys(root).code(*starts).encode()).hexdigest()


@functools.cache
def own_digest() -> str:
    """This process's `project_digest`, computed once: the code it has loaded is the code
    that was there when it started rendering."""
    return project_digest()


class Stopped(BaseException):
    """The client stopped the run: leave the render at once (not an Exception, so that
    no `except Exception` on the way turns it into a failed render)."""


@dataclass(frozen=True)
class Rendered:
    """A task's result as it travels back: the outcome on the worker, and the bytes of
    each of the task's `files` (None: the run made none, so the client removes it)."""

    outcome: Outcome
    contents: tuple[bytes | None, ...]
    worker: str


def sources_digests(work: Work) -> tuple[tuple[str, str], ...]:
    """(path, sha256) of the target's own files (a lecturer's scene file, a spec): read by
    the worker at the same path, and they may lie outside the project."""
    return tuple((str(p), hashlib.sha256(p.read_bytes()).hexdigest())
                 for p in work.task.target.sources())


def render_remote(work: Work, digest: str, sources: tuple[tuple[str, str], ...],
                  topic: str, stop: str) -> Rendered:
    """Run on a worker: check the code, render `work` into a temporary folder, return the
    bytes. A failure comes back as a failed Outcome, never as an exception (Dask would
    retry it; a scene's bug fails the same way everywhere)."""
    from distributed import Event, get_worker

    worker = get_worker()
    where = worker_name(worker.name, worker.address)
    worker.log_event(topic, ["start", work.index, where])

    def failed(error: str) -> Rendered:
        return Rendered(Outcome(work.task, work.key, "failed", error=error), (), where)

    if (nthreads := worker.state.nthreads) > 1:
        return failed(f"worker {where} runs {nthreads} threads; Manim renders one scene per "
                      "process: restart it with --nthreads 1")
    if own_digest() != digest:
        return failed(mismatch(f"worker {where}", own_digest(), digest))
    for path, sha in sources:
        problem = _differs(Path(path), sha)
        if problem:
            return failed(f"worker {where}: {path} {problem}; a worker reads the lecturer's "
                          "files at the same path as the client")
    scratch = Path(tempfile.gettempdir()) / SCRATCH_NAME
    scratch.mkdir(parents=True, exist_ok=True)
    clean_stale(scratch)
    folder = Path(tempfile.mkdtemp(prefix=tmp_prefix("task"), dir=scratch))
    try:
        moved = work.task.moved(folder)
        progress = _Progress(worker, topic, work.index, Event(stop))
        outcome = execute(Work(work.index, moved, work.key, work.expected), progress, _slot())
        if outcome.status != "rendered":
            outcome.error = f"{outcome.error} (on worker {where})"
            return Rendered(outcome, (), where)
        contents = tuple(p.read_bytes() if p.exists() else None for p in moved.files)
        return Rendered(outcome, contents, where)
    except Stopped:
        return failed("stopped by the client")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def worker_name(name, address: str) -> str:
    """A worker as the user knows it: its address, and its --name if it has one."""
    return address if str(name) == address else f"{name} ({address})"


def mismatch(who: str, theirs: str, ours: str) -> str:
    """The one line that refuses a worker (or scheduler) running other code: `who` is
    "worker NAME" or "the scheduler at ADDRESS"."""
    return (f"{who} runs other code: project digest {theirs[:12]} there, "
            f"{ours[:12]} here; give it the same checkout (same commit, `make setup`) and "
            "restart it")


def _differs(path: Path, sha: str) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "is missing there"
    return "" if hashlib.sha256(data).hexdigest() == sha else "differs there"


class _Progress:
    """The `Progress` a task is given on a worker: each report is an event the client's
    bar follows; about once a second it also asks whether the client stopped the run."""

    def __init__(self, worker, topic: str, index: int, stop) -> None:
        self.worker, self.topic, self.index, self.stop = worker, topic, index, stop
        self.asked = time.monotonic()

    def __call__(self, seconds: float) -> None:
        self.worker.log_event(self.topic, ["progress", self.index, float(seconds)])
        now = time.monotonic()
        if now - self.asked >= CHECK_EVERY:
            self.asked = now
            if self.stop.is_set():
                raise Stopped


_held: list[IO] = []  # the lock of this process's slot, kept open for its life


def _slot() -> int:
    """A LaTeX/text cache slot no other process on this machine is using."""
    from .worker import CACHE

    if _held:
        return int(Path(_held[0].name).stem.split("-")[1])
    CACHE.mkdir(parents=True, exist_ok=True)
    for slot in itertools.count(FIRST_SLOT):
        handle = open(CACHE / f"slot-{slot}.lock", "a")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _held.append(handle)
        return slot
    raise AssertionError("unreachable")
