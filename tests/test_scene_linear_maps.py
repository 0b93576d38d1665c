"""What the linear-maps scene shows is what the core computed."""

import math

import numpy as np
import pytest
import torch
from manim import Arrow, NumberPlane

from attention_core import load_model
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import MatrixBox, Number, fmt
from scenes.kit.moving import MovingGrid
from scenes.linear_maps import LinearMaps


@pytest.fixture(scope="module")
def run():
    return run_scene(LinearMaps)


def expected_examples():
    """The textbook maps, written out here from their definitions (row convention)."""
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    return {"rotation": np.array([[c, s], [-s, c]]),
            "stretch": np.array([[1.8, 0.0], [0.0, 0.6]]),
            "shear": np.array([[1.0, 0.0], [1.0, 1.0]])}


@pytest.mark.parametrize("name", ["rotation", "stretch", "shear"])
def test_example_matrix_on_screen_and_grid_moved_by_it(run, name):
    m = expected_examples()[name]
    shown = run.at(name)
    (box,) = find(shown, MatrixBox)
    assert_close(box.values, m, atol=1e-6)
    assert [n.text for n in box.numbers] == [fmt(v) for v in m.flat]
    (grid,) = find(shown, MovingGrid)
    plane = run.scene.plane
    # the moved square's corners are where x @ M sends the unit square's corners
    e = grid.extent
    corners = np.array([(-e, -e), (e, -e), (e, e), (-e, e)]) @ m
    ends = np.array([p for line in grid for p in (line.get_start(), line.get_end())])
    for xy in corners:
        target = plane.p(xy)
        assert np.min(np.linalg.norm(ends - target, axis=1)) < 1e-6
    # (1, 0) and (0, 1) land on the rows of M, drawn from the fixed origin
    arrows = [a for a in find(shown, Arrow)]
    for row in m:
        assert any(np.linalg.norm(a.get_end() - plane.p(row)) < 1e-6
                   and np.linalg.norm(a.get_start() - plane.origin) < 1e-6 for a in arrows)


def test_reference_grid_and_axes_never_move(run):
    reference = [m for m in find(run.at("fixed_axes"), NumberPlane)]
    later = [m for m in find(run.at("shear"), NumberPlane)]
    assert reference and later
    assert_close(later[0].get_all_points(), reference[0].get_all_points(), atol=1e-9)
    assert_close(run.scene.plane.reference.get_all_points(), reference[0].get_all_points(),
                 atol=1e-9)


def test_restricted_query_map_is_b_transpose_w_q(run):
    model = load_model()
    basis = model.plane("fruit", "tech").basis
    m_q = (basis.T @ model.head.w_q).numpy()
    m_k = (basis.T @ model.head.w_k).numpy()
    boxes = find(run.at("restricted"), MatrixBox)
    assert_close(boxes[0].values, m_q)
    assert_close(boxes[1].values, m_k)
    (grid,) = find(run.at("restricted"), MovingGrid)
    assert_close(grid.matrix, m_q)
    apple_xy = (model.embed("apple") @ basis).numpy()
    scene = run.scene
    assert_close(scene.rq_arrow.get_end(), scene.fruit_tech.p(apple_xy @ m_q), atol=1e-6)
    assert_close(scene.e_arrow.get_end(), scene.fruit_tech.p(apple_xy), atol=1e-6)


def test_true_query_and_keys_and_their_dot_products(run):
    model = load_model()
    scene = run.scene
    q = model.embed("apple") @ model.head.w_q
    assert_close(scene.q_arrow.get_end(), scene.qk_plane.p(q.numpy()), atol=1e-6)
    texts = visible_texts(run.at("query_key"))
    shown = {n.value for n in find(run.at("query_key"), Number)}
    for word, mark in zip(scene.match.words, scene.keys, strict=False):
        k = model.embed(word) @ model.head.w_k
        assert_close(mark[0].get_center(), scene.qk_plane.p(k.numpy()), atol=1e-6)
        dot = float(q @ k)
        assert any(abs(dot - v) < 1e-5 for v in shown)
        assert fmt(dot) in texts and fmt(dot / math.sqrt(2)) in texts
        assert fmt(float(model.embed("apple") @ model.embed(word))) in texts
    # what the narration claims: context words positive, function words negative
    ee, qk, _ = scene.dot_numbers["pie"]
    assert qk.value > 0 and scene.dot_numbers["the"][1].value < 0
    assert scene.dot_numbers["a"][1].value < 0 < scene.dot_numbers["a"][0].value
    assert torch.isclose(torch.tensor(ee.value),
                         model.embed("apple") @ model.embed("pie"), atol=1e-5)


def test_why_a_shear_is_answered(run):
    assert any("Why a shear?" in text for text, _, _ in run.scene.captions)
