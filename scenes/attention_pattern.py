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

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from attention_core.readouts import PreviousWordReadout
from attention_core.scaling import dot_product_spread, dot_products, score_scale
from attention_core.training.measure import measure_heads
from attention_core.transformer import load_lecture_layer
from scenes.kit import (
    THEME,
    AttentionGrid,
    ExplainerScene,
    Number,
    TokenRow,
    VectorColumn,
    fmt,
    formula,
    label,
)
from scenes.kit.table import Table

PANEL_RIGHT = 6.95  # right edge of the text panel beside the grid
SUMS_WIDTH = 1.35  # room for the "Σ = 1.00" tags right of the grid
CELL = 0.58


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
        self.layer = load_lecture_layer()
        self.trace = trace = self.layer.run(p.sentence)
        self.head = head = trace.layers[0].heads[p.head]
        self.tokens = trace.tokens
        self.d_k = head.queries.shape[1]
        self.raw = dot_products(head.queries, head.keys).numpy()  # q·k, before the division

        self.title = label("The attention pattern", THEME.heading).to_edge(UP, buff=0.2)
        job = self.layer.head_readouts[p.head].job
        self.subtitle = label(f"one head of a toy layer: head {p.head + 1} of "
                              f"{len(trace.layers[0].heads)}, trained for \u201c{job}\u201d",
                              THEME.small, THEME.muted).next_to(self.title, DOWN, buff=0.12)
        self.narrate("One head of our toy layer, on \u201c" + p.sentence + "\u201d. This head "
                     "was trained to link nouns with their adjectives.")
        self.play(FadeIn(self.title), FadeIn(self.subtitle))
        self.settle()

        self.queries_and_keys()
        self.dot_product_example()
        self.fill_grid()
        self.divide()
        self.softmax_rows()
        self.read_pattern()

    # ---- 1. each word's query and key -------------------------------------------------
    def queries_and_keys(self) -> None:
        p, head = self.params, self.head
        self.row = TokenRow(self.tokens, size=22)
        self.q_cols = VGroup(*[VectorColumn(q.tolist(), THEME.query) for q in head.queries])
        self.k_cols = VGroup(*[VectorColumn(k.tolist(), THEME.key) for k in head.keys])
        spread(self.row, self.q_cols[0].width + 0.2, left=-5.05, right=6.95)
        for q, k, tok in zip(self.q_cols, self.k_cols, self.row, strict=True):
            tok.set_y(2.3)
            q.move_to([tok.get_x(), 0.95, 0])
            k.move_to([tok.get_x(), -1.0, 0])
        x_tag = self.row.get_left()[0] - 0.3
        self.q_tag = self.side_tag("query", ("q", "=", "x", "W_Q"), THEME.query,
                                   self.q_cols, x_tag)
        self.k_tag = self.side_tag("key", ("k", "=", "x", "W_K"), THEME.key, self.k_cols,
                                   x_tag)

        self.narrate(f"Every word gets a query and a key: {self.d_k} numbers each, made from "
                     "its embedding (with its position) by two learned matrices.")
        self.play(FadeIn(self.row, lag_ratio=0.1))
        self.play(FadeIn(self.q_cols, lag_ratio=0.05), FadeIn(self.q_tag), run_time=1.2)
        self.play(FadeIn(self.k_cols, lag_ratio=0.05), FadeIn(self.k_tag), run_time=1.2)
        self.settle()

        nouns = [self.tokens.index(n) for n in p.nouns]
        adjectives = [self.tokens.index(a) for group in p.adjectives for a in group]
        self.asks = VGroup(*[SurroundingRectangle(self.q_cols[i], color=THEME.query, buff=0.06)
                             for i in nouns])
        self.answers = VGroup(*[SurroundingRectangle(self.k_cols[j], color=THEME.key, buff=0.06)
                                for j in adjectives])
        question = VGroup(
            label("the nouns\u2019 queries ask: \u201cany adjectives in front of me?\u201d",
                  THEME.small, THEME.query),
            label("every key answers; a query\u2013key dot product says how well they match",
                  THEME.small, THEME.key)).arrange(DOWN, buff=0.12)
        question.move_to([self.row.get_x(), -2.75, 0])
        self.question = question
        self.narrate(f"Read it as a question: the queries of {' and '.join(p.nouns)} ask "
                     "\u201cany adjectives in front of me?\u201d, and every word's key answers.")
        self.play(Create(self.asks), FadeIn(question[0]))
        self.play(Create(self.answers), FadeIn(question[1]))
        self.moment("queries_keys")
        self.settle()

    def side_tag(self, name: str, how: tuple[str, ...], color: str, cols: VGroup,
                 right_x: float) -> VGroup:
        """'query' over 'q = x W_Q', right-aligned at `right_x`, level with `cols`."""
        tag = VGroup(label(name, THEME.small, color),
                     formula(*how, size=THEME.body, colors={how[0]: color}))
        tag.arrange(DOWN, buff=0.1)
        return tag.move_to([right_x - tag.width / 2, cols.get_y(), 0])

    # ---- 2. one dot product in full --------------------------------------------------
    def dot_product_example(self) -> None:
        p, head = self.params, self.head
        i, j = (self.tokens.index(w) for w in p.example)
        q, k = head.queries[i].tolist(), head.keys[j].tolist()
        parts: list = [label(f"q({p.example[0]}) \u00b7 k({p.example[1]}) =", THEME.small)]
        for a, (qa, ka) in enumerate(zip(q, k, strict=True)):
            if a:
                parts.append(label("+", THEME.small, THEME.muted))
            parts += [Number(qa, 2, THEME.small, THEME.query), label("\u00d7", THEME.tiny,
                                                                    THEME.muted),
                      Number(ka, 2, THEME.small, THEME.key)]
        self.example_value = Number(float(self.raw[i, j]), 2, THEME.small, THEME.text)
        parts += [label("=", THEME.small), self.example_value]
        line = VGroup(*parts).arrange(RIGHT, buff=0.12)
        if line.width > 13.6:
            line.scale_to_fit_width(13.6)
        line.move_to([0, -2.75, 0])
        self.example_line = line
        pair = VGroup(SurroundingRectangle(self.q_cols[i], color=THEME.highlight, buff=0.1),
                      SurroundingRectangle(self.k_cols[j], color=THEME.highlight, buff=0.1))
        self.narrate(f"The match of {p.example[0]}'s query with {p.example[1]}'s key is their "
                     "dot product: multiply number by number, and add.")
        self.play(FadeOut(self.question), FadeOut(self.asks), FadeOut(self.answers),
                  Create(pair))
        self.play(FadeIn(line, lag_ratio=0.05), run_time=2)
        self.settle()
        self.example_pair = pair

    # ---- 3. every q·k in the grid ----------------------------------------------------
    def fill_grid(self) -> None:
        p = self.params
        self.grid = AttentionGrid(self.raw, self.tokens, self.tokens, kind="scores", cell=CELL)
        self.grid.to_edge(LEFT, buff=0.3).set_y(-0.3)
        self.grid_head = label("q\u00b7k", THEME.small, THEME.score_pos)
        self.place_grid_head(self.grid_head)
        numbers = self.grid.number_group
        numbers.set_opacity(0)
        i, j = (self.tokens.index(w) for w in p.example)
        first = self.grid.numbers[i][j]

        self.narrate("Do that for every query with every key and you get a grid of scores: "
                     "one row per query, one column per key.")
        self.play(FadeOut(VGroup(self.row, self.q_cols, self.k_cols, self.q_tag, self.k_tag,
                                 self.example_pair)),
                  FadeIn(VGroup(self.grid.cells, self.grid.row_labels, self.grid.col_labels,
                                self.grid.titles)),
                  FadeIn(self.grid_head), run_time=1.5)
        self.remove(self.grid.cells, self.grid.row_labels, self.grid.col_labels,
                    self.grid.titles)
        self.add(self.grid)
        landing = self.example_value.copy()
        self.play(landing.animate.move_to(first).scale(first.height / landing.height),
                  FadeOut(VGroup(*[m for m in self.example_line if m is not self.example_value])),
                  FadeOut(self.example_value), run_time=1.2)
        first.set_opacity(1)
        self.remove(landing)
        # animate the grid's own number group, so the grid stays one piece in the scene
        self.play(numbers.animate(lag_ratio=0.02).set_opacity(1), run_time=2.5)
        rows = VGroup(label("rows: queries (the word asking)", THEME.small, THEME.query),
                      label("columns: keys (the word answering)", THEME.small, THEME.key),
                      label("purple above 0, brown below 0;", THEME.small, THEME.muted),
                      label("any size, not yet weights", THEME.small, THEME.muted))
        self.panel(rows)
        self.play(FadeIn(rows, lag_ratio=0.2))
        self.moment("dot_products")
        self.settle()
        self.notes = rows

    @property
    def panel_left(self) -> float:
        """Left edge of the text panel: right of the grid and its row sums."""
        return float(self.grid.cells.get_right()[0]) + SUMS_WIDTH

    def place_grid_head(self, head) -> None:
        head.next_to(self.grid.cells, DOWN, buff=0.2).set_x(self.grid.cells.get_x())

    # ---- 4. divide by √d_k -----------------------------------------------------------
    def divide(self) -> None:
        p, d_k = self.params, self.d_k
        scale = score_scale(d_k)
        scaled = AttentionGrid(self.head.scores.numpy(), self.tokens, self.tokens,
                               kind="scores", cell=CELL).move_to(self.grid)
        head = label(f"q\u00b7k / \u221a{d_k}", THEME.small, THEME.score_pos)
        self.place_grid_head(head)
        raw_spread, kept = dot_product_spread(p.big_head)
        why = VGroup(
            formula(r"\text{score} = ", r"\vec{q}", r"\cdot", r"\vec{k}", r"\,/\,\sqrt{d_k}",
                    size=THEME.body),
            label(f"d\u2096 = {d_k} numbers per query:", THEME.small),
            label(f"every q\u00b7k is divided by \u221a{d_k} = {fmt(scale)}", THEME.small),
            label("why: q\u00b7k grows with the head size,", THEME.small, THEME.muted),
            label("and big scores make softmax", THEME.small, THEME.muted),
            label("an all-or-nothing pick", THEME.small, THEME.muted),
            label(f"random q, k of {p.big_head} numbers:", THEME.small, THEME.muted),
            label(f"q\u00b7k spreads \u00b1{fmt(raw_spread, 1)}; after \u00f7\u221a"
                  f"{p.big_head}: \u00b1{fmt(kept, 1)}", THEME.small, THEME.muted))
        self.panel(why)
        self.narrate(f"Each dot product is divided by the square root of the query size: "
                     f"\u221a{d_k} = {fmt(scale)}. Without it, bigger heads would give ever "
                     "bigger scores.")
        self.play(FadeOut(self.notes), FadeIn(why[:3]))
        self.play(ReplacementTransform(self.grid, scaled),
                  ReplacementTransform(self.grid_head, head), run_time=2)
        self.grid, self.grid_head = scaled, head
        self.play(FadeIn(why[3:], lag_ratio=0.2))
        self.moment("scaled")
        self.settle(minimum=2)
        self.notes = why

    # ---- 5. softmax, one row at a time ---------------------------------------------------
    def softmax_rows(self) -> None:
        weights = AttentionGrid(self.head.weights.numpy(), self.tokens, self.tokens,
                                kind="weights", cell=CELL).move_to(self.grid)
        head = label("softmax of each row", THEME.small, THEME.weight)
        self.place_grid_head(head)
        how = VGroup(
            formula(r"\mathrm{softmax}(s)_j = e^{s_j} \big/ \textstyle\sum_{j'} e^{s_{j'}}",
                    size=THEME.body),
            label("along each row: one query, over the keys", THEME.small),
            label("every weight lies in [0, 1]", THEME.small, THEME.weight),
            label("each ROW sums to 1 (\u03a3 on the right)", THEME.small, THEME.weight),
            label("columns need not: a key can be", THEME.small, THEME.muted),
            label("popular or ignored", THEME.small, THEME.muted))
        self.panel(how)
        self.narrate("Softmax then works on each row separately: one query's scores become "
                     "weights between 0 and 1 that add up to 1.")
        self.play(FadeOut(self.notes), FadeIn(how[:2]))
        n = len(self.tokens)
        sweeps, olds = [], []
        for i in range(n):
            old = VGroup(*[self.grid.cell(i, j) for j in range(n)],
                         *[self.grid.numbers[i][j] for j in range(n)])
            new = VGroup(*[weights.cell(i, j) for j in range(n)],
                         *[weights.numbers[i][j] for j in range(n)])
            sweeps.append(Transform(old, new))
            olds.append(old)
        self.play(LaggedStart(*sweeps, lag_ratio=0.35), Transform(self.grid.titles,
                                                                  weights.titles),
                  ReplacementTransform(self.grid_head, head), run_time=4)
        self.remove(self.grid, *self.grid.submobjects, *olds)  # LaggedStart split the grid
        self.add(weights)
        self.grid, self.grid_head = weights, head
        self.sums = weights.row_sums()
        self.play(FadeIn(self.sums, lag_ratio=0.1), FadeIn(how[2:]))
        self.moment("weights")
        self.settle()
        self.notes = how

    # ---- 6. what the pattern says --------------------------------------------------------
    def read_pattern(self) -> None:
        p, w = self.params, self.head.weights
        boxes = VGroup()
        rows = []
        for noun, adjectives in zip(p.nouns, p.adjectives, strict=True):
            i = self.tokens.index(noun)
            cols = [self.tokens.index(a) for a in adjectives]
            boxes.add(SurroundingRectangle(self.grid.row(i), color=THEME.query, buff=0.03))
            boxes.add(*[SurroundingRectangle(self.grid.cell(i, j), color=THEME.highlight,
                                             buff=0.0, stroke_width=4) for j in cols])
            cells = [label(f"{noun} \u2192", THEME.small, THEME.query)]
            for a, j in zip(adjectives, cols, strict=True):
                cells += [label(a, THEME.small), Number(float(w[i, j]), 2, THEME.small,
                                                        THEME.weight)]
            rows.append(cells)
        lines = VGroup(*[Table([r], col_gap=0.15, header_rule=False) for r in rows])
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        said = "; ".join(f"{noun} looks at " + " and ".join(
            f"{a} ({fmt(float(w[self.tokens.index(noun), self.tokens.index(a)]))})"
            for a in adjectives) for noun, adjectives in zip(p.nouns, p.adjectives, strict=True))
        self.panel(VGroup(lines))
        self.narrate(f"The answer to the nouns' question: {said}. The adjectives in front of "
                     "each noun take most of its weight.")
        self.play(FadeOut(self.notes), Create(boxes), FadeIn(lines, lag_ratio=0.3),
                  run_time=1.5)
        self.settle()

        profiles = measure_heads(self.layer)
        profile = profiles[p.head]
        previous_head = next(h for h, r in enumerate(self.layer.head_readouts)
                             if isinstance(r, PreviousWordReadout))
        other = self.least_adjectival_row()
        j = int(w[other].argmax())
        share = fmt(100 * profile.own_adjectives, 0)
        further = fmt(100 * profile.distant_adjectives, 0)
        baseline = fmt(100 * profiles[previous_head].distant_adjectives, 0)
        measured = VGroup(
            label("measured on sentences it never saw:", THEME.small, THEME.muted),
            label(f"{share}% of a noun\u2019s attention goes", THEME.small),
            label("to its own adjectives; to those further", THEME.small),
            label(f"back than the word before it, {further}%", THEME.small),
            label(f"(the previous-word head: {baseline}%)", THEME.small, THEME.muted))
        habit = VGroup(
            label("not every row is about adjectives:", THEME.small, THEME.muted),
            label(f"\u201c{self.tokens[other]}\u201d looks mostly at \u201c{self.tokens[j]}\u201d "
                  f"({fmt(float(w[other, j]))})", THEME.small, THEME.muted))
        note = VGroup(label("One head of a toy model, trained with", THEME.small),
                      label("an adjective read-out (our choice for", THEME.small),
                      label("this demo). Attention weights alone", THEME.small),
                      label("do not explain a model.", THEME.small))
        for group in (measured, habit, note):
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        frame = SurroundingRectangle(note, color=THEME.muted, buff=0.15, stroke_width=1.5)
        boxed = VGroup(frame, note)
        VGroup(measured, habit, boxed).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        VGroup(measured, habit, boxed).next_to(lines, DOWN, buff=0.4, aligned_edge=LEFT)
        self.narrate(f"Measured on sentences it never saw, {share}% of a noun's attention "
                     f"in this head lands on its own adjectives, and {further}% on adjectives "
                     f"further back than the word just before it, where a head that only "
                     f"looks at the previous word gets {baseline}%.")
        self.play(FadeIn(measured))
        self.settle()
        self.narrate(f"Other rows do other things: \u201c{self.tokens[other]}\u201d looks at "
                     f"\u201c{self.tokens[j]}\u201d. And this is one head of a toy model: "
                     "attention weights alone do not explain what a model does.")
        self.play(FadeIn(habit), Create(frame), FadeIn(note), run_time=1.5)
        self.moment("pattern")
        self.settle(minimum=2)

    def least_adjectival_row(self) -> int:
        """The non-noun row whose weight is most concentrated: a different habit of the head."""
        nouns = {self.tokens.index(n) for n in self.params.nouns}
        rows = [i for i in range(len(self.tokens)) if i not in nouns]
        return max(rows, key=lambda i: float(self.head.weights[i].max()))

    # ---- layout ------------------------------------------------------------------------
    def panel(self, group: VGroup) -> VGroup:
        """Stack a text panel to the right of the grid, top-aligned with its cells, and
        shrink it if a line would run past the frame."""
        group.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        if group.width > PANEL_RIGHT - self.panel_left:
            group.scale_to_fit_width(PANEL_RIGHT - self.panel_left)
        group.move_to([self.panel_left, self.grid.cells.get_top()[1], 0], aligned_edge=UP + LEFT)
        return group


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
    if row.width > right - left:
        row.scale_to_fit_width(right - left)
    row.set_x((left + right) / 2)
    return row
