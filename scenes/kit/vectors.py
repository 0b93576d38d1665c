"""A vector as a bracketed column of numbers, in its role's colour."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, VGroup

from .text import Number, label
from .theme import THEME


def bracket(height: float, side: int, color: str) -> VGroup:
    """A square bracket; side=-1 opens to the right ('['), +1 to the left (']')."""
    arm = 0.09
    spine = Line(UP * height / 2, DOWN * height / 2, stroke_width=2, color=color)
    top = Line(spine.get_top(), spine.get_top() - side * RIGHT * arm, stroke_width=2, color=color)
    bottom = Line(spine.get_bottom(), spine.get_bottom() - side * RIGHT * arm, stroke_width=2,
                  color=color)
    return VGroup(spine, top, bottom)


class VectorColumn(VGroup):
    """[x₁ … x_d] drawn vertically; `values` are exactly the numbers shown."""

    def __init__(self, values: Sequence[float] | np.ndarray, color: str | None = None,
                 title: str | None = None, decimals: int = 2, size: float | None = None,
                 buff: float = 0.08):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        color = color or THEME.text
        self.entries = VGroup(*[Number(v, decimals, size or THEME.tiny, color)
                                for v in self.values])
        self.entries.arrange(DOWN, buff=buff, aligned_edge=RIGHT)
        height = self.entries.height + 0.2
        self.left_bracket = bracket(height, -1, THEME.muted).next_to(self.entries, LEFT, 0.08)
        self.right_bracket = bracket(height, 1, THEME.muted).next_to(self.entries, RIGHT, 0.08)
        self.add(self.left_bracket, self.entries, self.right_bracket)
        self.title = None
        if title is not None:
            self.title = label(title, THEME.small, color).next_to(self, UP, 0.12)
            self.add(self.title)


class MatrixBox(VGroup):
    """A matrix of Numbers in brackets; `.values` is exactly what is shown."""

    def __init__(self, values, color: str | None = None, decimals: int = 2,
                 size: float | None = None):
        super().__init__()
        self.values = np.atleast_2d(np.asarray(values, dtype=float))
        rows, cols = self.values.shape
        self.numbers = VGroup(*[Number(v, decimals, size or THEME.small, color)
                                for v in self.values.flat])
        self.numbers.arrange_in_grid(rows=rows, cols=cols, buff=(0.35, 0.18),
                                     cell_alignment=RIGHT)
        h = self.numbers.height + 0.2
        self.add(bracket(h, -1, THEME.muted).next_to(self.numbers, LEFT, 0.1), self.numbers,
                 bracket(h, 1, THEME.muted).next_to(self.numbers, RIGHT, 0.1))
