"""Softmax with a temperature, and the hard "take the best" pick it replaces.

A viewer asked: why not just take the best-matching word? That pick is
`argmax_one_hot`: all the weight on the top score. It is a step function of
the scores, so when two scores cross, the whole weight jumps from one word to
the other at once. `softmax` instead gives every word a share that moves
smoothly with the scores, and its output stays a proper weighting (each in
[0, 1], summing to 1).

The temperature T interpolates between the two. softmax(s / T):

    T → 0    all weight on the top score (the argmax one-hot, when it is unique)
    T = 1    the ordinary softmax used by attention (after the 1/√d_k scaling,
             which is itself a fixed temperature of √d_k on the raw q·k)
    T → ∞    every word the same weight, 1/n
"""

from __future__ import annotations

import torch
from torch import Tensor


def softmax(scores: Tensor, temperature: float = 1.0, dim: int = -1) -> Tensor:
    """softmax(scores / T) along `dim`: non-negative weights that sum to 1.

    Masked scores (−∞) stay weight 0 at every temperature, since −∞ / T = −∞.
    """
    if not temperature > 0:
        raise ValueError(f"the temperature must be positive, got {temperature}")
    scores = torch.as_tensor(scores, dtype=torch.get_default_dtype())
    return torch.softmax(scores / temperature, dim=dim)


def argmax_one_hot(scores: Tensor, dim: int = -1) -> Tensor:
    """All the weight on the highest score, none elsewhere: the "best match".

    On an exact tie the first of the tied positions wins (as `torch.argmax`),
    which is exactly why this pick is brittle: an arbitrarily small change in
    the scores can move the whole weight to another word.
    """
    scores = torch.as_tensor(scores, dtype=torch.get_default_dtype())
    index = scores.argmax(dim=dim, keepdim=True)
    return torch.zeros_like(scores).scatter(dim, index, 1.0)


def with_score(scores: Tensor, position: int, value: float) -> Tensor:
    """A copy of a score row with one score replaced: "what if this word scored `value`?"

    Scenes slide one score and redraw both picks from this, so every frame's
    bars come from the same row the core would compute.
    """
    row = torch.as_tensor(scores, dtype=torch.get_default_dtype()).clone()
    row[..., position] = value
    return row
