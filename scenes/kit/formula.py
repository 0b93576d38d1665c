"""Formula pieces in LaTeX, with Q, K, V and ΔE in their theme colours."""

from __future__ import annotations

from manim import MathTex

from .text import lighten
from .theme import THEME

ROLE_COLORS = {
    "Q": THEME.query, "K": THEME.key, "V": THEME.value,
    r"\vec{q}": THEME.query, r"\vec{k}": THEME.key, r"\vec{v}": THEME.value,
    r"W_Q": THEME.query, r"W_K": THEME.key, r"W_V": THEME.value, r"W_O": THEME.output,
    r"\Delta E": THEME.output, r"E'": THEME.output,
}


def formula(*parts: str, size: float | None = None, colors: dict[str, str] | None = None
            ) -> MathTex:
    """MathTex from separate parts so each can be coloured and animated on its own.

    A part whose text is a role symbol (see ROLE_COLORS) takes the role's colour.
    """
    tex = MathTex(*parts, font_size=size or THEME.heading, color=THEME.text)
    palette = {**ROLE_COLORS, **(colors or {})}
    for part, mob in zip(parts, tex.submobjects, strict=True):
        if part.strip() in palette:
            mob.set_color(palette[part.strip()])
    return lighten(tex)


def attention_formula(size: float | None = None) -> MathTex:
    r"""softmax(Q Kᵀ / √d_k) V, the whole head in one line."""
    return formula(r"\mathrm{softmax}\!\Big(", "Q", "K^\\top", r"\,/\,\sqrt{d_k}", r"\Big)", "V",
                   size=size, colors={"K^\\top": THEME.key})
