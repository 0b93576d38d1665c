"""Is a still legible at a glance? Measured from a scene's mobjects, never from pixels.

A still is judged as a viewer at 1:1 on a 1080p screen would judge it: every
letter and digit tall enough to read (caps of at least 20 px, headings 30 px;
tests/letters.py says what is measured), no two visible texts on top of each
other, no text outside the title-safe area (`SAFE`), and the picture a moment is
about spanning at least half the frame height. The frame is 8 Manim units tall,
so one unit is 135 px at 1080p.

    still = Still.of(run.at("plane"))     # what is on screen at a key moment
    still.texts, still.picture            # every visible text (size, box); the picture
    check(still, "plane")                 # every rule broken, as Violations
    check_run(run), summary(run)          # every key moment of a scene_harness run
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import Axes, Mobject, VMobject

from letters import TEXT_KINDS, created_size, letter_heights, string_of, up_direction
from scenes.kit import CAPTIONS, FRAME, SAFE, STAGE, THEME, MainPicture

PX_PER_UNIT = 1080 / FRAME.height
MIN_LETTER_PX = 20.0  # every letter or digit, at 1080p
HEADING_PX = 30.0  # a text the scene set at heading size or more (titles, totals)
PICTURE_SHARE = 0.5  # of the frame height, for the picture a moment is about
EMPTY_SHARE = 0.5  # at most this much of the stage left empty...
EMPTY_BLOCK = 0.25  # ...and no empty rectangle larger than this share of it
VISIBLE = 0.01  # opacity above which a mobject counts as drawn
# The main pictures: every kit or scene class marked `MainPicture` (EmbeddingPlane,
# AttentionGrid, MatrixHeatmap, ...), and plots on Axes (a plane's `reference` is one).
PICTURE_KINDS = (MainPicture, Axes)

Box = tuple[float, float, float, float]  # left, right, bottom, top, in Manim units


def px(units: float) -> float:
    return units * PX_PER_UNIT


# ---- what is on screen -----------------------------------------------------------------

def _opacity(leaf: Mobject) -> float:
    if isinstance(leaf, VMobject):
        return max(float(leaf.get_fill_opacity()), float(leaf.get_stroke_opacity()))
    return 1.0


def _box(leaves: Sequence[Mobject]) -> Box | None:
    points = [leaf.points for leaf in leaves if len(leaf.points)]
    if not points:
        return None
    p = np.vstack(points)
    lo, hi = p.min(axis=0), p.max(axis=0)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def outermost(mobjects: Sequence[Mobject], kinds: tuple[type, ...]) -> Iterator[Mobject]:
    """Every mobject of `kinds` that is not inside another of them, in draw order."""
    stack = list(reversed(mobjects))
    while stack:
        m = stack.pop()
        if isinstance(m, kinds):
            yield m
        else:
            stack.extend(reversed(m.submobjects))


@dataclass(frozen=True)
class ShownText:
    """One text on screen: its string, where it is, and how tall its letters are."""

    string: str
    box: Box  # of its visible glyphs, along the frame's axes
    corners: np.ndarray = field(repr=False, compare=False)  # 4 x 2, its box along its line
    cap_px: float
    smallest_px: float | None  # smallest letter or digit (None: symbols only)
    size: float  # the font size it was made at
    mobject: Mobject = field(repr=False, compare=False)

    @property
    def heading(self) -> bool:
        return self.size >= THEME.heading


@dataclass(frozen=True)
class ShownPicture:
    kind: str
    box: Box

    @property
    def share(self) -> float:
        """Its height as a share of the frame's."""
        return (self.box[3] - self.box[2]) / FRAME.height

    @property
    def width_share(self) -> float:
        return (self.box[1] - self.box[0]) / FRAME.width


