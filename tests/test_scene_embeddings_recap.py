"""The embeddings recap against the embedding table read straight from the weights file
(tests/reference.py, float64 numpy): each column is its word's row, the plane is the
Löwdin basis of the two sense embeddings (recomputed here), dot products and cosines are
taken in all 8 numbers, and the ranking is the projection on E_fruit − E_tech.

Each number is checked where a viewer reads it: a column under its word, a dot at its
word's projection with the word's name beside it, a share or a similarity on the line of
its words, a ranking bar on its word's row."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Arrow, Dot, Line, Rectangle, Square

import reference
from scene_harness import (
    XY,
    assert_matches,
    assert_shows,
    labels,
    line_after,
    run_scene,
    the_text,
    visible,
)
from scenes.embeddings_recap import EmbeddingsRecap, RecapParams
from scenes.kit import (
    MatrixHeatmap,
    Number,
    TokenRow,
    VectorColumn,
    WordToken,
    fmt,
    heat_fill,
)

P = RecapParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(EmbeddingsRecap)


def plane_xy(word: str) -> np.ndarray:
    return reference.embed(word) @ reference.plane_basis(*P.senses)


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def test_each_word_shows_its_row_of_the_table_under_it(run):
    snapshot = run.at("words_as_vectors")
    tokens = sorted(visible(snapshot, WordToken), key=lambda t: t.get_x())
    columns = sorted(visible(snapshot, VectorColumn), key=lambda c: c.get_x())
    assert [t.word for t in tokens] == list(P.words)
    for token, column in zip(tokens, columns, strict=True):
        assert column.get_x() == pytest.approx(token.get_x(), abs=XY)
        assert column.get_top()[1] < token.get_bottom()[1]
        assert_matches(column.values, reference.embed(token.word))
        assert [n.text for n in column.entries] == [fmt(n.value) for n in column.entries]
    the_text(snapshot, f"{reference.toy()['embeddings'].shape[1]} numbers per word in this "
                       "toy model; GPT-3 uses 12,288")


def test_the_same_token_has_the_same_vector_in_both_sentences(run):
    snapshot = run.at("same_token")
    rows = visible(snapshot, TokenRow)
    assert sorted(r.words for r in rows) == sorted(reference.words(s) for s in P.sentences)
    columns = [c for c in visible(snapshot, VectorColumn)
               if c.title.original_text == f"{P.same}'s vector here"]
    assert len(columns) == len(P.sentences)
    for row in rows:
        token = row.tokens[row.words.index(P.same)]
        (column,) = [c for c in columns if abs(c.get_x() - token.get_x()) < XY]
        assert column.get_top()[1] < token.get_bottom()[1]
        assert_matches(column.values, reference.embed(P.same))
    equals = the_text(snapshot, "=")
    left, right = sorted(columns, key=lambda c: c.get_x())
    assert left.get_right()[0] < equals.get_x() < right.get_left()[0]


def test_the_table_rows_beside_them_are_the_real_rows_with_the_words_framed(run):
    """The heat map's rows are the table's rows for the tokens named on their left, in
    the table's order, each tint from its own entry; the framed row is apple's, the row
    both columns copy; the caption counts the rows shown against the table's."""
    snapshot = run.at("same_token")
    (heatmap,) = visible(snapshot, MatrixHeatmap)
    vocab = list(reference.toy()["vocab"])
    rows = heatmap.values.shape[0]
    names = sorted((t for t in visible(snapshot) if t.original_text in vocab
                    and heatmap.frame.get_left()[0] - 1.6 < t.get_x() < heatmap.frame.get_left()[0]
                    and heatmap.frame.get_bottom()[1] < t.get_y() < heatmap.frame.get_top()[1]),
                   key=lambda t: -t.get_y())
    shown = [t.original_text for t in names]
    assert len(shown) == rows and P.same in shown
    start = vocab.index(shown[0])
    assert shown == vocab[start:start + rows]  # consecutive rows of the table
    for r, (name, word) in enumerate(zip(names, shown, strict=True)):
        assert name.get_y() == pytest.approx(heatmap.cell(r, 0).get_y(), abs=XY)
        assert_matches(heatmap.values[r], reference.embed(word))
        for j, v in enumerate(heatmap.values[r]):
            assert heatmap.cell(r, j).get_fill_color().to_hex().upper() == heat_fill(
                v, heatmap.color_scale, heatmap.color_name).upper()
    k = shown.index(P.same)
    framed = [m for m in visible(snapshot, Rectangle) if m is not heatmap.frame
              and m.get_stroke_width() >= 2.5 and not isinstance(m, Square)
              and m.height == pytest.approx(heatmap.cell(k, 0).height, abs=XY)]
    assert len(framed) == 1
    assert framed[0].get_y() == pytest.approx(heatmap.cell(k, 0).get_y(), abs=XY)
    the_text(snapshot, f"{rows} of the table's {len(vocab)} rows")


