"""The going-deeper scene against the deep stack recomputed in float64
(tests/reference.py `positional_forward("deep_stack", …)`, `senses`, `plane_basis`): the
focus word's arrow after every block, every other word's dot after every block, the table's
probabilities under their block's column, and the held-out accuracy per block measured here
over the corpus's held-out sentences."""

import numpy as np
import pytest
from manim import Arrow, Dot, Line, Text

import reference
from attention_core.training import corpus
from scene_harness import find, run_scene
from scenes.going_deeper import GoingDeeper
from scenes.kit import THEME, Number, Percent

P = GoingDeeper.params
TOKENS = reference.words(P.sentence)
FOCUS = TOKENS.index(P.focus)
OTHERS = [k for k in range(len(TOKENS)) if k != FOCUS]
SENSES = corpus.AMBIGUOUS[P.focus]  # the table's rows for the focus word
N_STATES = reference.stored("deep_stack")[1]["config"]["depth"] + 1  # E, then each block


@pytest.fixture(scope="module")
def run():
    return run_scene(GoingDeeper)


@pytest.fixture(scope="module")
def stack():
    return reference.positional_forward("deep_stack", P.sentence)


def points(scene, stack):
    """Scene points of every word after every block: (states, words, 3)."""
    basis = reference.plane_basis(*P.senses)
    d = basis.shape[0]
    return np.array([[scene.plane.p(xy) for xy in state[:, :d] @ basis]
                     for state in stack.states])


def reads(state):
    return reference.senses(state)


def held_out_accuracy():
    """Share of ambiguous words (apple, mole) in held-out sentences whose vector after each
    block reads as the sentence's topic: argmax of the read-out, from the reference."""
    right, total = np.zeros(N_STATES), 0
    for sentence in corpus.generate("held_out"):
        ref = reference.positional_forward("deep_stack", sentence.text)
        for i, token in enumerate(ref.tokens):
            if token in corpus.AMBIGUOUS:
                total += 1
                for b, state in enumerate(ref.states):
                    p = reads(state[i])
                    right[b] += max(p, key=p.get) == sentence.topic
    return right / total, total


def labelled(mobjects, plane, point, text):
    """`text` is shown in the plane just beyond `point`, or joined to it by a leader line."""
    lo, hi = plane.reference.get_corner(np.array([-1, -1, 0])), plane.reference.get_corner(
        np.array([1, 1, 0]))
    (tag,) = [t for t in find(mobjects, Text) if t.original_text == text
              and (lo[:2] <= t.get_center()[:2]).all() and (t.get_center()[:2] <= hi[:2]).all()]
    nearest = np.clip(point, tag.get_corner(np.array([-1, -1, 0])),
                      tag.get_corner(np.array([1, 1, 0])))
    if np.linalg.norm(nearest - point) <= 0.3:
        return True
    return any(np.allclose(line.get_start(), point, atol=1e-6)
               and np.linalg.norm(line.get_end() - nearest) < 0.1
               for line in find(mobjects, Line))


def test_an_arrow_per_block_lands_on_the_focus_words_state(run, stack):
    scene = run.scene
    at = points(scene, stack)[:, FOCUS]
    mobjects = run.at("all_blocks")
    arrows = find(mobjects, Arrow)
    assert len(arrows) == N_STATES
    for b in range(N_STATES):
        (arrow,) = [a for a in arrows if np.allclose(a.get_end(), at[b], atol=1e-5)]
        np.testing.assert_allclose(arrow.get_start(), scene.plane.origin, atol=1e-6)
        assert labelled(mobjects, scene.plane, at[b], "E" if b == 0 else f"block {b}")
        last = b == N_STATES - 1
        assert (arrow.get_stroke_opacity() > 0.9) == last  # earlier ones stay, ghosted
        want = THEME.embedding if b == 0 else THEME.output
        assert arrow.get_stroke_color().to_hex().upper() == want.upper()


