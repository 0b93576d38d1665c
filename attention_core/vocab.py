"""Words in, token ids out; and a helpful error when a word is not known.

Tokens are lower-cased words split on spaces and punctuation, nothing cleverer:
the lecture's point is attention, not tokenisation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters (any script)


def tokenize(sentence: str) -> list[str]:
    """'Apple released a new phone!' -> ['apple', 'released', 'a', 'new', 'phone']."""
    return _WORD.findall(sentence.lower())


class UnknownWordError(ValueError):
    """A word the toy model has no embedding for; the message suggests neighbours."""

    def __init__(self, word: str, vocab: Sequence[str]):
        self.word = word
        self.suggestions = difflib.get_close_matches(word, list(vocab), n=3, cutoff=0.6)
        if self.suggestions:
            hint = "did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        else:
            hint = f"the toy model knows {len(vocab)} words; `python render.py words` lists them"
        super().__init__(f"unknown word {word!r}: {hint}")


class Vocabulary:
    """An ordered list of words with O(1) lookup; row i of the embedding table is word i."""

    def __init__(self, words: Sequence[str]):
        if len(set(words)) != len(words):
            raise ValueError("vocabulary has duplicate words")
        self.words: list[str] = list(words)
        self._index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def index(self, word: str) -> int:
        try:
            return self._index[word]
        except KeyError:
            raise UnknownWordError(word, self.words) from None

    def encode(self, sentence: str | Sequence[str]) -> list[int]:
        tokens = tokenize(sentence) if isinstance(sentence, str) else list(sentence)
        if not tokens:
            raise ValueError(f"no words in {sentence!r}")
        return [self.index(t) for t in tokens]
