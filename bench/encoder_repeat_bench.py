"""x264 threading benchmark: prints figures, asserts nothing.

    python bench/encoder_repeat_bench.py [--repeat 5] [--quality high]

The first animations of apple_in_context are rendered once, losslessly; the frames are
then encoded again and again through Manim's own segment encoder (the path every render
takes), decoded from the master while the encoder runs, as a render draws them while it
runs. Three option sets: the preset every render uses (x264's frame threads), the same
without its thread setting (what FFmpeg picks for PyAV: sliced threads, and x264 then
threads its lookahead too), and sliced threads with the lookahead on one thread. For each:
encode seconds (decoding subtracted), megabytes, and how many different files the
repeats wrote. Goal: one file, at no measurable cost in time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from hashlib import sha256
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from manim._config.video_encoder import VideoEncoderSpec  # noqa: E402
from manim.scene.video_segment_encoder import VideoSegmentEncoder  # noqa: E402

from bench.render_bench import MASTER  # noqa: E402
from rendering.presets import encoder_options, quality  # noqa: E402


def frames(master: str) -> Iterator[np.ndarray]:
    with av.open(master) as container:
        for frame in container.decode(video=0):
            yield np.ascontiguousarray(frame.to_ndarray(format="rgba"))


def encode(master: str, target: Path, spec: VideoEncoderSpec) -> float:
    start = time.perf_counter()
    encoder = VideoSegmentEncoder(target=target, spec=spec)
    for pixels in frames(master):
        encoder.write_frame(pixels)
    encoder.finish()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quality", default="high")
    parser.add_argument("--animations", type=int, default=8)
    args = parser.parse_args()
    q = quality(args.quality)
    work = Path(tempfile.mkdtemp(prefix="encoder-bench-", dir=ROOT / "build"))
    made = subprocess.run([sys.executable, "-c", MASTER, q.manim, str(work),
                           str(args.animations)], cwd=ROOT, capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(made.stderr)
    master = made.stdout.split()[-1]
    start = time.perf_counter()
    count = sum(1 for _ in frames(master))
    decoding = time.perf_counter() - start
    print(f"{count} frames at {q.name} ({q.width}x{q.height}, {q.fps} fps); decoding alone "
          f"{decoding:.1f} s; {args.repeat} encodes per option set")
    preset = encoder_options(q, "mp4")
    unset = {k: v for k, v in preset.items() if k != "x264-params"}
    sets = {"preset (frame threads)": preset,
            "FFmpeg's choice (sliced, threaded lookahead)": unset,
            "sliced, lookahead on one thread": {**unset, "x264-params": "lookahead-threads=1"}}
    seconds: dict[str, list[float]] = {name: [] for name in sets}
    files: dict[str, Counter] = {name: Counter() for name in sets}
    size: dict[str, int] = {}
    for _ in range(args.repeat):  # the sets take turns, so a drift in load hits both
        for name, options in sets.items():
            spec = VideoEncoderSpec(container_format="mp4", codec="libx264",
                                    pixel_format="yuv420p", width=q.width, height=q.height,
                                    frame_rate=Fraction(q.fps),
                                    options=tuple(sorted(options.items())))
            target = work / "encoded.mp4"
            seconds[name].append(encode(master, target, spec) - decoding)
            files[name][sha256(target.read_bytes()).hexdigest()] += 1
            size[name] = target.stat().st_size
    for name in sets:
        s = seconds[name]
        print(f"  {name:<46} encode median {statistics.median(s):5.2f} s (min {min(s):.2f}, "
              f"max {max(s):.2f}), {size[name] / 1e6:.3f} MB, {len(files[name])} different "
              f"file(s) from {args.repeat}")
    ratio = statistics.median(seconds["preset (frame threads)"]) / \
        statistics.median(seconds["FFmpeg's choice (sliced, threaded lookahead)"])
    print(f"  preset / FFmpeg's choice, median encode time: {ratio:.2f}")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
