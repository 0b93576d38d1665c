"""A flat view of the embedding space, spanned by two sense directions.

The toy model reads a topic by the dot product with that topic word's
embedding (v · E_fruit, v · E_tech). The plane spanned by E_fruit and E_tech is
therefore the one place where those two readings are exact: project onto it
and the fruit-vs-tech decision is unchanged. Scenes draw in this plane.

The basis is the symmetric (Löwdin) orthonormalisation of the two directions,
so neither sense is privileged: they sit mirror-symmetric about the diagonal.
The projection is linear, so E + ΔE projects to coords(E) + coords(ΔE) and the
vector addition on screen is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class SensePlane:
    senses: tuple[str, str]
    basis: Tensor  # (d_model, 2), orthonormal columns

    @classmethod
    def spanned_by(cls, senses: tuple[str, str], a: Tensor, b: Tensor) -> SensePlane:
        d = torch.stack([a, b], dim=1).double()  # (d_model, 2)
        gram = d.T @ d  # (2, 2)
        evals, evecs = torch.linalg.eigh(gram)
        inv_sqrt = evecs @ torch.diag(evals.rsqrt()) @ evecs.T
        return cls(senses, (d @ inv_sqrt).to(a.dtype))

    def coords(self, vectors: Tensor) -> Tensor:
        """(..., d_model) -> (..., 2): orthogonal projection, in plane coordinates."""
        return vectors @ self.basis

    def lift(self, coords: Tensor) -> Tensor:
        """(..., 2) -> (..., d_model): the in-plane vector with these coordinates."""
        return coords @ self.basis.T

    def share_kept(self, vectors: Tensor) -> Tensor:
        """|projection|² / |vector|² per vector: how much of it the view shows."""
        return (self.coords(vectors) ** 2).sum(-1) / (vectors**2).sum(-1)
