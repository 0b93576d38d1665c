"""Glyph soup: a shape-morphing animation that turns one text into another.

A Transform moves every point of its start onto a point of its end; between two
different strings the glyph outlines pass through shapes that are no letters at
all, and for most of the animation nothing on screen can be read. A text that
changes must cross-fade instead (FadeTransform, or FadeOut then FadeIn); moving,
scaling or recolouring the *same* text with a Transform is fine.

Animations are seen by running a scene whose `play()` first records what each
of its animations does to text (the strings of the Text and MathTex families of
its start and of its end), then plays as usual:

    run = run_scene(recording(cls))       # snapshots as usual, and run.scene.played
    for play in run.scene.played: play.morphs ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from manim import (
    AnimationGroup,
    ApplyMethod,
    FadeIn,
    FadeOut,
    FadeTransform,
    Mobject,
    Transform,
    TransformFromCopy,
)
from manim.animation.transform import _MethodAnimation
from manim.animation.transform_matching_parts import TransformMatchingAbstractBase
from manim.mobject.mobject import _AnimationBuilder

from legibility import outermost
from letters import TEXT_KINDS, string_of

CROSS_FADES = (FadeTransform, FadeIn, FadeOut)  # FadeTransformPieces is a FadeTransform


def text_strings(mobject: Mobject) -> list[str]:
    """The strings of the outermost Text / MathTex mobjects in `mobject`, in family
    order (the order a Transform pairs their glyphs in)."""
    return [string_of(t) for t in outermost([mobject], TEXT_KINDS)]


@dataclass(frozen=True)
class Morph:
    """A shape-morphing animation whose start and end hold different texts."""

    animation: str  # its class, or "<mobject>.animate.become"
    start: tuple[str, ...]
    end: tuple[str, ...]

    def pairs(self, most: int = 4) -> str:
        """The texts that turn into other texts ('a' -> 'b'), the first `most` of them."""
        if not self.start or not self.end:
            return f"{list(self.start) or 'shapes'} -> {list(self.end) or 'shapes'}"
        changed = [f"{a!r} -> {b!r}" for a, b in zip(self.start, self.end, strict=False)
                   if a != b]
        if len(self.start) != len(self.end):
            changed.append(f"{_texts(len(self.start))} -> {_texts(len(self.end))}")
        more = f" (+{len(changed) - most} more)" if len(changed) > most else ""
        return "; ".join(changed[:most]) + more


def _texts(n: int) -> str:
    return f"{n} text" if n == 1 else f"{n} texts"


def _after_methods(target: Mobject, methods: Sequence) -> Mobject:
    """`.animate.become(m)` copies only points, not strings: its end is `m`."""
    for item in reversed(methods):
        if item.method.__name__ == "become":
            return item.args[0]
    return target


def _ends(animation) -> tuple[str, Mobject, Mobject] | None:
    """(name, start, end) of a shape-morphing animation; None for anything else."""
    name = type(animation).__name__
    if isinstance(animation, _AnimationBuilder):
        end = _after_methods(animation.mobject.target, animation.methods)
        return ("animate.become" if end is not animation.mobject.target else "animate",
                animation.mobject, end)
    if isinstance(animation, TransformMatchingAbstractBase):
        return name, animation.to_remove[0], animation.to_add
    if isinstance(animation, CROSS_FADES) or not isinstance(animation, Transform):
        return None
    if isinstance(animation, _MethodAnimation):
        return name, animation.mobject, _after_methods(animation.target_mobject,
                                                       animation.methods)
    if isinstance(animation, ApplyMethod):
        if animation.method.__name__ == "become":
            return name, animation.mobject, animation.method_args[0]
        return name, animation.mobject, animation.create_target()
    if isinstance(animation, TransformFromCopy):  # it animates the target, backwards
        return name, animation.target_mobject, animation.mobject
    end = animation.target_mobject
    if type(end) is Mobject and not end.submobjects:  # made in begin(): ApplyFunction, ...
        end = animation.create_target()
    return name, animation.mobject, end


def morphs(animation) -> Iterator[Morph]:
    """Every glyph morph in `animation`, looking inside groups (LaggedStart, ...)."""
    ends = _ends(animation)
    if ends is None:
        if isinstance(animation, AnimationGroup):
            for inner in animation.animations:
                yield from morphs(inner)
        return
    name, start, end = ends
    before, after = text_strings(start), text_strings(end)
    if before != after:
        yield Morph(name, tuple(before), tuple(after))


@dataclass(frozen=True)
class Played:
    """One play() call: when, after which key moment, under which caption."""

    index: int
    time: float
    after_moment: str | None
    caption: str | None
    morphs: tuple[Morph, ...] = field(default=())

    @property
    def clock(self) -> str:
        return f"{int(self.time // 60)}:{self.time % 60:04.1f}"

    def where(self) -> str:
        moment = f"after @{self.after_moment}" if self.after_moment else "before any moment"
        caption = f", caption {self.caption[:60]!r}" if self.caption else ""
        return f"play #{self.index} at {self.clock} ({moment}{caption})"


_RECORDING: dict[type, type] = {}


def recording(cls: type) -> type:
    """`cls` with a play() that records its glyph morphs in `self.played` first.

    One subclass per scene class, so `run_scene(recording(cls))` is built once per
    session and shared by every test that asks for it."""
    if cls not in _RECORDING:
        def play(self, *args, **kwargs):
            played = self.__dict__.setdefault("played", [])
            reached = self.moments_reached
            caption = self._open_caption
            played.append(Played(len(played), float(self.renderer.time),
                                 reached[-1][0] if reached else None,
                                 caption.text if caption else None,
                                 tuple(m for a in args for m in morphs(a))))
            cls.play(self, *args, **kwargs)

        _RECORDING[cls] = type(cls.__name__, (cls,), {"play": play,
                                                      "__module__": cls.__module__})
    return _RECORDING[cls]
