"""Every key moment of a lecture on one sheet: a PNG grid to review on a screen.

    render.py sheet                         the default lecture's key moments, one grid
    render.py sheet masking values          two scenes' moments
    render.py sheet talk.toml --handout     a lecture's moments as a PDF, one a page

What goes on a sheet (`Sheet.read`): the scenes named on the command line, or a lecture
manifest's chapters in order. A title card has no key moment, so it has no tile and no
page (its words are the manifest's own); a chapter whose scene declares no moments is left
out the same way, while a scene named on the command line without any is an error.

The stills come from the figure path, one `moments.MomentsTask` per scene (cached, run in
parallel with --jobs); this module only lays them out. The grid has 4 columns of 480x270
thumbnails (a quarter of the 1920x1080 still: large enough to judge a layout, 2 000 pixels
wide for a screen), each labelled with its scene and moment name, and, from a manifest,
its chapter. The product is cached like a joined lecture: its key is the stills' keys,
what is on it, and this code.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import shutil
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .errors import UserError
from .files import atomic_write, read_text
from .imports import module_file
from .lecture import read_manifest
from .moments import STILL_FORMATS, MomentsTask
from .resolve import resolve
from .specs import TomlDoc
from .targets import ModuleScene, Target


@dataclass(frozen=True)
class Part:
    """One scene's share of a sheet: the chapter it is (from a manifest) and its moments."""

    target: Target
    chapter: str  # the manifest's chapter title; "" for a scene named on the command line
    moments: tuple[str, ...]


@dataclass(frozen=True)
class Still:
    """One key moment: a tile of the sheet, a page of the handout."""

    number: int  # 1.. over the whole sheet
    part: Part
    moment: str
    task: MomentsTask  # whose run takes the still

    @property
    def scene(self) -> str:
        return self.part.target.label

    @property
    def place(self) -> tuple[int, int]:
        """(k, n): the scene's k-th key moment of n."""
        return self.part.moments.index(self.moment) + 1, len(self.part.moments)

    def file(self, fmt: str) -> Path:
        return self.task.still(self.moment, fmt)


@dataclass(frozen=True)
class Sheet:
    name: str  # the output's stem
    title: str
    parts: tuple[Part, ...]

    @classmethod
    def read(cls, texts: Sequence[str]) -> Sheet:
        """Scene targets (names, file.py[:Class], spec.toml), or one lecture manifest (a
        TOML file with [[chapter]] tables); every input checked, nothing rendered yet."""
        manifests = [t for t in texts if t.endswith(".toml") and _is_manifest(Path(t))]
        if manifests and len(texts) > 1:
            raise UserError(f"{manifests[0]} is a lecture manifest: it makes a sheet of its "
                            "own, so name it alone")
        if manifests:
            lecture = read_manifest(Path(manifests[0]))
            parts = tuple(Part(ch.target, ch.title, moments) for ch in lecture.chapters
                          if (moments := declared_moments(ch.target)))
            if not parts:
                raise UserError(f"{manifests[0]}: no chapter's scene declares key moments, "
                                "so there is nothing to put on a sheet")
            return cls(lecture.name, lecture.title, parts)
        targets = list(dict.fromkeys(t for text in texts for t in resolve(text)))
        parts = []
        for target in targets:
            moments = declared_moments(target)
            if not moments:
                raise UserError(f"{target.label} declares no key moments to put on a sheet")
            parts.append(Part(target, "", moments))
        labels = [t.label for t in targets]
        return cls("+".join(labels), ", ".join(labels), tuple(parts))

    def tasks(self, folder: Path) -> list[MomentsTask]:
        """One run per scene (a scene in two chapters is rendered once), stills in
        folder/<scene>/."""
        unique = {p.target: p.moments for p in self.parts}
        return [MomentsTask(target, folder / target.label, STILL_FORMATS, moments)
                for target, moments in unique.items()]

    def stills(self, tasks: Sequence[MomentsTask]) -> list[Still]:
        by_target = {task.target: task for task in tasks}
        pairs = [(part, moment) for part in self.parts for moment in part.moments]
        return [Still(i, part, moment, by_target[part.target])
                for i, (part, moment) in enumerate(pairs, start=1)]

    def make(self, product: Product, tasks: Sequence[MomentsTask], task_keys: Sequence[str],
             folder: Path, force: bool) -> tuple[Path, str]:
        """Write the sheet (or handout) from rendered stills unless it is up to date; its
        path and status."""
        out = folder / f"{self.name}.{product.suffix}"
        stills = self.stills(tasks)
        key = self.key(product, stills, task_keys)
        if not force and cache.is_fresh([out], key):
            return out, "up to date"
        product.write(self.title, stills, out)
        cache.mark_fresh([out], key)
        return out, "made"

    def key(self, product: Product, stills: Sequence[Still], task_keys: Sequence[str]) -> str:
        """What the product shows (the stills' keys, its tiles and their words) and the
        code that lays it out."""
        h = hashlib.sha256(cache.Keys().code(Path(inspect.getfile(type(product)))).encode())
        h.update(repr((self.title, [(s.scene, s.moment, s.part.chapter) for s in stills],
                       list(task_keys))).encode())
        return h.hexdigest()


