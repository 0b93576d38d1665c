"""How often the anchor read-out (`senses.py`) gets a held-out sentence's sense right, per layer.

    accuracy^l = (1/N) · #{sentences whose focus word, at hidden[l], leans toward
                 the sense its context gives it}

The score is whatever the model gives: layer 0 cannot know the sentence (the
lean there is nearly zero, its sign set by the word's position, so about half
are right on a balanced set), and the later layers show how much of the sense
the encoder put into the word's vector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from .bert import PretrainedBert
from .heldout import HELD_OUT, LabelledSentence
from .senses import DEFAULT_SENSES, NEUTRAL_CONTEXTS, AmbiguousWord, anchors_for


@dataclass(frozen=True)
class SenseAccuracy:
    """Every held-out sentence's lean at every layer, and the accuracies they give."""

    sentences: tuple[LabelledSentence, ...]
    leans: Tensor  # (N, n_layers + 1): lean toward the word's *first* sense (> 0 reads as it)
    raw: Tensor  # (N, n_layers + 1): the same before the baseline is taken off
    first: Tensor  # (N,) bool: the sentence's labelled sense is its word's first sense

    @property
    def correct(self) -> Tensor:
        """(N, n_layers + 1) bool: the word reads as its labelled sense."""
        return (self.leans > 0) == self.first[:, None]

    @property
    def per_layer(self) -> list[float]:
        """Accuracy at hidden[0] (embeddings) .. hidden[n_layers] (last layer's output)."""
        return self.correct.float().mean(dim=0).tolist()

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(s.word for s in self.sentences))

    def rows(self, word: str) -> list[int]:
        return [i for i, s in enumerate(self.sentences) if s.word == word]

    def of_word(self, word: str) -> list[float]:
        """Per-layer accuracy on `word`'s sentences alone."""
        return self.correct[self.rows(word)].float().mean(dim=0).tolist()

    def one_way(self, layer: int, raw: bool = False) -> dict[str, bool]:
        """Per word: do all its sentences lean the same way at `layer` (by the raw lean,
        without the baseline, if `raw`)? At layer 0 the raw lean does, for every word."""
        leans = self.raw if raw else self.leans
        out = {}
        for word in self.words:
            reads_first = leans[self.rows(word), layer] > 0
            out[word] = bool(reads_first.all() or (~reads_first).all())
        return out


def measure_senses(model: PretrainedBert,
                   sentences: Sequence[LabelledSentence] = HELD_OUT,
                   senses: Mapping[str, AmbiguousWord] = DEFAULT_SENSES,
                   contexts: tuple[str, ...] = NEUTRAL_CONTEXTS) -> SenseAccuracy:
    """Run every sentence and read its focus word at every layer against its anchors."""
    leans, raw, first = [], [], []
    for s in sentences:
        anchors = anchors_for(model, senses[s.word], contexts)
        readings = anchors.read(model.run(s.text), s.word)
        leans.append([r.lean for r in readings])
        raw.append([r.raw for r in readings])
        first.append(anchors.word.index(s.sense) == 0)
    return SenseAccuracy(tuple(sentences), torch.tensor(leans), torch.tensor(raw),
                         torch.tensor(first))
