"""Linear maps: what W_Q, W_K and W_V do to the space, in pictures one can draw.

A head's matrices are linear maps. In two dimensions a linear map is a 2×2
matrix, and every such matrix is some mix of rotating, stretching and shearing
(and perhaps a reflection). The examples below are the textbook ones; a trained
matrix is whatever mix gradient descent found useful. A shear is shown only
because it is a map that is neither a rotation nor a stretch, not because
attention prefers shears.

Convention, as everywhere in the core: row vectors. A point x (a row) goes to
x @ M, so the first row of M is where (1, 0) lands and the second row is where
(0, 1) lands.

The toy head's real maps go from 8 numbers to 2, so they cannot be drawn
whole. Restricted to a plane with orthonormal basis B (d_model × 2, e.g. the
fruit/tech plane), the query map becomes the 2×2 matrix Bᵀ·W_Q: plane
coordinates c (the in-plane vector c·Bᵀ) go to the query c·Bᵀ·W_Q. That
picture is exact for vectors *in* the plane and ignores everything outside
it, which is why the true queries and keys are computed from all 8 numbers
(`query_key_match`). The head's query/key space has 2 dimensions, so the true
q and k are themselves exactly drawable, and so is their dot product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from .model import ToyModel


def rotation(degrees: float) -> Tensor:
    """Rotate counter-clockwise by `degrees` (row convention: x @ M)."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return torch.tensor([[c, s], [-s, c]])


def stretch(sx: float, sy: float) -> Tensor:
    """Scale the first axis by sx and the second by sy."""
    return torch.tensor([[float(sx), 0.0], [0.0, float(sy)]])


def shear(k: float) -> Tensor:
    """Slide each point sideways by k times its height: (x, y) -> (x + k·y, y)."""
    return torch.tensor([[1.0, 0.0], [float(k), 1.0]])


@dataclass(frozen=True)
class ExampleMap:
    """A named 2×2 example, with the one-line reason a scene shows it."""

    name: str
    matrix: Tensor  # (2, 2), row convention
    note: str


EXAMPLES: tuple[ExampleMap, ...] = (
    ExampleMap("rotation", rotation(30.0), "turns every vector by 30°, lengths kept"),
    ExampleMap("stretch", stretch(1.8, 0.6), "1.8× as long across, 0.6× as tall"),
    ExampleMap("shear", shear(1.0), "slides each point sideways by its height"),
)


def apply(matrix: Tensor, points: Tensor) -> Tensor:
    """(..., 2) -> (..., 2): the row vectors `points`, each times `matrix`."""
    return points @ matrix


def restrict(w: Tensor, basis: Tensor) -> Tensor:
    """(d_model, d_out) map restricted to the plane of `basis` (d_model, 2): Bᵀ·W.

    For plane coordinates c, c @ restrict(w, B) equals (c @ Bᵀ) @ w exactly:
    the map applied to the in-plane vector with those coordinates.
    """
    return basis.T @ w


@dataclass(frozen=True)
class RestrictedHead:
    """The toy head's maps seen only on one plane: plane coords -> head space."""

    senses: tuple[str, str]
    query: Tensor  # (2, 2) = Bᵀ·W_Q
    key: Tensor  # (2, 2) = Bᵀ·W_K
    value_down: Tensor  # (2, 2) = Bᵀ·W_V


def restricted_head(model: ToyModel, senses: tuple[str, str] = ("fruit", "tech")
                    ) -> RestrictedHead:
    basis = model.plane(*senses).basis
    h = model.head
    return RestrictedHead(tuple(senses), restrict(h.w_q, basis), restrict(h.w_k, basis),
                          restrict(h.w_v, basis))


@dataclass(frozen=True)
class QueryKeyMatch:
    """One word's true query against other words' true keys (all 8 numbers used).

    `dots[j]` = q · k_j; `scores[j]` = dots[j] / √d_k, the number the head's
    softmax actually sees. The words are looked at on their own, outside any
    sentence: a word's query and key depend only on its embedding.
    """

    focus: str
    words: list[str]
    query: Tensor  # (d_k,)
    keys: Tensor  # (n, d_k)
    dots: Tensor  # (n,)
    scores: Tensor  # (n,)
    embedding_dots: Tensor  # (n,) E_focus · E_word: the alignment before any map


def query_key_match(model: ToyModel, focus: str, words: list[str]) -> QueryKeyMatch:
    h = model.head
    e_focus = model.embed(focus)
    e_words = torch.stack([model.embed(w) for w in words])
    q = e_focus @ h.w_q
    k = e_words @ h.w_k
    dots = k @ q
    return QueryKeyMatch(focus, list(words), q, k, dots, dots / math.sqrt(q.shape[0]),
                         e_words @ e_focus)
