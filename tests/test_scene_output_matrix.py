"""What the output-matrix scene shows is what the lecture layer's weights are."""

import numpy as np
import pytest
import torch

from attention_core import count_parameters
from attention_core.costs import GPT3
from attention_core.transformer import load_lecture_layer
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import THEME, VectorColumn, fmt_int
from scenes.kit.heatmap import MatrixHeatmap, heat_fill
from scenes.output_matrix import OutputMatrix, OutputMatrixParams

P = OutputMatrixParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(OutputMatrix)


@pytest.fixture(scope="module")
def layer():
    return load_lecture_layer()


def torch_weights(layer):
    """Value-down / value-up of each head, sliced straight out of the torch module."""
    mha = layer.modules[0]
    d = mha.embed_dim
    d_h = d // mha.num_heads
    w_v = mha.in_proj_weight.detach()[2 * d: 3 * d]  # (d, d): rows are output features
    w_out = mha.out_proj.weight.detach().T  # (d, d): concat(heads) @ w_out
    return [(w_v[h * d_h: (h + 1) * d_h].T, w_out[h * d_h: (h + 1) * d_h])
            for h in range(mha.num_heads)], w_out


def test_value_down_times_value_up_is_a_rank_4_map(run, layer):
    heads, _ = torch_weights(layer)
    down, up = heads[P.head]
    maps = find(run.at("low_rank"), MatrixHeatmap)
    assert len(maps) == 3
    shown_down, shown_up, shown_product = maps
    assert_close(shown_down.values, down)
    assert_close(shown_up.values, up)
    assert_close(shown_product.values, down @ up, atol=1e-5)
    assert shown_down.values.shape == (12, 4) and shown_up.values.shape == (4, 12)
    rank = int(torch.linalg.matrix_rank(down @ up))
    assert rank == down.shape[1] == 4
    texts = visible_texts(run.at("low_rank"))
    assert f"rank = {rank}" in texts
    assert {"12 \u00d7 4", "4 \u00d7 12", "12 \u00d7 12"} <= set(texts)
    # each cell's tint is the tint of the entry it stands for
    for m in maps:
        for k, cell in enumerate(m.cells):
            v = m.values.flat[k]
            assert cell.get_fill_color().to_hex().upper() == heat_fill(v, m.color_scale,
                                                                       THEME.value).upper()


def test_parameter_savings_are_counted(run, layer):
    d, d_h = layer.d_model, layer.layers[0].heads[0].w_v.shape[1]
    toy = count_parameters(d, d_h, 3, 1)
    gpt = count_parameters(**GPT3)
    texts = visible_texts(run.at("savings"))
    assert f"one {d} \u00d7 {d} map: {d * d}" in texts
    assert f"down + up: {d}\u00b7{d_h} + {d_h}\u00b7{d} = {toy.value_down + toy.value_up}" in texts
    assert f"one map: {fmt_int(12_288 ** 2)}" in texts
    assert f"down + up: {fmt_int(gpt.value_down + gpt.value_up)}" in texts
    assert gpt.value_down + gpt.value_up == 2 * 12_288 * 128
    assert f"{12_288 ** 2 // (2 * 12_288 * 128)}\u00d7 fewer" in texts


def test_one_value_goes_down_to_4_numbers_and_back_up(run, layer):
    trace = layer.run(P.sentence)
    i = trace.tokens.index(P.focus)
    heads, _ = torch_weights(layer)
    down, up = heads[P.head]
    cols = find(run.at("one_value"), VectorColumn)
    x, small, big = cols
    assert_close(x.values, trace.inputs[i])
    assert_close(small.values, trace.inputs[i] @ down, atol=1e-5)
    assert_close(small.values, trace.layers[0].heads[P.head].values[i], atol=1e-5)
    assert_close(big.values, (trace.inputs[i] @ down) @ up, atol=1e-5)
    assert (len(x.values), len(small.values), len(big.values)) == (12, 4, 12)


def test_stacked_value_up_blocks_are_torchs_out_proj(run, layer):
    heads, w_out = torch_weights(layer)
    maps = find(run.at("output_matrix"), MatrixHeatmap)
    stacked = [m for m in maps if m.values.shape == (12, 12)]
    assert len(stacked) == 2
    for m in stacked:
        assert_close(m.values, w_out)
    assert_close(np.vstack([up.numpy() for _, up in heads]), w_out)
    assert torch.equal(layer.layers[0].output_matrix, w_out)
    assert "torch.equal(W_O, out_proj.weight\u1d40) = True" in visible_texts(
        run.at("output_matrix"))


def test_concat_times_w_o_is_the_sum_of_the_heads_updates(run, layer):
    trace = layer.run(P.sentence)
    i = trace.tokens.index(P.focus)
    x = trace.inputs[None]
    with torch.no_grad():
        out, _ = layer.modules[0](x, x, x)  # torch's own layer output
    heads, w_out = torch_weights(layer)
    cat = torch.cat([h.weights[i] @ (trace.inputs @ down)
                     for h, (down, _) in zip(trace.layers[0].heads, heads, strict=True)])
    cols = find(run.at("concat"), VectorColumn)
    assert len(cols) == 3
    shown_cat, shown_result, shown_sum = cols
    assert_close(shown_cat.values, cat, atol=1e-5)
    assert_close(shown_result.values, out[0, i], atol=1e-4)
    assert_close(shown_result.values, cat @ w_out, atol=1e-4)
    assert_close(shown_sum.values, sum(h.delta[i] for h in trace.layers[0].heads), atol=1e-5)
    texts = " ".join(visible_texts(run.at("concat")))
    assert "skipping the output projection" in texts
