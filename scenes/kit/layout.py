"""Small layout helpers: labels that do not collide and stay inside a region."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, Mobject

_CANDIDATES = (UR, UL, DR, DL, RIGHT, LEFT, UP, DOWN)


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
    """Small invisible squares along a segment: pass them to `place_label` to keep
    labels off a line (a line's bounding box would block far too much)."""
    from manim import Square

    return [Square(size, stroke_width=0, fill_opacity=0).move_to(start + (end - start) * t)
            for t in np.linspace(0, 1, n)]
