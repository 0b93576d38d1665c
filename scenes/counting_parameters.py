"""Counting parameters: GPT-3's attention, one matrix at a time.

Script: GPT-3's sizes (d_model 12,288, d_head 128, 96 heads, 96 layers); per
head a query map, a key map, value-down and value-up, each 12,288 × 128 or
128 × 12,288 numbers; their sum per head, times 96 heads per layer, times 96
layers; then that total as a share of GPT-3's 175,181,291,520 parameters
(about a third), and the toy model's single head for contrast. Every number
comes from `attention_core.costs.count_parameters` or the toy model's tensors.
"""

from __future__ import annotations

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
    GrowFromEdge,
    Line,
    Mobject,
    MoveToTarget,
    Rectangle,
    RoundedRectangle,
    VGroup,
)

from attention_core import count_parameters, load_model
from attention_core.costs import GPT3, GPT3_TOTAL_PARAMETERS, ParameterCount
from scenes.kit import (
    SAFE,
    STAGE,
    THEME,
    ExplainerScene,
    Table,
    about,
    at_top,
    fmt_int,
    formula,
    label,
)


class MatrixCard(VGroup):
    """One of a head's four matrices: name, role, shape and parameter count."""

    def __init__(self, tex: str, role: str, rows: int, cols: int, count: int, color: str,
                 width: float = 2.7, height: float = 3.2):
        super().__init__()
        body = VGroup(formula(tex, size=THEME.title, colors={tex: color}),
                      label(role, THEME.small, color),
                      label(f"{fmt_int(rows)} \u00d7 {fmt_int(cols)}", THEME.body),
                      label(fmt_int(count), THEME.body, THEME.highlight))
        body.arrange(DOWN, buff=0.3)
        frame = RoundedRectangle(corner_radius=0.12, width=max(body.width + 0.4, width),
                                 height=max(body.height + 0.4, height), stroke_color=color,
                                 stroke_width=2)
        self.add(frame.move_to(body), body)


class HeadsBlock(VGroup):
    """GPT-3's heads as a block of cells: one column per head of a layer, one row per
    layer (lines, not 9,216 rectangles). `.layer` is the top row lit, `.fill` all rows."""

    def __init__(self, heads: int, layers: int, width: float, height: float):
        super().__init__()
        w, h = width / heads, height / layers
        lines = VGroup(*[Line([x, 0, 0], [x, -height, 0]) for x in np.arange(heads + 1) * w],
                       *[Line([0, -y, 0], [width, -y, 0]) for y in np.arange(layers + 1) * h])
        lines.set_stroke(THEME.muted, width=0.6, opacity=0.6)
        self.layer = Rectangle(width=width, height=h, stroke_width=0,
                               fill_color=THEME.highlight, fill_opacity=0.9)
        self.layer.move_to([width / 2, -h / 2, 0])
        self.fill = Rectangle(width=width, height=height, stroke_width=0,
                              fill_color=THEME.highlight, fill_opacity=0.3)
        self.fill.move_to([width / 2, -height / 2, 0])
        self.add(lines)


