"""Values: each word offers a value vector; each row of weights mixes them into a ΔE.

Script: the attention pattern of "apple released a new phone" (weights, rows =
queries) sits beside the value vector each word offers (v = E·W_V·W_O: value
down to 2 numbers, then value up to 8; the details wait for a later clip). Row
by row, the weights scale the values and their sum is that position's ΔE:
first for apple, then for the function word "a", then for every position at
once. Each E′ = E + ΔE is a new vector; E stays as it was. Every number comes
from `load_model().run(sentence)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowArrow,
    Line,
    Mobject,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
)

from attention_core import load_model
from attention_core.model import SentenceTrace, ToyModel
from scenes.kit import (
    PANEL,
    STAGE,
    THEME,
    AttentionGrid,
    EmbeddingPlane,
    ExplainerScene,
    Number,
    Region,
    Table,
    VectorColumn,
    at_top,
    formula,
    label,
)


@dataclass(frozen=True)
class ValuesParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "apple released a new phone"
    first: str = "apple"  # worked through in detail
    second: str = "a"  # a second, quicker example: every position gets its own ΔE
    senses: tuple[str, str] = ("fruit", "tech")


FORMULA = 31  # LaTeX size whose sub/superscripts draw >= 20 px at 1080p (body 26: 17 px)
GAP = 0.2  # between the grid and the values beside it
SIGN_GAP = 0.15  # either side of the "=" before a row's ΔE
FLOOR = STAGE.bottom + 0.03  # the bottom rows stand here, just above the captions' band

class Values(ExplainerScene):
    name = "values"
    description = "Each word offers a value vector; each row of weights mixes them into its ΔE."
    key_moments = ("pattern_and_values", "mix_first", "mix_second", "every_position",
                   "updated")
    params = ValuesParams()

    def construct(self) -> None:
        p = self.params
        model = load_model()
        trace = model.run(p.sentence)
        grid, offered = self.pattern_and_values(model, trace)

        i = trace.position(p.first)
        self.narrate(f"Take {p.first}'s row. Each weight scales the value vector of its word; "
                     f"added up, the scaled values are \u0394E for {p.first}.")
        mixing = self.mix(RowMix(grid, offered, trace, i))
        # under the grid, clear of the foot of its turned row title
        first = on_floor(UpdateRow(trace, i), LEFT, inset=grid.titles[0].width + 0.25)
        self.narrate(f"Added to {p.first}'s embedding E, \u0394E gives the new vector "
                     "E\u2032 = E + \u0394E. E itself is kept, unchanged.")
        self.show_update(first, mixing)
        kept = VGroup(label("E stays as it was;", THEME.small, THEME.muted),
                      label("E\u2032 is a new vector", THEME.small, THEME.output))
        kept.arrange(DOWN, buff=0.12)
        kept.move_to([STAGE.x, first.e.entries.get_y(), 0])
        self.play(FadeIn(kept), run_time=0.6)
        self.moment("mix_first")
        self.settle()

        j = trace.position(p.second)
        self.play(FadeOut(mixing), run_time=0.6)
        self.narrate(f"The same for '{p.second}', a function word: its own row of weights, the "
                     "same value vectors, its own \u0394E.")
        mixing = self.mix(RowMix(grid, offered, trace, j))
        second = on_floor(UpdateRow(trace, j), RIGHT)
        self.narrate(f"Again E\u2032 = E + \u0394E is a new vector for '{p.second}', "
                     "and its embedding E stays as it was.")
        self.show_update(second, mixing)
        self.moment("mix_second")
        self.settle()

        self.every_position(trace, grid, offered, done=VGroup(first, second, kept, mixing))
        self.updated_in_plane(model, trace, grid)

    # ---------------------------------------------------------------------------------
    def pattern_and_values(self, model: ToyModel, trace: SentenceTrace
                           ) -> tuple[AttentionGrid, VGroup]:
        """The pattern (rows = queries), and beside it the value vector each word offers."""
        grid = AttentionGrid(trace.weights.numpy(), trace.tokens, trace.tokens,
                             kind="weights", cell=0.5)
        # The grid is the hero: the full height of the stage's left side, from the top of
        # the safe area (the title sits over the right side, beside the grid's key words).
        grid.move_to([STAGE.left + grid.width / 2, STAGE.top - 0.02 - grid.height / 2, 0])
        right = Region(grid.get_right()[0] + GAP, STAGE.right, STAGE.bottom, STAGE.top)
        title = at_top(label("Values: what each word offers", THEME.heading), x=right.x)
        offered = VGroup(*[column(v, THEME.value, f"v({w})") for w, v in
                           zip(trace.tokens, model.value_vectors(trace).numpy(), strict=True)])
        p = self.params
        widest_delta = max(column(trace.delta[i].numpy(), THEME.output, f"\u0394E({w})").width
                           for w in (p.first, p.second) for i in [trace.position(w)])
        reserve = 2 * SIGN_GAP + label("=", THEME.body).width + widest_delta  # "= ΔE"
        lay_row(offered, right.width, reserve)
        offered.next_to(title, DOWN, buff=0.55).align_to([right.left, 0, 0], LEFT)
        d, d_v = model.head.w_v.shape  # (d_model, d_v)
        how = VGroup(formula(r"\vec{v}", "=", "E", r"\,W_V", r"\,W_O", size=FORMULA),
                     label(f"value-down ({d} \u2192 {d_v}), then value-up ({d_v} \u2192 {d}):",
                           THEME.small, THEME.muted),
                     label(f"{d} numbers, like E; details in a later clip", THEME.small,
                           THEME.muted))
        how[0][3].set_color(THEME.value)
        how.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        # in the room under the values that E + ΔE = E′ will take (it fades before them)
        how.move_to([right.x, (offered.get_bottom()[1] + FLOOR) / 2, 0])

        self.narrate(f"The attention pattern of \u201c{p.sentence}\u201d: one row per word "
                     "asking (the query), each row of weights summing to 1 across the words.",
                     spoken=f"The attention pattern of the sentence {p.sentence}: one row for "
                            "each word that asks, its query, and each row of weights sums to 1 "
                            "across the words.")
        self.title = title
        self.play(FadeIn(title), FadeIn(grid, lag_ratio=0.02), run_time=2)
        self.settle()
        self.narrate("Weights alone change nothing. Each word also offers a value vector: its "
                     f"embedding sent down to {d_v} numbers by W_V and back up to {d} by W_O.",
                     spoken="Weights alone change nothing. Each word also offers a value "
                            f"vector: its embedding sent down to {d_v} numbers by the value-down "
                            f"matrix, and back up to {d} by the value-up matrix.")
        self.play(FadeIn(offered, lag_ratio=0.1), FadeIn(how), run_time=2)
        self.moment("pattern_and_values")
        self.settle()
        self.play(FadeOut(how))
        return grid, offered

    def mix(self, mixing: RowMix) -> RowMix:
        """The row lights up, its weights fly onto the values they scale, the sum appears."""
        grid, i = mixing.grid, mixing.i
        self.play(Create(mixing.box), run_time=0.6)
        flying = [grid.numbers[i][j].copy() for j in range(len(mixing.tags))]
        self.play(*[FadeTransform(f, tag) for f, tag in zip(flying, mixing.tags,
                                                                      strict=True)],
                  run_time=1.5)
        self.play(FadeIn(mixing.plus), FadeIn(mixing.total, shift=LEFT * 0.3), run_time=1.2)
        self.settle()
        return mixing

    def show_update(self, update: UpdateRow, mixing: RowMix) -> None:
        """E, then ΔE (from the sum just made), then E′ = E + ΔE beside them."""
        self.play(FadeIn(update.e), run_time=0.6)
        self.play(ReplacementTransform(mixing.delta.copy(), update.delta),
                  FadeIn(update.plus), run_time=1)
        self.play(FadeIn(update.equals), FadeIn(update.out, shift=RIGHT * 0.2), run_time=1)

    def every_position(self, trace: SentenceTrace, grid: AttentionGrid, offered: VGroup,
                       done: VGroup) -> None:
        self.narrate("Every position does this at once: each row of the pattern mixes the same "
                     "value vectors into that word's own \u0394E, and every word gets its E\u2032.")
        deltas = VGroup(*[column(trace.delta[i].numpy(), THEME.output, f"\u0394E({w})")
                          for i, w in enumerate(trace.tokens)])
        deltas.arrange(RIGHT, buff=0.42, aligned_edge=DOWN)
        on_floor(deltas, RIGHT)
        rule = VGroup(formula(r"\Delta E_i", "=", r"\textstyle\sum_j", r"w_{ij}",
                              r"\,\vec{v}_j", size=FORMULA),
                      label("for every row i of the pattern", THEME.small, THEME.muted))
        rule[0][0].set_color(THEME.output)
        rule[0][3].set_color(THEME.weight)
        rule[0][4].set_color(THEME.value)
        rule.arrange(DOWN, buff=0.2).next_to(deltas, LEFT, buff=0.6)
        rule.set_x((STAGE.left + deltas.get_left()[0]) / 2)  # under the grid
        boxes = VGroup(*[SurroundingRectangle(grid.row(i), color=THEME.highlight,
                                              buff=0.03, stroke_width=2)
                         for i in range(len(trace.tokens))])
        self.play(FadeOut(done), run_time=0.8)
        self.play(FadeIn(boxes, lag_ratio=0.3), FadeIn(rule), run_time=1.5)
        self.play(FadeIn(deltas, lag_ratio=0.2), run_time=2)
        self.moment("every_position")
        self.settle()
        self.play(FadeOut(boxes), FadeOut(rule), FadeOut(offered), FadeOut(deltas),
                  run_time=0.8)

    def updated_in_plane(self, model: ToyModel, trace: SentenceTrace,
                         grid: AttentionGrid) -> None:
        """Every E (ghosted, kept) and every E′ = E + ΔE, in the fruit/tech plane."""
        p = self.params
        view = model.plane(*p.senses)
        e_xy = view.coords(trace.embeddings).numpy()
        out_xy = view.coords(trace.outputs).numpy()
        sense_xy = np.stack([view.coords(model.embed(s)).numpy() for s in p.senses])
        top = self.title.get_bottom()[1] - 0.1  # the plane stands under the title
        self.plane = plane = EmbeddingPlane.fit(np.vstack([e_xy, out_xy, sense_xy]),
                                                PANEL.width, top - FLOOR, margin=0.6)
        plane.shift((FLOOR - plane.get_bottom()[1]) * UP)
        plane.align_to([PANEL.right, 0, 0], RIGHT)
        rays = VGroup(*[plane.sense_ray(xy, s, THEME.sense(s))
                        for xy, s in zip(sense_xy, p.senses, strict=True)])
        self.e_dots = VGroup(*[plane.dot(xy, THEME.embedding, radius=0.06).set_opacity(0.45)
                               for xy in e_xy])
        self.delta_arrows = VGroup(*[
            Arrow(plane.p(a), plane.p(b), buff=0.07, color=THEME.output, stroke_width=2,
                  tip_length=0.16, max_tip_length_to_length_ratio=0.5, stroke_opacity=0.5)
            for a, b in zip(e_xy, out_xy, strict=True)])
        self.out_dots = VGroup(*[plane.dot(xy, THEME.output, radius=0.07) for xy in out_xy])
        tags = callouts([d.get_center() for d in self.out_dots], trace.tokens, THEME.output,
                        left_x=plane.p((out_xy[:, 0].min(), 0))[0] - 0.4,
                        right_x=plane.p((out_xy[:, 0].max(), 0))[0] + 0.4)
        legend = VGroup(
            VGroup(Dot(radius=0.06, color=THEME.embedding).set_opacity(0.45),
                   label("E: embedding, unchanged", THEME.tiny, THEME.muted)),
            VGroup(Dot(radius=0.07, color=THEME.output),
                   label("E\u2032 = E + \u0394E: new", THEME.tiny, THEME.output)))
        for row in legend:
            row.arrange(RIGHT, buff=0.15)
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        table = sense_table(model, trace, p.senses[1])
        table.next_to(grid.cells, DOWN, buff=0.35).align_to(grid, LEFT).shift(RIGHT * 0.3)
        # the key to the plane, beside it at mid-height, in the room between grid and plane
        legend.next_to(plane, LEFT, buff=0.4)
        sense = model.senses.read(trace.outputs[0]).best
        self.narrate(f"In the {p.senses[0]}/{p.senses[1]} plane: every word's E stays where it "
                     f"was, and every word gets a new E\u2032 = E + \u0394E, here all pulled "
                     f"toward {sense}.")
        self.play(Create(plane.reference), FadeIn(rays), FadeIn(self.e_dots), FadeIn(legend),
                  run_time=1.5)
        self.play(*[GrowArrow(a) for a in self.delta_arrows], FadeIn(self.out_dots),
                  run_time=1.5)
        self.play(FadeIn(tags, lag_ratio=0.1), FadeIn(table, lag_ratio=0.05), run_time=1)
        self.moment("updated")
        self.settle(minimum=2)


class RowMix(VGroup):
    """Row i of the pattern at work: a box round the row, each weight w_ij over the value
    v_j it scales, + between the values, and = ΔE_i after them."""

    def __init__(self, grid: AttentionGrid, offered: VGroup, trace: SentenceTrace, i: int):
        super().__init__()
        self.grid, self.i = grid, i
        self.box = SurroundingRectangle(grid.row(i), color=THEME.highlight, buff=0.03,
                                        stroke_width=3)
        self.tags = VGroup()
        for w, col in zip(trace.weights[i].tolist(), offered, strict=True):
            tag = VGroup(label("\u00d7", THEME.small, THEME.weight),
                         Number(w, 2, THEME.small, THEME.weight))
            self.tags.add(tag.arrange(RIGHT, buff=0.05).next_to(col.title, UP, buff=0.12))
        # each "+" halfway between two columns' brackets (a wide title may hang over), a
        # size smaller than E + ΔE's: five columns and their "= ΔE" share the grid's side
        self.plus = VGroup(*[label("+", THEME.small, THEME.muted).move_to(
            [(a.right_bracket.get_right()[0] + b.left_bracket.get_left()[0]) / 2,
             a.entries.get_y(), 0])
            for a, b in zip(offered[:-1], offered[1:], strict=True)])
        equals = label("=", THEME.body, THEME.muted)
        equals.next_to(offered, RIGHT, buff=SIGN_GAP).set_y(offered[0].entries.get_y())
        self.delta = column(trace.delta[i].numpy(), THEME.output,
                            f"\u0394E({trace.tokens[i]})")
        self.delta.next_to(equals, RIGHT, buff=SIGN_GAP).align_to(offered, DOWN)
        self.total = VGroup(equals, self.delta)
        self.add(self.box, self.tags, self.plus, self.total)


class UpdateRow(VGroup):
    """E + ΔE = E′ for position i, as three columns: E stays, E′ is new."""

    def __init__(self, trace: SentenceTrace, i: int):
        super().__init__()
        word = trace.tokens[i]
        self.e = column(trace.embeddings[i].numpy(), THEME.embedding, f"E({word})")
        self.plus = label("+", THEME.body, THEME.muted)
        self.delta = column(trace.delta[i].numpy(), THEME.output, f"\u0394E({word})")
        self.equals = label("=", THEME.body, THEME.muted)
        self.out = column(trace.outputs[i].numpy(), THEME.output, f"E\u2032({word})")
        self.add(self.e, self.plus, self.delta, self.equals, self.out)
        self.arrange(RIGHT, buff=0.2)
        for sign in (self.plus, self.equals):
            sign.set_y(self.e.entries.get_y())


def sense_table(model: ToyModel, trace: SentenceTrace, sense: str) -> Table:
    """How strongly each word's E and E′ read as `sense`, from the model's read-out."""
    rows = [[label(f"reads as {sense}", THEME.tiny, THEME.sense(sense)),
             label("E", THEME.tiny, THEME.embedding),
             label("E\u2032", THEME.tiny, THEME.output)]]
    for word, e, out in zip(trace.tokens, trace.embeddings, trace.outputs, strict=True):
        rows.append([label(word, THEME.small),
                     Number(model.senses.read(e).of(sense), 2, THEME.small, THEME.muted),
                     Number(model.senses.read(out).of(sense), 2, THEME.small, THEME.output)])
    return Table(rows, pitch=0.36, col_gap=0.5, align=["left", "right", "right"])


def on_floor(m: Mobject, side: np.ndarray, inset: float = 0.0) -> Mobject:
    """Stand `m` on the stage's floor (just above the captions' band) at its left or right
    edge, `inset` in from it: the update rows and the ΔE row live there, under the grid
    and the values."""
    m.shift((FLOOR - m.get_bottom()[1]) * UP)
    edge = STAGE.left + inset if side[0] < 0 else STAGE.right - inset
    return m.shift((edge - m.get_edge_center(side)[0]) * RIGHT)


def lay_row(columns: VGroup, width: float, reserve: float, most: float = 0.5) -> VGroup:
    """Set the value columns side by side with one gap between each pair of brackets, so
    every "+" gets the same room: as wide as `most`, narrower when the columns, and the
    `reserve` after them ("= ΔE"), would not fit `width` otherwise (0.38 for the default
    sentence: a small "+" is 0.17 wide). A title wider than its column (v(released)) hangs
    0.12 over the gap, still 0.3 clear of its neighbour's."""
    bodies = [VGroup(c.left_bracket, c.entries, c.right_bracket) for c in columns]
    hang = [max(0.0, (c.width - b.width) / 2) for c, b in zip(columns, bodies, strict=True)]
    free = width - reserve - sum(b.width for b in bodies) - hang[0] - hang[-1]
    gap = min(most, free / max(len(columns) - 1, 1))
    x = 0.0
    for c, b in zip(columns, bodies, strict=True):
        c.shift((x - b.get_left()[0]) * RIGHT).align_to(columns[0], DOWN)
        x = b.get_right()[0] + gap
    return columns


