"""A task: one unit of rendering work, with one content key and one or more outputs.

Two kinds, each a class beside the code it calls: `worker.VideoTask` (a clip: quality,
format, transparency) and `figures.FigureTask` (stills at key moments: formats,
moments). Runners (pool.py, and any other) and the cache know only this interface,
so a new kind of task is one new class, in the module whose code it runs: the cache
follows the imports of that module for the task's key.

Tasks are frozen dataclasses of plain values (a Target, paths, strings), picklable, so a
worker process or another machine can run them.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from .targets import Target

Progress = Callable[[float], None]  # seconds of the clip rendered so far


class Task(ABC):
    target: Target

    @property
    @abstractmethod
    def label(self) -> str:
        """Name used for progress lines, the summary table and remembered durations."""

    @property
    @abstractmethod
    def outputs(self) -> tuple[Path, ...]:
        """The files the task produces; the first is the one named in the summary."""

    @abstractmethod
    def options(self) -> dict[str, Any]:
        """Everything besides code and target that decides the outputs' bytes (the key
        adds the target itself): not where they go."""

    @abstractmethod
    def run(self, progress: Progress, slot: int) -> list[Path]:
        """Render in this process and put the outputs in place atomically; the paths
        written. `slot` tells concurrent workers' caches apart (0..jobs-1)."""

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file `run` puts in place or takes away: the outputs first, then any
        companion (a video's captions). A cluster sends back each one's bytes, or its
        absence, and the client commits them all together."""
        return self.outputs

    def moved(self, folder: Path) -> Self:
        """The same work, writing into `folder` instead (a cluster worker's temporary
        folder); `files` of the copy and of the original correspond one to one.

        The Path fields moved are the destinations: those that are one of the task's
        `files` or hold them (a folder of stills). Other paths (a voice model, the
        target's files) are inputs and stay."""
        def destination(value: object) -> bool:
            return isinstance(value, Path) and any(
                f == value or value in f.parents for f in self.files)

        return dataclasses.replace(self, **{
            f.name: folder / getattr(self, f.name).name for f in dataclasses.fields(self)
            if destination(getattr(self, f.name))})
