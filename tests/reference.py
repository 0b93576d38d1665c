"""The toy models computed again, for tests: float64 numpy, straight from the weight files.

Nothing here calls the attention core. Weights and vocabularies are read from
the safetensors files in assets/ with safetensors + json, and every step is the
lecture's equation written out (einsum, an explicit −∞ mask, softmax by exp and
sum), so a scene test that compares the screen with these numbers checks the
core and the scene against an independent computation.

    ref = toy_forward("buy an apple and an orange")
    ref.weights[ref.tokens.index("apple")]        # apple's softmax row
    senses(ref.outputs[2])                        # {"fruit": 0.97, "tech": ...}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@lru_cache(maxsize=8)
def stored(name: str) -> tuple[dict[str, np.ndarray], dict]:
    """(tensors as float64 arrays, metadata) of assets/<name>.safetensors."""
    path = ASSETS / f"{name}.safetensors"
    tensors = {k: v.astype(np.float64) for k, v in load_file(str(path)).items()}
    header = path.read_bytes()
    size = int.from_bytes(header[:8], "little")
    meta = json.loads(json.loads(header[8:8 + size])["__metadata__"]["json"])
    return tensors, meta


def words(sentence: str) -> list[str]:
    """Lower-case runs of letters: the toy models' tokens."""
    return re.findall(r"[^\W\d_]+", sentence.lower())


def softmax(x: np.ndarray) -> np.ndarray:
    """Along the last axis; −∞ entries get exactly 0."""
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def attention(q: np.ndarray, k: np.ndarray, causal: bool = False
              ) -> tuple[np.ndarray, np.ndarray]:
    """(scores q·k/√d_k before masking, softmax weights with −∞ above the diagonal)."""
    scores = np.einsum("id,jd->ij", q, k) / np.sqrt(q.shape[1])
    masked = scores.copy()
    if causal:
        masked[np.triu(np.ones(scores.shape, bool), k=1)] = -np.inf
    return scores, softmax(masked)


@dataclass(frozen=True)
class HeadRef:
    """One head's numbers for one sentence."""

    queries: np.ndarray  # (n, d_k)
    keys: np.ndarray  # (m, d_k)
    values: np.ndarray  # (m, d_v)  value-down: V = X W_V
    scores: np.ndarray  # (n, m)  before masking
    weights: np.ndarray  # (n, m)
    delta: np.ndarray  # (n, d_model)  weights @ V @ W_O


@dataclass(frozen=True)
class ToyRef(HeadRef):
    tokens: list[str]
    embeddings: np.ndarray  # (n, d_model)
    outputs: np.ndarray  # E + ΔE


def toy() -> dict:
    t, meta = stored("toy_head")
    return {**t, "vocab": meta["vocab"], "topics": meta["config"]["topics"]}


def embed(word: str) -> np.ndarray:
    m = toy()
    return m["embeddings"][m["vocab"].index(word)]


def toy_forward(sentence: str) -> ToyRef:
    """The toy head on a sentence: E, q, k, v, scores, weights, ΔE, E + ΔE."""
    m = toy()
    tokens = words(sentence)
    e = m["embeddings"][[m["vocab"].index(w) for w in tokens]]
    q, k, v = e @ m["w_q"], e @ m["w_k"], e @ m["w_v"]
    scores, weights = attention(q, k)
    delta = weights @ v @ m["w_o"]
    return ToyRef(q, k, v, scores, weights, delta, tokens, e, e + delta)


def senses(vector: np.ndarray) -> dict[str, float]:
    """The toy read-out: softmax of the dot products with the topic words' embeddings
    (only the first 8 numbers, the word part, of a positional model's vector)."""
    m = toy()
    topics = m["topics"]
    directions = m["embeddings"][[m["vocab"].index(t) for t in topics]]
    p = softmax(np.asarray(vector)[..., : directions.shape[1]] @ directions.T)
    return dict(zip(topics, p.tolist(), strict=True))


@dataclass(frozen=True)
class StackRef:
    tokens: list[str]
    inputs: np.ndarray  # [E | P]
    heads: list[list[HeadRef]]  # heads[b][h]
    states: list[np.ndarray]  # states[0] = inputs, states[b + 1] after block b


