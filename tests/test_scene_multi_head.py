"""What the multi-head scene shows is what the lecture layer computes.

Expected numbers: `reference.positional_forward` (float64 numpy from the weight file),
the read-outs computed here from the tensors stored in the file, and the head measures
recomputed over the held-out corpus (`measures.held_out_shares`), never the core calls
the scene made."""

import numpy as np
import pytest

import reference
from measures import held_out_shares
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import AttentionGrid, Percent, VectorColumn
from scenes.multi_head import MultiHead, MultiHeadParams, ReadoutCard

SENTENCE = MultiHeadParams.sentence
FOCUS = MultiHeadParams.focus


@pytest.fixture(scope="module")
def run():
    return run_scene(MultiHead)


@pytest.fixture(scope="module")
def ref():
    out = reference.positional_forward("lecture_layer", SENTENCE)
    return out, out.tokens.index(FOCUS)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_three_patterns_are_the_heads_weights(run, ref):
    out, _ = ref
    grids = find(run.at("patterns"), AttentionGrid)
    assert len(grids) == 3
    for grid, head in zip(grids, out.heads[0], strict=True):
        assert_close(grid.values, head.weights, atol=1e-6)
        assert grid.rows == out.tokens and grid.cols == out.tokens
        # a disc's area is the weight: radius ∝ √weight, centred in its cell
        for k, disc in enumerate(grid.marks):
            i, j = divmod(k, len(out.tokens))
            assert_close(disc.get_center(), grid.cell(i, j).get_center(), atol=1e-6)
            cell = grid.cell(i, j).width
            assert disc.width / 2 == pytest.approx(0.45 * cell * np.sqrt(head.weights[i, j]),
                                                   abs=1e-4)
    # the words are named once, left of head 1: every pattern's rows line up with them
    for grid in grids:
        for i, word in enumerate(grids[0].row_labels):
            assert word.original_text == out.tokens[i]
            assert grid.cell(i, 0).get_y() == pytest.approx(word.get_y(), abs=1e-6)
    # three different patterns, not one copied three times
    assert not np.allclose(grids[0].values, grids[1].values, atol=0.05)
    assert not np.allclose(grids[1].values, grids[2].values, atol=0.05)


def test_each_heads_proposal_is_read_by_its_own_readout(run, ref):
    out, i = ref
    heads = out.heads[0]
    e = out.inputs[i]
    cards = find(run.at("proposals"), ReadoutCard)
    assert len(cards) == 3
    sense, adjectives, previous = cards

    # head 1: the topic read-out, for the focus word's own senses
    assert sense.candidates == ["animal", "chemistry", "medicine"]
    before, after = reference.senses(e), reference.senses(e + heads[0].delta[i])
    assert_close(sense.before, [before[c] for c in sense.candidates], atol=1e-5)
    assert_close(sense.after, [after[c] for c in sense.candidates], atol=1e-5)
    assert sense.candidates[int(np.argmax(sense.after))] == "animal"

    # the two other read-outs, from the tensors in the weights file
    stored, meta = reference.stored("lecture_layer")
    w, b = stored["adjective_readout.weight"], stored["adjective_readout.bias"]
    probs = sigmoid((e + heads[1].delta[i]) @ w.T + b)
    top = np.argsort(-probs, kind="stable")[:3]
    assert adjectives.candidates == [meta["adjectives"][k] for k in top]
    assert_close(adjectives.after, probs[top], atol=1e-5)
    assert_close(adjectives.before, sigmoid(e @ w.T + b)[top], atol=1e-5)
    assert set(adjectives.candidates[:2]) == {"fluffy", "blue"}

    w, b = stored["previous_readout.weight"], stored["previous_readout.bias"]
    probs = reference.softmax((e + heads[2].delta[i]) @ w.T + b)
    top = np.argsort(-probs, kind="stable")[:3]
    assert previous.candidates == [reference.toy()["vocab"][k] for k in top]
    assert previous.candidates[0] == out.tokens[i - 1]
    assert_close(previous.after, probs[top], atol=1e-5)

    # each card stands under its own head's pattern, and each number in its row
    grids = find(run.at("patterns"), AttentionGrid)
    for card, grid in zip(cards, grids, strict=True):
        assert card.get_x() == pytest.approx(grid.get_x(), abs=1e-6)
        for r, (word, after_value) in enumerate(zip(card.candidates, card.after, strict=True)):
            name, _, shown_after = card.table.cells[r + 1]
            assert name.original_text == word
            assert shown_after.value == pytest.approx(after_value, abs=1e-9)
            assert shown_after.get_y() == pytest.approx(name.get_y(), abs=0.05)


def test_the_proposals_are_added_into_one_update(run, ref):
    out, i = ref
    heads = out.heads[0]
    cols = find(run.at("sum"), VectorColumn)
    assert len(cols) == 5
    e, d1, d2, d3, new = cols
    assert_close(e.values, out.inputs[i], atol=1e-5)
    for col, head in zip((d1, d2, d3), heads, strict=True):
        assert_close(col.values, head.delta[i], atol=1e-5)
    assert_close(new.values, out.states[1][i], atol=1e-5)
    assert_close(e.values + d1.values + d2.values + d3.values, new.values, atol=1e-4)
    # E′ reads as the animal sense, with the read-out's own probability on screen
    read = reference.senses(out.states[1][i])
    best = max(read, key=read.get)
    assert best == "animal"
    name, number = run.scene.sum_readout[1].items[0]  # "E′ reads as <sense> <p>"
    assert name.original_text == best
    assert number.value == pytest.approx(read[best], abs=1e-5)
    assert "animal" in visible_texts(run.at("sum"))


def test_measured_profiles_are_recomputed_on_held_out_sentences(run):
    shares = held_out_shares()
    shown = find(run.at("measured"), Percent)
    assert len(shown) == 9
    want = [v for s in shares for v in (s.sense, s.distant_adjectives, s.previous_word)]
    assert_close([s.value for s in shown], want, atol=1e-5)
    # row h holds head h's shares, column by column
    table = run.scene.table
    for h in range(3):
        assert [c.value for c in table.cells[h + 1][2:]] == pytest.approx(want[3 * h: 3 * h + 3],
                                                                           abs=1e-5)
    texts = " ".join(visible_texts(run.at("measured")))
    assert "given its own read-out in training" in texts
    assert "measured on sentences it never saw" in texts
    # the caption says what the numbers say
    sense, adjectives, previous = shares
    said = " ".join(text for text, _, _ in run.scene.captions)
    assert f"head 1's proposal alone settles the topic ({100 * sense.sense:.0f}%)" in said
    assert f"head 3 looks at the previous word ({100 * previous.previous_word:.0f}%)" in said
    assert (f"only head 2 reaches back to adjectives further away "
            f"({100 * adjectives.distant_adjectives:.0f}%)") in said
    assert f"({100 * adjectives.previous_word:.0f}% of the time)" in said
