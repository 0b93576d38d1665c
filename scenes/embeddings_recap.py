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
    Mobject,
    Rectangle,
    VGroup,
    Write,
)

from attention_core import load_model
from attention_core.costs import GPT3
from attention_core.model import ToyModel
from attention_core.plane import SensePlane
from attention_core.readouts import Reading
from attention_core.similarity import cosine, dot, projection
from scenes.kit import (
    LEFT_SIDE,
    PANEL,
    STAGE,
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    MatrixHeatmap,
    Number,
    TokenRow,
    VectorColumn,
    WordToken,
    at_top,
    fit_width,
    fmt,
    fmt_int,
    formula,
    label,
)

# the table's rows beside the two vectors: enough that it spans half the frame height
TABLE_ROWS, TABLE_CELL = 13, 0.315


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
        model = load_model()
        view = model.plane(*p.senses)
        xy = {w: view.coords(model.embed(w)).numpy() for w in p.plane_words}
        colour = {w: word_colour(model.senses.read(model.embed(w)))
                  for w in {*p.plane_words, *p.pair, *p.ranked, p.same}}
        direction = model.embed(p.senses[0]) - model.embed(p.senses[1])

        title = self.words_as_vectors(model)
        self.same_token(model, title)
        self.plane = plane = EmbeddingPlane.fit(np.vstack(list(xy.values())), LEFT_SIDE.width,
                                                LEFT_SIDE.height, margin=0.3)
        plane.move_to(LEFT_SIDE.center)
        axis = across(plane, view.coords(direction).numpy())
        panel = self.similar_words_close(model, view, xy, axis, colour)
        self.dot_product(model, xy, colour, panel)
        self.meaningful_direction(model, direction, axis, colour)

    # ---- 1. a token is a row of the embedding table ---------------------------------------
    def words_as_vectors(self, model: ToyModel) -> Mobject:
        words = self.params.words
        title = at_top(label("Recap: words as vectors", THEME.heading))
        # the columns are the picture: large numbers, spread across the whole stage
        columns = VGroup()
        for word in words:
            token = WordToken(word, THEME.heading)
            column = VectorColumn(model.embed(word).tolist(), THEME.embedding,
                                  size=THEME.heading, buff=0.14)
            column.next_to(token, DOWN, buff=0.25)
            columns.add(VGroup(token, column))
        columns.arrange(RIGHT, buff=0.6, aligned_edge=UP)
        fit_width(columns, STAGE.width)
        note = label(f"{model.d_model} numbers per word in this toy model; "
                     f"GPT-3 uses {fmt_int(GPT3['d_model'])}", THEME.body, THEME.muted)
        columns.shift(UP * (title.get_bottom()[1] - 0.3 - columns.get_top()[1]))
        note.move_to([0, STAGE.bottom + 0.15 + note.height / 2, 0])
        self.narrate("A language model turns each token into a vector: its row of the "
                     f"embedding table. Here every word is {model.d_model} learned numbers.")
        self.play(FadeIn(title))
        self.play(FadeIn(columns, lag_ratio=0.15), run_time=2.5)
        self.play(FadeIn(note))
        self.moment("words_as_vectors")
        self.wait(3)
        self.play(FadeOut(columns), FadeOut(note))
        return title

    # ---- 2. identical tokens, identical vectors --------------------------------------------
    def same_token(self, model: ToyModel, title: Mobject) -> None:
        """Both sentences' apple, each with its vector under it, and on the right the rows
        of the embedding table around apple's: the one row both vectors are copies of."""
        p = self.params
        columns, halves = VGroup(), VGroup()
        for k, sentence in enumerate(p.sentences):
            trace = model.run(sentence)
            i = trace.position(p.same)
            row = TokenRow(trace.tokens, size=THEME.small, max_width=5.6)
            row[i].highlight(THEME.embedding)
            column = VectorColumn(trace.embeddings[i].tolist(), THEME.embedding,
                                  f"{p.same}'s vector here", size=THEME.heading, buff=0.14)
            column.next_to(row[i], DOWN, buff=0.4)
            columns.add(column)
            half = VGroup(row, column)
            # the sentences meet near the middle, leaving the right for the table's rows
            if k == 0:
                half.shift(RIGHT * (-0.45 - row.get_right()[0]))
            else:
                half.shift(RIGHT * (0.35 - row.get_left()[0]))
            halves.add(half)
        halves.shift(UP * (title.get_bottom()[1] - 0.35 - halves.get_top()[1]))
        equals = label("=", THEME.title).move_to(
            (columns[0].entries.get_center() + columns[1].entries.get_center()) / 2)
        table = embedding_rows(model, p.same, TABLE_ROWS)
        # right of the second sentence's apple column, under its words
        table.next_to(columns[1], RIGHT, buff=0.3).align_to(columns[1], UP)
        self.narrate(f"The table has one row per token, so '{p.same}' starts as the very same "
                     "vector in every sentence, whatever the words around it.")
        self.play(FadeIn(halves, lag_ratio=0.2), FadeIn(table), run_time=2)
        self.play(Write(equals))
        self.moment("same_token")
        self.wait(3)
        self.play(FadeOut(halves), FadeOut(equals), FadeOut(table), FadeOut(title))

    # ---- 3. similar words sit close, in a flat view of 8-D ----------------------------------
    def similar_words_close(self, model: ToyModel, view: SensePlane, xy: dict[str, np.ndarray],
                            axis: tuple[np.ndarray, np.ndarray], colour: dict[str, str]
                            ) -> VGroup:
        p, plane = self.params, self.plane
        # the fruit − tech line crosses the whole plane; labels keep off it and off the arrows
        plane.labels.avoid_line(plane.p(axis[0]), plane.p(axis[1]), n=30)
        for w in p.pair:
            plane.labels.avoid_line(plane.origin, plane.p(xy[w]), n=8)
        rays = VGroup(*[plane.sense_ray(view.coords(model.embed(s)).numpy(), s,
                                        THEME.sense(s)) for s in p.senses])
        marks = plane.word_points(list(xy), np.vstack(list(xy.values())), colour.get)
        shares = {w: float(view.share_kept(model.embed(w))) for w in p.pair + (p.same,)}
        share_rows = VGroup(*[VGroup(label(w, THEME.small, colour[w]),
                                     Number(100 * s, 0, THEME.small), label("%", THEME.small))
                              for w, s in shares.items()])
        for row in share_rows:
            row[1].next_to(row[0], RIGHT, buff=0.25)
            row[2].next_to(row[1], RIGHT, buff=0.05)
        share_rows.arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        panel = VGroup(
            label("Similar words sit close", THEME.heading),
            label(f"A flat view of the {model.d_model}-D space: the plane",
                  THEME.small, THEME.muted),
            label(f"through the '{p.senses[0]}' and '{p.senses[1]}' embeddings.", THEME.small,
                  THEME.muted),
            label("How much of each vector the view shows", THEME.small),
            label("(its share of the squared length):", THEME.small),
            share_rows,
        ).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
        panel[3:].shift(DOWN * 0.25)
        fit_width(panel, PANEL.width).move_to([PANEL.x, 0.6, 0])
        self.narrate("Words used alike get similar vectors. Seen in the plane of the fruit and "
                     "tech directions, fruits cluster on one side and tech words on the other.")
        self.play(Create(plane.reference), run_time=1.5)
        self.play(FadeIn(rays, lag_ratio=0.3), FadeIn(marks, lag_ratio=0.08), run_time=2.5)
        self.play(FadeIn(panel[:3]))
        self.wait(3.5)
        self.narrate("But this is a projection of 8 dimensions onto 2: the view keeps only part "
                     "of each vector. What looks close here need not be close in full.")
        self.play(FadeIn(panel[3:], lag_ratio=0.1), run_time=1.5)
        self.moment("plane")
        self.wait(7.5)
        return panel

    # ---- 4. dot product and cosine, computed in 8-D -----------------------------------------
    def dot_product(self, model: ToyModel, xy: dict[str, np.ndarray], colour: dict[str, str],
                    panel: VGroup) -> None:
        a, b, c = self.params.pair
        plane = self.plane
        e = {w: model.embed(w) for w in (a, b, c)}
        arrows = VGroup(*[plane.arrow(xy[w], colour[w], width=4) for w in (a, b, c)])
        rule = formula(r"\cos(a,b) = \frac{a \cdot b}{|a|\,|b|}", size=THEME.body)
        columns = VGroup(*[VectorColumn(e[w].tolist(), colour[w], w)
                           for w in (a, b, c)]).arrange(RIGHT, buff=0.55)
        similarities = VGroup()
        for x, y in ((a, b), (a, c)):
            similarities.add(VGroup(
                label(f"{x} \u00b7 {y} =", THEME.small), Number(float(dot(e[x], e[y])), 2),
                label("  cos =", THEME.small, THEME.muted),
                Number(float(cosine(e[x], e[y])), 2)).arrange(RIGHT, buff=0.15))
        similarities.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        flat = float(cosine(torch.as_tensor(xy[a]), torch.as_tensor(xy[b])))
        true = float(cosine(e[a], e[b]))
        warning = VGroup(
            label(f"cos({a}, {b})", THEME.small),
            VGroup(label("read off the flat picture:", THEME.small, THEME.muted),
                   Number(flat, 2, THEME.small, THEME.muted)).arrange(RIGHT, buff=0.15),
            VGroup(label(f"computed in all {model.d_model} dimensions:", THEME.small),
                   Number(true, 2, THEME.small)).arrange(RIGHT, buff=0.15),
        ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        warning[1:].shift(RIGHT * 0.3)
        right = VGroup(rule, columns, similarities, warning).arrange(DOWN, buff=0.3)
        PANEL.fit(right).move_to(PANEL.center)
        ab, ac = float(dot(e[a], e[b])), float(dot(e[a], e[c]))
        self.narrate(f"The dot product multiplies matching entries and adds them up: "
                     f"{a}\u00b7{b} is {fmt(ab)}, {a}\u00b7{c} is {fmt(ac)}. Aligned vectors "
                     "give a large positive number.")
        self.play(FadeOut(panel), *[GrowArrow(arr) for arr in arrows])
        self.play(FadeIn(columns, lag_ratio=0.15), run_time=1.5)
        self.play(FadeIn(similarities[0][:2]), FadeIn(similarities[1][:2]), run_time=1.5)
        self.wait(3.5)
        self.narrate("Cosine similarity divides out the lengths: 1 means the same direction, "
                     "0 unrelated, \u22121 opposite.")
        self.play(Write(rule), FadeIn(similarities[0][2:]), FadeIn(similarities[1][2:]),
                  run_time=1.5)
        self.wait(3.5)
        looks = "more" if flat > true else "less"
        self.narrate(f"Careful: the flat view makes {a} and {b} look {looks} aligned than they "
                     f"are. Compute cosines in all {model.d_model} dimensions, never from "
                     "the picture.")
        self.play(FadeIn(warning), run_time=1)
        self.moment("dot_product")
        self.wait(5.5)
        self.play(FadeOut(right), FadeOut(arrows))

    # ---- 5. a direction that carries meaning -------------------------------------------------
    def meaningful_direction(self, model: ToyModel, direction: torch.Tensor,
                             axis: tuple[np.ndarray, np.ndarray], colour: dict[str, str]
                             ) -> None:
        p, plane = self.params, self.plane
        line = DashedLine(plane.p(axis[0]), plane.p(axis[1]), color=THEME.highlight,
                          stroke_width=2.5, dash_length=0.12)
        line.add_tip(tip_length=0.22, tip_width=0.18)
        name = f"{p.senses[0]} \u2212 {p.senses[1]}"
        tag = plane.labels.place(label(name, THEME.small, THEME.highlight), plane.p(axis[1]),
                                 preferred=DOWN + LEFT)
        values = projection(torch.stack([model.embed(w) for w in p.ranked]), direction)
        order = torch.argsort(values, descending=True, stable=True).tolist()
        rows, zero = ranking_bars([(p.ranked[k], float(values[k])) for k in order], colour)
        heading = label(f"Along {name}", THEME.heading)
        heading.next_to(rows, UP, buff=0.35).set_x(PANEL.x)
        note = VGroup(label(f"{name} lies in the plane, so the", THEME.small, THEME.muted),
                      label("picture shows these projections exactly", THEME.small,
                            THEME.muted)).arrange(DOWN, buff=0.1)
        note.next_to(rows, DOWN, buff=0.3).set_x(PANEL.x)
        self.narrate(f"Directions carry meaning. Subtract the {p.senses[1]} embedding from the "
                     f"{p.senses[0]} one: the difference points from tech toward fruit.")
        self.play(Create(line), FadeIn(tag), run_time=2)
        self.play(FadeIn(heading))
        self.wait(3)
        self.narrate("Project each word onto that direction (a dot product with the unit "
                     "vector) and the words line up by meaning, fruits at one end, tech at the "
                     f"other, '{p.same}' in between.")
        self.play(FadeIn(VGroup(zero, rows), lag_ratio=0.1), run_time=3)
        self.play(FadeIn(note))
        self.moment("direction")
        self.wait(6)


def embedding_rows(model: ToyModel, word: str, n: int) -> VGroup:
    """`n` consecutive rows of the embedding table around `word`'s, as a heat map with
    each row's token named on its left and `word`'s row framed; a caption says how
    many of the table's rows these are. `.heatmap`, `.names`, `.tokens` for tests."""
    vocab = list(model.vocab)
    start = min(max(vocab.index(word) - n // 2, 0), len(vocab) - n)
    tokens = vocab[start:start + n]
    values = torch.stack([model.embed(t) for t in tokens]).numpy()
    heatmap = MatrixHeatmap(values, THEME.embedding, cell=TABLE_CELL, shape=False)
    names = VGroup(*[label(t, THEME.small, THEME.embedding if t == word else THEME.muted)
                     .next_to(heatmap.cell(r, 0), LEFT, buff=0.15)
                     for r, t in enumerate(tokens)])
    k = tokens.index(word)
    frame = Rectangle(width=heatmap.frame.width + names.width + 0.35, height=TABLE_CELL,
                      stroke_color=THEME.embedding, stroke_width=3)
    frame.move_to(heatmap.rows_group(k, k + 1)).align_to(heatmap.frame, RIGHT).shift(
        RIGHT * 0.05)
    caption = label(f"{n} of the table's {len(vocab)} rows", THEME.small, THEME.muted)
    caption.next_to(heatmap.frame, DOWN, buff=0.15).align_to(heatmap.frame, RIGHT)
    table = VGroup(heatmap, names, frame, caption)
    table.heatmap, table.names, table.tokens = heatmap, names, tokens
    return table


def word_colour(reading: Reading) -> str:
    """A word's sense colour when the model reads it clearly, neutral when torn."""
    (_, p), = reading.top(1)
    return THEME.sense(reading.best) if p >= 0.6 else THEME.embedding


def across(plane: EmbeddingPlane, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ends (plane coordinates) of the line through the origin along d that crosses
    the whole plane, stopping just short of its edges."""
    reach = min(abs(plane.x_range[0] / d[0]), abs(plane.y_range[0] / d[1]),
                abs(plane.x_range[1] / d[0]), abs(plane.y_range[1] / d[1])) * 0.95
    return -reach * d, reach * d


def ranking_bars(ranking: list[tuple[str, float]], colour: dict[str, str]
                 ) -> tuple[VGroup, Line]:
    """One row per word: name, a bar left (tech side) or right (fruit side), the value."""
    scale = 1.35 / max(abs(v) for _, v in ranking)
    centre_x = PANEL.x + 0.35
    rows = VGroup()
    for k, (word, value) in enumerate(ranking):
        y = 1.9 - 0.42 * k
        name = label(word, THEME.small, colour[word])
        name.move_to([centre_x - 1.55, y, 0], aligned_edge=RIGHT)
        width = max(abs(value) * scale, 0.02)
        bar = Rectangle(width=width, height=0.26, stroke_width=0,
                        fill_color=colour[word], fill_opacity=0.85)
        bar.move_to([centre_x, y, 0], aligned_edge=LEFT if value >= 0 else RIGHT)
        number = Number(value, 2, THEME.tiny).move_to([centre_x + 1.75, y, 0],
                                                      aligned_edge=LEFT)
        rows.add(VGroup(name, bar, number))
    zero = Line([centre_x, rows.get_top()[1] + 0.1, 0],
                [centre_x, rows.get_bottom()[1] - 0.1, 0], stroke_width=1.5,
                color=THEME.muted)
    return rows, zero
