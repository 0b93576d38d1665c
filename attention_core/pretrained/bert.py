"""A BERT encoder run by our own core: every head through `attend_projected`.

    E₀ = LN(word[id] + position[i] + token_type[0])      hidden[0]
    for each layer: heads -> ΔE_h, Σ + b_O, residual + LN₁, GELU MLP, residual + LN₂

(the full layer is written out in `trace.py`). The checkpoint's packed
matrices are cut into per-head blocks once, at load: for head h (d_h = d_model
/ n_heads) and Hugging Face's Linear weights W of shape (out, in),

    W_Q^h = W_query[h·d_h:(h+1)·d_h]ᵀ                 (d_model, d_h)   (K, V likewise)
    W_O^h = W_output[:, h·d_h:(h+1)·d_h]ᵀ             (d_h, d_model)   value up

BERT's attention output dense is exactly the value-up blocks stacked, so
dense(concat_h A_h V_h) = Σ_h A_h V_h W_O^h + b_O: splitting loses nothing,
and each head's term is its own update ΔE_h. For speed, the run makes every
head's q, k, v in one product x [W_Q | W_K | W_V] and hands head h its columns
(`EncoderLayer.heads`); the per-head `HeadWeights` stay for the lecture to show.

    model = load_pretrained()                  # MiniLM, loaded once per process
    run = model.run("she ate an apple")
    run.layers[3].heads[7].weights             # (n, n) head 7's pattern in layer 3
    run.vector("apple", 6)                     # apple's vector after the last layer

Row vectors throughout (`q = x @ w_q`), float32, under `torch.inference_mode()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

from ..attention import attend_projected
from ..multihead import MultiHeadAttention, MultiHeadResult
from .checkpoint import MINILM, Checkpoint, open_checkpoint, resolve
from .config import BertConfig
from .tokenizer import Pieces, WordPieces
from .trace import BertRun, LayerTrace


@dataclass(frozen=True)
class LayerNorm:
    """Per token: subtract the mean of its numbers, divide by their spread, gain and shift."""

    weight: Tensor  # (d,) gain γ
    bias: Tensor  # (d,) shift β
    eps: float

    def __call__(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, self.eps)


@dataclass(frozen=True)
class Linear:
    """y = x W + b in the row-vector convention (W is Hugging Face's weight transposed)."""

    w: Tensor  # (d_in, d_out)
    b: Tensor  # (d_out,)

    @classmethod
    def from_hf(cls, t: dict[str, Tensor], name: str) -> Linear:
        return cls(t[name + ".weight"].T.contiguous(), t[name + ".bias"])

    def __call__(self, x: Tensor) -> Tensor:
        return torch.addmm(self.b, x, self.w)  # (n, d_out), one fused kernel


def split_heads(t: dict[str, Tensor], prefix: str, n_heads: int) -> MultiHeadAttention:
    """BERT's packed query/key/value/output matrices as per-head blocks (see module doc)."""
    def w(name: str) -> Tensor:
        return t[f"{prefix}{name}.weight"]  # (out, in)

    def b(name: str) -> Tensor:
        return t[f"{prefix}{name}.bias"]

    return MultiHeadAttention.from_packed(
        w("self.query"), w("self.key"), w("self.value"), w("output.dense"), n_heads,
        b("self.query"), b("self.key"), b("self.value"), b("output.dense"))


@contextmanager
def one_thread() -> Iterator[None]:
    """Run a block of tiny tensor ops on one torch thread, then restore the thread count.

    A head's products are (n, d_h) by (d_h, n) with n ≈ 20: far too small to
    gain from splitting across threads, yet each op that opens a parallel
    region waits for every thread to be scheduled. On a busy shared machine
    that wait dominated (a 12 x 12 softmax took ~2 ms on two threads, 3 µs on
    one). The layer's large products (q/k/v, MLP) keep torch's thread count.
    The setting is process-wide while the block runs; results do not depend on it.
    """
    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class EncoderLayer:
    """Attention (our heads), residual + LN₁, GELU MLP, residual + LN₂."""

    attention: MultiHeadAttention  # the per-head weights, as the lecture names them
    qkv: Linear  # (d_model, 3·d_model): [W_Q | W_K | W_V], every head's blocks side by side
    norm_1: LayerNorm
    mlp_in: Linear  # (d_model, d_mlp)
    mlp_out: Linear  # (d_mlp, d_model)
    norm_2: LayerNorm
    config: BertConfig

    @classmethod
    def from_hf(cls, t: dict[str, Tensor], layer: int, c: BertConfig) -> EncoderLayer:
        p = f"encoder.layer.{layer}."
        attention = split_heads(t, p + "attention.", c.n_heads)
        names = [f"{p}attention.self.{m}" for m in ("query", "key", "value")]
        qkv = Linear(torch.cat([t[m + ".weight"] for m in names]).T.contiguous(),  # (d, 3d)
                     torch.cat([t[m + ".bias"] for m in names]))
        return cls(
            attention=attention,
            qkv=qkv,
            norm_1=LayerNorm(t[p + "attention.output.LayerNorm.weight"],
                             t[p + "attention.output.LayerNorm.bias"], c.layer_norm_eps),
            mlp_in=Linear.from_hf(t, p + "intermediate.dense"),
            mlp_out=Linear.from_hf(t, p + "output.dense"),
            norm_2=LayerNorm(t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"],
                             c.layer_norm_eps),
            config=c,
        )

    def heads(self, x: Tensor) -> MultiHeadResult:
        """Every head through the core's attention step, `attend_projected`.

        The same numbers as `self.attention(x)` (each HeadWeights.attend makes
        q = x W_Q^h + b_Q^h, ...), but all heads' q, k, v come from one matrix
        product: head h's are columns h·d_h:(h+1)·d_h of x [W_Q | W_K | W_V].
        One product instead of 3 per head is most of what makes this as fast
        as transformers' batched heads (`bench/pretrained_bench.py`).
        """
        d, d_h = self.config.d_model, self.config.d_head
        q, k, v = self.qkv(x).split(d, dim=1)  # each (n, d_model): all heads side by side
        traces = []
        with one_thread():
            for h, head in enumerate(self.attention.heads):
                cols = slice(h * d_h, (h + 1) * d_h)
                traces.append(attend_projected(x, q[:, cols], k[:, cols], v[:, cols],
                                               w_o=head.w_o))
        output = torch.stack([t.delta for t in traces]).sum(dim=0)  # Σ_h ΔE_h, (n, d_model)
        return MultiHeadResult(heads=traces, output=output + self.attention.out_bias)

    def __call__(self, x: Tensor) -> LayerTrace:
        attention = self.heads(x)  # every head's trace; output (n, d_model)
        attended = self.norm_1(x + attention.output)  # (n, d_model)
        mlp = self.mlp_out(self.config.act(self.mlp_in(attended)))  # (n, d_mlp) -> (n, d_model)
        return LayerTrace(input=x, attention=attention, attended=attended, mlp=mlp,
                          output=self.norm_2(attended + mlp))


@dataclass(frozen=True)
class Embeddings:
    """A piece's first vector: its word-piece row + its position's row + segment A's row."""

    word: Tensor  # (vocab_size, d_model)
    position: Tensor  # (max_positions, d_model)
    token_type: Tensor  # (type_vocab_size, d_model); a single sentence is segment 0
    norm: LayerNorm

    @classmethod
    def from_hf(cls, t: dict[str, Tensor], c: BertConfig) -> Embeddings:
        e = "embeddings."
        return cls(t[e + "word_embeddings.weight"], t[e + "position_embeddings.weight"],
                   t[e + "token_type_embeddings.weight"],
                   LayerNorm(t[e + "LayerNorm.weight"], t[e + "LayerNorm.bias"],
                             c.layer_norm_eps))

    def __call__(self, ids: Tensor) -> Tensor:
        n = ids.shape[0]
        return self.norm(self.word[ids] + self.position[:n] + self.token_type[0])  # (n, d)


class PretrainedBert:
    """A BERT checkpoint as the lecture sees it: tokenizer, embeddings, layers of heads."""

    def __init__(self, folder: Path, config: BertConfig, tokenizer: WordPieces,
                 embeddings: Embeddings, layers: list[EncoderLayer]):
        self.folder = folder
        self.config = config
        self.tokenizer = tokenizer
        self.embeddings = embeddings
        self.layers = layers

    @classmethod
    def from_checkpoint(cls, ck: Checkpoint) -> PretrainedBert:
        with torch.inference_mode():
            layers = [EncoderLayer.from_hf(ck.tensors, i, ck.config)
                      for i in range(ck.config.n_layers)]
            embeddings = Embeddings.from_hf(ck.tensors, ck.config)
        return cls(ck.folder, ck.config, ck.tokenizer, embeddings, layers)

    def __repr__(self) -> str:
        c = self.config
        return (f"PretrainedBert({self.folder.name}: {c.n_layers} layers x {c.n_heads} heads, "
                f"d_model {c.d_model}, {c.vocab_size} word pieces)")

    def tokenize(self, sentence: str) -> Pieces:
        return self.tokenizer.encode(sentence)

    @torch.inference_mode()
    def run(self, sentence: str | Pieces) -> BertRun:
        """Tokenize (unless given pieces) and run every layer, keeping every intermediate."""
        pieces = sentence if isinstance(sentence, Pieces) else self.tokenize(sentence)
        x = self.embeddings(torch.tensor(pieces.ids))  # (n, d_model)
        hidden, traces = [x], []
        for layer in self.layers:
            trace = layer(hidden[-1])
            traces.append(trace)
            hidden.append(trace.output)
        return BertRun(pieces=pieces, hidden=tuple(hidden), layers=tuple(traces))


@lru_cache(maxsize=8)
def _load(folder: Path) -> PretrainedBert:
    return PretrainedBert.from_checkpoint(open_checkpoint(folder))


def load_pretrained(name_or_path: str | Path = MINILM) -> PretrainedBert:
    """The packaged MiniLM ("minilm"), or a BERT checkpoint folder; loaded once per process.

    A folder that is not a BERT checkpoint raises `NotABertCheckpointError`
    naming the file and what is missing or wrong.
    """
    return _load(resolve(name_or_path))
