"""Dot product, cosine similarity and projections, and what the toy model says with them."""

import math

import torch

from attention_core import load_model
from attention_core.similarity import cosine, dot, projection


def test_dot_and_cosine_match_their_definitions():
    a, b = torch.randn(8), torch.randn(8)
    torch.testing.assert_close(dot(a, b), a @ b)
    torch.testing.assert_close(cosine(a, b), (a @ b) / (a.norm() * b.norm()))
    torch.testing.assert_close(cosine(a, 3 * a), torch.tensor(1.0))
    torch.testing.assert_close(cosine(a, -a), torch.tensor(-1.0))


def test_cosine_broadcasts_over_rows():
    rows, b = torch.randn(4, 8), torch.randn(8)
    expected = torch.stack([cosine(r, b) for r in rows])
    torch.testing.assert_close(cosine(rows, b), expected)


def test_projection_is_the_signed_length_along_a_direction():
    d = torch.tensor([3.0, 4.0])
    torch.testing.assert_close(projection(torch.tensor([[3.0, 4.0], [-4.0, 3.0]]), d),
                               torch.tensor([5.0, 0.0]))
    assert math.isclose(float(projection(torch.tensor([1.0, 0.0]), 10 * d)), 0.6, rel_tol=1e-6)


def test_similar_words_are_closer_in_the_toy_model():
    m = load_model()
    assert cosine(m.embed("orange"), m.embed("banana")) > cosine(m.embed("orange"),
                                                                 m.embed("phone"))
    fruit_minus_tech = m.embed("fruit") - m.embed("tech")
    assert projection(m.embed("pear"), fruit_minus_tech) > 0 > projection(m.embed("laptop"),
                                                                          fruit_minus_tech)
