"""Quality presets and output formats.

Encoder settings per preset were chosen by measurement (`bench/render_bench.py
--encoders` prints the size/time trade-off): at low quality the encoder costs
little either way, at high and 4k it dominates, so faster x264 presets there.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError


@dataclass(frozen=True)
class Quality:
    name: str
    manim: str  # Manim's quality name
    width: int
    height: int
    fps: int
    x264: dict[str, str]  # encoder options for mp4/mov(h264)


QUALITIES = {
    "low": Quality("low", "low_quality", 854, 480, 15, {"preset": "medium", "crf": "23"}),
    "medium": Quality("medium", "medium_quality", 1280, 720, 30, {"preset": "fast", "crf": "23"}),
    "high": Quality("high", "high_quality", 1920, 1080, 60, {"preset": "veryfast", "crf": "23"}),
    "4k": Quality("4k", "fourk_quality", 3840, 2160, 60, {"preset": "veryfast", "crf": "23"}),
}

FORMATS = ("mp4", "webm", "gif", "mov")


def quality(name: str) -> Quality:
    if name not in QUALITIES:
        raise UserError(f"unknown quality {name!r}; choose one of {', '.join(QUALITIES)}")
    return QUALITIES[name]


def video_format(name: str) -> str:
    if name not in FORMATS:
        raise UserError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return name


def encoder_options(q: Quality, fmt: str) -> dict[str, str]:
    """Options for Manim's video encoder; only x264 (mp4) takes the tuned preset."""
    return dict(q.x264) if fmt == "mp4" else {}
