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
    DL,
    DOWN,
    DR,
    LEFT,
    RIGHT,
    UL,
    UR,
    Arrow,
    BackgroundRectangle,
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
    SAFE,
    STAGE,
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    Percent,
    ReadingRow,
    ReadingsTable,
    Region,
    TokenRow,
    at_top,
    compass,
    fit_width,
    label,
    overlaps,
    segment_markers,
)

# The plane is the picture: the stage's full height under the title and the line over
# the plane, and all the width the table beside it leaves (its numbers at >= 20 px).
PLANE_HEIGHT = 5.05
PLANE_WIDTH = 6.6


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
        title = at_top(label("Going deeper: block after block", THEME.heading))
        # the panel: everything right of the plane, under the title
        panel = Region(self.plane.get_right()[0] + 0.35, SAFE.right, STAGE.bottom,
                       title.get_bottom()[1] - 0.12)
        tokens = sentence_rows(trace.tokens, panel.width)
        tokens.move_to([panel.x, panel.top - tokens.height / 2, 0])
        tokens[i].highlight(THEME.query)
        rule = VGroup(label(f"each block:  x \u2190 x + attention(x),  "
                            f"{len(stack.layers[0].heads)} heads", THEME.small),
                      label("attention only here: real transformers also put an MLP",
                            THEME.tiny, THEME.muted),
                      label("after the attention in every block",
                            THEME.tiny, THEME.muted)).arrange(DOWN, buff=0.1)
        panel.fit(rule).next_to(tokens, DOWN, buff=0.25).set_x(panel.x)
        self.table = sense_table(stack, trace, i, p)
        panel.fit(self.table).next_to(rule, DOWN, buff=0.3).set_x(panel.x)
        n_main = len(self.table.read) - 1  # the focus word's senses; the second word is late
        late = VGroup(*self.table.reading_rows[n_main:], self.table.extra_rows)
        late.shift(DOWN * 0.15)  # the second word and the accuracy row come last, set apart
        columns = state_columns(self.table.reading_rows[:n_main])
        # over the plane, whose dots it is about: all of them move in every block
        parallel = VGroup(*[label(line, THEME.small, THEME.output) for line in (
            f"Each block updates all {len(trace.tokens)} positions at once:",
            "not a recurrent network: depth, not time.")]).arrange(DOWN, buff=0.1)
        fit_width(parallel, self.plane.width)
        parallel.move_to([self.plane.get_x(), (self.plane.get_top()[1] + panel.top) / 2, 0])

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
        note.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        panel.fit(note).next_to(self.table, DOWN, buff=0.2).align_to(self.table, LEFT)
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
        # the hero: as tall as the stage allows under the title and the line over it
        plane = EmbeddingPlane.fit(np.vstack(xy + [sense_xy * 0.5]), PLANE_WIDTH,
                                   PLANE_HEIGHT, margin=0.4)
        plane.move_to([SAFE.left + plane.width / 2, STAGE.bottom + plane.height / 2, 0])
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
        clear_of_arrows(plane, rays, marks)
        legend = VGroup(label(f"arrows: {p.focus}", THEME.tiny, THEME.output),
                        label("dots: the other words", THEME.tiny, THEME.muted))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        free_corner(legend, plane, drawn_on(marks, rays))
        legend.add_to_back(BackgroundRectangle(legend, color=THEME.background,
                                               fill_opacity=0.9, buff=0.08))
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


def sentence_rows(words: list[str], width: float) -> TokenRow:
    """The sentence as tokens at the smallest legible size, in as many rows as `width`
    needs (a row squeezed to fit would shrink its words below 20 px)."""
    tokens = TokenRow(words, size=THEME.tiny, max_width=float("inf"))
    rows = [VGroup()]
    for token in tokens:
        if len(rows[-1]) and VGroup(*rows[-1], token.copy()).arrange(RIGHT, buff=0.15
                                                                     ).width > width:
            rows.append(VGroup())
        rows[-1].add(token)
    VGroup(*[row.arrange(RIGHT, buff=0.15) for row in rows]).arrange(DOWN, buff=0.12)
    return tokens


def paths(marks: list[StateMarks]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every line the states draw: the focus word's arrows and every word's trail."""
    lines = [(m.arrow.get_start(), m.arrow.get_end()) for m in marks]
    return lines + [(a, b) for old, new in zip(marks, marks[1:], strict=False)
                    for a, b in zip(old.points, new.points, strict=True)]


def clear_of_arrows(plane: EmbeddingPlane, rays: VGroup, marks: list[StateMarks]) -> None:
    """A sense's name sits beyond its ray's end, where an arrow that reads as that sense
    points too: such a name moves to a free spot beside the end, clear of every arrow,
    trail and dot (the ray is drawn before the arrows, so it could not know)."""
    for a, b in paths(marks):
        plane.labels.avoid_line(a, b)
    plane.labels.avoid(*[d for m in marks for d in m.dots])
    lines = [seg for a, b in paths(marks) for seg in segment_markers(a, b)]
    for ray, tag in rays:
        if any(overlaps(tag, m) for m in lines):
            plane.labels.forget(tag)
            plane.labels.place(tag, ray.get_end(), preferred=compass(
                ray.get_end() - ray.get_start()))


def drawn_on(marks: list[StateMarks], rays: VGroup) -> list[Mobject]:
    """What a legend inside the plane must keep clear of: every state's dots, arrow and
    tag, the trails between states, and the sense rays with their names."""
    lines = paths(marks) + [(ray[0].get_start(), ray[0].get_end()) for ray in rays]
    return ([*[d for m in marks for d in m.dots], *[m.tag for m in marks],
             *[ray[1] for ray in rays]]
            + [seg for a, b in lines for seg in segment_markers(a, b)])


def free_corner(legend: Mobject, plane: EmbeddingPlane, drawn: list[Mobject]) -> Mobject:
    """Put `legend` in the corner of the plane where it covers least of what is drawn
    (the first free one: which corner is empty depends on the sentence and senses)."""
    def covered(corner: np.ndarray) -> int:
        legend.move_to(plane.reference.get_corner(corner) - corner * 0.15, aligned_edge=corner)
        return sum(overlaps(legend, m) for m in drawn)

    covered(min((DR, DL, UR, UL), key=covered))
    return legend


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
    # the widest name, set at the size of the headings: the table fits beside the plane
    accuracy = [label("accuracy, held-out", THEME.tiny, THEME.muted)]
    accuracy += [Percent(a, THEME.small, THEME.muted) for a in stack_accuracy(stack)]
    return ReadingsTable(rows, states, corner="reads as", extra=[accuracy], pitch=0.44,
                         col_gap=0.24)


def state_columns(rows: VGroup) -> list[VGroup]:
    """Each state's numbers in `rows`, left to right; the row names come with the first."""
    n_states = len(rows[0]) - 1
    columns = [VGroup(*[row[c + 1] for row in rows]) for c in range(n_states)]
    columns[0].add(*[row[0] for row in rows])
    return columns
