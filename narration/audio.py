"""Sound as numbers: read any audio file, write WAV, and measure it.

Speech is handled as mono float samples in [-1, 1] with their rate. PCM WAV
files are read with the standard library's `wave`; anything else (an mp4's AAC
track, a webm's Opus, a float or 24-bit WAV) is decoded by ffmpeg, which the
project installs anyway (Manim needs it).

The measures are the ones a listener's ear reduces to "is someone speaking
here": RMS level over 50 ms windows, in dBFS (0 dBFS is a full-scale square
wave; speech from Piper sits near -20 dBFS, a quiet room at -60 or below), and
one silence threshold between the two.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WINDOW = 0.05  # seconds: long enough to span a pitch period, short enough to see a pause
SILENCE_DBFS = -45.0  # below this a 50 ms window counts as quiet
PCM16 = 32767.0


class AudioError(ValueError):
    """A file that cannot be read as sound; the message is one line naming it."""


@dataclass(frozen=True)
class Sound:
    samples: np.ndarray  # float32, mono, in [-1, 1]
    rate: int  # samples per second

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    def between(self, start: float, end: float) -> Sound:
        """The part from `start` to `end` seconds (clipped to the sound)."""
        lo, hi = (max(0, round(t * self.rate)) for t in (start, end))
        return Sound(self.samples[lo:hi], self.rate)

    def window_dbfs(self, window: float = WINDOW) -> np.ndarray:
        """RMS level of each whole `window`-second piece, in dBFS (-inf for digital zero)."""
        size = max(1, round(window * self.rate))
        count = len(self.samples) // size
        pieces = self.samples[: count * size].astype(np.float64).reshape(count, size)
        return dbfs(np.sqrt((pieces**2).mean(axis=1)))

    def level(self) -> float:
        """RMS level of the whole sound, in dBFS."""
        return float(dbfs(np.sqrt(np.mean(self.samples.astype(np.float64) ** 2))))

    def peak(self) -> float:
        """Largest absolute sample, in dBFS."""
        return float(dbfs(np.max(np.abs(self.samples), initial=0.0)))

    def voiced_share(self, threshold: float = SILENCE_DBFS) -> float:
        """Share of its 50 ms windows above the silence threshold (0 for no whole window)."""
        levels = self.window_dbfs()
        return float(np.mean(levels > threshold)) if len(levels) else 0.0


def dbfs(rms):
    """Amplitude (1.0 = full scale) to decibels relative to full scale."""
    with np.errstate(divide="ignore"):
        return 20 * np.log10(rms)


def silent(seconds: float, rate: int) -> Sound:
    return Sound(np.zeros(round(seconds * rate), np.float32), rate)


def trim_silence(sound: Sound, threshold: float = SILENCE_DBFS, margin: float = WINDOW) -> Sound:
    """Drop the quiet lead-in and tail (a recording's room tone, a model's padding), keeping
    `margin` seconds on each side so no consonant is clipped. All quiet: no samples."""
    size = max(1, round(WINDOW * sound.rate))
    loud = np.flatnonzero(sound.window_dbfs() > threshold)
    if len(loud) == 0:
        return Sound(sound.samples[:0], sound.rate)
    pad = round(margin * sound.rate)
    start, end = max(0, loud[0] * size - pad), (loud[-1] + 1) * size + pad
    return Sound(sound.samples[start:end], sound.rate)


def read(path: Path, rate: int | None = None) -> Sound:
    """The samples of any audio (or video) file, mixed to mono, at its own rate unless
    `rate` is given (then ffmpeg resamples)."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path}: no such file")
    if rate is None:
        try:
            return _read_wav(path)
        except (wave.Error, EOFError, ValueError):
            pass  # not 8/16/32-bit PCM WAV: let ffmpeg decode it
    return _read_ffmpeg(path, rate)


def _read_wav(path: Path) -> Sound:
    with wave.open(str(path), "rb") as w:
        width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
        raw = w.readframes(w.getnframes())
    kinds = {1: (np.uint8, 128.0, 128.0), 2: (np.int16, 0.0, 32768.0),
             4: (np.int32, 0.0, 2147483648.0)}
    if width not in kinds:
        raise ValueError(f"{width * 8}-bit samples")
    dtype, offset, scale = kinds[width]
    data = (np.frombuffer(raw, dtype).astype(np.float32) - offset) / scale
    return Sound(data.reshape(-1, channels).mean(axis=1).astype(np.float32), rate)


def _ffmpeg(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise AudioError(f"{tool} is not installed: run `make setup` (it installs ffmpeg)")
    return found


def _probe_rate(path: Path) -> int:
    command = [_ffmpeg("ffprobe"), "-v", "error", "-select_streams", "a:0",
               "-show_entries", "stream=sample_rate", "-of", "json", str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    streams = json.loads(done.stdout or "{}").get("streams", []) if done.returncode == 0 else []
    if not streams:
        reason = _last_line(done.stderr) or "it has no audio stream"
        raise AudioError(f"{path}: cannot be decoded as audio ({reason})")
    return int(streams[0]["sample_rate"])


def _read_ffmpeg(path: Path, rate: int | None) -> Sound:
    rate = rate or _probe_rate(path)
    command = [_ffmpeg("ffmpeg"), "-v", "error", "-nostdin", "-i", str(path), "-vn",
               "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    done = subprocess.run(command, capture_output=True)
    if done.returncode != 0:
        reason = _last_line(done.stderr.decode(errors="replace")) or "ffmpeg failed"
        raise AudioError(f"{path}: cannot be decoded as audio ({reason})")
    return Sound(np.frombuffer(done.stdout, np.float32).copy(), rate)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def duration(path: Path) -> float:
    """Seconds of sound in a file: from the WAV header when it is PCM WAV, else ffprobe's
    stream duration."""
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / w.getframerate()
    except (wave.Error, EOFError):
        pass
    command = [_ffmpeg("ffprobe"), "-v", "error", "-select_streams", "a:0",
               "-show_entries", "stream=duration", "-of", "json", str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    streams = json.loads(done.stdout or "{}").get("streams", []) if done.returncode == 0 else []
    if not streams or "duration" not in streams[0]:
        raise AudioError(f"{path}: no audio stream with a duration")
    return float(streams[0]["duration"])


def write_wav(path: Path, sound: Sound) -> None:
    """16-bit PCM mono WAV: what Manim (pydub) mixes without converting."""
    pcm = np.clip(np.round(sound.samples * PCM16), -PCM16, PCM16).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sound.rate)
        w.writeframes(pcm.tobytes())


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's first audio stream, as
    ffmpeg's EBU R128 meter reads them: the measures a lecture's sound is normalised to."""
    done = subprocess.run([_ffmpeg("ffmpeg"), "-nostats", "-hide_banner", "-i", str(path),
                           "-vn", "-af", "ebur128=peak=true", "-f", "null", "-"],
                          capture_output=True, text=True)
    if done.returncode != 0 or "Summary:" not in done.stderr:
        reason = _last_line(done.stderr) or "ffmpeg failed"
        raise AudioError(f"{path}: cannot be metered ({reason})")
    summary = done.stderr[done.stderr.rindex("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return lufs, peak
