"""What the apple scene shows is what the core computed."""

import numpy as np
import pytest

from attention_core import load_model
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.apple_in_context import AppleInContext, ContextParams
from scenes.kit import Number, ScoreRow, WeightBars, fmt


@pytest.fixture(scope="module")
def run():
    return run_scene(AppleInContext)


def expected(sentence):
    model = load_model()
    trace = model.run(sentence)
    return model, trace, trace.position("apple")


def test_scores_on_screen_are_the_traces_scaled_scores(run):
    _, trace, i = expected(ContextParams.sentences[0])
    (row,) = find(run.at("scores"), ScoreRow)
    assert_close(row.values, trace.scores[i])
    assert [n.text for n in row.numbers] == [fmt(v) for v in trace.scores[i].tolist()]


def test_weights_on_screen_are_the_softmax_weights(run):
    _, trace, i = expected(ContextParams.sentences[0])
    (bars,) = find(run.at("weights"), WeightBars)
    assert_close(bars.values, trace.weights[i])
    heights = np.array([b.height for b in bars.bars])
    assert_close(heights / heights.max(), trace.weights[i] / trace.weights[i].max(), atol=1e-3)
    assert "softmax weights: each in [0, 1], sum = 1.00" in visible_texts(run.at("weights"))


def test_query_and_keys_on_screen(run):
    _, trace, i = expected(ContextParams.sentences[0])
    shown = [n.value for n in find(run.at("scores"), Number)]
    for v in trace.queries[i].tolist() + trace.keys.flatten().tolist():
        assert any(abs(v - s) < 1e-6 for s in shown)


def test_context_vectors_land_where_the_core_puts_them(run):
    scene = run.scene
    model = load_model()
    view = model.plane("fruit", "tech")
    e_xy = view.coords(model.embed("apple")).numpy()
    assert_close(scene.e_arrow.get_end(), scene.plane.p(e_xy), atol=1e-6)
    arrows = scene.contexts[::2]
    for arrow, sentence in zip(arrows, ContextParams.sentences, strict=True):
        _, trace, i = expected(sentence)
        assert_close(arrow.get_end(), scene.plane.p(view.coords(trace.outputs[i]).numpy()),
                     atol=1e-6)
    # the original embedding is still on screen at the end, ghosted, not moved
    assert scene.e_arrow in scene.mobjects and scene.e_arrow.get_stroke_opacity() < 0.5


def test_sense_readouts_match_the_model(run):
    model, trace, i = expected(ContextParams.sentences[0])
    probs = model.sense_probabilities(trace.outputs[i])
    texts = visible_texts(run.at("context_vector"))
    assert fmt(float(probs[model.topics.index("fruit")])) in texts
