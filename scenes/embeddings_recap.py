"""Recap on embeddings: words are vectors, directions carry meaning, dot products compare.

Script: a few words and their real 8-number embeddings; the same token gets the
same vector in any sentence; the fruit/tech plane shows similar words close
together (and says honestly how much of each 8-D vector the flat view keeps);
the dot product and cosine of real pairs, computed in all 8 dimensions, next to
the misleading cosine one would read off the picture; and the fruit − tech
direction, with words ordered by their projection onto it.
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
    DashedLine,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    Rectangle,
    VGroup,
    Write,
)

from attention_core import load_model
from attention_core.costs import GPT3
from attention_core.similarity import cosine, dot, projection
from scenes.kit import (
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    Number,
    TokenRow,
    VectorColumn,
    WordToken,
    fmt,
    fmt_int,
    formula,
    label,
    segment_markers,
)

PANEL_X = 3.75  # centre of the right-hand panel beside the plane


@dataclass(frozen=True)
class RecapParams:
    words: tuple[str, ...] = ("apple", "orange", "banana", "phone", "laptop")
    sentences: tuple[str, str] = ("buy an apple and an orange", "apple released a new phone")
    same: str = "apple"  # the token shown with one vector in both sentences
    senses: tuple[str, str] = ("fruit", "tech")
    plane_words: tuple[str, ...] = ("orange", "banana", "pear", "apple", "phone", "laptop",
                                    "software", "computer")
    pair: tuple[str, str, str] = ("orange", "banana", "phone")  # a·b vs a·c
    ranked: tuple[str, ...] = ("pear", "banana", "orange", "apple", "phone", "computer",
                               "software", "laptop")  # words on the plane, so one can compare


class EmbeddingsRecap(ExplainerScene):
    name = "embeddings_recap"
    description = "Recap: words as vectors, similar words close, dot product, directions."
    key_moments = ("words_as_vectors", "same_token", "plane", "dot_product", "direction")
    params = RecapParams()

    def construct(self) -> None:
        p = self.params
        self.model = model = load_model()
        self.view = model.plane(*p.senses)
        self.words_as_vectors()
        self.same_token()
        self.similar_words_close()
        self.dot_product()
        self.meaningful_direction()

    # ---- 1. a token is a row of the embedding table ---------------------------------------
    def words_as_vectors(self) -> None:
        p = self.params
        self.title = label("Recap: words as vectors", THEME.heading).to_edge(UP, buff=0.25)
        self.columns = VGroup()
        for k, word in enumerate(p.words):
            token = WordToken(word, THEME.body)
            column = VectorColumn(self.model.embed(word).tolist(), THEME.embedding)
            column.next_to(token, DOWN, buff=0.3)
            self.columns.add(VGroup(token, column).move_to(
                [(k - (len(p.words) - 1) / 2) * 2.4, 0.3, 0]))
        note = label(f"{self.model.d_model} numbers per word in this toy model; "
                     f"GPT-3 uses {fmt_int(GPT3['d_model'])}", THEME.small, THEME.muted)
        note.next_to(self.columns, DOWN, buff=0.5)
        self.narrate("A language model turns each token into a vector: its row of the "
                     f"embedding table. Here every word is {self.model.d_model} learned numbers.")
        self.play(FadeIn(self.title))
        self.play(FadeIn(self.columns, lag_ratio=0.15), run_time=2.5)
        self.play(FadeIn(note))
        self.moment("words_as_vectors")
        self.wait(3)
        self.play(FadeOut(self.columns), FadeOut(note))

    # ---- 2. identical tokens, identical vectors --------------------------------------------
    def same_token(self) -> None:
        p = self.params
        self.same_columns = VGroup()
        halves = VGroup()
        for k, sentence in enumerate(p.sentences):
            trace = self.model.run(sentence)
            i = trace.position(p.same)
            row = TokenRow(trace.tokens, size=THEME.small, max_width=5.6)
            row[i].highlight(THEME.embedding)
            column = VectorColumn(trace.embeddings[i].tolist(), THEME.embedding,
                                  f"{p.same}'s vector here")
            column.next_to(row[i], DOWN, buff=0.5)
            self.same_columns.add(column)
            halves.add(VGroup(row, column).move_to([(2 * k - 1) * 3.4, 0.2, 0]))
        equals = label("=", THEME.title).move_to(
            (self.same_columns[0].entries.get_center() + self.same_columns[1].entries
             .get_center()) / 2)
        self.narrate(f"The table has one row per token, so '{p.same}' starts as the very same "
                     "vector in every sentence, whatever the words around it.")
        self.play(FadeIn(halves, lag_ratio=0.2), run_time=2)
        self.play(Write(equals))
        self.moment("same_token")
        self.wait(3)
        self.play(FadeOut(halves), FadeOut(equals), FadeOut(self.title))

    # ---- 3. similar words sit close, in a flat view of 8-D ----------------------------------
    def similar_words_close(self) -> None:
        p, view = self.params, self.view
        self.plane_xy = {w: self.view.coords(self.model.embed(w)).numpy() for w in p.plane_words}
        self.direction = self.model.embed(p.senses[0]) - self.model.embed(p.senses[1])
        d_xy = view.coords(self.direction).numpy()
        pts = np.vstack(list(self.plane_xy.values()))
        self.plane = plane = EmbeddingPlane.fit(pts, 6.3, 6.9, margin=0.3)
        plane.to_edge(LEFT, buff=0.35).to_edge(DOWN, buff=0.3)
        # the fruit − tech line crosses the whole plane; labels keep off it and off the arrows
        reach = min(abs(plane.x_range[0] / d_xy[0]), abs(plane.y_range[0] / d_xy[1]),
                    abs(plane.x_range[1] / d_xy[0]), abs(plane.y_range[1] / d_xy[1])) * 0.95
        self.axis_ends = (-reach * d_xy, reach * d_xy)
        keep_clear = segment_markers(plane.p(self.axis_ends[0]), plane.p(self.axis_ends[1]), 30)
        for w in p.pair:
            keep_clear += segment_markers(plane.origin, plane.p(self.plane_xy[w]), 8)
        rays = VGroup(*[plane.sense_ray(view.coords(self.model.embed(s)).numpy(), s,
                                        THEME.sense(s)) for s in p.senses])
        self.marks = plane.word_points(list(self.plane_xy), pts, self.color_of,
                                       avoid=[r[1] for r in rays] + keep_clear)
        shares = {w: float(view.share_kept(self.model.embed(w))) for w in p.pair + (p.same,)}
        self.share_rows = VGroup(*[VGroup(label(w, THEME.small, self.color_of(w)),
                                          Number(100 * s, 0, THEME.small), label("%", THEME.small))
                                   for w, s in shares.items()])
        for row in self.share_rows:
            row[1].next_to(row[0], RIGHT, buff=0.25)
            row[2].next_to(row[1], RIGHT, buff=0.05)
        self.share_rows.arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        self.panel = VGroup(
            label("Similar words sit close", THEME.heading),
            label(f"A flat view of the {self.model.d_model}-D space: the plane",
                  THEME.small, THEME.muted),
            label(f"through the '{p.senses[0]}' and '{p.senses[1]}' embeddings.", THEME.small,
                  THEME.muted),
            label("How much of each vector the view shows", THEME.small),
            label("(its share of the squared length):", THEME.small),
            self.share_rows,
        ).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
        self.panel[3].shift(DOWN * 0.25)
        self.panel[4:].shift(DOWN * 0.25)
        self.panel.move_to([PANEL_X, 0.6, 0])
        self.narrate("Words used alike get similar vectors. Seen in the plane of the fruit and "
                     "tech directions, fruits cluster on one side and tech words on the other.")
        self.play(Create(plane.reference), run_time=1.5)
        self.play(FadeIn(rays, lag_ratio=0.3), FadeIn(self.marks, lag_ratio=0.08), run_time=2.5)
        self.play(FadeIn(self.panel[:3]))
        self.wait(3.5)
        self.narrate("But this is a projection of 8 dimensions onto 2: the view keeps only part "
                     "of each vector. What looks close here need not be close in full.")
        self.play(FadeIn(self.panel[3:], lag_ratio=0.1), run_time=1.5)
        self.moment("plane")
        self.wait(7.5)
        self.rays = rays

    def color_of(self, word: str) -> str:
        """A word's sense colour when the model reads it clearly, neutral when torn."""
        probs = self.model.sense_probabilities(self.model.embed(word))
        if float(probs.max()) < 0.6:
            return THEME.embedding
        return THEME.sense(self.model.sense_of(self.model.embed(word)))

    # ---- 4. dot product and cosine, computed in 8-D -----------------------------------------
    def dot_product(self) -> None:
        a, b, c = self.params.pair
        plane = self.plane
        e = {w: self.model.embed(w) for w in (a, b, c)}
        self.pair_arrows = VGroup(*[plane.arrow(self.plane_xy[w], self.color_of(w), width=4)
                                    for w in (a, b, c)])
        rule = formula(r"\cos(a,b) = \frac{a \cdot b}{|a|\,|b|}", size=THEME.body)
        self.pair_columns = VGroup(*[VectorColumn(e[w].tolist(), self.color_of(w), w)
                                     for w in (a, b, c)]).arrange(RIGHT, buff=0.55)
        self.similarities = VGroup()
        for x, y in ((a, b), (a, c)):
            self.similarities.add(VGroup(
                label(f"{x} \u00b7 {y} =", THEME.small), Number(float(dot(e[x], e[y])), 2),
                label("  cos =", THEME.small, THEME.muted),
                Number(float(cosine(e[x], e[y])), 2)).arrange(RIGHT, buff=0.15))
        self.similarities.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        flat = float(cosine(torch.as_tensor(self.plane_xy[a]), torch.as_tensor(self.plane_xy[b])))
        true = float(cosine(e[a], e[b]))
        warning = VGroup(
            label(f"cos({a}, {b})", THEME.small),
            VGroup(label("read off the flat picture:", THEME.small, THEME.muted),
                   Number(flat, 2, THEME.small, THEME.muted)).arrange(RIGHT, buff=0.15),
            VGroup(label(f"computed in all {self.model.d_model} dimensions:", THEME.small),
                   Number(true, 2, THEME.small)).arrange(RIGHT, buff=0.15),
        ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        warning[1:].shift(RIGHT * 0.3)
        right = VGroup(rule, self.pair_columns, self.similarities, warning)
        right.arrange(DOWN, buff=0.35).move_to([PANEL_X, -0.1, 0])
        ab, ac = float(dot(e[a], e[b])), float(dot(e[a], e[c]))
        self.narrate(f"The dot product multiplies matching entries and adds them up: "
                     f"{a}\u00b7{b} is {fmt(ab)}, {a}\u00b7{c} is {fmt(ac)}. Aligned vectors "
                     "give a large positive number.")
        self.play(FadeOut(self.panel), *[GrowArrow(arr) for arr in self.pair_arrows])
        self.play(FadeIn(self.pair_columns, lag_ratio=0.15), run_time=1.5)
        self.play(FadeIn(self.similarities[0][:2]), FadeIn(self.similarities[1][:2]),
                  run_time=1.5)
        self.wait(3.5)
        self.narrate("Cosine similarity divides out the lengths: 1 means the same direction, "
                     "0 unrelated, \u22121 opposite.")
        self.play(Write(rule), FadeIn(self.similarities[0][2:]),
                  FadeIn(self.similarities[1][2:]), run_time=1.5)
        self.wait(3.5)
        looks = "more" if flat > true else "less"
        self.narrate(f"Careful: the flat view makes {a} and {b} look {looks} aligned than they "
                     f"are. Compute cosines in all {self.model.d_model} dimensions, never from "
                     "the picture.")
        self.play(FadeIn(warning), run_time=1)
        self.moment("dot_product")
        self.wait(5.5)
        self.play(FadeOut(right), FadeOut(self.pair_arrows))

    # ---- 5. a direction that carries meaning -------------------------------------------------
    def meaningful_direction(self) -> None:
        p, plane = self.params, self.plane
        start, end = self.axis_ends
        axis = DashedLine(plane.p(start), plane.p(end), color=THEME.highlight, stroke_width=2.5,
                          dash_length=0.12)
        axis.add_tip(tip_length=0.22, tip_width=0.18)
        axis_tag = label(f"{p.senses[0]} \u2212 {p.senses[1]}", THEME.small, THEME.highlight)
        axis_tag.next_to(plane.p(end), DOWN, buff=0.1).shift(LEFT * 0.4)
        values = projection(torch.stack([self.model.embed(w) for w in p.ranked]),
                            self.direction)
        order = torch.argsort(values, descending=True, stable=True).tolist()
        self.ranking = [(p.ranked[k], float(values[k])) for k in order]
        self.rank_rows, zero = self.ranking_bars(self.ranking)
        ranked = VGroup(zero, self.rank_rows)
        heading = label(f"Along {p.senses[0]} \u2212 {p.senses[1]}", THEME.heading)
        heading.next_to(self.rank_rows, UP, buff=0.35).set_x(PANEL_X)
        note = VGroup(label(f"{p.senses[0]} \u2212 {p.senses[1]} lies in the plane, so the",
                            THEME.small, THEME.muted),
                      label("picture shows these projections exactly", THEME.small,
                            THEME.muted)).arrange(DOWN, buff=0.1)
        note.next_to(self.rank_rows, DOWN, buff=0.3)
        note.set_x(PANEL_X)
        self.narrate(f"Directions carry meaning. Subtract the {p.senses[1]} embedding from the "
                     f"{p.senses[0]} one: the difference points from tech toward fruit.")
        self.play(Create(axis), FadeIn(axis_tag), run_time=2)
        self.play(FadeIn(heading))
        self.wait(3)
        self.narrate("Project each word onto that direction (a dot product with the unit "
                     "vector) and the words line up by meaning, fruits at one end, tech at the "
                     f"other, '{p.same}' in between.")
        self.play(FadeIn(ranked, lag_ratio=0.1), run_time=3)
        self.play(FadeIn(note))
        self.moment("direction")
        self.wait(6)

    def ranking_bars(self, ranking: list[tuple[str, float]]) -> tuple[VGroup, Line]:
        """One row per word: name, a bar left (tech side) or right (fruit side), the value."""
        scale = 1.35 / max(abs(v) for _, v in ranking)
        centre_x = PANEL_X + 0.35
        rows = VGroup()
        for k, (word, value) in enumerate(ranking):
            y = 1.9 - 0.42 * k
            name = label(word, THEME.small, self.color_of(word))
            name.move_to([centre_x - 1.55, y, 0], aligned_edge=RIGHT)
            width = max(abs(value) * scale, 0.02)
            bar = Rectangle(width=width, height=0.26, stroke_width=0,
                            fill_color=self.color_of(word), fill_opacity=0.85)
            bar.move_to([centre_x, y, 0], aligned_edge=LEFT if value >= 0 else RIGHT)
            number = Number(value, 2, THEME.tiny).move_to([centre_x + 1.75, y, 0],
                                                          aligned_edge=LEFT)
            rows.add(VGroup(name, bar, number))
        zero = Line([centre_x, rows.get_top()[1] + 0.1, 0],
                    [centre_x, rows.get_bottom()[1] - 0.1, 0], stroke_width=1.5,
                    color=THEME.muted)
        return rows, zero
