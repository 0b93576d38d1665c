"""A vector as a bracketed column of numbers, or a row of framed cells, in its role's
colour."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Rectangle, VGroup

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


class VectorRow(VGroup):
    """[x₁ … x_d] drawn left to right, one framed cell per number, its title on the left.

    Several vectors of one word compared number by number (the same E in three
    sentences, E above its E + ΔE) read best as rows of equal cells stacked on one
    left edge: each coordinate then sits in one column down the frame, so equal numbers
    line up and a changed one stands out, and the rows fill a wide frame that columns
    side by side leave mostly empty. `values` are exactly the numbers shown;
    `.entries[i]` shows values[i], centred in `.cells[i]`; `.title` is the name on the
    left (align rows by `.cells`, since titles differ in width).
    """

    def __init__(self, values: Sequence[float] | np.ndarray, color: str | None = None,
                 title: str | None = None, decimals: int = 2, size: float | None = None,
                 cell_width: float = 0.9, cell_height: float = 0.42,
                 title_size: float | None = None):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        color = color or THEME.text
        self.cells = VGroup(*[
            Rectangle(width=cell_width, height=cell_height, stroke_width=1.5,
                      stroke_color=THEME.muted).move_to(RIGHT * (i + 0.5) * cell_width)
            for i in range(len(self.values))])
        self.entries = VGroup(*[Number(v, decimals, size or THEME.tiny, color).move_to(cell)
                                for v, cell in zip(self.values, self.cells, strict=True)])
        self.add(self.cells, self.entries)
        self.title = None
        if title is not None:
            self.title = label(title, title_size or THEME.small, color).next_to(
                self.cells, LEFT, 0.25)
            self.add(self.title)
