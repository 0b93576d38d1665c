"""A matrix as a heat map: one tinted square per entry, its shape written beneath.

Weight matrices have 48 or 144 entries: as numbers they are a wall of digits,
as a heat map the eye sees at once which rows and columns matter, and where two
matrices are the same. The tint is diverging, so the sign is never lost:

* positive entries mix the matrix's role colour (value red, output green) into
  the background, by (|value| / scale) ** 0.6 (small entries stay visible);
* negative entries do the same with the neutral `THEME.muted` grey-blue;
* zero is the background.

`HeatLegend` prints the scale the tints stand for (−s, 0, +s), computed from the
matrix shown, so the colour range on screen always agrees with the numbers.
Rows of the heat map are rows of the matrix (the row-vector convention of the
core: a word's row x goes to x @ W, so a 12 × 4 map takes 12 numbers to 4).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Rectangle, Square, VGroup

from .grid import blend
from .layout import MainPicture
from .text import Number, label
from .theme import THEME

GAMMA = 0.6  # < 1 lifts small entries out of the background; the legend uses the same curve


def heat_fill(value: float, scale: float, color: str) -> str:
    """Tint of one entry: `color` for positive, muted grey-blue for negative, with
    strength (|value| / scale) ** GAMMA."""
    base = color if value >= 0 else THEME.muted
    return blend(base, THEME.background, min(abs(value) / (scale or 1.0), 1.0) ** GAMMA)


class MatrixHeatmap(MainPicture, VGroup):
    """An r × c matrix drawn as r × c tinted squares.

    `values` are exactly the entries drawn (`.values`); `scale` is the |value|
    that gets full colour (default: the largest |entry|). `row_breaks` draws a
    thin line after those row indices, to show blocks stacked on each other.
    """

    def __init__(self, values: np.ndarray | Sequence[Sequence[float]], color: str,
                 title: str | None = None, cell: float = 0.2, scale: float | None = None,
                 shape: bool = True, row_breaks: Sequence[int] = (),
                 title_color: str | None = None):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        rows, cols = self.values.shape
        self.color_scale = float(scale or np.abs(self.values).max() or 1.0)
        self.color_name = color
        self.cells = VGroup()
        for i in range(rows):
            for j in range(cols):
                box = Square(cell, stroke_width=0.6, stroke_color=THEME.reference)
                box.set_fill(heat_fill(self.values[i, j], self.color_scale, color), 1)
                self.cells.add(box.move_to(RIGHT * j * cell + DOWN * i * cell))
        self.frame = Rectangle(width=cols * cell, height=rows * cell, stroke_width=1.5,
                               stroke_color=THEME.muted).move_to(self.cells)
        self.breaks = VGroup(*[
            Line(self.cells[(b + 1) * cols].get_corner(UP + LEFT),
                 self.cells[(b + 1) * cols + cols - 1].get_corner(UP + RIGHT),
                 stroke_width=3, color=THEME.text) for b in row_breaks])
        self.add(self.cells, self.frame, self.breaks)
        self.shape_label = None
        if shape:
            self.shape_label = label(f"{rows} \u00d7 {cols}", THEME.tiny, THEME.muted)
            self.shape_label.next_to(self.frame, DOWN, buff=0.1)
            self.add(self.shape_label)
        self.title = None
        if title is not None:
            self.title = label(title, THEME.small, title_color or color)
            self.title.next_to(self.frame, UP, buff=0.12)
            self.add(self.title)

    def cell(self, i: int, j: int) -> Square:
        return self.cells[i * self.values.shape[1] + j]

    def rows_group(self, start: int, stop: int) -> VGroup:
        """The squares of rows start..stop-1 (e.g. one head's block)."""
        cols = self.values.shape[1]
        return VGroup(*self.cells[start * cols: stop * cols])


class HeatLegend(VGroup):
    """A small colour bar: −scale … 0 … +scale, in the tints a `MatrixHeatmap` uses."""

    def __init__(self, scale: float, color: str, width: float = 1.8, height: float = 0.16,
                 steps: int = 21):
        super().__init__()
        self.color_scale = float(scale)
        ticks = np.linspace(-self.color_scale, self.color_scale, steps)
        strip = VGroup(*[Rectangle(width=width / steps, height=height, stroke_width=0)
                         .set_fill(heat_fill(t, self.color_scale, color), 1) for t in ticks])
        strip.arrange(RIGHT, buff=0)
        self.numbers = VGroup(Number(-self.color_scale, 1, THEME.tiny, THEME.muted),
                              Number(0.0, 0, THEME.tiny, THEME.muted),
                              Number(self.color_scale, 1, THEME.tiny, THEME.muted))
        self.numbers[0].next_to(strip, LEFT, buff=0.1)
        self.numbers[1].next_to(strip, DOWN, buff=0.06)
        self.numbers[2].next_to(strip, RIGHT, buff=0.1)
        self.strip = strip
        self.add(strip, self.numbers)

    def beside(self, heatmap: MatrixHeatmap, direction=DOWN, buff: float = 0.15) -> HeatLegend:
        anchor = heatmap.shape_label if heatmap.shape_label is not None else heatmap.frame
        self.next_to(anchor, direction, buff=buff)
        return self


__all__ = ["HeatLegend", "MatrixHeatmap", "heat_fill"]
