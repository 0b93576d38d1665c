"""What the attention-pattern scene shows is what the lecture layer's adjective head computes.

Expected numbers come from `reference.positional_forward` (float64 numpy from the weight
file, the equations written out), not from the core's trace the scene used."""

import math

import numpy as np
import pytest
from manim import Text

import reference
from measures import held_out_shares
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.attention_pattern import AttentionPattern, PatternParams
from scenes.kit import AttentionGrid, Number, VectorColumn, fmt

P = PatternParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(AttentionPattern)


@pytest.fixture(scope="module")
def head():
    ref = reference.positional_forward("lecture_layer", P.sentence)
    return ref.tokens, ref.heads[0][P.head]


def grid_at(run, moment):
    (grid,) = find(run.at(moment), AttentionGrid)
    return grid


def assert_cells_hold(grid, expected):
    """Each cell's number is expected[i, j] and sits in cell (i, j), the row's query word
    against the column's key word."""
    for i, row in enumerate(grid.numbers):
        for j, number in enumerate(row):
            assert number.value == pytest.approx(expected[i, j], abs=1e-5)
            assert_close(number.get_center()[:2], grid.cell(i, j).get_center()[:2], atol=1e-6)


def test_queries_and_keys_are_the_heads(run, head):
    tokens, h = head
    cols = find(run.at("queries_keys"), VectorColumn)
    assert len(cols) == 2 * len(tokens)
    queries, keys = cols[: len(tokens)], cols[len(tokens):]
    assert_close(np.stack([c.values for c in queries]), h.queries, atol=1e-5)
    assert_close(np.stack([c.values for c in keys]), h.keys, atol=1e-5)
    # each word's query and key stand in its column, under the word
    words = run.scene.row.tokens
    assert [t.word for t in words] == tokens
    for word, q, k in zip(words, queries, keys, strict=True):
        assert q.get_x() == pytest.approx(word.get_x(), abs=1e-6)
        assert k.get_x() == pytest.approx(word.get_x(), abs=1e-6)


def test_grid_first_shows_raw_dot_products(run, head):
    tokens, h = head
    grid = grid_at(run, "dot_products")
    raw = np.einsum("id,jd->ij", h.queries, h.keys)  # every q·k, unscaled
    assert grid.kind == "scores" and grid.rows == tokens and grid.cols == tokens
    assert_close(grid.values, raw, atol=1e-5)
    assert_cells_hold(grid, raw)


def test_worked_example_is_the_dot_product(run, head):
    tokens, h = head
    i, j = (tokens.index(w) for w in P.example)
    terms = [n.value for n in run.scene.example_line if isinstance(n, Number)]
    # q₁×k₁ + q₂×k₂ + ... = q·k, each factor in its place on the line
    assert_close(terms[:-1:2], h.queries[i], atol=1e-5)
    assert_close(terms[1:-1:2], h.keys[j], atol=1e-5)
    assert terms[-1] == pytest.approx(float(h.queries[i] @ h.keys[j]), abs=1e-5)


def test_then_divided_by_root_dk(run, head):
    _, h = head
    grid = grid_at(run, "scaled")
    d_k = h.queries.shape[1]
    expected = np.einsum("id,jd->ij", h.queries, h.keys) / math.sqrt(d_k)
    assert_close(grid.values, expected, atol=1e-5)
    assert_cells_hold(grid, expected)
    texts = visible_texts(run.at("scaled"))
    assert f"every q\u00b7k is divided by \u221a{d_k} = {fmt(math.sqrt(d_k))}" in texts


def test_weights_are_the_row_softmax_and_rows_sum_to_one(run, head):
    tokens, h = head
    grid = grid_at(run, "weights")
    assert grid.kind == "weights"
    assert_close(grid.values, h.weights, atol=1e-6)
    assert_cells_hold(grid, h.weights)
    sums = [s.total for s in run.scene.sums]
    assert_close(sums, np.ones(len(tokens)), atol=1e-6)
    for i, tag in enumerate(run.scene.sums):  # each Σ beside its own row
        assert tag.get_y() == pytest.approx(grid.cell(i, len(tokens) - 1).get_y(), abs=1e-6)
    assert "query (rows: each sums to 1)" in visible_texts(run.at("weights"))


def shown_after(mobjects, word):
    """The visible Number standing right after the visible text `word`, on its line."""
    texts = [t for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]
    name = next(t for t in texts if t.original_text == word and not isinstance(t, Number)
                and t.get_x() > 0)  # in the panel right of the grid, not a grid label
    numbers = [n for n in texts if isinstance(n, Number) and n.get_x() > name.get_x()
               and abs(n.get_y() - name.get_y()) < 0.1]
    return min(numbers, key=lambda n: n.get_x())


def test_highlighted_rows_name_the_adjectives(run, head):
    tokens, h = head
    for noun, adjectives in zip(P.nouns, P.adjectives, strict=True):
        i = tokens.index(noun)
        for a in adjectives:
            j = tokens.index(a)
            # "creature -> fluffy 0.44": the weight stands right after its adjective's name
            assert shown_after(run.at("pattern"), a).value == pytest.approx(h.weights[i, j],
                                                                            abs=1e-5)
            # the adjectives are the noun's strongest keys
            assert h.weights[i, j] >= sorted(h.weights[i].tolist())[-len(adjectives)] - 1e-9


def test_measured_shares_are_the_heads_on_held_out_sentences(run):
    shares = held_out_shares()
    share, further = shares[P.head].own_adjectives, shares[P.head].distant_adjectives
    baseline = shares[2].distant_adjectives  # the previous-word head
    texts = visible_texts(run.at("pattern"))
    assert "measured on sentences it never saw:" in texts
    assert f"{fmt(100 * share, 0)}% of a noun\u2019s attention goes" in texts
    assert f"back than the word before it, {fmt(100 * further, 0)}%" in texts
    assert f"(the previous-word head: {fmt(100 * baseline, 0)}%)" in texts
