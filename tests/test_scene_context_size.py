"""The context-size scene against n² worked out here: every grid has n × n cells, every
entry count and memory figure is n², n² × 2 bytes or n² × 96 heads × 96 layers × 2 bytes,
read back from the text on screen and found in its own square, gap or table row."""

import re

import numpy as np
import pytest
from manim import SurroundingRectangle, Text

from scene_harness import find, run_scene
from scenes.context_size import ContextSize, PatternSquare

P = ContextSize.params
GPT3_HEADS, GPT3_LAYERS, GPT3_CONTEXT = 96, 96, 2048  # GPT-3 175B: 96 layers of 96 heads
FP16 = 2  # bytes per entry
UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


@pytest.fixture(scope="module")
def run():
    return run_scene(ContextSize)


def shown(mobjects):
    return [t for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]


def bytes_read(text):
    """'8.0 MiB' -> (8.0, 2): the number and its unit's power of 1024."""
    number, unit = re.fullmatch(r"(\d+(?:\.\d)?) (\w+)", text).groups()
    return float(number), UNITS.index(unit)


def assert_bytes(text, expected):
    """`text` is `expected` bytes in the largest binary unit below it, to one decimal."""
    number, power = bytes_read(text)
    assert 1 <= number < 1024 or power == len(UNITS) - 1, text
    assert abs(number - expected / 1024**power) <= 0.05 + 1e-9, (text, expected)


def test_grids_have_n_by_n_cells_at_one_cell_size(run):
    squares = sorted(find(run.at("grids"), PatternSquare), key=lambda s: s.get_x())
    assert [s.n for s in squares] == list(P.grid_sizes)
    texts = shown(run.at("grids"))
    pitches = []
    for s, n in zip(squares, P.grid_sizes, strict=True):
        lines = s.submobjects[1]
        xs = sorted(line.get_x() for line in lines if line.width < 1e-9)  # vertical lines
        ys = sorted(line.get_y() for line in lines if line.height < 1e-9)  # horizontal lines
        for ticks, lo, hi in ((xs, s.back.get_left()[0], s.back.get_right()[0]),
                              (ys, s.back.get_bottom()[1], s.back.get_top()[1])):
            np.testing.assert_allclose(ticks, np.linspace(lo, hi, n + 1), atol=1e-6)
        pitches.append(s.back.width / n)
        # under its own square: "n = 8" above "64 entries"
        (name,), (entries,) = ([t for t in texts if t.original_text == x]
                               for x in (f"n = {n}", f"{n * n:,} entries"))
        for tag in (name, entries):
            assert tag.get_x() == pytest.approx(s.get_x(), abs=1e-6)
            assert tag.get_top()[1] < s.get_bottom()[1]
        assert name.get_y() > entries.get_y()
    np.testing.assert_allclose(pitches, pitches[0], atol=1e-9)  # areas compare honestly
    a, b = squares[0], squares[-1]
    assert b.back.width * b.back.height / (a.back.width * a.back.height) == pytest.approx(
        (P.grid_sizes[-1] / P.grid_sizes[0]) ** 2)


def test_doubling_n_quadruples_the_entries_between_each_pair(run):
    squares = sorted(find(run.at("square_law"), PatternSquare), key=lambda s: s.get_x())
    ratios = [t for t in shown(run.at("square_law"))
              if re.fullmatch(r"(n )?\u00d7\d+", t.original_text)]
    assert len(ratios) == 2 * (len(squares) - 1)
    for a, b in zip(squares[:-1], squares[1:], strict=True):
        between = [t.original_text for t in ratios
                   if a.get_right()[0] < t.get_x() < b.get_left()[0]]
        step = b.n // a.n
        assert sorted(between) == sorted([f"n \u00d7{step}", f"\u00d7{step * step}"])


def test_table_rows_are_n_squared_entries_and_bytes(run):
    table = run.scene.table
    visible = shown(run.at("table"))

    def on_screen(cell):
        return any(t.original_text == cell.original_text
                   and np.allclose(t.get_center(), cell.get_center(), atol=1e-6) for t in visible)

    assert len(table.cells) == 1 + len(P.lengths)
    for k, (row, n) in enumerate(zip(table.cells[1:], P.lengths, strict=True)):
        assert all(on_screen(cell) for cell in row)
        context, entries, one_head, model, step = (cell.original_text for cell in row)
        name = (P.marked or {}).get(n)
        assert context == f"{n:,}" + (f"  ({name})" if name else "")
        assert entries == f"{n * n:,}"
        assert_bytes(one_head, n * n * FP16)
        assert_bytes(model, n * n * GPT3_HEADS * GPT3_LAYERS * FP16)
        if k == 0:
            assert step == "\u2014"
        else:
            grow = n // P.lengths[k - 1]
            assert step == f"\u00d7{grow} \u2192 \u00d7{grow * grow}"
    header = [c.original_text for c in table.cells[0]]
    assert header[3] == f"{GPT3_HEADS} heads \u00d7 {GPT3_LAYERS} layers"


def test_gpt3_row_is_boxed_and_the_caption_matches(run):
    table = run.scene.table
    k = P.lengths.index(GPT3_CONTEXT)
    assert table.cells[k + 1][0].original_text == f"{GPT3_CONTEXT:,}  (GPT-3)"
    (box,) = find(run.at("table"), SurroundingRectangle)
    assert box.get_y() == pytest.approx(table.rows[k + 1].get_y(), abs=1e-6)
    assert box.get_left()[0] < table.rows[k + 1].get_left()[0]
    assert box.get_right()[0] > table.rows[k + 1].get_right()[0]
    caption = next(text for text, _, _ in run.scene.captions if "GPT-3's" in text)
    match = re.fullmatch(rf"At GPT-3's {GPT3_CONTEXT:,} tokens one head's pattern takes (.+?); all "
                         r"([\d,]+) heads together would take (.+?)\. At ([\d,]+) tokens: "
                         r"(.+)\.", caption)
    one, heads, whole, longest, at_longest = match.groups()
    assert int(heads.replace(",", "")) == GPT3_HEADS * GPT3_LAYERS
    assert_bytes(one, GPT3_CONTEXT**2 * FP16)
    assert_bytes(whole, GPT3_CONTEXT**2 * GPT3_HEADS * GPT3_LAYERS * FP16)
    n = int(longest.replace(",", ""))
    assert n == max(P.lengths)
    assert_bytes(at_longest, n * n * GPT3_HEADS * GPT3_LAYERS * FP16)
