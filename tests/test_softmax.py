"""Softmax with a temperature, against torch and against its two limits."""

import pytest
import torch

from attention_core import load_model
from attention_core.softmax import argmax_one_hot, softmax, with_score


@pytest.fixture
def rows():
    return torch.randn(5, 7) * 2


def test_rows_sum_to_one_at_every_temperature(rows):
    for t in (0.05, 0.5, 1.0, 3.0, 50.0):
        w = softmax(rows, t)
        assert (w >= 0).all() and (w <= 1).all()
        torch.testing.assert_close(w.sum(-1), torch.ones(5))


def test_temperature_one_is_torch_softmax(rows):
    torch.testing.assert_close(softmax(rows), torch.softmax(rows, dim=-1))
    torch.testing.assert_close(softmax(rows, 2.5), torch.softmax(rows / 2.5, dim=-1))


def test_cold_softmax_approaches_the_argmax_pick(rows):
    hard = argmax_one_hot(rows)
    gaps = [(softmax(rows, t) - hard).abs().max().item() for t in (1.0, 0.1, 0.01)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3


def test_hot_softmax_approaches_uniform(rows):
    uniform = torch.full_like(rows, 1 / rows.shape[-1])
    gaps = [(softmax(rows, t) - uniform).abs().max().item() for t in (1.0, 10.0, 1000.0)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3


def test_masked_scores_stay_zero():
    row = torch.tensor([1.0, float("-inf"), 0.5])
    for t in (0.1, 1.0, 10.0):
        assert softmax(row, t)[1] == 0


def test_argmax_one_hot_is_one_hot_and_first_on_ties():
    w = argmax_one_hot(torch.tensor([[0.1, 2.0, -1.0], [3.0, 3.0, 0.0]]))
    assert w.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_the_pick_jumps_while_softmax_moves_a_little():
    """Two scores crossing: argmax moves all the weight, softmax a small share."""
    row = load_model().run("buy an apple and an orange").scores[2]
    top = int(row.argmax())
    other = 0 if top != 0 else 1
    below = with_score(row, other, float(row[top]) - 0.01)
    above = with_score(row, other, float(row[top]) + 0.01)
    assert (argmax_one_hot(above) - argmax_one_hot(below)).abs().max() == 1
    assert (softmax(above) - softmax(below)).abs().max() < 0.01


def test_with_score_copies(rows):
    changed = with_score(rows[0], 3, 9.0)
    assert changed[3] == 9.0 and rows[0, 3] != 9.0


def test_temperature_must_be_positive(rows):
    with pytest.raises(ValueError, match="positive"):
        softmax(rows, 0.0)
