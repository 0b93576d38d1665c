"""Captions drawn into the picture, for viewers who watch with the sound off.

A player shows the .srt only if the viewer turns it on and the platform carries it;
burned-in captions are part of every frame. They follow common subtitle practice:

* at most `LINE` (42) characters a line and two lines a page, split where a reader
  pauses: after a sentence, then after a clause (`,` `;` `:` a dash), then at any
  space, never after a little word (`the`, `of`) when another break will do;
* a caption too long for one page is shown as successive pages over its span, each
  page's share of the time by its length;
* drawn in the theme's font inside the `CAPTIONS` band that every scene keeps clear,
  faded in at the caption's start and out at its end (when the next one does not
  follow at once).

`caption_pages` is the splitter (pure text, no Manim). `BurnedCaptions` is the mobject
`ExplainerScene` adds when a render asks for burned captions (`with_burned_captions`):
the scene tells it when each caption begins and ends, and a time-based updater shows
the page due at the scene's current time, so burning captions never changes a scene's
timing, its .srt, or what a scene without them draws.
"""

from __future__ import annotations

import dataclasses
import statistics

import numpy as np
from manim import VGroup, VMobject

from .layout import CAPTIONS
from .text import label
from .theme import THEME

LINE = 42  # characters a line (a common subtitle limit)
LINES = 2  # lines a page
FADE = 0.15  # seconds a caption takes to fade in or out
SPACING = 1.2  # baseline to baseline, in line heights
MARGIN = 0.03  # of the band's height, kept free above and below the two lines

_SENTENCE = (".", "?", "!", "…")
_CLAUSE = (",", ";", ":", "\u2014", "\u2013", ")")  # comma ... em and en dash, a closing paren
# Words a line should not end on: they belong with the word after them.
_CLINGING = frozenset("a an the of to in on at by for with and or but is are as from "
                      "that its their our your each every".split())

Page = tuple[str, ...]  # the lines of one page


def _strength(words: list[str], i: int) -> int:
    """How natural a break between words[i - 1] and words[i] is: 3 after a sentence,
    2 after a clause (or before a dash), 1 at a plain space, 0 after a clinging word."""
    before, after = words[i - 1], words[i]
    if before.endswith(_SENTENCE):
        return 3
    if before.endswith(_CLAUSE) or after in ("\u2014", "\u2013", "-"):
        return 2
    if before.lower() in _CLINGING:
        return 0
    return 1


def _length(words: list[str]) -> int:
    return len(" ".join(words))


def _lines(words: list[str]) -> Page | None:
    """The best split of `words` into at most two lines of LINE characters, or None."""
    if _length(words) <= LINE:
        return (" ".join(words),)
    best: tuple[float, int] | None = None
    for i in range(1, len(words)):
        top, bottom = _length(words[:i]), _length(words[i:])
        if top > LINE or bottom > LINE:
            continue
        # a natural break outweighs a little imbalance: 12 points a level, 1/2 a character
        score = 12 * _strength(words, i) - 0.5 * abs(top - bottom)
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    i = best[1]
    return (" ".join(words[:i]), " ".join(words[i:]))


def caption_pages(text: str) -> list[Page]:
    """`text` as pages of at most two lines of about LINE characters, every word kept in
    order. A word longer than a line gets a line of its own (drawn shrunk to fit)."""
    words = text.split()
    pages: list[Page] = []
    while words:
        whole = _lines(words)
        if whole is not None:
            pages.append(whole)
            break
        # the page break: a fuller page scores, a more natural break scores more
        best: tuple[float, int, Page] | None = None
        for i in range(1, len(words)):
            page = _lines(words[:i])
            if page is None:
                break  # longer prefixes do not fit either
            score = 12 * _strength(words, i) + 0.3 * _length(words[:i])
            if best is None or score > best[0]:
                best = (score, i, page)
        if best is None:  # a single word longer than two lines
            best = (0.0, 1, (words[0],))
        pages.append(best[2])
        words = words[best[1]:]
    return pages


