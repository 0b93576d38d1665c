"""The softmax scene against numpy written out here: apple's score row recomputed by
tests/reference.py (float64, from the weights file), the argmax as a one-hot of the
highest score, softmax as exp and sum, with the mover's score set to the tracker's value.

Each number is checked where a viewer reads it: a score under its word, a bar on its
word with its height weight × the row's full height and its number on top, the row of
bars beside its name (argmax or softmax), the plot's dots at (score, weight)."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DashedLine, Dot, ValueTracker

import reference
from scene_harness import (
    XY,
    assert_matches,
    assert_said,
    assert_shows,
    find,
    highlighted,
    line_after,
    numbers_in,
    run_scene,
    the_text,
    visible,
)
from scenes.kit import THEME, ScoreRow, TokenRow, fmt
from scenes.kit.live import LiveNumber, LiveWeightBars
from scenes.softmax import Softmax, SoftmaxParams

P = SoftmaxParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(Softmax)


@pytest.fixture(scope="module")
def ref():
    return reference.toy_forward(P.sentence)


def score_row(ref) -> np.ndarray:
    return ref.scores[ref.tokens.index(P.focus)]


def crossing(ref) -> float:
    """The highest score among the other words: where the mover's score overtakes."""
    j = ref.tokens.index(P.mover)
    return max(s for k, s in enumerate(score_row(ref)) if k != j)


def moved(ref, value: float) -> np.ndarray:
    row = score_row(ref).copy()
    row[ref.tokens.index(P.mover)] = value
    return row


def one_hot(row: np.ndarray) -> np.ndarray:
    return (np.arange(len(row)) == np.argmax(row)).astype(float)


def tracker(snapshot, name: str) -> float:
    (t,) = [m for m in find(snapshot, ValueTracker) if m.name == name]
    return t.get_value()


def bars_named(snapshot, name: str) -> LiveWeightBars:
    """The row of bars with `name` written on its left, within the row's height."""
    names = [t for t in visible(snapshot) if t.original_text == name]
    rows = [b for b in visible(snapshot, LiveWeightBars)
            if any(b.baseline_y - 0.1 < t.get_y() < b.baseline_y + b.max_height + 0.1
                   and t.get_right()[0] < b.bars.get_left()[0] for t in names)]
    assert len(rows) == 1, f"no single row of bars beside {name!r}"
    return rows[0]


def sentence(snapshot, ref) -> TokenRow:
    (row,) = [r for r in visible(snapshot, TokenRow) if r.words == ref.tokens]
    return row


def assert_bars_show(bars: LiveWeightBars, weights, tokens: TokenRow) -> None:
    """On each word: a bar weight × max_height tall on one baseline, its number on top."""
    weights = np.asarray(weights, float)
    assert_matches([b.get_x() for b in bars.bars], [t.get_x() for t in tokens.tokens],
                   atol=XY)
    assert_matches(bars.heights(), np.maximum(weights * bars.max_height, 1e-3), atol=1e-5)
    assert_matches([b.get_bottom()[1] for b in bars.bars], np.full(len(weights),
                                                                   bars.baseline_y), atol=XY)
    assert_shows(bars.numbers, weights)
    for number, bar in zip(bars.numbers, bars.bars, strict=True):
        assert number.get_x() == pytest.approx(bar.get_x(), abs=XY)
        assert 0 < number.get_bottom()[1] - bar.get_top()[1] < 0.15


def test_the_score_row_under_its_words(run, ref):
    snapshot = run.at("scores")
    tokens = sentence(snapshot, ref)
    assert highlighted(tokens, THEME.query) == [ref.tokens.index(P.focus)]
    (scores,) = visible(snapshot, ScoreRow)
    assert_matches([c.get_x() for c in scores], [t.get_x() for t in tokens.tokens], atol=XY)
    assert_shows(scores.numbers, score_row(ref))


