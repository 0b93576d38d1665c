"""What the cross-attention scene shows is what the shipped cross head computes."""

import numpy as np
import pytest
import torch

from attention_core.cross import load_cross
from attention_core.training.translation import generate_pairs
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.cross_attention import AlignmentLines, CrossAttention, CrossParams
from scenes.kit import AttentionGrid, Number, fmt

P = CrossParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(CrossAttention)


@pytest.fixture(scope="module")
def traces():
    model = load_cross()
    return model, [model.run(en, fr) for en, fr in P.pairs]


def recomputed(trace):
    """softmax(Q Kᵀ / √d_k) from the trace's own queries and keys, no mask."""
    d_k = trace.queries.shape[1]
    return torch.softmax(trace.queries @ trace.keys.T / d_k ** 0.5, dim=-1)


def test_self_and_cross_are_contrasted(run):
    texts = visible_texts(run.at("self_vs_cross"))
    assert "self-attention" in texts and "cross-attention" in texts
    assert texts.count("Q") == 2 and texts.count("K") == 2 and texts.count("V") == 2


@pytest.mark.parametrize("moment, k", [("pattern", 0), ("second_pair", 1)])
def test_pattern_rows_are_french_columns_english(run, traces, moment, k):
    _, ts = traces
    trace = ts[k]
    (grid,) = find(run.at(moment), AttentionGrid)
    assert grid.kind == "weights"
    assert grid.rows == trace.target_tokens and grid.cols == trace.source_tokens
    assert grid.mask.all(), "cross-attention has no mask"
    assert_close(grid.values, recomputed(trace), atol=1e-5)
    assert_close(grid.values.sum(1), np.ones(len(trace.target_tokens)), atol=1e-5)
    (lines,) = find(run.at(moment), AlignmentLines)
    shown = np.array([[line.weight for line in row] for row in lines.lines])
    assert_close(shown, trace.weights)
    opacities = np.array([[line.get_stroke_opacity() for line in row] for row in lines.lines])
    assert_close(opacities, trace.weights, atol=1e-6)


def test_the_crossing_is_where_the_weights_are(run, traces):
    _, (trace, _) = traces
    fr, en = trace.target_tokens, trace.source_tokens
    texts = visible_texts(run.at("crossing"))
    (grid,) = find(run.at("crossing"), AttentionGrid)
    for f_word, e_word in P.crossings[0]:
        i, j = fr.index(f_word), en.index(e_word)
        assert int(trace.weights[i].argmax()) == j  # the row's strongest key
        assert grid.numbers[i][j].text == fmt(float(trace.weights[i, j]))
    # the crossing: the noun comes later in French but earlier-ordered adjective in English
    (n_fr, n_en), (a_fr, a_en) = P.crossings[0]
    assert (fr.index(n_fr) < fr.index(a_fr)) != (en.index(n_en) < en.index(a_en))
    assert "rows: French (queries)" in texts


def test_delta_names_the_source_word(run, traces):
    model, (trace, _) = traces
    i = trace.target_tokens.index(P.focus)
    delta = trace.weights[i] @ trace.values @ model.head.w_o  # ΔE rebuilt from the pieces
    assert_close(delta, trace.delta[i], atol=1e-5)
    probs = torch.softmax(delta[: model.toy.d_model] @ model.toy.table.T, dim=-1)
    best = int(probs.argmax())
    assert model.toy.vocab[best] == "apple"
    texts = visible_texts(run.at("delta"))
    assert "apple" in texts
    shown = [n for n in find(run.at("delta"), Number) if n.decimals == 3]
    assert any(abs(n.value - float(probs[best])) < 1e-6 and n.text == fmt(float(probs[best]), 3)
               for n in shown)


def test_second_pair_is_held_out_and_the_score_is_measured(run):
    held = {" ".join(p.english) for p in generate_pairs("held_out")}
    assert run.scene.held_out == (P.pairs[1][0] in held)
    model = load_cross()
    right = total = 0
    for pair in generate_pairs("held_out"):
        w = model.run(" ".join(pair.english), " ".join(pair.french)).weights
        right += sum(int(w[i].argmax()) == s for i, s in enumerate(pair.source))
        total += len(pair.source)
    assert run.scene.accuracy == pytest.approx(right / total)
    texts = visible_texts(run.at("second_pair"))
    assert any(f"{fmt(100 * right / total, 0)}% of French" in t for t in texts)


def test_answers_the_viewer_questions(run):
    texts = visible_texts(run.at("answers"))
    assert any("decoder side" in t for t in texts)
    assert any("self-attention or just attention" in t for t in texts)
