"""Counts said the way a person says them: "about 175 billion".

A caption shows a parameter count in full (175,181,291,520) because the picture
is about those digits; a voice reading every digit group takes ten seconds and
loses the listener. A scene passes `narrate(text, spoken=...)` with the count
rounded to the two or three figures a lecturer would say.
"""

from __future__ import annotations

_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def about(count: int) -> str:
    """57,982,058,496 -> 'about 58 billion', 3,145,728 -> 'about 3.1 million'; a count
    below a thousand, or one that is exactly its rounded form, is said as it is."""
    if abs(count) < 1000:
        return str(count)
    for scale, name in _SCALES:  # the largest scale it rounds to at least 1 of
        said = _rounded(count / scale)
        if abs(float(said)) >= 1 or scale == _SCALES[-1][0]:
            exact = float(said) * scale == count
            return f"{'' if exact else 'about '}{said} {name}"
    raise AssertionError("unreachable: the smallest scale always answers")


def _rounded(mantissa: float) -> str:
    """Three figures at most, and no trailing zeros: 175.2 -> '175', 3.14 -> '3.1'."""
    text = f"{mantissa:.0f}" if abs(mantissa) >= 9.95 else f"{mantissa:.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
