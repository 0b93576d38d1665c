"""The video encoder writes the same bytes for the same frames, run after run.

Found in CI: two silent renders of one scene differed at byte 43 (the size of the
movie's data). x264 itself, given the same frames, wrote different bytes: with FFmpeg's
sliced threads and x264's lookahead split over threads too, one 60-frame clip encoded
30 times gave 9 different files on two cores when each frame was drawn while the
encoder ran. rendering/presets.py asks for x264's frame threads instead; this test
encodes the same frames through Manim's own segment encoder, with the options every
render uses, and asks for one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from rendering.presets import encoder_options, quality

ENCODES = 8  # with the old threading, 3 trials of 8 encodes found 2, 3 and 2 files


def moving_disc(count: int, width: int, height: int) -> Iterator[np.ndarray]:
    """RGBA frames of a soft-edged disc that moves, grows and fades: motion the encoder's
    lookahead has to weigh (a still picture would not exercise it). Each frame is drawn
    when the encoder asks for it, so drawing competes with the encoder's threads for the
    cores as Cairo does in a render; frames made in advance hid the fault in every trial."""
    y, x = np.mgrid[0:height, 0:width]
    for i in range(count):
        t = i / count
        cx, cy = width * (0.25 + 0.5 * t), height * (0.5 + 0.15 * np.sin(6 * t))
        inside = np.clip(height * (0.12 + 0.08 * t) - np.hypot(x - cx, y - cy), 0, 1)
        pixels = np.zeros((height, width, 4), np.uint8)
        pixels[..., 0] = 20 + 200 * inside * (1 - t)
        pixels[..., 1] = 30
        pixels[..., 2] = 40 + 180 * inside
        pixels[..., 3] = 255
        yield pixels


def encode(frames: Iterator[np.ndarray], target: Path, spec: VideoEncoderSpec) -> bytes:
    encoder = VideoSegmentEncoder(target=target, spec=spec)
    for pixels in frames:
        encoder.write_frame(pixels)
    encoder.finish()
    return target.read_bytes()


def test_the_same_frames_encode_to_the_same_bytes_every_time(tmp_path):
    q = quality("low")
    spec = VideoEncoderSpec(container_format="mp4", codec="libx264", pixel_format="yuv420p",
                            width=q.width, height=q.height, frame_rate=Fraction(q.fps),
                            options=tuple(sorted(encoder_options(q, "mp4").items())))
    files = {encode(moving_disc(60, q.width, q.height), tmp_path / f"{n}.mp4", spec)
             for n in range(ENCODES)}
    assert len(files) == 1, f"{len(files)} different files from {ENCODES} encodes"