def test_plane_dots_at_their_projections_each_named(run):
    snapshot, plane = run.at("plane"), run.scene.plane
    points = {w: plane.p(plane_xy(w)) for w in P.plane_words}
    centres = [d.get_center() for d in visible(snapshot, Dot)]
    for word, point in points.items():
        assert min(np.linalg.norm(c - point) for c in centres) < XY, f"no dot for {word}"
        rivals = [p for w, p in points.items() if w != word]
        assert any(labels(t, point, rivals, snapshot)
                   for t in visible(snapshot) if t.original_text == word), word


def test_share_of_each_vector_the_view_keeps(run):
    """|Bᵀv|² / |v|², on the line of its word's name, as a whole percentage."""
    snapshot = run.at("plane")
    heading = the_text(snapshot, "(its share of the squared length):")
    names = [t for t in visible(snapshot) if t.get_top()[1] < heading.get_bottom()[1]
             and abs(t.get_left()[0] - heading.get_left()[0]) < 0.05]
    assert [t.original_text for t in names] == list(P.pair + (P.same,))
    basis = reference.plane_basis(*P.senses)
    for name in names:
        v = reference.embed(name.original_text)
        share = np.sum((v @ basis) ** 2) / (v @ v)
        number, percent = line_after(snapshot, name)[:2]
        assert_shows([number], [100 * share], decimals=0)
        assert percent.original_text == "%"


def test_dot_products_and_cosines_in_all_dimensions(run):
    a, b, c = P.pair
    snapshot, plane = run.at("dot_product"), run.scene.plane
    e = {w: reference.embed(w) for w in P.pair}
    for x, y in ((a, b), (a, c)):
        number, cos_tag, cosine = line_after(snapshot, the_text(snapshot, f"{x} \u00b7 {y} ="))
        assert_shows([number], [float(e[x] @ e[y])])
        assert cos_tag.original_text == "  cos ="
        assert_shows([cosine], [cos(e[x], e[y])])
    (flat,) = line_after(snapshot, the_text(snapshot, "read off the flat picture:"))
    assert_shows([flat], [cos(plane_xy(a), plane_xy(b))])
    d_model = reference.toy()["embeddings"].shape[1]
    (full,) = line_after(snapshot, the_text(snapshot, f"computed in all {d_model} dimensions:"))
    assert_shows([full], [cos(e[a], e[b])])
    columns = sorted(visible(snapshot, VectorColumn), key=lambda col: col.get_x())
    assert [col.title.original_text for col in columns] == list(P.pair)
    for column in columns:
        assert_matches(column.values, e[column.title.original_text])
    arrows = visible(snapshot, Arrow)
    for w in P.pair:
        assert any(np.allclose(arr.get_start(), plane.origin, atol=XY)
                   and np.allclose(arr.get_end(), plane.p(plane_xy(w)), atol=XY)
                   for arr in arrows), w


def test_words_ranked_by_their_projection_on_fruit_minus_tech(run):
    """Rows top to bottom in the order of E_w · d/|d|, d = E_fruit − E_tech; each row's
    bar points right (fruit side) or left by the sign, its width ∝ |projection|, and
    its number is the projection."""
    snapshot = run.at("direction")
    d = reference.embed(P.senses[0]) - reference.embed(P.senses[1])
    projection = {w: float(reference.embed(w) @ d / np.linalg.norm(d)) for w in P.ranked}
    expected = sorted(P.ranked, key=lambda w: -projection[w])
    numbers = sorted([n for n in visible(snapshot, Number) if n.decimals == 2],
                     key=lambda n: -n.get_y())
    assert len(numbers) == len(P.ranked)
    bars = [r for r in visible(snapshot, Rectangle) if r.height < 0.3 and r.width < 2]
    left, right = min(b.get_left()[0] for b in bars), max(b.get_right()[0] for b in bars)
    (zero_line,) = [m for m in visible(snapshot, Line) if type(m) is Line
                    and abs(m.get_start()[0] - m.get_end()[0]) < 1e-9
                    and left - XY < m.get_x() < right + XY
                    and m.get_bottom()[1] < numbers[-1].get_y() < numbers[0].get_y()
                    < m.get_top()[1]]
    zero, widths = zero_line.get_x(), []
    for word, number in zip(expected, numbers, strict=True):
        name = [t for t in visible(snapshot) if t.original_text == word
                and abs(t.get_y() - number.get_y()) < 0.1 and t.get_x() < number.get_x()]
        assert len(name) == 1, f"{word} is not named on the row of its number"
        assert_shows([number], [projection[word]])
        (bar,) = [r for r in bars if abs(r.get_y() - number.get_y()) < 0.1]
        edge = bar.get_left()[0] if projection[word] >= 0 else bar.get_right()[0]
        assert edge == pytest.approx(zero, abs=XY)
        widths.append(bar.width)
    values = np.abs([projection[w] for w in expected])
    big = values > 0.1  # tiny bars have a minimum width
    per_unit = np.array(widths)[big] / values[big]
    assert_matches(per_unit, np.full(big.sum(), per_unit[0]), rtol=1e-4)