@dataclass
class Still:
    """The visible texts and main pictures of one frame (a snapshot's mobjects), and
    the boxes of everything else drawn (arrows, dots, token boxes)."""

    texts: list[ShownText]
    pictures: list[ShownPicture]
    others: list[Box] = field(default_factory=list)

    @classmethod
    def of(cls, mobjects: Sequence[Mobject]) -> Still:
        still, seen = cls([], []), set()
        stack = [(m, False) for m in reversed(mobjects)]  # (mobject, inside a picture)
        while stack:
            m, pictured = stack.pop()
            if isinstance(m, TEXT_KINDS):
                still._add_text(m, seen)
                continue
            if isinstance(m, PICTURE_KINDS) and not pictured:
                box = _visible_box(m)
                if box is not None:
                    still.pictures.append(ShownPicture(type(m).__name__, box))
                pictured = True  # its texts still count; its lines and cells are its box
            elif not pictured and len(m.points) and _opacity(m) > VISIBLE:
                still.others.append(_box([m]))
            stack.extend((sub, pictured) for sub in reversed(m.submobjects))
        return still

    def _add_text(self, t: Mobject, seen: set) -> None:
        box = _visible_box(t)
        string = string_of(t)
        key = (string, None if box is None else tuple(round(v, 4) for v in box))
        if box is None or key in seen:  # invisible, or one text added twice
            return
        seen.add(key)
        cap, smallest = letter_heights(t)
        self.texts.append(ShownText(string, box, _turned_box(t), px(cap),
                                    None if smallest is None else px(smallest),
                                    created_size(t), t))

    @property
    def picture(self) -> ShownPicture | None:
        """The tallest main picture on screen, if any."""
        return max(self.pictures, key=lambda p: p.share, default=None)

    def occupancy(self, cell: float = 0.25) -> np.ndarray:
        """Which `cell`-unit squares of the stage (SAFE above the captions band) anything
        drawn touches, rows from the bottom; a picture or a text counts as its box."""
        nx, ny = int(np.ceil(STAGE.width / cell)), int(np.ceil(STAGE.height / cell))
        used = np.zeros((ny, nx), bool)
        boxes = [t.box for t in self.texts] + [p.box for p in self.pictures] + self.others
        for left, right, bottom, top in boxes:
            i0, i1 = np.clip([(left - STAGE.left) / cell, (right - STAGE.left) / cell], 0, nx)
            j0, j1 = np.clip([(bottom - STAGE.bottom) / cell, (top - STAGE.bottom) / cell],
                             0, ny)
            used[int(j0):int(np.ceil(j1)), int(i0):int(np.ceil(i1))] = True
        return used

    def empty_share(self, cell: float = 0.25) -> float:
        """The share of the stage that nothing drawn touches."""
        return float(1 - self.occupancy(cell).mean())

    def largest_empty(self, cell: float = 0.25) -> tuple[float, Box]:
        """The largest empty rectangle of the stage: its share of the stage, and its box
        (the classic largest-rectangle-in-a-histogram sweep over the occupancy grid)."""
        free = ~self.occupancy(cell)
        heights = np.zeros(free.shape[1], int)
        best, best_box = 0, (0.0, 0.0, 0.0, 0.0)
        for row in range(free.shape[0]):
            heights = np.where(free[row], heights + 1, 0)
            stack: list[int] = []
            for i in range(len(heights) + 1):
                h = heights[i] if i < len(heights) else 0
                while stack and heights[stack[-1]] >= h:
                    tall = heights[stack.pop()]
                    left = stack[-1] + 1 if stack else 0
                    if tall * (i - left) > best:
                        best = tall * (i - left)
                        best_box = (STAGE.left + left * cell, STAGE.left + i * cell,
                                    STAGE.bottom + (row + 1 - tall) * cell,
                                    STAGE.bottom + (row + 1) * cell)
                stack.append(i)
        return best / free.size, best_box


def _turned_box(text: Mobject) -> np.ndarray:
    """The corners of a text's box along its own line (a turned label's box is no
    wider than its glyphs; its box along the frame's axes would be)."""
    up = up_direction(text)
    along = np.array([up[1], -up[0]])
    points = np.vstack([f.points[:, :2] for f in text.family_members_with_points()
                        if _opacity(f) > VISIBLE])
    (a0, a1), (u0, u1) = [(float(v.min()), float(v.max())) for v in (points @ along,
                                                                     points @ up)]
    return np.array([a * along + u * up for a, u in ((a0, u0), (a1, u0), (a1, u1), (a0, u1))])


