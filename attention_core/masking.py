"""The causal mask, and why it goes in before the softmax.

During training a decoder learns from every prefix of a sentence at once:
"a" predicts "fluffy", "a fluffy" predicts "blue", and so on, all in the same
matrix product (`next_token_tasks`). If position i could see position i+1, it
could simply read the word it is meant to predict. So the scores of later keys
are set to −∞ before the softmax: e^−∞ = 0 makes their weights exactly 0, and
the softmax shares the whole weight among the visible keys, so every row still
sums to 1 (`mask_then_softmax`, what `attend(..., causal=True)` does).

Doing it the other way round (`softmax_then_mask`) is a classic mistake: the
softmax has already given some weight to the future keys, zeroing them
afterwards leaves rows that sum to less than 1, so ΔE shrinks by a different
amount at every position.
"""

from __future__ import annotations

import torch
from torch import Tensor


def mask_then_softmax(scores: Tensor, mask: Tensor) -> Tensor:
    """The right order: −∞ where `mask` is False, then softmax along each row."""
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


def softmax_then_mask(scores: Tensor, mask: Tensor) -> Tensor:
    """The wrong order: softmax over every key, then zero the forbidden weights.

    Rows no longer sum to 1 (`row_sums` shows by how much they fall short).
    """
    return torch.softmax(scores, dim=-1).masked_fill(~mask, 0.0)


def row_sums(weights: Tensor) -> Tensor:
    """(n,): the total weight each query hands out; 1 for a proper pattern."""
    return weights.sum(dim=-1)


def next_token_tasks(tokens: list[str]) -> list[tuple[list[str], str]]:
    """(prefix, next word) for every position that has a next word.

    These are the predictions a decoder trains on in parallel: position i sees
    tokens[: i + 1] and must predict tokens[i + 1], which the mask hides from it.
    """
    return [(tokens[: i + 1], tokens[i + 1]) for i in range(len(tokens) - 1)]
