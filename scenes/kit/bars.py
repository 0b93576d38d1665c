"""Per-word rows of numbers under a sentence: scores in boxes, weights as bars.

Scores and weights look different on purpose (boxes vs bars, purple vs white),
so a viewer never mistakes q·k for a softmax weight.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, UP, Mobject, Rectangle, RoundedRectangle, VGroup

from .grid import score_fill
from .text import Number
from .theme import THEME


class ScoreRow(VGroup):
    """One score per word, each in a tinted box centred under its word."""

    def __init__(self, scores: Sequence[float], anchors: Sequence[Mobject],
                 direction: np.ndarray = DOWN, buff: float = 0.2, scale: float | None = None):
        super().__init__()
        self.values = np.asarray(scores, dtype=float)
        scale = scale or float(np.abs(self.values).max()) or 1.0
        self.numbers = VGroup()
        for value, anchor in zip(self.values, anchors, strict=True):
            num = Number(value, 2, THEME.tiny)
            box = RoundedRectangle(corner_radius=0.06, width=num.width + 0.16,
                                   height=num.height + 0.16, stroke_width=0,
                                   fill_color=score_fill(value, scale), fill_opacity=1)
            cell = VGroup(box, num.move_to(box)).next_to(anchor, direction, buff=buff)
            self.numbers.add(num)
            self.add(cell)


class WeightBars(VGroup):
    """Softmax weights as bars standing on a baseline, the number above each bar."""

    def __init__(self, weights: Sequence[float], anchors: Sequence[Mobject],
                 max_height: float = 1.6, bar_width: float = 0.45, buff: float = 0.2,
                 baseline_y: float | None = None):
        super().__init__()
        self.values = np.asarray(weights, dtype=float)
        if baseline_y is None:
            baseline_y = max(a.get_top()[1] for a in anchors) + buff
        self.bars = VGroup()
        self.numbers = VGroup()
        for value, anchor in zip(self.values, anchors, strict=True):
            bar = Rectangle(width=bar_width, height=max(value * max_height, 1e-3),
                            stroke_width=0, fill_color=THEME.weight, fill_opacity=0.9)
            bar.move_to([anchor.get_center()[0], baseline_y, 0], aligned_edge=DOWN)
            num = Number(value, 2, THEME.tiny).next_to(bar, UP, buff=0.06)
            self.bars.add(bar)
            self.numbers.add(num)
        self.add(self.bars, self.numbers)
