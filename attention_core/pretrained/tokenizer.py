"""Sentences in, word pieces out, with the words they came from: the checkpoint's own
WordPiece tokenizer (`tokenizer.json`, run by the `tokenizers` package, not rewritten).

WordPiece splits a word it does not know whole into pieces from its 30,522-entry
vocabulary: "pineapples" -> pine, ##apple, ##s ("##" = continues the word).
The model sees pieces, so every vector belongs to a piece; a scene that shows a
word must know which pieces it became. `Pieces.words` lists every word of the
sentence with its piece span, and `Pieces.spans("apple")` finds a word.

Padding and truncation are switched off: the packaged tokenizer.json pads to
128 and would silently cut longer sentences; here a sentence is exactly its
pieces, and one longer than the model's positions is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from tokenizers import Tokenizer

from .errors import NotABertCheckpointError, SentenceTooLongError

CLS, SEP = "[CLS]", "[SEP]"


@dataclass(frozen=True)
class WordSpan:
    """One word of the sentence and the pieces it became: tokens[start:stop]."""

    text: str  # as written in the sentence (original case)
    start: int  # index of its first piece among the tokens ([CLS] is 0)
    stop: int  # one past its last piece
    pieces: tuple[str, ...]  # e.g. ("pine", "##apple", "##s")

    @property
    def positions(self) -> range:
        return range(self.start, self.stop)

    @property
    def is_split(self) -> bool:
        """True when the tokenizer cut the word into several pieces."""
        return len(self.pieces) > 1


@dataclass(frozen=True)
class Pieces:
    """A tokenized sentence: its pieces (with [CLS] and [SEP]), their ids, and its words."""

    sentence: str
    tokens: tuple[str, ...]  # (n,) "[CLS]", ..., "[SEP]"
    ids: tuple[int, ...]  # (n,) rows of the word-piece embedding table
    offsets: tuple[tuple[int, int], ...] = field(repr=False)  # (n,) characters of each piece
    words: tuple[WordSpan, ...] = ()  # every word in order ([CLS] and [SEP] are not words)
    tokenizer: WordPieces | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.tokens)

    def spans(self, word: str) -> list[WordSpan]:
        """Every occurrence of `word` (one word or several) as whole words of the sentence.

        The word is tokenized the same way and its pieces are looked for where a
        word starts and ends, so "apple" is not found inside "pineapple" (pine
        ##apple) nor in "apples", and a split word comes back with all its pieces.
        """
        assert self.tokenizer is not None, "Pieces come from WordPieces.encode"
        target = self.tokenizer.piece_ids(word)
        stops = {w.stop for w in self.words}
        k = len(target)
        return [self.span_of(w.start, w.start + k) for w in self.words
                if w.start + k in stops and self.ids[w.start : w.start + k] == target]

    def span(self, word: str, occurrence: int = 0) -> WordSpan:
        """The `occurrence`-th (0 = first) occurrence of `word`; a clear error if absent."""
        found = self.spans(word)
        if len(found) <= occurrence:
            words = " ".join(w.text for w in self.words)
            times = f"only {len(found)} time(s)" if found else "not"
            raise ValueError(f"{word!r} occurs {times} in the sentence {words!r}")
        return found[occurrence]

    def span_of(self, start: int, stop: int) -> WordSpan:
        """The pieces tokens[start:stop] as a span, with the text they cover."""
        text = self.sentence[self.offsets[start][0] : self.offsets[stop - 1][1]]
        return WordSpan(text, start, stop, self.tokens[start:stop])


class WordPieces:
    """The checkpoint's tokenizer, checked once at load to produce [CLS] ... [SEP]."""

    def __init__(self, tokenizer: Tokenizer, max_positions: int):
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._tok = tokenizer
        self.max_positions = max_positions

    @classmethod
    def from_file(cls, path: Path, max_positions: int, vocab_size: int) -> WordPieces:
        """Load `tokenizer.json`; refuse one that cannot feed this BERT."""
        try:
            tokenizer = Tokenizer.from_file(str(path))
        except Exception as err:  # tokenizers raises a bare Exception for a bad file
            raise NotABertCheckpointError(path, f"not a tokenizers file ({err})") from None
        if tokenizer.get_vocab_size() > vocab_size:
            raise NotABertCheckpointError(
                path, f"{tokenizer.get_vocab_size()} word pieces but the model embeds only "
                f"{vocab_size} (config.json vocab_size): tokenizer and model do not match")
        pieces = cls(tokenizer, max_positions)
        probe = pieces._tok.encode("a").tokens
        if probe[:1] != [CLS] or probe[-1:] != [SEP]:
            raise NotABertCheckpointError(
                path, f"encodes 'a' as {probe}: a BERT tokenizer's post_processor must add "
                f"{CLS} in front and {SEP} at the end")
        return pieces

    def vocab(self) -> dict[str, int]:
        """Every word piece and its id (its row of the embedding table)."""
        return self._tok.get_vocab()

    def piece_ids(self, text: str) -> tuple[int, ...]:
        """The ids of `text`'s pieces alone, without [CLS]/[SEP]."""
        ids = tuple(self._tok.encode(text, add_special_tokens=False).ids)
        if not ids:
            raise ValueError(f"{text!r} has no word pieces")
        return ids

    def pieces_of(self, text: str) -> tuple[str, ...]:
        """'hedgehog' -> ('hedge', '##hog'): how the tokenizer cuts `text`."""
        return tuple(self._tok.encode(text, add_special_tokens=False).tokens)

    def encode(self, sentence: str) -> Pieces:
        """The sentence as pieces, ids and words; too long for the positions is an error."""
        enc = self._tok.encode(sentence)
        if len(enc.ids) <= 2:
            raise ValueError(f"no word pieces in {sentence!r}: give the model a sentence")
        if len(enc.ids) > self.max_positions:
            raise SentenceTooLongError(len(enc.ids), self.max_positions)
        pieces = Pieces(sentence, tuple(enc.tokens), tuple(enc.ids), tuple(enc.offsets),
                        tokenizer=self)
        per_word: dict[int, list[int]] = {}  # the pre-tokenizer's word id -> piece indices
        for i, w in enumerate(enc.word_ids):
            if w is not None:
                per_word.setdefault(w, []).append(i)
        words = tuple(pieces.span_of(idx[0], idx[-1] + 1) for idx in per_word.values())
        return replace(pieces, words=words)
