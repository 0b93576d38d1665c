"""The attention pattern: every query meets every key, then softmax along each row.

Script: "a fluffy blue creature roamed the verdant forest" through the lecture
layer's adjective head. Each word gets a query and a key (4 numbers each); the
nouns' queries ask "any adjectives in front of me?", each key answers. One dot
product is worked out in full, then every q·k fills the grid; each is divided
by √d_k = √4 = 2; softmax turns each query's row into weights that sum to 1.
Creature's row lands on fluffy and blue, forest's on verdant. A measured
number for the whole head, and an honest note, close the clip. Every number
comes from `load_lecture_layer().run(sentence)` and `attention_core.scaling`.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    FadeTransform,
    Mobject,
    Square,
    SurroundingRectangle,
    VGroup,
)

from attention_core.attention import AttentionTrace
from attention_core.readouts import PreviousWordReadout
from attention_core.scaling import dot_product_spread, dot_products, score_scale
from attention_core.training.measure import measure_heads
from attention_core.transformer import PositionalModel, load_lecture_layer
from scenes.kit import (
    SAFE,
    STAGE,
    THEME,
    AttentionGrid,
    ExplainerScene,
    Number,
    Region,
    Table,
    TokenRow,
    VectorColumn,
    at_top,
    fit_width,
    fmt,
    formula,
    label,
)
from scenes.kit.regrid import Regrid

SUMS_WIDTH = 1.25  # room for the "Σ = 1.00" tags right of the grid
# 8 rows of cells and the grid's words fill the stage's height, and a cell fits its widest
# number at THEME.tiny: raw q·k (to ±12) are shown whole, q·k/√d_k to 1 decimal, weights 2
CELL = 0.58
DECIMALS = {"raw": 0, "scaled": 1, "weights": 2}
FOOT = STAGE.bottom + 0.5  # the line under the vectors: the question, then the worked q·k


@dataclass(frozen=True)
class PatternParams:
    sentence: str = "a fluffy blue creature roamed the verdant forest"
    head: int = 1  # the lecture layer's adjective head (head 2 of 3)
    nouns: tuple[str, ...] = ("creature", "forest")  # whose rows the clip highlights
    adjectives: tuple[tuple[str, ...], ...] = (("fluffy", "blue"), ("verdant",))
    example: tuple[str, str] = ("creature", "fluffy")  # the dot product worked out in full
    big_head: int = 128  # a real head size, to show why √d_k matters (GPT-3's)


class AttentionPattern(ExplainerScene):
    name = "attention_pattern"
    description = "Every query·key fills a grid, ÷√d_k, then softmax makes each row sum to 1."
    key_moments = ("queries_keys", "dot_products", "scaled", "weights", "pattern")
    params = PatternParams()

    def construct(self) -> None:
        p = self.params
        layer = load_lecture_layer()
        trace = layer.run(p.sentence)
        head, tokens = trace.layers[0].heads[p.head], trace.tokens

        title = at_top(label("The attention pattern", THEME.heading))
        job = layer.head_readouts[p.head].job
        subtitle = label(f"one head of a toy layer: head {p.head + 1} of "
                         f"{len(trace.layers[0].heads)}, trained for \u201c{job}\u201d",
                         THEME.small, THEME.muted).next_to(title, DOWN, buff=0.12)
        self.narrate("One head of our toy layer, on \u201c" + p.sentence + "\u201d. This head "
                     "was trained to link nouns with their adjectives.",
                     spoken=f"One head of our toy layer, on the sentence {p.sentence}. This "
                            "head was trained to link nouns with their adjectives.")
        self.play(FadeIn(title), FadeIn(subtitle))
        self.settle()
        self.heading = VGroup(title, subtitle)  # the grid's steps take the stage's height

        columns, question = self.queries_and_keys(tokens, head)
        example = self.dot_product_example(tokens, head, columns, question)
        grid, caption, notes = self.fill_grid(tokens, head, columns, example)
        grid, caption, notes = self.divide(tokens, head, grid, caption, notes)
        grid, notes = self.softmax_rows(tokens, head, grid, caption, notes)
        self.read_pattern(layer, tokens, head, grid, notes)

    # ---- 1. each word's query and key -------------------------------------------------
    def queries_and_keys(self, tokens: list[str], head: AttentionTrace) -> tuple[VGroup, VGroup]:
        """Each word over its query and its key: (row, queries, keys, tags), and the
        question they answer (with its boxes), which the next step takes away."""
        p, d_k = self.params, head.queries.shape[1]
        queries = VGroup(*[VectorColumn(q.tolist(), THEME.query) for q in head.queries])
        keys = VGroup(*[VectorColumn(k.tolist(), THEME.key) for k in head.keys])
        tags = VGroup(side_tag("query", ("q", "=", "x", "W_Q"), THEME.query),
                      side_tag("key", ("k", "=", "x", "W_K"), THEME.key))
        self.row = row = spread(TokenRow(tokens, size=22), queries[0].width + 0.2,
                                left=SAFE.left + tags.width + 0.3, right=SAFE.right)
        for q, k, tok in zip(queries, keys, row, strict=True):
            tok.set_y(2.3)
            q.move_to([tok.get_x(), 0.95, 0])
            k.move_to([tok.get_x(), -1.0, 0])
        for tag, cols in zip(tags, (queries, keys), strict=True):
            tag.move_to([row.get_left()[0] - 0.3, cols.get_y(), 0], aligned_edge=RIGHT)

        self.narrate(f"Every word gets a query and a key: {d_k} numbers each, made from "
                     "its embedding (with its position) by two learned matrices.")
        self.play(FadeIn(row, lag_ratio=0.1))
        self.play(FadeIn(queries, lag_ratio=0.05), FadeIn(tags[0]), run_time=1.2)
        self.play(FadeIn(keys, lag_ratio=0.05), FadeIn(tags[1]), run_time=1.2)
        self.settle()

        nouns = [tokens.index(n) for n in p.nouns]
        adjectives = [tokens.index(a) for group in p.adjectives for a in group]
        asks = VGroup(*[SurroundingRectangle(queries[i], color=THEME.query, buff=0.06)
                        for i in nouns])
        answers = VGroup(*[SurroundingRectangle(keys[j], color=THEME.key, buff=0.06)
                           for j in adjectives])
        question = VGroup(
            label("the nouns\u2019 queries ask: \u201cany adjectives in front of me?\u201d",
                  THEME.small, THEME.query),
            label("every key answers; a query\u2013key dot product says how well they match",
                  THEME.small, THEME.key)).arrange(DOWN, buff=0.12)
        question.move_to([row.get_x(), FOOT, 0])
        nouns_said = " and ".join(p.nouns)
        self.narrate(f"Read it as a question: the queries of {nouns_said} ask "
                     "\u201cany adjectives in front of me?\u201d, and every word's key answers.",
                     spoken=f"Read it as a question: the queries of {nouns_said} ask, any "
                            "adjectives in front of me? And every word's key answers.")
        self.play(Create(asks), FadeIn(question[0]))
        self.play(Create(answers), FadeIn(question[1]))
        self.moment("queries_keys")
        self.settle()
        return VGroup(row, queries, keys, tags), VGroup(question, asks, answers)

    # ---- 2. one dot product in full --------------------------------------------------
    def dot_product_example(self, tokens: list[str], head: AttentionTrace, columns: VGroup,
                            question: VGroup) -> VGroup:
        """q·k for the example pair, term by term; returns (line, the pair's boxes)."""
        p = self.params
        _, queries, keys, _ = columns
        i, j = (tokens.index(w) for w in p.example)
        q, k = head.queries[i].tolist(), head.keys[j].tolist()
        parts: list = [label(f"q({p.example[0]}) \u00b7 k({p.example[1]}) =", THEME.small)]
        for a, (qa, ka) in enumerate(zip(q, k, strict=True)):
            if a:
                parts.append(label("+", THEME.small, THEME.muted))
            parts += [Number(qa, 2, THEME.small, THEME.query),
                      label("\u00d7", THEME.tiny, THEME.muted),
                      Number(ka, 2, THEME.small, THEME.key)]
        value = float(dot_products(head.queries, head.keys)[i, j])
        parts += [label("=", THEME.small), Number(value, 2, THEME.small, THEME.text)]
        self.example_line = line = fit_width(VGroup(*parts).arrange(RIGHT, buff=0.12))
        line.move_to([0, FOOT, 0])
        pair = VGroup(SurroundingRectangle(queries[i], color=THEME.highlight, buff=0.1),
                      SurroundingRectangle(keys[j], color=THEME.highlight, buff=0.1))
        self.narrate(f"The match of {p.example[0]}'s query with {p.example[1]}'s key is their "
                     "dot product: multiply number by number, and add.")
        self.play(FadeOut(question), Create(pair))
        self.play(FadeIn(line, lag_ratio=0.05), run_time=2)
        self.settle()
        return VGroup(line, pair)

    # ---- 3. every q·k in the grid ----------------------------------------------------
    def fill_grid(self, tokens: list[str], head: AttentionTrace, columns: VGroup,
                  example: VGroup) -> tuple[AttentionGrid, Mobject, VGroup]:
        """The grid of raw q·k, the example's value flying into its cell."""
        p = self.params
        line, pair = example
        grid = AttentionGrid(dot_products(head.queries, head.keys).numpy(), tokens, tokens,
                             kind="scores", cell=CELL, decimals=DECIMALS["raw"])
        grid.move_to([SAFE.left + 0.02, SAFE.top - 0.02, 0], aligned_edge=UP + LEFT)
        caption = grid.caption(label("q\u00b7k", THEME.small, THEME.score_pos))
        numbers = grid.number_group.set_opacity(0)
        i, j = (tokens.index(w) for w in p.example)
        first, value = grid.numbers[i][j], line[-1]
        title, subtitle = self.heading
        side = beside(grid)  # the title moves to the top of the stage right of the grid

        self.narrate("Do that for every query with every key and you get a grid of scores: "
                     "one row per query, one column per key.")
        frame = VGroup(grid.cells, grid.row_labels, grid.col_labels, grid.titles)
        self.play(FadeOut(columns), FadeOut(pair), FadeOut(subtitle), FadeIn(frame),
                  title.animate.move_to(at_top(title.copy(), side.x, side)), FadeIn(caption),
                  run_time=1.5)
        self.remove(frame)
        self.add(grid)
        landing = value.copy()
        self.play(landing.animate.move_to(first).scale(first.height / landing.height),
                  FadeOut(line), run_time=1.2)
        self.play(FadeOut(landing), first.animate.set_opacity(1), run_time=0.5)
        # animate the grid's own number group, so the grid stays one piece in the scene
        self.play(numbers.animate(lag_ratio=0.02).set_opacity(1), run_time=2.5)
        signs = VGroup(*[VGroup(Square(0.3, stroke_width=0, fill_color=c, fill_opacity=1),
                                label(t, THEME.small, THEME.muted)).arrange(RIGHT, buff=0.12)
                         for c, t in ((THEME.score_pos, "above 0"),
                                      (THEME.score_neg, "below 0"))]).arrange(RIGHT, buff=0.4)
        notes = panel(grid, title, stack(
            label("rows: queries (the word asking)", THEME.small, THEME.query),
            label("columns: keys (the word answering)", THEME.small, THEME.key),
            signs, label("any size, not yet weights", THEME.small, THEME.muted),
            label(f"rounded: {fmt(value.value)} shows as {fmt(value.value, 0)}", THEME.small,
                  THEME.muted), buff=0.3))
        self.play(FadeIn(notes, lag_ratio=0.2))
        self.moment("dot_products")
        self.settle()
        return grid, caption, notes

    # ---- 4. divide by √d_k -----------------------------------------------------------
    def divide(self, tokens: list[str], head: AttentionTrace, grid: AttentionGrid,
               caption: Mobject, notes: VGroup) -> tuple[AttentionGrid, Mobject, VGroup]:
        p, d_k = self.params, head.queries.shape[1]
        scale = score_scale(d_k)
        scaled = AttentionGrid(head.scores.numpy(), tokens, tokens, kind="scores",
                               cell=CELL, decimals=DECIMALS["scaled"])
        scaled.shift(grid.cells.get_center() - scaled.cells.get_center())  # cell on cell
        scaled_caption = scaled.caption(label(f"q\u00b7k / \u221a{d_k}", THEME.small,
                                              THEME.score_pos))
        raw_spread, kept = dot_product_spread(p.big_head)
        why = panel(grid, self.heading[0], stack(
            formula(r"\text{score} = ", r"\vec{q}", r"\cdot", r"\vec{k}", r"\,/\,\sqrt{d_k}",
                    size=THEME.heading),
            VGroup(formula(f"d_k = {d_k}", size=THEME.heading),
                   label("numbers in each query:", THEME.small)).arrange(RIGHT, buff=0.2),
            label(f"every q\u00b7k is divided by \u221a{d_k} = {fmt(scale)}", THEME.small),
            label("why: q\u00b7k grows with the head size,", THEME.small, THEME.muted),
            label("and big scores make softmax", THEME.small, THEME.muted),
            label("an all-or-nothing pick", THEME.small, THEME.muted),
            label(f"random q, k of {p.big_head} numbers:", THEME.small, THEME.muted),
            label(f"q\u00b7k spreads \u00b1{fmt(raw_spread, 1)}; after \u00f7\u221a"
                  f"{p.big_head}: \u00b1{fmt(kept, 1)}", THEME.small, THEME.muted)))
        self.narrate(f"Each dot product is divided by the square root of the query size: "
                     f"\u221a{d_k} = {fmt(scale)}. Without it, bigger heads would give ever "
                     "bigger scores.")
        self.play(FadeOut(notes), FadeIn(why[:3]))
        self.play(Regrid(grid, scaled), FadeTransform(caption, scaled_caption), run_time=2)
        self.play(FadeIn(why[3:], lag_ratio=0.2))
        self.moment("scaled")
        self.settle(minimum=2)
        return scaled, scaled_caption, why

    # ---- 5. softmax, one row at a time ---------------------------------------------------
    def softmax_rows(self, tokens: list[str], head: AttentionTrace, grid: AttentionGrid,
                     caption: Mobject, notes: VGroup) -> tuple[AttentionGrid, VGroup]:
        weights = AttentionGrid(head.weights.numpy(), tokens, tokens, kind="weights",
                                cell=CELL, decimals=DECIMALS["weights"])
        weights.shift(grid.cells.get_center() - weights.cells.get_center())  # cell on cell
        weights_caption = weights.caption(label("softmax of each row", THEME.small,
                                                THEME.weight))
        how = panel(grid, self.heading[0], stack(
            formula(r"w_j = \exp(s_j) \,/\, \textstyle\sum_k \exp(s_k)", size=THEME.heading),
            label("along each row: one query,", THEME.small),
            label("over all the keys", THEME.small),
            label("every weight lies in [0, 1]", THEME.small, THEME.weight),
            label("each ROW sums to 1 (\u03a3 on the right)", THEME.small, THEME.weight),
            label("columns need not: a key can be", THEME.small, THEME.muted),
            label("popular or ignored", THEME.small, THEME.muted)))
        self.narrate("Softmax then works on each row separately: one query's scores become "
                     "weights between 0 and 1 that add up to 1.")
        self.play(FadeOut(notes), FadeIn(how[:3]))
        self.play(Regrid(grid, weights, lag_ratio=0.35),  # one query's row after another
                  FadeTransform(caption, weights_caption), run_time=4)
        self.sums = weights.row_sums()
        self.play(FadeIn(self.sums, lag_ratio=0.1), FadeIn(how[3:]))
        self.moment("weights")
        self.settle()
        return weights, how

    # ---- 6. what the pattern says --------------------------------------------------------
    def read_pattern(self, layer: PositionalModel, tokens: list[str], head: AttentionTrace,
                     grid: AttentionGrid, notes: VGroup) -> None:
        p, w = self.params, head.weights
        boxes = VGroup()
        rows = []
        for noun, adjectives in zip(p.nouns, p.adjectives, strict=True):
            i = tokens.index(noun)
            cols = [tokens.index(a) for a in adjectives]
            boxes.add(SurroundingRectangle(grid.row(i), color=THEME.query, buff=0.03))
            boxes.add(*[SurroundingRectangle(grid.cell(i, j), color=THEME.highlight,
                                             buff=0.0, stroke_width=4) for j in cols])
            cells = [label(f"{noun} \u2192", THEME.small, THEME.query)]
            for a, j in zip(adjectives, cols, strict=True):
                cells += [label(a, THEME.small), Number(float(w[i, j]), 2, THEME.small,
                                                        THEME.weight)]
            rows.append(cells)
        lines = stack(*[Table([r], col_gap=0.15, header_rule=False) for r in rows], buff=0.2)
        said = "; ".join(f"{noun} looks at " + " and ".join(
            f"{a} ({fmt(float(w[tokens.index(noun), tokens.index(a)]))})"
            for a in adjectives) for noun, adjectives in zip(p.nouns, p.adjectives, strict=True))

        profiles = measure_heads(layer)
        profile = profiles[p.head]
        previous_head = next(h for h, r in enumerate(layer.head_readouts)
                             if isinstance(r, PreviousWordReadout))
        other = least_adjectival_row(w.numpy(), tokens, p.nouns)
        j = int(w[other].argmax())
        share = fmt(100 * profile.own_adjectives, 0)
        further = fmt(100 * profile.distant_adjectives, 0)
        baseline = fmt(100 * profiles[previous_head].distant_adjectives, 0)
        measured = stack(
            label("measured on sentences it never saw:", THEME.small, THEME.muted),
            label(f"{share}% of a noun\u2019s attention goes", THEME.small),
            label("to its own adjectives; to those further", THEME.small),
            label(f"back than the word before it, {further}%", THEME.small),
            label(f"(the previous-word head: {baseline}%)", THEME.small, THEME.muted), buff=0.1)
        habit = stack(
            label("not every row is about adjectives:", THEME.small, THEME.muted),
            label(f"\u201c{tokens[other]}\u201d looks mostly at \u201c{tokens[j]}\u201d "
                  f"({fmt(float(w[other, j]))})", THEME.small, THEME.muted), buff=0.1)
        note = stack(label("A toy model\u2019s head, trained with", THEME.small),
                     label("an adjective read-out (our choice", THEME.small),
                     label("for this demo). Attention weights", THEME.small),
                     label("alone do not explain a model.", THEME.small), buff=0.1)
        frame = SurroundingRectangle(note, color=THEME.muted, buff=0.15, stroke_width=1.5)
        panel(grid, self.heading[0], stack(lines, measured, habit, VGroup(frame, note),
                                           buff=0.25))

        self.narrate(f"The answer to the nouns' question: {said}. The adjectives in front of "
                     "each noun take most of its weight.")
        self.play(FadeOut(notes), Create(boxes), FadeIn(lines, lag_ratio=0.3), run_time=1.5)
        self.settle()
        self.narrate(f"Measured on sentences it never saw, {share}% of a noun's attention "
                     f"in this head lands on its own adjectives, and {further}% on adjectives "
                     f"further back than the word just before it, where a head that only "
                     f"looks at the previous word gets {baseline}%.")
        self.play(FadeIn(measured))
        self.settle()
        self.narrate(f"Other rows do other things: \u201c{tokens[other]}\u201d looks at "
                     f"\u201c{tokens[j]}\u201d. And this is one head of a toy model: "
                     "attention weights alone do not explain what a model does.",
                     spoken=f"Other rows do other things: the word {tokens[other]} looks at "
                            f"the word {tokens[j]}. And this is one head of a toy model: "
                            "attention weights alone do not explain what a model does.")
        self.play(FadeIn(habit), Create(frame), FadeIn(note), run_time=1.5)
        self.moment("pattern")
        self.settle(minimum=2)


def least_adjectival_row(weights: np.ndarray, tokens: Sequence[str], nouns: Sequence[str]) -> int:
    """The non-noun row whose weight is most concentrated: a different habit of the head."""
    skip = {tokens.index(n) for n in nouns}
    return max((i for i in range(len(tokens)) if i not in skip),
               key=lambda i: float(weights[i].max()))


# ---- layout ----------------------------------------------------------------------------
def side_tag(name: str, how: tuple[str, ...], color: str) -> VGroup:
    """'query' over 'q = x W_Q': the name of a row of vectors, set beside it."""
    return VGroup(label(name, THEME.small, color),
                  formula(*how, size=THEME.heading, colors={how[0]: color})
                  ).arrange(DOWN, buff=0.1)


def stack(*lines: Mobject, buff: float = 0.18) -> VGroup:
    """Lines of a text panel, one under the other, left-aligned."""
    return VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=buff)


