"""Example 2×2 maps, and the toy head's maps restricted to a plane."""

import math

import pytest
import torch

from attention_core import load_model
from attention_core.linear_maps import (
    EXAMPLES,
    apply,
    query_key_match,
    restrict,
    restricted_head,
    rotation,
    shear,
    stretch,
)


def test_rows_are_where_the_basis_vectors_land():
    for example in EXAMPLES:
        m = example.matrix
        assert torch.allclose(apply(m, torch.tensor([1.0, 0.0])), m[0])
        assert torch.allclose(apply(m, torch.tensor([0.0, 1.0])), m[1])


def test_rotation_turns_counter_clockwise_and_keeps_lengths():
    r = rotation(90)
    assert torch.allclose(apply(r, torch.tensor([1.0, 0.0])), torch.tensor([0.0, 1.0]),
                          atol=1e-6)
    x = torch.tensor([[3.0, -1.0], [0.5, 2.0]])
    assert torch.allclose(apply(rotation(30), x).norm(dim=1), x.norm(dim=1))
    assert math.isclose(float(torch.linalg.det(rotation(30))), 1.0, rel_tol=1e-6)


def test_stretch_and_shear():
    assert torch.equal(apply(stretch(2, 0.5), torch.tensor([1.0, 4.0])), torch.tensor([2.0, 2.0]))
    # a shear moves a point sideways by k × its height and keeps the height
    assert torch.equal(apply(shear(1.5), torch.tensor([1.0, 2.0])), torch.tensor([4.0, 2.0]))
    assert math.isclose(float(torch.linalg.det(shear(1.5))), 1.0)  # area is kept


def test_examples_are_distinct_kinds():
    kinds = {e.name for e in EXAMPLES}
    assert kinds == {"rotation", "stretch", "shear"}
    for e in EXAMPLES:
        assert e.matrix.shape == (2, 2) and e.note


def test_restriction_is_exact_for_vectors_in_the_plane():
    model = load_model()
    plane = model.plane("fruit", "tech")
    c = torch.tensor([[1.0, 0.0], [0.3, -2.0], [1.5, 1.5]])
    w = model.head.w_q
    assert torch.allclose(c @ restrict(w, plane.basis), plane.lift(c) @ w, atol=1e-6)


def test_restriction_misses_what_lies_outside_the_plane():
    model = load_model()
    plane = model.plane("fruit", "tech")
    e = model.embed("the")  # almost orthogonal to the fruit/tech plane
    restricted = plane.coords(e) @ restricted_head(model).key
    true = e @ model.head.w_k
    assert restricted.norm() < 0.1 * true.norm()


def test_restricted_head_shapes_and_values():
    model = load_model()
    r = restricted_head(model)
    basis = model.plane("fruit", "tech").basis
    assert r.query.shape == r.key.shape == r.value_down.shape == (2, 2)
    assert torch.allclose(r.query, basis.T @ model.head.w_q)
    assert torch.allclose(r.key, basis.T @ model.head.w_k)


def test_query_key_match_uses_the_full_vectors():
    model = load_model()
    words = ["pie", "orange", "the", "a"]
    match = query_key_match(model, "apple", words)
    q = model.embed("apple") @ model.head.w_q
    for j, w in enumerate(words):
        k = model.embed(w) @ model.head.w_k
        assert math.isclose(float(match.dots[j]), float(q @ k), rel_tol=1e-5)
        assert math.isclose(float(match.scores[j]), float(q @ k) / math.sqrt(2), rel_tol=1e-5)
        assert math.isclose(float(match.embedding_dots[j]),
                            float(model.embed("apple") @ model.embed(w)), rel_tol=1e-5)


def test_the_trained_maps_align_context_words_not_function_words():
    """What the scene claims: apple's query meets pie's key, not the's or a's."""
    match = query_key_match(load_model(), "apple", ["pie", "new", "the", "a"])
    assert float(match.dots[0]) > 0 and float(match.dots[1]) > 0
    assert float(match.dots[2]) < 0 and float(match.dots[3]) < 0


def test_unknown_word_fails():
    with pytest.raises(Exception, match="zebra"):
        query_key_match(load_model(), "apple", ["zebra"])
