"""`render.py sheet`: every key moment on one PNG grid, and `--handout`, a PDF a page each.

Through the command line on a small manifest (a title card and a scene of the tests' own
with two key moments and three captions: tests/fixtures/sheet_lecture.toml) and on one
real scene with few moments; plus the pieces that decide what is drawn where (the grid,
the labels, which captions go on a page, line breaking), on their own.
"""

import re
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from cli_support import FIXTURES, needs, needs_latex, one_line_error, run, snapshot
from rendering.handout import A4, Around, Page, captions_around, pages, wrap
from rendering.moments import Caption, Timeline
from rendering.sheet import SHEET_BACKGROUND, ContactSheet, Grid, Sheet, fit, thumbnail, tile_label

SMALL = FIXTURES / "sheet_lecture.toml"
REAL = "context_size"  # three key moments, no LaTeX-heavy formula
needs_pdflatex = needs("latex", "dvisvgm", "pdflatex")  # stills need LaTeX; the handout pdfTeX


def sheet_of(out: Path, *inputs: str, handout: bool = False):
    """Run `render.py sheet INPUTS --out OUT [--handout]` from the fixtures folder."""
    done = run("sheet", *inputs, "--out", str(out), *(["--handout"] if handout else []))
    assert done.returncode == 0, done.stderr
    return done


