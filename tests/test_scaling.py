"""The two score steps, against the trace that `attend` keeps."""

import math

import pytest
import torch

from attention_core.scaling import dot_product_spread, dot_products, scaled_scores, score_scale
from attention_core.transformer import load_lecture_layer

SENTENCE = "a fluffy blue creature roamed the verdant forest"


def test_dot_products_are_every_query_key_pair():
    q, k = torch.randn(3, 4), torch.randn(5, 4)
    raw = dot_products(q, k)
    assert raw.shape == (3, 5)
    for i in range(3):
        for j in range(5):
            assert raw[i, j].item() == pytest.approx(float(torch.dot(q[i], k[j])), abs=1e-5)


def test_the_traces_scores_are_q_dot_k_over_the_root_of_d_k():
    """Scores rebuilt here from the layer's own input and torch's weight matrix (not from
    the trace's queries): x W_Qᵀ · x W_Kᵀ / √4 for head 2 (rows 4..7 of in_proj)."""
    layer = load_lecture_layer()
    trace = layer.run(SENTENCE)
    head = trace.layers[0].heads[1]
    w_q, w_k, _ = layer.modules[0].in_proj_weight.detach().chunk(3)
    q, k = trace.inputs @ w_q[4:8].T, trace.inputs @ w_k[4:8].T
    expected = torch.einsum("id,jd->ij", q, k) / math.sqrt(4)
    torch.testing.assert_close(head.scores, expected)
    torch.testing.assert_close(scaled_scores(q, k), expected)


def test_scale_is_the_square_root_of_the_head_size():
    assert score_scale(4) == 2.0
    assert score_scale(128) == pytest.approx(math.sqrt(128))
    with pytest.raises(ValueError):
        score_scale(0)


def test_scaling_keeps_the_spread_near_one_whatever_the_head_size():
    for d_k in (4, 64, 256):
        raw, scaled = dot_product_spread(d_k)
        assert raw == pytest.approx(math.sqrt(d_k), rel=0.05)
        assert scaled == pytest.approx(1.0, rel=0.05)