class Product(ABC):
    """What a sheet is written as: the PNG grid here, the PDF handout (handout.py)."""

    suffix: str

    def require(self) -> None:  # noqa: B027 (most products need nothing more)
        """Check the tools it needs before any work starts (a UserError if missing)."""
        return None

    @abstractmethod
    def write(self, title: str, stills: Sequence[Still], out: Path) -> None:
        """Put the finished file at `out` atomically."""


def _is_manifest(path: Path) -> bool:
    return "chapter" in TomlDoc(path).data


def declared_moments(target: Target) -> tuple[str, ...]:
    """The key moments a target's class declares.

    A project scene's (or card's) are read from its source as the registry reads them,
    so a sheet that is up to date costs no Manim start-up; a class in a lecturer's own
    file is imported and asked (it may take them from a class in another module)."""
    if isinstance(target, ModuleScene):
        module, name = target.module_and_class()
        path = module_file(module)
        if path is not None:
            return _literal_moments(path, name)
    return tuple(getattr(target.scene_class(), "key_moments", ()))


def _literal_moments(path: Path, name: str) -> tuple[str, ...]:
    """`key_moments = (...)` of class `name` in `path`, or of the nearest class it derives
    from in that file; () if none declares them (the base ExplainerScene has none)."""
    from scenes import scene_classes

    classes = {c.name: c for c in scene_classes(read_text(path), str(path))}
    todo = [name]
    while todo:
        cls = classes.get(todo.pop(0))
        if cls is None:
            continue
        moments = cls.literal("key_moments")
        if moments is not None:
            return tuple(moments)
        todo += [base.id for base in cls.node.bases if hasattr(base, "id")]
    return ()


