"""What can be rendered: a scene name, a Python file (or file.py:Class), or a TOML spec.

A `SceneRef` is a small picklable description, so a worker process can rebuild
the scene class on its own side.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError


@dataclass(frozen=True)
class SceneRef:
    kind: str  # "scene" | "file" | "spec"
    name: str  # registry name, or the class name for files
    path: Path | None = None  # the .py file, or the .toml spec
    params: tuple[tuple[str, object], ...] = field(default=())  # spec parameters

    @property
    def label(self) -> str:
        """Name used for output files and progress lines."""
        if self.kind == "spec":
            return self.path.stem
        if self.kind == "file":
            return f"{self.path.stem}.{self.name}"
        return self.name


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


def scene_classes_in(path: Path) -> list[str]:
    """Names of the Manim Scene classes defined in a Python file."""
    from manim import Scene

    module = _import_file(path)
    return [name for name, obj in vars(module).items()
            if inspect.isclass(obj) and issubclass(obj, Scene)
            and obj.__module__ == module.__name__]


def load_class(ref: SceneRef):
    """The Manim Scene class a ref describes (imports Manim)."""
    from scenes import load_scene

    if ref.kind == "scene":
        return load_scene(ref.name)
    if ref.kind == "file":
        module = _import_file(ref.path)
        cls = getattr(module, ref.name, None)
        if cls is None:
            raise UserError(f"{ref.path}: no class {ref.name!r}; scenes in it: "
                            f"{', '.join(scene_classes_in(ref.path)) or 'none'}")
        return cls
    if ref.kind == "spec":
        base = load_scene(ref.name)
        try:
            return base.with_params(**dict(ref.params))
        except ValueError as exc:
            raise UserError(f"{ref.path}: {exc}") from exc
    raise ValueError(f"unknown target kind {ref.kind!r}")
