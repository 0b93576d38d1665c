"""Heads read out of nn.MultiheadAttention reproduce its output within 1e-5."""

import pytest
import torch
from torch import nn

from attention_core import MultiHeadAttention, causal_mask

CASES = [  # (d_model, heads, n, m)
    (8, 2, 5, 5), (12, 3, 7, 4), (16, 4, 6, 9), (24, 6, 3, 3), (32, 8, 10, 10),
]


def module(d_model, heads, bias, seed, kdim=None):
    torch.manual_seed(seed)
    mha = nn.MultiheadAttention(d_model, heads, bias=bias, batch_first=True, kdim=kdim,
                                vdim=kdim)
    return mha.eval()


@pytest.mark.parametrize("d_model,heads,n,m", CASES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mode", ["self", "causal", "cross"])
def test_matches_torch(d_model, heads, n, m, bias, mode):
    mha = module(d_model, heads, bias, seed=d_model + heads)
    x = torch.randn(n, d_model)
    ctx = torch.randn(m, d_model) if mode == "cross" else x
    kwargs = {}
    if mode == "causal":
        kwargs["attn_mask"] = ~causal_mask(n)  # torch: True means "may NOT attend"
    with torch.no_grad():
        expected, per_head = mha(x[None], ctx[None], ctx[None], need_weights=True,
                                 average_attn_weights=False, **kwargs)
    ours = MultiHeadAttention.from_torch(mha)(
        x, context=ctx if mode == "cross" else None, causal=mode == "causal")
    torch.testing.assert_close(ours.output, expected[0], atol=1e-5, rtol=1e-5)
    for h, trace in enumerate(ours.heads):
        torch.testing.assert_close(trace.weights, per_head[0, h], atol=1e-5, rtol=1e-5)
    assert len(ours.heads) == heads


def test_cross_attention_with_other_key_dimension():
    mha = module(12, 3, True, seed=5, kdim=7)
    x, ctx = torch.randn(4, 12), torch.randn(6, 7)
    with torch.no_grad():
        expected, _ = mha(x[None], ctx[None], ctx[None])
    ours = MultiHeadAttention.from_torch(mha)(x, context=ctx)
    torch.testing.assert_close(ours.output, expected[0], atol=1e-5, rtol=1e-5)


def test_value_up_blocks_stack_into_the_output_matrix():
    mha = module(12, 3, False, seed=6)
    layer = MultiHeadAttention.from_torch(mha)
    torch.testing.assert_close(layer.output_matrix, mha.out_proj.weight.detach().T)
    assert [h.w_o.shape for h in layer.heads] == [(4, 12)] * 3


def test_rejects_sequence_first_modules():
    with pytest.raises(ValueError, match="batch_first"):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2))
