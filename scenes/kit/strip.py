"""A long vector as one coloured strip: a 384-number hidden state is not a column of digits.

A real model's vectors have hundreds of numbers; written out they are a wall
no one reads. As a strip (one thin cell per number, left to right, tinted
like `MatrixHeatmap`: the role colour for positive, grey-blue for negative,
strength (|x| / scale) ** 0.6) two vectors can be compared at a glance, and
the numbers are still the ones drawn (`.values`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import RIGHT, Rectangle, VGroup

from .heatmap import heat_fill
from .theme import THEME


class VectorStrip(VGroup):
    """`values` as len(values) adjacent cells of one strip `width` wide.

    `scale` is the |value| that gets full colour (default: the largest |entry|);
    give two strips the same scale to compare them. `.cells[i]` draws values[i]."""

    def __init__(self, values: Sequence[float] | np.ndarray, color: str, width: float = 8.0,
                 height: float = 0.3, scale: float | None = None):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        self.color_scale = float(scale or np.abs(self.values).max() or 1.0)
        self.color_name = color
        step = width / len(self.values)
        self.cells = VGroup(*[
            Rectangle(width=step, height=height, stroke_width=0)
            .set_fill(heat_fill(v, self.color_scale, color), 1)
            .move_to(RIGHT * (i + 0.5) * step) for i, v in enumerate(self.values)])
        self.frame = Rectangle(width=width, height=height, stroke_width=1.5,
                               stroke_color=THEME.muted).move_to(self.cells)
        self.add(self.cells, self.frame)
