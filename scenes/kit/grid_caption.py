"""A grid's name under it: "q·k", "softmax of each row", "✓ −∞ first, then softmax".

An `AttentionGrid` is wider than its cells (row labels hang off to the left, row
sums to the right), so centring a caption under the whole grid puts it off the
cells it names. It goes under the cells, centred on them.
"""

from __future__ import annotations

from manim import DOWN, Mobject

from .grid import AttentionGrid


def under_cells(grid: AttentionGrid, caption: Mobject, buff: float = 0.2) -> Mobject:
    """Put `caption` just under the grid's cells, centred on them."""
    return caption.next_to(grid.cells, DOWN, buff=buff).set_x(grid.cells.get_x())
