"""How well the toy model settles ambiguous words, on sentences it never saw."""

from __future__ import annotations

from dataclasses import dataclass

from . import corpus
from .model import ToyModel


@dataclass(frozen=True)
class SenseAccuracy:
    total: int  # ambiguous-word occurrences scored
    in_context: int  # correct from E + ΔE (after attention)
    alone: int  # correct from E alone (the embedding, before attention)

    @property
    def accuracy(self) -> float:
        return self.in_context / self.total

    @property
    def accuracy_alone(self) -> float:
        return self.alone / self.total


def sense_accuracy(model: ToyModel, split: str = "held_out") -> SenseAccuracy:
    """Score every ambiguous word (apple, mole) by the topic its vector reads as."""
    total = right = right_alone = 0
    for sentence in corpus.generate(split):
        trace = model.run(sentence.text)
        for i, token in enumerate(trace.tokens):
            if token in corpus.AMBIGUOUS:
                total += 1
                right += model.sense_of(trace.outputs[i]) == sentence.topic
                right_alone += model.sense_of(trace.embeddings[i]) == sentence.topic
    return SenseAccuracy(total, right, right_alone)
