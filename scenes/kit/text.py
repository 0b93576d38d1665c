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
    kwargs.setdefault("use_svg_cache", True)  # parse each distinct text's SVG once
    return Text(text, font=THEME.font, font_size=size or THEME.body, color=color or THEME.text,
                **kwargs)


class Number(Text):
    """A number on screen that remembers the value it shows.

    Parsing a Text (Pango -> SVG -> paths) costs ~30 ms; animated read-outs make
    a new Number every frame. So each distinct (string, size, colour) is parsed
    once and later Numbers start as copies of that template.
    """

    _templates: dict[tuple, Text] = {}

    def __init__(self, value: float, decimals: int = 2, size: float | None = None,
                 color: str | None = None, sign: bool = False, **kwargs):
        text = fmt(value, decimals, sign)
        key = (text, size, color, tuple(sorted(kwargs.items())))
        template = Number._templates.get(key)
        if template is None:
            super().__init__(text, font=THEME.font, font_size=size or THEME.small,
                             color=color or THEME.text, use_svg_cache=True, **kwargs)
            if len(Number._templates) < 20_000:
                Number._templates[key] = self.copy()
        else:
            self.__dict__.update(template.copy().__dict__)
        self.value = float(value)
        self.decimals = decimals


class Percent(Text):
    """A share in [0, 1] shown as a whole percentage; `.value` keeps the share itself."""

    def __init__(self, share: float, size: float | None = None, color: str | None = None):
        self.value = float(share)
        super().__init__(f"{100 * share:.0f}%", font=THEME.font, font_size=size or THEME.small,
                         color=color or THEME.text, use_svg_cache=True)
