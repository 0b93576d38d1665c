"""The colour theme and type sizes, read once from `assets/theme.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

THEME_FILE = Path(__file__).resolve().parents[2] / "assets" / "theme.toml"


@dataclass(frozen=True)
class Theme:
    background: str
    text: str
    muted: str
    reference: str
    moving: str
    embedding: str
    query: str
    key: str
    value: str
    output: str
    score_pos: str
    score_neg: str
    weight: str
    masked: str
    highlight: str
    senses: dict[str, str]
    font: str
    mono: str
    title: float
    heading: float
    body: float
    small: float
    tiny: float

    def sense(self, topic: str) -> str:
        """Colour of a sense/topic ('fruit', 'tech', ...); muted if the theme has none."""
        return self.senses.get(topic, self.muted)


def load_theme(path: Path = THEME_FILE) -> Theme:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Theme(
        **data["colors"],
        senses=dict(data["senses"]),
        font=data["fonts"]["text"],
        mono=data["fonts"]["mono"],
        **{k: float(v) for k, v in data["sizes"].items()},
    )


THEME = load_theme()
