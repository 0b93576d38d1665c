"""Rendering benchmark: prints figures, asserts nothing.

    python bench/render_bench.py              # everything (about 25 minutes on 2 cores)
    python bench/render_bench.py --skip-encoders

Measures, at low quality unless noted:
1. the whole lecture cold (no outputs, empty LaTeX/text cache), then unchanged;
2. after editing one scene's file, against that scene's own render time;
3. --jobs 1 against --jobs 2 (outputs forced, caches warm);
4. seconds per figure: every key-moment PNG of the lecture in one run;
5. x264 presets at each quality on the same frames: encode seconds and megabytes.
Targets (from the issue): unchanged < 5% of cold; one-scene change < 1.5x that
scene's time; --jobs 2 >= 1.7x faster than --jobs 1 on two cores; <= 1.5 s per figure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDER = [sys.executable, str(ROOT / "render.py")]
TOUCHED = ROOT / "scenes" / "attention_pattern.py"


def timed(args: list[str], env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([*RENDER, *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: render.py {' '.join(args)}\n{done.stderr}")
    return seconds, done.stderr


def rendered_seconds(log: str, label: str) -> float:
    match = re.search(rf"rendered {re.escape(label)} in ([\d.]+) s", log)
    return float(match.group(1)) if match else float("nan")


def lecture_runs(work: Path, jobs: int) -> None:
    out = work / "lecture"
    env = {**os.environ, "EXPLAINER_CACHE": str(work / "cache")}
    base = ["lecture", "--quality", "low", "--out", str(out), "--jobs", str(jobs)]
    cold, _ = timed(base, env)
    print(f"lecture, low, cold (no outputs, empty LaTeX/text cache), --jobs {jobs}: "
          f"{cold:7.1f} s")
    again, _ = timed(base, env)
    print(f"lecture, unchanged re-run:                      {again:7.1f} s  "
          f"= {again / cold:.1%} of cold (target < 5%)")

    original = TOUCHED.read_text()
    try:
        TOUCHED.write_text(original + "\n# benchmark edit: changes this file's content hash\n")
        touched, log = timed(base, env)
    finally:
        TOUCHED.write_text(original)
    own = rendered_seconds(log, TOUCHED.stem)
    print(f"lecture after editing {TOUCHED.name}:        {touched:7.1f} s  "
          f"= {touched / own:.2f}x that scene's own {own:.1f} s (target < 1.5x)")
    timed(base, env)  # back to the committed file: re-render it once more

    one, _ = timed([*base[:-1], "1", "--force"], env)
    two, _ = timed([*base[:-1], "2", "--force"], env)
    print(f"lecture --force --jobs 1: {one:7.1f} s;  --jobs 2: {two:7.1f} s  "
          f"= {one / two:.2f}x faster (target >= 1.7x on two cores)")


def figure_run(work: Path, jobs: int) -> None:
    out = work / "figures"
    seconds, _ = timed(["figures", "--out", str(out), "--jobs", str(jobs), "--force"])
    count = len(list(out.rglob("*.png")))
    print(f"figures, every key moment as PNG, --jobs {jobs}: {count} figures in {seconds:.1f} s "
          f"= {seconds / count:.2f} s per figure (target <= 1.5 s)")


MASTER = """
import sys, time
from manim import tempconfig
from scenes.apple_in_context import AppleInContext
with tempconfig({"quality": sys.argv[1], "media_dir": sys.argv[2], "output_file": "master",
                 "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR",
                 "upto_animation_number": int(sys.argv[3]),
                 "video_encoder_options": {"preset": "ultrafast", "crf": "0"}}):
    start = time.perf_counter()
    scene = AppleInContext()
    scene.render()
print(time.perf_counter() - start, scene.output_plan.primary_artifact)
"""


def encoder_runs(work: Path, animations: int) -> None:
    """x264 presets on the same frames at each quality: encode seconds against megabytes.

    Each quality's clip is rendered once, losslessly, then re-encoded by ffmpeg
    with each preset at crf 23, so the encoder's cost is measured alone; the
    render's own seconds are printed beside it to show the encoder's share.
    """
    sys.path.insert(0, str(ROOT))
    from rendering.presets import QUALITIES

    print(f"x264 presets at crf 23, first {animations + 1} animations of apple_in_context:")
    print("  quality  render s | preset      encode s  share     MB")
    for q in QUALITIES.values():
        media = work / f"enc-{q.name}"
        made = subprocess.run([sys.executable, "-c", MASTER, q.manim, str(media),
                               str(animations)], cwd=ROOT, capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(made.stderr)
        render_s, master = made.stdout.split()[-2:]
        chosen = q.x264["preset"]
        for preset in ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"):
            out = media / f"{preset}.mp4"
            start = time.perf_counter()
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", master, "-c:v", "libx264",
                            "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p", str(out)],
                           check=True)
            encode = time.perf_counter() - start
            share = encode / (encode + float(render_s))
            mark = "  <- used" if preset == chosen else ""
            print(f"  {q.name:<7} {float(render_s):8.1f} | {preset:<10} {encode:8.1f}  {share:5.0%}"
                  f"  {out.stat().st_size / 1e6:6.2f}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-lecture", action="store_true")
    parser.add_argument("--skip-figures", action="store_true")
    parser.add_argument("--skip-encoders", action="store_true")
    parser.add_argument("--animations", type=int, default=8,
                        help="animations of the encoder clip (default 8)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="render-bench-", dir=ROOT / "build"))
    try:
        if not args.skip_lecture:
            lecture_runs(work, args.jobs)
        if not args.skip_figures:
            figure_run(work, args.jobs)
        if not args.skip_encoders:
            encoder_runs(work, args.animations)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