@pytest.mark.parametrize("moment, side", [("before_cross", -1), ("after_cross", +1)])
def test_bars_at_the_crossing_follow_the_tracker(run, ref, moment, side):
    snapshot = run.at(moment)
    value = tracker(snapshot, "score")
    assert value == pytest.approx(crossing(ref) + side * P.near, rel=1e-6)
    row = moved(ref, value)
    tokens = sentence(snapshot, ref)
    assert_bars_show(bars_named(snapshot, "argmax"), one_hot(row), tokens)
    assert_bars_show(bars_named(snapshot, "softmax"), reference.softmax(row), tokens)
    (scores,) = visible(snapshot, ScoreRow)
    assert_matches([n.value for n in scores.numbers], row)
    j = ref.tokens.index(P.mover)
    assert scores.numbers[j].text == fmt(scores.numbers[j].value)
    assert scores[j].get_x() == pytest.approx(tokens.tokens[j].get_x(), abs=XY)


@pytest.mark.parametrize("moment", ["before_cross", "after_cross"])
def test_plot_dots_at_the_movers_score_and_weights(run, ref, moment):
    snapshot, axes = run.at(moment), run.scene.plot_axes
    row = moved(ref, tracker(snapshot, "score"))
    j = ref.tokens.index(P.mover)
    dots = {c: [d for d in visible(snapshot, Dot) if d.radius == pytest.approx(0.07)
                and d.get_color().to_hex().upper() == c.upper()]
            for c in (THEME.muted, THEME.weight)}
    (hard,), (soft,) = dots[THEME.muted], dots[THEME.weight]
    assert hard.get_x() == pytest.approx(soft.get_x(), abs=XY)  # one score, two weights
    assert axes.p2c(hard.get_center())[1] == pytest.approx(one_hot(row)[j], abs=1e-4)
    assert axes.p2c(soft.get_center())[1] == pytest.approx(reference.softmax(row)[j],
                                                           abs=1e-4)


def test_narration_gives_the_softmax_shares_at_the_crossing(run, ref):
    """'A change of 0.20 and argmax moves ALL the weight ...; softmax only takes buy from
    0.23 to 0.27': the reference softmax weight of the mover just below and above."""
    (said,) = [text for text, _, _ in run.scene.captions if text.startswith("A change of")]
    j = ref.tokens.index(P.mover)
    shares = [reference.softmax(moved(ref, crossing(ref) + d))[j] for d in (-P.near, P.near)]
    assert_said(numbers_in(said), [2 * P.near, *shares])


@pytest.mark.parametrize("moment, temperature", [("sharp", P.temperatures[0]),
                                                 ("flat", P.temperatures[1])])
def test_temperature_bars(run, ref, moment, temperature):
    snapshot = run.at(moment)
    t = tracker(snapshot, "temperature")
    assert t == pytest.approx(temperature)
    weights = reference.softmax(score_row(ref) / t)
    soft = bars_named(snapshot, "softmax")
    assert_bars_show(soft, weights, sentence(snapshot, ref))
    (shown_t,) = find(snapshot, LiveNumber)
    assert shown_t.value == pytest.approx(t)
    assert shown_t.submobjects[0] in line_after(snapshot, the_text(snapshot, "T ="))
    assert shown_t.submobjects[0].text == fmt(t)
    if moment == "flat":  # the dashed 1/n line stands at 1/n of the bars' full height
        n = len(ref.tokens)
        (uniform,) = [m for m in visible(snapshot, DashedLine) if m.submobjects
                      and abs(m.get_start()[1] - m.get_end()[1]) < 1e-9]
        assert uniform.get_y() == pytest.approx(soft.baseline_y + soft.max_height / n, abs=XY)
        assert line_after(snapshot, uniform)[0].original_text == f"1/{n}"


@pytest.mark.parametrize("moment", ["sharp", "flat"])
def test_temperature_plot_dots_at_t_and_each_words_weight(run, ref, moment):
    """One dot per word at (T, its softmax weight at T) on the plot's log-T axis."""
    snapshot, scene = run.at(moment), run.scene
    t = tracker(snapshot, "temperature")
    weights = reference.softmax(score_row(ref) / t)
    dots = [d for d in visible(snapshot, Dot) if d.radius == pytest.approx(0.06)]
    assert len(dots) == len(ref.tokens)
    got = sorted(scene.t_axes.p2c(d.get_center())[1] for d in dots)
    assert_matches(got, sorted(weights), atol=1e-4)
    for d in dots:
        assert scene.t_axes.p2c(d.get_center())[0] == pytest.approx(np.log10(t) + 1, abs=1e-4)
    assert scene.t_point(t, 0.5)[0] == pytest.approx(dots[0].get_x(), abs=XY)
