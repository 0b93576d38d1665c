"""The kit times captions by their speech; a real render carries the speech in its audio."""

import json
import shutil
import subprocess
import tempfile
from itertools import pairwise
from pathlib import Path

import pytest
from manim import Circle, Create, FadeOut, Square, Transform, tempconfig
from test_narration_voices import write_tone

from narration import PiperVoice, RecordedVoice, SpeechCache, audio, caption_id
from rendering.targets import ClassInFile
from rendering.worker import VideoTask, manim_config
from scene_harness import run_scene
from scenes.kit import ExplainerScene
from scenes.kit.scene import SPEECH_PAUSE, reading_time

FIRST = "A square appears on the screen."  # 31 characters
SECOND = "It fades out, ΔE."
THIRD = "And the scene ends here, after a short settle."
SPEECH = {FIRST: 1.5, SECOND: 0.4, THIRD: 2.0}  # seconds each recording lasts


class Paced(ExplainerScene):
    """Speech longer than the animation after it, shorter, and a settle()."""

    def construct(self):
        square = Square()
        self.narrate(FIRST)
        self.play(Create(square), run_time=1.0)
        self.narrate(SECOND)
        self.play(FadeOut(square), run_time=1.2)
        self.narrate(THIRD, spoken="And the scene ends.")
        self.settle()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    for text, seconds in SPEECH.items():
        write_tone(folder / f"{caption_id(text)}.wav", seconds)
    return RecordedVoice(folder, strict=True, cache=SpeechCache(folder / "cache"))


def test_captions_last_as_long_as_their_speech(recorded):
    scene = run_scene(Paced.with_voice(recorded)).scene
    spans = [(text, pytest.approx(start), pytest.approx(end)) for text, start, end in
             scene.captions]
    pause = SPEECH_PAUSE
    first_end = SPEECH[FIRST]  # 1.5 s of speech outlasts the 1 s animation
    second_start = first_end + pause  # so SECOND waits for it, and the pause
    third_start = second_start + 1.2  # the 1.2 s fade outlasts SECOND's 0.4 s and its pause
    assert spans == [
        (FIRST, 0.0, first_end),
        (SECOND, second_start, second_start + SPEECH[SECOND]),
        (THIRD, third_start, third_start + SPEECH[THIRD]),
    ]
    for (_, _, end), (_, start, _) in pairwise(scene.captions):
        assert start >= end + pause - 1e-9
    assert scene.renderer.time == pytest.approx(third_start + SPEECH[THIRD] + pause)
    assert scene.spoken == [
        "A square appears on the screen.", "It fades out, delta E.", "And the scene ends."]


def test_without_a_voice_captions_keep_their_reading_time():
    scene = run_scene(Paced).scene
    first_end = max(reading_time(FIRST), 1.0)  # the next caption waits out FIRST's reading
    second_end = first_end + max(reading_time(SECOND), 1.2)
    third_end = second_end + max(reading_time(THIRD), 0.5)  # settle(): read, at least 0.5 s
    assert [(t, pytest.approx(a), pytest.approx(b)) for t, a, b in scene.captions] == [
        (FIRST, 0.0, first_end), (SECOND, first_end, second_end),
        (THIRD, second_end, third_end)]
    assert scene.renderer.time == pytest.approx(third_end)
    assert Paced.voice is None and Paced.with_voice(None).voice is None


class Spoken(ExplainerScene):
    def construct(self):
        square = Square()
        self.narrate("A square: each side is 2 units long.")
        self.play(Create(square), run_time=1.0)
        self.narrate("Now it becomes a circle, so ΔE ≈ 0.")
        self.play(Transform(square, Circle()), run_time=0.6)
        self.settle()
        self.narrate("That is all.")
        self.play(FadeOut(square), run_time=0.4)


def _probe(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-show_entries",
               "stream=codec_type,codec_name,duration", "-of", "json", str(path)]
    streams = json.loads(subprocess.run(command, capture_output=True, text=True,
                                        check=True).stdout)["streams"]
    return {s["codec_type"]: s for s in streams}


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (ffmpeg) is not installed")
def test_a_narrated_render_speaks_each_caption(tmp_path):
    voice = PiperVoice("joe", SpeechCache(tmp_path / "speech"))  # make setup installs it
    job = VideoTask(ClassInFile(Path(__file__), "Spoken"), "low", "mp4",
                    tmp_path / "spoken.mp4")
    media = Path(tempfile.mkdtemp(dir=tmp_path))
    with tempconfig(manim_config(job, media, tmp_path / "manim-cache")):
        scene = Spoken.with_voice(voice)()
        scene.render()
        video = Path(scene.output_plan.primary_artifact)
        srt = Path(scene.output_plan.subcaption_file)

    streams = _probe(video)
    assert streams["audio"]["codec_name"] == "aac"
    assert float(streams["audio"]["duration"]) == pytest.approx(
        float(streams["video"]["duration"]), abs=0.1)

    spans = [(start, end) for _, start, end in scene.captions]
    speeches = [voice.speak(text) for text, _, _ in scene.captions]
    for (start, end), speech in zip(spans, speeches, strict=True):
        assert end - start == pytest.approx(speech.duration)
    for (_, end), (start, _) in pairwise(spans):
        assert start >= end + SPEECH_PAUSE - 1e-6

    blocks = srt.read_text(encoding="utf-8").strip().split("\n\n")
    assert [b.splitlines()[2] for b in blocks] == [t for t, _, _ in scene.captions]
    assert [b.splitlines()[1] for b in blocks] == [f"{_srt(a)} --> {_srt(b)}" for a, b in spans]

    sound = audio.read(video)
    for start, end in spans:
        assert sound.between(start, end).voiced_share() > 0.6, (start, end)
    for (_, end), (start, _) in pairwise(spans):
        gap = sound.between(end + audio.WINDOW, start - audio.WINDOW).window_dbfs()
        assert len(gap) and gap.max() < audio.SILENCE_DBFS, (end, start, gap.max())


def _srt(seconds: float) -> str:
    """Manim's .srt time stamps: milliseconds, truncated."""
    ms = int(seconds * 1000)
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"
