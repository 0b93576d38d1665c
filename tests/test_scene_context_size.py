"""The context-size scene: every grid, entry count and memory figure is n², recomputed here."""

import pytest

from attention_core.costs import human_bytes
from scene_harness import find, run_scene, visible_texts
from scenes.context_size import ContextSize, PatternSquare
from scenes.kit import fmt_int

LENGTHS = (512, 2048, 8192, 32768, 131072, 1_048_576)


@pytest.fixture(scope="module")
def run():
    return run_scene(ContextSize)


def test_grids_have_n_squared_cells_at_one_cell_size(run):
    squares = find(run.at("grids"), PatternSquare)
    assert [s.n for s in squares] == [4, 8, 16, 32]
    texts = visible_texts(run.at("grids"))
    side_per_cell = {round(s.back.width / s.n, 9) for s in squares}
    assert len(side_per_cell) == 1  # same cell size, so areas compare honestly
    for s in squares:
        lines = s.submobjects[1]
        assert len(lines) == 2 * (s.n + 1)  # n + 1 lines each way: n × n cells
        assert s.entries == s.n * s.n
        assert f"{s.n * s.n:,} entries" in texts
    # area grows with the square of n
    a, b = squares[0], squares[-1]
    assert b.back.width * b.back.height / (a.back.width * a.back.height) == pytest.approx(
        (b.n / a.n) ** 2)


def test_doubling_n_quadruples_the_entries(run):
    texts = visible_texts(run.at("square_law"))
    assert texts.count("\u00d74") == 3 and texts.count("n \u00d72") == 3


def test_table_rows_are_computed_from_n_squared(run):
    texts = visible_texts(run.at("table"))
    for k, n in enumerate(LENGTHS):
        entries = n * n
        assert fmt_int(n) in texts or f"{fmt_int(n)}  (GPT-3)" in texts
        assert f"{entries:,}" in texts
        assert human_bytes(entries * 2) in texts  # one head, 2 bytes per entry
        assert human_bytes(entries * 96 * 96 * 2) in texts  # 96 heads × 96 layers
        if k:
            step = n // LENGTHS[k - 1]
            assert f"\u00d7{step} \u2192 \u00d7{step * step}" in texts
    assert "2,048  (GPT-3)" in texts


def test_gpt3_caption_matches_the_table(run):
    caption = next(text for text, _, _ in run.scene.captions if "GPT-3's" in text)
    assert human_bytes(2048**2 * 2) in caption and human_bytes(2048**2 * 96 * 96 * 2) in caption
    assert "9,216 heads" in caption
