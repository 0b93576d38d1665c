"""Numbers as a narrator says them when the picture already shows every digit.

A caption writes "1,048,576 tokens" and the voice (narration.speakable) reads
it in full, "one million forty eight thousand five hundred seventy six": right
for the eye, a mouthful for the ear. Where the digits are on screen, the
spoken form rounds: `about(1_048_576)` is "about 1.05 million".
"""

from __future__ import annotations

SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def about(count: float, digits: int = 3) -> str:
    """A rounded spoken form of a large count, to `digits` significant figures:
    175,181,291,520 -> "about 175 billion". Under a million a count is short enough
    to say in full, so it is written as it is (2,048)."""
    rounded = float(f"{count:.{digits}g}")
    for scale, name in SCALES:
        if abs(rounded) >= scale:
            return f"about {rounded / scale:g} {name}"
    return f"{count:,}"
