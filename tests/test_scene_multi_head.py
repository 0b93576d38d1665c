"""What the multi-head scene shows is what the lecture layer computed."""

import numpy as np
import pytest
import torch

from attention_core import weights
from attention_core.training.measure import measure_heads
from attention_core.transformer import LECTURE_LAYER_FILE, load_lecture_layer
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import AttentionGrid, Percent, VectorColumn, fmt
from scenes.multi_head import MultiHead, MultiHeadParams, ReadoutCard

SENTENCE = MultiHeadParams.sentence
FOCUS = MultiHeadParams.focus


@pytest.fixture(scope="module")
def run():
    return run_scene(MultiHead)


@pytest.fixture(scope="module")
def expected():
    layer = load_lecture_layer()
    trace = layer.run(SENTENCE, causal=False)
    return layer, trace, trace.tokens.index(FOCUS)


def test_the_sentence_uses_only_known_words(expected):
    layer, trace, _ = expected
    assert trace.tokens == SENTENCE.split()
    assert all(w in layer.vocab for w in trace.tokens)


def test_three_patterns_are_the_heads_weights(run, expected):
    _, trace, _ = expected
    grids = find(run.at("patterns"), AttentionGrid)
    assert len(grids) == 3
    for grid, head in zip(grids, trace.layers[0].heads, strict=True):
        assert_close(grid.values, head.weights)
        assert grid.rows == trace.tokens and grid.cols == trace.tokens
        assert_close(grid.values.sum(axis=1), np.ones(len(trace.tokens)), atol=1e-5)
    # three different patterns, not one copied three times
    assert not np.allclose(grids[0].values, grids[1].values, atol=0.05)
    assert not np.allclose(grids[1].values, grids[2].values, atol=0.05)


def test_each_heads_proposal_is_read_by_its_own_readout(run, expected):
    layer, trace, i = expected
    heads = trace.layers[0].heads
    e = trace.inputs[i]
    cards = find(run.at("proposals"), ReadoutCard)
    assert len(cards) == 3
    sense, adjectives, previous = cards

    topics = list(layer.toy.topics)
    rows = [topics.index(s) for s in sense.candidates]
    assert set(sense.candidates) == {"animal", "chemistry", "medicine"}
    assert_close(sense.before, layer.sense_probabilities(e)[rows], atol=1e-6)
    assert_close(sense.after, layer.sense_probabilities(e + heads[0].delta[i])[rows], atol=1e-6)
    assert sense.candidates[int(np.argmax(sense.after))] == "animal"

    # the two other read-outs, straight from the weights file (not the core's classes)
    stored, meta = weights.load(LECTURE_LAYER_FILE)
    w, b = stored["adjective_readout.weight"], stored["adjective_readout.bias"]
    probs = torch.sigmoid((e + heads[1].delta[i]) @ w.T + b)
    top = torch.argsort(probs, descending=True)[:3].tolist()
    assert adjectives.candidates == [meta["adjectives"][k] for k in top]
    assert_close(adjectives.after, probs[top], atol=1e-6)
    assert_close(adjectives.before, torch.sigmoid(e @ w.T + b)[top], atol=1e-6)
    assert set(adjectives.candidates[:2]) == {"fluffy", "blue"}

    w, b = stored["previous_readout.weight"], stored["previous_readout.bias"]
    probs = torch.softmax((e + heads[2].delta[i]) @ w.T + b, dim=-1)
    top = torch.argsort(probs, descending=True)[:3].tolist()
    assert previous.candidates == [layer.vocab[k] for k in top]
    assert previous.candidates[0] == trace.tokens[i - 1]
    assert_close(previous.after, probs[top], atol=1e-6)

    texts = visible_texts(run.at("proposals"))
    for card in cards:
        for v in card.after:
            assert fmt(float(v)) in texts


def test_the_proposals_are_added_into_one_update(run, expected):
    layer, trace, i = expected
    heads = trace.layers[0].heads
    cols = find(run.at("sum"), VectorColumn)
    assert len(cols) == 5
    e, d1, d2, d3, out = cols
    assert_close(e.values, trace.inputs[i], atol=1e-6)
    for col, head in zip((d1, d2, d3), heads, strict=True):
        assert_close(col.values, head.delta[i], atol=1e-6)
    assert_close(out.values, trace.states[1][i], atol=1e-6)
    # the sum on screen holds, and it is the layer's own output
    assert_close(e.values + d1.values + d2.values + d3.values, out.values, atol=1e-4)
    mha = layer.modules[0]
    with torch.no_grad():
        torch_out, _ = mha(trace.inputs[None], trace.inputs[None], trace.inputs[None])
    assert_close(out.values, (trace.inputs + torch_out[0])[i], atol=1e-4)
    # E′ reads as the animal sense; the numbers on screen are the read-out's
    probs = layer.sense_probabilities(trace.states[1][i])
    texts = visible_texts(run.at("sum"))
    assert layer.toy.topics[int(probs.argmax())] == "animal"
    assert "animal" in texts and fmt(float(probs.max())) in texts


def test_measured_profiles_are_measure_heads(run):
    profiles = measure_heads(load_lecture_layer())
    shown = find(run.at("measured"), Percent)
    assert len(shown) == 9
    want = [v for p in profiles for v in (p.sense, p.distant_adjectives, p.previous_word)]
    assert_close([s.value for s in shown], want, atol=1e-9)
    assert [s.original_text for s in shown] == [f"{100 * v:.0f}%" for v in want]
    texts = " ".join(visible_texts(run.at("measured")))
    assert "given its own read-out in training" in texts
    assert "measured on sentences it never saw" in texts
    # the caption says what the numbers say
    sense, adjectives, previous = profiles
    said = " ".join(text for text, _, _ in run.scene.captions)
    assert f"head 1's proposal alone settles the topic ({100 * sense.sense:.0f}%)" in said
    assert f"head 3 looks at the previous word ({100 * previous.previous_word:.0f}%)" in said
    assert (f"only head 2 reaches back to adjectives further away "
            f"({100 * adjectives.distant_adjectives:.0f}%)") in said
    assert f"({100 * adjectives.previous_word:.0f}% of the time)" in said
