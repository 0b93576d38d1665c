"""How aligned two vectors are: the dot product, cosine similarity, projections.

The dot product a·b grows with both the alignment and the lengths of a and b;
it is what attention computes between a query and a key. Cosine similarity
divides the lengths out, leaving only the angle: 1 same direction, 0
perpendicular, −1 opposite.

These must be computed in the full embedding space. A 2-D view is a
projection: two vectors that look parallel in the picture may be far apart in
the dimensions the picture drops, so a cosine read off the picture can be
badly wrong (`cosine` of the projected coordinates shows by how much).
"""

from __future__ import annotations

import torch
from torch import Tensor


def dot(a: Tensor, b: Tensor) -> Tensor:
    """a·b over the last axis (broadcasts)."""
    return (torch.as_tensor(a) * torch.as_tensor(b)).sum(-1)


def cosine(a: Tensor, b: Tensor) -> Tensor:
    """a·b / (|a| |b|) over the last axis: alignment with the lengths divided out."""
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    return dot(a, b) / (a.norm(dim=-1) * b.norm(dim=-1))


def projection(vectors: Tensor, direction: Tensor) -> Tensor:
    """(..., d) -> (...): signed length of each vector along `direction` (v·d / |d|).

    "A direction carries meaning": words ordered by this number line up from
    one end of the meaning to the other.
    """
    direction = torch.as_tensor(direction)
    return dot(vectors, direction / direction.norm())
