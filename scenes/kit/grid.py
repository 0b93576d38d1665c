"""The attention grid: one row per query word, one column per key word.

Two kinds, never confused on screen:

* "scores": q·k/√d_k, any sign; numbers in boxes tinted purple (positive) or
  brown (negative); masked cells read "−∞".
* "weights": softmax of the scores, each in [0, 1]; a white disc whose *area*
  is the weight (the 3Blue1Brown dot grid), optionally with the number; each
  row sums to 1, and the grid says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Mobject, Square, VGroup

from .layout import MainPicture
from .text import MINUS, Number, fmt, label
from .theme import THEME


def blend(color: str, background: str, t: float) -> str:
    """Mix `color` into `background` by t in [0, 1] (t=1 is the pure colour)."""
    c = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    b = np.array([int(background[i : i + 2], 16) for i in (1, 3, 5)])
    m = np.clip(b + (c - b) * float(np.clip(t, 0, 1)), 0, 255).round().astype(int)
    return "#" + "".join(f"{v:02X}" for v in m)


def score_fill(value: float, scale: float) -> str:
    """Diverging tint for a score; `scale` is the |score| that gets full colour."""
    base = THEME.score_pos if value >= 0 else THEME.score_neg
    return blend(base, THEME.background, 0.15 + 0.85 * min(abs(value) / scale, 1.0))


class AttentionGrid(MainPicture, VGroup):
    """An n×m grid of scores or weights with its word labels and axis titles.

    `values[i, j]` is what cell (query i, key j) shows. `mask[i, j]` False marks
    a forbidden cell. `numbers[i][j]` is the Number mobject (or None).
    """

    def __init__(self, values: np.ndarray, rows: Sequence[str], cols: Sequence[str],
                 kind: str = "weights", mask: np.ndarray | None = None,
                 show_numbers: bool = True, cell: float = 0.62, decimals: int = 2,
                 score_scale: float | None = None, titles: bool = True,
                 label_size: float | None = None):
        super().__init__()
        if kind not in ("scores", "weights"):
            raise ValueError(f"kind must be 'scores' or 'weights', got {kind!r}")
        self.values = np.asarray(values, dtype=float)
        n, m = self.values.shape
        if (len(rows), len(cols)) != (n, m):
            raise ValueError(f"grid is {n}×{m} but got {len(rows)} row and {len(cols)} col labels")
        self.kind = kind
        self.mask = np.ones((n, m), bool) if mask is None else np.asarray(mask, bool)
        self.rows, self.cols = list(rows), list(cols)
        finite = self.values[self.mask]
        scale = score_scale or (float(np.abs(finite).max()) if finite.size else 1.0) or 1.0
        # Numbers are never shrunk below the theme's smallest size (THEME.tiny, legible at
        # 1080p): a cell too narrow for its widest number grows instead.
        number_size = max(THEME.tiny, THEME.tiny * cell / 0.62)
        if show_numbers:
            texts = [fmt(v, decimals) for v in self.values[self.mask]]
            texts += [f"{MINUS}∞" if kind == "scores" else "0"] if (~self.mask).any() else []
            widest = max((label(t, number_size).width for t in texts), default=0.0)
            cell = max(cell, widest / 0.88)
        self.cell_size = cell

        self.cells = VGroup()
        self.marks = VGroup()  # discs, when weights are drawn without numbers
        self.numbers: list[list[Number | None]] = [[None] * m for _ in range(n)]
        self.number_group = VGroup()
        for i in range(n):
            for j in range(m):
                box = Square(cell, stroke_color=THEME.reference, stroke_width=1)
                box.move_to(RIGHT * j * cell + DOWN * i * cell)
                self.cells.add(box)
                v = self.values[i, j]
                if not self.mask[i, j]:
                    box.set_fill(THEME.masked, 1)
                    if show_numbers:
                        text = f"{MINUS}∞" if kind == "scores" else "0"
                        mark = label(text, number_size, THEME.muted).move_to(box)
                        self.number_group.add(mark)
                    continue
                if kind == "scores":
                    box.set_fill(score_fill(v, scale), 1)
                    ink = THEME.text
                elif show_numbers:  # weights as shaded cells with their numbers
                    box.set_fill(blend(THEME.weight, THEME.background, v), 1)
                    ink = THEME.background if v > 0.5 else THEME.text
                else:  # weights as discs whose area is the weight
                    box.set_fill(THEME.background, 1)
                    disc = Circle(radius=0.45 * cell * np.sqrt(max(v, 0.0)), stroke_width=0,
                                  fill_color=THEME.weight, fill_opacity=0.9)
                    self.marks.add(disc.move_to(box))
                if show_numbers:
                    num = Number(v, decimals, number_size, ink).move_to(box)
                    self.numbers[i][j] = num
                    self.number_group.add(num)
        self.add(self.cells, self.marks, self.number_group)

        # smaller words (label_size) for grids side by side; gaps shrink with them
        size = label_size or THEME.small
        gap = size / THEME.small
        self.row_labels = VGroup(*[label(w, size) for w in rows])
        for i, lab in enumerate(self.row_labels):
            lab.next_to(self.cell(i, 0), LEFT, buff=0.15 * gap)
        self.col_labels = VGroup(*[label(w, size) for w in cols])
        for j, lab in enumerate(self.col_labels):
            lab.rotate(np.pi / 4).next_to(self.cell(0, j), UP, buff=0.1 * gap)
            lab.shift(RIGHT * (lab.width / 2 - cell * 0.3))
        self.add(self.row_labels, self.col_labels)

        self.titles = VGroup()
        if titles:
            row_title = ("query (rows: each sums to 1)" if kind == "weights" else "query (rows)")
            rt = label(row_title, THEME.tiny, THEME.query).rotate(np.pi / 2)
            rt.next_to(self.row_labels, LEFT, buff=0.15)
            ct = label("key (columns)", THEME.tiny, THEME.key)
            ct.next_to(self.col_labels, UP, buff=0.1)
            self.titles.add(rt, ct)
            self.add(self.titles)

    def caption(self, caption: Mobject, buff: float = 0.2) -> Mobject:
        """Put `caption` (the grid's name: "q·k", "softmax of each row") just under the
        cells, centred on them: the grid is wider than its cells (row labels hang off to
        the left, row sums to the right), so centring under the whole grid would put it
        off the cells it names."""
        return caption.next_to(self.cells, DOWN, buff=buff).set_x(self.cells.get_x())

    def cell(self, i: int, j: int) -> Square:
        return self.cells[i * len(self.cols) + j]

    def row(self, i: int) -> VGroup:
        return VGroup(*[self.cell(i, j) for j in range(len(self.cols))])

    def column(self, j: int) -> VGroup:
        return VGroup(*[self.cell(i, j) for i in range(len(self.rows))])

    def row_sums(self) -> VGroup:
        """'= 1.00' beside each row, computed from the values shown."""
        sums = VGroup()
        for i in range(len(self.rows)):
            total = float(self.values[i][self.mask[i]].sum())
            tag = VGroup(label("Σ =", THEME.tiny, THEME.muted), Number(total, 2, THEME.tiny))
            tag.arrange(RIGHT, buff=0.08).next_to(self.cell(i, len(self.cols) - 1), RIGHT, 0.15)
            tag.total = total
            sums.add(tag)
        return sums
