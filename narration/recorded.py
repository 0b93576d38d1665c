"""The lecturer's own voice: a folder of recordings, one `<id>.wav` per caption.

The ids come from `script.caption_id` (the narration script lists them). Each
recording is decoded (any format ffmpeg reads, despite the .wav name), mixed to
mono, trimmed of its silent lead-in and tail, and kept in the speech cache as
16-bit WAV under the hash of its bytes, so a re-recorded file is picked up and
an unchanged one is decoded once.

A caption without a recording is spoken by the fallback voice (Piper), and the
scene ends with one warning line listing every id it lacked; in strict mode, or
without a fallback, it is an error instead. A file that cannot be decoded is
always an error naming the file: it is there, so it was meant to be used.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from . import audio
from .cache import SpeechCache, speech_key
from .errors import MissingRecording, NarrationError, RecordingError
from .script import caption_id
from .voice import Speech, Voice

log = logging.getLogger("narration")


class RecordedVoice(Voice):
    def __init__(self, folder: Path, fallback: Voice | None = None, strict: bool = False,
                 cache: SpeechCache | None = None):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise NarrationError(f"{self.folder}: no such folder of recordings (write the "
                                 f"narration script, record it, and save <id>.wav files there)")
        self.name = f"recorded:{self.folder}"
        self.fallback = fallback
        self.strict = strict or fallback is None
        self.cache = cache if cache is not None else SpeechCache()
        self._missing: list[str] = []

    @cached_property
    def description(self) -> str:
        """The recordings' content (so a re-recorded file changes it) and the fallback's."""
        return self._describe(sorted(self.folder.glob("*.wav")))

    def description_for(self, captions: Iterable[str]) -> str:
        """Only the recordings of `captions` (present or not): adding or redoing the
        recording of one caption changes the key of the clips that say it, no other."""
        ids = sorted(dict.fromkeys(caption_id(c) for c in captions if c.strip()))
        return self._describe([self.folder / f"{i}.wav" for i in ids])

    def _describe(self, paths: list[Path]) -> str:
        h = hashlib.sha256()
        for path in paths:
            h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists()
                                                   else b"missing"))
        fallback = self.fallback.description if self.fallback and not self.strict else "none"
        return (f"recordings {self.folder.resolve()} sha256 {h.hexdigest()[:16]}, trimmed "
                f"below {audio.SILENCE_DBFS} dBFS; fallback {fallback}")

    def recording(self, caption: str) -> Path:
        return self.folder / f"{caption_id(caption)}.wav"

    def missing(self, captions: Iterable[str]) -> list[str]:
        """The ids of the captions (non-empty, each once) that have no recording."""
        ids = dict.fromkeys(caption_id(c) for c in captions if c.strip())
        return [i for i in ids if not (self.folder / f"{i}.wav").exists()]

    def _speak(self, caption: str, spoken: str) -> Speech:
        path = self.recording(caption)
        if not path.exists():
            if self.strict:
                raise MissingRecording(f"{path}: no recording of the caption {caption!r} "
                                       f"(record it, or render without strict mode)")
            if path.stem not in self._missing:
                self._missing.append(path.stem)
            assert self.fallback is not None
            fallback = self.fallback.speak(caption, spoken)
            if fallback is None:
                raise RecordingError(f"{path}: missing, and the fallback voice said nothing")
            return fallback
        key = speech_key("recording", hashlib.sha256(path.read_bytes()).hexdigest(),
                         str(audio.SILENCE_DBFS))
        out = self.cache.get(key, lambda: self._decode(path))
        return Speech(out, audio.duration(out))

    def _decode(self, path: Path) -> audio.Sound:
        try:
            sound = audio.trim_silence(audio.read(path))
        except audio.AudioError as exc:
            raise RecordingError(f"{exc}: record it again, or delete it to use the "
                                 f"fallback voice") from exc
        if len(sound.samples) == 0:
            raise RecordingError(f"{path}: silent throughout (below {audio.SILENCE_DBFS} "
                                 f"dBFS): record it again, or delete it")
        return sound

    def prepare(self, captions: Iterable[str]) -> str | None:
        """Decode every recording of `captions` now (a bad file is an error before any
        render starts; the decoded sound waits in the speech cache); the missing ones are
        an error in strict mode, else the one warning line naming them all."""
        captions = list(dict.fromkeys(captions))
        missing = self.missing(captions)
        if missing and self.strict:
            raise MissingRecording(f"{self.folder}: no recording for {len(missing)} "
                                   f"caption(s): {' '.join(missing)} (record them, or "
                                   f"render without strict mode)")
        for caption in captions:
            if self.recording(caption).exists():
                self.speak(caption)
        return self._lacking(missing) if missing else None

    def _lacking(self, ids: list[str]) -> str:
        assert self.fallback is not None
        return (f"{self.folder}: no recording for {len(ids)} caption(s), spoken by "
                f"{self.fallback.name} instead: {' '.join(ids)}")

    def end_scene(self) -> None:
        if self._missing:
            log.warning("%s", self._lacking(self._missing))
            self._missing = []
