"""The masking scene against the lecture layer's adjective head recomputed in float64
(tests/reference.py: q·k/√d_k, an explicit −∞ above the diagonal, softmax by exp and sum),
cell by cell: each number sits in the cell of its query row and key column."""

import numpy as np
import pytest
from manim import SurroundingRectangle, Text

import reference
from scene_harness import find, run_scene, visible_texts
from scenes.kit import AttentionGrid, Number
from scenes.kit.table import Table
from scenes.masking import Masking, MaskingParams

P = MaskingParams()
TOKENS = reference.words(P.sentence)
N = len(TOKENS)
SEEN = np.tril(np.ones((N, N), bool))  # causal: query i may see keys 0..i
TOL = {"rtol": 1e-5, "atol": 1e-6}  # float32 core against float64 reference


@pytest.fixture(scope="module")
def run():
    return run_scene(Masking)


@pytest.fixture(scope="module")
def heads():
    """(open, causal): the same head without and with the mask."""
    return tuple(reference.positional_forward("lecture_layer", P.sentence, causal).heads[0][P.head]
                 for causal in (False, True))


def grids(run, moment, kind):
    return [g for g in find(run.at(moment), AttentionGrid) if g.kind == kind]


def assert_cells(grid, expected, masked_mark):
    """Rows and columns are the sentence's words; every seen cell holds its Number, at the
    cell's centre, of expected[query i, key j]; every hidden one shows `masked_mark` there."""
    assert grid.rows == TOKENS and grid.cols == TOKENS
    for i, name in enumerate(grid.row_labels):
        assert name.original_text == TOKENS[i]
        assert name.get_y() == pytest.approx(grid.cell(i, 0).get_y(), abs=1e-6)
        assert name.get_right()[0] < grid.cell(i, 0).get_left()[0]
    for j, name in enumerate(grid.col_labels):  # above column j, starting at its cell
        assert name.original_text == TOKENS[j]
        assert name.get_bottom()[1] > grid.cells.get_top()[1]
        assert grid.cell(0, j).get_left()[0] < name.get_left()[0] < grid.cell(0, j).get_right()[0]
    marks = [m for m in grid.number_group if not isinstance(m, Number)]
    for i in range(N):
        for j in range(N):
            centre = grid.cell(i, j).get_center()
            if grid.mask[i, j]:
                number = grid.numbers[i][j]
                np.testing.assert_allclose(number.get_center(), centre, atol=1e-6)
                np.testing.assert_allclose(number.value, expected[i, j], **TOL)
            else:
                assert any(m.original_text == masked_mark
                           and np.allclose(m.get_center(), centre, atol=1e-6) for m in marks)


def row_sums(mobjects, grid):
    """The Σ Number beside each row of `grid`: just right of its cells, at the row's height."""
    right = grid.cells.get_right()[0]
    found = []
    for i in range(N):
        y = grid.cell(i, 0).get_y()
        beside = [n for n in find(mobjects, Number)
                  if right < n.get_left()[0] < right + 1.5 and abs(n.get_y() - y) < 0.1]
        assert len(beside) == 1, f"one sum beside row {i}"
        found.append(beside[0])
    return found


def under(text, mobjects, grid):
    """The visible label `text` is centred under `grid`'s cells."""
    (tag,) = [t for t in find(mobjects, Text)
              if t.original_text == text and t.get_fill_opacity() > 0.01]
    assert tag.get_top()[1] < grid.cells.get_bottom()[1]
    assert tag.get_x() == pytest.approx(grid.cells.get_x(), abs=1e-6)


def test_scores_are_every_query_against_every_key(run, heads):
    open_, _ = heads
    (grid,) = grids(run, "scores", "scores")
    assert grid.mask.all()
    assert_cells(grid, open_.scores, None)
    under(f"scores q\u00b7k / \u221a{open_.queries.shape[1]} (as before)", run.at("scores"), grid)


def test_every_prefix_predicts_its_next_word_on_its_own_line(run):
    tasks = [t for t in find(run.at("scores"), Table) if len(t.cells[0]) == 3]
    tasks.sort(key=lambda t: -t.get_y())
    assert len(tasks) == N - 1
    for i, table in enumerate(tasks):  # top to bottom: "a → fluffy", "a fluffy → blue", …
        prefix, arrow, target = table.cells[0]
        assert (prefix.original_text, arrow.original_text, target.original_text) == (
            " ".join(TOKENS[: i + 1]), "\u2192", TOKENS[i + 1])
        assert prefix.get_right()[0] < arrow.get_left()[0] < target.get_left()[0]
        assert abs(prefix.get_y() - target.get_y()) < 0.1