class CountingParameters(ExplainerScene):
    name = "counting_parameters"
    description = "GPT-3's attention parameters, counted matrix by matrix: about a third."
    key_moments = ("sizes", "per_head", "all_layers", "share", "toy")

    def construct(self) -> None:
        c = count_parameters(**GPT3)
        title = at_top(label("Counting attention parameters: GPT-3", THEME.heading))
        sizes = VGroup(*[VGroup(label(name, THEME.body, THEME.muted),
                                label(fmt_int(value), THEME.body)).arrange(RIGHT, buff=0.15)
                         for name, value in (("d_model", c.d_model), ("d_head", c.d_head),
                                             ("heads per layer", c.n_heads),
                                             ("layers", c.n_layers))])
        # first the four sizes as the frame's subject, each on a tile; then a strip at the top
        sizes.arrange(RIGHT, buff=0.6).next_to(title, DOWN, buff=0.3)
        sizes.generate_target()
        tiles = VGroup(*[RoundedRectangle(corner_radius=0.15, width=6.1, height=2.55,
                                          stroke_color=THEME.muted, stroke_width=1.5)
                         for _ in sizes]).arrange_in_grid(2, 2, buff=0.4)
        tiles.move_to([0, (title.get_bottom()[1] - 0.25 + STAGE.bottom) / 2, 0])
        for pair, tile in zip(sizes, tiles, strict=True):
            pair.scale(1.6).move_to(tile)
        self.narrate(f"GPT-3's numbers: embeddings of {fmt_int(c.d_model)} dimensions, heads "
                     f"with a {fmt_int(c.d_head)}-dimensional query/key space, "
                     f"{c.n_heads} heads in each of {c.n_layers} layers.")
        self.play(FadeIn(title), FadeIn(tiles), FadeIn(sizes, lag_ratio=0.2), run_time=2)
        self.moment("sizes")
        self.settle()
        self.play(FadeOut(tiles), MoveToTarget(sizes), run_time=1)

        cards, per_head, note = self.per_head(c, below=sizes)
        self.moment("per_head")
        self.settle()
        self.play(FadeOut(cards), run_time=0.6)

        self.ledger_rows = ledger(c)
        self.ledger_rows.move_to([SAFE.left, sizes.get_bottom()[1] - 1.45, 0], aligned_edge=LEFT)
        names = VGroup(label(f"one row: the {c.n_heads} heads of a layer", THEME.small,
                             THEME.muted),
                       label(f"all {c.n_layers} rows: every layer", THEME.small, THEME.muted))
        names.arrange(RIGHT, buff=0.5).move_to(
            [SAFE.right, self.ledger_rows.get_bottom()[1] - 0.35, 0], aligned_edge=RIGHT)
        top = names.get_bottom()[1] - 0.15
        grid = HeadsBlock(c.n_heads, c.n_layers, SAFE.width, top - note.get_top()[1] - 0.15)
        grid.move_to([SAFE.left, top, 0], aligned_edge=UP + LEFT)
        grid.layer.move_to(grid, UP), grid.fill.move_to(grid)
        self.narrate(f"{c.n_heads} heads side by side make one layer: "
                     f"{fmt_int(c.per_layer)} parameters.",
                     spoken=f"{c.n_heads} heads side by side make one layer: "
                            f"{about(c.per_layer)} parameters.")
        self.play(FadeTransform(per_head, self.ledger_rows.rows[0]), run_time=1.2)
        self.play(FadeIn(self.ledger_rows.rows[1], shift=DOWN * 0.2), Create(grid),
                  FadeIn(grid.layer), FadeIn(names[0]), run_time=1)
        self.settle()
        self.narrate(f"{c.n_layers} layers make the model: {fmt_int(c.total)} parameters "
                     "in attention alone.",
                     spoken=f"{c.n_layers} layers make the model: {about(c.total)} parameters "
                            "in attention alone.")
        self.play(FadeIn(self.ledger_rows.rows[2], shift=DOWN * 0.2), FadeIn(grid.fill),
                  FadeIn(names[1]), run_time=1)
        self.moment("all_layers")
        self.settle()

        self.share_bar = self.share(c, leaving=VGroup(note, grid, grid.layer, grid.fill, names))
        self.moment("share")
        self.settle()

        self.toy_contrast(c)
        self.moment("toy")
        self.settle()
        self.narrate("Same four kinds of matrix, same arithmetic: only the sizes differ.")
        self.settle(minimum=2)

    # ---------------------------------------------------------------------------------
    def per_head(self, c: ParameterCount, below: Mobject) -> tuple[VGroup, VGroup, Mobject]:
        """The four matrices of one head, then their sum; returns the cards (with their
        plus signs), the sum line and the footnote."""
        cards = VGroup(
            MatrixCard("W_Q", "query", c.d_model, c.d_head, c.query, THEME.query),
            MatrixCard("W_K", "key", c.d_model, c.d_head, c.key, THEME.key),
            MatrixCard(r"W_V^{\downarrow}", "value-down", c.d_model, c.d_head, c.value_down,
                       THEME.value),
            MatrixCard(r"W_V^{\uparrow}", "value-up", c.d_head, c.d_model, c.value_up,
                       THEME.value))
        tallest = max(card[0].height for card in cards)
        for card in cards:  # one frame height, so the row reads as one sum
            card[0].stretch_to_fit_height(tallest)
        cards.arrange(RIGHT, buff=0.55).next_to(below, DOWN, buff=0.4)
        pluses = VGroup(*[label("+", THEME.heading, THEME.muted).move_to(
            (a.get_right() + b.get_left()) / 2) for a, b in zip(cards[:-1], cards[1:],
                                                              strict=True)])
        total = VGroup(label("per head:", THEME.body, THEME.muted),
                       label(fmt_int(c.per_head), THEME.title, THEME.highlight))
        total.arrange(RIGHT, buff=0.3).next_to(cards, DOWN, buff=0.45)
        note = label("biases and layer norms left out, as in the lecture", THEME.small,
                     THEME.muted)
        note.move_to([0, STAGE.bottom + 0.1 + note.height / 2, 0])
        self.narrate(f"Each head has a query map and a key map, {fmt_int(c.d_model)} \u00d7 "
                     f"{fmt_int(c.d_head)}, and a value map split into value-down "
                     f"({fmt_int(c.d_model)} \u00d7 {fmt_int(c.d_head)}) and value-up "
                     f"({fmt_int(c.d_head)} \u00d7 {fmt_int(c.d_model)}).")
        self.play(FadeIn(cards, lag_ratio=0.3), FadeIn(pluses), FadeIn(note), run_time=3)
        self.settle()
        self.narrate(f"That is {fmt_int(c.query)} numbers for each matrix, "
                     f"{fmt_int(c.per_head)} per head.",
                     spoken=f"That is {about(c.query)} numbers for each matrix, "
                            f"{about(c.per_head)} per head.")
        self.play(FadeIn(total, shift=UP * 0.2))
        return VGroup(cards, pluses), total, note

    def share(self, c: ParameterCount, leaving: Mobject) -> VGroup:
        """Attention's parameters as a share of all of GPT-3's; returns the bar (frame, part)."""
        total = GPT3_TOTAL_PARAMETERS
        fraction = c.total / total
        width = 12.0
        frame = Rectangle(width=width, height=1.4, stroke_color=THEME.muted, stroke_width=1.5,
                          fill_color=THEME.reference, fill_opacity=0.6)
        frame.move_to([0, -1.45, 0])
        part = Rectangle(width=width * fraction, height=1.4, stroke_width=0,
                         fill_color=THEME.highlight, fill_opacity=0.85)
        part.align_to(frame, LEFT).align_to(frame, DOWN)
        left = label(f"attention: {fraction:.1%}, about a third", THEME.small, THEME.highlight)
        left.next_to(part, DOWN, buff=0.15).align_to(part, LEFT)
        right = label(f"all of GPT-3: {fmt_int(total)}", THEME.small, THEME.muted)
        right.next_to(frame, UP, buff=0.15).align_to(frame, RIGHT)
        rest = label("the rest: mostly the MLP blocks", THEME.tiny, THEME.muted)
        rest.next_to(frame, DOWN, buff=0.15).align_to(frame, RIGHT)
        self.narrate(f"Out of GPT-3's {fmt_int(total)} parameters, attention holds "
                     f"{fmt_int(c.total)}: {fraction:.1%}, about a third.",
                     spoken=f"GPT-3 has {about(total)} parameters in all; attention holds "
                            f"{about(c.total)} of them: {100 * fraction:.1f} percent, about a "
                            "third.")
        self.play(FadeOut(leaving), Create(frame), FadeIn(right), run_time=1)
        self.play(GrowFromEdge(part, LEFT), FadeIn(left), FadeIn(rest), run_time=1.5)
        self.share_labels = VGroup(left, right, rest)
        return VGroup(frame, part)

    def toy_contrast(self, c: ParameterCount) -> None:
        """The toy model's one head, counted from its own tensors."""
        model = load_model()
        h = model.head
        toy = count_parameters(model.d_model, h.w_q.shape[1], 1, 1)
        stored = sum(int(t.numel()) for t in (h.w_q, h.w_k, h.w_v, h.w_o))
        assert stored == toy.total, "the toy head's tensors disagree with count_parameters"
        line = VGroup(label("our toy model, one head:", THEME.small, THEME.muted),
                      label(f"4 matrices of {toy.d_model} \u00d7 {toy.d_head} = "
                            f"{fmt_int(toy.total)} parameters", THEME.small),
                      label(f"(GPT-3's attention: {fmt_int(c.total // toy.total)} times as many)",
                            THEME.small, THEME.muted))
        line.arrange(DOWN, buff=0.2, aligned_edge=LEFT).scale(THEME.body / THEME.small)
        card = RoundedRectangle(corner_radius=0.15, width=SAFE.width,
                                height=self.ledger_rows.get_bottom()[1] - 0.4 - STAGE.bottom,
                                stroke_color=THEME.muted, stroke_width=1.5)
        card.move_to([SAFE.x, STAGE.bottom + 0.1, 0], aligned_edge=DOWN)
        line.move_to(card)  # in the bar's place: the other end of the scale
        self.narrate(f"For contrast, the toy head in these clips: four {toy.d_model} \u00d7 "
                     f"{toy.d_head} matrices, {fmt_int(toy.total)} parameters in all.")
        self.play(FadeOut(self.share_bar), FadeOut(self.share_labels), run_time=0.6)
        self.play(FadeIn(card), FadeIn(line, shift=UP * 0.2))


def ledger(c: ParameterCount) -> Table:
    """Per head, per layer (× heads), all attention (× layers)."""
    rows = [[label("per head", THEME.body, THEME.muted), label("", THEME.body),
             label(fmt_int(c.per_head), THEME.body, THEME.highlight)],
            [label("per layer", THEME.body, THEME.muted),
             label(f"\u00d7 {c.n_heads} heads", THEME.small, THEME.muted),
             label(fmt_int(c.per_layer), THEME.body, THEME.highlight)],
            [label("all attention", THEME.body),
             label(f"\u00d7 {c.n_layers} layers", THEME.small, THEME.muted),
             label(fmt_int(c.total), THEME.title, THEME.highlight)]]
    return Table(rows, pitch=0.9, col_gap=0.6, align=["left", "right", "right"],
                 header_rule=False)