# ---- the PNG grid -----------------------------------------------------------------
@dataclass(frozen=True)
class Grid:
    """Where each tile goes: a header, then rows of thumbnails, each above its label."""

    columns: int = 4
    thumb: tuple[int, int] = (480, 270)
    label: int = 58  # the label band under a thumbnail: two lines
    gutter: int = 20
    margin: int = 28
    header: int = 84

    def size(self, count: int) -> tuple[int, int]:
        rows = -(-count // self.columns)
        width = 2 * self.margin + self.columns * self.thumb[0] + (self.columns - 1) * self.gutter
        height = self.margin + self.header + rows * self.row_height - self.gutter + self.margin
        return width, height

    @property
    def row_height(self) -> int:
        return self.thumb[1] + self.label + self.gutter

    def thumb_box(self, index: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the index-th thumbnail (0-based)."""
        row, column = divmod(index, self.columns)
        left = self.margin + column * (self.thumb[0] + self.gutter)
        top = self.margin + self.header + row * self.row_height
        return left, top, left + self.thumb[0], top + self.thumb[1]

    def label_box(self, index: int) -> tuple[int, int, int, int]:
        left, _, right, bottom = self.thumb_box(index)
        return left, bottom, right, bottom + self.label


def tile_label(still: Still) -> tuple[str, str]:
    """The two lines under a tile: scene and moment; then its number and where it is."""
    k, n = still.place
    where = still.part.chapter or f"moment {k} of {n}"
    return f"{still.scene} \u00b7 {still.moment}", f"{still.number}. {where}"


def fit(text: str, width: float, measure) -> str:
    """`text`, cut with an ellipsis until `measure(text)` (pixels) is at most `width`."""
    if measure(text) <= width:
        return text
    while text and measure(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def thumbnail(png: Path, size: tuple[int, int]):
    """A still scaled down to a tile (Lanczos: thin lines and small text stay legible)."""
    from PIL import Image

    with Image.open(png) as image:
        return image.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


@functools.cache
def font(size: int, bold: bool = False):
    """The theme's text face (assets/theme.toml), found by fontconfig, at `size` pixels;
    Pillow's own face where fontconfig cannot find it."""
    from PIL import ImageFont

    from scenes.kit.theme import THEME

    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}",
                                f"{THEME.font}:{'bold' if bold else 'regular'}"],
                               capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            return ImageFont.truetype(found.stdout.strip(), size)
    return ImageFont.load_default(size)


SHEET_BACKGROUND = "#1B1F27"  # a shade lighter than the frames, so each tile's edge shows
TITLE_SIZE, SUBTITLE_SIZE, LABEL_SIZE, PLACE_SIZE = 30, 18, 18, 15


class ContactSheet(Product):
    """Every key moment as a thumbnail, in lecture order, labelled."""

    suffix = "png"

    def __init__(self, grid: Grid = Grid()):
        self.grid = grid

    def layout(self, count: int) -> Grid:
        """The grid for `count` tiles: fewer columns when there are fewer tiles than that."""
        return dataclasses.replace(self.grid, columns=max(1, min(self.grid.columns, count)))

    def image(self, title: str, stills: Sequence[Still]):
        from PIL import Image, ImageDraw

        from scenes.kit.theme import THEME

        grid = self.layout(len(stills))
        sheet = Image.new("RGB", grid.size(len(stills)), SHEET_BACKGROUND)
        draw = ImageDraw.Draw(sheet)
        scenes = len({s.scene for s in stills})
        draw.text((grid.margin, grid.margin), title, fill=THEME.text, font=font(TITLE_SIZE, True))
        draw.text((grid.margin, grid.margin + TITLE_SIZE + 12),
                  f"{len(stills)} key moments from {scenes} scene{'s' * (scenes != 1)}",
                  fill=THEME.muted, font=font(SUBTITLE_SIZE))
        for i, still in enumerate(stills):
            left, top, _, _ = grid.thumb_box(i)
            sheet.paste(thumbnail(still.file("png"), grid.thumb), (left, top))
            self.draw_label(draw, grid.label_box(i), still)
        return sheet

    @staticmethod
    def draw_label(draw, box: tuple[int, int, int, int], still: Still) -> None:
        """The tile's two lines (`tile_label`) in its label band, cut to the tile's width."""
        from scenes.kit.theme import THEME

        left, top, right, _ = box
        name, place = tile_label(still)
        bold, small = font(LABEL_SIZE, True), font(PLACE_SIZE)
        draw.text((left, top + 8), fit(name, right - left, bold.getlength), fill=THEME.text,
                  font=bold)
        draw.text((left, top + 16 + LABEL_SIZE), fit(place, right - left, small.getlength),
                  fill=THEME.muted, font=small)

    def write(self, title: str, stills: Sequence[Still], out: Path) -> None:
        image = self.image(title, stills)
        atomic_write(out, lambda tmp: image.save(tmp, format="PNG"))
