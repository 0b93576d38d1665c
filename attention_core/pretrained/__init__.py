"""A real pretrained model, run by our core: BERT checkpoints such as MiniLM.

    bert        load_pretrained, PretrainedBert      the forward pass, every head ours
    trace       BertRun, LayerTrace                  what one sentence did, layer by layer
    tokenizer   WordPieces, Pieces, WordSpan         the checkpoint's WordPiece tokenizer
    config      BertConfig                           sizes typed from config.json
    checkpoint  open_checkpoint                      what a checkpoint folder must hold
    senses      SenseAnchors, AmbiguousWord, ...     reading a vector's sense by anchor words
    heldout     HELD_OUT, DEV                        labelled sentences: scoring / choosing
    accuracy    measure_senses                       per-layer accuracy of the read-out
    pulls       head_pulls                           which heads pull a word toward a sense
    errors      NotABertCheckpointError, ...         bad folders, sentences, anchors

transformers is never imported here; the tests use it as the reference.
"""

from .accuracy import SenseAccuracy, measure_senses
from .bert import PretrainedBert, load_pretrained
from .config import BertConfig
from .errors import NotABertCheckpointError, SentenceTooLongError, SplitAnchorError
from .heldout import DEV, HELD_OUT, LabelledSentence
from .pulls import HeadPull, HeadPulls, head_pulls
from .senses import (
    DEFAULT_SENSES,
    NEUTRAL_CONTEXTS,
    AmbiguousWord,
    Sense,
    SenseAnchors,
    SenseReading,
    anchors_for,
    senses_of,
)
from .tokenizer import Pieces, WordPieces, WordSpan
from .trace import BertRun, LayerTrace

__all__ = [
    "DEFAULT_SENSES", "DEV", "HELD_OUT", "NEUTRAL_CONTEXTS", "AmbiguousWord", "BertConfig",
    "BertRun", "HeadPull", "HeadPulls", "LabelledSentence", "LayerTrace",
    "NotABertCheckpointError", "Pieces", "PretrainedBert", "Sense", "SenseAccuracy",
    "SenseAnchors", "SenseReading", "SentenceTooLongError", "SplitAnchorError", "WordPieces",
    "WordSpan", "anchors_for", "head_pulls", "load_pretrained", "measure_senses", "senses_of",
]
