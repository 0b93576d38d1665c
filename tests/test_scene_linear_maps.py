"""The linear-maps scene against matrices written out here: the textbook maps from their
definitions, and the toy head's maps from the weights file (tests/reference.py, float64
numpy): Bᵀ W_Q and Bᵀ W_K on the fruit/tech plane (B its Löwdin basis, recomputed here),
the true query q = E_apple W_Q, the keys k = E_w W_K and their dot products.

Each number is checked where a viewer reads it: a matrix beside the name of the map it
is, an arrow or dot at the plane point of its vector with its name beside it, a key on
the side of the q·k = 0 line that its sign says, a dot product on its word's row."""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import Arrow, Dot, MathTex, NumberPlane

import reference
from scene_harness import (
    XY,
    assert_matches,
    assert_shows,
    find,
    labels,
    run_scene,
    the_text,
    visible,
)
from scenes.kit import MatrixBox, Number
from scenes.kit.moving import MovingGrid
from scenes.kit.table import Table
from scenes.linear_maps import CONTEXT_WORDS, FUNCTION_WORDS, LinearMaps

WORDS = (*CONTEXT_WORDS, *FUNCTION_WORDS)


@pytest.fixture(scope="module")
def run():
    return run_scene(LinearMaps)


def expected_examples():
    """The textbook maps, written out here from their definitions (row convention)."""
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    return {"rotation": np.array([[c, s], [-s, c]]),
            "stretch": np.array([[1.8, 0.0], [0.0, 0.6]]),
            "shear": np.array([[1.0, 0.0], [1.0, 1.0]])}


def toy(name: str) -> np.ndarray:
    return reference.toy()[name]


def assert_grid_moved_by(grid: MovingGrid, plane, m: np.ndarray) -> None:
    """The moved square's corners are where x @ M sends the square's corners."""
    e = grid.extent
    corners = np.array([(-e, -e), (e, -e), (e, e), (-e, e)]) @ m
    ends = np.array([p for line in grid for p in (line.get_start(), line.get_end())])
    for xy in corners:
        assert np.min(np.linalg.norm(ends - plane.p(xy), axis=1)) < XY


@pytest.mark.parametrize("name", ["rotation", "stretch", "shear"])
def test_example_matrix_on_screen_and_grid_moved_by_it(run, name):
    m = expected_examples()[name]
    shown, plane = run.at(name), run.scene.plane
    (box,) = visible(shown, MatrixBox)
    assert_shows(box.numbers, m)
    assert box.get_left()[0] > the_text(shown, "M =").get_right()[0]
    the_text(shown, f"a {name}")
    (grid,) = visible(shown, MovingGrid)
    assert_grid_moved_by(grid, plane, m)
    # (1, 0) and (0, 1) land on the rows of M, drawn from the fixed origin, each named
    arrows = visible(shown, Arrow)
    ends = [plane.p(row) for row in m]
    for row, end, name_ in zip(m, ends, ("(1, 0)\u00b7M", "(0, 1)\u00b7M"), strict=True):
        assert any(np.allclose(a.get_end(), end, atol=XY)
                   and np.allclose(a.get_start(), plane.origin, atol=XY) for a in arrows), row
        assert labels(the_text(shown, name_), end, [e for e in ends if e is not end], shown)


def test_reference_grid_and_axes_never_move(run):
    reference_grid = find(run.at("fixed_axes"), NumberPlane)
    later = find(run.at("shear"), NumberPlane)
    assert reference_grid and later
    assert_matches(later[0].get_all_points(), reference_grid[0].get_all_points(), atol=1e-9)