def test_every_word_has_a_dot_after_every_block_and_all_move_at_once(run, stack):
    at = points(run.scene, stack)
    dots = find(run.at("all_blocks"), Dot)
    assert len(dots) == len(OTHERS) * N_STATES
    wanted = [(at[b, k], b == N_STATES - 1) for b in range(N_STATES) for k in OTHERS]
    for point, _ in wanted:  # words that coincide ("the" twice, as E) share a point
        here = sorted(d.get_fill_opacity() > 0.9 for d in dots
                      if np.allclose(d.get_center(), point, atol=1e-5))
        assert here == sorted(last for p, last in wanted if np.allclose(p, point, atol=1e-5))
    # each block moves every position: it is computed for all words at once
    moved = np.linalg.norm(np.diff(at, axis=0), axis=-1)  # (blocks, words)
    assert (moved > 1e-3).all()
    assert len(find(run.at("input"), Dot)) == len(OTHERS)  # before block 1: E only


def expected_rows(stack):
    """(row name, one value per state) for the table's probability rows."""
    rows = [(f"{P.focus}: {s}", [reads(state[FOCUS])[s] for state in stack.states])
            for s in SENSES]
    second = reference.positional_forward("deep_stack", P.second)
    j = second.tokens.index(P.second_focus)
    rows.append((f"{P.second_focus}: {P.second_sense}",
                 [reads(state[j])[P.second_sense] for state in second.states]))
    return rows


def visible_at(mobjects, cell):
    """A visible Number or Percent showing `cell`'s text where `cell` is."""
    return any(isinstance(n, (Number, Percent)) and n.original_text == cell.original_text
               and np.allclose(n.get_center(), cell.get_center(), atol=1e-6)
               and n.get_fill_opacity() > 0.01 for n in find(mobjects, Text))


def test_sense_probabilities_per_block_under_their_columns(run, stack):
    cells = run.scene.table.cells
    header = [c.original_text for c in cells[0]]
    assert header == ["reads as", "E"] + [f"block {b}" for b in range(1, N_STATES)]
    rows = expected_rows(stack)
    for row, (name, values) in zip(cells[1:-1], rows, strict=True):
        assert row[0].original_text == name
        for c, (number, want) in enumerate(zip(row[1:], values, strict=True), start=1):
            np.testing.assert_allclose(number.value, want, rtol=1e-5, atol=1e-6)
            assert number.get_right()[0] == pytest.approx(cells[0][c].get_right()[0], abs=1e-6)
            assert visible_at(run.at("accuracy"), number)
            # after block 1 only the E and block-1 columns of the focus word are up
            assert visible_at(run.at("block_1"), number) == (c <= 2 and name.startswith(P.focus))
    mole = dict(rows)
    animal = mole[f"{P.focus}: animal"]
    assert animal[-1] > animal[0]  # the context pulls mole towards its sentence's sense
    assert max(SENSES, key=lambda s: mole[f"{P.focus}: {s}"][-1]) == "animal"


def test_held_out_accuracy_per_block_is_measured_on_the_corpus(run):
    accuracy, total = held_out_accuracy()
    row = run.scene.table.cells[-1]
    assert row[0].original_text == "accuracy, held-out"
    shares = row[1:]
    assert len(shares) == N_STATES
    for c, (share, want) in enumerate(zip(shares, accuracy, strict=True), start=1):
        # one word's worth of slack: float32 and float64 may break a near-tie differently
        assert abs(share.value - want) <= 1 / total
        assert abs(int(share.original_text.rstrip("%")) - 100 * want) <= 0.5 + 100 / total
        assert share.get_right()[0] == pytest.approx(run.scene.table.cells[0][c].get_right()[0],
                                                     abs=1e-6)
        assert visible_at(run.at("accuracy"), share) and not visible_at(run.at("block_1"), share)
    assert accuracy[-1] > accuracy[0]
    texts = " ".join(t.original_text for t in find(run.at("accuracy"), Text)
                     if t.get_fill_opacity() > 0.01)
    assert "MLP" in texts and "recurrent" in texts
