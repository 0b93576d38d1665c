"""Text that wraps onto several lines at a width, instead of shrinking to fit it.

`fit_width` scales a long line down until it fits, which makes its letters
smaller than the screen can show legibly; a sentence a lecturer typed, or a
caveat, wraps instead: the same size on every line, lines left-aligned.
"""

from __future__ import annotations

from manim import VGroup

from .table import Table
from .text import label
from .theme import THEME


def wrap_lines(text: str, width: float, size: float | None = None) -> list[str]:
    """Split `text` at spaces into lines that each fit `width` when set at `size`
    (a single word wider than `width` gets a line of its own)."""
    size = size or THEME.small
    lines: list[str] = []
    for word in text.split():
        if lines and label(f"{lines[-1]} {word}", size).width <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class WrappedText(VGroup):
    """`text` in lines at most `width` wide, baselines `pitch` apart (default 1.35 times
    the size's line height); `.lines[k]` is line k's Text."""

    def __init__(self, text: str, width: float, size: float | None = None,
                 color: str | None = None, pitch: float | None = None):
        super().__init__()
        size = size or THEME.small
        self.text = text
        self.lines = VGroup(*[label(line, size, color) for line in wrap_lines(text, width, size)])
        pitch = pitch or 1.35 * label("x", size).height / 0.56  # x-height is ~0.56 of a line
        Table([[line] for line in self.lines], pitch=pitch, align=["left"], header_rule=False)
        self.add(self.lines)
