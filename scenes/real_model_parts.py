"""The pictures of `real_model`: the lean chart, the map of all heads, one head's pattern.

Each is a VGroup built from the core's numbers and keeping them (`.values`,
`.leans`, `Number`s), so the scene's script stays readable and a test can ask
every piece what it shows and where. Layout is fixed in frame units (the
frame is 8 units tall; `SAFE` is x in ±6.4, y in ±3.6, `CAPTIONS` the band
below y = −2.85): every text is set at THEME.small (20) or larger and never
scaled down, so no letter is smaller than 20 px at 1080p.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    DashedLine,
    Dot,
    Line,
    SurroundingRectangle,
    VGroup,
)

from attention_core.pretrained import BertRun, HeadPull, Pieces, SenseReading, WordSpan
from scenes.kit import (
    SAFE,
    THEME,
    HeatLegend,
    MatrixHeatmap,
    Number,
    Percent,
    ScoreRow,
    WeightBars,
    label,
)
from scenes.kit.pieces import PieceRow

AXIS_W = 0.5  # left of the pattern's piece row: the weight axis's "1"
ROW_MAX = SAFE.width - AXIS_W  # the widest piece row the screen holds at size 20
NAMES_W = 1.1  # the lean chart's left column: "E", "layer 1", ...
ACCURACY_W = 1.2  # its right column: the share read right per layer
PANEL_SEP = 0.4  # between the two lean panels
PANEL_W = (SAFE.width - NAMES_W - ACCURACY_W - PANEL_SEP) / 2  # one lean panel's width


def sense_colors(names: Sequence[str]) -> tuple[str, ...]:
    """Each sense's theme colour; a sense the theme has no colour for gets the first
    theme sense colour no other sense here uses (so two senses never look alike)."""
    taken = [THEME.senses.get(n) for n in names]
    spare = iter(c for c in THEME.senses.values() if c not in taken)
    return tuple(c if c is not None else next(spare, THEME.muted) for c in taken)


def piece_row(pieces: Pieces, focus: WordSpan) -> PieceRow:
    """The sentence as its pieces, split words joined, the focus word's pieces boxed."""
    splits = [(w.start, w.stop) for w in pieces.words if w.is_split]
    row = PieceRow(pieces.tokens, splits)
    for i in focus.positions:
        row.tokens[i].highlight(THEME.query)
    return row


def split_words(run: BertRun) -> list[WordSpan]:
    return [w for w in run.words if w.is_split]


def special_share(run: BertRun, span: WordSpan) -> float:
    """Mean over every head of every layer of the word's attention weight on [CLS] and
    [SEP] (the word's row: the mean of its pieces' rows, as `HeadPull.weight_row`)."""
    rows = torch.stack([head.weights[span.start:span.stop].mean(dim=0)
                        for layer in run.layers for head in layer.heads])  # (L·H, n)
    return float((rows[:, 0] + rows[:, -1]).mean())


def update_lengths(run: BertRun, span: WordSpan) -> np.ndarray:
    """(n_layers,): the mean length over heads of each head's ΔE for the word."""
    return np.array([float(layer.head_updates[:, span.start:span.stop].mean(dim=1)
                           .norm(dim=-1).mean()) for layer in run.layers])


