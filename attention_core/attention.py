"""One attention head, written the way the lecture says it.

    Q = X W_Q        K = C W_K        V = C W_V          (C = X for self-attention)
    S = Q Kᵀ / √d_k                                      scores, one row per query
    A = softmax(S + M)    M = 0 where allowed, −∞ where masked
    ΔE = A V  (then · W_O when there is an output map)
    E′ = E + ΔE                                          a *new* vector; E is untouched

Everything is row vectors, as in the video: a word is a row of X, and the
pattern A has one row per query word, each summing to 1 over the key words.
The function returns every intermediate so that scenes can draw exactly what
was computed (see `AttentionTrace`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .masking import mask_then_softmax
from .scaling import scaled_scores


@dataclass(frozen=True)
class AttentionTrace:
    """Every intermediate of one head, so a scene can show the real numbers.

    Rows index queries (the words being updated), columns index keys (the
    words being looked at). `scores` are kept *before* masking so that a scene
    can show the raw numbers and then the −∞ that replaces the masked ones.
    """

    queries: Tensor  # (n, d_k)
    keys: Tensor  # (m, d_k)
    values: Tensor  # (m, d_v)
    scores: Tensor  # (n, m)  q·k / √d_k, before masking
    mask: Tensor  # (n, m)  bool, True = this query may attend to this key
    weights: Tensor  # (n, m)  softmax of the masked scores; rows sum to 1
    delta: Tensor  # (n, d_model)  ΔE = weights @ values (@ W_O)
    outputs: Tensor  # (n, d_model)  E′ = E + ΔE

    def fields(self) -> dict[str, Tensor]:
        """The trace's tensors by name, to build a richer trace that carries them."""
        return {name: getattr(self, name) for name in AttentionTrace.__dataclass_fields__}

    @property
    def masked_scores(self) -> Tensor:
        """The scores as softmax sees them: −∞ wherever the mask forbids."""
        return self.scores.masked_fill(~self.mask, float("-inf"))


def causal_mask(n: int, m: int | None = None) -> Tensor:
    """(n, m) bool mask: query i may see keys 0..i (top-left aligned, as torch)."""
    m = n if m is None else m
    return torch.ones(n, m, dtype=torch.bool).tril()


def attend(
    x: Tensor,
    w_q: Tensor,
    w_k: Tensor,
    w_v: Tensor,
    *,
    context: Tensor | None = None,
    causal: bool = False,
    w_o: Tensor | None = None,
) -> AttentionTrace:
    """Run one head on row vectors `x` (n, d_model) and return its full trace.

    `context` (m, d_model) supplies keys and values for cross-attention; without
    it the head attends over `x` itself. `causal=True` forbids query i from
    seeing keys after position i; those scores become −∞ *before* the softmax,
    so their weights are exactly 0 and each row still sums to 1.
    """
    source = x if context is None else context
    q = x @ w_q  # (n, d_k)
    k = source @ w_k  # (m, d_k)
    v = source @ w_v  # (m, d_v)
    return attend_projected(x, q, k, v, causal=causal, w_o=w_o)


def attend_projected(
    x: Tensor, q: Tensor, k: Tensor, v: Tensor, *, causal: bool = False,
    w_o: Tensor | None = None,
) -> AttentionTrace:
    """The head once its queries, keys and values exist: scores, mask, softmax, ΔE.

    `attend` calls this after its three projections; a layer whose projections
    carry biases (torch's modules, BERT) makes q, k, v itself and calls it too,
    so every model in the project runs the same attention step.
    """
    n, m = q.shape[0], k.shape[0]
    scores = scaled_scores(q, k)  # (n, m): q·k / √d_k
    mask = causal_mask(n, m) if causal else torch.ones(n, m, dtype=torch.bool)
    att = mask_then_softmax(scores, mask)  # (n, m): −∞ first, then softmax per row

    delta = att @ v  # (n, d_v)
    if w_o is not None:
        delta = delta @ w_o  # (n, d_model)
    elif delta.shape[1] != x.shape[1]:
        raise ValueError(
            f"without w_o the values must live in the embedding space: d_v={delta.shape[1]} "
            f"but d_model={x.shape[1]}; pass w_o of shape ({delta.shape[1]}, {x.shape[1]})"
        )

    return AttentionTrace(
        queries=q,
        keys=k,
        values=v,
        scores=scores,
        mask=mask,
        weights=att,
        delta=delta,
        outputs=x + delta,  # a new tensor: x itself is never written to
    )
