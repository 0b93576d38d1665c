"""The values scene against the toy head recomputed in float64 numpy (tests/reference.py):
the weights, the value vectors v_j = E_j W_V W_O, ΔE_i = Σ_j w_ij v_j and E′ = E + ΔE of
its sentence, the read-out softmax(v · E_topic), and the fruit/tech plane's Löwdin basis.

Each number is checked where a viewer reads it: a grid number in its (query, key) cell,
a value column under its word's name, a weight tag over the column it scales, a dot at
its word's plane point with the word's name joined to it, a read-out on its word's row."""

from __future__ import annotations

import numpy as np
import pytest
from manim import SurroundingRectangle

import reference
from scene_harness import XY, assert_matches, assert_shows, labels, run_scene, visible
from scenes.kit import THEME, AttentionGrid, Number, VectorColumn
from scenes.kit.table import Table
from scenes.values import Values, ValuesParams

P = ValuesParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(Values)


@pytest.fixture(scope="module")
def ref():
    return reference.toy_forward(P.sentence)


@pytest.fixture(scope="module")
def offered(ref):
    """What each word offers: value-down then value-up, V W_O (n, d_model)."""
    return ref.values @ reference.toy()["w_o"]


def columns(snapshot) -> dict[str, VectorColumn]:
    return {c.title.original_text: c for c in visible(snapshot, VectorColumn)}


def test_pattern_numbers_sit_in_their_query_key_cells(run, ref):
    (grid,) = visible(run.at("pattern_and_values"), AttentionGrid)
    assert grid.kind == "weights" and grid.rows == ref.tokens == grid.cols
    n = len(ref.tokens)
    for i in range(n):
        assert grid.row_labels[i].get_y() == pytest.approx(grid.cell(i, 0).get_y(), abs=XY)
        assert grid.row_labels[i].original_text == ref.tokens[i]
        for j in range(n):
            number = grid.numbers[i][j]
            assert_matches(number.get_center()[:2], grid.cell(i, j).get_center()[:2], atol=XY)
            assert_shows([number], [ref.weights[i, j]])
    for j in range(n):  # column labels stand over their column (rotated: bottom-left)
        assert abs(grid.col_labels[j].get_left()[0] - grid.cell(0, j).get_left()[0]) < 0.5
        assert grid.col_labels[j].original_text == ref.tokens[j]


def test_each_word_offers_its_value_vector(run, ref, offered):
    shown = columns(run.at("pattern_and_values"))
    value_cols = [shown[f"v({w})"] for w in ref.tokens]
    assert [c.get_x() for c in value_cols] == sorted(c.get_x() for c in value_cols)
    for c, v in zip(value_cols, offered, strict=True):
        assert_shows(c.entries, v)
        assert c.title.get_x() == pytest.approx(c.get_x(), abs=0.3)


@pytest.mark.parametrize("moment, word", [("mix_first", P.first), ("mix_second", P.second)])
def test_one_row_of_weights_scales_the_values_into_delta_e(run, ref, offered, moment, word):
    i = ref.tokens.index(word)
    snapshot = run.at(moment)
    shown = columns(snapshot)
    (grid,) = visible(snapshot, AttentionGrid)
    # the highlighted row is word i's row of the pattern
    boxes = [b for b in visible(snapshot, SurroundingRectangle)
             if b.get_stroke_color().to_hex().upper() == THEME.highlight.upper()]
    assert len(boxes) == 1
    assert boxes[0].get_y() == pytest.approx(grid.cell(i, 0).get_y(), abs=XY)
    # over each value column, the weight that scales it: w_ij for the word j below
    tags = [n for n in visible(snapshot, Number)
            if n.get_color().to_hex().upper() == THEME.weight.upper()]
    for j, w in enumerate(ref.tokens):
        column = shown[f"v({w})"]
        (tag,) = [t for t in tags if abs(t.get_x() - column.get_x()) < column.width / 2
                  and 0 < t.get_bottom()[1] - column.get_top()[1] < 0.5]
        assert_shows([tag], [ref.weights[i, j]])
    assert_shows(shown[f"\u0394E({word})"].entries, ref.weights[i] @ offered)  # Σ_j w_ij v_j
    e, out = shown[f"E({word})"], shown[f"E\u2032({word})"]
    assert_shows(e.entries, ref.embeddings[i])
    assert_shows(out.entries, ref.outputs[i])
    assert e.get_x() < out.get_x()


def test_the_first_word_stays_beside_the_second(run):
    shown = columns(run.at("mix_second"))
    first, second = P.first, P.second
    assert {f"E({first})", f"E\u2032({first})", f"E({second})", f"E\u2032({second})"} <= \
        set(shown)


def test_every_position_gets_its_own_delta(run, ref):
    shown = columns(run.at("every_position"))
    deltas = [shown[f"\u0394E({w})"] for w in ref.tokens]
    assert [c.get_x() for c in deltas] == sorted(c.get_x() for c in deltas)
    for c, d in zip(deltas, ref.delta, strict=True):
        assert_shows(c.entries, d)


def test_every_e_and_e_prime_in_the_plane(run, ref):
    """E (ghosted) and E′ at their Löwdin plane coordinates; an arrow from each E toward
    its E′; each word's name joined to its E′ dot."""
    snapshot, scene = run.at("updated"), run.scene
    plane, basis = scene.plane, reference.plane_basis(*P.senses)
    e_xy, out_xy = ref.embeddings @ basis, ref.outputs @ basis
    for dot, xy in zip(scene.e_dots, e_xy, strict=True):
        assert_matches(dot.get_center(), plane.p(xy), atol=XY)
        assert dot.get_fill_opacity() < 0.6  # E is kept, ghosted, not removed
    for dot, xy in zip(scene.out_dots, out_xy, strict=True):
        assert_matches(dot.get_center(), plane.p(xy), atol=XY)
    for arrow, a, b in zip(scene.delta_arrows, e_xy, out_xy, strict=True):
        along = plane.p(b) - plane.p(a)
        drawn = arrow.get_end() - arrow.get_start()
        assert np.linalg.norm(np.cross(along, drawn)) < 1e-3 * np.linalg.norm(along) ** 2
        assert along @ drawn > 0
    points = [plane.p(xy) for xy in out_xy]
    for word, point in zip(ref.tokens, points, strict=True):
        rivals = [p for p in points if p is not point]
        assert any(labels(t, point, rivals, snapshot)
                   for t in visible(snapshot) if t.original_text == word), word


def test_sense_table_reads_each_words_e_and_e_prime(run, ref):
    sense = P.senses[1]
    (table,) = visible(run.at("updated"), Table)
    assert table.cells[0][0].original_text == f"reads as {sense}"
    for i, word in enumerate(ref.tokens):
        name, before, after = table.cells[i + 1]
        assert name.original_text == word
        assert before.get_y() == pytest.approx(name.get_y(), abs=0.1)
        assert after.get_y() == pytest.approx(name.get_y(), abs=0.1)
        assert name.get_x() < before.get_x() < after.get_x()
        assert_shows([before], [reference.senses(ref.embeddings[i])[sense]])
        assert_shows([after], [reference.senses(ref.outputs[i])[sense]])


def test_narration_names_the_sense_every_word_is_pulled_toward(run, ref):
    """'here all pulled toward tech': the best topic of every reference E′."""
    best = {max(p, key=p.get) for p in map(reference.senses, ref.outputs)}
    assert len(best) == 1
    said = " ".join(text for text, _, _ in run.scene.captions)
    assert f"here all pulled toward {best.pop()}." in said