def boxes_meet(a: Box, b: Box) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[2], b[2])


def _penetration(a: np.ndarray, b: np.ndarray) -> float:
    """How far two convex quadrilaterals overlap: the least shift along any of their
    edge normals that separates them (0 if they are apart: separating axes)."""
    depth = np.inf
    for corners in (a, b):
        for edge in (corners[1] - corners[0], corners[3] - corners[0]):
            axis = np.array([-edge[1], edge[0]]) / (np.linalg.norm(edge) or 1.0)
            pa, pb = a @ axis, b @ axis
            depth = min(depth, min(pa.max(), pb.max()) - max(pa.min(), pb.min()))
            if depth <= 1e-6:
                return 0.0
    return float(depth)


def _visible_box(m: Mobject) -> Box | None:
    return _box([f for f in m.family_members_with_points() if _opacity(f) > VISIBLE])


# ---- the rules -------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    moment: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"@{self.moment} [{self.rule}] {self.message}"


class Rule:
    """One thing a legible still must satisfy; `name` keys exemptions."""

    name = ""

    def check(self, still: Still) -> Iterator[str]:
        raise NotImplementedError


class LetterSize(Rule):
    name = "letter_size"

    def check(self, still: Still) -> Iterator[str]:
        for t in still.texts:
            if t.smallest_px is not None and t.smallest_px < MIN_LETTER_PX - 1e-6:
                if t.smallest_px < t.cap_px - 1e-6:
                    yield (f"{t.string!r}: a sub/superscript {t.smallest_px:.1f} px tall "
                           f"(caps {t.cap_px:.1f} px; needs >= {MIN_LETTER_PX:.0f} px)")
                else:
                    yield (f"{t.string!r}: caps {t.cap_px:.1f} px tall "
                           f"(needs >= {MIN_LETTER_PX:.0f} px)")


class HeadingSize(Rule):
    """Titles and the numbers a scene sets at heading size stay well above the floor."""

    name = "heading_size"

    def check(self, still: Still) -> Iterator[str]:
        for t in still.texts:
            if t.heading and t.smallest_px is not None and t.cap_px < HEADING_PX - 1e-6:
                yield (f"{t.string!r}: made at heading size {t.size:g}, drawn with "
                       f"{t.cap_px:.1f} px caps (needs >= {HEADING_PX:.0f} px)")


class TextOverlap(Rule):
    name = "overlap"

    def check(self, still: Still) -> Iterator[str]:
        texts = still.texts
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if (boxes_meet(a.box, b.box)  # then look closer, along each text's line
                        and (depth := _penetration(a.corners, b.corners)) > 0):
                    yield (f"{a.string!r} and {b.string!r} overlap by {px(depth):.1f} px "
                           "(the least shift that parts them)")


class OutsideSafe(Rule):
    name = "outside_safe"

    def check(self, still: Still) -> Iterator[str]:
        for t in still.texts:
            left, right, bottom, top = t.box
            out = {"left": SAFE.left - left, "right": right - SAFE.right,
                   "bottom": SAFE.bottom - bottom, "top": top - SAFE.top}
            crossed = [f"{side} by {px(d):.1f} px" for side, d in out.items() if d > 1e-6]
            if crossed:
                yield f"{t.string!r} crosses the title-safe margin: {', '.join(crossed)}"


class PictureHeight(Rule):
    name = "picture_height"

    def check(self, still: Still) -> Iterator[str]:
        picture = still.picture
        if picture is not None and picture.share < PICTURE_SHARE - 1e-6:
            yield (f"the main picture ({picture.kind}) spans {100 * picture.share:.0f}% of "
                   f"the frame height ({px(picture.box[3] - picture.box[2]):.0f} px; "
                   f"needs >= {100 * PICTURE_SHARE:.0f}%), {100 * picture.width_share:.0f}% "
                   "of its width")


