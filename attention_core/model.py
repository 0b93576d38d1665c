"""The shipped toy model: learned word embeddings and one encoder-style head.

Encoder-style means no causal mask: in "apple released a new phone" the words
that settle apple's meaning come *after* it, so apple must see them.

    model = load_model()
    trace = model.run("buy an apple and an orange")
    trace.weights[trace.tokens.index("apple")]   # how apple spreads its attention
    model.senses.read(trace.outputs[2]).top(2)   # what apple's new vector now means
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import Tensor

from . import weights
from .attention import AttentionTrace, attend
from .multihead import HeadWeights
from .plane import SensePlane
from .readouts import SenseReadout
from .vocab import Vocabulary, tokenize

TOY_HEAD_FILE = weights.ASSETS / "toy_head.safetensors"


@dataclass(frozen=True)
class ToyConfig:
    """The toy model's sizes and senses: one typed place, saved in the weights file."""

    topics: tuple[str, ...]  # the senses the read-out knows, one topic word each
    # each ambiguous word and the senses it can take (what the held-out test scores)
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...]
    d_model: int = 8  # numbers per word embedding
    d_head: int = 2  # query/key size and value-down size: 2, so every q and k is drawable

    def senses_of(self, word: str) -> tuple[str, ...]:
        """The senses of an ambiguous word; () for a word with one meaning."""
        return dict(self.ambiguous).get(word, ())


@dataclass(frozen=True)
class SentenceTrace(AttentionTrace):
    """An `AttentionTrace` that also remembers the words and their embeddings."""

    tokens: list[str]
    embeddings: Tensor  # (n, d_model): E, exactly the rows of the embedding table

    def position(self, word: str) -> int:
        """Index of the first occurrence of `word` in the sentence."""
        try:
            return self.tokens.index(word)
        except ValueError:
            raise ValueError(f"{word!r} is not in the sentence {' '.join(self.tokens)!r}") from None


class ToyModel:
    """Embedding table + one head; topics are read against topic-word embeddings."""

    def __init__(self, config: ToyConfig, table: Tensor, head: HeadWeights, words: list[str]):
        self.config = config
        self._vocab = Vocabulary(words)
        self.table = table  # (V, d_model)
        self.head = head
        self.topics = list(config.topics)
        # the read-out: a vector's dot product with each topic word's embedding
        self.senses = SenseReadout(config.topics, self.table[self._vocab.encode(self.topics)],
                                   dict(config.ambiguous))

    @property
    def vocab(self) -> list[str]:
        return list(self._vocab.words)

    @property
    def d_model(self) -> int:
        return self.table.shape[1]

    def embed(self, word: str) -> Tensor:
        """The word's row of the embedding table: the same whatever the sentence."""
        return self.table[self._vocab.index(word)].clone()

    def encode(self, sentence: str) -> tuple[list[str], list[int]]:
        """Words and their table rows; an unknown word fails here, before any work."""
        tokens = tokenize(sentence)
        return tokens, self._vocab.encode(tokens)

    def tokenize(self, sentence: str) -> list[str]:
        """Split and check every word."""
        return self.encode(sentence)[0]

    def run(self, sentence: str) -> SentenceTrace:
        """Attend over the sentence and return every intermediate, with its words."""
        tokens, ids = self.encode(sentence)
        x = self.table[ids]  # (n, d_model)
        h = self.head
        trace = attend(x, h.w_q, h.w_k, h.w_v, w_o=h.w_o)
        return SentenceTrace(**trace.fields(), tokens=tokens, embeddings=x)

    def value_vectors(self, trace: AttentionTrace) -> Tensor:
        """(m, d_model): what each word offers, value-down then value-up (V · W_O).

        ΔE = weights @ value_vectors, exactly: the weights mix these vectors.
        """
        return trace.values @ self.head.w_o

    def landmarks(self, sense: str, k: int = 4, exclude: tuple[str, ...] = ()) -> list[str]:
        """The k words whose embeddings read most clearly as `sense` (not topic names).

        Ranked by the margin of that sense's logit over the best other sense,
        so a scene's landmark words are chosen by the model, not by hand.
        """
        t = self.topics.index(sense)
        logits = self.sense_logits(self.table)  # (V, T)
        others = torch.cat([logits[:, :t], logits[:, t + 1:]], dim=1).max(dim=1).values
        margin = logits[:, t] - others
        skip = set(self.topics) | set(exclude)
        order = torch.argsort(margin, descending=True, stable=True).tolist()
        words = self._vocab.words
        return [words[i] for i in order if words[i] not in skip][:k]

    def sense_logits(self, vectors: Tensor) -> Tensor:
        """(..., d_model) -> (..., T): dot product with each topic word's embedding."""
        return self.senses.logits(vectors)

    def sense_probabilities(self, vectors: Tensor) -> Tensor:
        return self.senses.probabilities(vectors)

    def sense_of(self, vector: Tensor) -> str:
        return self.senses.sense_of(vector)

    def plane(self, a: str = "fruit", b: str = "tech") -> SensePlane:
        """The 2-D view spanned by two topic directions (see `plane.py`)."""
        for t in (a, b):
            if t not in self.topics:
                known = ", ".join(self.topics)
                raise ValueError(f"unknown sense {t!r}; the toy model knows {known}")
        if a == b:
            raise ValueError("the two senses of a plane must differ")
        return SensePlane.spanned_by((a, b), self.embed(a), self.embed(b))


@lru_cache(maxsize=4)
def load_model(path: Path = TOY_HEAD_FILE) -> ToyModel:
    """Load `assets/toy_head.safetensors` (made by `python -m attention_core.training`),
    or a freshly trained copy at `path` (what `train --check` reports on)."""
    tensors, meta = weights.load(path)
    head = HeadWeights(w_q=tensors["w_q"], w_k=tensors["w_k"], w_v=tensors["w_v"],
                       w_o=tensors["w_o"])
    config = weights.config_from_json(ToyConfig, meta["config"])
    return ToyModel(config, tensors["embeddings"], head, meta["vocab"])