@dataclasses.dataclass
class _Cue:
    """One caption: its pages and when each starts; `end` None while it is on screen."""

    pages: list[VGroup]
    starts: list[float]
    end: float | None = None

    @property
    def start(self) -> float:
        return self.starts[0]

    def page_at(self, t: float) -> VGroup:
        return self.pages[int(np.searchsorted(self.starts, t, side="right")) - 1]

    def opacity(self, t: float) -> float:
        fade_in = (t - self.start) / FADE
        fade_out = 1.0 if self.end is None else 1.0 - (t - self.end) / FADE
        return float(np.clip(min(fade_in, fade_out), 0.0, 1.0))


class BurnedCaptions(VGroup):
    """The caption band of one scene: the pages of the latest caption, the one due now
    drawn, the others transparent.

    `begin(text, start, span, end)` schedules a caption from `start`; its pages share
    `span` seconds (its speech, or its reading time) by length, the last one lasting
    until `end` (given, or set later by `end(t)`). `clock` is the scene's time:
    `renderer.time`, which Manim keeps at the time of the frame being drawn (and, when
    animations are skipped, at the end of the play).
    """

    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        self.cue: _Cue | None = None  # the latest caption
        self.size = _caption_size()
        self.add_updater(lambda m, dt: m.show(m.clock()))  # `dt`: a time-based updater

    def begin(self, text: str, start: float, span: float, end: float | None = None) -> None:
        pages = caption_pages(text)
        total = sum(len(" ".join(p)) for p in pages)
        starts, t = [], start
        for page in pages:
            starts.append(t)
            t += span * len(" ".join(page)) / total
        self.cue = cue = _Cue([self._draw(p) for p in pages], starts, end)
        # Manim lists what a play redraws when the play begins, so the pages change only
        # here, between plays; during one, only their opacities do.
        self.remove(*self.submobjects)
        self.add(*cue.pages)
        self.show(start)

    def end(self, t: float) -> None:
        if self.cue is not None:
            self.cue.end = t

    def show(self, t: float) -> None:
        """Put the page due at scene time `t` in the band, at its fade's opacity."""
        cue = self.cue
        if cue is None:
            return
        due = cue.page_at(t) if t >= cue.start else None
        for page in cue.pages:
            page.set_opacity(cue.opacity(t) if page is due else 0.0)

    def _draw(self, lines: Page) -> VGroup:
        """A page: its lines centred, on baselines a line pitch apart; one line sits on
        the lower baseline, as in any subtitle."""
        drawn = [label(text, self.size, THEME.text) for text in lines]
        ascent, descent = _metrics(self.size)
        for k, line in enumerate(reversed(drawn)):
            if line.width > CAPTIONS.width:
                line.scale_to_fit_width(CAPTIONS.width)
            baseline = (CAPTIONS.bottom + MARGIN * CAPTIONS.height + descent
                        + k * SPACING * (ascent + descent))
            line.shift([CAPTIONS.x - line.get_x(), baseline - _baseline(line), 0])
        return VGroup(*drawn)


def _baseline(line: VMobject) -> float:
    """Where a line's letters stand: the median of its glyphs' bottoms (descenders and
    raised marks are the few)."""
    return statistics.median(glyph.get_bottom()[1] for glyph in line.submobjects)


def _metrics(size: float) -> tuple[float, float]:
    """Ascent and descent of the theme font at `size` (scene units): the tallest and
    deepest letters' reach from the baseline."""
    sample = label("Hbdlgjpy", size)
    baseline = sample.submobjects[0].get_bottom()[1]  # H stands on it
    return float(sample.get_top()[1] - baseline), float(baseline - sample.get_bottom()[1])


def _caption_size() -> float:
    """The body size, or smaller if two lines of it would not fit the band."""
    ascent, descent = _metrics(THEME.body)
    stack = descent + SPACING * (ascent + descent) + ascent
    return THEME.body * min(1.0, (1 - 2 * MARGIN) * CAPTIONS.height / stack)
