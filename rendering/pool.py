"""Run render tasks: skip the up-to-date ones, render the rest in parallel processes.

Each worker process imports Manim once and renders tasks one after another,
with its own LaTeX/text cache folder (its "slot"), so two processes never
write the same cache file. Workers die with the main process (Linux
PR_SET_PDEATHSIG): a killed `render.py` leaves no orphan that could later
replace an output. Outputs are only ever moved into place when complete.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import queue as queue_module
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .errors import UserError
from .files import atomic_text, clean_stale
from .progress import Reporter
from .targets import SceneRef

DURATIONS = cache.ROOT / "build" / ".cache" / "durations.json"


@dataclass(frozen=True)
class Task:
    kind: str  # "video" | "figures"
    ref: SceneRef
    outputs: tuple[Path, ...]  # files the task produces; the first is the main one
    key: str = ""
    quality: str = "low"
    fmt: str = "mp4"
    transparent: bool = False
    formats: tuple[str, ...] = ()  # figures only
    moments: tuple[str, ...] | None = None  # figures only

    @property
    def label(self) -> str:
        return self.ref.label if self.kind == "video" else f"{self.ref.label} (figures)"

    def keyed(self) -> Task:
        """This task with its content hash filled in."""
        from dataclasses import replace

        options = {"kind": self.kind, "params": self.ref.params, "quality": self.quality,
                   "fmt": self.fmt, "transparent": self.transparent,
                   "formats": self.formats, "moments": self.moments, "name": self.ref.name}
        return replace(self, key=cache.task_key(self.ref.sources(), **options))


@dataclass
class Outcome:
    task: Task
    status: str  # "rendered" | "up to date" | "failed"
    seconds: float = 0.0
    video_seconds: float = 0.0
    error: str = ""
    trace: str = ""
    outputs: list[Path] = field(default_factory=list)


# ---- worker side ------------------------------------------------------------------
_slot = 0
_progress: mp.Queue | None = None


def _init_worker(slots: mp.Queue, progress: mp.Queue, parent: int) -> None:
    global _slot, _progress
    _slot, _progress = slots.get(), progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what stops
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent:  # the main process died before we asked to follow it
        os._exit(1)
    # Manim's (disabled) tqdm bars would share a multiprocessing lock, which a killed
    # worker leaves behind for the resource tracker to warn about: a thread lock will do
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())


def execute(index: int, task: Task) -> Outcome:
    """Render one task (in whichever process runs this) and mark its outputs fresh."""
    start = time.perf_counter()
    reached = [0.0]

    def report(seconds: float) -> None:
        reached[0] = seconds
        if _progress is not None:
            _progress.put((index, seconds))

    try:
        if task.kind == "video":
            from .worker import Job, render

            render(Job(task.ref, task.quality, task.fmt, task.outputs[0], task.transparent),
                   progress=report, slot=_slot)
            written = [task.outputs[0]]
        else:
            from .figures import render_figures

            written = render_figures(task.ref, task.outputs[0].parent, task.formats,
                                     task.moments, task.transparent)
        cache.mark_fresh(task.outputs, task.key)
        return Outcome(task, "rendered", time.perf_counter() - start, reached[0],
                       outputs=written)
    except Exception as exc:  # reported, never raised across the process boundary
        message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        return Outcome(task, "failed", time.perf_counter() - start, error=message,
                       trace=traceback.format_exc())


# ---- main side --------------------------------------------------------------------
def _expected() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}


def _remember(outcomes: list[Outcome]) -> None:
    known = _expected()
    known.update({o.task.label: round(o.video_seconds, 2) for o in outcomes
                  if o.status == "rendered" and o.video_seconds > 0})
    DURATIONS.parent.mkdir(parents=True, exist_ok=True)
    atomic_text(DURATIONS, json.dumps(known, indent=1, sort_keys=True))


def run_tasks(tasks: list[Task], jobs: int, force: bool, reporter: Reporter) -> list[Outcome]:
    tasks = [t.keyed() for t in tasks]
    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, Task]] = []
    for i, task in enumerate(tasks):
        if not force and cache.is_fresh(task.outputs, task.key):
            outcomes[i] = Outcome(task, "up to date", outputs=list(task.outputs))
        else:
            todo.append((i, task))
    folders = sorted({t.outputs[0].parent for t in tasks})
    for folder in folders:
        clean_stale(folder)  # leftovers of killed runs, even where nothing needs rendering
    expected = _expected()
    # longest first (by last known duration): the last task to start is a short one,
    # so workers finish together instead of one waiting on a late long scene
    todo.sort(key=lambda item: -expected.get(item[1].label, 0.0))
    workers = max(1, min(jobs, len(todo)))
    if workers == 1:
        for i, task in todo:
            reporter.start(i, task.label, expected.get(task.label, 0.0))
            outcomes[i] = _run_here(i, task, reporter)
            _report_outcome(reporter, i, outcomes[i])
    elif todo:
        try:
            _run_pool(todo, workers, expected, reporter, outcomes)
        except BaseException:
            for folder in folders:
                clean_stale(folder)  # what the killed workers were writing
            raise
    done = [outcomes[i] for i in range(len(tasks))]
    _remember(done)
    return done


def _run_here(index: int, task: Task, reporter: Reporter) -> Outcome:
    """One worker is all we need: render in this process, reporting progress directly."""

    class Direct:
        def put(self, item):
            reporter.progress(*item)

    global _progress
    _progress = Direct()  # type: ignore[assignment]
    try:
        return execute(index, task)
    finally:
        _progress = None


def _run_pool(todo, workers: int, expected: dict, reporter: Reporter,
              outcomes: dict[int, Outcome]) -> None:
    ctx = mp.get_context("spawn")
    slots, progress = ctx.Queue(), ctx.Queue()
    for slot in range(workers):
        slots.put(slot)
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(slots, progress, os.getpid()))
    pending: dict[Future, int] = {}
    tasks, started = dict(todo), set()

    def start(i: int) -> None:  # the first sign of a job: its progress row appears
        if i not in started:
            started.add(i)
            reporter.start(i, tasks[i].label, expected.get(tasks[i].label, 0.0))

    try:
        for i, task in todo:
            pending[pool.submit(execute, i, task)] = i
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(progress, reporter, start)
            for future in done:
                i = pending.pop(future)
                start(i)
                outcomes[i] = future.result()
                _report_outcome(reporter, i, outcomes[i])
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=10)  # reaped: their temporaries now count as stale
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def _drain(progress: mp.Queue, reporter: Reporter, start: Callable[[int], None]) -> None:
    while True:
        try:
            index, seconds = progress.get_nowait()
        except queue_module.Empty:
            return
        start(index)
        reporter.progress(index, seconds)


def _report_outcome(reporter: Reporter, index: int, outcome: Outcome) -> None:
    if outcome.status == "failed":
        reporter.finish(index, f"failed   {outcome.task.label}: {outcome.error}")
    else:
        reporter.finish(index, f"rendered {outcome.task.label} in {outcome.seconds:.1f} s")
