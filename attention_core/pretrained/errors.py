"""What can go wrong when a lecturer brings a model or a sentence, each its own class.

All three are ValueErrors (bad input, exit code 2 at the command line) whose
message is one line saying what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class NotABertCheckpointError(ValueError):
    """A folder that cannot be run as a BERT encoder: names the file and what it lacks."""

    def __init__(self, where: Path | str, problem: str):
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class SentenceTooLongError(ValueError):
    """More word pieces than the model has positions (BERT learned one vector per position)."""

    def __init__(self, n_pieces: int, max_positions: int):
        self.n_pieces, self.max_positions = n_pieces, max_positions
        super().__init__(
            f"the sentence is {n_pieces} word pieces with [CLS] and [SEP], but the model has "
            f"only {max_positions} positions: shorten it")


class SplitAnchorError(ValueError):
    """An anchor word the tokenizer splits: the read-out needs one clean vector per anchor."""

    def __init__(self, word: str, pieces: Sequence[str]):
        self.word, self.pieces = word, tuple(pieces)
        super().__init__(
            f"anchor word {word!r} is split by the tokenizer into {list(pieces)}; an anchor must "
            "be a single word piece (one vector per anchor): choose another word")
