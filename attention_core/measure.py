"""What each head of a layer actually does, measured rather than claimed.

Three probes, each a number in [0, 1] per head:
* sense: on held-out sentences, how often E + ΔE_h alone reads as the right
  topic at an ambiguous word (apple, mole);
* adjectives: for nouns with adjectives, the share of the noun's attention that
  goes to exactly the adjectives describing it;
* previous word: the average attention from each word to the word just before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import corpus


@dataclass(frozen=True)
class HeadProfile:
    sense: float
    adjectives: float
    previous_word: float

    def __str__(self) -> str:
        return (f"sense {self.sense:.0%}, attention to own adjectives {self.adjectives:.0%}, "
                f"to previous word {self.previous_word:.0%}")


@lru_cache(maxsize=8)
def measure_heads(layer, block: int = 0) -> list[HeadProfile]:
    """Profiles of every head of `block` (cached: the models are immutable once loaded)."""
    n_heads = len(layer.layers[block].heads)
    sense = [0] * n_heads
    ambiguous = 0
    for s in corpus.generate("held_out"):
        trace = layer.run(s.text)
        x = trace.states[block]
        for i, tok in enumerate(trace.tokens):
            if tok in corpus.AMBIGUOUS:
                ambiguous += 1
                for h, head in enumerate(trace.layers[block].heads):
                    sense[h] += layer.sense_of(x[i] + head.delta[i]) == s.topic

    adjectives = [0.0] * n_heads
    previous = [0.0] * n_heads
    nouns = pairs = 0
    for s in corpus.generate("train"):
        trace = layer.run(s.text)
        heads = trace.layers[block].heads
        for h, head in enumerate(heads):
            previous[h] += float(sum(head.weights[i, i - 1] for i in range(1, len(s.tokens))))
        pairs += len(s.tokens) - 1
        for n in s.nouns:
            own = [a for a, noun in s.links if noun == n]
            if own:
                nouns += 1
                for h, head in enumerate(heads):
                    adjectives[h] += float(head.weights[n, own].sum())
    return [HeadProfile(sense[h] / ambiguous, adjectives[h] / nouns, previous[h] / pairs)
            for h in range(n_heads)]
