"""Train the cross-attention head: French queries look up English keys and values.

Inputs on both sides are [word embedding | sinusoidal position] (d_model = 12).
English embeddings are the toy model's (frozen); French embeddings are learned.
One head: W_Q (12 → 8) on the French side, W_K and W_V (12 → 8) on the English
side, W_O (8 → 12). No mask: every French word may look at every English word.

Objective: the update ΔE that a French word receives must name the English
word it translates, read against the English embeddings (its dot product with
each English word's embedding, softmax over the English vocabulary). The head
can only do that by attending to the right English word: which one that is, it
has to learn (French puts adjectives after the noun, so it is not a diagonal).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..cross import CrossConfig
from ..transformer import positional_code
from ..vocab import Vocabulary
from .toy_head import batched_head, pad_ids
from .translation import french_vocabulary, generate_pairs

CROSS = CrossConfig()
SEED = 0
STEPS = 1500
LR = 0.02


def train_cross(table: Tensor, words: list[str], seed: int = SEED, steps: int = STEPS
                ) -> dict[str, Tensor]:
    torch.manual_seed(seed)
    en_vocab, fr_vocab = Vocabulary(words), Vocabulary(french_vocabulary())
    pairs = generate_pairs("train", seed=seed)
    en_ids, en_real = pad_ids([en_vocab.encode(p.english) for p in pairs])
    fr_ids, fr_real = pad_ids([fr_vocab.encode(p.french) for p in pairs])
    source = torch.zeros_like(fr_ids)
    for b, p in enumerate(pairs):
        source[b, : len(p.source)] = en_ids[b, list(p.source)]  # English word id per French word
    d_tok, d_model = CROSS.d_token, CROSS.d_model
    pos = positional_code(CROSS.frequencies, CROSS.max_len)

    french = nn.Parameter(torch.randn(len(fr_vocab), d_tok) * 0.5)
    w = {name: nn.Parameter(torch.randn(*shape) / math.sqrt(shape[0]))
         for name, shape in (("w_q", (d_model, CROSS.d_head)), ("w_k", (d_model, CROSS.d_head)),
                             ("w_v", (d_model, CROSS.d_head)), ("w_o", (CROSS.d_head, d_model)))}
    params = [french, *w.values()]
    opt = torch.optim.Adam(params, lr=LR)
    x_en = torch.cat([table[en_ids], pos[: en_ids.shape[1]].expand(len(pairs), -1, -1)], -1)
    for _ in range(steps):
        x_fr = torch.cat([french[fr_ids], pos[: fr_ids.shape[1]].expand(len(pairs), -1, -1)], -1)
        delta = batched_head(x_fr, en_real, w, context=x_en)  # (B, Lf, d_model)
        logits = delta[..., :d_tok] @ table.T  # (B, Lf, V_en)
        loss = nn.functional.cross_entropy(logits[fr_real], source[fr_real])
        loss = loss + 1e-4 * sum((p**2).sum() for p in params)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"french": french.detach().clone(), "positions": pos.clone(),
            **{k: p.detach().clone() for k, p in w.items()}}
