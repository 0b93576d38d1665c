"""Going deeper: the same word's vector refined block after block, every word at once.

Script: "the american shrew mole roamed the forest" enters a stack of three
attention-only blocks (x ← x + MultiHeadAttention(x)). In the animal/chemistry
plane, mole's embedding E stays visible (ghosted) while each block adds its ΔE
and a new vector appears; every other word of the sentence moves in the same
block, at the same time (a block is computed for all positions in parallel: this
is not a recurrent network). A table fills in column by column: mole's sense
probabilities after each block, apple's tech probability in "apple released a
new phone", and the share of ambiguous words read right on held-out sentences
(`stack_accuracy`). Blocks here are attention only; real transformers also put
an MLP in every block. Every number comes from `load_deep_stack()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    GrowArrow,
    Line,
    ReplacementTransform,
    VGroup,
)

from attention_core.training.evaluate import stack_accuracy
from attention_core.transformer import load_deep_stack
from scenes.kit import (
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    Number,
    Percent,
    TokenRow,
    label,
    segment_markers,
)
from scenes.kit.table import Table

PANEL_X = 3.75  # centre of the right-hand panel


@dataclass(frozen=True)
class DeeperParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "the american shrew mole roamed the forest"
    focus: str = "mole"
    senses: tuple[str, str] = ("animal", "chemistry")  # the plane
    second: str = "apple released a new phone"  # one more word, in the table only
    second_focus: str = "apple"
    second_sense: str = "tech"


class GoingDeeper(ExplainerScene):
    name = "going_deeper"
    description = "A word refined block after block; every position moves at once (not an RNN)."
    key_moments = ("input", "block_1", "all_blocks", "accuracy")
    params = DeeperParams()

    def construct(self) -> None:
        p = self.params
        self.stack = stack = load_deep_stack()
        self.trace = trace = stack.run(p.sentence)
        self.i = trace.position(p.focus)
        self.view = stack.plane(*p.senses)
        self.xy = [self.view.coords(s).numpy() for s in trace.states]  # per state, (n, 2)
        n_blocks = len(stack.layers)

        self.build_plane()
        title = label("Going deeper: block after block", THEME.heading)
        title.to_edge(UP, buff=0.2)
        self.tokens = TokenRow(trace.tokens, size=THEME.small, max_width=6.4)
        self.tokens.next_to(title, DOWN, buff=0.35).set_x(PANEL_X)
        self.tokens[self.i].highlight(THEME.query)
        rule = VGroup(label(f"each block:  x \u2190 x + attention(x),  "
                            f"{len(stack.layers[0].heads)} heads", THEME.small),
                      label("attention only here: real transformers also put an MLP",
                            THEME.tiny, THEME.muted),
                      label("after the attention in every block",
                            THEME.tiny, THEME.muted)).arrange(DOWN, buff=0.1)
        rule.next_to(self.tokens, DOWN, buff=0.3).set_x(PANEL_X)
        self.table = self.sense_table().next_to(rule, DOWN, buff=0.4)
        self.table.to_edge(RIGHT, buff=0.45)
        n = len(trace.tokens)
        self.parallel_note = VGroup(
            label(f"Each block updates all {n} positions at once:", THEME.small, THEME.output),
            label("depth repeats, not time. Not a recurrent network.", THEME.small,
                  THEME.output)).arrange(DOWN, buff=0.1)
        self.parallel_note.to_edge(DOWN, buff=0.45).set_x(self.table.get_x())

        self.narrate(f"A stack of {n_blocks} attention blocks. \u201c{p.sentence}\u201d goes in; "
                     f"'{p.focus}' starts as its embedding E, undecided between its senses.")
        self.play(FadeIn(title), Create(self.plane.reference), FadeIn(self.rays),
                  FadeIn(self.tokens, lag_ratio=0.05), run_time=1.5)
        self.play(FadeIn(self.dots[0]), GrowArrow(self.arrows[0]), FadeIn(self.tags[0]),
                  FadeIn(rule), FadeIn(self.table.header), FadeIn(self.table.column(0)),
                  run_time=1.5)
        self.moment("input")
        self.settle()

        for b in range(n_blocks):
            self.run_block(b)
            if b == 0:
                self.moment("block_1")
                self.settle()
        self.narrate(f"Block after block, '{p.focus}' absorbs more context, and E is still "
                     "where it was: each block adds to the stream, it never rewrites a vector.")
        self.moment("all_blocks")
        self.settle()

        self.narrate(f"Another word: '{p.second_focus}' in \u201c{p.second}\u201d. And over "
                     "held-out sentences, the share of apple and mole read right after each "
                     "block (stack_accuracy).")
        note = VGroup(label(f"{p.second_focus}: in \u201c{p.second}\u201d", THEME.tiny,
                            THEME.muted),
                      label("accuracy: apple and mole read right in unseen sentences",
                            THEME.tiny, THEME.muted))
        note.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        note.next_to(self.table, DOWN, buff=0.2).align_to(self.table, LEFT)
        self.play(FadeIn(self.table.extra, lag_ratio=0.1), FadeIn(note), run_time=1.5)
        self.moment("accuracy")
        self.settle(minimum=2)

    # ---------------------------------------------------------------------------------
    def build_plane(self) -> None:
        p, stack = self.params, self.stack
        sense_xy = np.stack([self.view.coords(self.pad(stack.toy.embed(s))).numpy()
                             for s in p.senses])
        everything = np.vstack(self.xy + [sense_xy * 0.5])
        self.plane = plane = EmbeddingPlane.fit(everything, 6.3, 5.6, margin=0.6)
        plane.to_edge(LEFT, buff=0.4).to_edge(DOWN, buff=0.45)
        self.rays = VGroup(*[plane.sense_ray(xy, s, THEME.sense(s))
                             for xy, s in zip(sense_xy, p.senses, strict=True)])
        self.dots, self.arrows, self.tags = [], [], []
        placed = [r[1] for r in self.rays]
        placed += [m for r in self.rays for m in segment_markers(plane.origin, r[0].get_end())]
        for b, xy in enumerate(self.xy):
            color = THEME.embedding if b == 0 else THEME.output
            others = [k for k in range(len(xy)) if k != self.i]
            self.dots.append(VGroup(*[plane.dot(xy[k], color, radius=0.045) for k in others]))
            arrow = plane.arrow(xy[self.i], color, width=4 if b else 3)
            self.arrows.append(arrow)
            name = "E" if b == 0 else f"block {b}"
            self.tags.append(plane.tip_label(arrow, name, color, placed, size=THEME.tiny))
        legend = VGroup(label(f"arrows: {p.focus} (E, then after each block)", THEME.tiny,
                              THEME.output),
                        label("dots: the other words", THEME.tiny, THEME.muted))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        legend.next_to(plane.reference, UP, buff=0.15).align_to(plane.reference, LEFT)
        self.rays.add(legend)

    def pad(self, vector: torch.Tensor) -> torch.Tensor:
        """A word-only vector (8 numbers) padded with zeros on the position part."""
        return torch.cat([vector, vector.new_zeros(self.stack.d_model - self.stack.d_token)])

    def run_block(self, b: int) -> None:
        """Block b updates every position at once: all dots move together, the focus
        word gets a new arrow, and the previous ones stay, ghosted."""
        p, plane = self.params, self.plane
        old, new = self.xy[b], self.xy[b + 1]
        trails = VGroup(*[Line(plane.p(a), plane.p(c), stroke_width=1.5, color=THEME.output,
                               stroke_opacity=0.45) for a, c in zip(old, new, strict=True)])
        ghost_from = 0.3
        flash = [tok.box.animate.set_stroke(THEME.output, 3) for tok in self.tokens]
        if b == 0:
            self.narrate(f"Block 1: every word's query meets every key, and every position "
                         f"gets its \u0394E at the same time. All the words move at once; "
                         f"'{p.focus}' gets a new vector, E + \u0394E.")
        elif b == 1:
            self.narrate("Block 2 starts from block 1's output, again for all positions in "
                         "parallel: not a recurrent network walking through the words, but "
                         "the same step repeated in depth.")
        else:
            self.narrate(f"Block {b + 1} refines it once more.")
        self.play(*flash, *([FadeIn(self.parallel_note)] if b == 1 else []), run_time=0.5)
        self.play(ReplacementTransform(self.dots[b].copy(), self.dots[b + 1]),
                  self.dots[b].animate.set_opacity(ghost_from),
                  Create(trails),
                  GrowArrow(self.arrows[b + 1]), FadeIn(self.tags[b + 1]),
                  self.arrows[b].animate.set_opacity(0.3),
                  self.tags[b].animate.set_opacity(0.45),
                  FadeIn(self.table.column(b + 1)),
                  run_time=2)
        self.play(*[tok.box.animate.set_stroke(THEME.muted, 1.5) for tok in self.tokens],
                  self.tokens[self.i].box.animate.set_stroke(THEME.query, 3), run_time=0.4)
        if b > 0:
            self.settle()

    def sense_table(self) -> SenseTable:
        p, stack = self.params, self.stack
        topics = list(stack.toy.topics)
        senses = self.stack.toy.config.senses_of(p.focus) or p.senses
        probs = np.stack([stack.sense_probabilities(s[self.i]).numpy()
                          for s in self.trace.states])  # (states, topics)
        second = stack.run(p.second)
        j = second.position(p.second_focus)
        second_probs = np.stack([stack.sense_probabilities(s[j]).numpy()
                                 for s in second.states])
        accuracy = stack_accuracy(stack)
        rows = [(f"{p.focus}: {s}", THEME.sense(s), probs[:, topics.index(s)]) for s in senses]
        extra = [(f"{p.second_focus}: {p.second_sense}", THEME.sense(p.second_sense),
                  second_probs[:, topics.index(p.second_sense)])]
        return SenseTable(rows, extra, accuracy, len(self.trace.states))


class SenseTable(Table):
    """Sense probabilities per state (input E, then after each block), column by column,
    and the held-out accuracy per state in the last row; `cells[row][column]` as in Table."""

    def __init__(self, rows, extra, accuracy: list[float], n_states: int):
        header = [label("reads as", THEME.tiny, THEME.muted),
                  label("E", THEME.tiny, THEME.embedding)]
        header += [label(f"block {b}", THEME.tiny, THEME.output) for b in range(1, n_states)]
        cells = [header]
        for name, color, values in list(rows) + list(extra):
            cells.append([label(name, THEME.small, color)]
                         + [Number(float(v), 2, THEME.small) for v in values])
        cells.append([label("accuracy, held-out", THEME.small, THEME.muted)]
                     + [Percent(a, THEME.small, THEME.muted) for a in accuracy])
        super().__init__(cells, pitch=0.46, col_gap=0.3,
                         align=["left"] + ["right"] * n_states)
        self.header = self.rows[0]
        n_main = len(rows)
        # the second word and the accuracy row appear last, with a gap above them
        self.extra = VGroup(*self.rows[1 + n_main:])
        self.extra.shift(DOWN * 0.2)
        self.main_rows = VGroup(*self.rows[1: 1 + n_main])

    def column(self, c: int) -> VGroup:
        """State c's numbers for the main rows (and the row names with the first column)."""
        col = VGroup(*[row[c + 1] for row in self.main_rows])
        if c == 0:
            col.add(*[row[0] for row in self.main_rows])
        return col

