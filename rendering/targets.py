"""What can be rendered: a scene name, a Python file (or file.py:Class), or a TOML spec.

A `SceneRef` is a small picklable description, so a worker process can rebuild
the scene class on its own side.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .files import read_text

SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"


@dataclass(frozen=True)
class SceneRef:
    kind: str  # "scene" | "file" | "spec" | "card"
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
        if self.kind == "card":
            digest = hashlib.sha256(repr(self.params).encode()).hexdigest()[:8]
            return f"card-{digest}"
        return self.name

    def sources(self) -> list[Path]:
        """Files whose content decides this scene's output (besides the shared ones)."""
        from .cache import scene_sources

        if self.kind == "scene":
            return scene_sources(SCENES_DIR / f"{self.name}.py")
        if self.kind == "file":
            return scene_sources(self.path)
        if self.kind == "spec":
            return [self.path, *scene_sources(SCENES_DIR / f"{self.name}.py")]
        return []


def _scene_classes_by_ast(path: Path) -> list[str]:
    """A file's scenes, found without importing it (the main process never loads Manim):
    classes that define construct(), and classes derived from those in the same file."""
    scenes: list[str] = []
    for node in ast.parse(read_text(path), filename=str(path)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        defines = any(isinstance(f, ast.FunctionDef) and f.name == "construct"
                      for f in node.body)
        inherits = any(isinstance(base, ast.Name) and base.id in scenes for base in node.bases)
        if defines or inherits:
            scenes.append(node.name)
    return scenes


def known_scene(name: str):
    """The registry's SceneInfo for `name`, or a UserError suggesting the closest names."""
    from scenes import UnknownSceneError, scene_info

    try:
        return scene_info(name)
    except UnknownSceneError as exc:
        raise UserError(str(exc)) from None


def resolve(target: str, base: Path | None = None) -> list[SceneRef]:
    """A TARGET from the command line or a manifest -> the scenes it names.

    `name` (a scene of the lecture), `file.py` (every scene in it), `file.py:Class`,
    or `spec.toml` (a parameterised scene filled from TOML). Relative paths are read
    from `base` (a manifest's folder) or the current directory.
    """
    where = base or Path.cwd()
    file_part, _, class_name = target.partition(":")
    if file_part.endswith(".toml"):
        from .specs import read_scene_spec

        return [read_scene_spec((where / file_part).resolve())]
    if file_part.endswith(".py"):
        path = (where / file_part).resolve()
        try:
            found = _scene_classes_by_ast(path)
        except SyntaxError as exc:
            raise UserError(f"{file_part}:{exc.lineno}: syntax error: {exc.msg}") from None
        if class_name:
            if class_name not in found:
                raise UserError(f"{file_part}: no scene class {class_name!r}; scenes in it: "
                                f"{', '.join(found) or 'none'}")
            found = [class_name]
        if not found:
            raise UserError(f"{file_part}: no scene (a class with a construct method) in it")
        return [SceneRef("file", name, path) for name in found]
    known_scene(target)
    return [SceneRef("scene", target)]


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
    if ref.kind == "card":
        from scenes.cards import TitleCard

        return TitleCard.with_params(**dict(ref.params))
    if ref.kind == "spec":
        base = load_scene(ref.name)
        try:
            return base.with_params(**dict(ref.params))
        except ValueError as exc:
            raise UserError(f"{ref.path}: {exc}") from exc
    raise ValueError(f"unknown target kind {ref.kind!r}")