def test_restricted_maps_are_b_transpose_w(run):
    """Bᵀ W_Q beside 'Bᵀ W_Q =', Bᵀ W_K beside 'Bᵀ W_K ='; the head's grid moved by
    Bᵀ W_Q; apple's plane coordinates and their image under it."""
    snapshot, scene = run.at("restricted"), run.scene
    basis = reference.plane_basis("fruit", "tech")
    maps = {"W_Q": basis.T @ toy("w_q"), "W_K": basis.T @ toy("w_k")}
    names = [t for t in visible(snapshot, MathTex) if "B^\\top" in t.tex_strings]
    for box in visible(snapshot, MatrixBox):
        (name,) = [t for t in names if abs(t.get_y() - box.get_y()) < 0.1
                   and t.get_right()[0] < box.get_left()[0]]
        (role,) = [r for r in maps if r in name.tex_strings]
        assert_shows(box.numbers, maps.pop(role))
    assert not maps, f"no matrix shown for {list(maps)}"
    (grid,) = visible(snapshot, MovingGrid)
    m_q = basis.T @ toy("w_q")
    assert_grid_moved_by(grid, scene.fruit_tech, m_q)
    apple_xy = reference.embed("apple") @ basis
    assert_matches(scene.e_arrow.get_end(), scene.fruit_tech.p(apple_xy), atol=XY)
    assert_matches(scene.rq_arrow.get_end(), scene.fruit_tech.p(apple_xy @ m_q), atol=XY)
    assert labels(the_text(snapshot, "apple (projected)"), scene.e_arrow.get_end(), [],
                  snapshot)


def test_true_query_and_keys_where_the_head_puts_them(run):
    """q (apple) and every key at their coordinates in the 2-D query/key space, each
    named, and each key on the side of the dashed q·k = 0 line its dot product says."""
    snapshot, scene = run.at("query_key"), run.scene
    plane = scene.qk_plane
    q = reference.embed("apple") @ toy("w_q")
    keys = {w: reference.embed(w) @ toy("w_k") for w in WORDS}
    assert_matches(scene.q_arrow.get_end(), plane.p(q), atol=XY)
    # the query's name sits by its tip (in the query's colour, among the blue key names)
    assert labels(the_text(snapshot, "q (apple)"), scene.q_arrow.get_end(), [], snapshot,
                  reach=0.6)
    centres = [d.get_center() for d in visible(snapshot, Dot)]
    towards_q = scene.q_arrow.get_end() - plane.origin
    for word, k in keys.items():
        point = plane.p(k)
        assert min(np.linalg.norm(c - point) for c in centres) < XY, f"no key dot for {word}"
        rivals = [plane.p(o) for w, o in keys.items() if w != word]
        assert any(labels(t, point, rivals, snapshot)
                   for t in visible(snapshot) if t.original_text == word), word
        assert np.sign((point - plane.origin) @ towards_q) == np.sign(q @ k)


def test_dot_products_on_their_words_rows(run):
    """word | E_apple·E_w | q·k | q·k/√d_k, each row its own word's numbers."""
    (table,) = visible(run.at("query_key"), Table)
    q = reference.embed("apple") @ toy("w_q")
    d_k = q.shape[0]
    assert table.cells[0][3].original_text == f"score = q\u00b7k/\u221a{d_k}"
    rows = {r[0].original_text: r for r in table.cells[1:]}
    assert set(rows) == set(WORDS)
    for word, (name, ee, qk, score) in rows.items():
        k = reference.embed(word) @ toy("w_k")
        assert all(abs(n.get_y() - name.get_y()) < 0.1 for n in (ee, qk, score))
        assert all(isinstance(n, Number) for n in (ee, qk, score))
        assert_shows([ee, qk, score], [reference.embed("apple") @ reference.embed(word),
                                         q @ k, q @ k / math.sqrt(d_k)])


def test_what_the_narration_claims_about_the_keys():
    """'pie, new, orange and phone ... positive; the and a ... negative, although their
    embeddings agree with apple's': true of the reference query and keys."""
    q, e = reference.embed("apple") @ toy("w_q"), reference.embed("apple")
    for word in CONTEXT_WORDS:
        assert q @ (reference.embed(word) @ toy("w_k")) > 0, word
    for word in FUNCTION_WORDS:
        assert q @ (reference.embed(word) @ toy("w_k")) < 0 < e @ reference.embed(word), word


def test_why_a_shear_is_answered(run):
    assert any("Why a shear?" in text for text, _, _ in run.scene.captions)
