"""Bars and numbers that follow a ValueTracker, recomputed from the core every frame.

`always_redraw` would rebuild a whole new group each frame and copy only its
points back, so the group's `.values` would go stale and a test could no
longer read what is on screen. These pieces keep their identity and update
`.values` / `.value` together with the drawing.

Every piece is changed *in place* (`refresh`), never swapped for a new object:
during an animation the renderer draws a list of mobjects fixed when the
animation began, so a swapped-out number would still be drawn, under its
replacement.

    bars = LiveWeightBars(softmax(row), anchors)
    bars.add_updater(lambda b: b.set_values(softmax(with_score(row, j, t.get_value()))))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, UP, Mobject, VGroup

from .bars import WeightBars
from .text import Number, fmt
from .theme import THEME

_MIN_HEIGHT = 1e-3  # a zero weight still has a (flat) bar, so the row keeps its shape


_REMEMBERED = ("value", "decimals", "text", "original_text")


def refresh(old: Mobject, new: Mobject) -> Mobject:
    """Make `old` look exactly like `new`, in place, and take over the value and text
    that `new`'s `Number`s remember, so a test reads what is drawn."""
    old.become(new)
    for mine, theirs in zip(old.get_family(), new.get_family(), strict=True):
        for attr in _REMEMBERED:
            if hasattr(theirs, attr):
                setattr(mine, attr, getattr(theirs, attr))
    return old


class LiveWeightBars(WeightBars):
    """`WeightBars` whose heights and numbers can be set again: height = value × max_height."""

    def __init__(self, weights: Sequence[float], anchors: Sequence[Mobject],
                 max_height: float = 1.6, bar_width: float = 0.45, buff: float = 0.2,
                 baseline_y: float | None = None, color: str | None = None):
        super().__init__(weights, anchors, max_height=max_height, bar_width=bar_width,
                         buff=buff, baseline_y=baseline_y)
        self.max_height = max_height
        self.baseline_y = float(self.bars[0].get_bottom()[1])
        self.color = color or THEME.weight
        self.bars.set_fill(self.color)
        self.set_values(self.values)

    def heights(self) -> np.ndarray:
        """The drawn bar heights (what a test compares with value × max_height)."""
        return np.array([b.height for b in self.bars])

    def set_values(self, weights: Sequence[float]) -> LiveWeightBars:
        self.values = np.asarray(weights, dtype=float)
        for k, (bar, value) in enumerate(zip(self.bars, self.values, strict=True)):
            x = bar.get_x()
            bar.stretch_to_fit_height(max(value * self.max_height, _MIN_HEIGHT))
            bar.move_to([x, self.baseline_y, 0], aligned_edge=DOWN)
            shown = self.numbers[k]
            if shown.original_text == fmt(value):  # same digits: move it, keep the glyphs
                shown.next_to(bar, UP, buff=0.06)
                shown.value = float(value)
            else:
                refresh(shown, Number(value, 2, THEME.tiny, self.color).next_to(bar, UP,
                                                                                  buff=0.06))
        return self


class LiveNumber(VGroup):
    """A `Number` that can be set again; `.value` is always the number on screen."""

    def __init__(self, value: float, decimals: int = 2, size: float | None = None,
                 color: str | None = None):
        super().__init__()
        self.decimals, self.size, self.color_name = decimals, size, color
        self.add(Number(value, decimals, size, color))

    @property
    def value(self) -> float:
        return self.submobjects[0].value

    def set_value(self, value: float) -> LiveNumber:
        old = self.submobjects[0]
        if old.original_text == fmt(value, self.decimals):
            old.value = float(value)
            return self
        new = Number(value, self.decimals, self.size, self.color_name)
        new.move_to(old.get_left(), aligned_edge=np.array([-1.0, 0.0, 0.0]))
        refresh(old, new)
        return self
