"""How tall a text's letters are drawn: the cap height, and the smallest letter or digit.

"Letter height" here is the *cap height* at the size a text is drawn: the height
of a capital H or a lining digit in that text's font after every scale applied to
it, whether or not the string contains one. In DejaVu Sans the x-height (a, e, o,
x) is 0.75 of it, so a lower-case word at 20 px caps has 15 px x-heights; a rule
on caps reads as "set no smaller than ...", the same for "laptop" and "Laptop".

It is measured from the glyphs themselves: each glyph's drawn height (across its
own line, so a label turned 45° or 90° is measured upright) over the height that
glyph has in a reference setting of the same font, where H is 1. `font_size` is
used only when ligatures (fi, ff) leave fewer glyphs than letters: it goes stale
when a Text `become`s another. A sub- or superscript letter or digit (₁, ², ᵀ in
a Text; `d_k`, `W_Q` in LaTeX) is a letter of its own, smaller size, measured at
its own height; a script holding no letter or digit (a prime, a transpose mark)
is not. LaTeX glyphs cannot be told apart, so MathTex is measured from its font
size, with LaTeX's own script size (measured, like the caps) for its scripts.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import unicodedata
from collections.abc import Iterator
from functools import cached_property

import numpy as np
from manim import MathTex, Mobject, SingleStringMathTex, Text, tempconfig

TEXT_KINDS = (Text, SingleStringMathTex)


def is_script(char: str) -> bool:
    """A sub/superscript character (₁, ², ᵀ): set smaller than its text on purpose."""
    name = unicodedata.name(char, "")
    return "SUBSCRIPT" in name or "SUPERSCRIPT" in name or name.startswith("MODIFIER LETTER")


class _Reference:
    """Glyph heights of a font at a known size, and LaTeX's cap height and script ratio.

    Set once per process, in a throwaway media folder (making a Text writes SVGs)."""

    SIZE = 100.0

    def __init__(self) -> None:
        self.ratio: dict[tuple[str, str], float] = {}  # (font, char) -> height / cap height
        self.cap_per_size: dict[str, float] = {}  # font -> cap height (units) per font point

    def _set(self, font: str, chars: str) -> None:
        with tempfile.TemporaryDirectory() as media, tempconfig({"media_dir": media,
                                                                 "verbosity": "ERROR"}):
            ref = Text("H" + chars, font=font, font_size=self.SIZE, disable_ligatures=True)
        glyphs = ref.submobjects
        if len(glyphs) != len(chars) + 1:
            raise ValueError(f"{font!r} set {len(glyphs)} glyphs for {len(chars) + 1} "
                             f"characters of {chars!r}")
        cap = glyphs[0].height
        self.cap_per_size[font] = cap / self.SIZE
        for c, g in zip(chars, glyphs[1:], strict=True):
            self.ratio[(font, c)] = g.height / cap

    def ratios(self, font: str, chars: str) -> dict[str, float]:
        missing = "".join(sorted({c for c in chars if (font, c) not in self.ratio}))
        if missing or font not in self.cap_per_size:
            self._set(font, missing)
        return {c: self.ratio[(font, c)] for c in chars}

    @cached_property
    def tex(self) -> tuple[float, float]:
        """(cap height per font point, script size / text size) of MathTex."""
        with tempfile.TemporaryDirectory() as media, tempconfig({"media_dir": media,
                                                                 "verbosity": "ERROR"}):
            ref = MathTex(r"\mathrm{H}_{\mathrm{H}}", font_size=self.SIZE)
        big, small = [g.height for g in ref.family_members_with_points()]
        return big / self.SIZE, small / big


REFERENCE = _Reference()
_COMMAND = re.compile(r"\\[A-Za-z]+")


def tex_scripts(tex: str) -> Iterator[str]:
    """The contents of every _ and ^ in a LaTeX string (a braced group or one token)."""
    i = 0
    while i < len(tex):
        if tex[i] in "_^" and (i == 0 or tex[i - 1] != "\\"):
            j = i + 1
            while j < len(tex) and tex[j].isspace():
                j += 1
            if j < len(tex) and tex[j] == "{":
                depth, k = 0, j
                for k in range(j, len(tex)):
                    depth += {"{": 1, "}": -1}.get(tex[k], 0)
                    if depth == 0:
                        break
                yield tex[j + 1 : k]
                i = k
            elif (command := _COMMAND.match(tex, j)) is not None:
                yield command.group()
                i = command.end() - 1
            elif j < len(tex):
                yield tex[j]
                i = j
        i += 1


def _has_letters(tex: str) -> bool:
    return any(c.isalnum() for c in _COMMAND.sub("", tex))


def up_direction(text: Mobject) -> np.ndarray:
    """A text's own up direction: across the line its glyphs sit on (a grid's column
    labels are turned 45°, its row title 90°). Angles snap to multiples of 45°,
    and a text of one or two glyphs (or LaTeX) is taken as upright."""
    if not isinstance(text, Text):
        return np.array([0.0, 1.0])
    centers = np.array([g.get_center()[:2] for g in text.submobjects if len(g.points)])
    if len(centers) < 3:
        return np.array([0.0, 1.0])
    along = np.linalg.svd(centers - centers.mean(axis=0))[2][0]
    angle = round(np.arctan2(along[1], along[0]) / (np.pi / 4)) * (np.pi / 4)
    return np.array([-np.sin(angle), np.cos(angle)])


def _extent(m: Mobject, direction: np.ndarray) -> float:
    points = m.get_all_points()
    return float(np.ptp(points[:, :2] @ direction)) if len(points) else 0.0


def letter_heights(text: Mobject) -> tuple[float, float | None]:
    """(cap height, smallest letter or digit) of a Text or MathTex, in units; the
    second is None for a text without letters or digits ("=", "→")."""
    if isinstance(text, Text):
        chars, glyphs, up = text.text, text.submobjects, up_direction(text)
        ratios = REFERENCE.ratios(text.font, chars)
        caps = [_extent(g, up) / ratios[c] for c, g in zip(chars, glyphs, strict=False)
                if c.isalnum() and not is_script(c) and ratios[c] > 0]
        if len(chars) == len(glyphs) and caps:
            cap = statistics.median(caps)
        else:  # ligatures (fi, ff) pair glyphs with the wrong letters: scale the
            # size it was made at by how much the whole text has grown since
            cap = (REFERENCE.cap_per_size[text.font] * text._font_size
                   * _extent(text, up) / text.initial_height)
        letters = [cap * (ratios[c] if is_script(c) else 1.0) for c in chars if c.isalnum()]
        return cap, min(letters, default=None)
    cap_per_size, script = REFERENCE.tex
    tex = text.get_tex_string()
    cap = cap_per_size * text.font_size
    if not _has_letters(tex):
        return cap, None
    scripted = any(_has_letters(s) for s in tex_scripts(tex))
    return cap, cap * script if scripted else cap


def string_of(text: Mobject) -> str:
    return text.original_text if isinstance(text, Text) else text.get_tex_string()


def created_size(text: Mobject) -> float:
    """The font size the scene asked for when it made the text (its role in the type
    scale: THEME.title, heading, body, small, tiny)."""
    return float(text._font_size)
