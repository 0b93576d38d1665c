"""What one sentence did inside the encoder: every layer, every head, every vector.

One layer of BERT on the sentence's vectors x = hidden[l] (n, d_model), as the
lecture writes it (BERT normalises *after* each residual sum, "post-LN"):

    ΔE_h = softmax(Q_h K_hᵀ / √d_h) V_h W_O^h     each head's update      heads[h].delta
    a    = LN₁(x + Σ_h ΔE_h + b_O)                after attention          attended
    m    = GELU(a W₁ + b₁) W₂ + b₂                 the MLP's update         mlp
    y    = LN₂(a + m)                              the layer's output       output = hidden[l+1]

A head's ΔE_h is what it *writes*: its attention-weighted values through its
value-up block W_O^h, added to x together with the other heads' and the shared
bias b_O. It does not reach the output unchanged: LN₁ subtracts the mean of
the 384 numbers of the whole sum x + Σ ΔE + b_O, divides by their spread and
multiplies each number by its own gain (plus a shift), so every head's update
is rescaled with everything else; then the MLP adds an update of its own,
computed from the result, and LN₂ normalises again. A head's contribution is
therefore measured where it is written (on x's side of LN₁), not on the output.

Note `heads[h].outputs` is x + ΔE_h, that head alone (the single-head lecture's
E′ = E + ΔE); the layer's real output is `output`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ..attention import AttentionTrace
from ..multihead import MultiHeadResult
from .tokenizer import Pieces, WordSpan


@dataclass(frozen=True)
class LayerTrace:
    """One encoder layer on one sentence (the names of the module docstring)."""

    input: Tensor  # (n, d_model)  x = hidden[l]
    attention: MultiHeadResult  # heads[h]: AttentionTrace; output = Σ_h ΔE_h + b_O
    attended: Tensor  # (n, d_model)  a = LN₁(x + attention.output)
    mlp: Tensor  # (n, d_model)  m, the MLP's update before the residual and LN₂
    output: Tensor  # (n, d_model)  y = LN₂(a + m) = hidden[l+1]

    @property
    def heads(self) -> list[AttentionTrace]:
        return self.attention.heads

    @property
    def head_updates(self) -> Tensor:
        """(n_heads, n, d_model): every head's ΔE_h, stacked."""
        return torch.stack([t.delta for t in self.heads])


@dataclass(frozen=True)
class BertRun:
    """A sentence through the encoder: its pieces, hidden states and layer traces.

    hidden[0] is the embedding output (word + position + token type, then
    LayerNorm); hidden[l + 1] is layer l's output. Row i of each is piece i.
    """

    pieces: Pieces
    hidden: tuple[Tensor, ...]  # n_layers + 1 tensors, each (n, d_model)
    layers: tuple[LayerTrace, ...]  # n_layers

    @property
    def tokens(self) -> list[str]:
        """The word pieces, with [CLS] first and [SEP] last."""
        return list(self.pieces.tokens)

    @property
    def words(self) -> tuple[WordSpan, ...]:
        """Every word of the sentence with its piece span (split words have several)."""
        return self.pieces.words

    def spans(self, word: str) -> list[WordSpan]:
        """Every occurrence of `word` as whole words (see `Pieces.spans`)."""
        return self.pieces.spans(word)

    def span(self, word: str | WordSpan, occurrence: int = 0) -> WordSpan:
        """`word`'s `occurrence`-th span; a span passes through unchanged."""
        return word if isinstance(word, WordSpan) else self.pieces.span(word, occurrence)

    def vector(self, word: str | WordSpan, layer: int) -> Tensor:
        """(d_model,): the word's vector at hidden[layer], the mean of its pieces' rows.

        A word split into pieces has one vector per piece; their mean is the
        word's (the usual pooling of a split word, and linear, so a head's pull
        on the word is the mean of its pulls on the pieces).
        """
        s = self.span(word)
        return self.hidden[layer][s.start : s.stop].mean(dim=0)
