"""Build a scene without writing video, and keep what was on screen at each key moment."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field

import numpy as np
from manim import Line, Mobject, Text, Wait, tempconfig

from morphs import recording
from scenes.kit import ExplainerScene, Number, TokenRow, fmt
from scenes.kit.text import MINUS


@dataclass
class SceneRun:
    scene: ExplainerScene
    snapshots: dict[str, list[Mobject]] = field(default_factory=dict)
    plays: list[list[Mobject]] = field(default_factory=list)  # see run_scene_each_play

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


def _run(cls: type[ExplainerScene], each_play: bool = False) -> SceneRun:
    run = SceneRun(scene=None)  # type: ignore[arg-type]

    def snapshot(scene: ExplainerScene, name: str) -> None:
        run.snapshots[name] = [m.copy() for m in scene.mobjects]

    base = recording(cls)  # every play() listed in scene.played, for the glyph-morph test

    def play(scene: ExplainerScene, *animations, **kwargs) -> None:
        base.play(scene, *animations, **kwargs)
        if not all(isinstance(a, Wait) for a in animations):
            run.plays.append([m.copy() for m in scene.mobjects])

    hooks = {"moment_hooks": (snapshot,)} | ({"play": play} if each_play else {})
    probe = type(cls.__name__, (base,), hooks)
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


# ---- runs that keep every step, and where things are on screen ------------------------

REL = 1e-5  # float32 core vs float64 reference: relative tolerance of a shown number
XY = 1e-4  # scene units: a point drawn from float32 coordinates vs the float64 one


def run_scene_each_play(cls: type[ExplainerScene]) -> SceneRun:
    """`run_scene`, also snapshotting the screen after every play() (waits left out) in
    `run.plays`: for what a scene shows between its key moments (a second sentence
    done quickly). Shares `run_scene`'s cache, so a class is still built once."""
    if cls not in _RUNS or not _RUNS[cls].plays:
        _RUNS[cls] = _run(cls, each_play=True)
    return _RUNS[cls]


def assert_matches(shown, expected, rtol: float = REL, atol: float = 1e-6) -> None:
    """What the screen holds (float32, from the core) against a float64 recomputation."""
    np.testing.assert_allclose(np.asarray(shown, float), np.asarray(expected, float),
                               rtol=rtol, atol=atol)


def assert_shows(numbers, expected, decimals: int = 2) -> None:
    """Numbers on screen hold the expected values (within float32 tolerance), and each
    one's text is its own value formatted: the value is the one drawn."""
    numbers = list(numbers)
    assert all(isinstance(n, Number) for n in numbers), "not a Number on screen"
    assert_matches([n.value for n in numbers], np.ravel(expected))
    assert [n.text for n in numbers] == [fmt(n.value, decimals) for n in numbers]


def highlighted(row: TokenRow, colour: str) -> list[int]:
    """Positions of the tokens whose box is drawn in `colour`."""
    return [j for j, t in enumerate(row.tokens)
            if t.box.get_stroke_color().to_hex().upper() == colour.upper()]


def visible(mobjects: list[Mobject], kind: type = Text) -> list:
    """Every `kind` (Text by default, which includes Numbers) with some ink not fully
    transparent (a group's own opacity says nothing: its members carry the ink)."""
    def shown(m: Mobject) -> bool:
        return any(max(part.get_fill_opacity(), part.get_stroke_opacity()) > 0.01
                   for part in m.get_family() if part.has_points())
    return [m for m in find(mobjects, kind) if shown(m)]


def the_text(mobjects: list[Mobject], text: str) -> Text:
    """The one visible Text reading exactly `text` (a test's anchor for 'where')."""
    hits = [t for t in visible(mobjects) if t.original_text == text]
    assert len(hits) == 1, f"{text!r} is on screen {len(hits)} times, expected once"
    return hits[0]


def line_after(mobjects: list[Mobject], anchor: Mobject) -> list[Text]:
    """The visible Texts (and Numbers) to the right of `anchor` on its line of text,
    left to right: how a reader reads 'E reads as  fruit 0.47  tech 0.48'."""
    y, half = anchor.get_y(), anchor.height / 2 + 0.05
    right = anchor.get_right()[0] - 0.02
    row = [t for t in visible(mobjects) if t is not anchor
           and abs(t.get_y() - y) < half and t.get_left()[0] >= right]
    return sorted(row, key=lambda t: t.get_x())


def gap(m: Mobject, point: np.ndarray) -> float:
    """Distance from `point` to `m`'s bounding box (0 inside it)."""
    nearest = np.clip(point, m.get_corner(np.array([-1, -1, 0])),
                      m.get_corner(np.array([1, 1, 0])))
    return float(np.linalg.norm((nearest - point)[:2]))


def labels(tag: Mobject, point: np.ndarray, rivals: list[np.ndarray],
           mobjects: list[Mobject], reach: float = 0.35) -> bool:
    """Whether a reader takes `tag` for the label of `point`: it sits next to it (within
    `reach`, and no rival point is nearer), or a leader line runs from the point to it."""
    own = gap(tag, point)
    if own <= reach and all(own <= gap(tag, r) + 1e-9 for r in rivals):
        return True
    return any(np.linalg.norm((line.get_start() - point)[:2]) < 0.12
               and gap(tag, line.get_end()) < 0.12
               for line in visible(mobjects, Line))


def numbers_in(text: str) -> list[float]:
    """The numbers written in a caption or label ('−0.35' with a true minus), in order."""
    return [float(m.replace(MINUS, "-")) for m in re.findall(rf"[{MINUS}-]?\d+\.\d+", text)]


def assert_said(said: list[float], expected, decimals: int = 2) -> None:
    """Numbers written with `decimals` decimals are the expected values rounded: each
    within half a unit of the last decimal (plus float32 slack), not a string match."""
    expected = np.asarray(expected, float)
    assert len(said) == len(expected), f"{said} vs {expected}"
    assert np.all(np.abs(np.asarray(said) - expected) <= 0.5 * 10.0 ** -decimals + 1e-6), \
        f"{said} are not {expected.tolist()} rounded to {decimals} decimals"
