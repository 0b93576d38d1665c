"""Word tokens: a word in a box, and a sentence as a row of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import RIGHT, UP, RoundedRectangle, VGroup

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


def _baseline(token: WordToken) -> float:
    """y of the word's baseline: where letters without descenders sit."""
    glyphs = token.text.submobjects
    letters = [c for c in token.word if not c.isspace()]
    if len(glyphs) == len(letters):
        feet = [g.get_bottom()[1] for c, g in zip(letters, glyphs, strict=True)
                if c not in DESCENDERS]
        if feet:
            return float(np.median(feet))
    return token.text.get_bottom()[1] + 0.2 * token.text.height


DESCENDERS = set("gjpqy,;")


class TokenRow(VGroup):
    """A sentence as word tokens, left to right, fitted to `max_width`.

    Boxes share one height and the words share one baseline, so "apple" does
    not float above "an" the way centring each word's ink would make it.
    """

    def __init__(self, words: Sequence[str], size: float | None = None, buff: float = 0.15,
                 max_width: float = 13.0):
        tokens = [WordToken(w, size) for w in words]
        ascent = max(t.text.get_top()[1] - _baseline(t) for t in tokens)
        descent = max(_baseline(t) - t.text.get_bottom()[1] for t in tokens)
        height = ascent + descent + 0.26
        for t in tokens:
            t.box.stretch_to_fit_height(height).move_to(t.box.get_center() * [1, 0, 1])
            # baseline sits `descent` (+ padding) above the box's bottom
            t.text.shift(UP * (t.box.get_bottom()[1] + 0.13 + descent - _baseline(t)))
        super().__init__(*tokens)
        self.words = list(words)
        self.arrange(RIGHT, buff=buff)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    @property
    def tokens(self) -> list[WordToken]:
        return list(self.submobjects)
