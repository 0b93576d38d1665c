"""A plain table of mobjects: fixed row pitch, columns aligned, no cell borders.

`arrange_in_grid` sizes each row by its tallest cell, so rows of words with and
without descenders end up unevenly spaced; a table of numbers reads better on
a fixed pitch, with every text cell of a row sitting on one baseline. Cells are
any mobjects (labels, `Number`s); `cells[r][c]` keeps them addressable so a
test can read what each one shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, RIGHT, UP, Line, Mobject, Text, VGroup

from .theme import THEME


class Table(VGroup):
    """Rows of cells; `align[c]` is "left" or "right" for column c (default right).

    The header row (row 0) is underlined. Column widths fit the widest cell.
    """

    def __init__(self, rows: Sequence[Sequence[Mobject]], pitch: float = 0.42,
                 col_gap: float = 0.45, align: Sequence[str] | None = None,
                 header_rule: bool = True):
        super().__init__()
        self.cells = [list(r) for r in rows]
        n_cols = max(len(r) for r in self.cells)
        align = list(align or ["right"] * n_cols)
        widths = [max((r[c].width for r in self.cells if c < len(r)), default=0.0)
                  for c in range(n_cols)]
        lefts = np.concatenate([[0.0], np.cumsum(np.array(widths) + col_gap)[:-1]])
        self.rows = VGroup()
        for i, row in enumerate(self.cells):
            group = VGroup()
            y = -i * pitch
            for c, cell in enumerate(row):
                if align[c] == "left":
                    cell.move_to([lefts[c], y, 0], aligned_edge=LEFT)
                else:
                    cell.move_to([lefts[c] + widths[c], y, 0], aligned_edge=RIGHT)
                cell.shift((y - _baseline(cell)) * UP)
                group.add(cell)
            self.rows.add(group)
        self.add(self.rows)
        self.rule = None
        if header_rule and len(self.cells) > 1:
            inked = [[m for m in row if any(f.has_points() for f in m.get_family())]
                     for row in self.rows[:2]]
            y = (min(m.get_bottom()[1] for m in inked[0])
                 + max(m.get_top()[1] for m in inked[1])) / 2
            self.rule = Line([lefts[0], y, 0], [lefts[-1] + widths[-1], y, 0],
                             stroke_width=1, color=THEME.muted)
            self.add(self.rule)
        self.center()

    def row(self, i: int) -> VGroup:
        return self.rows[i]

    def column(self, c: int) -> VGroup:
        return VGroup(*[r[c] for r in self.cells if c < len(r)])


def _baseline(cell: Mobject) -> float:
    """The y of a text's baseline; other mobjects are aligned by their centre.

    A glyph's bottom is not the baseline (p and g hang below it, − and ′ float
    above), so the same text is set again behind an "x", whose bottom is the
    baseline: the first glyph's height above that baseline carries over."""
    if isinstance(cell, Text) and cell.submobjects:
        ref = Text("x" + cell.original_text.lstrip(), font=cell.font,
                   font_size=cell.font_size)
        if len(ref.submobjects) == len(cell.submobjects) + 1:
            lift = ref.submobjects[1].get_bottom()[1] - ref.submobjects[0].get_bottom()[1]
            scale = cell.submobjects[0].height / (ref.submobjects[1].height or 1.0)
            return float(cell.submobjects[0].get_bottom()[1] - lift * scale)
    return float(cell.get_center()[1])
