"""The joined lecture's sound, as published: Piper's speech, normalised by the join's
own filters and encoded to AAC as the join encodes it, stays under EBU R128's true-peak
ceiling (TRUE_PEAK, -1 dBTP).

Piper peaks some 21 dB above its loudness, so loudnorm runs its dynamic mode and limits
at its own ceiling; AAC then adds up to a dB to those peaks (measured: a lecture
normalised to -1.0 dBTP peaked at -0.2 in its mp4). A test with tones would not catch
that: a tone's peak is 3 dB over its loudness and loudnorm stays linear.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from narration import audio
from rendering import soundtrack

pytest.importorskip("piper", reason="needs the voice (`make setup`)")

LINES = [
    "Attention does not change a word's embedding; it adds a change to it.",
    "Each query scores every key, and softmax turns the scores into weights.",
    "The weights mix the values, and the mix is added to the word's embedding.",
]


def test_normalised_speech_keeps_under_the_true_peak_ceiling_once_encoded(tmp_path):
    from narration.piper_voice import PiperVoice

    said = [PiperVoice("joe").synthesize(line) for line in LINES]
    rate = said[0].rate
    pause = audio.silent(0.6, rate).samples
    speech = audio.Sound(np.concatenate([np.concatenate([s.samples, pause]) for s in said])
                         .astype(np.float32), rate)
    track, published = tmp_path / "track.wav", tmp_path / "published.m4a"
    audio.write_wav(track, speech)
    raw_loudness, raw_peak = audio.loudness(track)
    assert raw_peak - raw_loudness > 15  # peaky enough for loudnorm's dynamic mode

    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(track), "-af",
                    soundtrack.normaliser(soundtrack.measure(track)), *soundtrack.encoder(),
                    str(published)], check=True)
    loudness, peak = audio.loudness(published)
    assert peak <= soundtrack.TRUE_PEAK
    assert soundtrack.TARGET_LUFS - 2.0 <= loudness <= soundtrack.TARGET_LUFS + 0.5
