"""render.py driven as a user would: subprocesses, real files, ffprobe."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RENDER = [sys.executable, str(ROOT / "render.py")]

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffmpeg/ffprobe")


def run(*args, cwd=None, env=None, timeout=600):
    return subprocess.run([*RENDER, *args], capture_output=True, text=True, cwd=cwd or FIXTURES,
                          env=env, timeout=timeout)


def probe(path, what="format=duration", extra=()):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", what, *extra, "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def one_line_error(done, *needles, code=2):
    assert done.returncode == code, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_list_names_every_scene_with_a_description():
    done = run("list")
    assert done.returncode == 0
    rows = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert "apple_in_context" in rows and all(desc.strip() for desc in rows.values())


def test_render_a_scene_file_then_skip_it_when_unchanged(tmp_path):
    first = run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    video = tmp_path / "tiny_scenes.Tiny.mp4"
    assert first.stdout.strip() == str(video)
    assert 1.5 < float(probe(video)["format"]["duration"]) < 2.5
    assert (tmp_path / "tiny_scenes.Tiny.srt").read_text().strip()
    stamp = video.stat().st_mtime_ns

    again = run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path))
    assert again.returncode == 0 and "up to date" in again.stderr
    assert "rendered" not in again.stderr
    assert video.stat().st_mtime_ns == stamp  # not rewritten

    forced = run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path), "--force", "--quiet")
    assert forced.returncode == 0 and forced.stderr == "" and video.stat().st_mtime_ns != stamp


def test_every_scene_in_a_file_in_parallel(tmp_path):
    done = run("render", "tiny_scenes.py:Tiny", "tiny_scenes.py:Tiny2", "--jobs", "2",
               "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.glob("*.mp4")} == {"tiny_scenes.Tiny.mp4",
                                                         "tiny_scenes.Tiny2.mp4"}


@pytest.mark.parametrize("fmt,codec,transparent", [
    ("webm", "vp9", False), ("gif", "gif", False), ("mov", "qtrle", True), ("webm", "vp9", True),
])
def test_formats(tmp_path, fmt, codec, transparent):
    args = ["render", "tiny_scenes.py:Tiny", "-f", fmt, "--out", str(tmp_path)]
    done = run(*args, *(["--transparent"] if transparent else []))
    assert done.returncode == 0, done.stderr
    stream = probe(tmp_path / f"tiny_scenes.Tiny.{fmt}", "stream=codec_name,pix_fmt:"
                   "stream_tags=alpha_mode")["streams"][0]
    assert stream["codec_name"] == codec
    if fmt == "mov":
        assert stream["pix_fmt"] == "argb"
    if fmt == "webm" and transparent:
        assert stream.get("tags", {}).get("alpha_mode") == "1"


def test_render_a_toml_spec(tmp_path):
    done = run("render", "mole.toml", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    video = tmp_path / "mole.mp4"
    assert float(probe(video)["format"]["duration"]) > 20
    assert "mole" in (tmp_path / "mole.srt").read_text()


def test_small_lecture_has_chapters_captions_and_timestamps(tmp_path):
    done = run("lecture", "small_lecture.toml", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    video = tmp_path / "small_lecture.mp4"
    chapters = probe(video, "chapter=start_time,end_time:chapter_tags=title",
                     ["-show_chapters"])["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Welcome", "A shape"]
    assert float(chapters[0]["start_time"]) == 0
    assert abs(float(chapters[1]["start_time"]) - 2.0) < 0.1
    lines = (tmp_path / "small_lecture.chapters.txt").read_text().splitlines()
    assert lines == ["0:00 Welcome", "0:02 A shape"]
    captions = (tmp_path / "small_lecture.srt").read_text()
    assert "A small lecture: for the tests" in captions and "00:00:02,000 --> " in captions
    joined_at = video.stat().st_mtime_ns
    again = run("lecture", "small_lecture.toml", "--out", str(tmp_path))
    assert again.returncode == 0 and "rendered" not in again.stderr
    assert "joined" not in again.stdout + again.stderr  # the join is skipped too
    assert video.stat().st_mtime_ns == joined_at


def test_figures_in_three_formats(tmp_path):
    done = run("figures", "apple_in_context", "--moment", "embedding", "--format",
               "png,svg,pdf", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "apple_in_context"
    with Image.open(folder / "embedding.png") as png:
        assert png.size == (1920, 1080)
    svg = ET.parse(folder / "embedding.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("width").startswith("1920")
    assert len(list(svg.iter())) > 50  # real vector paths, not an embedded bitmap
    # same colours as the PNG: every opaque fill of the SVG occurs among the PNG's pixels
    with Image.open(folder / "embedding.png") as png:
        pixels = {tuple(c) for c in np.asarray(png.convert("RGB")).reshape(-1, 3).tolist()}
    fills = set(re.findall(r"fill:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\);fill-opacity:1;",
                           (folder / "embedding.svg").read_text()))
    assert len(fills) >= 4
    for fill in fills:
        rgb = tuple(round(float(v) * 2.55) for v in fill)
        assert any(all(abs(a - b) <= 1 for a, b in zip(rgb, p, strict=True)) for p in pixels), rgb
    pdf = (folder / "embedding.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") + pdf.count(b"/Type /Page>") == 1
    assert b"/Subtype /Image" not in pdf


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_render_keeps_the_previous_output(tmp_path, how):
    video = tmp_path / "tiny_scenes.Slow.mp4"
    good = b"the previous good render"
    video.write_bytes(good)

    proc = subprocess.Popen([*RENDER, "render", "tiny_scenes.py:Slow", "--out", str(tmp_path),
                             "--force", "--jobs", "1"], cwd=FIXTURES,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list(tmp_path.glob(".tmp-*/**/*.mp4")) and time.time() < deadline:
        time.sleep(0.1)  # wait until Manim has written its first video segment
    assert proc.poll() is None, "the render should still be running"
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert video.read_bytes() == good  # untouched: nothing half-written took its place
    assert "Traceback" not in err
    if how != signal.SIGKILL:
        assert "interrupted" in err

    # the next run in that folder removes what the interrupted one left behind
    assert run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path)).returncode == 0
    assert not list(tmp_path.glob(".tmp-*"))


SWALLOWED = """
import os, signal, sys
from pathlib import Path
from rendering import interrupt
from rendering.files import atomic_text
interrupt.install()
try:  # what a C extension's callback does with an exception it cannot pass on
    os.kill(os.getpid(), signal.SIGTERM)
