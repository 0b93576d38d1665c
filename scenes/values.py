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
    GrowArrow,
    Line,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
)

from attention_core import load_model
from scenes.kit import (
    THEME,
    AttentionGrid,
    EmbeddingPlane,
    ExplainerScene,
    Number,
    VectorColumn,
    formula,
    label,
)
from scenes.kit.table import Table


@dataclass(frozen=True)
class ValuesParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "apple released a new phone"
    first: str = "apple"  # worked through in detail
    second: str = "a"  # a second, quicker example: every position gets its own ΔE
    senses: tuple[str, str] = ("fruit", "tech")


class Values(ExplainerScene):
    name = "values"
    description = "Each word offers a value vector; each row of weights mixes them into its ΔE."
    key_moments = ("pattern_and_values", "mix_first", "mix_second", "every_position",
                   "updated")
    params = ValuesParams()

    def construct(self) -> None:
        p = self.params
        self.model = model = load_model()
        self.trace = trace = model.run(p.sentence)
        self.values = model.value_vectors(trace).numpy()  # (n, d_model), what each word offers

        title = label("Values: what each word offers", THEME.heading).to_edge(UP, buff=0.2)
        self.grid = AttentionGrid(trace.weights.numpy(), trace.tokens, trace.tokens,
                                  kind="weights", cell=0.5)
        self.grid.to_corner(UP + LEFT, buff=0.4).shift(DOWN * 0.45)
        self.value_cols = VGroup(*[column(v, THEME.value, f"v({w})")
                                   for w, v in zip(trace.tokens, self.values, strict=True)])
        self.value_cols.arrange(RIGHT, buff=0.42, aligned_edge=DOWN)
        self.value_cols.next_to(self.grid, RIGHT, buff=0.5)
        self.value_cols.align_to(self.grid.cells, DOWN).shift(UP * 0.1)
        d, d_v = model.head.w_v.shape  # (d_model, d_v)
        how = VGroup(formula(r"\vec{v}", "=", "E", r"\,W_V", r"\,W_O", size=THEME.body),
                     label(f"value-down ({d} \u2192 {d_v}), then value-up ({d_v} \u2192 {d}):",
                           THEME.tiny, THEME.muted),
                     label(f"{d} numbers, like E; details in a later clip", THEME.tiny,
                           THEME.muted))
        how[0][3].set_color(THEME.value)
        how.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        how.next_to(self.value_cols, DOWN, buff=0.3).align_to(self.value_cols, LEFT)

        self.narrate(f"The attention pattern of \u201c{p.sentence}\u201d: one row per word "
                     "asking (the query), each row of weights summing to 1 across the words.")
        self.play(FadeIn(title), FadeIn(self.grid, lag_ratio=0.02), run_time=2)
        self.settle()
        self.narrate("Weights alone change nothing. Each word also offers a value vector: its "
                     f"embedding sent down to {d_v} numbers by W_V and back up to {d} by W_O.")
        self.play(FadeIn(self.value_cols, lag_ratio=0.1), FadeIn(how), run_time=2)
        self.moment("pattern_and_values")
        self.settle()

        self.play(FadeOut(how))
        first = self.mix(trace.position(p.first), detailed=True)
        first.to_edge(DOWN, buff=0.3).to_edge(LEFT, buff=0.6)
        self.show_update(first, p.first)
        self.moment("mix_first")
        self.settle()

        second = self.mix(trace.position(p.second), detailed=False)
        second.to_edge(DOWN, buff=0.3).to_edge(RIGHT, buff=0.6)
        self.show_update(second, p.second)
        self.moment("mix_second")
        self.settle()

        self.every_position(first, second)
        self.updated_in_plane()

    # ---------------------------------------------------------------------------------
    def mix(self, i: int, detailed: bool) -> VGroup:
        """Row i of the pattern scales each value; their sum is ΔE_i. Returns the
        (not yet shown) E + ΔE = E′ group for position i."""
        word = self.trace.tokens[i]
        weights = self.trace.weights[i].numpy()
        if hasattr(self, "row_box"):
            self.play(FadeOut(self.row_box), FadeOut(self.weight_tags), FadeOut(self.plus),
                      FadeOut(self.sum_col), run_time=0.6)
        self.row_box = SurroundingRectangle(self.grid.row(i), color=THEME.highlight,
                                            buff=0.03, stroke_width=3)
        self.weight_tags = VGroup()
        for j, col in enumerate(self.value_cols):
            tag = VGroup(label("\u00d7", THEME.small, THEME.weight),
                         Number(float(weights[j]), 2, THEME.small, THEME.weight))
            tag.arrange(RIGHT, buff=0.05).next_to(col.title, UP, buff=0.12)
            self.weight_tags.add(tag)
        self.plus = VGroup(*[label("+", THEME.body, THEME.muted).move_to(
            (a.get_right() + b.get_left()) / 2 * [1, 0, 0] + a.entries.get_center() * [0, 1, 0])
            for a, b in zip(self.value_cols[:-1], self.value_cols[1:], strict=True)])
        delta = self.trace.delta[i].numpy()
        self.sum_col = column(delta, THEME.output, f"\u0394E({word})")
        equals = label("=", THEME.body, THEME.muted)
        equals.next_to(self.value_cols, RIGHT, buff=0.2).set_y(self.value_cols[0].entries.get_y())
        self.sum_col.next_to(equals, RIGHT, buff=0.2).align_to(self.value_cols, DOWN)
        self.sum_col = VGroup(equals, self.sum_col)

        if detailed:
            self.narrate(f"Take {word}'s row. Each weight scales the value vector of its word; "
                         f"added up, the scaled values are \u0394E for {word}.")
        else:
            self.narrate(f"The same for '{word}', a function word: its own row of weights, the "
                         "same value vectors, its own \u0394E.")
        run = 1.0 if detailed else 0.7
        self.play(Create(self.row_box), run_time=0.6 * run)
        flying = [self.grid.numbers[i][j].copy() for j in range(len(weights))]
        self.play(*[ReplacementTransform(f, tag) for f, tag in zip(flying, self.weight_tags,
                                                                      strict=True)],
                  run_time=1.5 * run)
        self.play(FadeIn(self.plus), FadeIn(self.sum_col, shift=LEFT * 0.3), run_time=1.2 * run)
        self.settle()
        return self.update_group(i)

    def update_group(self, i: int) -> VGroup:
        """E + ΔE = E′ for position i, as three columns: E stays, E′ is new."""
        word = self.trace.tokens[i]
        t = self.trace
        e = column(t.embeddings[i].numpy(), THEME.embedding, f"E({word})")
        d = column(t.delta[i].numpy(), THEME.output, f"\u0394E({word})")
        out = column(t.outputs[i].numpy(), THEME.output, f"E\u2032({word})")
        row = VGroup(e, label("+", THEME.body, THEME.muted), d,
                     label("=", THEME.body, THEME.muted), out)
        row.arrange(RIGHT, buff=0.2)
        for sign in (row[1], row[3]):
            sign.set_y(e.entries.get_y())
        group = VGroup(row)
        group.columns = (e, d, out)
        return group

    def show_update(self, group: VGroup, word: str) -> None:
        if hasattr(self, "kept_note"):
            self.narrate(f"Again E\u2032 = E + \u0394E is a new vector for '{word}', "
                         "and its embedding E stays as it was.")
        else:
            self.narrate(f"Added to {word}'s embedding E, \u0394E gives the new vector "
                         f"E\u2032 = E + \u0394E. E itself is kept, unchanged.")
        e, d, out = group.columns
        row = group[0]
        self.play(FadeIn(e), run_time=0.6)
        self.play(ReplacementTransform(self.sum_col[1].copy(), d), FadeIn(row[1]), run_time=1)
        self.play(FadeIn(row[3]), FadeIn(out, shift=RIGHT * 0.2), run_time=1)
        if not hasattr(self, "kept_note"):
            self.kept_note = VGroup(label("E stays as it was;", THEME.small, THEME.muted),
                                    label("E\u2032 is a new vector", THEME.small, THEME.output))
            self.kept_note.arrange(DOWN, buff=0.12).move_to([0.2, -2.6, 0])
            self.play(FadeIn(self.kept_note), run_time=0.6)

    def every_position(self, first: VGroup, second: VGroup) -> None:
        t = self.trace
        self.narrate("Every position does this at once: each row of the pattern mixes the same "
                     "value vectors into that word's own \u0394E, and every word gets its E\u2032.")
        deltas = VGroup(*[column(t.delta[i].numpy(), THEME.output, f"\u0394E({w})")
                          for i, w in enumerate(t.tokens)])
        deltas.arrange(RIGHT, buff=0.42, aligned_edge=DOWN)
        deltas.to_edge(DOWN, buff=0.3).to_edge(RIGHT, buff=0.6)
        rule = VGroup(formula(r"\Delta E_i", "=", r"\textstyle\sum_j", r"w_{ij}", r"\,\vec{v}_j",
                              size=THEME.body),
                      label("for every row i of the pattern", THEME.small, THEME.muted))
        rule[0][0].set_color(THEME.output)
        rule[0][3].set_color(THEME.weight)
        rule[0][4].set_color(THEME.value)
        rule.arrange(DOWN, buff=0.2).next_to(deltas, LEFT, buff=0.6)
        boxes = VGroup(*[SurroundingRectangle(self.grid.row(i), color=THEME.highlight,
                                              buff=0.03, stroke_width=2)
                         for i in range(len(t.tokens))])
        self.play(FadeOut(first), FadeOut(second), FadeOut(self.kept_note),
                  FadeOut(self.row_box), FadeOut(self.weight_tags), FadeOut(self.plus),
                  FadeOut(self.sum_col), run_time=0.8)
        self.play(FadeIn(boxes, lag_ratio=0.3), FadeIn(rule), run_time=1.5)
        self.play(FadeIn(deltas, lag_ratio=0.2), run_time=2)
        self.deltas = deltas
        self.moment("every_position")
        self.settle()
        self.play(FadeOut(boxes), FadeOut(rule), FadeOut(self.value_cols), FadeOut(deltas),
                  run_time=0.8)

    def updated_in_plane(self) -> None:
        """Every E (ghosted, kept) and every E′ = E + ΔE, in the fruit/tech plane."""
        p, t, model = self.params, self.trace, self.model
        view = model.plane(*p.senses)
        e_xy = view.coords(t.embeddings).numpy()
        out_xy = view.coords(t.outputs).numpy()
        sense_xy = np.stack([view.coords(model.embed(s)).numpy() for s in p.senses])
        self.plane = plane = EmbeddingPlane.fit(np.vstack([e_xy, out_xy, sense_xy]), 6.6, 6.9,
                                                margin=0.6)
        plane.to_edge(RIGHT, buff=0.5).to_edge(DOWN, buff=0.3)
        rays = VGroup(*[plane.sense_ray(xy, s, THEME.sense(s))
                        for xy, s in zip(sense_xy, p.senses, strict=True)])
        self.e_dots = VGroup(*[plane.dot(xy, THEME.embedding, radius=0.06).set_opacity(0.45)
                               for xy in e_xy])
        self.delta_arrows = VGroup(*[
            Arrow(plane.p(a), plane.p(b), buff=0.07, color=THEME.output, stroke_width=2,
                  tip_length=0.16, max_tip_length_to_length_ratio=0.5, stroke_opacity=0.5)
            for a, b in zip(e_xy, out_xy, strict=True)])
        self.out_dots = VGroup(*[plane.dot(xy, THEME.output, radius=0.07) for xy in out_xy])
        tags = callouts([d.get_center() for d in self.out_dots], t.tokens, THEME.output,
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
        self.readout = self.sense_table(p.senses[1])
        self.readout.next_to(self.grid.cells, DOWN, buff=0.5).align_to(self.grid, LEFT)
        self.readout.shift(RIGHT * 0.3)
        legend.next_to(self.readout, RIGHT, buff=0.6).align_to(self.readout, DOWN)
        sense = model.sense_of(t.outputs[0])
        self.narrate(f"In the {p.senses[0]}/{p.senses[1]} plane: every word's E stays where it "
                     f"was, and every word gets a new E\u2032 = E + \u0394E, here all pulled "
                     f"toward {sense}.")
        self.play(Create(plane.reference), FadeIn(rays), FadeIn(self.e_dots), FadeIn(legend),
                  run_time=1.5)
        self.play(*[GrowArrow(a) for a in self.delta_arrows], FadeIn(self.out_dots),
                  run_time=1.5)
        self.play(FadeIn(tags, lag_ratio=0.1), FadeIn(self.readout, lag_ratio=0.05), run_time=1)
        self.moment("updated")
        self.settle(minimum=2)

    def sense_table(self, sense: str) -> Table:
        """How strongly each word's E and E′ read as `sense` (the model's topic softmax)."""
        t, model = self.trace, self.model
        k = model.topics.index(sense)
        before = model.sense_probabilities(t.embeddings)[:, k].tolist()
        after = model.sense_probabilities(t.outputs)[:, k].tolist()
        rows = [[label(f"reads as {sense}", THEME.tiny, THEME.sense(sense)),
                 label("E", THEME.tiny, THEME.embedding),
                 label("E\u2032", THEME.tiny, THEME.output)]]
        for word, b, a in zip(t.tokens, before, after, strict=True):
            rows.append([label(word, THEME.small), Number(b, 2, THEME.small, THEME.muted),
                         Number(a, 2, THEME.small, THEME.output)])
        return Table(rows, pitch=0.36, col_gap=0.5, align=["left", "right", "right"])


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
