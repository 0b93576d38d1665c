"""A joined lecture's sound: one continuous track, its loudness normalised once.

The clips' pictures are joined without re-encoding (lecture.py). Their sound is rebuilt
instead, because a lecture must not have holes in it, nor jumps in level:

1. each clip's sound is decoded, resampled to RATE, mixed to mono (narration is one
   voice), and padded with silence or cut to exactly the length of the clip's video; a
   clip without sound (a plain Manim scene, a narrated scene with nothing to say) is
   silence of its length. So every chapter's sound starts with its picture, and nothing
   drifts across the joins however the clips' own tracks end;
2. the parts are put end to end in one PCM track (a scratch file beside the output);
3. the whole track is measured (loudnorm's first pass: integrated loudness, loudness
   range, true peak, after EBU R128);
4. the joined mp4 is written with that track normalised to TARGET_LUFS using those
   measurements (loudnorm's second pass), encoded once, to AAC.

Two passes, not one. One-pass loudnorm sets its gain from the last few seconds it has
heard, so it starts from a guess (the opening title card) and rides the gain through the
lecture; on Piper speech it ended 2 LU under the target (-18.1 LUFS), against -16.9 for
two passes. With the whole lecture measured first, the second pass is a single gain
(`linear=true`) whenever that keeps the true peak under TRUE_PEAK less AAC_HEADROOM:
the voice keeps its dynamics and the pauses stay as quiet, relative to it, as they were.
Piper's speech peaks high for its loudness (about 21 dB from integrated loudness to true
peak, where -16 LUFS under -2 dBTP leaves 14), and then loudnorm switches itself to its
dynamic mode with a true-peak limiter, which costs loudness: measured on a 283 s Piper
lecture, -17.4 LUFS and -1.5 dBTP in the mp4 (-17.0 LUFS and -0.2 dBTP, over the ceiling,
with no headroom for AAC). Reaching -16 there would take some 7 dB of peak limiting
(tried: alimiter at 4x oversampling loses 1.3 LU of loudness to reach -2 dBTP, so it
needs 11 dB of gain for 9 dB of loudness); the ceiling is kept and the lecture left
1.4 LU quiet, which players' own normalisation (YouTube's -14 LUFS) makes up.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import RenderFailed

TARGET_LUFS = -16.0  # integrated loudness: a common target for spoken video and podcasts
TRUE_PEAK = -1.0  # dBTP: the ceiling EBU R128 allows, for the published (AAC) file
# AAC's coding error adds to the peaks of what it is given: measured on a Piper lecture
# normalised to -1.0 dBTP, the mp4 peaked at -0.1 to -0.2 dBTP; normalised to -2.0, at
# -1.5. So the normaliser aims 1 dB under the ceiling the published file must keep.
AAC_HEADROOM = 1.0  # dB
LOUDNESS_RANGE = 11.0  # LU: loudnorm's default; one voice stays well inside it
RATE = 48000  # samples per second: what AAC in mp4 is usually played at
AAC_BITRATE = "128k"
LOUDNORM = f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK - AAC_HEADROOM}:LRA={LOUDNESS_RANGE}"


@dataclass(frozen=True)
class Clip:
    path: Path
    seconds: float  # of video: the clip's place in the lecture
    sounded: bool  # has an audio stream


def probe(path: Path) -> Clip:
    """The clip's video length and whether it has sound, from one ffprobe."""
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                           "stream=codec_type,duration", "-of", "json", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RenderFailed(f"{path}: ffprobe could not read it: {done.stderr.strip()}")
    streams = json.loads(done.stdout).get("streams", [])
    video = [s for s in streams if s.get("codec_type") == "video" and "duration" in s]
    if not video:
        raise RenderFailed(f"{path}: no video stream with a duration")
    return Clip(path, float(video[0]["duration"]),
                any(s.get("codec_type") == "audio" for s in streams))


def samples(seconds: float) -> int:
    return round(seconds * RATE)


def build(clips: list[Clip], track: Path) -> None:
    """Write the lecture's raw track to `track` (32-bit float WAV at RATE, mono): each
    clip's sound, or silence, exactly as long as its video."""
    inputs: list[str] = []
    parts: list[str] = []
    for i, clip in enumerate(clips):
        length = samples(clip.seconds)
        if clip.sounded:
            inputs += ["-i", str(clip.path)]
            parts.append(f"[{len(inputs) // 2 - 1}:a:0]aresample={RATE},"
                         f"aformat=sample_fmts=flt:channel_layouts=mono,apad,"
                         f"atrim=end_sample={length}[p{i}]")
        else:
            parts.append(f"anullsrc=r={RATE}:cl=mono,aformat=sample_fmts=flt,"
                         f"atrim=end_sample={length}[p{i}]")
    graph = ";".join(parts) + ";" + "".join(f"[p{i}]" for i in range(len(clips))) + \
        f"concat=n={len(clips)}:v=0:a=1[track]"
    _ffmpeg([*inputs, "-filter_complex", graph, "-map", "[track]", "-c:a", "pcm_f32le",
             "-f", "wav", str(track)], "building the lecture's sound")


def measure(track: Path) -> dict[str, str]:
    """loudnorm's first pass over the whole track: its measurements, as loudnorm prints
    them (input_i, input_tp, input_lra, input_thresh, target_offset)."""
    err = _ffmpeg(["-i", str(track), "-af", f"{LOUDNORM}:print_format=json", "-f", "null",
                   "-"], "measuring the lecture's loudness", level="info")
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", err)
    if found is None:
        raise RenderFailed("measuring the lecture's loudness: loudnorm printed no "
                           "measurements")
    return json.loads(found.group(0))


def normaliser(measured: dict[str, str]) -> str:
    """The second pass's filters: loudnorm told what the first pass measured (nothing to
    do for a track that is silence throughout), then back to RATE, mono."""
    back = f"aresample={RATE},aformat=channel_layouts=mono"
    loudness = float(measured["input_i"])
    if not math.isfinite(loudness) or loudness < -70:  # below EBU R128's absolute gate
        return back
    told = ":".join(f"measured_{name}={measured[f'input_{key}']}" for name, key in
                    (("I", "i"), ("TP", "tp"), ("LRA", "lra"), ("thresh", "thresh")))
    return f"{LOUDNORM}:{told}:offset={measured['target_offset']}:linear=true,{back}"


def encoder() -> list[str]:
    return ["-c:a", "aac", "-b:a", AAC_BITRATE, "-ar", str(RATE), "-ac", "1"]


@cache
def describe() -> str:
    """What decides the joined sound's bytes besides the clips and this module's code:
    ffmpeg's version (its loudnorm and AAC encoder), for the join's key."""
    try:
        done = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True)
    except OSError:  # no ffmpeg: nothing can be joined, and the render says so first
        return "ffmpeg (not found)"
    return (done.stdout.splitlines() or ["ffmpeg (unknown version)"])[0]


def _ffmpeg(args: list[str], doing: str, level: str = "error") -> str:
    done = subprocess.run(["ffmpeg", "-y", "-nostdin", "-hide_banner", "-nostats", "-v", level,
                           *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RenderFailed(f"{doing} failed: {done.stderr.strip()}")
    return done.stderr
