"""The local Runner: render stale tasks on this machine, in parallel processes.

Each worker process imports Manim once and renders tasks one after another,
with its own LaTeX/text cache folder (its "slot"), so two processes never
write the same cache file. Workers die with the main process (Linux
PR_SET_PDEATHSIG): a killed `render.py` leaves no orphan that could later
replace an output. Outputs are only ever moved into place when complete.
One task, or --jobs 1, renders in this process: no pool to start.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_module
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from . import cache
from .errors import UserError
from .progress import Reporter
from .runner import Outcome, Runner, Work, report_outcome
from .tasks import Progress


def execute(work: Work, progress: Progress, slot: int) -> Outcome:
    """Run one task (in whichever process runs this) and mark its outputs fresh."""
    task = work.task
    start = time.perf_counter()
    reached = [0.0]

    def report(seconds: float) -> None:
        reached[0] = seconds
        progress(seconds)

    try:
        written = task.run(report, slot)
        cache.mark_fresh(task.outputs, work.key)
        return Outcome(task, work.key, "rendered", time.perf_counter() - start, reached[0],
                       outputs=written)
    except Exception as exc:  # reported, never raised across the process boundary
        message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        return Outcome(task, work.key, "failed", time.perf_counter() - start, error=message,
                       exit_code=exc.exit_code if isinstance(exc, UserError) else 1,
                       trace=traceback.format_exc())


class LocalPool(Runner):
    """At most `jobs` tasks at once, each worker in its own process."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def render(self, work: Sequence[Work], reporter: Reporter) -> list[Outcome]:
        if min(self.jobs, len(work)) <= 1:
            return [self._here(w, reporter) for w in work]
        return self._pool(work, min(self.jobs, len(work)), reporter)

    @staticmethod
    def _here(work: Work, reporter: Reporter) -> Outcome:
        """In this process, reporting progress directly."""
        reporter.start(work.index, work.task.label, work.expected)
        outcome = execute(work, lambda seconds: reporter.progress(work.index, seconds), 0)
        report_outcome(reporter, work.index, outcome)
        return outcome

    @staticmethod
    def _pool(work: Sequence[Work], workers: int, reporter: Reporter) -> list[Outcome]:
        ctx = mp.get_context("spawn")
        slots, progress = ctx.Queue(), ctx.Queue()
        for slot in range(workers):
            slots.put(slot)
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(slots, progress, os.getpid()))
        pending: dict[Future, int] = {}
        by_index = {w.index: w for w in work}
        outcomes: dict[int, Outcome] = {}
        started: set[int] = set()

        def start(i: int) -> None:  # the first sign of a job: its progress row appears
            if i not in started:
                started.add(i)
                reporter.start(i, by_index[i].task.label, by_index[i].expected)

        try:
            for w in work:
                pending[pool.submit(_execute_in_worker, w)] = w.index
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(progress, reporter, start)
                for future in done:
                    i = pending.pop(future)
                    start(i)
                    outcomes[i] = future.result()
                    report_outcome(reporter, i, outcomes[i])
        except BaseException:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            for process in processes:
                process.kill()
            for process in processes:
                process.join(timeout=10)  # reaped: their temporaries now count as stale
            pool.shutdown(cancel_futures=True)
            raise
        pool.shutdown()
        return [outcomes[w.index] for w in work]


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


def _execute_in_worker(work: Work) -> Outcome:
    queue = _progress
    return execute(work, lambda seconds: queue.put((work.index, seconds)), _slot)


def _drain(progress: mp.Queue, reporter: Reporter, start: Callable[[int], None]) -> None:
    while True:
        try:
            index, seconds = progress.get_nowait()
        except queue_module.Empty:
            return
        start(index)
        reporter.progress(index, seconds)
