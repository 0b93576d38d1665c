"""The score step in two parts: the raw dot products q·k, then the division by √d_k.

`attend` keeps only the finished scores q·k/√d_k (see `AttentionTrace.scores`).
A lecture shows the two steps one after the other, so this module gives the
numbers before the division and the divisor itself.

Why divide at all: if the d_k entries of q and k were independent with unit
variance, q·k would be a sum of d_k such products, with variance d_k. Larger
heads would then produce ever larger scores, and softmax of large scores is
almost a one-hot pick with vanishing gradients. Dividing by √d_k brings the
variance back to 1 whatever the head size (`dot_product_spread` measures it).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


def dot_products(queries: Tensor, keys: Tensor) -> Tensor:
    """(n, m): q_i·k_j for every query row i and key row j, before any scaling."""
    return queries @ keys.T


def score_scale(d_k: int) -> float:
    """√d_k, the number every dot product is divided by."""
    if d_k < 1:
        raise ValueError(f"d_k must be a positive head size, got {d_k}")
    return math.sqrt(d_k)


def scaled_scores(queries: Tensor, keys: Tensor) -> Tensor:
    """(n, m): q·k/√d_k, exactly the `scores` that `attend` keeps."""
    return dot_products(queries, keys) / score_scale(queries.shape[-1])


def dot_product_spread(d_k: int, samples: int = 20_000, seed: int = 0) -> tuple[float, float]:
    """(std of q·k, std of q·k/√d_k) for random unit-variance q and k of size d_k.

    The first grows like √d_k, the second stays near 1: the reason for the scale.
    """
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(samples, d_k, generator=g)
    k = torch.randn(samples, d_k, generator=g)
    raw = (q * k).sum(-1)
    return float(raw.std()), float((raw / score_scale(d_k)).std())
