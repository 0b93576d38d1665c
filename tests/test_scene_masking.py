"""What the masking scene shows is what the causal head computes, and the wrong order too."""

import numpy as np
import pytest
import torch

from attention_core.transformer import load_lecture_layer
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import AttentionGrid, fmt
from scenes.masking import Masking, MaskingParams

P = MaskingParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(Masking)


@pytest.fixture(scope="module")
def heads():
    layer = load_lecture_layer()
    open_ = layer.run(P.sentence).layers[0].heads[P.head]
    causal = layer.run(P.sentence, causal=True).layers[0].heads[P.head]
    return layer.toy.tokenize(P.sentence), open_, causal


def grids(run, moment, kind):
    return [g for g in find(run.at(moment), AttentionGrid) if g.kind == kind]


def test_scores_are_the_same_heads_unmasked_scores(run, heads):
    tokens, open_, causal = heads
    (grid,) = grids(run, "scores", "scores")
    assert grid.mask.all()
    assert_close(grid.values, open_.scores)
    assert_close(causal.scores, open_.scores)  # masking does not change the scores
    texts = visible_texts(run.at("scores"))
    for i in range(len(tokens) - 1):  # every prefix and the word it predicts
        assert " ".join(tokens[: i + 1]) in texts and tokens[i + 1] in texts


def test_future_scores_become_minus_infinity(run, heads):
    tokens, open_, _ = heads
    (grid,) = grids(run, "masked", "scores")
    n = len(tokens)
    lower = np.tril(np.ones((n, n), bool))
    assert (grid.mask == lower).all()
    assert_close(grid.values[lower], open_.scores.numpy()[lower])
    minus_inf = [t for t in visible_texts(run.at("masked")) if t == "\u2212\u221e"]
    assert len(minus_inf) == n * (n - 1) // 2


def test_weights_are_softmax_after_the_mask(run, heads):
    tokens, open_, _ = heads
    (grid,) = grids(run, "weights", "weights")
    n = len(tokens)
    lower = torch.ones(n, n).tril().bool()
    expected = torch.softmax(open_.scores.masked_fill(~lower, float("-inf")), dim=-1)
    assert_close(grid.values, expected)
    assert (grid.values[~lower.numpy()] == 0).all()
    assert_close([s.total for s in run.scene.right_sums], np.ones(n))
    assert [s[1].text for s in run.scene.right_sums] == ["1.00"] * n


def test_nouns_hardly_change_and_the_first_word_sees_only_itself(run, heads):
    tokens, open_, causal = heads
    texts = visible_texts(run.at("weights"))
    for noun, adjective in P.nouns:
        i, j = tokens.index(noun), tokens.index(adjective)
        assert abs(float(causal.weights[i, j] - open_.weights[i, j])) < 0.05
        assert fmt(float(open_.weights[i, j])) in texts
        assert fmt(float(causal.weights[i, j])) in texts
    a = tokens.index(P.first)
    assert causal.weights[a, a] == 1.0
    assert fmt(float(open_.weights[a, a])) in texts


def test_wrong_order_rows_do_not_sum_to_one(run, heads):
    tokens, open_, _ = heads
    wrong = grids(run, "wrong_order", "weights")
    n = len(tokens)
    lower = np.tril(np.ones((n, n), bool))
    softmax_first = torch.softmax(open_.scores, dim=-1).numpy() * lower
    shown = [g for g in wrong if np.allclose(g.values, softmax_first, atol=1e-6)]
    assert len(shown) == 1, "the softmax-first grid is on screen"
    sums = np.array([s.total for s in run.scene.wrong_sums])
    assert_close(sums, softmax_first.sum(1))
    assert (sums[:-1] < 1 - 1e-4).any() and sums[-1] == pytest.approx(1.0)
    texts = visible_texts(run.at("wrong_order"))
    assert fmt(float(sums.min())) in texts


def test_parallel_answers_the_rnn_question(run):
    texts = visible_texts(run.at("parallel"))
    assert any("RNN" in t for t in texts)
    assert any("at the same time" in t for t in texts)
