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

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
