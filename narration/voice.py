"""What a voice is to a scene: it turns one caption into one finished sound file.

A scene asks `speak(caption, spoken)` at each narrate() and gets the file and
its duration, which is what the kit needs to time the caption. How the sound
is made (a neural model, a person's recording) is the voice's business; every
voice keeps its results in a `SpeechCache`.

`description` names everything that decides a voice's sound (engine, model,
settings, recordings): two voices with the same description say the same text
the same way, so it is part of every speech cache key and of the render cache
key of a narrated video.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cache import SpeechCache
from .speech_text import speakable


@dataclass(frozen=True)
class Speech:
    path: Path  # a 16-bit PCM mono WAV, trimmed of leading and trailing silence
    duration: float  # seconds


class Voice(ABC):
    name: str
    cache: SpeechCache

    @property
    @abstractmethod
    def description(self) -> str:
        """One stable line naming what decides this voice's sound, versions included."""

    @abstractmethod
    def _speak(self, caption: str, spoken: str) -> Speech:
        """Speak `spoken` (never empty), the speech text of `caption`."""

    def speak(self, caption: str, spoken: str | None = None) -> Speech | None:
        """The speech for `caption`, said as `spoken` (by default `speakable(caption)`).
        Nothing to say (an empty caption, `spoken=""`, only punctuation) is None: no sound."""
        spoken = speakable(caption) if spoken is None else spoken
        if not spoken.strip():
            return None
        speech = self._speak(caption, spoken)
        return speech if speech.duration > 0 else None

    def description_for(self, captions: Iterable[str]) -> str:
        """What a clip whose captions are `captions` depends on from this voice: for most
        voices `description` (every caption is spoken the same way); a recorded voice
        narrows it to those captions' recordings, so re-recording one line re-renders only
        the clips that say it."""
        return self.description

    def prepare(self, captions: Iterable[str]) -> str | None:
        """Before any rendering: check what can be checked cheaply for `captions` (raising
        a NarrationError), and return one line to warn the user with, or None. A recorded
        voice decodes its recordings here and names the captions it lacks."""
        return None

    def end_scene(self) -> None:  # noqa: B027 - most voices have nothing to report
        """Called when a scene that used this voice ends (the recorded voice reports the
        recordings it lacked)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.description!r})"
