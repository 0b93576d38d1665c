"""The clips. Each module `scenes/<name>.py` holds one `ExplainerScene` named <name>.

The registry reads names, descriptions and key moments straight from the source
files (with `ast`), so listing scenes does not pay for importing Manim. The same
reading, `scene_classes`, is how the command line finds the scenes in a file a
lecturer wrote: one rule for what a scene class is, wherever the file lives.
"""

from __future__ import annotations

import ast
import difflib
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SCENES_DIR = Path(__file__).resolve().parent
NOT_SCENES = {"__init__"}


class UnknownSceneError(LookupError):
    def __init__(self, name: str, known: list[str]):
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        super().__init__(f"unknown scene {name!r}: {hint}known scenes: {', '.join(known)}")
        self.name = name


@dataclass(frozen=True)
class SceneClass:
    """A scene class as its source declares it, read without running the file."""

    name: str  # the class's name
    node: ast.ClassDef

    def literal(self, attr: str) -> Any:
        """The value of `attr = <literal>` in the class body, else None."""
        for stmt in self.node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == attr for t in stmt.targets
            ):
                return ast.literal_eval(stmt.value)
        return None


def scene_classes(source: str, filename: str = "<scene file>") -> list[SceneClass]:
    """The scene classes a Python file defines, in order: classes that define construct(),
    and classes derived (by name) from those in the same file.

    A class that only subclasses Manim's Scene, without a construct() of its own or of a
    scene above it in the file, is not listed: rendered it would be a blank video, and
    lecturers write such classes as shared bases. Raises SyntaxError as `ast` does.
    """
    found: list[SceneClass] = []
    for node in ast.parse(source, filename=filename).body:
        if not isinstance(node, ast.ClassDef):
            continue
        defines = any(isinstance(f, ast.FunctionDef) and f.name == "construct"
                      for f in node.body)
        inherits = any(isinstance(base, ast.Name) and base.id in {c.name for c in found}
                       for base in node.bases)
        if defines or inherits:
            found.append(SceneClass(node.name, node))
    return found


@dataclass(frozen=True)
class SceneInfo:
    name: str
    class_name: str
    description: str
    key_moments: tuple[str, ...]
    path: Path


def _read(path: Path) -> SceneInfo | None:
    for cls in scene_classes(path.read_text(encoding="utf-8"), str(path)):
        if cls.literal("name") == path.stem:
            return SceneInfo(
                name=path.stem,
                class_name=cls.name,
                description=cls.literal("description") or "",
                key_moments=tuple(cls.literal("key_moments") or ()),
                path=path,
            )
    return None


@lru_cache(maxsize=1)
def registry() -> dict[str, SceneInfo]:
    found = {}
    for path in sorted(SCENES_DIR.glob("*.py")):
        if path.stem not in NOT_SCENES and (info := _read(path)) is not None:
            found[info.name] = info
    return found


def scene_info(name: str) -> SceneInfo:
    scenes = registry()
    if name not in scenes:
        raise UnknownSceneError(name, sorted(scenes))
    return scenes[name]


def load_scene(name: str):
    """Import the scene's module and return its class (this imports Manim)."""
    info = scene_info(name)
    module = importlib.import_module(f"scenes.{name}")
    return getattr(module, info.class_name)
