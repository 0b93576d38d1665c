"""No glyph soup: a text that becomes another text cross-fades, never morphs.

Every play() of every scene is recorded (tests/morphs.py) and each shape-morphing
animation in it (Transform, ReplacementTransform, TransformMatchingShapes,
`.animate.become(...)`, ...) whose start and end hold different Text / MathTex
strings fails, named with both texts and where it plays. A morph may stay only with
a written reason in EXEMPT, shown in the warnings summary whenever used; an
exemption nothing needs fails.
"""

from __future__ import annotations

import warnings

import pytest
from manim import (
    DOWN,
    FadeIn,
    FadeOut,
    FadeTransform,
    LaggedStart,
    ReplacementTransform,
    Square,
    Transform,
    TransformMatchingShapes,
    VGroup,
)

from morphs import Morph
from scene_harness import run_scene
from scenes import load_scene, registry
from scenes.kit import ExplainerScene, label

NAMES = sorted(registry())

# (scene, start text, end text) -> why this text may morph into that one; "" stands
# for no text (a text morphing into shapes, or shapes into a text).
EXEMPT: dict[tuple[str, str, str], str] = {}


class GlyphMorphExemption(UserWarning):
    """A glyph morph kept with a written reason."""


def changed_pairs(morph: Morph) -> list[tuple[str, str]]:
    pairs = [(a, b) for a, b in zip(morph.start, morph.end, strict=False) if a != b]
    n, m = len(morph.start), len(morph.end)
    return pairs + [(a, "") for a in morph.start[m:]] + [("", b) for b in morph.end[n:]]


def glyph_morphs(cls) -> list:
    """(play, morph) for every glyph morph in a run of `cls`."""
    run = run_scene(cls)  # the harness records every play() (morphs.recording)
    return [(play, morph) for play in run.scene.played for morph in play.morphs]


@pytest.mark.parametrize("name", NAMES)
def test_no_text_morphs_into_another(name):
    failures, used = [], set()
    for play, morph in glyph_morphs(load_scene(name)):
        keys = {(name, a, b) for a, b in changed_pairs(morph)}
        if keys <= EXEMPT.keys():
            used |= keys
        else:
            failures.append(f"  {play.where()}: {morph.animation} morphs {morph.pairs()}")
    for key in sorted(used):
        warnings.warn(f"{name}: {key[1]!r} may morph into {key[2]!r}: {EXEMPT[key]}",
                      GlyphMorphExemption, stacklevel=1)
    unused = [key for key in EXEMPT if key[0] == name and key not in used]
    if failures or unused:
        pytest.fail("\n".join(
            [f"{name}: {len(failures)} glyph morph(s); cross-fade instead (FadeTransform, "
             "or FadeOut + FadeIn)"] + failures
            + [f"  unused exemption {key}: no such morph plays" for key in unused]),
            pytrace=False)


def test_exemptions_name_real_scenes_with_a_reason():
    for (scene, start, end), reason in EXEMPT.items():
        assert scene in registry(), f"exemption for unknown scene {scene!r}"
        assert start != end and reason.strip(), f"exemption {(scene, start, end)} needs a reason"


# ---- the detector itself ---------------------------------------------------------------

class Morphing(ExplainerScene):
    """One of each: morphs that must be caught and changes that are fine."""

    name = "morphing_probe"
    key_moments = ()

    def construct(self) -> None:
        a, b = label("fruit plane"), label("query space")
        self.add(a)
        self.play(Transform(a, b))  # caught: glyph soup
        c = label("moving").to_edge(DOWN)
        self.add(c)
        self.play(Transform(c, c.copy().shift(DOWN * 0.2).set_color("#FF0000")))  # fine
        self.play(FadeTransform(c, label("faded in")))  # fine: a cross-fade
        d, e = label("one"), label("two")
        self.play(FadeIn(d))
        self.play(LaggedStart(ReplacementTransform(d, e)))  # caught, inside a group
        self.play(e.animate.become(label("three")))  # caught: become copies only points
        f = label("tea")
        self.add(f)
        self.play(TransformMatchingShapes(f, label("eat")))  # caught: same glyphs, new word
        row = VGroup(label("0.12"), Square(0.3))
        self.play(FadeIn(row))
        self.play(ReplacementTransform(row, Square(0.5)))  # caught: a number into a shape
        self.play(FadeOut(*self.mobjects))


def test_the_detector_catches_morphs_and_lets_moves_and_fades_through():
    found = [(play.index, morph.animation, morph.start, morph.end)
             for play, morph in glyph_morphs(Morphing)]
    assert found == [
        (0, "Transform", ("fruit plane",), ("query space",)),
        (4, "ReplacementTransform", ("one",), ("two",)),
        (5, "animate.become", ("two",), ("three",)),
        (6, "TransformMatchingShapes", ("tea",), ("eat",)),
        (8, "ReplacementTransform", ("0.12",), ()),
    ]
