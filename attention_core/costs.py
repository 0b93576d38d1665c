"""What attention costs: its parameters, and the size of its pattern.

The parameter count follows the lecture's bookkeeping: per head a query map, a
key map, and the value map factored as value-down (d_model → d_head) times
value-up (d_head → d_model). Biases and layer norms are left out, as in the video.
"""

from __future__ import annotations

from dataclasses import dataclass

# GPT-3 (175B), as quoted in the lecture.
GPT3 = {"d_model": 12_288, "d_head": 128, "n_heads": 96, "n_layers": 96}
GPT3_TOTAL_PARAMETERS = 175_181_291_520


@dataclass(frozen=True)
class ParameterCount:
    """Attention parameters of a model, broken down the way the lecture counts them."""

    d_model: int
    d_head: int
    n_heads: int
    n_layers: int

    @property
    def query(self) -> int:
        return self.d_model * self.d_head  # W_Q: (d_model, d_head)

    @property
    def key(self) -> int:
        return self.d_model * self.d_head  # W_K: (d_model, d_head)

    @property
    def value_down(self) -> int:
        return self.d_model * self.d_head  # W_V↓: (d_model, d_head)

    @property
    def value_up(self) -> int:
        return self.d_head * self.d_model  # W_V↑: (d_head, d_model), one block of W_O

    @property
    def per_head(self) -> int:
        return self.query + self.key + self.value_down + self.value_up

    @property
    def per_layer(self) -> int:
        return self.per_head * self.n_heads

    @property
    def total(self) -> int:
        return self.per_layer * self.n_layers


def count_parameters(d_model: int, d_head: int, n_heads: int, n_layers: int) -> ParameterCount:
    """Count attention parameters; GPT-3's sizes give 6,291,456 per head."""
    for name, value in (("d_model", d_model), ("d_head", d_head),
                        ("n_heads", n_heads), ("n_layers", n_layers)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    return ParameterCount(d_model, d_head, n_heads, n_layers)


@dataclass(frozen=True)
class PatternCost:
    """The attention pattern at one context length: n² entries per head."""

    context_length: int
    n_heads: int = 1
    n_layers: int = 1
    bytes_per_entry: int = 2  # fp16

    @property
    def entries_per_head(self) -> int:
        return self.context_length**2

    @property
    def entries(self) -> int:
        return self.entries_per_head * self.n_heads * self.n_layers

    @property
    def bytes(self) -> int:
        return self.entries * self.bytes_per_entry


def pattern_cost(
    context_length: int, n_heads: int = 1, n_layers: int = 1, bytes_per_entry: int = 2
) -> PatternCost:
    """Size of the full attention pattern if it were stored (naively, no tricks)."""
    if context_length <= 0:
        raise ValueError(f"context_length must be positive, got {context_length}")
    return PatternCost(context_length, n_heads, n_layers, bytes_per_entry)


def human_bytes(n: int) -> str:
    """1536 -> '1.5 KiB'; binary units, one decimal."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
