"""The shipped cross-attention head: a French word's query looks up English keys.

Self-attention takes Q, K and V from one sequence; cross-attention takes Q from
one (here the French translation being written) and K, V from another (the
English source). There is no mask: the whole source is available.

    model = load_cross()
    trace = model.run("she ate a red apple", "elle a mangé une pomme rouge")
    trace.weights        # (French words, English words), each row sums to 1
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import Tensor

from . import weights
from .attention import AttentionTrace, attend
from .model import ToyModel, load_model
from .multihead import HeadWeights
from .readouts import Reading
from .vocab import Vocabulary, tokenize

CROSS_FILE = weights.ASSETS / "cross_head.safetensors"


@dataclass(frozen=True)
class CrossConfig:
    """Sizes of the cross-attention head, saved in its weights file."""

    d_token: int = 8  # English: the toy model's embeddings (frozen); French: learned
    frequencies: tuple[float, ...] = (1.0, 0.35)  # the same positional code on both sides
    max_len: int = 12
    d_head: int = 8  # query/key size and value-down size

    @property
    def d_model(self) -> int:
        return self.d_token + 2 * len(self.frequencies)


class SourceWordReadout:
    """Which English word an update names: its dot product with each English embedding."""

    def __init__(self, words: tuple[str, ...], table: Tensor):
        self.candidates = words
        self.table = table  # (V_en, d_token)

    def read(self, delta: Tensor) -> Reading:
        logits = delta[..., : self.table.shape[1]] @ self.table.T
        return Reading(self.candidates, torch.softmax(logits, dim=-1))


@dataclass(frozen=True)
class CrossTrace(AttentionTrace):
    """Rows are French words (queries), columns English words (keys and values)."""

    source_tokens: list[str]  # English
    target_tokens: list[str]  # French
    source_inputs: Tensor  # (m, d_model)  [E | P] of the English words
    target_inputs: Tensor  # (n, d_model)  [F | P] of the French words


class CrossModel:
    def __init__(self, config: CrossConfig, toy: ToyModel, french: Tensor,
                 french_words: list[str], positions: Tensor, head: HeadWeights):
        self.config = config
        self.toy = toy
        self.french = french  # (V_fr, d_token), learned
        self.french_vocab = Vocabulary(french_words)
        self.positions = positions  # (max_len, d_pos), the fixed sinusoidal code
        self.head = head

    def _inputs(self, table: Tensor, ids: list[int]) -> Tensor:
        if len(ids) > self.positions.shape[0]:
            raise ValueError(f"at most {self.positions.shape[0]} words per sentence")
        return torch.cat([table[ids], self.positions[: len(ids)]], dim=1)

    def run(self, english: str, french: str) -> CrossTrace:
        en, en_ids = self.toy.encode(english)
        fr = tokenize(french)
        x_en = self._inputs(self.toy.table, en_ids)
        x_fr = self._inputs(self.french, self.french_vocab.encode(fr))
        h = self.head
        trace = attend(x_fr, h.w_q, h.w_k, h.w_v, context=x_en, w_o=h.w_o)
        return CrossTrace(**trace.fields(), source_tokens=en, target_tokens=fr, source_inputs=x_en,
                          target_inputs=x_fr)

    def source_word_probabilities(self, delta: Tensor) -> Tensor:
        """(V_en,): which English word an update names (dot with English embeddings)."""
        return self.source_words.read(delta).probabilities

    @property
    def source_words(self) -> SourceWordReadout:
        """The read-out the head was trained with: ΔE's word part against every English
        word's embedding, softmax over the English vocabulary."""
        return SourceWordReadout(tuple(self.toy.vocab), self.toy.table)


@lru_cache(maxsize=4)
def load_cross(path: Path = CROSS_FILE) -> CrossModel:
    tensors, meta = weights.load(path)
    head = HeadWeights(tensors["w_q"], tensors["w_k"], tensors["w_v"], tensors["w_o"])
    config = weights.config_from_json(CrossConfig, meta["config"])
    return CrossModel(config, load_model(), tensors["french"], meta["french_vocab"],
                      tensors["positions"], head)
