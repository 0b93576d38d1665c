"""Content keys: skip an output when nothing it depends on has changed.

A task's key hashes every input that can change its bytes, and the inputs are derived,
never listed by hand (`imports.py`):

* the code: every project module reachable by imports from the module that defines
  the task's class (rendering/worker.py for a video, rendering/figures.py for figures)
  and from the target's own sources (the scene file, a lecturer's file; a spec's scene),
  so the kit, the core, narration and the render engine are in exactly when they run;
* the data: the target's sources that are not code (a TOML spec), and the assets those
  modules name (weights, theme);
* Manim's version, and the task's options (its target and parameters, quality,
  format, formats, moments...).

Editing one scene changes only that scene's key; editing the kit or the core changes
every key that imports it; editing a module no render imports (the CLI) changes none.

Each output carries a sidecar `.<name>.key` holding the key it was made with;
it is written after the output is in place, so a crash never marks a stale
file as fresh.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from . import ROOT
from .files import atomic_text
from .imports import ImportGraph

if TYPE_CHECKING:
    from .tasks import Task


class Keys:
    """The keys of one command's tasks. Files are read and parsed once per Keys: make a
    new one to see edits made since."""

    def __init__(self, root: Path = ROOT):
        self.graph = ImportGraph(root)
        self.root = self.graph.root
        self._digests: dict[Path, bytes] = {}

    def inputs(self, task: Task) -> list[Path]:
        """Every file whose bytes go into `task`'s key, sorted."""
        return self.files(*_starts(task))

    def of(self, task: Task) -> str:
        """The key of `task`'s outputs."""
        options = json.dumps({"task": type(task).__qualname__,
                              "target": repr(task.target), **task.options()},
                             sort_keys=True, default=str)
        return hashlib.sha256((self.code(*_starts(task)) + options).encode()).hexdigest()

    def files(self, *starts: Path) -> list[Path]:
        """The project files importing `starts` runs, the starts, and the assets named."""
        code = self.graph.reachable(starts)
        return sorted({*code, *self.graph.assets(code)})

    def code(self, *starts: Path) -> str:
        """The digest of `files(*starts)`, and Manim's version."""
        h = hashlib.sha256()
        for path in self.files(*starts):
            if path not in self._digests:
                try:
                    name = str(path.relative_to(self.root))
                except ValueError:
                    name = str(path)  # a lecturer's file outside the project
                self._digests[path] = hashlib.sha256(
                    name.encode() + b"\0" + path.read_bytes()).digest()
            h.update(self._digests[path])
        return h.hexdigest() + version("manim")


def _starts(task: Task) -> tuple[Path, ...]:
    """Where a task's code begins: the module of its class (which calls the renderer),
    and the target's own files (loaded by name at run time, so not reachable by imports)."""
    return Path(inspect.getfile(type(task))), *task.target.sources()


def _sidecar(output: Path) -> Path:
    return output.parent / f".{output.name}.key"


def is_fresh(outputs: Iterable[Path], key: str) -> bool:
    for out in outputs:
        side = _sidecar(out)
        if not out.exists() or not side.exists() or side.read_text().strip() != key:
            return False
    return True


def mark_fresh(outputs: Iterable[Path], key: str) -> None:
    for out in outputs:
        atomic_text(_sidecar(out), key + "\n")
