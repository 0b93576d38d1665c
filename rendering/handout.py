"""The handout: one key moment per A4 page, its vector drawing and the captions around it.

Each page has a heading (the scene and moment name, and the chapter from a manifest), the
moment's still as the figure path drew it (its PDF: paths, no pixels), and beneath it the
captions spoken around that moment, from the scene's timeline (moments.py):

    Before   the caption before the one on screen: what led up to the picture
    Now      the caption on screen when the moment is reached: what the picture shows
    Next     the caption after it: what the lecture says about it, or does with it, next

A key moment is marked right after the animation that completes its picture, while the
caption describing that picture is still up, so "Now" is the picture's own sentence; one
caption either side gives a student the thread without reprinting the whole script.

Two tools make it, each doing what it does well. Cairo draws the words, in the theme's
face, embedded; cairo cannot read a PDF, so pdfTeX (installed with LaTeX, which every
render needs) then places each still's PDF on its page, untouched and still vector
(`pdfpages`). No caption passes through TeX, so no caption needs escaping for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderFailed, UserError
from .files import commit, tmp_prefix
from .moments import Caption, Timeline
from .sheet import Product, Still
from .system import APT

A4 = (595.276, 841.89)  # points (1/72 inch), portrait
MARGIN = 56.0
FIGURE_TOP = 112.0  # below the two heading lines
STILL_ASPECT = 9 / 16  # the figure path's 1920x1080 page
CAPTION_SIZES = (12.0, 11.0, 10.0, 9.0)  # the largest that fits the page is used
INK, SOFT, MUTED = (0.07, 0.07, 0.09), (0.27, 0.28, 0.31), (0.42, 0.45, 0.52)


@dataclass(frozen=True)
class Around:
    """The captions around one key moment; None where the scene has none."""

    before: Caption | None
    now: Caption | None
    next: Caption | None

    def blocks(self) -> list[tuple[str, Caption]]:
        named = [("Before", self.before), ("Now", self.now), ("Next", self.next)]
        return [(name, caption) for name, caption in named if caption is not None]


def captions_around(timeline: Timeline, moment: str) -> Around:
    """The caption up when `moment` is reached (the last one begun by then), and its
    neighbours. Before the first caption, "Now" is empty and "Next" is the first."""
    t = timeline.time_of(moment)
    captions = timeline.captions
    begun = [i for i, c in enumerate(captions) if c.start <= t + 1e-9]
    at = begun[-1] if begun else -1

    def get(i: int) -> Caption | None:
        return captions[i] if 0 <= i < len(captions) else None

    return Around(get(at - 1) if at >= 0 else None, get(at), get(at + 1))


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in lines no wider than `width` (as `measure` says), broken between words;
    a word too wide for a line of its own is broken between letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while measure(word) > width and len(word) > 1:
            cut = max(k for k in range(1, len(word) + 1) if measure(word[:k]) <= width or k == 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Page:
    """One page's words, and where its figure goes."""

    still: Still
    around: Around
    total: int
    title: str  # the lecture's (or the scenes') title, in the footer

    @staticmethod
    def figure_box() -> tuple[float, float, float, float]:
        """(left, top, width, height) of the still, in points from the page's top left."""
        width = A4[0] - 2 * MARGIN
        return MARGIN, FIGURE_TOP, width, width * STILL_ASPECT

    def draw(self, ctx) -> None:
        """The page's words on a cairo context in points (any surface: PDF, or pixels to
        look at)."""
        from scenes.kit.theme import THEME

        face = THEME.font
        left, top, width, height = self.figure_box()
        heading = self.still.part.chapter or f"key moment {self.still.place[0]} of " \
                                              f"{self.still.place[1]}"
        _text(ctx, face, 10, MUTED, left, MARGIN + 10, heading)
        _text(ctx, face, 19, INK, left, MARGIN + 36, f"{self.still.scene} \u00b7 "
                                                      f"{self.still.moment}", bold=True)
        bottom = A4[1] - MARGIN
        for size in CAPTION_SIZES:  # the largest size at which every caption fits
            blocks = self._layout(ctx, face, size, width)
            if top + height + sum(h for *_, h in blocks) <= bottom - 24 or size == 9.0:
                break
        y = top + height + 30
        for name, lines, size, block_height in blocks:
            _text(ctx, face, 8.5, MUTED, left, y, name.upper(), bold=True)
            colour = INK if name == "Now" else SOFT
            for k, line in enumerate(lines):
                _text(ctx, face, size, colour, left, y + 16 + k * size * 1.4, line,
                      bold=False)
            y += block_height
        _text(ctx, face, 8.5, MUTED, left, bottom + 18, self.title)
        number = f"{self.still.number} / {self.total}"
        ctx.select_font_face(face)
        ctx.set_font_size(8.5)
        _text(ctx, face, 8.5, MUTED, left + width - ctx.text_extents(number).x_advance,
              bottom + 18, number)

    def _layout(self, ctx, face: str, size: float, width: float):
        import cairo

        ctx.select_font_face(face, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
        ctx.set_font_size(size)
        blocks = []
        for name, caption in self.around.blocks():
            lines = wrap(caption.text, width, lambda s: ctx.text_extents(s).x_advance)
            blocks.append((name, lines, size, 16 + len(lines) * size * 1.4 + 14))
        return blocks


def _text(ctx, face: str, size: float, rgb, x: float, y: float, text: str,
          bold: bool = False) -> None:
    """One line, its baseline at y."""
    import cairo

    ctx.select_font_face(face, cairo.FONT_SLANT_NORMAL,
                         cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    ctx.set_source_rgb(*rgb)
    ctx.move_to(x, y)
    ctx.show_text(text)


def pages(title: str, stills: Sequence[Still]) -> list[Page]:
    timelines: dict[Path, Timeline] = {}
    for still in stills:
        if still.task.timeline not in timelines:
            timelines[still.task.timeline] = Timeline.read(still.task.timeline)
    return [Page(s, captions_around(timelines[s.task.timeline], s.moment), len(stills), title)
            for s in stills]


def document(figures: Sequence[str], title: str) -> str:
    """The pdfTeX source that lays each figure on its page of pages.pdf. Figures are named
    f001.pdf... in the working folder, so no path of the user's reaches TeX."""
    left, top, width, height = Page.figure_box()
    bottom = A4[1] - top - height  # TeX's picture coordinates start at the bottom left
    utf16 = ("\ufeff" + title).encode("utf-16-be").hex().upper()
    lines = [r"\documentclass{article}",
             rf"\usepackage[paperwidth={A4[0]}bp,paperheight={A4[1]}bp,margin=0pt]{{geometry}}",
             r"\usepackage{pdfpages}",
             # plain objects, not packed in streams: any script (and the tests) can find
             # the pages and what each shows without a PDF library, for ~1 KB a page
             r"\pdfobjcompresslevel=0",
             rf"\pdfinfo{{/Title <{utf16}> /Creator (render.py sheet --handout)}}",
             r"\begin{document}"]
    for i, figure in enumerate(figures, start=1):
        # pdfpages' picture counts in TeX points unless told: ours are PostScript points
        place = rf"\setlength{{\unitlength}}{{1bp}}\put({left:.3f},{bottom:.3f})" \
                rf"{{\includegraphics[width={width:.3f}bp]{{{figure}}}}}"
        lines.append(rf"\includepdf[pages={i},noautoscale,picturecommand*={{{place}}}]"
                     r"{pages.pdf}")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


class Handout(Product):
    """Every key moment on its own A4 page, with the captions around it: for students."""

    suffix = "pdf"

    def require(self) -> None:
        if shutil.which("pdflatex") is None:
            raise UserError(f"pdflatex is missing (it places the stills on the handout's "
                            f"pages): run `make setup` or `{APT} texlive-latex-extra`")

    def write(self, title: str, stills: Sequence[Still], out: Path) -> None:
        import cairo

        book = pages(title, stills)
        with tempfile.TemporaryDirectory(prefix=tmp_prefix("handout"), dir=out.parent) as tmp:
            work = Path(tmp)
            surface = cairo.PDFSurface(str(work / "pages.pdf"), *A4)
            ctx = cairo.Context(surface)
            for page in book:
                page.draw(ctx)
                ctx.show_page()
            surface.finish()
            names = []
            for i, still in enumerate(stills, start=1):
                names.append(f"f{i:03d}.pdf")
                _link(still.file("pdf"), work / names[-1])
            (work / "handout.tex").write_text(document(names, title), encoding="utf-8")
            done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                                   "-no-shell-escape", "handout.tex"], cwd=work,
                                  capture_output=True, text=True, errors="replace",
                                  timeout=600)
            made = work / "handout.pdf"
            if done.returncode != 0 or not made.exists():
                raise RenderFailed(f"pdflatex could not lay out the handout: "
                                   f"{_tex_error(done.stdout)}")
            commit((made, out))


def _link(source: Path, name: Path) -> None:
    try:
        os.symlink(source.resolve(), name)
    except OSError:  # a filesystem without symbolic links
        shutil.copyfile(source, name)


def _tex_error(log: str) -> str:
    """TeX's first error line ("! ..."), or the log's last line."""
    lines = [line for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("!")]
    return (errors or lines or ["no output"])[0 if errors else -1]
