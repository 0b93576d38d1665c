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
    UP,
    Arrow,
    Create,
    FadeIn,
    GrowArrow,
    Line,
    Mobject,
    ReplacementTransform,
    VGroup,
)

from attention_core.plane import SensePlane
from attention_core.training.evaluate import stack_accuracy
from attention_core.transformer import PositionalModel, StackTrace, load_deep_stack
from scenes.kit import (
    LEFT_SIDE,
    PANEL,
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    Percent,
    ReadingRow,
    ReadingsTable,
    TokenRow,
    fit_width,
    label,
)


@dataclass(frozen=True)
class DeeperParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "the american shrew mole roamed the forest"
    focus: str = "mole"
    senses: tuple[str, str] = ("animal", "chemistry")  # the plane
    second: str = "apple released a new phone"  # one more word, in the table only
    second_focus: str = "apple"
    second_sense: str = "tech"


@dataclass(frozen=True)
class StateMarks:
    """One state of the sentence in the plane: every word's point, the other words' dots,
    the focus word's arrow and its tag ("E", "block 1", ...)."""

    points: list[np.ndarray]
    dots: VGroup
    arrow: Arrow
    tag: Mobject


class GoingDeeper(ExplainerScene):
    name = "going_deeper"
    description = "A word refined block after block; every position moves at once (not an RNN)."
    key_moments = ("input", "block_1", "all_blocks", "accuracy")
    params = DeeperParams()

    def construct(self) -> None:
        p = self.params
        stack = load_deep_stack()
        trace = stack.run(p.sentence)
        i = trace.position(p.focus)
        n_blocks = len(stack.layers)

        self.plane, backdrop, marks = self.draw_plane(stack, stack.plane(*p.senses), trace, i)
        title = label("Going deeper: block after block", THEME.heading)
        title.to_edge(UP, buff=0.2)
        tokens = TokenRow(trace.tokens, size=THEME.small, max_width=PANEL.width)
        tokens.next_to(title, DOWN, buff=0.35).set_x(PANEL.x)
        tokens[i].highlight(THEME.query)
        rule = VGroup(label(f"each block:  x \u2190 x + attention(x),  "
                            f"{len(stack.layers[0].heads)} heads", THEME.small),
                      label("attention only here: real transformers also put an MLP",
                            THEME.tiny, THEME.muted),
                      label("after the attention in every block",
                            THEME.tiny, THEME.muted)).arrange(DOWN, buff=0.1)
        fit_width(rule, PANEL.width).next_to(tokens, DOWN, buff=0.3).set_x(PANEL.x)
        self.table = sense_table(stack, trace, i, p)
        fit_width(self.table, PANEL.width).next_to(rule, DOWN, buff=0.4).set_x(PANEL.x)
        n_main = len(self.table.read) - 1  # the focus word's senses; the second word is late
        late = VGroup(*self.table.reading_rows[n_main:], self.table.extra_rows)
        late.shift(DOWN * 0.2)  # the second word and the accuracy row come last, set apart
        columns = state_columns(self.table.reading_rows[:n_main])
        parallel = VGroup(*[label(line, THEME.small, THEME.output) for line in (
            f"Each block updates all {len(trace.tokens)} positions", "at once: depth repeats, "
            "not time.", "Not a recurrent network.")]).arrange(DOWN, buff=0.1)
        fit_width(parallel, PANEL.width).to_edge(DOWN, buff=0.45).set_x(PANEL.x)

        self.narrate(f"A stack of {n_blocks} attention blocks. \u201c{p.sentence}\u201d goes in; "
                     f"'{p.focus}' starts as its embedding E, undecided between its senses.",
                     spoken=f"A stack of {n_blocks} attention blocks. In goes the sentence: "
                            f"{p.sentence}. '{p.focus}' starts as its embedding E, undecided "
                            "between its senses.")
        self.play(FadeIn(title), Create(self.plane.reference), FadeIn(backdrop),
                  FadeIn(tokens, lag_ratio=0.05), run_time=1.5)
        first = marks[0]
        self.play(FadeIn(first.dots), GrowArrow(first.arrow), FadeIn(first.tag),
                  FadeIn(rule), FadeIn(self.table.header), FadeIn(columns[0]), run_time=1.5)
        self.moment("input")
        self.settle()

        for b in range(n_blocks):
            self.run_block(b, marks[b], marks[b + 1], tokens, i, columns[b + 1],
                           also=[FadeIn(parallel)] if b == 1 else [])
            if b == 0:
                self.moment("block_1")
                self.settle()
        self.narrate(f"Block after block, '{p.focus}' absorbs more context, and E is still "
                     "where it was: each block adds to the stream, it never rewrites a vector.")
        self.moment("all_blocks")
        self.settle()

        self.narrate(f"Another word: '{p.second_focus}' in \u201c{p.second}\u201d. And over "
                     "held-out sentences, the share of apple and mole read right after each "
                     "block (stack_accuracy).",
                     spoken=f"Another word: '{p.second_focus}', in the sentence {p.second}. And "
                            "over held-out sentences, the share of apple and mole read right "
                            "after each block.")
        note = VGroup(*[label(line, THEME.tiny, THEME.muted) for line in (
            f"{p.second_focus}: in \u201c{p.second}\u201d", "accuracy: apple and mole read "
            "right", "in unseen sentences")])
        fit_width(note.arrange(DOWN, aligned_edge=LEFT, buff=0.06), PANEL.width)
        note.next_to(self.table, DOWN, buff=0.2).align_to(self.table, LEFT)
        self.play(FadeIn(late, lag_ratio=0.1), FadeIn(note), run_time=1.5)
        self.moment("accuracy")
        self.settle(minimum=2)

    # ---------------------------------------------------------------------------------
    def draw_plane(self, stack: PositionalModel, view: SensePlane, trace: StackTrace, i: int
                   ) -> tuple[EmbeddingPlane, VGroup, list[StateMarks]]:
        """The sense plane with its two sense rays and a legend, and every state of the
        sentence in it: the plane, what stays in the back, and the marks of each state."""
        p = self.params
        xy = [view.coords(s).numpy() for s in trace.states]  # per state, (n, 2)
        sense_xy = np.stack([view.coords(pad(stack, stack.toy.embed(s))).numpy()
                             for s in p.senses])
        plane = EmbeddingPlane.fit(np.vstack(xy + [sense_xy * 0.5]), LEFT_SIDE.width, 5.6,
                                   margin=0.6)
        plane.set_x(LEFT_SIDE.x).to_edge(DOWN, buff=0.45)
        rays = VGroup(*[plane.sense_ray(d, s, THEME.sense(s))
                        for d, s in zip(sense_xy, p.senses, strict=True)])
        for ray in rays:  # arrow tags keep off the rays
            plane.labels.avoid_line(plane.origin, ray[0].get_end())
        marks = []
        for b, state in enumerate(xy):
            color = THEME.embedding if b == 0 else THEME.output
            others = [k for k in range(len(state)) if k != i]
            arrow = plane.arrow(state[i], color, width=4 if b else 3)
            marks.append(StateMarks(
                [plane.p(point) for point in state],
                VGroup(*[plane.dot(state[k], color, radius=0.045) for k in others]), arrow,
                plane.tip_label(arrow, "E" if b == 0 else f"block {b}", color, size=THEME.tiny)))
        legend = VGroup(label(f"arrows: {p.focus} (E, then after each block)", THEME.tiny,
                              THEME.output),
                        label("dots: the other words", THEME.tiny, THEME.muted))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        legend.next_to(plane.reference, UP, buff=0.15).align_to(plane.reference, LEFT)
        return plane, VGroup(rays, legend), marks

    def run_block(self, b: int, old: StateMarks, new: StateMarks, tokens: TokenRow, i: int,
                  column: VGroup, also: list) -> None:
        """Block b updates every position at once: all dots move together, the focus
        word gets a new arrow, and the previous ones stay, ghosted."""
        p = self.params
        trails = VGroup(*[Line(a, c, stroke_width=1.5, color=THEME.output, stroke_opacity=0.45)
                          for a, c in zip(old.points, new.points, strict=True)])
        flash = [tok.box.animate.set_stroke(THEME.output, 3) for tok in tokens]
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
        self.play(*flash, *also, run_time=0.5)
        self.play(ReplacementTransform(old.dots.copy(), new.dots),
                  old.dots.animate.set_opacity(0.3),
                  Create(trails),
                  GrowArrow(new.arrow), FadeIn(new.tag),
                  old.arrow.animate.set_opacity(0.3),
                  old.tag.animate.set_opacity(0.45),
                  FadeIn(column),
                  run_time=2)
        self.play(*[tok.box.animate.set_stroke(THEME.muted, 1.5) for tok in tokens],
                  tokens[i].box.animate.set_stroke(THEME.query, 3), run_time=0.4)
        if b > 0:
            self.settle()


