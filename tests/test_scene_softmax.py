"""What the softmax scene shows is what the core computes for the tracker's value."""

import numpy as np
import pytest
import torch
from manim import ValueTracker

from attention_core import load_model
from attention_core.softmax import argmax_one_hot, softmax
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import ScoreRow, fmt
from scenes.kit.live import LiveNumber, LiveWeightBars
from scenes.softmax import Softmax, SoftmaxParams

P = SoftmaxParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(Softmax)


@pytest.fixture(scope="module")
def row():
    trace = load_model().run(P.sentence)
    return trace, trace.scores[trace.position(P.focus)].double()


def tracker(snapshot, name):
    (t,) = [m for m in find(snapshot, ValueTracker) if m.name == name]
    return t.get_value()


def bars(snapshot, name):
    (b,) = [m for m in find(snapshot, LiveWeightBars) if m.name == name]
    return b


def assert_bars_show(b, weights):
    """Values, drawn heights and printed numbers all equal `weights`."""
    weights = np.asarray(weights, float)
    assert_close(b.values, weights)
    assert_close(b.heights(), np.maximum(weights * b.max_height, 1e-3), atol=1e-6)
    assert [n.text for n in b.numbers] == [fmt(w) for w in weights]


def test_the_score_row_is_the_traces(run, row):
    _, scores = row
    (shown,) = find(run.at("scores"), ScoreRow)
    assert_close(shown.values, scores)


@pytest.mark.parametrize("moment, side", [("before_cross", -1), ("after_cross", +1)])
def test_bars_at_the_crossing_follow_the_tracker(run, row, moment, side):
    trace, scores = row
    j = trace.tokens.index(P.mover)
    top = max(float(s) for k, s in enumerate(scores) if k != j)
    snap = run.at(moment)
    value = tracker(snap, "score")
    assert value == pytest.approx(top + side * P.near)
    moved = scores.clone()
    moved[j] = value
    one_hot = torch.nn.functional.one_hot(moved.argmax(), len(moved)).double()
    assert_bars_show(bars(snap, "argmax"), one_hot)
    assert_bars_show(bars(snap, "softmax"), torch.softmax(moved, -1))
    assert_close(bars(snap, "argmax").values, argmax_one_hot(moved))  # and the core agrees
    assert_close(bars(snap, "softmax").values, softmax(moved), atol=1e-6)
    (score_row,) = find(snap, ScoreRow)
    assert_close(score_row.values, moved)
    assert score_row.numbers[j].text == fmt(value)


def test_argmax_jumps_while_softmax_moves_a_little(run):
    hard = [bars(run.at(m), "argmax").values for m in ("before_cross", "after_cross")]
    soft = [bars(run.at(m), "softmax").values for m in ("before_cross", "after_cross")]
    assert np.abs(hard[1] - hard[0]).max() == 1
    assert np.abs(soft[1] - soft[0]).max() < 0.1


@pytest.mark.parametrize("moment, temperature", [("sharp", P.temperatures[0]),
                                                 ("flat", P.temperatures[1])])
def test_temperature_bars(run, row, moment, temperature):
    _, scores = row
    snap = run.at(moment)
    t = tracker(snap, "temperature")
    assert t == pytest.approx(temperature)
    weights = torch.softmax(scores / t, -1)
    assert_bars_show(bars(snap, "softmax"), weights)
    assert_close(bars(snap, "softmax").values, softmax(scores, t), atol=1e-6)
    (shown_t,) = find(snap, LiveNumber)
    assert shown_t.value == pytest.approx(t)
    assert fmt(t) in visible_texts(snap)
    if moment == "sharp":
        assert weights.max() > 0.9
    else:
        assert weights.max() - weights.min() < 0.1
