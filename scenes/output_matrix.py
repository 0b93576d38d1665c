"""The output matrix: each head's value map is value-down then value-up, and the
value-up blocks of all heads, stacked, are the layer's output matrix W_O.

Script: one head's value map as two small matrices, W_V↓ (12 × 4) then W_V↑
(4 × 12), whose product is a 12 × 12 map of rank 4; what that saves (here and in
GPT-3); one word's value going down to 4 numbers and back up to 12; the three
heads' value-up blocks stacked into W_O, which is exactly torch's
out_proj.weightᵀ; and concat(head outputs) · W_O = ΔE₁ + ΔE₂ + ΔE₃. Skipping
W_O (the usual mistake) would add head-space numbers to an embedding. Every
matrix and number comes from `load_lecture_layer()` and `count_parameters`.
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
    Arrow,
    Dot,
    FadeIn,
    FadeOut,
    Mobject,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from attention_core import count_parameters
from attention_core.costs import GPT3
from attention_core.multihead import MultiHeadAttention
from attention_core.transformer import PositionalModel, StackTrace, load_lecture_layer
from scenes.kit import (
    SAFE,
    STAGE,
    SUB,
    THEME,
    ExplainerScene,
    HeatLegend,
    MatrixHeatmap,
    Region,
    VectorColumn,
    about,
    at_top,
    fmt_int,
    formula,
    label,
)
from scenes.kit.layout import spread_row
from scenes.kit.wrap import WrappedText

DOWN_TEX, UP_TEX = r"W_V^{\downarrow}", r"W_V^{\uparrow}"
# sizes at which scripts draw >= 20 px: LaTeX with sub/superscripts, and a label with a
# Unicode script (weightᵀ, a₁, ΔE₁), whose script draws at ~55% of its capitals
FORMULA = 32
SCRIPTED = 28
# W_O's cell: its 12 rows and shape span half the frame's height, the main picture
W_O_CELL = 0.315


@dataclass(frozen=True)
class OutputMatrixParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "a fluffy blue mole roamed the verdant forest"
    focus: str = "mole"
    head: int = 0  # the head whose value map is taken apart first


@dataclass(frozen=True)
class LowRank:
    """W_V↓ · W_V↑ = the whole value map, as drawn: `shown` is all of it, `product` the
    right-hand side with its name and legend (it leaves after `savings`), `rank` the
    lines under value-up that the counts replace; `up` is the value-up heat map, `legend`
    the shared colour scale under value-down, `room` the free space under value-up."""

    shown: VGroup
    product: VGroup
    rank: VGroup
    up: MatrixHeatmap
    legend: VGroup
    room: Region


@dataclass(frozen=True)
class Stacked:
    """W_O as drawn: the stacked heat map, its head tags, its name, and the torch side
    (out_proj.weightᵀ, the check and the legend) that leaves before the concatenation."""

    w_o: MatrixHeatmap
    head_tags: VGroup
    name: VGroup
    torch_side: VGroup


def tex(text: str, color: str, size: float = FORMULA):
    return formula(text, size=size, colors={text: color})


class OutputMatrix(ExplainerScene):
    name = "output_matrix"
    description = "Value-down then value-up (rank 4); the heads' value-up blocks stacked are W_O."
    key_moments = ("low_rank", "savings", "one_value", "output_matrix", "concat")
    params = OutputMatrixParams()

    def construct(self) -> None:
        p = self.params
        layer = load_lecture_layer()
        mha = layer.layers[0]
        trace = layer.run(p.sentence)
        i = trace.position(p.focus)
        # one colour scale for every value-down / value-up entry, so blocks compare
        scale = float(max(max(h.w_v.abs().max(), h.w_o.abs().max()) for h in mha.heads))

        title = at_top(label("The output matrix: value as a low-rank map", THEME.heading))
        self.top = title.get_bottom()[1] - 0.15  # where the pictures under the title begin
        self.play(FadeIn(title), run_time=0.8)
        low_rank = self.low_rank(mha, scale)
        self.moment("low_rank")
        self.settle()

        savings = self.savings(mha, low_rank)
        self.moment("savings")
        self.settle()

        self.play(FadeOut(savings), FadeOut(low_rank.product), run_time=0.6)
        flow = self.one_value(trace, mha, i, low_rank)
        self.moment("one_value")
        self.settle()

        self.play(FadeOut(low_rank.shown), FadeOut(flow), run_time=0.8)
        stacked = self.output_matrix(layer, scale, below=title)
        self.moment("output_matrix")
        self.settle()

        self.concat(trace, mha, i, stacked)
        self.moment("concat")
        self.settle(minimum=2)

    # ---------------------------------------------------------------------------------
    def low_rank(self, mha: MultiHeadAttention, scale: float) -> LowRank:
        """W_V↓ · W_V↑ = the product, at W_O's cell: down's and the product's 12 rows span
        half the frame, and the value-up block is drawn as W_O will stack it. The three
        hang from one line across the safe width; under the short value-up block is the
        room for what the moment says (12 → 4 → 12, the rank, later the counts)."""
        p = self.params
        head = mha.heads[p.head]
        d, d_h = head.w_v.shape
        down = MatrixHeatmap(head.w_v.numpy(), THEME.value, cell=W_O_CELL, scale=scale)
        up = MatrixHeatmap(head.w_o.numpy(), THEME.value, cell=W_O_CELL, scale=scale)
        whole = MatrixHeatmap((head.w_v @ head.w_o).numpy(), THEME.value, cell=W_O_CELL)
        ranks = [int(torch.linalg.matrix_rank(h.w_v @ h.w_o)) for h in mha.heads]
        dot = Dot(radius=0.06, color=THEME.muted)  # the product sign: a glyph would be a speck
        eq = label("=", THEME.heading, THEME.muted)
        names = VGroup(*[VGroup(tex(t, THEME.value), label(n, THEME.tiny, THEME.value))
                         .arrange(DOWN, buff=0.08) for t, n in (
                             (DOWN_TEX, "value-down"), (UP_TEX, "value-up"),
                             (DOWN_TEX + UP_TEX, "the whole value map"))])
        # across the safe width, frames' tops on one line under the names
        row = VGroup(*spread_row([down, dot, up, eq, whole]))
        top = self.top - max(n.height for n in names) - 0.2
        for m in (down, up, whole):
            m.shift(UP * (top - m.frame.get_top()[1]))
        for sign in (dot, eq):
            sign.set_y(up.frame.get_y())
        for name, mat in zip(names, (down, up, whole), strict=True):
            name.next_to(mat.frame, UP, buff=0.2)
        names[0].align_to(down.frame, LEFT)  # wider than its 4 columns: keep it inside SAFE
        legend = VGroup(HeatLegend(scale, THEME.value, width=1.6),
                        label("every value-down / value-up entry", THEME.tiny, THEME.muted))
        legend.arrange(DOWN, buff=0.08).next_to(down.shape_label, DOWN, buff=0.1)
        legend.align_to(down.frame, LEFT)
        p_legend = HeatLegend(whole.color_scale, THEME.value, width=1.6).beside(whole, buff=0.1)
        # what the moment says, in the room under value-up: the bottleneck and the rank
        rank = VGroup(label(f"{d} numbers \u2192 {d_h} numbers \u2192 {d} numbers", THEME.body,
                            THEME.value),
                      label(f"rank = {ranks[p.head]}", THEME.heading, THEME.highlight),
                      label(f"(torch.linalg.matrix_rank; heads: "
                            f"{', '.join(map(str, ranks))})", THEME.tiny, THEME.muted))
        rank.arrange(DOWN, buff=0.3)
        rank.move_to([(down.frame.get_right()[0] + whole.frame.get_left()[0]) / 2,
                      (up.shape_label.get_bottom()[1] + STAGE.bottom) / 2, 0])

        self.narrate(f"In head {p.head + 1} a word's value is not one {d} \u00d7 {d} matrix but "
                     f"two: value-down W_V\u2193 ({d} \u2192 {d_h} numbers), then value-up "
                     f"W_V\u2191 ({d_h} \u2192 {d}).")
        self.play(FadeIn(down), FadeIn(names[0]), run_time=1)
        self.play(FadeIn(dot), FadeIn(up), FadeIn(names[1]), FadeIn(legend), run_time=1)
        self.settle()
        self.narrate(f"Their product is a {d} \u00d7 {d} map, but everything passes through "
                     f"{d_h} numbers: its rank is {ranks[p.head]}, a low-rank map.")
        self.play(FadeIn(eq), FadeIn(whole), FadeIn(names[2]), FadeIn(p_legend),
                  FadeIn(rank[0]), run_time=1.2)
        self.play(FadeIn(rank[1:], shift=UP * 0.1), run_time=0.8)
        room = Region(down.frame.get_right()[0] + 0.3, whole.frame.get_left()[0] - 0.3,
                      STAGE.bottom, up.shape_label.get_bottom()[1] - 0.2)
        return LowRank(VGroup(row, names, legend, p_legend, rank),
                       VGroup(eq, whole, names[2], p_legend), rank, up, legend, room)

    def savings(self, mha: MultiHeadAttention, low: LowRank) -> VGroup:
        """Parameters per head: one d × d map against down + up, here and in GPT-3, in the
        room under value-up (the rank has been said: its lines give way)."""
        d, d_h = mha.heads[0].w_v.shape
        toy = count_parameters(d, d_h, mha.n_heads, 1)
        gpt = count_parameters(**GPT3)
        toy_counts = (toy.value_down + toy.value_up, d * d)
        gpt_counts = (gpt.value_down + gpt.value_up, gpt.d_model**2)
        rows = VGroup(
            label("numbers to learn per head", THEME.small, THEME.muted),
            label(f"one {d} \u00d7 {d} map: {fmt_int(d * d)}", THEME.small),
            label(f"down + up: {d}\u00b7{d_h} + {d_h}\u00b7{d} = {fmt_int(toy_counts[0])}",
                  THEME.small, THEME.value),
            label(f"GPT-3: d_model {fmt_int(gpt.d_model)},", THEME.small, THEME.muted),
            label(f"d_head {fmt_int(gpt.d_head)}", THEME.small, THEME.muted),
            label(f"one map: {fmt_int(gpt.d_model**2)}", THEME.small),
            label(f"down + up: {fmt_int(gpt_counts[0])}", THEME.small, THEME.value),
            label(f"{gpt_counts[1] / gpt_counts[0]:.0f}\u00d7 fewer", THEME.body,
                  THEME.highlight))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        rows[3:].shift(DOWN * 0.15)
        rows.move_to([low.room.x, low.room.top - rows.height / 2, 0])
        rows.shift(RIGHT * max(low.legend.get_right()[0] + 0.4 - rows.get_left()[0], 0))
        self.narrate(f"It also saves parameters: {fmt_int(toy_counts[0])} numbers instead "
                     f"of {fmt_int(toy_counts[1])} here; in GPT-3, "
                     f"{fmt_int(gpt_counts[0])} instead of {fmt_int(gpt_counts[1])}.",
                     spoken=f"It also saves parameters: {toy_counts[0]} numbers instead of "
                            f"{toy_counts[1]} here; in GPT-3, {about(gpt_counts[0])} instead of "
                            f"{about(gpt_counts[1])}.")
        self.play(FadeOut(low.rank), run_time=0.5)
        self.play(FadeIn(rows, lag_ratio=0.15), run_time=2)
        return rows

    def one_value(self, trace: StackTrace, mha: MultiHeadAttention, i: int,
                  low: LowRank) -> VGroup:
        """The focus word's [E | P] down to d_head numbers and back up to d_model, in the
        product's place right of value-up; why mixing comes first, under value-up."""
        p = self.params
        x = trace.inputs[i]
        small = trace.layers[0].heads[p.head].values[i]  # value-down: d_h numbers
        big = small @ mha.heads[p.head].w_o  # value-up: back to d_model
        d_h, d = small.shape[0], x.shape[0]
        cols = VGroup(*[VectorColumn(v.numpy(), color, title, decimals=1, size=THEME.small,
                                     buff=0.1)
                        for v, color, title in ((x, THEME.embedding, f"{p.focus}: E | P"),
                                                (small, THEME.value, f"{d_h} numbers"),
                                                (big, THEME.value, f"value: {d}"))])
        cols.arrange(RIGHT, buff=0.65)
        arrows = VGroup()
        for a, b, t_ in ((cols[0], cols[1], DOWN_TEX), (cols[1], cols[2], UP_TEX)):
            arrow = Arrow(a.get_right(), b.get_left(), buff=0.1, color=THEME.value,
                          stroke_width=3, max_tip_length_to_length_ratio=0.2)
            arrows.add(VGroup(arrow, tex(t_, THEME.value).next_to(arrow, UP, 0.05)))
        flow = VGroup(cols, arrows)
        left = low.up.frame.get_right()[0] + 0.4
        flow.move_to([(left + SAFE.right) / 2, (self.top + STAGE.bottom) / 2, 0])
        flow.shift(LEFT * max(flow.get_right()[0] - SAFE.right, 0))
        note = WrappedText(f"In the head, the weights mix the {d_h}-number values first; "
                           "value-up is linear, so mixing before or after it is the same.",
                           flow.get_left()[0] - 0.4 - low.room.left, THEME.small, THEME.muted)
        note.move_to([low.room.left + note.width / 2, low.room.top - note.height / 2, 0])
        flow.add(note)
        self.narrate(f"One word's value: {p.focus}'s {d} numbers (word and position) go down to "
                     f"{d_h} numbers, and value-up brings them back to {d}, in the embedding "
                     "space.")
        self.play(FadeIn(cols[0]), run_time=0.8)
        self.play(FadeIn(arrows[0]), FadeIn(cols[1], shift=RIGHT * 0.2), run_time=1)
        self.play(FadeIn(arrows[1]), FadeIn(cols[2], shift=RIGHT * 0.2), run_time=1)
        self.play(FadeIn(note), run_time=0.6)
        return flow

    def output_matrix(self, layer: PositionalModel, scale: float, below: Mobject) -> Stacked:
        """The heads' value-up blocks, then stacked into W_O, beside torch's out_proj.weightᵀ."""
        mha = layer.layers[0]
        d_h = mha.heads[0].w_o.shape[0]
        blocks = VGroup()
        for h, head in enumerate(mha.heads):
            block = MatrixHeatmap(head.w_o.numpy(), THEME.value, cell=W_O_CELL, scale=scale)
            name = VGroup(tex(UP_TEX, THEME.value),
                          label(f"head {h + 1}", THEME.tiny, THEME.muted))
            name.arrange(RIGHT, buff=0.12).next_to(block.frame, UP, buff=0.12)
            blocks.add(VGroup(block, name))
        blocks.arrange(RIGHT, buff=0.4).next_to(below, DOWN, buff=0.5)
        self.narrate(f"Every head has its own value-up block, {d_h} \u00d7 "
                     f"{layer.d_model}. Stacked on top of each other, they form one "
                     "matrix: the output matrix W_O.")
        self.play(FadeIn(blocks, lag_ratio=0.2), run_time=1.5)
        self.settle()

        breaks = [d_h * (h + 1) - 1 for h in range(mha.n_heads - 1)]
        w_o = MatrixHeatmap(mha.output_matrix.numpy(), THEME.value, cell=W_O_CELL, scale=scale,
                            row_breaks=breaks)
        torch_w = layer.modules[0].out_proj.weight.detach().T
        torch_map = MatrixHeatmap(torch_w.numpy(), THEME.value, cell=W_O_CELL, scale=scale)
        same = bool(torch.equal(mha.output_matrix, torch_w))
        pair = VGroup(w_o, label("=", THEME.heading, THEME.muted), torch_map)
        pair.arrange(RIGHT, buff=0.5).move_to(DOWN * 0.3)
        w_name = VGroup(formula("W_O", size=FORMULA),
                        label("value-up blocks stacked", THEME.tiny, THEME.output))
        w_name.arrange(DOWN, buff=0.06).next_to(w_o.frame, UP, buff=0.1)
        t_name = VGroup(label("torch: out_proj.weight\u1d40", SCRIPTED, THEME.muted),
                        label("(nn.MultiheadAttention)", THEME.tiny, THEME.muted))
        t_name.arrange(DOWN, buff=0.06).next_to(torch_map.frame, UP, buff=0.1)
        tags = VGroup(*[label(f"head {h + 1}", THEME.tiny, THEME.muted).next_to(
            w_o.rows_group(d_h * h, d_h * (h + 1)), LEFT, buff=0.15)
            for h in range(mha.n_heads)])
        check = label(f"torch.equal(W_O, out_proj.weight\u1d40) = {same}", SCRIPTED,
                      THEME.output if same else THEME.value)
        legend = HeatLegend(scale, THEME.value, width=1.6)
        # the check and the colour scale share the one line under the pair
        VGroup(check, legend).arrange(RIGHT, buff=0.8).next_to(pair, DOWN, buff=0.15)
        drawn = VGroup(pair, w_name, t_name, tags, check, legend)
        drawn.shift(UP * (self.top + 0.05 - drawn.get_top()[1]))  # all of it under the title
        self.narrate("Stacked, the three blocks are exactly the matrix torch calls "
                     "out_proj.weight (transposed): nothing is lost by speaking of each head "
                     "on its own.",
                     spoken="Stacked, the three blocks are exactly the matrix torch keeps as "
                            "the output projection's weight, transposed: nothing is lost by "
                            "speaking of each head on its own.")
        targets = [w_o.rows_group(d_h * h, d_h * (h + 1)) for h in range(mha.n_heads)]
        self.play(*[ReplacementTransform(b[0].cells, t) for b, t in zip(blocks, targets,
                                                                        strict=True)],
                  *[FadeOut(VGroup(b[0].frame, b[0].shape_label, b[1])) for b in blocks],
                  run_time=1.8)
        self.add(w_o)
        self.play(FadeIn(tags), FadeIn(w_name), run_time=0.8)
        self.play(FadeIn(pair[1]), FadeIn(torch_map), FadeIn(t_name), FadeIn(check),
                  FadeIn(legend), run_time=1.2)
        return Stacked(w_o, tags, w_name, VGroup(pair[1], torch_map, t_name, check, legend))

    def concat(self, trace: StackTrace, mha: MultiHeadAttention, i: int,
               stacked: Stacked) -> None:
        """concat(a₁, a₂, a₃) · W_O: each head's 4 numbers scale its own block of rows."""
        p, w_o = self.params, stacked.w_o
        heads = trace.layers[0].heads
        mixed = [h.weights[i] @ h.values for h in heads]  # each head's mixed value, d_h numbers
        cat = torch.cat(mixed)
        result = cat @ mha.output_matrix
        total = torch.stack([h.delta[i] for h in heads]).sum(0)
        max_gap = float((result - total).abs().max())
        cell = w_o.cell(0, 0).height
        d_h = mha.heads[0].w_o.shape[0]

        # lay everything out around W_O where it is, then centre the whole row
        cat_col = pitched_column(cat.numpy(), THEME.value, cell)
        cat_col.next_to(w_o.frame, LEFT, buff=0.25)
        for k, entry in enumerate(cat_col.entries):
            entry.set_y(w_o.cell(k, 0).get_y())
        cat_name = VGroup(label("concat", THEME.small, THEME.value),
                          label(" ".join("a" + SUB[h] for h in range(len(heads))), SCRIPTED,
                                THEME.value)).arrange(DOWN, buff=0.08)
        cat_name.next_to(cat_col, UP, buff=0.15)
        tag_targets = stacked.head_tags.copy().next_to(cat_col, LEFT, buff=0.2)
        result_col = pitched_column(result.numpy(), THEME.output, cell)
        total_col = pitched_column(total.numpy(), THEME.output, cell)
        eq1, eq2 = label("=", THEME.heading, THEME.muted), label("=", THEME.heading, THEME.muted)
        tail = VGroup(eq1, result_col, eq2, total_col).arrange(RIGHT, buff=0.7)
        tail.next_to(w_o.frame, RIGHT, buff=0.35)
        for sign in (eq1, eq2):
            sign.set_y(w_o.frame.get_y())
        r_name = label("concat \u00b7 W_O", THEME.small, THEME.output)
        r_name.next_to(result_col, UP, buff=0.15)
        s_name = label(" + ".join("\u0394E" + SUB[h] for h in range(len(heads))), SCRIPTED,
                       THEME.output)
        s_name.next_to(total_col, UP, buff=0.15)
        s_name.align_to(r_name, UP)  # both start with a capital: baselines agree
        new = VGroup(cat_col, cat_name, tail, r_name, s_name)
        shift = RIGHT * -VGroup(tag_targets, new).get_center()[0]
        new.shift(shift)
        tag_targets.shift(shift)
        gap = label(f"largest difference: {max_gap:.0e} (float rounding)", THEME.tiny,
                    THEME.muted)
        gap.next_to(VGroup(result_col, total_col), DOWN, buff=0.25)

        self.play(FadeOut(stacked.torch_side), FadeOut(stacked.name[1]), run_time=0.6)
        self.play(VGroup(w_o, stacked.name[0]).animate.shift(shift),
                  Transform(stacked.head_tags, tag_targets), run_time=1)
        self.narrate(f"For '{p.focus}', each head mixes its values into {d_h} numbers a\u2095. "
                     f"Concatenated they are {len(cat)} numbers; entry k scales row k of W_O, "
                     "and the rows add up.")
        self.play(FadeIn(cat_col), FadeIn(cat_name), run_time=1)
        boxes = VGroup(*[SurroundingRectangle(
            VGroup(cat_col.entries[d_h * h: d_h * (h + 1)], w_o.rows_group(d_h * h, d_h * (h + 1))),
            color=THEME.highlight, buff=0.04, stroke_width=2) for h in range(len(heads))])
        self.play(FadeIn(boxes, lag_ratio=0.4), run_time=1.5)
        self.play(FadeOut(boxes), FadeIn(eq1), FadeIn(result_col), FadeIn(r_name), run_time=1)
        self.settle()
        self.narrate(f"The result is the sum of the {len(heads)} heads' \u0394E: each head's "
                     f"{d_h} numbers only ever meet its own value-up block.")
        self.play(FadeIn(eq2), FadeIn(total_col), FadeIn(s_name), FadeIn(gap), run_time=1.2)
        self.settle()
        mistake = VGroup(
            label("The usual mistake: skipping the output projection W_O.", THEME.small,
                  THEME.query),
            label("Concatenated, they are numbers in the heads' own small spaces, not yet "
                  "an update of E: W_O carries them back.", THEME.tiny, THEME.muted))
        mistake.arrange(DOWN, buff=0.08)
        mistake.move_to([0, STAGE.bottom + 0.05 + mistake.height / 2, 0])
        self.narrate("The usual mistake is to skip W_O: the concatenated head outputs are "
                     "not an update of the embedding until W_O carries them back.")
        self.play(FadeIn(mistake, lag_ratio=0.2), run_time=1)


def pitched_column(values: np.ndarray, color: str, pitch: float) -> VectorColumn:
    """A VectorColumn whose entries sit `pitch` apart, to line up with a heat map's rows."""
    h = VectorColumn(values, color, decimals=1).entries[0].height
    return VectorColumn(values, color, decimals=1, buff=max(pitch - h, 0.02))
