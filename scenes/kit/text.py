"""Words and numbers on screen, in the theme's font.

Every number a scene shows goes through `fmt`, and `Number` remembers the
value it was made from, so tests can check both the text on screen and the
value behind it against the attention core.
"""

from __future__ import annotations

from manim import Mobject, Text
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from .theme import THEME

MINUS = "\u2212"  # a real minus sign, not a hyphen
SUB = "\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"  # ₁₂₃…: SUB[h] labels head h + 1


def fmt(value: float, decimals: int = 2, sign: bool = False) -> str:
    """2 decimals, a true minus sign, and never a '−0.00'."""
    text = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.replace("-", "+" if sign else "")
    return text.replace("-", MINUS)


def fmt_int(value: int) -> str:
    """57982058496 -> '57,982,058,496'."""
    return f"{value:,}"


def lighten(mobject: Mobject) -> Mobject:
    """Drop the parsed SVG paths a glyph keeps after its points are built.

    Manim's glyphs hold their svgelements path, which is only read while the
    glyph is made. Every animation deep-copies its mobjects, and copying those
    path objects was ~80% of a copy: a still of a 64-cell grid spent half its
    time there. The points, colours and everything drawn stay as they are.
    """
    for part in mobject.get_family():
        if isinstance(part, VMobjectFromSVGPath):
            part.path_obj = None
    return mobject


class GlyphText(Text):
    """Text in the theme's font, set once per process for each distinct look.

    Making a Text (Pango -> SVG -> parsed paths) costs ~35 ms, a copy of a
    lightened one ~1 ms; scenes repeat words and numbers across grids, frames
    and (in a render worker) scenes. So each distinct (text, size, colour,
    options) is set once, and later ones start as copies of that template.
    """

    _templates: dict[tuple, Text] = {}

    def __init__(self, text: str, size: float, color: str | None = None, **kwargs):
        key = (text, size, color, repr(sorted(kwargs.items())))
        template = GlyphText._templates.get(key)
        if template is None:
            super().__init__(text, font=THEME.font, font_size=size, color=color or THEME.text,
                             use_svg_cache=False, **kwargs)  # Manim's cache keeps a heavy copy
            lighten(self)
            if len(GlyphText._templates) < 20_000:
                GlyphText._templates[key] = self.copy()
        else:
            self.__dict__.update(template.copy().__dict__)


def label(text: str, size: float | None = None, color: str | None = None, **kwargs) -> Text:
    """A line of text in the theme's font (no LaTeX: fast, and identical on every machine)."""
    return GlyphText(text, size or THEME.body, color, **kwargs)


class Number(GlyphText):
    """A number on screen that remembers the value it shows (tests read `.value`)."""

    def __init__(self, value: float, decimals: int = 2, size: float | None = None,
                 color: str | None = None, sign: bool = False, **kwargs):
        super().__init__(fmt(value, decimals, sign), size or THEME.small, color, **kwargs)
        self.value = float(value)
        self.decimals = decimals


class Percent(GlyphText):
    """A share in [0, 1] shown as a whole percentage; `.value` keeps the share itself."""

    def __init__(self, share: float, size: float | None = None, color: str | None = None):
        super().__init__(f"{100 * share:.0f}%", size or THEME.small, color)
        self.value = float(share)
