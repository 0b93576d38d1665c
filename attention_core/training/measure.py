"""What each head of a layer actually does, measured on held-out sentences.

Four probes, each a number in [0, 1] per head, all on sentence shapes the
layer never saw in training (`corpus.HELD_OUT_TEMPLATES`):

* sense: how often E + ΔE_h alone reads as the right topic at an ambiguous
  word (apple, mole);
* own adjectives: for a noun that has adjectives, the share of its attention
  on exactly those adjectives;
* adjectives further back: the share of a noun's attention on its own
  adjectives that are *not* the word just before it ("a dark and fluffy fox":
  dark, for fox). A head that merely looks at the previous word scores about
  0 here, so this, unlike "own adjectives", tells the two jobs apart;
* previous word: a word's attention on the word just before it, counted only
  where that word is not one of its adjectives (so adjectives, which usually
  sit just before their noun, cannot inflate it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import corpus


@dataclass(frozen=True)
class HeadProfile:
    sense: float
    own_adjectives: float
    distant_adjectives: float
    previous_word: float

    def claims(self) -> dict[str, float]:
        """The numbers the lecture quotes, by name."""
        return {"sense": self.sense, "own adjectives": self.own_adjectives,
                "adjectives further back": self.distant_adjectives,
                "previous word (not its adjective)": self.previous_word}

    def __str__(self) -> str:
        return ", ".join(f"{name} {value:.0%}" for name, value in self.claims().items())


class _Mean:
    """A running mean per head."""

    def __init__(self, n_heads: int):
        self.total, self.count = [0.0] * n_heads, 0

    def add(self, values) -> None:
        self.total = [t + float(v) for t, v in zip(self.total, values, strict=True)]
        self.count += 1

    def result(self) -> list[float]:
        return [t / self.count if self.count else float("nan") for t in self.total]


@lru_cache(maxsize=8)
def measure_heads(layer, block: int = 0) -> list[HeadProfile]:
    """Profiles of every head of `block` (cached: the models are immutable once loaded)."""
    n_heads = len(layer.layers[block].heads)
    sense, own, distant, previous = (_Mean(n_heads) for _ in range(4))
    for s in corpus.generate("held_out"):
        trace = layer.run(s.text)
        x, heads = trace.states[block], trace.layers[block].heads
        for i, token in enumerate(trace.tokens):
            if token in corpus.AMBIGUOUS:
                sense.add(layer.sense_of(x[i] + h.delta[i]) == s.topic for h in heads)
        adjectives_of = {n: [a for a, m in s.links if m == n] for n in s.nouns}
        for n, adjectives in adjectives_of.items():
            if adjectives:
                own.add(h.weights[n, adjectives].sum() for h in heads)
            further = [a for a in adjectives if a != n - 1]
            if further:
                distant.add(h.weights[n, further].sum() for h in heads)
        for i in range(1, len(s.tokens)):
            if i - 1 not in adjectives_of.get(i, ()):
                previous.add(h.weights[i, i - 1] for h in heads)
    return [HeadProfile(*values) for values in zip(sense.result(), own.result(),
                                                    distant.result(), previous.result(),
                                                    strict=True)]


def head_report(layer) -> str:
    """What each head of the lecture layer does, one line per head."""
    jobs = [r.job for r in layer.head_readouts]
    return "\n".join(f"lecture layer, head {h + 1} (trained with the {job} read-out): {p}"
                     for h, (job, p) in enumerate(zip(jobs, measure_heads(layer), strict=True)))
