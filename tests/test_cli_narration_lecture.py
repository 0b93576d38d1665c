"""A narrated lecture through the command line: one continuous sound track under the
joined video, lined up with its chapters, its loudness normalised once.

The lecture (tests/fixtures/narrated_lecture.toml) is a title card that speaks, a narrated
scene and a plain Manim scene with no voice, spoken by recorded tones (one pitch per
caption) so that what plays where can be measured.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_cli_narration import (
    CAPTIONS,
    HZ,
    TONE,
    assert_quiet_between,
    assert_tones_at_captions,
    gaps,
    recordings,
    spans,
    streams,
)

from cli_support import FIXTURES, needs_video, probe, run
from narration import audio

CARD = "A narrated lecture: for the tests"  # what the card says: its title and subtitle
PITCH = {**HZ, CARD: 1100.0}


def loudness(path) -> float:
    """Integrated loudness (EBU R128) of a file's sound: LUFS."""
    return audio.loudness(path)[0]


def packets(path) -> list[str]:
    """The checksum of every video packet, in order: equal lists mean copied video."""
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c",
                           "copy", "-f", "framemd5", "-"], capture_output=True, text=True,
                          check=True)
    return [line.rsplit(",", 1)[1].strip() for line in done.stdout.splitlines()
            if line and not line.startswith("#")]


@pytest.fixture
def lecture(tmp_path):
    """The fixture lecture beside its scenes and a folder of quiet recordings (-30 dBFS
    tones: the normalisation has to raise them by some 14 dB)."""
    for name in ("narrated_lecture.toml", "narrated_scenes.py", "tiny_scenes.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    recordings(tmp_path / "recordings", [CARD, *CAPTIONS], amplitude=0.045, hz=PITCH)
    return tmp_path / "narrated_lecture.toml"


@needs_video
def test_a_narrated_lecture_has_one_track_lined_up_with_its_chapters(lecture, tmp_path):
    out = tmp_path / "out"
    done = run("lecture", str(lecture), "--out", str(out), "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    joined = out / "narrated_lecture.mp4"

    # one sound track, as long as the picture, AAC; the video is the clips' own packets
    found = streams(joined)
    assert found["audio"]["codec_name"] == "aac"
    assert float(found["audio"]["duration"]) == pytest.approx(
        float(found["video"]["duration"]), abs=0.03)
    card, scene, silent = (next((out / "low").glob(f"*/{name}.mp4")) for name in
                           ("card-*", "narrated_scenes.Narrated", "tiny_scenes.Tiny"))
    assert packets(joined) == packets(card) + packets(scene) + packets(silent)

    # the chapters where each clip's picture starts
    lengths = [float(streams(c)["video"]["duration"]) for c in (card, scene, silent)]
    chapters = probe(joined, "chapter=start_time:chapter_tags=title",
                     ["-show_chapters"])["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Welcome", "Spoken", "Silent"]
    assert [float(c["start_time"]) for c in chapters] == pytest.approx(
        [0, lengths[0], lengths[0] + lengths[1]], abs=0.001)

    # what is heard: the card speaks, then is quiet to its end; the scene's recordings in
    # their captions' spans, quiet between; the scene with no voice is quiet throughout
    sound = audio.read(joined)
    everything = spans(joined.with_suffix(".srt"))
    card_line, *scene_lines, _ = everything  # the last: the plain scene's subcaption
    assert card_line[0] == CARD and [t for t, _, _ in scene_lines] == list(CAPTIONS)
    assert_tones_at_captions(sound, [card_line, *scene_lines], hz=PITCH)
    assert_quiet_between(sound, [(card_line[2], lengths[0]), *gaps(scene_lines),
                                 (lengths[0] + lengths[1], sum(lengths))])

    # normalised once: the quiet tones brought up to the target loudness
    assert audio.read(scene).between(*scene_lines[0][1:]).level() < -28
    assert loudness(joined) == pytest.approx(-16.0, abs=0.5)

    again = run("lecture", str(lecture), "--out", str(out), cwd=tmp_path)
    assert again.returncode == 0 and "rendered" not in again.stderr
    assert "joined" not in again.stderr  # the join is skipped too


@needs_video
def test_voice_none_renders_the_lecture_silent(lecture, tmp_path):
    """--voice none beats the manifest's voice: no sound track, the captions timed by
    reading speed, the clips kept apart from the narrated ones."""
    out = tmp_path / "out"
    done = run("lecture", str(lecture), "--voice", "none", "--out", str(out), "--jobs", "2",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    joined = out / "narrated_lecture.mp4"
    assert "audio" not in streams(joined)
    assert sorted(p.parent.name for p in out.glob("low/**/*.mp4")) == ["low"] * 3
    card_line = spans(joined.with_suffix(".srt"))[0]
    assert card_line[2] - card_line[1] != pytest.approx(TONE, abs=0.05)
