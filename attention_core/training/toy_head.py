"""Train the toy sense head: one encoder-style head over learned word embeddings.

What is learned, and from what (all from `corpus.generate("train")`):

* an embedding table E (one row per word, `TOY.d_model` numbers);
* one head: W_Q, W_K (D_MODEL → 2), value-down W_V (D_MODEL → 2) and value-up
  W_O (2 → D_MODEL). A 2-number query/key space lets the lecture draw every
  query and key exactly, with nothing projected away.

The objectives, each a cross-entropy:

1. context: every word's new vector E′ = E + ΔE must say the sentence's topic.
   A topic is read by the dot product with that topic word's embedding
   (E′ · E_fruit, E′ · E_tech, ...): "pulled toward fruit" literally means
   moving toward the vector of the word *fruit*;
2. word alone: E by itself may only say which topics the word occurs in
   (uniform over them), so "apple" starts halfway between fruit and tech,
   and "the" halfway between everything;
3. identity: each word must stay recognisable among all others, so that words
   of one topic cluster without collapsing onto one point.

Seeded, single-threaded, full-batch: the same command writes the same bytes.
"""

from __future__ import annotations

import math
from collections import Counter

import torch
from torch import Tensor

from ..model import ToyConfig
from ..vocab import Vocabulary
from . import corpus

TOY = ToyConfig(topics=tuple(corpus.TOPICS), ambiguous=tuple(
    (word, tuple(senses)) for word, senses in corpus.AMBIGUOUS.items()))
SEED = 0
STEPS = 1500
LR = 0.03
WEIGHT_DECAY = 1e-3


def pad_ids(rows: list[list[int]]) -> tuple[Tensor, Tensor]:
    """Token ids (B, L) padded with 0, and a (B, L) bool mask of real tokens."""
    length = max(map(len, rows))
    ids = torch.zeros(len(rows), length, dtype=torch.long)
    real = torch.zeros(len(rows), length, dtype=torch.bool)
    for b, r in enumerate(rows):
        ids[b, : len(r)] = torch.tensor(r)
        real[b, : len(r)] = True
    return ids, real


def encode_batch(sentences: list[corpus.Sentence], vocab: Vocabulary) -> tuple[Tensor, Tensor]:
    """The sentences' token ids, padded (see `pad_ids`)."""
    return pad_ids([vocab.encode(s.tokens) for s in sentences])


def batched_head(x: Tensor, real: Tensor, w: dict[str, Tensor], context: Tensor | None = None
                 ) -> Tensor:
    """ΔE for a padded batch, the same equations as `attention.attend`.

    x (B, L, d); keys and values come from `context` (B, M, d) when given
    (cross-attention), else from x. `real` (B, M) marks real keys: padded keys
    get −∞ so no word attends to padding.
    """
    source = x if context is None else context
    q = x @ w["w_q"]  # (B, L, d_k)
    k = source @ w["w_k"]  # (B, M, d_k)
    v = source @ w["w_v"]  # (B, M, d_v)
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])  # (B, L, M)
    scores = scores.masked_fill(~real[:, None, :], float("-inf"))
    att = torch.softmax(scores, dim=-1)
    return att @ v @ w["w_o"]  # (B, L, d)


def topic_weights(sentences: list[corpus.Sentence]) -> Tensor:
    """(B,): 1 / (sentences of that topic), so every topic weighs the same in the loss."""
    counts = Counter(s.topic for s in sentences)
    return torch.tensor([1.0 / counts[s.topic] for s in sentences])


def sense_loss(x: Tensor, topics: Tensor, y: Tensor, real: Tensor, weight: Tensor) -> Tensor:
    """Topic cross-entropy per word, averaged per sentence, topics weighted equally."""
    logits = x @ topics.T  # (B, L, T)
    per_token = torch.nn.functional.cross_entropy(
        logits.transpose(1, 2), y[:, None].expand(real.shape), reduction="none"
    )  # (B, L)
    per_sentence = (per_token * real).sum(1) / real.sum(1)
    return (per_sentence * weight).sum() / weight.sum()


def topic_targets(sentences: list[corpus.Sentence], vocab: Vocabulary) -> Tensor:
    """(V, T) distribution: uniform over the topics each word occurs in."""
    seen = torch.zeros(len(vocab), len(corpus.TOPICS))
    for s in sentences:
        t = corpus.TOPICS.index(s.topic)
        for word in s.tokens:
            seen[vocab.index(word), t] = 1.0
    seen[seen.sum(1) == 0] = 1.0  # topic words that never appear in a sentence
    return seen / seen.sum(1, keepdim=True)


def train_toy_head(seed: int = SEED, steps: int = STEPS) -> tuple[dict[str, Tensor], list[str]]:
    """Train and return (tensors, vocabulary)."""
    torch.manual_seed(seed)
    vocab = Vocabulary(corpus.vocabulary())
    sentences = corpus.generate("train", seed=seed)
    ids, real = encode_batch(sentences, vocab)
    topic_ids = torch.tensor([vocab.index(t) for t in corpus.TOPICS])
    y = torch.tensor([corpus.TOPICS.index(s.topic) for s in sentences])
    sentence_weight = topic_weights(sentences)
    alone_target = topic_targets(sentences, vocab)

    params = {
        "embeddings": torch.randn(len(vocab), TOY.d_model) * 0.5,
        "w_q": torch.randn(TOY.d_model, TOY.d_head) * 0.3,
        "w_k": torch.randn(TOY.d_model, TOY.d_head) * 0.3,
        "w_v": torch.randn(TOY.d_model, TOY.d_head) * 0.3,
        "w_o": torch.randn(TOY.d_head, TOY.d_model) * 0.3,
    }
    for p in params.values():
        p.requires_grad_(True)
    opt = torch.optim.Adam(params.values(), lr=LR)

    for _ in range(steps):
        emb = params["embeddings"]
        topics = emb[topic_ids]  # (T, d): the readout directions
        x = emb[ids]  # (B, L, d)
        out = x + batched_head(x, real, params)  # E′ = E + ΔE
        context_loss = sense_loss(out, topics, y, real, sentence_weight)

        alone_logits = emb @ topics.T  # (V, T)
        alone_loss = -(alone_target * alone_logits.log_softmax(1)).sum(1).mean()
        identity_loss = torch.nn.functional.cross_entropy(emb @ emb.T, torch.arange(len(vocab)))
        decay = sum((p**2).sum() for p in params.values())

        loss = context_loss + 0.5 * alone_loss + 0.2 * identity_loss + WEIGHT_DECAY * decay
        opt.zero_grad()
        loss.backward()
        opt.step()

    return {k: v.detach().clone() for k, v in params.items()}, vocab.words
