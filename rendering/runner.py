"""Run a command's tasks: skip those whose outputs are fresh, hand the rest to a Runner.

The cache check happens here, once, in the process the user started: a Runner is given
only stale work. A Runner is the one thing that differs between rendering on this
machine (`pool.LocalPool`: this process, or a pool of worker processes) and elsewhere
(a cluster): it must

* call each task's `run` somewhere, and get its outputs into place with
  `files.commit` (all or nothing), then write the key beside them
  (`cache.mark_fresh(task.outputs, key)`), in that order;
* report to the Reporter: `start` when a task begins, `progress` as its clip advances,
  `finish` with `report_outcome` when it ends;
* return one Outcome per piece of work, a failure as an Outcome (never raised);
* on an interrupt (KeyboardInterrupt), stop everything it started and re-raise: outputs
  already committed stay, the rest leave the old files in place.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import BUILD, cache
from .files import atomic_text, clean_stale
from .progress import Reporter
from .tasks import Task

DURATIONS = BUILD / ".cache" / "durations.json"


@dataclass(frozen=True)
class Work:
    """One stale task, as a Runner receives it."""

    index: int  # the task's place in the command's list: its reporter row
    task: Task
    key: str  # written beside the outputs once they are in place
    expected: float  # seconds of video its last render made (0: unknown), for the bar


@dataclass
class Outcome:
    task: Task
    key: str
    status: str  # "rendered" | "up to date" | "failed"
    seconds: float = 0.0
    video_seconds: float = 0.0
    error: str = ""
    exit_code: int = 1  # of a failure: 2 when it is the user's to fix (a UserError's code)
    trace: str = ""
    outputs: list[Path] = field(default_factory=list)


class Runner(ABC):
    """Renders stale work (see the module's docstring for what it must guarantee)."""

    @abstractmethod
    def render(self, work: Sequence[Work], reporter: Reporter) -> list[Outcome]:
        """One Outcome per item of `work`, in the same order."""


def run_tasks(tasks: Sequence[Task], runner: Runner, force: bool,
              reporter: Reporter) -> list[Outcome]:
    """Every task's outcome, in order: fresh ones "up to date", the rest from `runner`."""
    keys = cache.Keys()
    keyed = [(task, keys.of(task)) for task in tasks]
    outcomes: dict[int, Outcome] = {}
    expected = _expected()
    todo: list[Work] = []
    for i, (task, key) in enumerate(keyed):
        if not force and cache.is_fresh(task.outputs, key):
            outcomes[i] = Outcome(task, key, "up to date", outputs=list(task.outputs))
        else:
            todo.append(Work(i, task, key, expected.get(task.label, 0.0)))
    folders = sorted({t.outputs[0].parent for t in tasks})
    for folder in folders:
        clean_stale(folder)  # leftovers of killed runs, even where nothing needs rendering
    # longest first (by last known duration): the last task to start is a short one,
    # so workers finish together instead of one waiting on a late long scene
    todo.sort(key=lambda w: -w.expected)
    if todo:
        try:
            outcomes.update((w.index, o) for w, o in zip(todo, runner.render(todo, reporter),
                                                          strict=True))
        except BaseException:
            for folder in folders:
                clean_stale(folder)  # what stopped workers were writing
            raise
    done = [outcomes[i] for i in range(len(tasks))]
    _remember(done)
    return done


def report_outcome(reporter: Reporter, index: int, outcome: Outcome) -> None:
    """The line a finished task leaves in the log."""
    if outcome.status == "failed":
        reporter.finish(index, f"failed   {outcome.task.label}: {outcome.error}")
    else:
        reporter.finish(index, f"rendered {outcome.task.label} in {outcome.seconds:.1f} s")


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
