"""A BERT checkpoint's sizes, typed, read from its `config.json` (like nanoGPT's GPTConfig).

Hugging Face names the sizes `hidden_size`, `num_attention_heads`, ...; the
lecture calls them d_model, n_heads, ... This is the one place that maps the
one onto the other and refuses what our forward pass does not implement
(a decoder, relative positions, an activation we do not know), so a wrong
folder fails at load with a sentence, not later with a wrong shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import torch.nn.functional as F
from torch import Tensor

from .errors import NotABertCheckpointError

# transformers' ACT2FN names for the MLP's nonlinearity ("gelu" is the exact erf form)
ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "gelu": F.gelu,
    "gelu_new": partial(F.gelu, approximate="tanh"),
    "gelu_pytorch_tanh": partial(F.gelu, approximate="tanh"),
    "relu": F.relu,
}


@dataclass(frozen=True)
class BertConfig:
    """The sizes of a BERT encoder, in the lecture's names."""

    vocab_size: int  # rows of the word-piece embedding table (30,522 for MiniLM)
    d_model: int  # numbers per token vector (hidden_size; 384)
    n_layers: int  # encoder layers (num_hidden_layers; 6)
    n_heads: int  # heads per layer (num_attention_heads; 12)
    d_mlp: int  # the MLP's hidden width (intermediate_size; 1536 = 4 d_model)
    max_positions: int  # learned position vectors (max_position_embeddings; 512)
    type_vocab_size: int = 2  # segment embeddings (sentence A / B); one sentence uses row 0
    layer_norm_eps: float = 1e-12
    activation: str = "gelu"  # a key of ACTIVATIONS

    @property
    def d_head(self) -> int:
        """Query/key/value size of one head: d_model / n_heads (32 for MiniLM)."""
        return self.d_model // self.n_heads

    @property
    def act(self) -> Callable[[Tensor], Tensor]:
        return ACTIVATIONS[self.activation]

    @classmethod
    def from_hf(cls, data: dict[str, Any], where: Path | str = "config.json") -> BertConfig:
        """Validate a Hugging Face BERT config dict and give it the lecture's names."""
        def bad(problem: str) -> NotABertCheckpointError:
            return NotABertCheckpointError(where, problem)

        if data.get("model_type") != "bert":
            raise bad(f"model_type is {data.get('model_type')!r}, not 'bert': only BERT "
                      "encoders are supported")
        names = {"vocab_size": "vocab_size", "d_model": "hidden_size",
                 "n_layers": "num_hidden_layers", "n_heads": "num_attention_heads",
                 "d_mlp": "intermediate_size", "max_positions": "max_position_embeddings"}
        missing = [hf for hf in names.values() if not isinstance(data.get(hf), int)]
        if missing:
            raise bad(f"missing or non-integer {', '.join(missing)}")
        sizes = {ours: data[hf] for ours, hf in names.items()}
        if sizes["d_model"] % sizes["n_heads"]:
            raise bad(f"hidden_size {sizes['d_model']} is not a multiple of "
                      f"num_attention_heads {sizes['n_heads']}")
        if data.get("position_embedding_type", "absolute") != "absolute":
            raise bad(f"position_embedding_type {data['position_embedding_type']!r}: only "
                      "'absolute' (learned position vectors) is implemented")
        if data.get("is_decoder") or data.get("add_cross_attention"):
            raise bad("a BERT decoder (is_decoder / add_cross_attention); only encoders run here")
        activation = data.get("hidden_act", "gelu")
        if activation not in ACTIVATIONS:
            raise bad(f"hidden_act {activation!r} is not one of {', '.join(ACTIVATIONS)}")
        return cls(**sizes, type_vocab_size=int(data.get("type_vocab_size", 2)),
                   layer_norm_eps=float(data.get("layer_norm_eps", 1e-12)),
                   activation=activation)

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise NotABertCheckpointError(path, f"not valid JSON ({err})") from None
        if not isinstance(data, dict):
            raise NotABertCheckpointError(path, "not a JSON object")
        return cls.from_hf(data, where=path)
