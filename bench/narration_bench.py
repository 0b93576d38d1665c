"""Narration benchmark (issue 12, item 6): prints figures, asserts nothing.

    python bench/narration_bench.py                  # everything (about 30 minutes, 2 cores)
    python bench/narration_bench.py --skip-lecture   # synthesis only (a few minutes)
    python bench/narration_bench.py --skip-synthesis # the lecture runs only
    python bench/narration_bench.py --skip-synthesis --manifest bench/part_lecture.toml

Measures:
1. synthesis: CPU seconds Piper spends per minute of speech it makes (process CPU time,
   onnxruntime's threads included), over the default lecture's first captions, the model
   loaded beforehand (its load is printed on its own);
2. the default lecture at low quality, cold (no outputs, empty LaTeX/text/speech cache),
   narrated by joe against silent (`--voice none`), each in a cache of its own;
3. the narrated lecture re-run unchanged, against its cold run;
4. where the narrated run's extra time goes: how much longer the narrated video is (the
   animation waits for the voice, which is slower than the silent reading time), and the
   join alone (clips cached: one continuous track, loudness measured and normalised).
Targets (from the issue): narrated cold <= 1.25x silent cold; unchanged re-run < 5% of cold.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from render_bench import ROOT, timed  # the same way of timing render.py as the other bench

sys.path.insert(0, str(ROOT))


def lecture_captions(work: Path) -> list[str]:
    """Every caption of the default lecture, in order (`render.py script`, whose dry runs
    leave each scene's captions as JSON in the cache)."""
    env = {**os.environ, "EXPLAINER_CACHE": str(work / "script-cache")}
    seconds, _ = timed(["script", "--out", str(work / "script.txt")], env)
    print(f"script of the lecture (a dry run of every scene):   {seconds:7.1f} s")
    texts: list[str] = []
    for found in sorted((work / "script-cache" / "captions").glob("*.json")):
        texts += json.loads(found.read_text(encoding="utf-8"))
    return [t for t in dict.fromkeys(texts) if t.strip()]


def synthesis_run(captions: list[str], count: int) -> None:
    from narration import PiperVoice, speakable
    from narration.piper_voice import _engine

    voice = PiperVoice("joe")
    start = time.process_time()
    _engine(*voice.model.files())
    print(f"Piper model load (once per worker process):        {time.process_time() - start:7.2f}"
          f" CPU-s")
    spoken = 0.0
    cpu = 0.0
    wall = 0.0
    for caption in captions[:count]:
        text = speakable(caption)
        t0, w0 = time.process_time(), time.perf_counter()
        sound = voice.synthesize(text)
        cpu += time.process_time() - t0
        wall += time.perf_counter() - w0
        spoken += sound.duration
    print(f"synthesis, {min(count, len(captions))} captions, {spoken:.1f} s of speech: "
          f"{cpu:.1f} CPU-s ({wall:.1f} s wall) = {cpu / (spoken / 60):.1f} CPU-s per minute "
          f"of speech (real-time factor {cpu / spoken:.3f})")


def lecture_runs(work: Path, jobs: int, manifest: list[str]) -> None:
    def cold(voice: str) -> tuple[float, list[str], dict]:
        env = {**os.environ, "EXPLAINER_CACHE": str(work / f"cache-{voice}")}
        args = ["lecture", *manifest, "--quality", "low", "--voice", voice, "--out",
                str(work / f"out-{voice}"), "--jobs", str(jobs)]
        seconds, _ = timed(args, env)
        return seconds, args, env

    silent, _, _ = cold("none")
    print(f"lecture, low, silent, cold, --jobs {jobs}:              {silent:7.1f} s")
    narrated, args, env = cold("joe")
    print(f"lecture, low, narrated by joe, cold, --jobs {jobs}:     {narrated:7.1f} s  "
          f"= {narrated / silent:.2f}x silent (target <= 1.25x)")
    speech = list((work / "cache-joe" / "speech").glob("*.wav"))
    print(f"  speech cache after it: {len(speech)} files, "
          f"{sum(p.stat().st_size for p in speech) / 1e6:.1f} MB")
    again, _ = timed(args, env)
    print(f"lecture, narrated, unchanged re-run:                {again:7.1f} s  "
          f"= {again / narrated:.1%} of cold (target < 5%)")
    lengths = {voice: _seconds_of_video(work / f"out-{voice}") for voice in ("none", "joe")}
    print(f"  video: silent {lengths['none']:.1f} s, narrated {lengths['joe']:.1f} s "
          f"= {lengths['joe'] / lengths['none']:.2f}x as long")
    for joined in (work / "out-joe").glob("*.mp4"):  # the lecture; clips are in low/joe/
        for stale in (joined, *joined.parent.glob(f".{joined.stem}.*.key")):
            stale.unlink()
    join, _ = timed(args, env)
    print(f"  join alone (clips cached, sound rebuilt and loudness-normalised): {join:.1f} s")
    print(f"  silent time scaled to the narrated length: "
          f"{silent * lengths['joe'] / lengths['none']:.1f} s; + the join: "
          f"{silent * lengths['joe'] / lengths['none'] + join:.1f} s; the rest is synthesis "
          f"and mixing the speech in")


def _seconds_of_video(out: Path) -> float:
    joined = next(out.glob("*.mp4"))
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                           "csv=p=0", str(joined)], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--captions", type=int, default=30,
                        help="captions synthesised for the synthesis figure (default 30)")
    parser.add_argument("--skip-lecture", action="store_true")
    parser.add_argument("--skip-synthesis", action="store_true")
    parser.add_argument("--manifest", help="the lecture runs on this manifest (default: the "
                                           "default lecture; bench/part_lecture.toml is short)")
    args = parser.parse_args()
    manifest = [str(Path(args.manifest).resolve())] if args.manifest else []
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="narration-bench-", dir=ROOT / "build"))
    try:
        if not args.skip_synthesis:
            synthesis_run(lecture_captions(work), args.captions)
        if not args.skip_lecture:
            lecture_runs(work, args.jobs, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
