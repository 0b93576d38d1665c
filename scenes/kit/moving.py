"""A grid that a matrix moves, drawn over an `EmbeddingPlane`'s fixed reference grid.

The plane's reference grid and axes are never transformed. A `MovingGrid` is a
separate set of lines, laid out in plane coordinates; `moved_to(matrix)` gives
the animation that carries it to where the matrix sends it. Because a linear
map sends straight lines to straight lines, moving each line's points is the
whole map, and the in-between frames show (1 − t)·I + t·M, the usual picture.

Convention (as in the core): row vectors, a point x goes to x @ M.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import Animation, Line, Transform, VGroup

from .plane import EmbeddingPlane
from .theme import THEME


class MovingGrid(VGroup):
    """Lines at multiples of `step` within ±`extent` (plane units), shown through `matrix`."""

    def __init__(self, plane: EmbeddingPlane, extent: float = 2.0, step: float = 1.0,
                 matrix: Sequence[Sequence[float]] | np.ndarray | None = None,
                 color: str | None = None, stroke_width: float = 2.0):
        super().__init__()
        self.plane = plane
        self.extent, self.step = float(extent), float(step)
        self.color_name = color or THEME.moving
        self.stroke = stroke_width
        self.matrix = np.eye(2) if matrix is None else np.asarray(matrix, dtype=float)
        ticks = np.arange(-extent, extent + step / 2, step)
        # each segment in plane coordinates, before the matrix
        self.segments = [((t, -extent), (t, extent)) for t in ticks]
        self.segments += [((-extent, t), (extent, t)) for t in ticks]
        for a, b in self.segments:
            axis = abs(a[0]) < 1e-9 and abs(b[0]) < 1e-9 or abs(a[1]) < 1e-9 and abs(b[1]) < 1e-9
            self.add(Line(self.point(a), self.point(b), color=self.color_name,
                          stroke_width=stroke_width * (1.6 if axis else 1.0)))

    def point(self, xy: Sequence[float]) -> np.ndarray:
        """Scene point of plane coordinates `xy` after this grid's matrix."""
        return self.plane.p(np.asarray(xy, dtype=float) @ self.matrix)

    def mapped(self, matrix: Sequence[Sequence[float]] | np.ndarray) -> MovingGrid:
        """A new grid: the same lines, sent through `matrix` (from the identity)."""
        return MovingGrid(self.plane, self.extent, self.step, matrix, self.color_name,
                          self.stroke)

    def moved_to(self, matrix: Sequence[Sequence[float]] | np.ndarray, **kwargs) -> Animation:
        """Animate this grid to `matrix` (absolute, not composed with the current one)."""
        target = self.mapped(matrix)
        self.matrix = target.matrix
        return Transform(self, target, **kwargs)

    def corners(self) -> np.ndarray:
        """(4, 2) plane coordinates of the moved square's corners, for checks."""
        e = self.extent
        return np.array([(-e, -e), (e, -e), (e, e), (-e, e)], dtype=float) @ self.matrix
