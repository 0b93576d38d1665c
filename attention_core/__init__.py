"""The attention core: the math behind every number the scenes show.

torch + numpy only; never imports manim. One module per idea of the lecture:

    attention   attend, AttentionTrace, causal_mask    one head, every intermediate kept
    multihead   MultiHeadAttention, HeadWeights        heads read out of nn.MultiheadAttention
    masking, scaling, softmax, similarity, plane, linear_maps   the lecture's smaller steps
    costs       count_parameters, pattern_cost         what attention costs
    readouts    Reading, SenseReadout, ...             what a vector says to its model
    model       load_model, ToyModel                   the shipped, learned toy model
    transformer load_lecture_layer, load_deep_stack    the positional toy models
    cross       load_cross                             the cross-attention toy head
    pretrained/ load_pretrained, head_pulls, ...       a real BERT (MiniLM) run by this core
    vocab       UnknownWordError, tokenize             words in, with helpful errors
    training/   how the toy models were made and measured (kept apart)
"""

from .attention import AttentionTrace, attend, causal_mask
from .costs import GPT3, ParameterCount, PatternCost, count_parameters, pattern_cost
from .model import SentenceTrace, ToyConfig, ToyModel, load_model
from .multihead import HeadWeights, MultiHeadAttention, MultiHeadResult
from .readouts import Reading, Readout, SenseReadout
from .vocab import UnknownWordError, tokenize

__all__ = [
    "GPT3", "AttentionTrace", "HeadWeights", "MultiHeadAttention", "MultiHeadResult",
    "ParameterCount", "PatternCost", "Reading", "Readout", "SenseReadout", "SentenceTrace",
    "ToyConfig", "ToyModel", "UnknownWordError", "attend", "causal_mask", "count_parameters",
    "load_model", "pattern_cost", "tokenize",
]