@dataclass(frozen=True)
class HeadMaps:
    """One head's maps in a positional model (row vectors: q = x W_Q), the value map
    factored as the lecture counts it."""

    w_q: np.ndarray  # (d_model, d_head)
    w_k: np.ndarray  # (d_model, d_head)
    value_down: np.ndarray  # (d_model, d_head)  v = x W_V↓
    value_up: np.ndarray  # (d_head, d_model)  this head's rows of W_O


def head_maps(name: str, block: int = 0) -> list[HeadMaps]:
    """Every head of `block`, cut from torch's layout: in_proj stacks the query, key and
    value maps ([0, d), [d, 2d), [2d, 3d) rows, head h owning rows h·d_h … of each), and
    out_proj's columns take the concatenated heads, so W_O = out_projᵀ and head h owns
    its rows."""
    t, meta = stored(name)
    in_proj, out_proj = t[f"blocks.{block}.in_proj_weight"], t[f"blocks.{block}.out_proj.weight"]
    d = in_proj.shape[1]
    n_heads = meta["config"]["n_heads"]
    dh = d // n_heads
    w_q, w_k, w_v, w_o = in_proj[:d].T, in_proj[d:2 * d].T, in_proj[2 * d:].T, out_proj.T
    cols = [slice(h * dh, (h + 1) * dh) for h in range(n_heads)]
    return [HeadMaps(w_q[:, c], w_k[:, c], w_v[:, c], w_o[c]) for c in cols]


def positional_forward(name: str, sentence: str, causal: bool = False) -> StackRef:
    """A positional model ("lecture_layer" or "deep_stack") on a sentence, block by block:
    x <- x + Σ_h softmax(q_h k_hᵀ/√d_h) v_h W_O^h."""
    t, meta = stored(name)
    tokens = words(sentence)
    x = np.concatenate([toy()["embeddings"][[toy()["vocab"].index(w) for w in tokens]],
                        t["positions"][: len(tokens)]], axis=1)
    states, heads = [x], []
    for b in range(meta["config"]["depth"]):
        block = []
        for maps in head_maps(name, b):
            q, k, v = x @ maps.w_q, x @ maps.w_k, x @ maps.value_down
            scores, weights = attention(q, k, causal)
            block.append(HeadRef(q, k, v, scores, weights, weights @ v @ maps.value_up))
        x = x + sum(head.delta for head in block)
        heads.append(block)
        states.append(x)
    return StackRef(tokens, states[0], heads, states)


@dataclass(frozen=True)
class CrossRef(HeadRef):
    english: list[str]
    french: list[str]


def cross_forward(english: str, french: str) -> CrossRef:
    """French queries over English keys and values, [word | position] on both sides."""
    t, meta = stored("cross_head")
    en, fr = words(english), words(french)
    x_en = np.concatenate([toy()["embeddings"][[toy()["vocab"].index(w) for w in en]],
                           t["positions"][: len(en)]], axis=1)
    x_fr = np.concatenate([t["french"][[meta["french_vocab"].index(w) for w in fr]],
                           t["positions"][: len(fr)]], axis=1)
    q, k, v = x_fr @ t["w_q"], x_en @ t["w_k"], x_en @ t["w_v"]
    scores, weights = attention(q, k)
    return CrossRef(q, k, v, scores, weights, weights @ v @ t["w_o"], en, fr)


def plane_basis(a: str, b: str) -> np.ndarray:
    """(d_model, 2) orthonormal basis of the plane through the toy embeddings of two topic
    words, by symmetric (Löwdin) orthonormalisation: D (DᵀD)^(−1/2), D = [E_a E_b].
    Neither word is privileged: the two basis vectors sit mirror-symmetric about E_a + E_b.
    A vector's plane coordinates are `vector @ plane_basis(a, b)`."""
    d = np.stack([embed(a), embed(b)], axis=1)
    evals, evecs = np.linalg.eigh(d.T @ d)
    return d @ evecs @ np.diag(evals ** -0.5) @ evecs.T
