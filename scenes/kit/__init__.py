"""The shared visual kit: every scene draws with these, in one colour theme."""

from .bars import ScoreRow, WeightBars
from .formula import attention_formula, formula
from .grid import AttentionGrid, score_fill
from .layout import keep_inside, overlaps, place_label, segment_markers
from .plane import EmbeddingPlane, ghost, tip_label
from .scene import ExplainerScene, NoParams, ParamError
from .text import MINUS, SUB, Number, Percent, fmt, fmt_int, label
from .theme import THEME
from .tokens import TokenRow, WordToken
from .vectors import MatrixBox, VectorColumn, bracket

__all__ = [
    "MINUS", "SUB", "THEME", "AttentionGrid", "EmbeddingPlane", "ExplainerScene", "MatrixBox",
    "NoParams",
    "Number", "Percent",
    "ParamError", "ScoreRow", "TokenRow", "VectorColumn", "WeightBars", "WordToken",
    "attention_formula", "bracket", "fmt", "fmt_int", "formula", "ghost", "keep_inside", "label",
    "overlaps", "place_label", "score_fill", "segment_markers", "tip_label",
]
