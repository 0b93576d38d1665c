"""The parameter-counting scene: every count on screen, recomputed here from GPT-3's sizes."""

import pytest

from attention_core import load_model
from scene_harness import find, run_scene, visible_texts
from scenes.counting_parameters import CountingParameters, MatrixCard
from scenes.kit import fmt_int

D_MODEL, D_HEAD, HEADS, LAYERS = 12_288, 128, 96, 96
GPT3_TOTAL = 175_181_291_520


@pytest.fixture(scope="module")
def run():
    return run_scene(CountingParameters)


def test_sizes_on_screen(run):
    texts = visible_texts(run.at("sizes"))
    for value in (D_MODEL, D_HEAD, HEADS, LAYERS):
        assert fmt_int(value) in texts


def test_four_matrices_per_head_with_their_shapes(run):
    cards = find(run.at("per_head"), MatrixCard)
    assert [(c.rows, c.cols) for c in cards] == [(D_MODEL, D_HEAD)] * 3 + [(D_HEAD, D_MODEL)]
    texts = visible_texts(run.at("per_head"))
    for card in cards:
        assert card.count == D_MODEL * D_HEAD == 1_572_864
        assert f"{fmt_int(card.rows)} \u00d7 {fmt_int(card.cols)}" in texts
    assert texts.count(fmt_int(D_MODEL * D_HEAD)) == 4
    assert 4 * D_MODEL * D_HEAD == 6_291_456 and fmt_int(4 * D_MODEL * D_HEAD) in texts
    assert "query" in texts and "key" in texts and "value-down" in texts and "value-up" in texts


def test_per_layer_and_all_layers(run):
    texts = visible_texts(run.at("all_layers"))
    per_head = 4 * D_MODEL * D_HEAD
    assert fmt_int(per_head) in texts
    assert fmt_int(per_head * HEADS) in texts  # 603,979,776
    assert fmt_int(per_head * HEADS * LAYERS) in texts  # 57,982,058,496
    assert f"\u00d7 {HEADS} heads" in texts and f"\u00d7 {LAYERS} layers" in texts


def test_share_of_gpt3_is_about_a_third(run):
    total = 4 * D_MODEL * D_HEAD * HEADS * LAYERS
    fraction = total / GPT3_TOTAL
    bar = run.scene.share_bar
    frame, part = bar[0], bar[1]
    assert part.width / frame.width == pytest.approx(fraction, rel=1e-6)
    assert 0.30 < fraction < 0.36
    texts = visible_texts(run.at("share"))
    assert f"attention: {fraction:.1%}, about a third" in texts
    assert f"all of GPT-3: {fmt_int(GPT3_TOTAL)}" in texts


def test_toy_model_count_is_its_tensor_sizes(run):
    h = load_model().head
    stored = sum(int(t.numel()) for t in (h.w_q, h.w_k, h.w_v, h.w_o))
    texts = visible_texts(run.at("toy"))
    d_model, d_head = h.w_q.shape
    assert f"4 matrices of {d_model} \u00d7 {d_head} = {fmt_int(stored)} parameters" in texts
    ratio = 4 * D_MODEL * D_HEAD * HEADS * LAYERS // stored
    assert f"(GPT-3's attention: {fmt_int(ratio)} times as many)" in texts
