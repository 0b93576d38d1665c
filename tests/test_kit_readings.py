"""A ReadingsTable shows each row's candidate as each state's Reading gives it, under that
state's heading, and refuses a row whose readings do not match the states."""

import pytest
import torch

from attention_core.readouts import Reading
from scenes.kit import THEME, Percent, ReadingRow, ReadingsTable, label

TOPICS = ("fruit", "tech", "animal")
E = Reading(TOPICS, torch.tensor([0.47, 0.48, 0.05]))
E_NEW = Reading(TOPICS, torch.tensor([0.97, 0.02, 0.01]))
STATES = [("E", THEME.embedding), ("E\u2032", THEME.output)]


def test_each_number_is_its_rows_candidate_in_its_states_reading():
    rows = [ReadingRow("apple: fruit", "fruit", (E, E_NEW), THEME.sense("fruit")),
            ReadingRow("apple: tech", "tech", (E, E_NEW))]
    table = ReadingsTable(rows, STATES, corner="reads as",
                          number_colors=(THEME.muted, THEME.output))
    assert [c.original_text for c in table.cells[0]] == ["reads as", "E", "E\u2032"]
    assert table.candidates == ["fruit", "tech"]
    for r, row in enumerate(rows, start=1):
        assert table.cells[r][0].original_text == row.name
        for c, reading in enumerate(row.readings, start=1):
            number = table.cells[r][c]
            assert number.value == pytest.approx(reading.of(row.candidate))
            # right-aligned under its state's heading, on its row's line
            assert number.get_right()[0] == pytest.approx(table.cells[0][c].get_right()[0])
            assert abs(number.get_y() - table.cells[r][0].get_y()) < 0.05
    assert table.values(1) == pytest.approx([0.97, 0.02], abs=1e-6)
    assert table.cells[1][2].get_fill_color().to_hex().upper() == THEME.output.upper()
    assert table.cells[1][0].get_fill_color().to_hex().upper() == THEME.sense("fruit").upper()


def test_extra_rows_go_under_on_the_same_columns():
    extra = [label("accuracy", THEME.small), Percent(0.19), Percent(1.0)]
    table = ReadingsTable([ReadingRow("mole: animal", "animal", (E, E_NEW))], STATES,
                          extra=[extra])
    assert len(table.reading_rows) == 1 and len(table.extra_rows) == 1
    assert extra[1].get_right()[0] == pytest.approx(table.cells[0][1].get_right()[0])
    assert extra[0].get_y() < table.cells[1][0].get_y()


def test_a_row_needs_one_reading_per_state():
    with pytest.raises(ValueError, match="1 readings for 2 states"):
        ReadingsTable([ReadingRow("apple", "fruit", (E,))], STATES)
