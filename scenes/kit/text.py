"""Words and numbers on screen, in the theme's font.

Every number a scene shows goes through `fmt`, and `Number` remembers the
value it was made from, so tests can check both the text on screen and the
value behind it against the attention core.
"""

from __future__ import annotations

from manim import Text

from .theme import THEME

MINUS = "\u2212"  # a real minus sign, not a hyphen


def fmt(value: float, decimals: int = 2, sign: bool = False) -> str:
    """2 decimals, a true minus sign, and never a '−0.00'."""
    text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.replace("-", "+" if sign else "")
    return text.replace("-", MINUS)


def fmt_int(value: int) -> str:
    """57982058496 -> '57,982,058,496'."""
    return f"{value:,}"


def label(text: str, size: float | None = None, color: str | None = None, **kwargs) -> Text:
    """A line of text in the theme's font (no LaTeX: fast, and identical on every machine)."""
    return Text(text, font=THEME.font, font_size=size or THEME.body, color=color or THEME.text,
                **kwargs)


class Number(Text):
    """A number on screen that remembers the value it shows."""

    def __init__(self, value: float, decimals: int = 2, size: float | None = None,
                 color: str | None = None, sign: bool = False, **kwargs):
        self.value = float(value)
        self.decimals = decimals
        super().__init__(fmt(value, decimals, sign), font=THEME.font,
                         font_size=size or THEME.small, color=color or THEME.text, **kwargs)