def column(values: np.ndarray, color: str, title: str) -> VectorColumn:
    """A compact VectorColumn (tight rows, small title) so six fit beside the grid."""
    col = VectorColumn(values, color, buff=0.05)
    col.title = label(title, THEME.tiny, color).next_to(col, UP, 0.1)
    col.add(col.title)
    return col


def callouts(points: list[np.ndarray], words: list[str], color: str, left_x: float,
             right_x: float, gap: float = 0.36) -> VGroup:
    """Labels in two columns beside a cluster: points left of the cluster's middle are
    labelled at `left_x` (right-aligned), the others at `right_x`; each label sits at its
    point's height (spread `gap` apart) and a thin leader line joins the two."""
    middle = float(np.mean([pt[0] for pt in points]))
    group = VGroup()
    for side in (-1, 1):
        mine = [i for i, pt in enumerate(points) if (pt[0] < middle) == (side < 0)]
        y = np.inf
        for i in sorted(mine, key=lambda i: -points[i][1]):
            y = min(points[i][1], y - gap)
            tag = label(words[i], THEME.tiny, color)
            if side < 0:
                tag.move_to([left_x, y, 0], aligned_edge=RIGHT)
                end = tag.get_right()
            else:
                tag.move_to([right_x, y, 0], aligned_edge=LEFT)
                end = tag.get_left()
            lead = Line(points[i], end, stroke_width=1, color=color, stroke_opacity=0.6,
                        buff=0.1)
            group.add(VGroup(tag, lead))
    return group
