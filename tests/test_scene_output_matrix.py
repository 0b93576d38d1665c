"""The output-matrix scene against the lecture layer's weight file read with safetensors
(tests/reference.py `head_maps`, `positional_forward`): every heat map entry in its own
square, every vector entry in its row, every count worked out here from the sizes."""

import re

import numpy as np
import pytest
from manim import Text

import reference
from scene_harness import find, run_scene, visible_texts
from scenes.kit import THEME, VectorColumn
from scenes.kit.heatmap import MatrixHeatmap, heat_fill
from scenes.output_matrix import OutputMatrix

P = OutputMatrix.params
MAPS = reference.head_maps("lecture_layer")  # per head: W_V↓ (d × d_h), W_V↑ (d_h × d)
W_O = reference.stored("lecture_layer")[0]["blocks.0.out_proj.weight"].T  # concat(heads) @ W_O
D, D_HEAD = MAPS[0].value_down.shape
GPT3_D_MODEL, GPT3_D_HEAD = 12_288, 128
TOL = {"rtol": 1e-5, "atol": 1e-6}  # float32 core against float64 reference


@pytest.fixture(scope="module")
def run():
    return run_scene(OutputMatrix)


@pytest.fixture(scope="module")
def ref():
    stack = reference.positional_forward("lecture_layer", P.sentence)
    return stack, stack.tokens.index(P.focus)


def by_x(mobjects):
    return sorted(mobjects, key=lambda m: m.get_x())


def assert_squares(heatmap, expected, scale):
    """heatmap shows `expected`: entry (i, j) in the square of row i, column j, tinted
    for that entry on the colour scale `scale`."""
    np.testing.assert_allclose(heatmap.values, expected, **TOL)
    assert heatmap.color_scale == pytest.approx(scale, rel=1e-6)
    rows, cols = expected.shape
    side = heatmap.cell(0, 0).width
    corner = heatmap.frame.get_corner(np.array([-1, 1, 0]))
    for i in range(rows):
        for j in range(cols):
            square = heatmap.cell(i, j)
            np.testing.assert_allclose(square.get_center()[:2],
                                       corner[:2] + side * np.array([j + 0.5, -(i + 0.5)]),
                                       atol=1e-6)
            want = heat_fill(expected[i, j], scale, THEME.value)
            assert square.get_fill_color().to_hex().upper() == want.upper()


def test_value_down_times_value_up_is_a_low_rank_map(run):
    head = MAPS[P.head]
    product = head.value_down @ head.value_up
    scale = max(max(np.abs(m.value_down).max(), np.abs(m.value_up).max()) for m in MAPS)
    down, up, whole = by_x(find(run.at("low_rank"), MatrixHeatmap))
    assert_squares(down, head.value_down, scale)  # one scale for every down / up entry
    assert_squares(up, head.value_up, scale)
    assert_squares(whole, product, np.abs(product).max())
    for heatmap, expected in ((down, head.value_down), (up, head.value_up), (whole, product)):
        rows, cols = expected.shape
        assert heatmap.shape_label.original_text == f"{rows} \u00d7 {cols}"
        assert heatmap.shape_label.get_top()[1] < heatmap.frame.get_bottom()[1]
    ranks = [int(np.linalg.matrix_rank(m.value_down @ m.value_up)) for m in MAPS]
    assert ranks[P.head] == D_HEAD < D  # everything passes through d_head numbers
    texts = visible_texts(run.at("low_rank"))
    assert f"rank = {ranks[P.head]}" in texts
    assert f"{D} numbers \u2192 {D_HEAD} numbers \u2192 {D} numbers" in texts  # the bottleneck
    assert f"(torch.linalg.matrix_rank; heads: {', '.join(map(str, ranks))})" in texts