except BaseException:
    pass
try:
    atomic_text(Path(sys.argv[1]), "a new file written after the stop")
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_a_swallowed_interrupt_still_puts_nothing_in_place(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("the previous good file")
    done = subprocess.run([sys.executable, "-c", SWALLOWED, str(target)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert target.read_text() == "the previous good file"
    assert not list(tmp_path.glob(".tmp-*"))


def test_unknown_scene():
    one_line_error(run("render", "apple_in_contxt"), "unknown scene 'apple_in_contxt'",
                   "did you mean 'apple_in_context'")


def test_unknown_word_in_a_spec(tmp_path):
    spec = tmp_path / "talk.toml"
    spec.write_text('scene = "apple_in_context"\nfocus = "apple"\n'
                    'sentences = ["buy an apple", "apple launched a new fone"]\n')
    one_line_error(run("render", str(spec)), "talk.toml:3:", "unknown word 'fone'", "phone")


def test_bad_spec_says_file_line_and_what_was_expected(tmp_path):
    spec = tmp_path / "talk.toml"
    spec.write_text('scene = "apple_in_context"\nsenses = "fruit"\n')
    one_line_error(run("render", str(spec)), "talk.toml:2:", "expected a list of 2 strings")
    spec.write_text('scene = "apple_in_context"\nfocus = "apple\n')
    one_line_error(run("render", str(spec)), "talk.toml:2:", "not valid TOML")


def test_bad_manifest_says_file_line_and_what_was_expected(tmp_path):
    manifest = tmp_path / "lecture.toml"
    manifest.write_text('title = "x"\n\n[[chapter]]\ntitle = "One"\nscene = "values"\n\n'
                        '[[chapter]]\ntitle = "Two"\nscene = "no_such_scene"\n')
    one_line_error(run("lecture", str(manifest)), "lecture.toml:9:", "unknown scene")
    manifest.write_text('title = "x"\nquality = "ultra"\n[[chapter]]\ntitle = "a"\n'
                        'scene = "values"\n')
    one_line_error(run("lecture", str(manifest)), "lecture.toml:2:", "quality")
    manifest.write_text('title = "x"\n[[chapter]]\ntitle = "a"\n')
    one_line_error(run("lecture", str(manifest)), "lecture.toml:2:", "scene")


def _path_without(tmp_path, *tools):
    """A PATH holding everything a render needs except `tools`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("ffmpeg", "ffprobe", "latex", "dvisvgm"):
        if tool not in tools:
            (bin_dir / tool).symlink_to(shutil.which(tool))
    return {**os.environ, "PATH": str(bin_dir)}


def test_missing_ffmpeg(tmp_path):
    one_line_error(run("render", "tiny_scenes.py:Tiny", env=_path_without(tmp_path, "ffmpeg")),
                   "ffmpeg is missing", "make setup")


def test_missing_latex(tmp_path):
    one_line_error(run("render", "tiny_scenes.py:Tiny", env=_path_without(tmp_path, "latex")),
                   "LaTeX is missing", "texlive")


def test_missing_cairo(tmp_path):
    fake = tmp_path / "cairo"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        'raise ImportError("libcairo.so.2: cannot open shared object file")\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    one_line_error(run("render", "tiny_scenes.py:Tiny", env=env), "Cairo/Pango libraries are "
                   "missing", "libcairo2-dev")
