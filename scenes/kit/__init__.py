"""The shared visual kit: every scene draws with these, in one colour theme.

Import from here (`from scenes.kit import AttentionGrid, PANEL, ...`); each piece
lives in the module named after what it is (see scenes/README.md for the table).
"""

from .bars import ScoreRow, WeightBars
from .formula import attention_formula, formula
from .grid import AttentionGrid, blend, score_fill
from .heatmap import HeatLegend, MatrixHeatmap, heat_fill
from .layout import (
    CAPTIONS,
    FRAME,
    LEFT_SIDE,
    PANEL,
    SAFE,
    STAGE,
    LabelSpace,
    MainPicture,
    Region,
    at_top,
    fit_width,
    keep_inside,
    overlaps,
    place_label,
    segment_markers,
)
from .leaders import compass, leader
from .live import LiveNumber, LiveWeightBars, refresh
from .moving import MovingGrid
from .plane import EmbeddingPlane, ghost, tip_label
from .readings import ReadingRow, ReadingsTable
from .readout import SenseReadout
from .scene import ExplainerScene, NoParams, ParamError
from .spoken import about
from .table import Table
from .text import MINUS, SUB, Number, Percent, fmt, fmt_int, label
from .theme import THEME
from .tokens import TokenRow, WordToken
from .vectors import MatrixBox, VectorColumn, VectorRow, bracket

__all__ = [
    "CAPTIONS", "FRAME", "LEFT_SIDE", "MINUS", "PANEL", "SAFE", "STAGE", "SUB", "THEME",
    "AttentionGrid", "EmbeddingPlane", "ExplainerScene", "HeatLegend", "LabelSpace", "LiveNumber",
    "LiveWeightBars", "MainPicture", "MatrixBox", "MatrixHeatmap", "MovingGrid", "NoParams",
    "Number", "ParamError", "Percent", "ReadingRow", "ReadingsTable", "Region", "ScoreRow",
    "SenseReadout", "Table", "TokenRow", "VectorColumn", "VectorRow", "WeightBars", "WordToken",
    "about",
    "at_top", "attention_formula", "blend", "bracket", "compass", "fit_width", "fmt", "fmt_int",
    "formula", "ghost", "heat_fill", "keep_inside", "label", "leader", "overlaps", "place_label",
    "refresh", "score_fill", "segment_markers", "tip_label"
]
