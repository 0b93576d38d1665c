"""What the embeddings recap shows is what the toy model's embedding table says."""

import numpy as np
import pytest
import torch
from manim import Dot, VGroup

from attention_core import load_model
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.embeddings_recap import EmbeddingsRecap, RecapParams
from scenes.kit import Number, VectorColumn, fmt

P = RecapParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(EmbeddingsRecap)


@pytest.fixture(scope="module")
def table():
    model = load_model()
    return {w: model.table[model.vocab.index(w)].double() for w in model.vocab}


def test_each_word_shows_its_row_of_the_table(run, table):
    columns = find(run.at("words_as_vectors"), VectorColumn)
    assert len(columns) == len(P.words)
    for column, word in zip(columns, P.words, strict=True):
        assert_close(column.values, table[word])
        assert [n.text for n in column.entries] == [fmt(v) for v in table[word].tolist()]


def test_the_same_token_has_the_same_vector_in_both_sentences(run, table):
    columns = find(run.at("same_token"), VectorColumn)
    assert len(columns) == 2
    for column, sentence in zip(columns, P.sentences, strict=True):
        trace = load_model().run(sentence)
        assert_close(column.values, trace.embeddings[trace.tokens.index(P.same)])
        assert_close(column.values, table[P.same])
    assert "=" in visible_texts(run.at("same_token"))


def test_plane_dots_and_the_share_each_view_keeps(run, table):
    scene, snap = run.scene, run.at("plane")
    view = load_model().plane(*P.senses)
    shown = [d.get_center() for d in find(snap, Dot)]
    for word in P.plane_words:
        target = scene.plane.p(view.coords(table[word].float()).numpy())
        assert min(np.linalg.norm(c - target) for c in shown) < 1e-6
    # share kept: |projection onto span(E_fruit, E_tech)|² / |v|², computed by least squares
    basis = torch.stack([table[s] for s in P.senses], dim=1)
    shares = [n for n in find(snap, Number) if n.decimals == 0]
    assert len(shares) == 4
    for number, word in zip(shares, P.pair + (P.same,), strict=True):
        v = table[word]
        coef = torch.linalg.lstsq(basis, v[:, None]).solution
        share = float(((basis @ coef)[:, 0] ** 2).sum() / (v**2).sum())
        assert number.value == pytest.approx(100 * share, abs=1e-4)
        assert number.text == fmt(100 * share, 0)


def test_dot_products_and_cosines_are_computed_in_all_dimensions(run, table):
    a, b, c = P.pair
    snap = run.at("dot_product")
    shown = [n.value for n in find(snap, Number)]

    def cos(x, y):
        return float(x @ y / (x.norm() * y.norm()))

    view = load_model().plane(*P.senses)
    fa, fb = (view.coords(table[w].float()).double() for w in (a, b))
    for expected in (float(table[a] @ table[b]), float(table[a] @ table[c]),
                     cos(table[a], table[b]), cos(table[a], table[c]), cos(fa, fb)):
        assert any(abs(expected - s) < 1e-5 for s in shown), expected
    texts = visible_texts(snap)
    assert f"{a} \u00b7 {b} =" in texts and f"{a} \u00b7 {c} =" in texts
    for column, word in zip(find(snap, VectorColumn), P.pair, strict=True):
        assert_close(column.values, table[word])


def test_words_are_ranked_by_their_projection_on_fruit_minus_tech(run, table):
    d = table[P.senses[0]] - table[P.senses[1]]
    expected = sorted(((float(table[w] @ d / d.norm()), w) for w in P.ranked), reverse=True)
    rows = [m for m in find(run.at("direction"), VGroup) if hasattr(m, "word")]
    assert [r.word for r in rows] == [w for _, w in expected]
    for row, (value, _) in zip(rows, expected, strict=True):
        assert row.value == pytest.approx(value, abs=1e-5)
        assert row[2].text == fmt(value)
    widths = np.array([r[1].width for r in rows])
    values = np.array([abs(v) for v, _ in expected])
    big = values > 0.1
    assert_close(widths[big] / widths[big].max(), values[big] / values[big].max(), atol=1e-3)
    tops = [r[1].get_y() for r in rows]
    assert tops == sorted(tops, reverse=True)
