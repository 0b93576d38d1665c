"""The attention core: the math behind every number the scenes show.

torch + numpy only; never imports manim. Public API:

    attend, AttentionTrace, causal_mask        one head, every intermediate kept
    MultiHeadAttention, MultiHeadResult        heads read out of nn.MultiheadAttention
    count_parameters, pattern_cost             what attention costs
    load_model, ToyModel, SentenceTrace        the shipped, learned toy model
    UnknownWordError, tokenize                 words in, with helpful errors
"""

from .attention import AttentionTrace, attend, causal_mask
from .costs import GPT3, ParameterCount, PatternCost, count_parameters, pattern_cost
from .model import SentenceTrace, ToyModel, load_model
from .multihead import HeadWeights, MultiHeadAttention, MultiHeadResult
from .vocab import UnknownWordError, tokenize

__all__ = [
    "GPT3", "AttentionTrace", "HeadWeights", "MultiHeadAttention", "MultiHeadResult",
    "ParameterCount", "PatternCost", "SentenceTrace", "ToyModel", "UnknownWordError",
    "attend", "causal_mask", "count_parameters", "load_model", "pattern_cost", "tokenize",
]
