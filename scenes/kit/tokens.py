"""Word tokens: a word in a box, and a sentence as a row of them."""

from __future__ import annotations

from collections.abc import Sequence

from manim import RIGHT, RoundedRectangle, VGroup

from .text import label
from .theme import THEME


class WordToken(VGroup):
    """One word in a rounded box; `highlight` colours the box, not the word."""

    def __init__(self, word: str, size: float | None = None, color: str | None = None):
        super().__init__()
        self.word = word
        self.text = label(word, size or THEME.body, color)
        self.box = RoundedRectangle(
            corner_radius=0.08,
            width=self.text.width + 0.3,
            height=max(self.text.height, 0.3) + 0.26,
            stroke_color=THEME.muted,
            stroke_width=1.5,
            fill_color=THEME.background,
            fill_opacity=1,
        ).move_to(self.text)
        self.add(self.box, self.text)

    def highlight(self, color: str, width: float = 3) -> WordToken:
        self.box.set_stroke(color=color, width=width)
        return self


class TokenRow(VGroup):
    """A sentence as word tokens, left to right, fitted to `max_width`."""

    def __init__(self, words: Sequence[str], size: float | None = None, buff: float = 0.15,
                 max_width: float = 13.0):
        super().__init__(*[WordToken(w, size) for w in words])
        self.words = list(words)
        self.arrange(RIGHT, buff=buff)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    @property
    def tokens(self) -> list[WordToken]:
        return list(self.submobjects)
