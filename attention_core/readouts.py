"""Read-outs: what a vector says, read the way its model was trained to be read.

Every toy model reads a *topic* by the dot product of a vector with each topic
word's embedding, then a softmax (`SenseReadout`): "E′ reads as fruit 0.97".
The lecture layer's three heads were each trained with a read-out of their own
(topic, the adjectives describing a noun, the previous word). Each kind is a
class with one interface, and a model keeps one per head beside the weights it
reads with, so a scene asks a head for its read-out instead of comparing the
head's job name with strings.

    reading = model.senses.read(vector)
    reading.top(2)            # [("fruit", 0.97), ("tech", 0.02)]
    reading.of("tech")        # 0.02
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import Tensor


@dataclass(frozen=True)
class Reading:
    """One number per candidate (a topic, an adjective, a word), as a read-out gave it."""

    candidates: tuple[str, ...]
    probabilities: Tensor  # (C,)

    def of(self, name: str) -> float:
        return float(self.probabilities[self.candidates.index(name)])

    def top(self, k: int) -> list[tuple[str, float]]:
        """The k highest candidates, highest first (ties in candidate order)."""
        order = torch.argsort(self.probabilities, descending=True, stable=True)[:k]
        return [(self.candidates[i], float(self.probabilities[i])) for i in order.tolist()]

    @property
    def best(self) -> str:
        return self.top(1)[0][0]


@dataclass(frozen=True)
class Stored:
    """What a weights file holds for its read-outs, plus the toy model's own senses."""

    tensors: dict[str, Tensor]
    adjectives: tuple[str, ...]
    vocab: tuple[str, ...]
    senses: SenseReadout


class Readout(ABC):
    """How one kind of read-out turns a vector into a `Reading`."""

    job: ClassVar[str]  # what a head read this way was trained to do
    candidates: tuple[str, ...]

    @classmethod
    def for_job(cls, job: str, stored: Stored) -> Readout:
        """The read-out a head trained for `job` was read with, from the stored weights."""
        kinds = {kind.job: kind for kind in cls.__subclasses__()}
        if job not in kinds:
            raise ValueError(f"no read-out for the head job {job!r}; known: {', '.join(kinds)}")
        return kinds[job].stored(stored)

    @classmethod
    @abstractmethod
    def stored(cls, stored: Stored) -> Readout:
        """This read-out, built from what the weights file holds."""

    @abstractmethod
    def read(self, vector: Tensor) -> Reading: ...

    def shown_for(self, word: str, reading: Reading, k: int) -> list[str]:
        """The candidates worth showing for `word`: the k highest by default."""
        return [name for name, _ in reading.top(k)]


class SenseReadout(Readout):
    """Topic probabilities: softmax of the dot products with the topic words' embeddings.

    Only the first `d_token` numbers of a vector are read (a positional model's
    vector is [word part | position part]); the topic directions live there.
    """

    job = "sense"

    def __init__(self, topics: tuple[str, ...], directions: Tensor,
                 ambiguous: dict[str, tuple[str, ...]]):
        self.candidates = tuple(topics)
        self.directions = directions  # (T, d_token)
        self.ambiguous = dict(ambiguous)

    @classmethod
    def stored(cls, stored: Stored) -> SenseReadout:
        return stored.senses

    def logits(self, vectors: Tensor) -> Tensor:
        """(..., d) -> (..., T): the dot product with each topic word's embedding."""
        return vectors[..., : self.directions.shape[1]] @ self.directions.T

    def probabilities(self, vectors: Tensor) -> Tensor:
        return torch.softmax(self.logits(vectors), dim=-1)

    def read(self, vector: Tensor) -> Reading:
        return Reading(self.candidates, self.probabilities(vector))

    def sense_of(self, vector: Tensor) -> str:
        return self.candidates[int(self.logits(vector).argmax())]

    def shown_for(self, word: str, reading: Reading, k: int) -> list[str]:
        """An ambiguous word shows its own senses (mole: animal, chemistry, medicine)."""
        return list(self.ambiguous.get(word, ())) or super().shown_for(word, reading, k)


class AdjectiveReadout(Readout):
    """Per adjective, does it describe this noun? Independent yes/no (sigmoid), not a share."""

    job = "adjectives"

    def __init__(self, adjectives: tuple[str, ...], weight: Tensor, bias: Tensor):
        self.candidates = tuple(adjectives)
        self.weight, self.bias = weight, bias  # (A, d_model), (A,)

    @classmethod
    def stored(cls, stored: Stored) -> AdjectiveReadout:
        return cls(stored.adjectives, stored.tensors["adjective_readout.weight"],
                   stored.tensors["adjective_readout.bias"])

    def read(self, vector: Tensor) -> Reading:
        return Reading(self.candidates, torch.sigmoid(vector @ self.weight.T + self.bias))


class PreviousWordReadout(Readout):
    """Which word came just before? A softmax over the vocabulary."""

    job = "previous word"

    def __init__(self, words: tuple[str, ...], weight: Tensor, bias: Tensor):
        self.candidates = tuple(words)
        self.weight, self.bias = weight, bias  # (V, d_model), (V,)

    @classmethod
    def stored(cls, stored: Stored) -> PreviousWordReadout:
        return cls(stored.vocab, stored.tensors["previous_readout.weight"],
                   stored.tensors["previous_readout.bias"])

    def read(self, vector: Tensor) -> Reading:
        return Reading(self.candidates, torch.softmax(vector @ self.weight.T + self.bias, -1))
