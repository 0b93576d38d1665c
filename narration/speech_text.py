"""Captions to speech text: what a voice can say for what the viewer reads.

Captions are written for the eye: ΔE, E′ = E + ΔE, q·k/√dₖ, −∞, W_Q, 12 × 12,
87%, “quotes”. A voice reads none of that well (espeak-ng, under Piper, skips
most symbols or spells their Unicode names). `speakable` rewrites a caption
into words and a small set of characters every voice reads: ASCII letters,
digits, space and basic punctuation (`PRONOUNCEABLE`).

Digits are left as digits on purpose: espeak-ng reads "57,982,058,496" as
"fifty seven billion nine hundred eighty two million ..." and "0.47" as "zero
point four seven", the way a person reads them. Only what it reads wrongly is
rewritten: trailing zeros ("2.00" is "2"), signs, percentages, units, ranges.

The rules are a table, applied in order, each one a pattern and what it
becomes; a scene whose caption still reads badly passes `spoken=` to narrate().
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable

PRONOUNCEABLE = frozenset(string.ascii_letters + string.digits + " .,;:!?'-")

Replacement = str | Callable[[re.Match[str]], str]

SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢᵣᵤᵥⱼᵦᵧᵨᵩᵪ"
SUPERSCRIPT_WORDS = {"²": " squared", "³": " cubed", "ᵀ": " transpose", "⁻¹": " inverse"}
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ"
UNITS = {"KiB": "kibibyte", "MiB": "mebibyte", "GiB": "gibibyte", "TiB": "tebibyte",
         "PiB": "pebibyte", "EiB": "exbibyte", "kB": "kilobyte", "KB": "kilobyte",
         "MB": "megabyte", "GB": "gigabyte", "TB": "terabyte", "PB": "petabyte"}
# Letters with no decomposition into a base letter and accents.
LETTERS = {"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe",
           "ł": "l", "Ł": "L", "đ": "d", "þ": "th", "ð": "th", "ı": "i"}
GREEK_NAMES = {"lamda": "lambda"}  # Unicode's spelling of the letter's name
SYMBOLS = {
    "∑": " the sum of ", "Σ": " the sum of ", "∏": " the product of ", "∞": " infinity ",
    "≈": " is about ", "≠": " is not ", "≤": " is at most ", "≥": " is at least ",
    "<": " is less than ", ">": " is greater than ", "±": " plus or minus ",
    "=": " equals ", "+": " plus ", "−": " minus ", "∓": " minus or plus ",
    "·": " dot ", "⋅": " dot ", "∘": " composed with ", "⊙": " times ", "∙": " dot ",
    "→": " to ", "⟶": " to ", "←": " from ", "↦": " maps to ", "⇒": " so ", "↔": " and ",
    "↓": " down ", "↑": " up ", "∈": " in ", "∉": " not in ", "∀": " for every ",
    "∂": " partial ", "∇": " the gradient of ", "∝": " is proportional to ",
    "′": " prime ", "″": " double prime ", "°": " degrees ", "%": " percent ",
    "&": " and ", "@": " at ", "#": " number ", "~": " about ", "*": " times ",
    "^": " to the power ", "×": " times ", "÷": " divided by ", "/": " ",
    "_": " ", "|": " ", "\\": " ",
    "(": ", ", ")": ", ", "[": ", ", "]": ", ", "{": ", ", "}": ", ",
    "—": ", ", "–": ", ", "…": "...", "‘": "'", "’": "'", "`": "'",
    "“": "", "”": "", "„": "", "«": "", "»": "", '"': "",
}


def _number(match: re.Match[str]) -> str:
    """'2.00' is read "2", '0.40' is read "0.4": a person does not read trailing zeros."""
    whole, fraction = match.group(1), match.group(2).rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _unit(match: re.Match[str]) -> str:
    number, unit = match.group(1), UNITS[match.group(2)]
    return f"{number} {unit}" + ("" if number == "1" else "s")


def _subscript(match: re.Match[str]) -> str:
    return " " + unicodedata.normalize("NFKC", match.group(0)) + " "


def _superscript(match: re.Match[str]) -> str:
    run = match.group(0)
    if run in SUPERSCRIPT_WORDS:
        return SUPERSCRIPT_WORDS[run] + " "
    return " to the power " + unicodedata.normalize("NFKC", run) + " "


def _greek(match: re.Match[str]) -> str:
    name = unicodedata.name(match.group(0)).split()[-1].lower()
    return " " + GREEK_NAMES.get(name, name) + " "


def _symbol(match: re.Match[str]) -> str:
    return SYMBOLS[match.group(0)]


def _plain_letters(text: str) -> str:
    """créature -> creature: accents dropped, since the voice reads English."""
    text = "".join(LETTERS.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# (pattern, replacement), applied top to bottom. Order matters: a rule may rely on
# what the rules above it have produced, and must not undo it.
RULES: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in [
        (r"\be\.g\.", "for example"),
        (r"\bi\.e\.", "that is"),
        (r"\b(\d+)\.(\d+)\b", _number),
        (r"\((-?[\d.]+(?:,\s*-?[\d.]+)+)\)", r"\1"),     # a point (1, 0): no pause
        (r"(?<!\w)['‘“]a['’”](?!\w)|\ba(?=[" + SUBSCRIPTS + r"])", "eh"),  # 'a', aₕ
        (r"(\d)(?:\s*[–—]\s*|-)(?=\d)", r"\1 to "),      # a range: 30–120, 2-3
        (r"(?<![\w.])-(?=\d)|\s+-\s+", " minus "),         # -1 and a - b (not GPT-3)
        (r"(\d)(?:\s*×\s*|x)(?=\d)", r"\1 by "),          # 12 × 12, 2x2: a size
        (r"(\d)\s*×", r"\1 times"),                        # 1.8× as long
        (r"(\d)\s*(" + "|".join(UNITS) + r")\b", _unit),    # 8 MiB
        (r"/\s*(?=[√\d])|(?<=\d)\s*/", " over "),          # q·k/√d, 3/4
        (r"√", " the square root of "),
        (r"⁻¹|[" + SUPERSCRIPTS + r"]+", _superscript),     # Bᵀ, x²
        (r"[" + SUBSCRIPTS + r"]+", _subscript),           # dₖ, ΔE₁
        (r"(?<=[A-Za-z])\.(?=[A-Za-z])", " dot "),         # out_proj.weight
        ("[" + re.escape("".join(SYMBOLS)) + "]", _symbol),  # Σ is a sum, not sigma
        (r"[\u0370-\u03ff]", _greek),                      # Δ, α, ...
    ]
)

TIDY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in [
        (r"\s+", " "),
        (r"\s+([,.;:!?])", r"\1"),                 # no space before punctuation
        (r"([,;:])(?:\s*,)+", r"\1"),              # ", ," and ": ," are one mark
        (r",\s*([.;:!?])", r"\1"),                 # ", ." is "."
        (r"([.;:!?]),", r"\1"),                    # "me?”, and" is "me? and"
        (r"^[\s,;:]+|[\s,;:]+$", ""),              # nothing to pause on at the ends
        (r"([;:]|,(?!\d))(?=\S)", r"\1 "),          # a space after a mark (not 1,024)
    ]
)


def speakable(caption: str) -> str:
    """The words a voice says for `caption`: only characters in PRONOUNCEABLE."""
    text = caption
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    text = _plain_letters(text)
    for pattern, replacement in TIDY:
        text = pattern.sub(replacement, text)
    return text


def unpronounceable(text: str) -> str:
    """The characters of `text` outside PRONOUNCEABLE, each once, in order."""
    return "".join(dict.fromkeys(ch for ch in text if ch not in PRONOUNCEABLE))
