"""The heat map draws each entry with the tint its sign and size call for."""

import numpy as np

from scenes.kit import THEME
from scenes.kit.heatmap import HeatLegend, MatrixHeatmap, heat_fill


def test_tints_follow_sign_and_size():
    assert heat_fill(0.0, 2.0, THEME.value).upper() == THEME.background.upper()
    assert heat_fill(2.0, 2.0, THEME.value).upper() == THEME.value.upper()
    assert heat_fill(-2.0, 2.0, THEME.value).upper() == THEME.muted.upper()
    assert heat_fill(5.0, 2.0, THEME.value) == heat_fill(2.0, 2.0, THEME.value)  # clipped


def test_cells_keep_the_matrix_and_its_shape():
    values = np.arange(-6, 6, dtype=float).reshape(3, 4)
    m = MatrixHeatmap(values, THEME.value, title="W", row_breaks=(0,))
    assert m.values.shape == (3, 4) and len(m.cells) == 12
    assert m.color_scale == 6.0
    assert m.shape_label.original_text == "3 \u00d7 4"
    for k, cell in enumerate(m.cells):
        assert cell.get_fill_color().to_hex().upper() == heat_fill(
            values.flat[k], 6.0, THEME.value).upper()
    # row-major layout: cell (i, j) is right of (i, j-1) and below (i-1, j)
    assert m.cell(0, 1).get_x() > m.cell(0, 0).get_x()
    assert m.cell(1, 0).get_y() < m.cell(0, 0).get_y()
    assert len(m.breaks) == 1


def test_legend_prints_the_scale_it_uses():
    legend = HeatLegend(3.57, THEME.value)
    assert [n.value for n in legend.numbers] == [-3.57, 0.0, 3.57]
    assert legend.strip[0].get_fill_color().to_hex().upper() == THEME.muted.upper()
    assert legend.strip[-1].get_fill_color().to_hex().upper() == THEME.value.upper()
