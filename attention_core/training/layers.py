"""Train the positional models: the lecture layer (3 heads) and a deep stack of blocks.

Both take a word's toy-model embedding (frozen, 8 numbers: *what* the word is)
followed by a fixed sinusoidal positional code (4 numbers: *where* it is; with
sines, "the word one or two before me" is the same rotation at every position,
so a head can learn it once), d_model = 12,
and use torch's `nn.MultiheadAttention` layout (3 heads of size 4, no biases)
so the core reads them with `MultiHeadAttention.from_torch`.

The lecture layer (one multi-head layer). Each head's update has its own job,
read from E + ΔE_h through its own read-out:

* head 1, sense: the sentence's topic, read against the topic words' embeddings;
* head 2, adjectives: for a noun, which adjectives describe it ("a fluffy blue
  creature ... the verdant forest": creature ← fluffy, blue; forest ← verdant),
  a yes/no per adjective; this needs positions, since "dark" may describe either noun;
* head 3, previous word: which word came just before (a purely positional job,
  the "previous-token head" found in real models).

The sum E + ΔE₁ + ΔE₂ + ΔE₃ must still read as the right topic. Giving each head
its job is a design choice of this toy, made so that the lecture can show three
clean, different patterns; what each head actually does is measured afterwards.

The deep stack (3 blocks, `x ← x + MultiHeadAttention(x)`), trained with the
sense read-out on its last block only: how far each block gets on its own is
not taught, it is whatever the stack learned, and the lecture shows it.
Attention-only blocks: real transformers also have an MLP in each block.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..transformer import PositionalConfig, positional_code
from ..vocab import Vocabulary
from . import corpus
from .toy_head import encode_batch, sense_loss, topic_weights

LECTURE_LAYER = PositionalConfig(depth=1, head_jobs=("sense", "adjectives", "previous word"))
DEEP_STACK = PositionalConfig(depth=3)
SEED = 0
LR = 0.01
LAYER_STEPS = 1000
STACK_STEPS = 1200


def adjective_words() -> list[str]:
    """Every word that fills an adjective slot, in a fixed order."""
    words: list[str] = []
    for slot in ("c_adj", "p_adj", "f_adj", "s_adj", "t_adj"):
        words += [w for w in corpus.SLOTS[slot] if w not in words]
    return words


def head_deltas(x: Tensor, real: Tensor, in_proj: Tensor, out_proj: Tensor, n_heads: int
                ) -> Tensor:
    """Each head's ΔE for a padded batch, in nn.MultiheadAttention's layout.

    x (B, L, d) -> (B, H, L, d); summed over H it is the module's output.
    """
    b, length, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ in_proj.T).chunk(3, dim=-1)  # each (B, L, d)
    q, k, v = (t.view(b, length, n_heads, dh).transpose(1, 2) for t in (q, k, v))  # (B, H, L, dh)
    scores = q @ k.transpose(-1, -2) / math.sqrt(dh)  # (B, H, L, L)
    att = torch.softmax(scores.masked_fill(~real[:, None, None, :], float("-inf")), dim=-1)
    out = att @ v  # (B, H, L, dh)
    w_up = out_proj.T.view(n_heads, dh, d)  # value-up block of each head
    return torch.einsum("bhld,hde->bhle", out, w_up)


class _Data:
    """The training sentences as tensors, shared by both models."""

    def __init__(self, table: Tensor, words: list[str], seed: int):
        vocab = Vocabulary(words)
        sentences = corpus.generate("train", seed=seed)
        self.ids, self.real = encode_batch(sentences, vocab)
        self.length = self.ids.shape[1]
        self.d_tok = table.shape[1]
        self.x_tok = table[self.ids]  # (B, L, d_tok)
        self.topics = table[[vocab.index(t) for t in corpus.TOPICS]]
        self.y = torch.tensor([corpus.TOPICS.index(s.topic) for s in sentences])
        self.weight = topic_weights(sentences)
        adjectives = adjective_words()
        self.noun_mask = torch.zeros(self.ids.shape, dtype=torch.bool)
        self.adj_target = torch.zeros(*self.ids.shape, len(adjectives))
        for b, s in enumerate(sentences):
            for n in s.nouns:
                self.noun_mask[b, n] = True
            for a, n in s.links:
                self.adj_target[b, n, adjectives.index(s.tokens[a])] = 1.0
        self.has_previous = self.real.clone()
        self.has_previous[:, 0] = False
        self.previous = torch.roll(self.ids, 1, dims=1)  # token i-1 at position i

    def inputs(self, positions: Tensor) -> Tensor:
        pos = positions[: self.length].expand(self.ids.shape[0], -1, -1)
        return torch.cat([self.x_tok, pos], dim=-1)  # (B, L, d_model)

    def sense(self, x: Tensor) -> Tensor:
        return sense_loss(x[..., : self.d_tok], self.topics, self.y, self.real, self.weight)


def _new_mha(config: PositionalConfig) -> nn.MultiheadAttention:
    return nn.MultiheadAttention(config.d_model, config.n_heads, bias=False, batch_first=True)


def train_lecture_layer(table: Tensor, words: list[str], seed: int = SEED,
                        steps: int = LAYER_STEPS) -> dict[str, Tensor]:
    torch.manual_seed(seed)
    config = LECTURE_LAYER
    data = _Data(table, words, seed)
    positions = positional_code(config.frequencies, config.max_len)
    mha = _new_mha(config)
    adjective_readout = nn.Linear(config.d_model, len(adjective_words()))
    previous_readout = nn.Linear(config.d_model, len(words))
    params = [*mha.parameters(), *adjective_readout.parameters(),
              *previous_readout.parameters()]
    opt = torch.optim.Adam(params, lr=LR)
    for _ in range(steps):
        x = data.inputs(positions)
        deltas = head_deltas(x, data.real, mha.in_proj_weight, mha.out_proj.weight,
                             config.n_heads)
        sense = x + deltas[:, 0]
        adjectives = x + deltas[:, 1]
        previous = x + deltas[:, 2]
        loss = (data.sense(sense) + data.sense(x + deltas.sum(1))
                + 2.0 * nn.functional.binary_cross_entropy_with_logits(
                    adjective_readout(adjectives[data.noun_mask]),
                    data.adj_target[data.noun_mask])
                + nn.functional.cross_entropy(previous_readout(previous[data.has_previous]),
                                              data.previous[data.has_previous])
                + 1e-4 * sum((p**2).sum() for p in params))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {
        "positions": positions.clone(),
        "blocks.0.in_proj_weight": mha.in_proj_weight.detach().clone(),
        "blocks.0.out_proj.weight": mha.out_proj.weight.detach().clone(),
        "adjective_readout.weight": adjective_readout.weight.detach().clone(),
        "adjective_readout.bias": adjective_readout.bias.detach().clone(),
        "previous_readout.weight": previous_readout.weight.detach().clone(),
        "previous_readout.bias": previous_readout.bias.detach().clone(),
    }


def train_stack(table: Tensor, words: list[str], seed: int = SEED, steps: int = STACK_STEPS
                ) -> dict[str, Tensor]:
    torch.manual_seed(seed + 1)
    config = DEEP_STACK
    data = _Data(table, words, seed)
    positions = positional_code(config.frequencies, config.max_len)
    blocks = nn.ModuleList(_new_mha(config) for _ in range(config.depth))
    params = list(blocks.parameters())
    opt = torch.optim.Adam(params, lr=LR)
    for _ in range(steps):
        x = data.inputs(positions)
        for mha in blocks:
            x = x + head_deltas(x, data.real, mha.in_proj_weight, mha.out_proj.weight,
                                config.n_heads).sum(1)
        loss = data.sense(x) + 1e-4 * sum((p**2).sum() for p in params)
        opt.zero_grad()
        loss.backward()
        opt.step()
    tensors = {"positions": positions.clone()}
    for i, mha in enumerate(blocks):
        tensors[f"blocks.{i}.in_proj_weight"] = mha.in_proj_weight.detach().clone()
        tensors[f"blocks.{i}.out_proj.weight"] = mha.out_proj.weight.detach().clone()
    return tensors