def pad(stack: PositionalModel, vector: torch.Tensor) -> torch.Tensor:
    """A word-only vector (d_token numbers) padded with zeros on the position part."""
    return torch.cat([vector, vector.new_zeros(stack.d_model - stack.d_token)])


def sense_table(stack: PositionalModel, trace: StackTrace, i: int, p: DeeperParams
                ) -> ReadingsTable:
    """What the focus word reads as after each block (its own senses), the second word's
    chosen sense in its sentence, and the held-out accuracy per state in the last row."""
    senses = stack.toy.config.senses_of(p.focus) or p.senses
    readings = [stack.senses.read(state[i]) for state in trace.states]
    second = stack.run(p.second)
    j = second.position(p.second_focus)
    rows = [ReadingRow(f"{p.focus}: {s}", s, readings, THEME.sense(s)) for s in senses]
    rows.append(ReadingRow(f"{p.second_focus}: {p.second_sense}", p.second_sense,
                           [stack.senses.read(state[j]) for state in second.states],
                           THEME.sense(p.second_sense)))
    states = [("E", THEME.embedding)]
    states += [(f"block {b}", THEME.output) for b in range(1, len(trace.states))]
    accuracy = [label("accuracy, held-out", THEME.small, THEME.muted)]
    accuracy += [Percent(a, THEME.small, THEME.muted) for a in stack_accuracy(stack)]
    return ReadingsTable(rows, states, corner="reads as", extra=[accuracy], pitch=0.46,
                         col_gap=0.3)


def state_columns(rows: VGroup) -> list[VGroup]:
    """Each state's numbers in `rows`, left to right; the row names come with the first."""
    n_states = len(rows[0]) - 1
    columns = [VGroup(*[row[c + 1] for row in rows]) for c in range(n_states)]
    columns[0].add(*[row[0] for row in rows])
    return columns
