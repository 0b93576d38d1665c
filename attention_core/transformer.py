"""The positional models: the lecture layer (3 heads with distinct jobs) and a deep stack.

A word enters as [E | P]: its toy-model embedding E (8 numbers, the same row of
the same table as `load_model()`) and a learned positional code P (4 numbers).
Blocks are `x ← x + MultiHeadAttention(x)`, computed by the core's
`MultiHeadAttention` from the shipped torch weights (see `train_layers.py`).

    layer = load_lecture_layer()
    trace = layer.run("a fluffy blue creature roamed the verdant forest")
    trace.layers[0].heads[1].weights    # the adjective head's pattern
    stack = load_deep_stack()
    stack.run("the american shrew mole roamed the forest").states   # after each block
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import Tensor, nn

from . import weights
from .model import ToyModel, load_model
from .multihead import MultiHeadAttention, MultiHeadResult
from .plane import SensePlane

LECTURE_LAYER_FILE = weights.ASSETS / "lecture_layer.safetensors"
DEEP_STACK_FILE = weights.ASSETS / "deep_stack.safetensors"


@dataclass(frozen=True)
class StackTrace:
    """One sentence through the blocks: every head of every block, and the stream."""

    tokens: list[str]
    inputs: Tensor  # (n, d_model)  [E | P]
    layers: list[MultiHeadResult]
    states: list[Tensor]  # states[0] = inputs; states[b + 1] = after block b

    def position(self, word: str) -> int:
        if word not in self.tokens:
            raise ValueError(f"{word!r} is not in {' '.join(self.tokens)!r}")
        return self.tokens.index(word)


class PositionalModel:
    """Frozen toy embeddings + learned positions + multi-head attention blocks."""

    def __init__(self, toy: ToyModel, positions: Tensor, modules: list[nn.MultiheadAttention],
                 readouts: dict[str, Tensor], meta: dict):
        self.toy = toy
        self.positions = positions  # (max_len, d_pos)
        self.modules = modules  # the torch layers, kept for parity checks
        self.layers = [MultiHeadAttention.from_torch(m) for m in modules]
        self.readouts = readouts
        self.meta = meta
        self.head_jobs: tuple[str, ...] = tuple(meta.get("head_jobs", ()))
        self.adjectives: list[str] = list(meta.get("adjectives", ()))

    @property
    def vocab(self) -> list[str]:
        return self.toy.vocab

    @property
    def d_token(self) -> int:
        return self.toy.d_model

    @property
    def d_model(self) -> int:
        return self.d_token + self.positions.shape[1]

    @property
    def max_len(self) -> int:
        return self.positions.shape[0]

    def inputs(self, tokens: list[str]) -> Tensor:
        """(n, d_model): each word's embedding followed by its position's code."""
        if len(tokens) > self.max_len:
            raise ValueError(f"{len(tokens)} words is too long for this model "
                             f"(at most {self.max_len})")
        e = torch.stack([self.toy.embed(t) for t in tokens])  # (n, d_token)
        return torch.cat([e, self.positions[: len(tokens)]], dim=1)

    def run(self, sentence: str, causal: bool = False) -> StackTrace:
        tokens = self.toy.tokenize(sentence)
        x = self.inputs(tokens)
        states, results = [x], []
        for layer in self.layers:
            result = layer(x, causal=causal)
            x = x + result.output  # E + Σ_h ΔE_h: a new vector; the old one stays in states
            results.append(result)
            states.append(x)
        return StackTrace(tokens, states[0], results, states)

    def sense_probabilities(self, vectors: Tensor) -> Tensor:
        """Topic read-out on the word part (the first d_token numbers) of each vector."""
        return self.toy.sense_probabilities(vectors[..., : self.d_token])

    def sense_of(self, vector: Tensor) -> str:
        return self.toy.topics[int(self.sense_probabilities(vector).argmax())]

    def plane(self, a: str = "fruit", b: str = "tech") -> SensePlane:
        """The toy model's sense plane, embedded in d_model (zero on the position part)."""
        view = self.toy.plane(a, b)
        pad = torch.zeros(self.d_model - self.d_token, 2, dtype=view.basis.dtype)
        return SensePlane(view.senses, torch.cat([view.basis, pad], dim=0))

    def adjective_probabilities(self, vector: Tensor) -> Tensor:
        """(A,) per adjective: does it describe this noun? (lecture layer only)"""
        w, b = self.readouts["adjective_readout.weight"], self.readouts["adjective_readout.bias"]
        return torch.sigmoid(vector @ w.T + b)

    def previous_word_probabilities(self, vector: Tensor) -> Tensor:
        """(V,) which word came just before? (lecture layer only)"""
        w, b = self.readouts["previous_readout.weight"], self.readouts["previous_readout.bias"]
        return torch.softmax(vector @ w.T + b, dim=-1)


def _module(in_proj: Tensor, out_proj: Tensor, n_heads: int) -> nn.MultiheadAttention:
    d = in_proj.shape[1]
    mha = nn.MultiheadAttention(d, n_heads, bias=False, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(in_proj)
        mha.out_proj.weight.copy_(out_proj)
    return mha.eval()


def _load(path: Path) -> PositionalModel:
    tensors, meta = weights.load(path)
    # a stack names its blocks blocks.0, blocks.1, ...; a single layer is "layer"
    prefixes = [f"blocks.{i}" for i in range(meta["depth"])] if "depth" in meta else ["layer"]
    modules = [_module(tensors[f"{p}.in_proj_weight"], tensors[f"{p}.out_proj.weight"],
                       meta["n_heads"]) for p in prefixes]
    readouts = {k: v for k, v in tensors.items() if "readout" in k}
    return PositionalModel(load_model(), tensors["positions"], modules, readouts, meta)


@lru_cache(maxsize=4)
def load_lecture_layer(path: Path = LECTURE_LAYER_FILE) -> PositionalModel:
    """One layer, three heads: sense, adjectives, previous word."""
    return _load(path)


@lru_cache(maxsize=4)
def load_deep_stack(path: Path = DEEP_STACK_FILE) -> PositionalModel:
    """Several attention blocks stacked; only the last one was read out in training."""
    return _load(path)
