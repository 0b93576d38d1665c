"""What a narrated video sounds like, in numbers, for those who cannot listen to it.

    python bench/audio_report.py build/lectures/attention.mp4      (its .srt beside it)

Prints the video and audio stream durations, the integrated loudness and true peak
(ffmpeg's EBU R128 meter, the measure the lecture join normalises to), and against the
captions in the `.srt`: how much of each caption's span is voiced (50 ms RMS windows above
the silence threshold of narration/audio.py), how loud the gaps between captions are, and
the longest stretch of silence. A caption span with little voice, or a loud gap, is where
speech and captions have come apart.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import srt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from narration import audio  # noqa: E402 - after the project is on the path


def stream_seconds(video: Path) -> dict[str, float]:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                           "stream=codec_type,duration", "-of", "json", str(video)],
                          capture_output=True, text=True, check=True)
    return {s["codec_type"]: float(s["duration"]) for s in json.loads(done.stdout)["streams"]}


def longest_silence(sound: audio.Sound) -> float:
    quiet = np.append(sound.window_dbfs() < audio.SILENCE_DBFS, False)
    longest = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        longest = max(longest, run)
    return longest * audio.WINDOW


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    args = parser.parse_args()
    captions = list(srt.parse(args.video.with_suffix(".srt").read_text(encoding="utf-8")))
    seconds = stream_seconds(args.video)
    lufs, peak = audio.loudness(args.video)
    sound = audio.read(args.video)
    edge = audio.WINDOW  # a window straddling a caption's edge belongs to neither side

    spans = [(c.start.total_seconds(), c.end.total_seconds()) for c in captions]
    voiced = np.array([sound.between(a + edge, b - edge).voiced_share() for a, b in spans])
    gaps = [(b, a) for (_, b), (a, _) in pairwise(spans) if a - b > 3 * edge]
    gap_levels = [sound.between(a + edge, b - edge).window_dbfs().max() for a, b in gaps]

    print(f"{args.video}")
    print(f"  video {seconds.get('video', 0):.2f} s, audio {seconds.get('audio', 0):.2f} s "
          f"(difference {abs(seconds.get('video', 0) - seconds.get('audio', 0)):.3f} s)")
    print(f"  loudness {lufs:.1f} LUFS integrated, true peak {peak:.1f} dBTP")
    print(f"  {len(spans)} captions, {sum(b - a for a, b in spans):.1f} s in all; voiced share "
          f"of a caption's span: min {voiced.min():.0%}, median {np.median(voiced):.0%} "
          f"(the lowest: {captions[int(voiced.argmin())].content[:50]!r})")
    if gap_levels:
        print(f"  {len(gaps)} gaps between captions: loudest 50 ms window "
              f"{max(gap_levels):.1f} dBFS (silence threshold {audio.SILENCE_DBFS:.0f})")
    print(f"  longest silence {longest_silence(sound):.2f} s; whole-track RMS "
          f"{sound.level():.1f} dBFS")


if __name__ == "__main__":
    main()
