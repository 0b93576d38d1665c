"""A vector's reading on screen: "E reads as  fruit 0.47  tech 0.48".

Every scene that says what a vector means shows it this one way, built from
the core's `Reading` (`model.senses.read(vector)`, or a lecture-layer head's
own read-out), so the words, colours and numbers agree everywhere and a test
can ask each item which sense it names and which number it shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, VGroup

from attention_core.readouts import Reading

from .text import Number, label
from .theme import THEME


class SenseReadout(VGroup):
    """A heading, then one (sense name, probability) item per sense.

    `senses` picks which candidates to show, in that order; without it the
    `top` most likely are shown, most likely first. `.items[k]` is the
    (name, `Number`) pair of `.senses[k]`; `.reading` is what it was made from.
    `stacked` puts the items under the heading instead of beside it.
    """

    def __init__(self, heading: str, reading: Reading, senses: Sequence[str] | None = None,
                 top: int = 2, size: float | None = None, heading_color: str | None = None,
                 stacked: bool = False, decimals: int = 2):
        super().__init__()
        size = size or THEME.small
        self.reading = reading
        self.senses = list(senses) if senses is not None else [n for n, _ in reading.top(top)]
        self.heading = label(heading, size, heading_color or THEME.muted)
        self.items = VGroup()
        for sense in self.senses:
            item = VGroup(label(sense, size, THEME.sense(sense)),
                          Number(reading.of(sense), decimals, size)).arrange(RIGHT, buff=0.12)
            item.sense = sense
            self.items.add(item)
        self.add(self.heading, self.items)
        if stacked:
            self.items.arrange(DOWN, buff=0.1)
            self.arrange(DOWN, buff=0.1)
        else:
            self.items.arrange(RIGHT, buff=0.3)
            self.arrange(RIGHT, buff=0.3)

    def value(self, sense: str) -> float:
        """The probability shown for `sense`."""
        return self.items[self.senses.index(sense)][1].value

    @property
    def values(self) -> np.ndarray:
        return np.array([item[1].value for item in self.items])
