"""Context size: the attention pattern has n² entries, so its cost grows with the square.

Script: pattern grids for n = 4, 8, 16, 32 words, drawn at one cell size so
their areas compare honestly; each doubling of n multiplies the entries by 4.
Then a table for real context lengths, from 512 to 1,048,576 tokens: entries
per head, the memory one head's pattern would take in fp16, and the same for
all 96 × 96 heads of a GPT-3-sized model, each line 16× the one before (4×
the context). Every number comes from `attention_core.costs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Line,
    Square,
    SurroundingRectangle,
    VGroup,
)

from attention_core.costs import GPT3, PatternCost, human_bytes, pattern_cost
from narration import speakable
from scenes.kit import THEME, ExplainerScene, Table, about, fit_width, fmt_int, formula, label


@dataclass(frozen=True)
class ContextParams:
    grid_sizes: tuple[int, ...] = (4, 8, 16, 32)
    lengths: tuple[int, ...] = (512, 2048, 8192, 32768, 131072, 1_048_576)
    marked: dict[int, str] | None = None  # context lengths with a name, e.g. {2048: "GPT-3"}
    bytes_per_entry: int = 2  # fp16


class PatternSquare(VGroup):
    """An n × n pattern drawn as a grid of cells (lines, not n² squares) at `cell` size."""

    def __init__(self, n: int, cell: float):
        super().__init__()
        self.n = n
        self.entries = pattern_cost(n).entries_per_head
        side = n * cell
        self.back = Square(side, stroke_width=0, fill_color=THEME.weight, fill_opacity=0.12)
        lines = VGroup()
        for t in np.linspace(-side / 2, side / 2, n + 1):
            lines.add(Line([t, -side / 2, 0], [t, side / 2, 0]),
                      Line([-side / 2, t, 0], [side / 2, t, 0]))
        lines.set_stroke(THEME.muted, width=1.2 if n <= 16 else 0.8, opacity=0.8)
        self.add(self.back, lines)


class ContextSize(ExplainerScene):
    name = "context_size"
    description = "The pattern has n² entries: its size grows with the square of the context."
    key_moments = ("grids", "square_law", "table")
    params = ContextParams(marked={2048: "GPT-3"})

    def construct(self) -> None:
        title = label("Context size: the pattern has n\u00b2 entries", THEME.heading)
        title.to_edge(UP, buff=0.25)
        self.narrate("Every query meets every key, so n words make an n by n pattern: one "
                     "score and one weight per pair.")
        self.play(FadeIn(title))
        self.settle()

        squares, names = self.grow_grids()
        law = self.square_law(squares)
        self.play(FadeOut(squares), FadeOut(names), FadeOut(law), run_time=0.8)
        self.table = self.cost_table()

    # ---- n words, n² entries ----------------------------------------------------------
    def grow_grids(self) -> tuple[VGroup, VGroup]:
        """One square per n, at one cell size, each with its entry count under it:
        the squares, and their names (the tags, and the largest one's axes)."""
        squares = VGroup(*[PatternSquare(n, cell=0.155) for n in self.params.grid_sizes])
        squares.arrange(RIGHT, buff=1.0, aligned_edge=DOWN).move_to([0, -0.2, 0])
        tags = VGroup()
        for sq in squares:
            tag = VGroup(label(f"n = {sq.n}", THEME.small),
                         label(f"{fmt_int(sq.entries)} entries", THEME.small, THEME.weight))
            tags.add(tag.arrange(DOWN, buff=0.1).next_to(sq, DOWN, buff=0.25))
        VGroup(squares, tags).set_x(0)  # centred with the tags, which overhang the small squares
        big = squares[-1]
        axes = VGroup(label(f"{big.n} keys (columns)", THEME.tiny, THEME.key)
                      .next_to(big, UP, buff=0.1),
                      label(f"{big.n} queries (rows)", THEME.tiny, THEME.query)
                      .rotate(np.pi / 2).next_to(big, LEFT, buff=0.1))
        for sq, tag in zip(squares, tags, strict=True):
            self.narrate(f"{sq.n} words: {sq.n} \u00d7 {sq.n} = {fmt_int(sq.entries)} entries.")
            extra = [FadeIn(axes)] if sq is big else []
            self.play(Create(sq, lag_ratio=0.01), FadeIn(tag), *extra,
                      run_time=1.2 if sq.n < 32 else 2)
            self.settle(minimum=0.8)
        self.moment("grids")
        return squares, VGroup(tags, axes)

    def square_law(self, squares: VGroup) -> VGroup:
        """The steps between neighbouring squares ("n ×2", "×4"), and the law they follow."""
        self.narrate("Double the words and the pattern has four times as many entries: it grows "
                     "with the square of the context length.")
        ratios = VGroup()
        for a, b in zip(squares[:-1], squares[1:], strict=True):
            tag = VGroup(label(f"n \u00d7{b.n // a.n}", THEME.tiny, THEME.muted),
                         label(f"\u00d7{b.entries // a.entries}", THEME.small,
                               THEME.highlight)).arrange(DOWN, buff=0.08)
            tag.move_to([(a.get_right()[0] + b.get_left()[0]) / 2, 0, 0])
            ratios.add(tag.align_to(squares, DOWN).shift(UP * 0.05))
        law = VGroup(formula(r"\text{entries} = n^2", size=THEME.heading),
                     label("twice the words: four times the entries", THEME.small, THEME.muted))
        law.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        law.align_to(squares, LEFT).align_to(squares[-1], UP).shift(DOWN * 0.3)
        self.play(FadeIn(ratios, lag_ratio=0.3), FadeIn(law), run_time=2)
        self.moment("square_law")
        self.settle()
        return VGroup(ratios, law)

    # ---- real context lengths -----------------------------------------------------------
    def cost_table(self) -> Table:
        """Entries and memory for one head and for a GPT-3-sized model, line by line."""
        p = self.params
        heads, layers = GPT3["n_heads"], GPT3["n_layers"]
        costs = [pattern_cost(n, bytes_per_entry=p.bytes_per_entry) for n in p.lengths]
        model_costs = [pattern_cost(n, heads, layers, p.bytes_per_entry) for n in p.lengths]
        table = fit_width(Table(cost_rows(costs, model_costs, p.marked or {}, heads, layers),
                                pitch=0.55, col_gap=0.55,
                                align=["left", "right", "right", "right", "right"]))
        table.move_to([0, 0.35, 0])
        notes = VGroup(
            label(f"memory if every pattern were stored whole, {p.bytes_per_entry} bytes per "
                  "entry (fp16)", THEME.tiny, THEME.muted),
            label("memory-saving kernels avoid storing it whole; the work still grows as n\u00b2",
                  THEME.tiny, THEME.muted),
            label("step: context \u2192 entries, compared with the line above", THEME.tiny,
                  THEME.muted))
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        notes.next_to(table, DOWN, buff=0.4).align_to(table, LEFT)

        steps = []  # distinct (context ×, entries ×) steps, in order
        for c0, c1 in zip(costs[:-1], costs[1:], strict=True):
            step = (c1.context_length // c0.context_length, c1.entries // c0.entries)
            if step not in steps:
                steps.append(step)
        said = ", ".join(f"\u00d7{c} context \u2192 \u00d7{e} entries" for c, e in steps)
        spoken = ", ".join(f"{c} times the context gives {e} times the entries"
                           for c, e in steps)
        self.narrate(f"Real context lengths. Every step squares: {said}.",
                     spoken=f"Real context lengths. Every step squares: {spoken}.")
        self.play(FadeIn(table.rows[0]), Create(table.rule))
        self.play(FadeIn(VGroup(*table.rows[1:]), lag_ratio=0.25), run_time=3)
        self.settle()
        # the named context (GPT-3's) gets a box and a sentence of its own
        k = next((i for i, n in enumerate(p.lengths) if n in (p.marked or {})), 0)
        box = SurroundingRectangle(table.rows[k + 1], color=THEME.highlight, buff=0.1,
                                   stroke_width=2)
        one, whole, longest = costs[k], model_costs[k], model_costs[-1]
        name = (p.marked or {}).get(one.context_length, "this model")
        start = (f"At {name}'s {fmt_int(one.context_length)} tokens one head's pattern takes "
                 f"{human_bytes(one.bytes)}; all {fmt_int(heads * layers)} heads together "
                 f"would take {human_bytes(whole.bytes)}. At ")
        end = f" tokens: {human_bytes(longest.bytes)}."
        self.narrate(start + fmt_int(longest.context_length) + end,
                     spoken=speakable(start + about(longest.context_length) + end))
        self.play(Create(box), FadeIn(notes), run_time=1.5)
        self.moment("table")
        self.settle()
        self.narrate("That is why context length is expensive: twice the context means four "
                     "times the pattern, in every head of every layer.")
        self.settle(minimum=2)
        return table


def cost_rows(costs: list[PatternCost], model_costs: list[PatternCost], marked: dict[int, str],
              heads: int, layers: int) -> list[list]:
    """The table's header and one row per context length: n, n², bytes, the model's
    bytes, and the step from the line above (context ×, entries ×)."""
    rows = [[label("context n", THEME.tiny, THEME.muted),
             label("entries n\u00b2 (one head)", THEME.tiny, THEME.weight),
             label("one head, fp16", THEME.tiny, THEME.muted),
             label(f"{heads} heads \u00d7 {layers} layers", THEME.tiny, THEME.muted),
             label("step", THEME.tiny, THEME.highlight)]]
    previous = None
    for cost, whole in zip(costs, model_costs, strict=True):
        name = marked.get(cost.context_length)
        n_cell = label(fmt_int(cost.context_length) + (f"  ({name})" if name else ""),
                       THEME.small)
        ratio = "\u2014" if previous is None else (
            f"\u00d7{cost.context_length // previous.context_length} \u2192 "
            f"\u00d7{cost.entries // previous.entries}")
        rows.append([n_cell, label(fmt_int(cost.entries), THEME.small, THEME.weight),
                     label(human_bytes(cost.bytes), THEME.small),
                     label(human_bytes(whole.bytes), THEME.small),
                     label(ratio, THEME.small, THEME.highlight)])
        previous = cost
    return rows
