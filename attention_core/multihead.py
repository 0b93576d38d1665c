"""Several heads side by side, read straight out of a `torch.nn.MultiheadAttention`.

torch packs the heads into big matrices; the lecture speaks of each head on its
own. For head h (head size d_h = d_model / n_heads):

    W_Q^h = in_proj[q][h·d_h:(h+1)·d_h]ᵀ          (d_model, d_h)
    W_V^h = in_proj[v][h·d_h:(h+1)·d_h]ᵀ          (d_model, d_h)   "value down"
    W_O^h = out_proj.weightᵀ[h·d_h:(h+1)·d_h]     (d_h, d_model)   "value up"

Each head proposes ΔE_h = softmax(Q_h K_hᵀ/√d_h) V_h W_O^h and the layer's
output is Σ_h ΔE_h (+ the output bias). The value-up blocks of all heads,
stacked, are exactly torch's output matrix: nothing is lost by splitting.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .attention import AttentionTrace, attend_projected


@dataclass(frozen=True)
class HeadWeights:
    """One head's own matrices (row-vector convention, `q = x @ w_q`)."""

    w_q: Tensor  # (d_model, d_h)
    w_k: Tensor  # (d_context, d_h)
    w_v: Tensor  # (d_context, d_h)   value down
    w_o: Tensor  # (d_h, d_model)     value up
    b_q: Tensor | None = None  # projection biases: torch's modules and BERT have them
    b_k: Tensor | None = None
    b_v: Tensor | None = None

    def attend(self, x: Tensor, context: Tensor | None = None, causal: bool = False
               ) -> AttentionTrace:
        """This head on x (n, d_model): q = x W_Q (+ b_Q), k and v likewise from `context`."""
        source = x if context is None else context
        q, k, v = x @ self.w_q, source @ self.w_k, source @ self.w_v
        if self.b_q is not None:
            q = q + self.b_q
        if self.b_k is not None:
            k = k + self.b_k
        if self.b_v is not None:
            v = v + self.b_v
        return attend_projected(x, q, k, v, causal=causal, w_o=self.w_o)


@dataclass(frozen=True)
class MultiHeadResult:
    """What one multi-head layer computed: every head's trace and their sum."""

    heads: list[AttentionTrace]
    output: Tensor  # (n, d_model)  Σ_h ΔE_h + output bias, equal to torch's output


@dataclass(frozen=True)
class MultiHeadAttention:
    """A multi-head attention layer as a list of heads the lecture can point at."""

    heads: list[HeadWeights]
    out_bias: Tensor | None = None

    @property
    def n_heads(self) -> int:
        return len(self.heads)

    @property
    def output_matrix(self) -> Tensor:
        """The value-up blocks side by side: (n_heads·d_h, d_model), torch's out_proj.weightᵀ."""
        return torch.cat([h.w_o for h in self.heads], dim=0)

    @classmethod
    def from_packed(cls, w_q: Tensor, w_k: Tensor, w_v: Tensor, w_o: Tensor, n_heads: int,
                    b_q: Tensor | None = None, b_k: Tensor | None = None,
                    b_v: Tensor | None = None, b_o: Tensor | None = None
                    ) -> MultiHeadAttention:
        """Split packed projections in torch's (out, in) layout into per-head weights.

        w_q, w_k, w_v: (n_heads·d_h, d_in), head h owning rows h·d_h … (h+1)·d_h;
        w_o: (d_model, n_heads·d_h), whose columns take the concatenated heads, so head
        h's value-up block is rows h·d_h … of w_oᵀ. This is how both
        `nn.MultiheadAttention` and BERT store a layer.
        """
        d_h = w_q.shape[0] // n_heads

        def rows(t: Tensor | None, h: int) -> Tensor | None:
            return None if t is None else t[h * d_h: (h + 1) * d_h].clone()

        with torch.no_grad():
            heads = [HeadWeights(w_q=rows(w_q, h).T.contiguous(),  # (d_model, d_h)
                                 w_k=rows(w_k, h).T.contiguous(),  # (d_context, d_h)
                                 w_v=rows(w_v, h).T.contiguous(),  # (d_context, d_h)
                                 w_o=rows(w_o.T, h).contiguous(),  # (d_h, d_model)
                                 b_q=rows(b_q, h), b_k=rows(b_k, h), b_v=rows(b_v, h))
                     for h in range(n_heads)]
        return cls(heads=heads, out_bias=None if b_o is None else b_o.detach().clone())

    @classmethod
    def from_torch(cls, module: nn.MultiheadAttention) -> MultiHeadAttention:
        """Split a batch-first `nn.MultiheadAttention` into per-head weights."""
        if not module.batch_first:
            raise ValueError("from_torch expects nn.MultiheadAttention(..., batch_first=True)")
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("add_bias_kv and add_zero_attn have no place in the lecture's head")
        with torch.no_grad():
            if module._qkv_same_embed_dim:
                wq, wk, wv = module.in_proj_weight.detach().chunk(3, dim=0)  # each (d, d)
            else:
                wq = module.q_proj_weight.detach()  # (d, d)
                wk = module.k_proj_weight.detach()  # (d, kdim)
                wv = module.v_proj_weight.detach()  # (d, vdim)
            bq = bk = bv = None
            if module.in_proj_bias is not None:
                bq, bk, bv = module.in_proj_bias.detach().chunk(3)
            bo = None if module.out_proj.bias is None else module.out_proj.bias.detach()
            return cls.from_packed(wq, wk, wv, module.out_proj.weight.detach(),
                                   module.num_heads, bq, bk, bv, bo)

    def __call__(
        self, x: Tensor, context: Tensor | None = None, causal: bool = False
    ) -> MultiHeadResult:
        """Run every head on x (n, d_model); keys and values from `context` if given."""
        traces = [h.attend(x, context, causal) for h in self.heads]
        output = torch.stack([t.delta for t in traces]).sum(dim=0)  # (n, d_model)
        if self.out_bias is not None:
            output = output + self.out_bias
        return MultiHeadResult(heads=traces, output=output)
