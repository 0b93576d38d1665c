"""The motivating examples against the toy head recomputed in float64 numpy
(tests/reference.py): E is the word's row of the weights file's table, E + ΔE is
`toy_forward(sentence).outputs`, and a read-out is softmax(v · E_topic) over the topics.

Each number is checked where a viewer reads it: sentence (k) is the row tagged (k), with
the word highlighted; "E in (k)" and "E + ΔE (k)" are that sentence's vectors, rows of
cells under it, E + ΔE's k-th number right under E's; the reading beside a sentence's
pair of rows is that sentence's context vector's best topic."""

from __future__ import annotations

import re

import numpy as np
import pytest

import reference
from scene_harness import (
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
from scenes.kit import THEME, TokenRow, VectorRow, fmt
from scenes.kit.wrap import WrappedText
from scenes.motivating_examples import MotivatingExamples, MotivatingParams

P = MotivatingParams()
MOMENTS = {"mole": "mole_senses", "tower": "tower", "apple": "apple"}


@pytest.fixture(scope="module")
def run():
    return run_scene(MotivatingExamples)


def column(snapshot, title: str) -> VectorRow:
    (found,) = [c for c in visible(snapshot, VectorRow) if c.title.original_text == title]
    return found


def ranked(vector: np.ndarray) -> list[tuple[str, float]]:
    """The reference read-out, highest topic first (ties in topic order)."""
    probabilities = reference.senses(vector)
    return sorted(probabilities.items(), key=lambda kv: -kv[1])


def context(sentence: str, word: str) -> np.ndarray:
    ref = reference.toy_forward(sentence)
    return ref.outputs[ref.tokens.index(word)]


@pytest.mark.parametrize("example", P.examples, ids=lambda e: e.word)
def test_sentence_rows_are_the_sentences_with_the_word_highlighted(run, example):
    snapshot = run.at(MOMENTS[example.word])
    for k, sentence in enumerate(example.sentences):
        tokens = reference.words(sentence)
        first_word = line_after(snapshot, the_text(snapshot, f"({k + 1})"))[0]
        (row,) = [r for r in visible(snapshot, TokenRow) if first_word in r.get_family()]
        assert row.words == tokens
        assert highlighted(row, THEME.embedding) == [tokens.index(example.word)]


def test_before_attention_the_three_moles_are_one_vector(run):
    mole = P.examples[0]
    snapshot = run.at("same_vector")
    e = reference.embed(mole.word)
    shown = [column(snapshot, f"E in ({k + 1})") for k in range(len(mole.sentences))]
    assert [c.get_y() for c in shown] == sorted((c.get_y() for c in shown), reverse=True)
    assert np.allclose([c.entries[0].get_x() for c in shown], shown[0].entries[0].get_x())
    for c in shown:
        assert_matches(c.values, e)
        assert [n.text for n in c.entries] == [fmt(n.value) for n in c.entries]
    assert not [c for c in visible(snapshot, VectorRow)
                if c.title.original_text.startswith("E + ")], "no context vector yet"
    equals = sorted((t for t in visible(snapshot) if t.original_text == "="),
                    key=lambda t: -t.get_y())
    assert len(equals) == len(shown) - 1
    for sign, later in zip(equals, shown[1:], strict=True):  # "E in (k) [...] = E in (1)"
        assert later.get_right()[0] < sign.get_x()
        assert later.get_bottom()[1] < sign.get_y() < later.get_top()[1]
        assert [t.original_text for t in line_after(snapshot, sign)] == ["E in (1)"]
    line = line_after(snapshot, the_text(snapshot, f"E of '{mole.word}' reads as"))
    for (sense, p), name, number in zip(ranked(e)[:3], line[0::2], line[1::2], strict=True):
        assert name.original_text == sense
        assert_shows([number], [p])


@pytest.mark.parametrize("example", P.examples, ids=lambda e: e.word)
def test_each_sentence_gets_its_own_context_vector_and_reading(run, example):
    snapshot = run.at(MOMENTS[example.word])
    e = reference.embed(example.word)
    headings = [t for t in visible(snapshot) if t.original_text == "E + \u0394E reads as"]
    outputs = []
    for k, sentence in enumerate(example.sentences):
        old, new = column(snapshot, f"E in ({k + 1})"), column(snapshot,
                                                                 f"E + \u0394E ({k + 1})")
        assert_matches(old.values, e)  # E itself never changed...
        assert old.entries[0].get_fill_opacity() < 1  # ...and is kept in view, dimmed
        out = context(sentence, example.word)
        assert_matches(new.values, out)
        assert old.get_bottom()[1] - 0.3 < new.get_top()[1] < old.get_bottom()[1]
        for a, b in zip(old.entries, new.entries, strict=True):  # each number under its E
            assert abs(a.get_x() - b.get_x()) < 1e-6
        # the reading beside this sentence's pair of rows names E + ΔE's best topic
        (heading,) = [h for h in headings if h.get_left()[0] > new.get_right()[0]
                      and new.get_bottom()[1] < h.get_y() < old.get_top()[1]]
        below = sorted([t for t in visible(snapshot) if t.get_top()[1] < heading.get_bottom()[1]
                        and heading.get_bottom()[1] - t.get_top()[1] < 0.3
                        and heading.get_left()[0] - 0.3 < t.get_x() < heading.get_right()[0]
                        + 0.3], key=lambda t: t.get_x())
        (sense, p), = ranked(out)[:1]
        assert [t.original_text for t in below[:1]] == [sense]
        assert_shows([below[1]], [p])
        outputs.append(out)
    if len(outputs) > 1:  # what the narration claims: the same token, new vectors
        assert not np.allclose(outputs[0], outputs[1], atol=0.01)


def test_narration_says_what_the_readings_say(run):
    """The captions name the best topics of the reference context vectors."""
    said = " ".join(text for text, _, _ in run.scene.captions)
    for example in P.examples:
        best = [ranked(context(s, example.word))[0][0] for s in example.sentences]
        if example is P.examples[0]:
            assert f"the context vectors read as {', '.join(best)}." in said
        elif len(set(best)) == 1:
            assert f"All read as {best[0]} here" in said
        else:
            assert f"The context vectors read as {' and '.join(best)}" in said
    mole = P.examples[0]
    (torn,) = [text for text, _, _ in run.scene.captions if "torn between" in text]
    expected = ranked(reference.embed(mole.word))[:3]
    assert ", ".join(s for s, _ in expected) == ", ".join(
        re.findall(r"([a-z]+) [\d.\u2212]+", torn.split("reads it as")[1]))
    assert_said(numbers_in(torn), [p for _, p in expected])


def test_the_tower_note_counts_the_topics(run):
    n = len(reference.toy()["topics"])
    (note,) = [w for w in find(run.at("tower"), WrappedText)]
    assert note.text == P.examples[1].note.format(topics=n)
    assert " ".join(line.original_text for line in note.lines) == note.text
