"""Build a scene without writing video, and keep what was on screen at each key moment."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field

import numpy as np
from manim import Mobject, Text, tempconfig

from scenes.kit import ExplainerScene


@dataclass
class SceneRun:
    scene: ExplainerScene
    snapshots: dict[str, list[Mobject]] = field(default_factory=dict)

    def at(self, moment: str) -> list[Mobject]:
        return self.snapshots[moment]


_RUNS: dict[type, SceneRun] = {}


def run_scene(cls: type[ExplainerScene]) -> SceneRun:
    """Run construct() with animations skipped (no frames, no files) and snapshot
    copies of the scene's mobjects at every moment(). Each class is built once per
    test session: its scene test and the every-scene test share the result."""
    if cls not in _RUNS:
        _RUNS[cls] = _run(cls)
    return _RUNS[cls]


def _run(cls: type[ExplainerScene]) -> SceneRun:
    run = SceneRun(scene=None)  # type: ignore[arg-type]

    def snapshot(scene: ExplainerScene, name: str) -> None:
        run.snapshots[name] = [m.copy() for m in scene.mobjects]

    probe = type(cls.__name__, (cls,), {"moment_hooks": (snapshot,)})
    with tempfile.TemporaryDirectory() as media, tempconfig({
        "dry_run": True, "quality": "low_quality", "media_dir": media,
        "verbosity": "ERROR", "progress_bar": "none", "disable_caching": True,
    }):
        scene = probe(skip_animations=True)
        scene.render()
    run.scene = scene
    return run


def find(mobjects: list[Mobject], kind: type) -> list:
    """Every mobject of `kind` among `mobjects` and their submobjects, in draw order."""
    seen: list = []
    for m in mobjects:
        for member in m.get_family():
            if isinstance(member, kind) and not any(member is s for s in seen):
                seen.append(member)
    return seen


def visible_texts(mobjects: list[Mobject]) -> list[str]:
    """The strings of every Text that is not fully transparent."""
    return [t.original_text for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]


def assert_close(shown, expected, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(shown, float), np.asarray(expected, float), atol=atol)
