"""How well the toy model settles ambiguous words, on sentences it never saw."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ToyModel
from . import corpus


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


def stack_accuracy(stack, split: str = "held_out") -> list[float]:
    """Share of ambiguous words read as the right topic after each block (0 = input)."""
    right = [0] * (len(stack.layers) + 1)
    total = 0
    for sentence in corpus.generate(split):
        trace = stack.run(sentence.text)
        for i, token in enumerate(trace.tokens):
            if token in corpus.AMBIGUOUS:
                total += 1
                for b, state in enumerate(trace.states):
                    right[b] += stack.sense_of(state[i]) == sentence.topic
    return [r / total for r in right]


def alignment_accuracy(model, split: str = "held_out") -> float:
    """Share of French words whose strongest attention is on the English word they translate."""
    from .translation import generate_pairs

    right = total = 0
    for pair in generate_pairs(split):
        trace = model.run(" ".join(pair.english), " ".join(pair.french))
        for i, source in enumerate(pair.source):
            total += 1
            right += int(trace.weights[i].argmax()) == source
    return right / total