class LeanPanel(VGroup):
    """One sentence's lean at every layer on a fixed horizontal axis.

    x = lean (right: toward senses[0], left: toward senses[1]; 0 = the word in a
    neutral sentence), one row per layer, E (layer 0) on top. `.dots[l]`,
    `.numbers[l]` (the lean, right of the axis) and `.links[l-1]` (from layer
    l−1's dot to layer l's) are what the scene reveals layer by layer."""

    def __init__(self, heading: VGroup, readings: Sequence[SenseReading], reach: float,
                 colors: Sequence[str], left: float, right: float, rows_y: Sequence[float]):
        super().__init__()
        self.leans = np.array([r.lean for r in readings])
        self.reach = reach
        numbers_w = 0.75
        self.x0, self.x1 = left + 0.4, right - numbers_w - 0.35
        top, bottom = rows_y[0] + 0.25, rows_y[-1] - 0.25
        self.heading = heading
        self.guides = VGroup(*[Line([self.x0, y, 0], [self.x1, y, 0], stroke_width=1,
                                    color=THEME.reference) for y in rows_y])
        self.axis = Line([self.x0, bottom, 0], [self.x1, bottom, 0], stroke_width=2,
                         color=THEME.muted)
        self.zero = DashedLine([self.x_of(0), top, 0], [self.x_of(0), bottom, 0],
                               stroke_width=2, color=THEME.muted)
        self.ticks = VGroup(*[Number(v, 2, THEME.small, THEME.muted, sign=v != 0)
                              .next_to([self.x_of(v), bottom, 0], DOWN, buff=0.1)
                              for v in (-reach, 0.0, reach)])
        a, b = readings[0].senses
        self.sense_labels = VGroup(
            label(f"{a} \u2192", THEME.small, colors[0]),
            label(f"\u2190 {b}", THEME.small, colors[1]))
        self.sense_labels[0].move_to([self.x1, top + 0.18, 0], aligned_edge=RIGHT)
        self.sense_labels[1].move_to([self.x0, top + 0.18, 0], aligned_edge=LEFT)
        self.dots = VGroup(*[Dot([self.x_of(v), y, 0], radius=0.08,
                                 color=THEME.embedding if l == 0 else THEME.output)
                             for l, (v, y) in enumerate(zip(self.leans, rows_y, strict=True))])
        self.links = VGroup(*[Line(self.dots[l - 1].get_center(), self.dots[l].get_center(),
                                   stroke_width=2.5, color=THEME.output)
                              for l in range(1, len(self.dots))])
        self.numbers = VGroup(*[
            Number(v, 2, THEME.small, THEME.embedding if l == 0 else THEME.output, sign=True)
            .move_to([right, y, 0], aligned_edge=RIGHT)
            for l, (v, y) in enumerate(zip(self.leans, rows_y, strict=True))])
        self.frame = VGroup(self.heading, self.guides, self.axis, self.zero, self.ticks,
                            self.sense_labels)
        self.add(self.frame, self.links, self.dots, self.numbers)

    def x_of(self, lean: float) -> float:
        return self.x0 + (lean + self.reach) / (2 * self.reach) * (self.x1 - self.x0)

    def verdict_box(self) -> SurroundingRectangle:
        """A box round the name of the sense the word reads as after the last layer."""
        tag = self.sense_labels[0 if self.leans[-1] > 0 else 1]
        return SurroundingRectangle(tag, color=tag.get_color(), buff=0.08, stroke_width=2.5)


class LeanChart(VGroup):
    """Two sentences' panels side by side, layer names on the left, and on the right the
    measured accuracy per layer when it comes (`accuracy_column`)."""

    def __init__(self, headings: Sequence[VGroup], readings: Sequence[Sequence[SenseReading]],
                 colors: Sequence[str], rows_top: float, pitch: float = 0.42):
        super().__init__()
        n = len(readings[0])
        self.rows_y = [rows_top - l * pitch for l in range(n)]
        biggest = max(abs(r.lean) for rs in readings for r in rs)
        reach = max(0.05, math.ceil(biggest / 0.05 - 1e-9) * 0.05)  # the fixed axis: ±reach
        left = SAFE.left + NAMES_W
        spans = ((left, left + PANEL_W), (left + PANEL_W + PANEL_SEP, SAFE.right - ACCURACY_W))
        self.panels = [LeanPanel(h, rs, reach, colors, a, b, self.rows_y)
                       for h, rs, (a, b) in zip(headings, readings, spans, strict=True)]
        self.layer_names = VGroup(*[
            label("E" if l == 0 else f"layer {l}", THEME.small,
                  THEME.embedding if l == 0 else THEME.text)
            .move_to([left - 0.08, y, 0], aligned_edge=RIGHT) for l, y in enumerate(self.rows_y)])
        self.add(*self.panels, self.layer_names)

    @staticmethod
    def heading_x(k: int) -> float:
        """Where sentence k's heading starts (its panel's left edge)."""
        return SAFE.left + NAMES_W + k * (PANEL_W + PANEL_SEP)

    def accuracy_column(self, per_layer: Sequence[float]) -> VGroup:
        """The measured share read right at each layer, on that layer's row."""
        header = label("read right", THEME.small, THEME.muted)
        header.move_to([SAFE.right, self.panels[1].sense_labels[0].get_y(), 0],
                       aligned_edge=RIGHT)
        shares = VGroup(*[Percent(a, THEME.small, THEME.muted)
                          .move_to([SAFE.right, y, 0], aligned_edge=RIGHT)
                          for a, y in zip(per_layer, self.rows_y, strict=True)])
        column = VGroup(header, shares)
        column.header, column.shares = header, shares
        return column


