"""What can be rendered: one class per kind of target, all with the same three answers.

    label          the name of its output files and progress rows
    sources()      the files that hold this target's own code and data (its scene file,
                   its spec): the cache follows their imports for the rest
    scene_class()  the Manim Scene class to render (this imports Manim)

Targets are frozen dataclasses of plain values (names, paths, parameter pairs), so a
worker process, or a machine of a cluster, rebuilds the class on its own side. A
target is checked when it is made (by `resolve`, the spec and manifest readers): the
name is registered, the file holds that class, the parameters passed their scene's
checks, with file:line. `scene_class()` builds from what was checked.

A new kind of target is one new class here, and `resolve` learning its spelling.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from scenes import UnknownSceneError, scene_classes, scene_info

from .errors import UserError
from .files import read_text
from .imports import module_file

Params = tuple[tuple[str, object], ...]  # a scene's parameters, as sorted (name, value) pairs


class Target(ABC):
    # The voice the target itself asks for (a spec's `voice` key; see voices.py), which a
    # command line's --voice overrides. The spec's bytes are in the key already.
    voice: str | None = None

    @property
    @abstractmethod
    def label(self) -> str:
        """Name used for output files and progress lines."""

    @abstractmethod
    def sources(self) -> tuple[Path, ...]:
        """The files that name this target's own code and data."""

    @abstractmethod
    def scene_class(self) -> type:
        """The Manim Scene class to render (imports Manim)."""


class ModuleScene(Target):
    """A scene class in a project module, perhaps with parameters replaced."""

    params: Params = ()

    @abstractmethod
    def module_and_class(self) -> tuple[str, str]:
        """("scenes.values", "Values"): where the class is, without importing it."""

    def sources(self) -> tuple[Path, ...]:
        module = self.module_and_class()[0]
        path = module_file(module)
        if path is None:
            raise ValueError(f"{module} is not a module of this project")
        return (path,)

    def scene_class(self) -> type:
        module, name = self.module_and_class()
        cls = getattr(importlib.import_module(module), name)
        # the values were checked (with file:line) when the target was read; the kit's
        # with_params makes the variant (and today runs the scene's checks once more)
        return cls.with_params(**dict(self.params)) if self.params else cls


@dataclass(frozen=True)
class RegisteredScene(ModuleScene):
    """A scene of the lecture, by its registry name: `values`."""

    name: str

    @property
    def label(self) -> str:
        return self.name

    def module_and_class(self) -> tuple[str, str]:
        return f"scenes.{self.name}", scene_info(self.name).class_name


@dataclass(frozen=True)
class FilledScene(ModuleScene):
    """A registered scene filled with a lecturer's parameters from a TOML spec: `talk.toml`
    (made by `specs.read_scene_spec`, which checks every value with file:line)."""

    path: Path  # the spec
    name: str  # the registered scene it fills
    params: Params = ()
    voice: str | None = None  # `voice = "joe"` or `voice-dir = "..."` in the spec

    @property
    def label(self) -> str:
        return self.path.stem

    def module_and_class(self) -> tuple[str, str]:
        return RegisteredScene(self.name).module_and_class()

    def sources(self) -> tuple[Path, ...]:
        return (self.path, *super().sources())


@dataclass(frozen=True)
class TitleCard(ModuleScene):
    """A title card between a lecture's chapters (`card = "..."` in a manifest): the
    class `scenes.cards.TitleCard` with its heading, subtitle and length as parameters."""

    params: Params = ()

    @property
    def label(self) -> str:
        return f"card-{hashlib.sha256(repr(self.params).encode()).hexdigest()[:8]}"

    def module_and_class(self) -> tuple[str, str]:
        return "scenes.cards", "TitleCard"


@dataclass(frozen=True)
class ClassInFile(Target):
    """A scene class in a Python file the lecturer wrote: `my_scenes.py:Intro`."""

    path: Path
    name: str  # the class

    @property
    def label(self) -> str:
        return f"{self.path.stem}.{self.name}"

    def sources(self) -> tuple[Path, ...]:
        return (self.path,)

    def scene_class(self) -> type:
        cls = getattr(_import_file(self.path), self.name, None)
        if cls is None:
            raise UserError(f"{self.path}: no class {self.name!r}; scenes in it: "
                            f"{', '.join(classes_in_file(self.path)) or 'none'}")
        return cls


def classes_in_file(path: Path, shown: str | None = None) -> list[str]:
    """The names of the scene classes in a Python file, read without running it (the
    registry's own rule, `scenes.scene_classes`). A syntax error is a UserError at its line;
    `shown` is how the file is named in it (default: its path)."""
    try:
        return [c.name for c in scene_classes(read_text(path), str(path))]
    except SyntaxError as exc:
        raise UserError(f"{shown or path}:{exc.lineno}: syntax error: {exc.msg}") from None


def known_scene(name: str):
    """The registry's SceneInfo for `name`, or a UserError suggesting the closest names."""
    try:
        return scene_info(name)
    except UnknownSceneError as exc:
        raise UserError(str(exc)) from None


def load_class(target: Target) -> type:
    """The Manim Scene class a target describes (imports Manim)."""
    return target.scene_class()


def _import_file(path: Path):
    module_name = f"_render_target_{path.stem}_{abs(hash(str(path.resolve()))):x}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's file failed to import: say where
        raise UserError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from exc
    return module


__all__ = ["ClassInFile", "FilledScene", "RegisteredScene",
           "Target", "TitleCard", "classes_in_file", "known_scene", "load_class"]
