"""What the attention-pattern scene shows is what the lecture layer's adjective head computes."""

import math

import numpy as np
import pytest
import torch

from attention_core.training.measure import measure_heads
from attention_core.transformer import load_lecture_layer
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.attention_pattern import AttentionPattern, PatternParams
from scenes.kit import AttentionGrid, Number, VectorColumn, fmt

P = PatternParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(AttentionPattern)


@pytest.fixture(scope="module")
def head():
    layer = load_lecture_layer()
    trace = layer.run(P.sentence)
    return trace.tokens, trace.layers[0].heads[P.head]


def grid_at(run, moment):
    (grid,) = find(run.at(moment), AttentionGrid)
    return grid


def test_queries_and_keys_are_the_heads(run, head):
    _, h = head
    cols = find(run.at("queries_keys"), VectorColumn)
    assert len(cols) == 2 * len(h.queries)
    assert_close(np.stack([c.values for c in cols[: len(h.queries)]]), h.queries)
    assert_close(np.stack([c.values for c in cols[len(h.queries):]]), h.keys)


def test_grid_first_shows_raw_dot_products(run, head):
    tokens, h = head
    grid = grid_at(run, "dot_products")
    raw = torch.einsum("id,jd->ij", h.queries, h.keys)  # every q·k, unscaled
    assert grid.kind == "scores" and grid.rows == tokens and grid.cols == tokens
    assert_close(grid.values, raw, atol=1e-5)
    i, j = tokens.index(P.nouns[0]), tokens.index(P.adjectives[0][0])
    assert grid.numbers[i][j].text == fmt(float(raw[i, j]))


def test_worked_example_is_the_dot_product(run, head):
    tokens, h = head
    i, j = (tokens.index(w) for w in P.example)
    shown = [n.value for n in find(run.at("queries_keys"), Number)]
    for v in h.queries[i].tolist() + h.keys[j].tolist():
        assert any(abs(v - s) < 1e-6 for s in shown)
    assert run.scene.example_value.value == pytest.approx(float(h.queries[i] @ h.keys[j]),
                                                          abs=1e-5)


def test_then_divided_by_root_dk(run, head):
    _, h = head
    grid = grid_at(run, "scaled")
    d_k = h.queries.shape[1]
    assert_close(grid.values, (h.queries @ h.keys.T) / math.sqrt(d_k), atol=1e-5)
    assert_close(grid.values, h.scores, atol=1e-5)
    texts = visible_texts(run.at("scaled"))
    assert f"every q\u00b7k is divided by \u221a{d_k} = {fmt(math.sqrt(d_k))}" in texts


def test_weights_are_the_row_softmax_and_rows_sum_to_one(run, head):
    tokens, h = head
    grid = grid_at(run, "weights")
    assert grid.kind == "weights"
    expected = torch.softmax(h.scores, dim=-1)
    assert_close(grid.values, expected, atol=1e-6)
    assert [[n.text for n in row] for row in grid.numbers] == \
        [[fmt(float(v)) for v in row] for row in expected]
    sums = [s.total for s in run.scene.sums]
    assert_close(sums, np.ones(len(tokens)), atol=1e-6)
    assert "query (rows: each sums to 1)" in visible_texts(run.at("weights"))


def test_highlighted_rows_name_the_adjectives(run, head):
    tokens, h = head
    texts = visible_texts(run.at("pattern"))
    for noun, adjectives in zip(P.nouns, P.adjectives, strict=True):
        i = tokens.index(noun)
        for a in adjectives:
            j = tokens.index(a)
            assert fmt(float(h.weights[i, j])) in texts
            # the adjectives are the noun's strongest keys
            assert h.weights[i, j] >= sorted(h.weights[i].tolist())[-len(adjectives)] - 1e-9


def test_measured_shares_are_the_heads_on_held_out_sentences(run):
    profiles = measure_heads(load_lecture_layer())
    share, further = profiles[P.head].own_adjectives, profiles[P.head].distant_adjectives
    baseline = profiles[2].distant_adjectives  # the previous-word head
    texts = visible_texts(run.at("pattern"))
    assert "measured on sentences it never saw:" in texts
    assert f"{fmt(100 * share, 0)}% of a noun\u2019s attention goes" in texts
    assert f"back than the word before it, {fmt(100 * further, 0)}%" in texts
    assert f"(the previous-word head: {fmt(100 * baseline, 0)}%)" in texts
