"""Readings over states: a table of what vectors read as, one column per state.

Several clips show how a reading changes as a vector is updated: a head's
read-out of E and of E + ΔE_h (multi_head), a word's senses after each block
of a stack (going_deeper), every word's E and E′ read as one sense (values),
the words an update names (cross_attention). They are one table: a header (a
corner, then one heading per state), then one row per `ReadingRow`, a name and
the number `reading.of(candidate)` for each state's `Reading`. The numbers come
from the core's `Reading`s, never from a scene's own softmax, and every such
table has the same sizes, pitch and alignment.

    rows = [ReadingRow(f"mole: {s}", s, readings, THEME.sense(s)) for s in senses]
    ReadingsTable(rows, [("E", THEME.embedding), ("block 1", THEME.output)],
                  corner="reads as")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import Mobject, VGroup

from attention_core.readouts import Reading

from .table import Table
from .text import Number, label
from .theme import THEME


@dataclass(frozen=True)
class ReadingRow:
    """One row: `name`, then `reading.of(candidate)` for each state's reading."""

    name: str
    candidate: str
    readings: Sequence[Reading]
    color: str | None = None  # the name's colour; the body text colour by default


class ReadingsTable(Table):
    """A `Table` of readings: `states` are the columns' (heading, colour), `rows` the
    `ReadingRow`s, one number per state each; `extra` rows (any cells, e.g. an
    accuracy per state) go under them on the same columns.

    `number_colors[c]` colours state c's numbers (the text colour by default).
    `cells[r][c]` as in `Table`: row 0 is the header, column 0 the names;
    `.read[r]` is the `ReadingRow` shown in table row r + 1, and `values(c)` the
    numbers shown for state c, top to bottom.
    """

    def __init__(self, rows: Sequence[ReadingRow], states: Sequence[tuple[str, str]],
                 corner: str = "", corner_color: str | None = None,
                 extra: Sequence[Sequence[Mobject]] = (),
                 number_colors: Sequence[str | None] | None = None, decimals: int = 2,
                 pitch: float = 0.42, col_gap: float = 0.45):
        self.read = list(rows)
        for row in self.read:
            if len(row.readings) != len(states):
                raise ValueError(f"the row {row.name!r} has {len(row.readings)} readings "
                                 f"for {len(states)} states")
        colors = list(number_colors or [None] * len(states))
        header = [label(corner, THEME.tiny, corner_color or THEME.muted)]
        header += [label(heading, THEME.tiny, color) for heading, color in states]
        cells = [header]
        for row in self.read:
            cells.append([label(row.name, THEME.small, row.color)]
                         + [Number(reading.of(row.candidate), decimals, THEME.small, color)
                            for reading, color in zip(row.readings, colors, strict=True)])
        cells += [list(r) for r in extra]
        super().__init__(cells, pitch=pitch, col_gap=col_gap,
                         align=["left"] + ["right"] * len(states))
        self.header = self.rows[0]
        self.reading_rows = VGroup(*self.rows[1: 1 + len(self.read)])
        self.extra_rows = VGroup(*self.rows[1 + len(self.read):])

    @property
    def candidates(self) -> list[str]:
        return [row.candidate for row in self.read]

    def values(self, state: int) -> np.ndarray:
        """The numbers shown for `state` (column state + 1), one per reading row."""
        return np.array([self.cells[1 + r][1 + state].value for r in range(len(self.read))])
