"""`spread_row`: a row of pictures spans the width it is given, with equal gaps."""

import pytest
from manim import Square

from scenes.kit import SAFE
from scenes.kit.layout import spread_row


def test_a_row_spans_the_safe_width_with_equal_gaps():
    row = [Square(1.0), Square(0.2), Square(3.0)]
    spread_row(row)
    assert row[0].get_left()[0] == pytest.approx(SAFE.left)
    assert row[-1].get_right()[0] == pytest.approx(SAFE.right)
    gaps = [b.get_left()[0] - a.get_right()[0] for a, b in zip(row[:-1], row[1:], strict=True)]
    assert gaps[0] == pytest.approx(gaps[1]) and gaps[0] > 0
    assert [m.get_y() for m in row] == [0, 0, 0]  # heights untouched
