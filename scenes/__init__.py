"""The clips. Each module `scenes/<name>.py` holds one `ExplainerScene` named <name>.

The registry reads names, descriptions and key moments straight from the source
files (with `ast`), so listing scenes does not pay for importing Manim.
"""

from __future__ import annotations

import ast
import difflib
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parent
NOT_SCENES = {"__init__"}


class UnknownSceneError(LookupError):
    def __init__(self, name: str, known: list[str]):
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        super().__init__(f"unknown scene {name!r}: {hint}known scenes: {', '.join(known)}")
        self.name = name


@dataclass(frozen=True)
class SceneInfo:
    name: str
    class_name: str
    description: str
    key_moments: tuple[str, ...]
    path: Path


def _class_attr(node: ast.ClassDef, attr: str):
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == attr for t in stmt.targets
        ):
            return ast.literal_eval(stmt.value)
    return None


def _read(path: Path) -> SceneInfo | None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and _class_attr(node, "name") == path.stem:
            return SceneInfo(
                name=path.stem,
                class_name=node.name,
                description=_class_attr(node, "description") or "",
                key_moments=tuple(_class_attr(node, "key_moments") or ()),
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
