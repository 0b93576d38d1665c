"""Label sides and leader lines (scenes/kit/leaders.py)."""

import numpy as np
import pytest
from manim import DL, DOWN, LEFT, RIGHT, UL, UP, UR, Line, Square

from scenes.kit import compass, leader


@pytest.mark.parametrize("direction, side", [
    ((1, 0), RIGHT), ((1, 0.3), RIGHT),  # within 22.5° of the x axis: straight right
    ((1, 1), UR), ((-2, 1.5), UL), ((-0.2, -3), DOWN), ((-1, -0.9), DL), ((0, 5), UP),
    ((-4, 0), LEFT), ((0, 0), UR),  # no direction: up and to the right
])
def test_compass_snaps_to_the_nearest_of_eight(direction, side):
    np.testing.assert_array_equal(compass(direction), side)


def test_leader_joins_a_pushed_label_to_its_point_and_none_beside_it():
    tag = Square(0.2).move_to([1.0, 0.0, 0.0])  # box from x = 0.9
    assert len(leader(tag, np.array([0.8, 0.0, 0.0]), "#FFFFFF")) == 0  # 0.1 away
    (line,) = leader(tag, np.array([0.0, 0.0, 0.0]), "#FFFFFF", buff=0.0)
    assert isinstance(line, Line)
    np.testing.assert_allclose(line.get_start(), [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(line.get_end(), [0.9, 0, 0], atol=1e-9)  # the box's near side
