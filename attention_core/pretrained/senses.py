"""Reading a real model's vector as one sense or another, by contextual anchor words.

A pretrained model has no sense read-out of its own (the toy models were
trained with one). So we measure one, and state it:

    Anchor vector of sense s at layer l:
        μ_s^l = the mean of hidden[l] at the anchor word, over the sense's anchor
                words (e.g. fruit: banana, pear, orange) each placed in every one
                of a few short neutral contexts ("this is the banana.", ...).
    A word's vector at layer l, v^l = hidden[l] at the word (the mean of its
        pieces' rows if the tokenizer split it; see `BertRun.vector`).
    Raw lean toward a over b:   r(v) = cos(v, μ_a^l) − cos(v, μ_b^l)
    Baseline: the word's own raw lean in the same neutral contexts, averaged
        ("this is the apple.", ...), at the same layer:  r̄^l.
    Lean:  lean^l = r(v^l) − r̄^l.  The word reads as a when lean > 0, else as b.

In words: does this sentence move the word toward a's anchors, compared with
where the word sits when the sentence says nothing about its sense? The
baseline is needed because a word's own identity dominates its vector: bare
"bank" already sits nearer money words than river words, and "python" nearer
snakes than code, at every layer, so the raw lean keeps its sign whatever the
sentence and scores near chance; what the context does is *shift* it. (This
definition was chosen on a development set, `heldout.DEV`, against the raw lean
and a mean-centred cosine; the held-out sentences only score it.)

Anchors are compared at the *same* layer as the word because every layer has
its own geometry, and in context because a bare word is not what the model
ever sees. The neutral contexts carry no sense, so the anchors' vectors carry
only their word's. Each anchor must be one word piece: a split anchor has no
single vector of its own (`SplitAnchorError`); the focus word may be split (its
pieces are averaged), since it is the thing being read, not the yardstick.

Layer 0 (word + position embedding, LayerNorm) is the same for the word in
every sentence apart from its position, so at layer 0 the lean is almost zero
and its sign says nothing about the sentence (about half right). Any lean at
later layers came from attention (and the MLPs after it) mixing in the context.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import torch
from torch import Tensor

from ..similarity import cosine
from .bert import PretrainedBert
from .errors import SplitAnchorError
from .tokenizer import WordSpan
from .trace import BertRun

# short contexts that say nothing about any sense; {} is the anchor word
NEUTRAL_CONTEXTS: tuple[str, ...] = (
    "this is the {}.",
    "i saw the {} there.",
    "we talked about the {} yesterday.",
    "she pointed at the {}.",
)


@dataclass(frozen=True)
class Sense:
    """One meaning of an ambiguous word, named, with unambiguous words that carry it."""

    name: str  # "fruit"
    anchors: tuple[str, ...]  # ("banana", "pear", "orange"): one word piece each


@dataclass(frozen=True)
class AmbiguousWord:
    """A word with two senses: the read-out places it on the line from one to the other."""

    word: str
    senses: tuple[Sense, Sense]

    @property
    def names(self) -> tuple[str, str]:
        return (self.senses[0].name, self.senses[1].name)

    def index(self, sense: str) -> int:
        if sense not in self.names:
            raise ValueError(f"{self.word!r} has the senses {' and '.join(self.names)}, "
                             f"not {sense!r}")
        return self.names.index(sense)


def _word(word: str, a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]
          ) -> AmbiguousWord:
    return AmbiguousWord(word, (Sense(*a), Sense(*b)))


# the ambiguous words the held-out sentences test, with their default anchors
DEFAULT_SENSES: dict[str, AmbiguousWord] = {w.word: w for w in (
    _word("apple", ("fruit", ("banana", "pear", "orange")),
          ("tech", ("phone", "laptop", "software"))),
    _word("mole", ("animal", ("rabbit", "squirrel", "badger")),
          ("chemistry", ("atom", "molecule", "electron"))),
    _word("bank", ("river", ("river", "shore", "creek")),
          ("money", ("money", "loan", "cash"))),
    _word("bat", ("animal", ("owl", "moth", "squirrel")),
          ("sport", ("ball", "glove", "helmet"))),
    _word("crane", ("bird", ("heron", "swan", "owl")),
          ("machine", ("truck", "tractor", "machine"))),
    _word("python", ("animal", ("snake", "lizard", "cobra")),
          ("code", ("java", "code", "software"))),
)}


def senses_of(word: str) -> AmbiguousWord:
    """The default senses and anchors of `word`; a clear error for a word without them."""
    try:
        return DEFAULT_SENSES[word.lower()]
    except KeyError:
        raise ValueError(f"no default senses for {word!r}; known: {', '.join(DEFAULT_SENSES)} "
                         "(or pass an AmbiguousWord with anchors of your own)") from None


@dataclass(frozen=True)
class SenseReading:
    """How one vector reads at one layer: cosines with each sense's anchor vector, and
    the baseline (the word's own raw lean in neutral contexts) they are measured from."""

    senses: tuple[str, str]
    cosines: tuple[float, float]  # cos(v, μ_a), cos(v, μ_b)
    baseline: float  # r̄: the word's raw lean in the neutral contexts at this layer

    @property
    def raw(self) -> float:
        """cos(v, μ_a) − cos(v, μ_b), before the baseline is taken off."""
        return self.cosines[0] - self.cosines[1]

    @property
    def lean(self) -> float:
        """raw − baseline: > 0 reads as senses[0], < 0 as senses[1]."""
        return self.raw - self.baseline

    @property
    def sense(self) -> str:
        return self.senses[0] if self.lean > 0 else self.senses[1]


@dataclass(frozen=True)
class SenseAnchors:
    """One ambiguous word's two anchor vectors and baseline at every layer of one model."""

    word: AmbiguousWord
    contexts: tuple[str, ...]
    vectors: Tensor  # (2, n_layers + 1, d_model): μ_a^l, μ_b^l
    baseline: Tensor  # (n_layers + 1,): r̄^l, the word's raw lean in the neutral contexts

    @property
    def senses(self) -> tuple[str, str]:
        return self.word.names

    def direction(self, layer: int) -> Tensor:
        """(d_model,): μ_a^layer − μ_b^layer, from the second sense to the first."""
        return self.vectors[0, layer] - self.vectors[1, layer]

    def raw_lean(self, vector: Tensor, layer: int) -> float:
        cos = cosine(vector, self.vectors[:, layer])  # (2,)
        return float(cos[0] - cos[1])

    def read_vector(self, vector: Tensor, layer: int) -> SenseReading:
        """How a vector taken from hidden[layer] reads (cosines with that layer's anchors)."""
        cos = cosine(vector, self.vectors[:, layer])  # (2,)
        return SenseReading(self.senses, (float(cos[0]), float(cos[1])),
                            float(self.baseline[layer]))

    def read(self, run: BertRun, word: str | WordSpan | None = None) -> list[SenseReading]:
        """The word's reading at every layer 0..n_layers (default: this word's first span)."""
        span = run.span(self.word.word if word is None else word)
        return [self.read_vector(run.vector(span, layer), layer)
                for layer in range(len(run.hidden))]


def check_anchor(model: PretrainedBert, word: AmbiguousWord, anchor: str) -> None:
    """An anchor is one word piece and not the ambiguous word itself."""
    pieces = model.tokenizer.pieces_of(anchor)
    if len(pieces) != 1:
        raise SplitAnchorError(anchor, pieces)
    if anchor.lower() == word.word.lower():
        raise ValueError(f"{anchor!r} cannot anchor a sense of itself: choose words that "
                         "carry one sense only")


def anchors_for(model: PretrainedBert, word: str | AmbiguousWord,
                contexts: tuple[str, ...] = NEUTRAL_CONTEXTS) -> SenseAnchors:
    """The anchor vectors of `word`'s two senses at every layer (computed once, then cached)."""
    word = senses_of(word) if isinstance(word, str) else word
    return _anchors(model, word, tuple(contexts))


@lru_cache(maxsize=64)
def _anchors(model: PretrainedBert, word: AmbiguousWord, contexts: tuple[str, ...]
             ) -> SenseAnchors:
    if not contexts or any("{}" not in c for c in contexts):
        raise ValueError("every neutral context needs a {} where the anchor word goes")
    means = []
    for sense in word.senses:
        if not sense.anchors:
            raise ValueError(f"the sense {sense.name!r} of {word.word!r} has no anchor words")
        for anchor in sense.anchors:
            check_anchor(model, word, anchor)
        rows = [_layers(model.run(context.format(anchor)), anchor)
                for anchor in sense.anchors for context in contexts]
        means.append(torch.stack(rows).mean(dim=0))  # (n_layers + 1, d_model)
    anchors = SenseAnchors(word, contexts, torch.stack(means), torch.zeros(len(means[0])))
    own = [_layers(model.run(context.format(word.word)), word.word) for context in contexts]
    baseline = torch.tensor([[anchors.raw_lean(v[layer], layer) for layer in range(len(v))]
                             for v in own]).mean(dim=0)  # (n_layers + 1,)
    return replace(anchors, baseline=baseline)


def _layers(run: BertRun, word: str) -> Tensor:
    """(n_layers + 1, d_model): the word's vector at every layer of this run."""
    return torch.stack([run.vector(word, layer) for layer in range(len(run.hidden))])
