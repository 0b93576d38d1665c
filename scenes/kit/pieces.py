"""A sentence as a real model reads it: word pieces, not words.

A pretrained BERT never sees "strudel": its tokenizer cuts the word into pieces
it knows (st, ##rud, ##el; "##" = this piece continues the word) and frames the
sentence with [CLS] in front and [SEP] at the end. `PieceRow` draws exactly
those pieces, one box each, so a viewer sees what the model sees:

* [CLS] and [SEP] in muted grey: they are markers, not words of the sentence;
* the pieces of a split word drawn close together (a narrower gap), and
  `word_marks()` underlines them with the word they came from;
* boxes `pad` wider than their piece and at least `min_width` wide: the default
  0.8 holds a `ScoreRow` box of any score in (−10, 10), so the boxes under two
  neighbouring pieces never touch (nor the numbers over `WeightBars`).
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, Line, VGroup

from .text import label
from .theme import THEME
from .tokens import TokenRow, WordToken

SPECIAL = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")


class PieceRow(VGroup):
    """Word pieces left to right; `splits` are the (start, stop) piece spans of split words.

    `.tokens[i]` is piece i's `WordToken` (box + text), `.pieces[i]` its string.
    """

    def __init__(self, pieces: Sequence[str], splits: Sequence[tuple[int, int]] = (),
                 size: float | None = None, min_width: float = 0.8, pad: float = 0.1,
                 gap: float = 0.08, join: float = 0.03):
        row = TokenRow(list(pieces), size=size or THEME.small, buff=gap)  # shared baseline
        tokens = row.tokens
        super().__init__(*tokens)
        self.pieces = list(pieces)
        self.splits = [tuple(s) for s in splits]
        joined = {i for start, stop in self.splits for i in range(start + 1, stop)}
        for token in tokens:  # boxes hug their piece (TokenRow's are roomier), never narrower
            token.box.stretch_to_fit_width(max(token.text.width + pad, min_width))
            token.text.move_to([token.box.get_x(), token.text.get_y(), 0])
            if token.word in SPECIAL:
                token.text.set_color(THEME.muted)
        x = tokens[0].get_left()[0]
        for i, token in enumerate(tokens):
            if i:
                x += join if i in joined else gap
            token.shift((x - token.get_left()[0]) * RIGHT)
            x = token.get_right()[0]

    @property
    def tokens(self) -> list[WordToken]:
        return list(self.submobjects)

    def word_marks(self, words: Sequence[str], buff: float = 0.1,
                   size: float | None = None) -> VGroup:
        """Under each split word's pieces: a line spanning them and the word itself.

        `words[k]` is the text of `splits[k]`; `.labels[k]` is its label."""
        marks, labels = VGroup(), VGroup()
        for (start, stop), word in zip(self.splits, words, strict=True):
            left = self.tokens[start].get_corner(DOWN + LEFT)
            right = self.tokens[stop - 1].get_corner(DOWN - LEFT)
            line = Line(left, right, stroke_width=2, color=THEME.muted).shift(DOWN * buff)
            tag = label(word, size or THEME.small, THEME.muted).next_to(line, DOWN, buff=0.08)
            labels.add(tag)
            marks.add(VGroup(line, tag))
        marks.labels = labels
        return marks
