"""One pattern grid turning into another: its cells recolour, its numbers cross-fade.

A grid whose numbers change (raw q·k into q·k/√d_k, scores into masked scores,
scores into weights) must not morph one number's glyph outlines into another's:
half-way through, a Transform between "−3.30" and "−∞" is no text at all (glyph
soup). So `Regrid(old, new)` moves each *cell* with a Transform (squares into
squares: the tint changes in place) and cross-fades each row's numbers
(FadeTransform), as it does the row and column titles that read differently;
words that read the same stay as they are. With `lag_ratio` the rows follow one
another top to bottom (softmax, one query at a time).

The two grids must have the same words and cell places (`new.move_to(old)` for
grids built alike). When the animation ends the scene holds `new`, whole, and
nothing of `old`: a snapshot (and a test) finds one grid, the new one.
"""

from __future__ import annotations

from manim import AnimationGroup, FadeTransform, LaggedStart, Mobject, Transform, VGroup

from .grid import AttentionGrid


def _row_marks(grid: AttentionGrid, i: int) -> VGroup:
    """Row i's numbers and masked-cell marks ("−∞", "0"): whatever the grid wrote in it."""
    y, half = grid.cell(i, 0).get_y(), grid.cell_size / 2
    return VGroup(*[m for m in grid.number_group if abs(m.get_y() - y) < half])


def _reads(m: Mobject) -> str:
    return "".join(getattr(part, "original_text", "") for part in m.get_family())


class Regrid(AnimationGroup):
    """`old`'s cells become `new`'s, row by row; numbers and changed titles cross-fade."""

    def __init__(self, old: AttentionGrid, new: AttentionGrid, lag_ratio: float = 0.0,
                 **kwargs):
        if old.values.shape != new.values.shape:
            raise ValueError(f"cannot regrid a {old.values.shape} grid into "
                             f"{new.values.shape}")
        self.old, self.new = old, new
        rows = []
        for i in range(len(old.rows)):
            parts = [Transform(old.row(i), new.row(i))]
            before, after = _row_marks(old, i), _row_marks(new, i)
            if len(before) or len(after):
                parts.append(FadeTransform(before, after))
            rows.append(AnimationGroup(*parts))
        words = [FadeTransform(a, b) for a, b in zip(
            [*old.titles, *old.row_labels, *old.col_labels],
            [*new.titles, *new.row_labels, *new.col_labels], strict=False)
            if _reads(a) != _reads(b)]
        super().__init__(LaggedStart(*rows, lag_ratio=lag_ratio), *words, **kwargs)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        ours = {id(m) for grid in (self.old, self.new) for m in grid.get_family()}
        ours |= {id(m) for m in self.group.get_family()}
        scene.remove(*[m for m in scene.mobjects
                       if all(id(f) in ours for f in m.get_family())])
        scene.remove(self.old)
        scene.add(self.new)