def beside(grid: AttentionGrid) -> Region:
    """The stage right of the grid and its row sums: the title at its top, notes below."""
    return Region(grid.cells.get_right()[0] + SUMS_WIDTH, SAFE.right, STAGE.bottom, STAGE.top)


def panel(grid: AttentionGrid, title: Mobject, group: VGroup) -> VGroup:
    """Put a text panel beside the grid, under the title, centred in the height left
    (from the top, if it fills it); shrunk only if a line would run past the safe area."""
    room = Region(beside(grid).left, SAFE.right, STAGE.bottom, title.get_bottom()[1] - 0.3)
    room.fit(group)
    return group.move_to([room.left, min(room.top - group.height / 2, room.y), 0],
                         aligned_edge=LEFT)


def spread(row: TokenRow, min_slot: float, left: float, right: float, buff: float = 0.15
           ) -> TokenRow:
    """Lay the tokens out left to right, each in a slot at least `min_slot` wide (so the
    column of numbers under a short word like "a" cannot touch its neighbour's), then
    fit the row between `left` and `right`."""
    x = 0.0
    for tok in row:
        slot = max(tok.width, min_slot)
        tok.set_x(x + slot / 2)
        x += slot + buff
    fit_width(row, right - left)
    row.set_x((left + right) / 2)
    return row
