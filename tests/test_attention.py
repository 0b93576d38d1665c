"""The core's single head agrees with torch's scaled_dot_product_attention."""

import math

import pytest
import torch
import torch.nn.functional as F

from attention_core import attend, causal_mask

CASES = [  # (n queries, m keys, d_model, d_k, d_v)
    (1, 1, 4, 2, 4), (5, 5, 8, 2, 8), (7, 7, 16, 4, 16), (3, 9, 12, 6, 12), (9, 3, 10, 5, 10),
    (12, 12, 32, 8, 32),
]


def random_case(n, m, d_model, d_k, d_v, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d_model, generator=g)
    ctx = torch.randn(m, d_model, generator=g)
    w = [torch.randn(d_model, d, generator=g) / math.sqrt(d_model) for d in (d_k, d_k, d_v)]
    return x, ctx, w


@pytest.mark.parametrize("n,m,d_model,d_k,d_v", CASES)
@pytest.mark.parametrize("causal", [False, True])
def test_matches_sdpa(n, m, d_model, d_k, d_v, causal):
    x, ctx, (w_q, w_k, w_v) = random_case(n, m, d_model, d_k, d_v, seed=n * 100 + m)
    source = x if n == m else ctx  # self-attention when square, cross otherwise
    trace = attend(x, w_q, w_k, w_v, context=None if n == m else ctx, causal=causal)
    expected = F.scaled_dot_product_attention(
        (x @ w_q)[None], (source @ w_k)[None], (source @ w_v)[None], is_causal=causal)[0]
    torch.testing.assert_close(trace.delta, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(trace.outputs, x + expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("n,m,d_model,d_k,d_v", CASES)
def test_cross_attention_with_output_map_matches_sdpa(n, m, d_model, d_k, d_v):
    x, ctx, (w_q, w_k, w_v) = random_case(n, m, d_model, d_k, 3, seed=7 + n)
    w_o = torch.randn(3, d_model)
    trace = attend(x, w_q, w_k, w_v, context=ctx, w_o=w_o)
    expected = F.scaled_dot_product_attention(
        (x @ w_q)[None], (ctx @ w_k)[None], (ctx @ w_v)[None])[0] @ w_o
    torch.testing.assert_close(trace.delta, expected, atol=1e-5, rtol=1e-5)
    assert trace.queries.shape == (n, d_k) and trace.keys.shape == (m, d_k)
    assert trace.values.shape == (m, 3) and trace.weights.shape == (n, m)


def test_scores_are_scaled_and_kept_before_masking():
    x, _, (w_q, w_k, w_v) = random_case(6, 6, 8, 4, 8, seed=1)
    trace = attend(x, w_q, w_k, w_v, causal=True)
    torch.testing.assert_close(trace.scores, (x @ w_q) @ (x @ w_k).T / 2.0)  # √4 = 2
    assert torch.isfinite(trace.scores).all()  # the raw scores, not the −∞ ones
    assert torch.isinf(trace.masked_scores[~trace.mask]).all()


def test_mask_comes_before_softmax():
    x, _, (w_q, w_k, w_v) = random_case(6, 6, 8, 4, 8, seed=2)
    trace = attend(x, w_q, w_k, w_v, causal=True)
    assert torch.equal(trace.mask, causal_mask(6))
    assert (trace.weights[~trace.mask] == 0).all()  # exactly zero, not merely small
    torch.testing.assert_close(trace.weights.sum(dim=1), torch.ones(6))
    # masking after softmax would leave rows that do not sum to 1:
    after = torch.softmax(trace.scores, dim=1) * trace.mask
    assert not torch.allclose(after.sum(dim=1), torch.ones(6))


def test_input_is_never_modified():
    x, ctx, (w_q, w_k, w_v) = random_case(4, 5, 8, 2, 8, seed=3)
    before = (x.clone(), ctx.clone())
    trace = attend(x, w_q, w_k, w_v, context=ctx)
    assert torch.equal(x, before[0]) and torch.equal(ctx, before[1])
    assert trace.outputs.data_ptr() != x.data_ptr()


def test_values_outside_embedding_space_need_an_output_map():
    x, _, (w_q, w_k, _) = random_case(3, 3, 8, 2, 8, seed=4)
    with pytest.raises(ValueError, match="w_o"):
        attend(x, w_q, w_k, torch.randn(8, 2))