class HeadMap(VGroup):
    """Every head's pull on the word (rows: layers, columns: heads), toward one sense.

    `.values[l, h]` is head h+1 of layer l+1's pull (> 0 toward `toward`, tinted in
    `color`; < 0 toward `away`, grey-blue); full colour at `.heatmap.color_scale`,
    the largest |pull| rounded up to a tenth, which the legend prints. The hardest
    pull is boxed (`.box`), the hardest in each layer ringed (`.rings[l]`)."""

    def __init__(self, pulls: np.ndarray, toward: str, away: str, color: str,
                 cell: float = 0.67):
        super().__init__()
        self.values = np.asarray(pulls, dtype=float)
        n_layers, n_heads = self.values.shape
        scale = max(0.1, math.ceil(float(np.abs(self.values).max()) / 0.1 - 1e-9) * 0.1)
        self.heatmap = MatrixHeatmap(self.values, color, cell=cell, scale=scale, shape=False)
        self.row_names = VGroup(*[label(f"layer {l + 1}", THEME.small)
                                  .next_to(self.heatmap.cell(l, 0), LEFT, buff=0.15)
                                  for l in range(n_layers)])
        self.col_names = VGroup(*[label(str(h + 1), THEME.small, THEME.muted)
                                  .next_to(self.heatmap.cell(0, h), UP, buff=0.12)
                                  for h in range(n_heads)])
        for name in self.col_names:  # one baseline for 1 and 12
            name.align_to(self.col_names[0], DOWN)
        self.head_word = label("head", THEME.small, THEME.muted)
        self.head_word.next_to(self.col_names, LEFT, buff=0.15).align_to(self.row_names, RIGHT)
        best = np.unravel_index(int(np.argmax(self.values)), self.values.shape)
        self.best = (int(best[0]), int(best[1]))
        self.box = SurroundingRectangle(self.heatmap.cell(*self.best), color=THEME.highlight,
                                        buff=0.0, stroke_width=5)
        self.layer_best = [int(np.argmax(row)) for row in self.values]
        self.rings = VGroup(*[Circle(radius=0.13, stroke_width=2.5, color=THEME.text)
                              .move_to(self.heatmap.cell(l, h))
                              for l, h in enumerate(self.layer_best)])
        self.legend = HeatLegend(scale, color)
        self.legend_words = VGroup(label(f"toward {away}", THEME.small, THEME.muted),
                                   label(f"toward {toward}", THEME.small, color))
        key = VGroup(self.legend_words[0], self.legend, self.legend_words[1])
        key.arrange(RIGHT, buff=0.2).next_to(self.heatmap, DOWN, buff=0.3)
        self.add(self.heatmap, self.row_names, self.col_names, self.head_word, self.rings,
                 self.box, key)


class PatternView(VGroup):
    """One head's pattern for the word: its scores (tinted boxes under the pieces), then
    its weights (bars over them, on a fixed scale: the dashed line is weight 1).

    A split word has one score row per piece (`.score_rows[k]`); its weights are the
    mean of its pieces' rows, the pattern of the word's mean update (`.bars`)."""

    def __init__(self, row: PieceRow, pull: HeadPull, bar_height: float = 2.7):
        super().__init__()
        self.row = row
        tokens = row.tokens
        scale = float(pull.scores.abs().max())
        self.score_rows = VGroup()
        anchors: Sequence = tokens
        for k in range(pull.scores.shape[0]):
            score_row = ScoreRow(pull.scores[k].tolist(), anchors, buff=0.18, scale=scale)
            self.score_rows.add(score_row)
            anchors = list(score_row)
        self.bars = WeightBars(pull.weight_row.tolist(), tokens, max_height=bar_height,
                               buff=0.2)
        base = self.bars.bars.get_bottom()[1]
        one = DashedLine([row.get_left()[0], base + bar_height, 0],
                         [row.get_right()[0], base + bar_height, 0], stroke_width=1.5,
                         color=THEME.muted)
        self.axis = VGroup(one, label("1", THEME.small, THEME.muted)
                           .next_to(one, LEFT, buff=0.15),
                           label("0", THEME.small, THEME.muted)
                           .move_to([one.get_left()[0] - 0.15, base, 0], aligned_edge=RIGHT))
        self.add(row, self.score_rows, self.axis, self.bars)

    def scores_part(self) -> VGroup:
        return VGroup(self.row, self.score_rows)

    def weights_part(self) -> VGroup:
        return VGroup(self.axis, self.bars)
