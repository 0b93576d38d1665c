"""The positional models: the lecture layer (3 heads with distinct jobs) and a deep stack.

A word enters as [E | P]: its toy-model embedding E (8 numbers, the same row of
the same table as `load_model()`) and a fixed sinusoidal positional code P
(4 numbers, `positional_code`). Blocks are `x ← x + MultiHeadAttention(x)`,
computed by the core's `MultiHeadAttention` from the shipped torch weights
(trained by `attention_core.training.layers`).

    layer = load_lecture_layer()
    trace = layer.run("a fluffy blue creature roamed the verdant forest")
    trace.layers[0].heads[1].weights    # the adjective head's pattern
    layer.head_readouts[1].read(trace.states[0][3] + trace.layers[0].heads[1].delta[3])
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
from .readouts import Readout, SenseReadout, Stored

LECTURE_LAYER_FILE = weights.ASSETS / "lecture_layer.safetensors"
DEEP_STACK_FILE = weights.ASSETS / "deep_stack.safetensors"


@dataclass(frozen=True)
class PositionalConfig:
    """Sizes of a positional model, saved in its weights file."""

    d_token: int = 8  # the toy model's embedding, frozen: *what* the word is
    frequencies: tuple[float, ...] = (1.0, 0.35)  # radians per position, a sin/cos pair each
    max_len: int = 12  # the longest sentence
    n_heads: int = 3
    depth: int = 1  # blocks, each x <- x + MultiHeadAttention(x)
    # the read-out each head's ΔE was trained with (the lecture layer); () for a stack
    # read out only at its end
    head_jobs: tuple[str, ...] = ()

    @property
    def d_pos(self) -> int:
        return 2 * len(self.frequencies)

    @property
    def d_model(self) -> int:
        return self.d_token + self.d_pos

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


def positional_code(frequencies: tuple[float, ...], max_len: int) -> Tensor:
    """(max_len, 2F): [sin ωi, cos ωi, ...] for positions i = 0..max_len-1, one ω each.

    With sines, "the word one or two before me" is the same rotation at every
    position, so a head can learn it once."""
    i = torch.arange(max_len, dtype=torch.float32)[:, None]
    angles = i * torch.tensor(frequencies)[None, :]  # (n, F)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(1)


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
    """Frozen toy embeddings + fixed positions + multi-head attention blocks."""

    def __init__(self, config: PositionalConfig, toy: ToyModel, positions: Tensor,
                 modules: list[nn.MultiheadAttention], head_readouts: tuple[Readout, ...]):
        self.config = config
        self.toy = toy
        self.positions = positions  # (max_len, d_pos)
        self.modules = modules  # the torch layers, kept for parity checks
        self.layers = [MultiHeadAttention.from_torch(m) for m in modules]
        self.senses: SenseReadout = toy.senses  # reads the word part of [E | P]
        # what each head's ΔE was trained to say, read the way it was trained (lecture layer)
        self.head_readouts = head_readouts

    @property
    def vocab(self) -> list[str]:
        return self.toy.vocab

    @property
    def d_token(self) -> int:
        return self.config.d_token

    @property
    def d_model(self) -> int:
        return self.config.d_model

    @property
    def max_len(self) -> int:
        return self.config.max_len

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
        return self.senses.probabilities(vectors)

    def sense_of(self, vector: Tensor) -> str:
        return self.senses.sense_of(vector)

    def plane(self, a: str = "fruit", b: str = "tech") -> SensePlane:
        """The toy model's sense plane, embedded in d_model (zero on the position part)."""
        view = self.toy.plane(a, b)
        pad = torch.zeros(self.d_model - self.d_token, 2, dtype=view.basis.dtype)
        return SensePlane(view.senses, torch.cat([view.basis, pad], dim=0))


def _module(in_proj: Tensor, out_proj: Tensor, n_heads: int) -> nn.MultiheadAttention:
    d = in_proj.shape[1]
    mha = nn.MultiheadAttention(d, n_heads, bias=False, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(in_proj)
        mha.out_proj.weight.copy_(out_proj)
    return mha.eval()


def _load(path: Path) -> PositionalModel:
    tensors, meta = weights.load(path)
    config = weights.config_from_json(PositionalConfig, meta["config"])
    toy = load_model()
    # a stack names its blocks blocks.0, blocks.1, ...
    modules = [_module(tensors[f"blocks.{b}.in_proj_weight"],
                       tensors[f"blocks.{b}.out_proj.weight"], config.n_heads)
               for b in range(config.depth)]
    stored = Stored(tensors, tuple(meta.get("adjectives", ())), tuple(toy.vocab), toy.senses)
    readouts = tuple(Readout.for_job(job, stored) for job in config.head_jobs)
    return PositionalModel(config, toy, tensors["positions"], modules, readouts)


@lru_cache(maxsize=4)
def load_lecture_layer(path: Path = LECTURE_LAYER_FILE) -> PositionalModel:
    """One layer, three heads: sense, adjectives, previous word."""
    return _load(path)


@lru_cache(maxsize=4)
def load_deep_stack(path: Path = DEEP_STACK_FILE) -> PositionalModel:
    """Several attention blocks stacked; only the last one was read out in training."""
    return _load(path)
