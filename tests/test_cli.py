"""render.py driven as a user would: subprocesses, real files, ffprobe.

Bad inputs are in test_cli_inputs.py, interrupts and failures in test_cli_atomic.py.
"""

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_support import assert_quiet, needs_latex, needs_video, one_line_error, probe, run


def test_list_names_every_scene_with_a_description():
    done = run("list")
    assert done.returncode == 0
    rows = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert "apple_in_context" in rows and all(desc.strip() for desc in rows.values())


@needs_video
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
    assert forced.returncode == 0 and video.stat().st_mtime_ns != stamp
    assert_quiet(forced.stderr)  # no bars, no table (a library's warning may still show)


@needs_video
def test_every_scene_in_a_file_in_parallel(tmp_path):
    done = run("render", "tiny_scenes.py:Tiny", "tiny_scenes.py:Tiny2", "--jobs", "2",
               "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.glob("*.mp4")} == {"tiny_scenes.Tiny.mp4",
                                                         "tiny_scenes.Tiny2.mp4"}


@needs_video
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


@needs_video
def test_render_a_toml_spec(tmp_path):
    done = run("render", "mole.toml", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    video = tmp_path / "mole.mp4"
    assert float(probe(video)["format"]["duration"]) > 20
    assert "mole" in (tmp_path / "mole.srt").read_text()


@needs_video
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


@needs_latex
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


def _path_without(tmp_path, *tools):
    """A PATH holding the tools a render needs (those installed here) except `tools`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("ffmpeg", "ffprobe", "latex", "dvisvgm"):
        if tool not in tools and shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    return {**os.environ, "PATH": str(bin_dir)}


@needs_latex  # else LaTeX is reported missing first
def test_missing_ffmpeg(tmp_path):
    one_line_error(run("render", "tiny_scenes.py:Tiny", env=_path_without(tmp_path, "ffmpeg")),
                   "ffmpeg is missing", "make setup")


def test_missing_latex(tmp_path):  # checked before ffmpeg: runs on any machine
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


# ---- an output folder that cannot hold outputs ------------------------------------------
def _can_write(folder: Path) -> bool:
    try:
        (folder / "probe").write_text("")
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def _unwritable(tmp_path):
    """A folder no one may write into: a read-only one, or (for root, who writes into
    those anyway) one of the kernel's."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if _can_write(folder):
        folder = Path("/sys/kernel")
        if not folder.is_dir() or _can_write(folder):
            pytest.skip("this user may write everywhere, and there is no /sys/kernel")
    return folder


@pytest.mark.parametrize("command", [
    pytest.param(["render", "tiny_scenes.py:Tiny"], marks=needs_video, id="render"),
    pytest.param(["lecture", "small_lecture.toml"], marks=needs_video, id="lecture"),
    pytest.param(["figures", "values", "--moment", "updated"], marks=needs_latex, id="figures"),
])
@pytest.mark.parametrize("where", ["a file", "inside a file", "unwritable"])
def test_an_out_that_cannot_hold_outputs(tmp_path, command, where):
    """One line naming the folder, exit 2, before any work; the file named stays as it was."""
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder")
    out = {"a file": afile, "inside a file": afile / "videos",
           "unwritable": _unwritable(tmp_path) if where == "unwritable" else None}[where]
    done = run(*command, "--out", str(out), "--quiet")
    one_line_error(done, str(out), "--out")
    assert "rendered" not in done.stderr and done.stdout == ""
    assert afile.read_text() == "not a folder"
