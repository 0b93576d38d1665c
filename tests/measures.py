"""The lecture layer's head measures, recomputed for tests from their definitions.

Each is what the scenes quote (see attention_core/training/measure.py for the
definitions), over the held-out corpus sentences, with `reference`'s float64
forward pass instead of the core: a test comparing these with the screen checks
the core's measurement and the scene's wording against an independent count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import reference
from attention_core.training import corpus


@dataclass(frozen=True)
class Shares:
    sense: float  # E + ΔE_h alone reads the right topic, at ambiguous words
    own_adjectives: float  # a noun's weight on its own adjectives
    distant_adjectives: float  # ... on those that are not the word just before it
    previous_word: float  # a word's weight on the previous word, where that is no adjective


@lru_cache(maxsize=1)
def held_out_shares() -> tuple[Shares, ...]:
    """One `Shares` per head of the lecture layer."""
    runs = [(s, reference.positional_forward("lecture_layer", s.text))
            for s in corpus.generate("held_out")]
    n_heads = len(runs[0][1].heads[0])
    out = []
    for h in range(n_heads):
        sense, own, far, previous = [], [], [], []
        for s, ref in runs:
            head = ref.heads[0][h]
            for i, word in enumerate(ref.tokens):
                if word in corpus.AMBIGUOUS:
                    read = reference.senses(ref.inputs[i] + head.delta[i])
                    sense.append(max(read, key=read.get) == s.topic)
            adjectives_of = {n: [a for a, m in s.links if m == n] for n in s.nouns}
            for noun, adjectives in adjectives_of.items():
                if adjectives:
                    own.append(head.weights[noun, adjectives].sum())
                if further := [a for a in adjectives if a != noun - 1]:
                    far.append(head.weights[noun, further].sum())
            for i in range(1, len(ref.tokens)):
                if i - 1 not in adjectives_of.get(i, ()):
                    previous.append(head.weights[i, i - 1])
        out.append(Shares(*(float(np.mean(v)) for v in (sense, own, far, previous))))
    return tuple(out)
