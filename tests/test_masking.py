"""The causal mask: −∞ before softmax, and what goes wrong the other way round."""

import math

import torch

from attention_core.attention import causal_mask
from attention_core.masking import (
    mask_then_softmax,
    next_token_tasks,
    row_sums,
    softmax_then_mask,
)
from attention_core.transformer import load_lecture_layer

SENTENCE = "a fluffy blue creature roamed the verdant forest"


def test_attend_masks_before_the_softmax():
    """The trace's weights against the equation written out here: q·k/√d_k, −∞ for every
    later key, then softmax along the row (not the core's helpers)."""
    head = load_lecture_layer().run(SENTENCE, causal=True).layers[0].heads[1]
    q, k = head.queries, head.keys
    n = q.shape[0]
    scores = torch.einsum("id,jd->ij", q, k) / math.sqrt(q.shape[1])
    later = torch.arange(n)[None, :] > torch.arange(n)[:, None]  # key j after query i
    expected = torch.softmax(torch.where(later, float("-inf"), scores), dim=-1)
    torch.testing.assert_close(head.weights, expected)
    assert (head.weights[later] == 0).all()  # exactly zero, not merely small
    # masking afterwards would give other numbers: the order is visible in the weights
    after = torch.softmax(scores, dim=-1).masked_fill(later, 0.0)
    assert not torch.allclose(head.weights, after, atol=1e-3)


def test_right_order_rows_sum_to_one_and_future_weights_are_exactly_zero():
    scores, mask = torch.randn(6, 6) * 3, causal_mask(6)
    w = mask_then_softmax(scores, mask)
    torch.testing.assert_close(row_sums(w), torch.ones(6))
    assert (w[~mask] == 0).all()
    assert w[0, 0] == 1.0  # the first word can only see itself


def test_wrong_order_rows_fall_short_of_one():
    scores, mask = torch.randn(6, 6) * 3, causal_mask(6)
    wrong = softmax_then_mask(scores, mask)
    assert (wrong[~mask] == 0).all()
    sums = row_sums(wrong)
    assert (sums[:-1] < 1 - 1e-6).all()  # every row that had a future loses weight
    torch.testing.assert_close(sums[-1], torch.tensor(1.0))  # the last row sees everything
    torch.testing.assert_close(sums, (torch.softmax(scores, -1) * mask).sum(-1))


def test_next_token_tasks_are_every_prefix():
    tasks = next_token_tasks(["a", "fluffy", "blue"])
    assert tasks == [(["a"], "fluffy"), (["a", "fluffy"], "blue")]
