"""Where things go: named regions of the frame, and labels that do not collide.

The frame is 14.2 x 8 Manim units (16:9). Every scene places its pieces in the
same few regions instead of choosing its own panel centre and width clamp:

* `SAFE`: the title-safe area, 5% in from every edge; no text crosses it.
* `CAPTIONS`: a band at the bottom of `SAFE` where burned-in captions go;
  scenes keep it clear (`STAGE` is `SAFE` above it).
* `LEFT` and `PANEL`: the main picture on the left and a text panel on the
  right, the split most clips use (a plane or grid beside its numbers).

`fit_width(m)` shrinks a mobject that would run past a region's width (the
frame's safe width by default) and never enlarges it.

Labels beside dots and arrow tips must not sit on one another or on lines:
a `LabelSpace` remembers what is already placed in a region and finds each new
label a free spot (`place`), so a scene never carries that list itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, Mobject, Square

_CANDIDATES = (UR, UL, DR, DL, RIGHT, LEFT, UP, DOWN)


class MainPicture:
    """Marks a mobject class as the kind of picture a moment is about (a plane, a
    pattern, a heat map, a scene's own diagram): the legibility test asks it to span at
    least half the frame height where it is the subject. A mixin, no behaviour."""


@dataclass(frozen=True)
class Region:
    """An axis-aligned part of the frame, in Manim units."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def center(self) -> np.ndarray:
        return np.array([self.x, self.y, 0.0])

    def fit(self, m: Mobject) -> Mobject:
        """Shrink `m` (never enlarge) until it fits this region's width and height."""
        fit_width(m, self.width)
        if m.height > self.height:
            m.scale_to_fit_height(self.height)
        return m

    def holds(self, m: Mobject, tolerance: float = 1e-6) -> bool:
        return (m.get_left()[0] >= self.left - tolerance
                and m.get_right()[0] <= self.right + tolerance
                and m.get_bottom()[1] >= self.bottom - tolerance
                and m.get_top()[1] <= self.top + tolerance)


FRAME = Region(-64 / 9, 64 / 9, -4.0, 4.0)
SAFE = Region(FRAME.left * 0.9, FRAME.right * 0.9, FRAME.bottom * 0.9, FRAME.top * 0.9)
CAPTIONS = Region(SAFE.left, SAFE.right, SAFE.bottom, SAFE.bottom + 0.75)
STAGE = Region(SAFE.left, SAFE.right, CAPTIONS.top, SAFE.top)
LEFT_SIDE = Region(SAFE.left, -0.2, STAGE.bottom, STAGE.top)
PANEL = Region(0.6, SAFE.right, STAGE.bottom, STAGE.top)


def at_top(m: Mobject, x: float = 0.0, region: Region = SAFE) -> Mobject:
    """Put `m` (a clip's title) at the top of `region`, centred on `x`, fitted to its
    width: every scene's title in the same place, inside the title-safe area."""
    fit_width(m, region.width)
    m.move_to([x, region.top - m.height / 2, 0])
    if m.get_left()[0] < region.left:
        m.shift((region.left - m.get_left()[0]) * RIGHT)
    if m.get_right()[0] > region.right:
        m.shift((m.get_right()[0] - region.right) * LEFT)
    return m


def fit_width(m: Mobject, width: float = SAFE.width) -> Mobject:
    """Shrink `m` to `width` if it is wider (a long sentence, a wide row of numbers)."""
    if m.width > width:
        m.scale_to_fit_width(width)
    return m


def spread_row(mobjects: Sequence[Mobject], left: float = SAFE.left,
               right: float = SAFE.right) -> Sequence[Mobject]:
    """Place `mobjects` left to right with equal gaps, the first's left edge at `left`
    and the last's right edge at `right` (heights untouched): a row of pictures that
    needs the whole safe width (an equation of matrices) spans it instead of bunching
    on one side and leaving the rest of the stage empty."""
    gap = (right - left - sum(m.width for m in mobjects)) / max(len(mobjects) - 1, 1)
    x = left
    for m in mobjects:
        m.shift(RIGHT * (x - m.get_left()[0]))
        x += m.width + gap
    return mobjects


def _box(m: Mobject, pad: float = 0.04) -> tuple[float, float, float, float]:
    return (m.get_left()[0] - pad, m.get_right()[0] + pad,
            m.get_bottom()[1] - pad, m.get_top()[1] + pad)


def overlaps(a: Mobject, b: Mobject, pad: float = 0.04) -> bool:
    ax0, ax1, ay0, ay1 = _box(a, pad)
    bx0, bx1, by0, by1 = _box(b, pad)
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


def keep_inside(m: Mobject, bounds: Mobject, margin: float = 0.05) -> Mobject:
    """Shift `m` the least amount that puts it inside `bounds`' bounding box."""
    x0, x1, y0, y1 = _box(bounds, -margin)
    dx = max(0.0, x0 - m.get_left()[0]) - max(0.0, m.get_right()[0] - x1)
    dy = max(0.0, y0 - m.get_bottom()[1]) - max(0.0, m.get_top()[1] - y1)
    return m.shift(np.array([dx, dy, 0.0]))


def place_label(tag: Mobject, anchor: np.ndarray, placed: Sequence[Mobject],
                bounds: Mobject | None = None, preferred: np.ndarray = UR,
                buff: float = 0.08) -> Mobject:
    """Put `tag` beside `anchor`, avoiding the labels and dots in `placed`.

    Tries eight directions close to the anchor, then the same directions
    further out (for crowded clusters), and keeps the first spot that collides
    with nothing; pushes the tag inside `bounds` when given.
    """
    order = [preferred] + [c for c in _CANDIDATES if not np.allclose(c, preferred)]
    for distance in (buff, buff + 0.25, buff + 0.5, buff + 0.8):
        for direction in order:
            tag.next_to(anchor, direction, buff=distance)
            if bounds is not None:
                keep_inside(tag, bounds)
            if not any(overlaps(tag, other) for other in placed):
                return tag
    tag.next_to(anchor, preferred, buff=buff)
    if bounds is not None:
        keep_inside(tag, bounds)
    return tag


def segment_markers(start: np.ndarray, end: np.ndarray, n: int = 12, size: float = 0.14
                    ) -> list[Mobject]:
    """Small invisible squares along a segment: obstacles that keep labels off a line
    (a line's bounding box would block far too much)."""
    return [Square(size, stroke_width=0, fill_opacity=0).move_to(start + (end - start) * t)
            for t in np.linspace(0, 1, n)]


class LabelSpace:
    """The labels, dots and lines already in a region, so a new label finds a free spot.

    `avoid` adds obstacles, `avoid_line` keeps labels off a segment (an arrow
    drawn now or later), `place` positions a label clear of everything and
    remembers it, `forget` frees the room of a label that is going away.
    """

    def __init__(self, bounds: Mobject | None = None):
        self.bounds = bounds
        self.obstacles: list[Mobject] = []

    def avoid(self, *mobjects: Mobject) -> None:
        self.obstacles.extend(mobjects)

    def avoid_line(self, start: np.ndarray, end: np.ndarray, n: int = 12) -> list[Mobject]:
        """Keep labels off the segment start-end; returns its markers, to `forget` later."""
        markers = segment_markers(np.asarray(start), np.asarray(end), n)
        self.obstacles.extend(markers)
        return markers

    def forget(self, *mobjects: Mobject) -> None:
        """Free the room of labels (or groups holding them, markers) that are going away."""
        gone = {id(part) for m in mobjects for part in m.get_family()}
        self.obstacles = [m for m in self.obstacles if id(m) not in gone]

    def place(self, tag: Mobject, anchor: np.ndarray, preferred: np.ndarray = UR,
              buff: float = 0.08) -> Mobject:
        place_label(tag, anchor, self.obstacles, bounds=self.bounds, preferred=preferred,
                    buff=buff)
        self.obstacles.append(tag)
        return tag
