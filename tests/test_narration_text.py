"""Captions to speech text: the rules one by one, and every caption of every scene."""

import unicodedata

import pytest

from narration.speech_text import (
    PRONOUNCEABLE,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SYMBOLS,
    speakable,
    unpronounceable,
)
from scene_harness import run_scene
from scenes import load_scene, registry

CASES = [
    ("ΔE", "delta E"),
    ("E′ = E + ΔE", "E prime equals E plus delta E"),
    ("divided by √d_k", "divided by the square root of d k"),
    ("divided by √dₖ.", "divided by the square root of d k."),
    ("scores q·k/√8, softmax", "scores q dot k over the square root of 8, softmax"),
    ("by −∞", "by minus infinity"),
    ("Σ wᵢ = 1", "the sum of w i equals 1"),
    ("a 12 × 12 matrix", "a 12 by 12 matrix"),
    ("the 2×2 matrix", "the 2 by 2 matrix"),
    ("1.8× as long", "1.8 times as long"),
    ("×4 context", "times 4 context"),
    ("E + ΔE₁ + ΔE₁₂", "E plus delta E 1 plus delta E 12"),
    ("x ≈ 3", "x is about 3"),
    ("pomme → apple (0.78)", "pomme to apple, 0.78"),
    ("it names “apple”: 0.998.", "it names apple: 0.998."),
    ("ask “any adjectives?”, and", "ask any adjectives? and"),
    ("87% of it", "87 percent of it"),
    ("33.1%", "33.1 percent"),
    ("√4 = 2.00", "the square root of 4 equals 2"),
    ("T = 0.40", "T equals 0.4"),
    ("0.47 and 0.998", "0.47 and 0.998"),
    ("57,982,058,496 parameters", "57,982,058,496 parameters"),
    ("W_Q, W_K or W_V", "W Q, W K or W V"),
    ("torch calls out_proj.weight", "torch calls out proj dot weight"),
    ("the matrix BᵀW_Q", "the matrix B transpose W Q"),
    ("x² and W⁻¹", "x squared and W inverse"),
    ("a 30–120 s clip", "a 30 to 120 s clip"),
    ("is −1.54, or -3", "is minus 1.54, or minus 3"),
    ("GPT-3's 96 layers", "GPT-3's 96 layers"),
    ("takes 8.0 MiB; 1 GiB", "takes 8 mebibytes; 1 gibibyte"),
    ("turns by 30°", "turns by 30 degrees"),
    ("where (1, 0) and (0, 1) land", "where 1, 0 and 0, 1 land"),
    ("créature → creature", "creature to creature"),
    ("If “a” could see", "If eh could see"),
    ("into 4 numbers aₕ.", "into 4 numbers eh h."),
    ("α + β·λ", "alpha plus beta dot lambda"),
    ("value-down W_V↓ (12 → 4)", "value-down W V down, 12 to 4"),
    ("query/key space", "query key space"),
    ("i+1, i+2", "i plus 1, i plus 2"),
    ("", ""),
]


@pytest.mark.parametrize("caption, spoken", CASES)
def test_speakable(caption, spoken):
    assert speakable(caption) == spoken
    assert unpronounceable(speakable(caption)) == ""


def test_every_symbol_the_converter_knows_becomes_pronounceable():
    greek = [chr(c) for c in range(0x391, 0x3CA) if unicodedata.category(chr(c)) in ("Lu", "Ll")]
    for symbol in [*SYMBOLS, *SUBSCRIPTS, *SUPERSCRIPTS, *greek, "é", "ß", "ñ", "ø"]:
        caption = f"x {symbol}2 y"
        assert unpronounceable(speakable(caption)) == "", (symbol, speakable(caption))


def test_unpronounceable_names_what_is_left():
    assert unpronounceable("a ★ b ★ ∴") == "★∴"
    assert set("delta E, 0.5: it's GPT-3!") <= PRONOUNCEABLE


def test_the_voice_reads_digits_as_a_person_does():
    """speakable leaves digits to espeak-ng (Piper's phonemizer): it says the words."""
    espeak = pytest.importorskip("piper.phonemize_espeak", reason="Piper is not installed")
    phonemizer = espeak.EspeakPhonemizer(espeak.ESPEAK_DATA_DIR)

    def said(text):
        return "".join("".join(s) for s in phonemizer.phonemize("en-us", speakable(text)))

    assert "bˈɪliən" in said("57,982,058,496") and "mˈɪliən" in said("57,982,058,496")
    assert "θˈaʊzənd" in said("1,024")  # one number, not "one, zero twenty-four"
    assert "pɔɪnt" in said("0.47") and "pɔɪnt" not in said("2.00")
    assert "pɚsˈɛnt" in said("87%")


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_caption_is_pronounceable(name):
    scene = run_scene(load_scene(name)).scene
    assert len(scene.spoken) == len(scene.captions)
    for (caption, _, _), spoken in zip(scene.captions, scene.spoken, strict=True):
        bad = unpronounceable(speakable(caption))
        assert not bad, f"{name}: {bad!r} left in {speakable(caption)!r}"
        assert not unpronounceable(spoken), f"{name}: spoken={spoken!r}"
