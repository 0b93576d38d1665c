"""Narration: captions spoken by an offline voice, timed for the kit.

* `speech_text`: a caption ("E′ = E + ΔE") to what is said ("E prime equals E plus delta E").
* `voice`: what a voice is to a scene; `piper_voice` (neural, offline) and `recorded`
  (the lecturer's own files) are the two kinds.
* `cache`: each spoken text is synthesised once per voice, kept as a finished WAV.
* `script`: caption ids and the script a person reads aloud to record them.
* `audio`: reading sound files and measuring them (levels, silences).

This package knows nothing of Manim: `scenes.kit.scene` calls it, and rendering
chooses the voice with `load_voice` and gives it to a scene class
(`SceneClass.with_voice(voice)`).
"""

from __future__ import annotations

from pathlib import Path

from .cache import SpeechCache
from .errors import (
    MissingRecording,
    NarrationError,
    RecordingError,
    UnknownVoice,
    VoiceUnavailable,
)
from .piper_voice import MODELS, PiperVoice
from .recorded import RecordedVoice
from .script import caption_id, format_script, script_lines, write_script
from .speech_text import PRONOUNCEABLE, speakable, unpronounceable
from .voice import Speech, Voice

__all__ = [
    "PRONOUNCEABLE", "MissingRecording", "NarrationError", "PiperVoice", "RecordedVoice",
    "RecordingError", "Speech", "SpeechCache", "UnknownVoice", "Voice", "VoiceUnavailable",
    "caption_id", "format_script", "load_voice", "script_lines", "speakable",
    "unpronounceable", "write_script",
]


def load_voice(spec: str, *, strict: bool = False, fallback: str = "joe",
               cache_dir: Path | None = None) -> Voice:
    """The voice a user named: a Piper voice ("joe") or a folder of recordings (a path),
    whose missing captions `fallback` speaks (none in `strict` mode: an error instead)."""
    cache = SpeechCache(cache_dir)
    if spec in MODELS:
        return PiperVoice(spec, cache)
    folder = Path(spec).expanduser()
    if folder.is_dir():
        backup = None if strict else PiperVoice(fallback, cache)
        return RecordedVoice(folder, backup, strict=strict, cache=cache)
    raise UnknownVoice(f"unknown voice {spec!r}: give a Piper voice "
                       f"({', '.join(sorted(MODELS))}) or a folder of recordings")
