"""Which side of its point a label goes, and the line that joins them when it had to move.

A label sits beside what it names, on the side away from the crowd: outward from
the origin for a dot, along the arrow for an arrow's tip. `compass` snaps that
direction to one of the eight a label can take. When neighbours push a label
further off than a reader would connect at a glance, `leader` draws a thin line
from the point to it, so it is still clear whose label it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, UR, Line, Mobject, VGroup


def compass(direction: Sequence[float]) -> np.ndarray:
    """The one of the eight screen directions (RIGHT, UR, UP, ...) nearest to `direction`
    (its x and y); UR for no direction at all."""
    d = np.array([float(direction[0]), float(direction[1]), 0.0])
    d = np.sign(np.round(1.3 * d / (np.linalg.norm(d) or 1.0)))
    return d if d.any() else UR


def leader(tag: Mobject, point: np.ndarray, color: str, reach: float = 0.25,
           buff: float = 0.08) -> VGroup:
    """A thin line from `point` to the nearest point of `tag`'s box when the tag stands
    more than `reach` away from it; empty when the tag sits right beside its point."""
    near = np.clip(point, tag.get_corner(DL), tag.get_corner(UR))
    if np.linalg.norm(near - point) <= reach:
        return VGroup()
    return VGroup(Line(point, near, stroke_width=1, color=color, stroke_opacity=0.6, buff=buff))
