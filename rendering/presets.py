"""Quality presets and output formats.

x264 settings were chosen by measurement: `bench/render_bench.py` re-encodes the
same lossless frames at every quality with each x264 preset at crf 23. On that
clip "veryfast" was on the front of time against size at every resolution: the
smallest file of all presets at 480p, 720p and 1080p (0.19 MB against 0.25 for
"medium" at 1080p60) while encoding faster than faster/fast/medium (6.7 s
against 7.5-10.1 s at 1080p60; 23.5 s against 29.7-32.8 s at 4k). Only
ultrafast/superfast are quicker, at 1.6-3.5x the size.

x264 runs with frame threads, chosen by measurement too. Manim encodes through PyAV,
for which FFmpeg asks x264 for sliced threads, and x264 then splits its lookahead over
threads as well: so configured it wrote different bytes for the same frames from run to
run (on 2 cores, 9 different files from 30 encodes of a 60-frame clip drawn frame by
frame as it was encoded; 2 to 3 from 8 of the clip tests/test_encoder_repeatable.py
draws), and a silent render's same-bytes test failed in CI. Frame threads
(`sliced-threads=0`) are x264's deterministic mode (it only gives that up when told
`--non-deterministic`): one file in every trial, and faster and smaller too
(`bench/encoder_repeat_bench.py`, see the README). The bytes stay tied to the core
count, which sets x264's thread count: a machine with another count writes other,
equally good, bytes.
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


VERYFAST = {"preset": "veryfast", "crf": "23", "x264-params": "sliced-threads=0"}

QUALITIES = {
    "low": Quality("low", "low_quality", 854, 480, 15, VERYFAST),
    "medium": Quality("medium", "medium_quality", 1280, 720, 30, VERYFAST),
    "high": Quality("high", "high_quality", 1920, 1080, 60, VERYFAST),
    "4k": Quality("4k", "fourk_quality", 3840, 2160, 60, VERYFAST),
}

FORMATS = ("mp4", "webm", "gif", "mov")


def quality(name: str) -> Quality:
    if name not in QUALITIES:
        raise UserError(f"unknown quality {name!r}; choose one of {', '.join(QUALITIES)}")
    return QUALITIES[name]


def encoder_options(q: Quality, fmt: str) -> dict[str, str]:
    """Options for Manim's video encoder; only x264 (mp4) takes the tuned preset."""
    return dict(q.x264) if fmt == "mp4" else {}