def test_parameter_savings_are_counted(run):
    lines = visible_texts(run.at("savings"))
    panel = lines[lines.index("numbers to learn per head"):]
    assert panel[:8] == [
        "numbers to learn per head",
        f"one {D} \u00d7 {D} map: {D * D:,}",
        f"down + up: {D}\u00b7{D_HEAD} + {D_HEAD}\u00b7{D} = {2 * D * D_HEAD:,}",
        f"GPT-3: d_model {GPT3_D_MODEL:,},",
        f"d_head {GPT3_D_HEAD:,}",
        f"one map: {GPT3_D_MODEL * GPT3_D_MODEL:,}",
        f"down + up: {2 * GPT3_D_MODEL * GPT3_D_HEAD:,}",
        f"{GPT3_D_MODEL * GPT3_D_MODEL // (2 * GPT3_D_MODEL * GPT3_D_HEAD)}\u00d7 fewer",
    ]


def test_one_value_goes_down_to_d_head_numbers_and_back_up(run, ref):
    stack, i = ref
    x = stack.inputs[i]  # [E | P] of the focus word
    small = x @ MAPS[P.head].value_down
    big = small @ MAPS[P.head].value_up
    columns = by_x(find(run.at("one_value"), VectorColumn))
    titles = [f"{P.focus}: E | P", f"{D_HEAD} numbers", f"value: {D}"]
    for column, expected, title in zip(columns, (x, small, big), titles, strict=True):
        assert column.title.original_text == title
        np.testing.assert_allclose([n.value for n in column.entries], expected, **TOL)
        ys = [n.get_y() for n in column.entries]
        assert ys == sorted(ys, reverse=True)  # entry k in row k, top to bottom


def test_stacked_value_up_blocks_are_the_files_out_proj(run):
    mobjects = run.at("output_matrix")
    stacked, torch_side = by_x([m for m in find(mobjects, MatrixHeatmap)
                                if m.values.shape == (D, D)])
    np.testing.assert_array_equal(stacked.values, W_O)  # the core's stack of the heads' W_V↑
    np.testing.assert_array_equal(torch_side.values, W_O)
    assert "torch.equal(W_O, out_proj.weight\u1d40) = True" in visible_texts(mobjects)
    texts = [t for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]
    for h in range(len(MAPS)):  # "head h" beside its own D_HEAD rows, a rule between blocks
        rows = stacked.rows_group(D_HEAD * h, D_HEAD * (h + 1))
        (tag,) = [t for t in texts if t.original_text == f"head {h + 1}"
                  and t.get_right()[0] < stacked.frame.get_left()[0]]
        assert tag.get_y() == pytest.approx(rows.get_y(), abs=1e-6)
        if h:
            assert stacked.breaks[h - 1].get_y() == pytest.approx(
                stacked.cell(D_HEAD * h, 0).get_top()[1], abs=1e-6)


def test_concat_times_w_o_is_the_sum_of_the_heads_updates(run, ref):
    stack, i = ref
    heads = stack.heads[0]
    concat = np.concatenate([h.weights[i] @ h.values for h in heads])  # each head's a_h
    total = sum(h.delta[i] for h in heads)  # ΔE₁ + ΔE₂ + ΔE₃
    mobjects = run.at("concat")
    shown_cat, shown_result, shown_sum = by_x(find(mobjects, VectorColumn))
    (stacked,) = [m for m in find(mobjects, MatrixHeatmap) if m.values.shape == (D, D)]
    for column, expected in ((shown_cat, concat), (shown_result, concat @ W_O),
                             (shown_sum, total)):
        np.testing.assert_allclose([n.value for n in column.entries], expected,
                                   rtol=1e-5, atol=1e-5)
    for k, entry in enumerate(shown_cat.entries):  # entry k scales row k of W_O
        assert entry.get_y() == pytest.approx(stacked.cell(k, 0).get_y(), abs=1e-6)
    texts = visible_texts(mobjects)
    (gap,) = [m for m in (re.fullmatch(r"largest difference: (\S+) \(float rounding\)", t)
                          for t in texts) if m]
    assert 0 <= float(gap[1]) < 1e-5
    assert "The usual mistake: skipping the output projection W_O." in texts
