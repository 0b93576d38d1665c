"""A 2-D view of the embedding space, drawn over a fixed, faint reference grid.

The reference grid and its axes are built once and never transformed: when a
scene shows a matrix acting on the space, it transforms a *separate* moving
grid (`moving_grid`) on top, so the viewer always sees the space move against
fixed axes, never the axes moving with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    DashedLine,
    Dot,
    Mobject,
    NumberPlane,
    VGroup,
)

from .layout import LabelSpace, MainPicture, keep_inside
from .leaders import compass, leader
from .text import label
from .theme import THEME


class EmbeddingPlane(MainPicture, VGroup):
    """Plane coordinates in, scene points out (`plane.p((x, y))`)."""

    def __init__(self, x_range: Sequence[float] = (-3, 7), y_range: Sequence[float] = (-3, 7),
                 width: float = 6.0, height: float | None = None, step: float = 1.0):
        super().__init__()
        span_x = x_range[1] - x_range[0]
        span_y = y_range[1] - y_range[0]
        height = height if height is not None else width * span_y / span_x
        self.reference = NumberPlane(
            x_range=(x_range[0], x_range[1], step),
            y_range=(y_range[0], y_range[1], step),
            x_length=width,
            y_length=height,
            background_line_style={"stroke_color": THEME.reference, "stroke_width": 1,
                                   "stroke_opacity": 0.7},
            axis_config={"stroke_color": THEME.muted, "stroke_width": 1.5},
            faded_line_ratio=1,
        )
        self.add(self.reference)
        self.x_range, self.y_range = tuple(x_range), tuple(y_range)
        # every label drawn on this plane (word names, sense names, arrow tags) keeps
        # clear of the others and of the arrows announced with `labels.avoid_line`
        self.labels = LabelSpace(bounds=self.reference)

    def p(self, xy: Sequence[float]) -> np.ndarray:
        """Scene point of plane coordinates (x, y)."""
        return self.reference.c2p(float(xy[0]), float(xy[1]))

    @property
    def origin(self) -> np.ndarray:
        return self.p((0, 0))

    def arrow(self, to: Sequence[float], color: str, start: Sequence[float] = (0, 0),
              width: float = 4) -> Arrow:
        """An arrow between plane coordinates; its ends sit exactly on the points."""
        return Arrow(self.p(start), self.p(to), buff=0, color=color, stroke_width=width,
                     max_tip_length_to_length_ratio=0.12, max_stroke_width_to_length_ratio=8)

    def tip_label(self, arrow: Arrow, text: str, color: str, size: float | None = None
                  ) -> VGroup:
        """`tip_label` kept inside this plane, clear of its other labels (`self.labels`)."""
        return tip_label(arrow, text, color, self.labels, size)

    def dot(self, xy: Sequence[float], color: str, radius: float = 0.05) -> Dot:
        return Dot(self.p(xy), radius=radius, color=color)

    def sense_ray(self, direction: Sequence[float], name: str, color: str) -> VGroup:
        """A dashed ray from the origin along a sense direction, its name just beyond its end.

        The ray stops short of the plane's edge by the name's own size, so the
        name sits past the end of the line instead of on top of it."""
        d = np.asarray(direction, dtype=float)
        d = d / np.linalg.norm(d)
        tag = label(name, THEME.small, color)
        # the name goes past the end along the ray's main axis, so the ray stops
        # short of the box by the name's size on that axis only
        vertical = abs(d[1]) > abs(d[0])
        per_unit = np.linalg.norm(self.p((0, 1) if vertical else (1, 0)) - self.origin)
        room = (tag.height if vertical else tag.width) / per_unit + 0.15
        hi = np.array([self.x_range[1], self.y_range[1]], dtype=float)
        lo = np.array([self.x_range[0], self.y_range[0]], dtype=float)
        axis = 1 if vertical else 0
        hi[axis] -= room
        lo[axis] += room
        # how far the ray can go before its name would leave the plane's box
        limits = [(hi[i] if d[i] > 0 else lo[i]) / d[i] for i in (0, 1) if abs(d[i]) > 1e-9]
        end = d * max(min(limits) * 0.97, 0.5)
        ray = DashedLine(self.origin, self.p(end), color=color, stroke_width=2.5,
                         dash_length=0.12)
        side = (UP if d[1] > 0 else DOWN) if vertical else (RIGHT if d[0] > 0 else LEFT)
        tag.next_to(self.p(end), side, buff=0.1)
        keep_inside(tag, self.reference)
        self.labels.avoid(tag)
        return VGroup(ray, tag)

    def word_points(self, words: Sequence[str], coords: np.ndarray, color_of,
                    avoid: Sequence[Mobject] = ()) -> VGroup:
        """Dots for words, each labelled where it collides with no other label or dot."""
        dots = [self.dot(xy, color_of(w)) for w, xy in zip(words, coords, strict=True)]
        self.labels.avoid(*avoid, *dots)
        group = VGroup()
        for word, dot in zip(words, dots, strict=True):
            tag = self.labels.place(label(word, THEME.tiny, color_of(word)), dot.get_center())
            # pushed away by a crowd: a leader line says whose label it is
            line = leader(tag, dot.get_center(), color_of(word), reach=0.18, buff=0.06)
            group.add(VGroup(dot, tag, *line))
        return group

    @staticmethod
    def fit(points: np.ndarray, max_width: float, max_height: float, margin: float = 0.8
            ) -> EmbeddingPlane:
        """The smallest whole-unit window holding `points` (and the origin), at one scale
        for both axes, as large as fits in max_width × max_height."""
        lo = np.floor(np.minimum(points.min(axis=0), 0) - margin)
        hi = np.ceil(np.maximum(points.max(axis=0), 0) + margin)
        span = hi - lo
        unit = min(max_width / span[0], max_height / span[1])
        return EmbeddingPlane((lo[0], hi[0]), (lo[1], hi[1]), width=unit * span[0],
                              height=unit * span[1])


def ghost(mobject: Mobject, opacity: float = 0.3) -> Mobject:
    """A faded copy: what was there before, kept in view for comparison."""
    return mobject.copy().set_opacity(opacity)


def tip_label(arrow: Arrow, text: str, color: str, space: LabelSpace,
              size: float | None = None) -> VGroup:
    """A label just beyond an arrow's tip (along its direction), clear of what `space`
    holds and inside its bounds; a thin leader line joins it to the tip when a crowd
    pushed it away."""
    tag = label(text, size or THEME.small, color)
    space.place(tag, arrow.get_end(), preferred=compass(arrow.get_end() - arrow.get_start()),
                buff=0.14)
    return VGroup(tag, *leader(tag, arrow.get_end(), color, reach=0.3, buff=0.05))