def test_future_scores_become_minus_infinity(run, heads):
    open_, causal = heads
    (grid,) = grids(run, "masked", "scores")
    assert (grid.mask == SEEN).all()
    assert_cells(grid, open_.scores, "\u2212\u221e")  # the seen scores are unchanged
    minus_inf = [t for t in visible_texts(run.at("masked")) if t == "\u2212\u221e"]
    assert len(minus_inf) == N * (N - 1) // 2


def test_weights_are_softmax_after_the_mask_and_rows_sum_to_one(run, heads):
    _, causal = heads
    (scores,) = grids(run, "weights", "scores")
    (grid,) = grids(run, "weights", "weights")
    assert scores.get_x() < grid.get_x()
    assert (grid.mask == SEEN).all()
    assert_cells(grid, causal.weights, "0")
    assert (grid.values[~SEEN] == 0).all()  # e^−∞: exactly 0, not merely small
    under("then softmax of each row", run.at("weights"), grid)
    sums = row_sums(run.at("weights"), grid)
    np.testing.assert_allclose([s.value for s in sums], causal.weights.sum(1), **TOL)
    assert [s.original_text for s in sums] == ["1.00"] * N


def test_nouns_hardly_change_and_the_first_word_sees_only_itself(run, heads):
    open_, causal = heads
    (changes,) = [t for t in find(run.at("weights"), Table) if len(t.cells[0]) > 3]
    line = changes.cells[0]
    named = {c.original_text: k for k, c in enumerate(line)
             if isinstance(c, Text) and not isinstance(c, Number)}
    a = TOKENS.index(P.first)
    cases = [(f"{noun} on {adjective}", TOKENS.index(noun), TOKENS.index(adjective))
             for noun, adjective in P.nouns] + [(f"\u201c{P.first}\u201d on itself", a, a)]
    for what, i, j in cases:  # "creature on fluffy  0.80 → 0.80": before, then after
        k = named[what]
        before, arrow, after = line[k + 1], line[k + 2], line[k + 3]
        assert arrow.original_text == "\u2192"
        assert before.get_x() < arrow.get_x() < after.get_x()
        np.testing.assert_allclose(before.value, open_.weights[i, j], **TOL)
        np.testing.assert_allclose(after.value, causal.weights[i, j], **TOL)
    for noun, adjective in P.nouns:  # the adjectives come first, so the mask hides little
        i, j = TOKENS.index(noun), TOKENS.index(adjective)
        assert j < i and abs(causal.weights[i, j] - open_.weights[i, j]) < 0.05
    assert open_.weights[a, a] < 0.5  # unmasked, "a" gave most of its weight away


def test_wrong_order_rows_do_not_sum_to_one(run, heads):
    open_, causal = heads
    wrong_grid, right_grid = sorted(grids(run, "wrong_order", "weights"), key=lambda g: g.get_x())
    wrong = reference.softmax(open_.scores) * SEEN  # softmax first, then zero the future
    assert_cells(wrong_grid, wrong, "0")
    assert_cells(right_grid, causal.weights, "0")
    under("\u2717 wrong order: softmax first, then zero", run.at("wrong_order"), wrong_grid)
    under("\u2713 \u2212\u221e first, then softmax", run.at("wrong_order"), right_grid)
    sums = np.array([s.value for s in row_sums(run.at("wrong_order"), wrong_grid)])
    np.testing.assert_allclose(sums, wrong.sum(1), **TOL)
    assert (wrong.sum(1)[:-1] < 1 - 1e-3).all() and wrong.sum(1)[-1] == pytest.approx(1.0)


def test_parallel_answers_the_rnn_question(run):
    shown = run.at("parallel")
    texts = visible_texts(shown)
    assert "\u201cIs the transformer basically an RNN?\u201d" in texts
    assert f"Here all {N} rows of the pattern come out" in texts
    (grid,) = grids(run, "parallel", "weights")
    boxes = find(shown, SurroundingRectangle)
    for i in range(N):  # one box around each row of the pattern: all rows at once
        assert any(np.allclose(b.get_center(), grid.row(i).get_center(), atol=1e-6)
                   for b in boxes)
