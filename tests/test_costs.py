"""GPT-3's attention parameters, counted the lecture's way."""

import pytest

from attention_core import GPT3, count_parameters, pattern_cost
from attention_core.costs import GPT3_TOTAL_PARAMETERS, human_bytes


def test_gpt3_counts():
    c = count_parameters(12_288, 128, 96, 96)
    assert (c.query, c.key, c.value_down, c.value_up) == (1_572_864,) * 4
    assert c.per_head == 6_291_456
    assert c.per_layer == 603_979_776
    assert c.total == 57_982_058_496
    assert count_parameters(**GPT3) == c
    assert 0.33 < c.total / GPT3_TOTAL_PARAMETERS < 0.34  # "about a third"


def test_counts_scale_as_expected():
    c = count_parameters(8, 2, 3, 4)
    assert c.per_head == 4 * 8 * 2 and c.total == 4 * 8 * 2 * 3 * 4


@pytest.mark.parametrize("bad", [0, -1])
def test_rejects_non_positive_sizes(bad):
    with pytest.raises(ValueError, match="d_head"):
        count_parameters(12, bad, 1, 1)


def test_pattern_grows_with_the_square_of_context():
    small, large = pattern_cost(2048), pattern_cost(4096)
    assert large.entries == 4 * small.entries == 4 * 2048**2
    assert pattern_cost(2048, n_heads=96, n_layers=96).bytes == 2048**2 * 96 * 96 * 2
    assert human_bytes(1536) == "1.5 KiB" and human_bytes(12) == "12 B"