class CaptionBand(Rule):
    """The band at the bottom of the safe area belongs to burned-in captions."""

    name = "caption_band"

    def check(self, still: Still) -> Iterator[str]:
        drawn = ([(repr(t.string), t.box) for t in still.texts]
                 + [(f"the {p.kind}", p.box) for p in still.pictures]
                 + [("a drawing", box) for box in still.others])
        for what, (left, right, bottom, _top) in drawn:
            into = CAPTIONS.top - bottom
            if into > 1e-6 and left < CAPTIONS.right and right > CAPTIONS.left:
                yield (f"{what} reaches {px(into):.1f} px into the caption band "
                       f"(y < {CAPTIONS.top:.2f})")


class EmptyFrame(Rule):
    """Nothing leaves half the frame empty: at most half the stage unused, and no empty
    block larger than a quarter of it (a plane in the left half and nothing else)."""

    name = "empty_frame"

    def check(self, still: Still) -> Iterator[str]:
        empty = still.empty_share()
        block, (x0, x1, y0, y1) = still.largest_empty()
        if empty > EMPTY_SHARE + 1e-6 or block > EMPTY_BLOCK + 1e-6:
            yield (f"{100 * empty:.0f}% of the stage is empty (at most "
                   f"{100 * EMPTY_SHARE:.0f}%), its largest empty block {100 * block:.0f}% "
                   f"(at most {100 * EMPTY_BLOCK:.0f}%) at x {x0:.1f}..{x1:.1f}, "
                   f"y {y0:.1f}..{y1:.1f}")


RULES: tuple[Rule, ...] = (LetterSize(), HeadingSize(), TextOverlap(), OutsideSafe(),
                           CaptionBand(), PictureHeight(), EmptyFrame())


def check(still: Still, moment: str, rules: Sequence[Rule] = RULES) -> list[Violation]:
    """Every rule `still` breaks, each text and measure named."""
    return [Violation(moment, rule.name, message)
            for rule in rules for message in rule.check(still)]


def check_run(run) -> list[Violation]:
    """Every violation at every key moment of a `scene_harness.SceneRun`."""
    return [v for moment, mobjects in run.snapshots.items()
            for v in check(Still.of(mobjects), moment)]


def grouped(violations: Sequence[Violation], moments: Sequence[str]) -> list[str]:
    """One line per distinct failure, with the moments it happens at ("×3": three
    texts there fail alike, e.g. equal numbers in a grid), rules in RULES order."""
    seen: dict[tuple[str, str], list[str]] = {}
    for v in violations:
        seen.setdefault((v.rule, v.message), []).append(v.moment)
    order = {r.name: k for k, r in enumerate(RULES)}
    lines = []
    for (rule, message), at in sorted(seen.items(), key=lambda item: order[item[0][0]]):
        counts = {m: at.count(m) for m in moments if m in at}
        where = ("every moment" if list(counts) == list(moments) and set(counts.values()) == {1}
                 else ", ".join(f"@{m}" + (f" ×{n}" if n > 1 else "")
                                for m, n in counts.items()))
        lines.append(f"[{rule}] {message} ({where})")
    return lines


def summary(run) -> list[str]:
    """One line per key moment: its smallest letter, its picture's height share, and
    how much of the stage is empty (all of it, and its largest empty rectangle)."""
    lines = []
    for moment, mobjects in run.snapshots.items():
        still = Still.of(mobjects)
        sized = [t for t in still.texts if t.smallest_px is not None]
        small = min(sized, key=lambda t: t.smallest_px, default=None)
        glyph = "no text" if small is None else f"{small.smallest_px:.1f} px ({small.string!r})"
        picture = still.picture
        shown = "none" if picture is None else f"{picture.kind} {100 * picture.share:.0f}%"
        hole, (x0, x1, y0, y1) = still.largest_empty()
        lines.append(f"@{moment}: {len(still.texts)} texts, smallest letter {glyph}, "
                     f"picture {shown}; stage {100 * still.empty_share():.0f}% empty, "
                     f"largest empty block {100 * hole:.0f}% (x {x0:.1f}..{x1:.1f}, "
                     f"y {y0:.1f}..{y1:.1f})")
    return lines
