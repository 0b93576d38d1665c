"""The parameter-counting scene against GPT-3's sizes multiplied out here, each count read
on its own card, ledger row or bar, and the toy head's count from its weight file."""

import re

import numpy as np
import pytest
from manim import Text

import reference
from scene_harness import find, run_scene
from scenes.counting_parameters import CountingParameters, MatrixCard

D_MODEL, D_HEAD, HEADS, LAYERS = 12_288, 128, 96, 96  # GPT-3 175B
VOCAB = 50_257
PER_MATRIX = D_MODEL * D_HEAD  # W_Q, W_K, W_V↓ are d_model × d_head, W_V↑ d_head × d_model
PER_HEAD = 4 * PER_MATRIX
ATTENTION = PER_HEAD * HEADS * LAYERS
# GPT-3 without biases or layer norms: per layer 4·d² of attention (96 heads × 128 = d)
# and 8·d² of MLP (d → 4d → d), plus the embedding and unembedding, V × d each
GPT3_TOTAL = LAYERS * 12 * D_MODEL**2 + 2 * VOCAB * D_MODEL


@pytest.fixture(scope="module")
def run():
    return run_scene(CountingParameters)


def shown(mobjects):
    return [t for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]


def on_screen(mobjects, cell):
    """A visible text with `cell`'s words where `cell` is."""
    return any(t.original_text == cell.original_text
               and np.allclose(t.get_center(), cell.get_center(), atol=1e-6)
               for t in shown(mobjects))


def test_sizes_each_beside_its_name(run):
    texts = shown(run.at("sizes"))
    for name, value in (("d_model", D_MODEL), ("d_head", D_HEAD), ("heads per layer", HEADS),
                        ("layers", LAYERS)):
        (tag,) = [t for t in texts if t.original_text == name]
        right = [t for t in texts if t.get_left()[0] > tag.get_right()[0]
                 and abs(t.get_y() - tag.get_y()) < 0.1]
        assert min(right, key=lambda t: t.get_left()[0]).original_text == f"{value:,}"


def test_four_matrices_per_head_each_card_with_its_shape_and_count(run):
    mobjects = run.at("per_head")
    cards = sorted(find(mobjects, MatrixCard), key=lambda c: c.get_x())
    expected = [("query", D_MODEL, D_HEAD), ("key", D_MODEL, D_HEAD),
                ("value-down", D_MODEL, D_HEAD), ("value-up", D_HEAD, D_MODEL)]
    for card, (role, rows, cols) in zip(cards, expected, strict=True):
        assert [t.original_text for t in find([card], Text)] == [
            role, f"{rows:,} \u00d7 {cols:,}", f"{rows * cols:,}"]
    texts = shown(mobjects)
    (tag,) = [t for t in texts if t.original_text == "per head:"]
    (total,) = [t for t in texts if t.original_text == f"{PER_HEAD:,}"]
    assert abs(total.get_y() - tag.get_y()) < 0.1 and total.get_x() > tag.get_x()
    assert total.get_top()[1] < min(c.get_bottom()[1] for c in cards)


def test_ledger_per_head_per_layer_all_layers(run):
    ledger = run.scene.ledger_rows
    assert [[c.original_text for c in row] for row in ledger.cells] == [
        ["per head", "", f"{PER_HEAD:,}"],
        ["per layer", f"\u00d7 {HEADS} heads", f"{PER_HEAD * HEADS:,}"],
        ["all attention", f"\u00d7 {LAYERS} layers", f"{ATTENTION:,}"]]
    assert all(on_screen(run.at("all_layers"), c) for row in ledger.cells for c in row
               if c.original_text)


def test_share_bar_is_attention_over_all_of_gpt3(run):
    fraction = ATTENTION / GPT3_TOTAL
    frame, part = run.scene.share_bar
    assert part.width / frame.width == pytest.approx(fraction, rel=1e-9)
    assert part.get_left()[0] == pytest.approx(frame.get_left()[0], abs=1e-9)
    texts = shown(run.at("share"))
    (left,) = [t for t in texts if t.original_text.startswith("attention: ")]
    share = float(re.fullmatch(r"attention: (\d+\.\d)%, about a third", left.original_text)[1])
    assert abs(share - 100 * fraction) <= 0.05
    assert left.get_top()[1] < part.get_bottom()[1]
    assert left.get_left()[0] == pytest.approx(part.get_left()[0], abs=1e-6)
    (whole,) = [t for t in texts if t.original_text == f"all of GPT-3: {GPT3_TOTAL:,}"]
    assert whole.get_bottom()[1] > frame.get_top()[1]
    assert whole.get_right()[0] == pytest.approx(frame.get_right()[0], abs=1e-6)


def test_toy_model_count_is_its_tensor_sizes(run):
    toy = reference.toy()
    stored = sum(toy[w].size for w in ("w_q", "w_k", "w_v", "w_o"))
    d_model, d_head = toy["w_q"].shape
    texts = [t.original_text for t in shown(run.at("toy"))]
    assert f"4 matrices of {d_model} \u00d7 {d_head} = {stored:,} parameters" in texts
    (times,) = [m for m in (re.fullmatch(r"\(GPT-3's attention: ([\d,]+) times as many\)", t)
                            for t in texts) if m]
    assert abs(int(times[1].replace(",", "")) - ATTENTION / stored) < 1
