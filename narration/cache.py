"""Speech kept on disk: each (voice, spoken text) is synthesised once, ever.

Synthesis is the slow part of a narrated render, and Piper's output is random
(the model samples noise: the same sentence comes out a few percent longer or
shorter each time), so the cache is also what makes two renders of one scene
time their captions identically. A file's name is the hash of everything that
decides its sound: the voice's description (engine, model and settings
versions) and the exact text spoken.

A file appears in the cache only complete: it is written to a temporary name
beside its place and then linked into place, so an interrupted synthesis leaves
nothing under a real name. Linking (not renaming over) means that when two
processes synthesise the same text at once, the first one in wins and both use
its audio.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .audio import Sound, silent, write_wav

ROOT = Path(__file__).resolve().parent.parent
# The render cache's folder (EXPLAINER_CACHE moves both, e.g. for the benchmark's cold runs).
DEFAULT_DIR = Path(os.environ.get("EXPLAINER_CACHE", ROOT / "build" / ".cache")) / "speech"


def speech_key(*parts: str) -> str:
    """A stable name for the sound that `parts` (voice description, text...) determine."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


class SpeechCache:
    """A folder of finished WAV files, one per key."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else DEFAULT_DIR

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str, make: Callable[[], Sound]) -> Path:
        """The file for `key`, calling `make` (and writing its sound) only if it is absent."""
        target = self.path(key)
        if target.exists():
            return target
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=self.folder)
        os.close(handle)
        temporary = Path(name)
        try:
            write_wav(temporary, make())
            _publish(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return target

    def silence(self, rate: int = 22050) -> Path:
        """A WAV with no samples: placed at a scene's last instant it makes Manim's audio
        track exactly as long as the video."""
        return self.get(speech_key("silence", str(rate)), lambda: silent(0, rate))


def _publish(temporary: Path, target: Path) -> None:
    try:
        os.link(temporary, target)  # fails if another process got there first: keep theirs
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        os.replace(temporary, target)