def plan(out: Path, *inputs: str):
    """What the command put on the sheet, as the module sees it: the sheet and its stills."""
    sheet = Sheet.read(list(inputs))
    return sheet, sheet.stills(sheet.tasks(out / "moments"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small lecture's sheet and handout (the handout reuses the sheet's stills)."""
    out = tmp_path_factory.mktemp("small")
    first = sheet_of(out, str(SMALL))
    second = sheet_of(out, str(SMALL), handout=True)
    return out, first, second


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("real")
    return out, sheet_of(out, REAL), sheet_of(out, REAL, handout=True)


# ---- the PNG sheet ---------------------------------------------------------------------
def tiles(png: Path, stills):
    """(thumbnail, label band) of every tile, cut from the sheet at the grid's boxes."""
    image = Image.open(png).convert("RGB")
    grid = ContactSheet().layout(len(stills))
    assert image.size == grid.size(len(stills))  # room for exactly these tiles
    return [(image.crop(grid.thumb_box(i)), image.crop(grid.label_box(i)))
            for i in range(len(stills))]


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is None


def expected_label(still, size) -> Image.Image:
    band = Image.new("RGB", size, SHEET_BACKGROUND)
    ContactSheet.draw_label(ImageDraw.Draw(band), (0, 0, *size), still)
    return band


def check_sheet(out: Path, done, inputs, name: str) -> None:
    png = out / f"{name}.png"
    assert done.stdout.splitlines() == [str(png)]  # the sheet's path, not every still's
    sheet, stills = plan(out, *inputs)
    cut = tiles(png, stills)
    for i, (still, (thumb, label)) in enumerate(zip(stills, cut, strict=True)):
        # the tile is that moment's still, in lecture order...
        assert same(thumb, thumbnail(still.file("png"), thumb.size)), still.moment
        # ...and its band holds its own label's text, which is real ink, not an empty band
        assert same(label, expected_label(still, label.size)), still.moment
        assert label.convert("L").point(lambda v: v > 128 and 255).getbbox() is not None
        if i:
            assert not same(label, expected_label(stills[i - 1], label.size))
            assert not same(thumb, cut[i - 1][0])


@needs_latex
def test_the_small_lecture_sheet_has_a_labelled_tile_per_key_moment(small):
    out, done, _ = small
    check_sheet(out, done, [str(SMALL)], "sheet_lecture")
    sheet, stills = plan(out, str(SMALL))
    # the card is no tile: only the scene's two moments, in the order the scene reaches them
    assert [(s.scene, s.moment) for s in stills] == [("sheet_scenes.Shapes", "square"),
                                                      ("sheet_scenes.Shapes", "circle")]
    assert [tile_label(s) for s in stills] == [
        ("sheet_scenes.Shapes \u00b7 square", "1. Two shapes"),
        ("sheet_scenes.Shapes \u00b7 circle", "2. Two shapes")]


@needs_latex
def test_a_real_scene_sheet(real):
    out, done, _ = real
    check_sheet(out, done, [REAL], REAL)
    _, stills = plan(out, REAL)
    assert [tile_label(s)[0] for s in stills] == [f"{REAL} \u00b7 {m}" for m in
                                                  ("grids", "square_law", "table")]
    assert tile_label(stills[1])[1] == "2. moment 2 of 3"  # no manifest: no chapter


@needs_pdflatex
def test_a_sheet_up_to_date_is_not_made_again(small, tmp_path):
    out, _, _ = small
    png = out / "sheet_lecture.png"
    before = png.stat().st_mtime_ns
    again = run("sheet", str(SMALL), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert re.search(r"^sheet_lecture\.png\s+up to date", again.stderr, re.M)
    assert re.search(r"\(moments\)\s+up to date", again.stderr)
    assert png.stat().st_mtime_ns == before


def test_the_grid_wraps_after_four_columns_and_holds_every_tile():
    grid = Grid()
    boxes = [grid.thumb_box(i) for i in range(9)]
    assert [b[1] for b in boxes[:4]] == [boxes[0][1]] * 4  # one row...
    assert boxes[4][1] > boxes[3][3] + grid.label and boxes[4][0] == boxes[0][0]  # ...then
    width, height = grid.size(9)
    assert all(b[2] <= width and grid.label_box(i)[3] <= height for i, b in enumerate(boxes))
    for a, b in zip(boxes, boxes[1:], strict=False):  # no two tiles overlap
        assert a[2] <= b[0] or a[3] <= b[1]
    assert ContactSheet().layout(2).size(2)[0] < grid.size(2)[0]  # two tiles, two columns


def test_a_label_too_long_for_its_tile_is_cut_with_an_ellipsis():
    def measure(text):
        return 10 * len(text)
    assert fit("short", 100, measure) == "short"
    cut = fit("a_very_long_scene_name \u00b7 a_long_moment", 100, measure)
    assert cut.endswith("\u2026") and measure(cut) <= 100
    assert "a_very_long_scene_name".startswith(cut[:-1])


# ---- the PDF handout -------------------------------------------------------------------
def pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Every object of a PDF written without object streams: number -> (dictionary,
    decompressed stream or b"")."""
    found = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        body = match.group(2)
        head, _, rest = body.partition(b"stream")
        stream = b""
        if rest:
            raw = rest.lstrip(b"\r\n")
            stream = zlib.decompressobj().decompress(raw) if b"/FlateDecode" in head else raw
        found[int(match.group(1))] = (head, stream)
    return found


def page_forms(data: bytes) -> list[list[bytes]]:
    """For each page in order, the decompressed content of the forms it draws."""
    objects = pdf_objects(data)
    return [[objects[r][1] for r in refs] for refs in _page_form_refs(objects)]


# in a text block: a font change, a string shown, or a move to the next line
TEXT_TOKENS = re.compile(rb"/(?P<font>\S+?)\s+[\d.]+\s+Tf|(?P<string>\((?:\\.|[^\\)])*\)"
                         rb"|<[0-9A-Fa-f]*>)|(?P<line>T[dD]\b|T\*)")


def page_texts(data: bytes) -> list[str]:
    """The words on each page, in drawing order: every string a form shows, read back
    through its font's ToUnicode map (how a PDF reader copies text). A move to another
    line is a space; a change of font (cairo's fallback for a glyph such as an arrow)
    is not."""
    objects = pdf_objects(data)
    texts = []
    for refs in _page_form_refs(objects):
        lines = []
        for ref in refs:
            head, content = objects[ref]
            fonts = re.search(rb"/Font\s*<<(.*?)>>", head, re.S)
            if fonts is None:
                continue  # a drawing: no text
            maps = {name: _to_unicode(objects, int(font)) for name, font in
                    re.findall(rb"/(\S+?)\s+(\d+) 0 R", fonts.group(1))}
            for block in re.findall(rb"BT(.*?)ET", content, re.S):
                shown, font = [], None
                for token in TEXT_TOKENS.finditer(block):
                    if token["font"]:
                        font = maps[token["font"]]
                    elif token["line"]:
                        shown.append(" ")
                    else:
                        width, mapping = font
                        codes = _codes(token["string"])
                        shown.extend(mapping.get(int.from_bytes(codes[k:k + width]), "\ufffd")
                                     for k in range(0, len(codes), width))
                lines.append("".join(shown))
        texts.append(" ".join(lines))
    return texts


def _to_unicode(objects, font: int) -> tuple[int, dict[int, str]]:
    """A font's code width in bytes (1 for a simple font, 2 for cairo's Identity-H
    fallback fonts) and its code -> text map."""
    cmap = objects[int(re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[font][0]).group(1))][1]
    space, _, table = cmap.partition(b"endcodespacerange")
    width = len(re.search(rb"<([0-9a-fA-F]+)>", space.split(b"begincodespacerange")[1])
                .group(1)) // 2
    mapping = {}
    for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", table):
        mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return width, mapping


def _codes(string: bytes) -> bytes:
    """The bytes of a PDF string: <hex>, or (literal) with its backslash escapes."""
    if string.startswith(b"<"):
        return bytes.fromhex(string[1:-1].decode())
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def unescape(match):
        code = match.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else escapes.get(code, code)
    return re.sub(rb"\\([0-7]{1,3}|.)", unescape, string[1:-1], flags=re.S)


def _page_form_refs(objects) -> list[list[int]]:
    tree = next(h for h, _ in objects.values() if re.search(rb"/Type\s*/Pages", h))
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", tree,
                                                                  re.S).group(1))]
    result = []
    for kid in kids:
        head = objects[kid][0]
        assert re.search(rb"/Type\s*/Page\b", head)
        xobjects = re.search(rb"/XObject\s*<<(.*?)>>", head, re.S)
        if xobjects is None:  # resources held in an object of their own
            ref = int(re.search(rb"/Resources\s+(\d+) 0 R", head).group(1))
            xobjects = re.search(rb"/XObject\s*<<(.*?)>>", objects[ref][0], re.S)
        result.append([int(r) for r in re.findall(rb"(\d+) 0 R", xobjects.group(1))])
    return result


def figure_content(pdf: Path) -> bytes:
    """The drawing of a still's PDF (cairo's, one page): its page's content stream."""
    objects = pdf_objects(pdf.read_bytes())
    page = next(h for h, _ in objects.values() if re.search(rb"/Type\s*/Page\b", h))
    return objects[int(re.search(rb"/Contents\s+(\d+) 0 R", page).group(1))][1]


def check_handout(out: Path, inputs, name: str) -> None:
    data = (out / f"{name}.pdf").read_bytes()
    _, stills = plan(out, *inputs)
    forms = page_forms(data)
    assert len(forms) == len(stills)  # one page per key moment
    for still, drawn in zip(stills, forms, strict=True):
        # the page draws that moment's own vector still, as the figure path wrote it
        assert figure_content(still.file("pdf")) in drawn, still.moment
    # each page's words, as a reader copies them: the heading and the captions around it
    for still, text in zip(stills, page_texts(data), strict=True):
        words = " ".join(text.split())
        assert f"{still.scene} \u00b7 {still.moment}" in words
        around = captions_around(Timeline.read(still.task.timeline), still.moment)
        assert around.now is not None
        for _, caption in around.blocks():
            assert caption.text in words, (still.moment, caption.text)
    assert b"/Subtype /Image" not in data  # no pixels anywhere: paths and text
    descriptors = re.findall(rb"/Type\s*/FontDescriptor(.*?)>>", data, re.S)
    assert descriptors and all(b"/FontFile" in d for d in descriptors)  # fonts embedded


@needs_pdflatex
def test_the_small_lecture_handout_is_a_vector_page_per_moment(small):
    out, _, done = small
    assert done.stdout.splitlines() == [str(out / "sheet_lecture.pdf")]
    assert re.search(r"\(moments\)\s+up to date", done.stderr)  # the sheet's, not a new run
    check_handout(out, [str(SMALL)], "sheet_lecture")


@needs_pdflatex
def test_the_figure_sits_in_its_box_on_every_page(small):
    out, _, _ = small
    objects = pdf_objects((out / "sheet_lecture.pdf").read_bytes())
    left, top, width, height = Page.figure_box()
    bottom = A4[1] - top - height  # PDF pages count from the bottom left
    page_heads = [h for h, _ in objects.values() if re.search(rb"/Type\s*/Page\b", h)]
    assert len(page_heads) == 2
    for head in page_heads:
        content = objects[int(re.search(rb"/Contents\s+(\d+) 0 R", head).group(1))][1]
        # pdfTeX moves to the box's corner, then scales the 1920 pt wide still to its width
        moves = re.findall(rb"1 0 0 1 ([-\d.]+) ([-\d.]+) cm", content)
        assert any(abs(float(x) - left) < 0.05 and abs(float(y) - bottom) < 0.05
                   for x, y in moves), moves
        scales = re.findall(rb"([\d.]+) 0 0 \1 0 0 cm", content)
        assert any(abs(float(f) - width / 1920) < 1e-4 for f in scales), scales


@needs_pdflatex
def test_a_real_scene_handout(real):
    out, _, done = real
    assert re.search(r"\(moments\)\s+up to date", done.stderr)
    check_handout(out, [REAL], REAL)


@needs_pdflatex
def test_the_small_lecture_pages_take_the_captions_its_script_says(small):
    out = small[0]
    sheet, stills = plan(out, str(SMALL))
    # the fixture's script, read by eye: each moment comes while its picture's caption is up
    assert [(p.around.before and p.around.before.text, p.around.now.text,
             p.around.next and p.around.next.text) for p in pages(sheet.title, stills)] == [
        (None, "First a blue square appears.", "Then the square turns into an orange circle."),
        ("First a blue square appears.", "Then the square turns into an orange circle.",
         "That is all: two shapes, two key moments.")]


# ---- which captions, and how they break -----------------------------------------------
ONE, TWO, THREE = (Caption("one", 1.0, 3.0), Caption("two", 3.0, 5.0),
                   Caption("three", 5.0, 8.0))


@pytest.mark.parametrize("seconds,expected", [
    (0.5, Around(None, None, ONE)),  # before anything is said: the first caption is next
    (1.0, Around(None, ONE, TWO)),  # a caption begun at that very instant is up
    (4.0, Around(ONE, TWO, THREE)),
    (7.9, Around(TWO, THREE, None)),  # the last caption: nothing after it
])
def test_captions_around_a_moment(seconds, expected):
    timeline = Timeline((("m", seconds),), (ONE, TWO, THREE))
    assert captions_around(timeline, "m") == expected


def test_wrap_breaks_between_words_and_keeps_every_word():
    def measure(text):
        return len(text)
    text = "Each weight scales the value vector of its word; the sum is the change"
    lines = wrap(text, 20, measure)
    assert all(len(line) <= 20 for line in lines) and len(lines) > 1
    assert " ".join(lines) == text
    assert wrap("a" * 45, 20, measure) == ["a" * 20, "a" * 20, "a" * 5]  # no space to break at


# ---- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize("args,needles", [
    (["no_such_scene"], ("unknown scene 'no_such_scene'",)),
    (["missing.toml"], ("missing.toml: no such file",)),
    (["sheet_scenes.py:NoMoments"], ("declares no key moments",)),
    ([str(SMALL), "values"], ("is a lecture manifest", "name it alone")),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, needles):
    out = tmp_path / "out"
    (out / "moments").mkdir(parents=True)
    (out / "sheet_lecture.png").write_bytes(b"an earlier sheet")
    before = snapshot(out)
    for extra in ([], ["--handout"]):
        one_line_error(run("sheet", *args, *extra, "--out", str(out)), *needles)
        assert snapshot(out) == before


def test_a_manifest_without_any_key_moment(tmp_path):
    manifest = tmp_path / "cards.toml"
    manifest.write_text('title = "x"\n\n[[chapter]]\ntitle = "Only a card"\ncard = "Hello"\n')
    one_line_error(run("sheet", str(manifest), "--out", str(tmp_path / "out")),
                   "no chapter's scene declares key moments")
    assert not (tmp_path / "out").exists()
