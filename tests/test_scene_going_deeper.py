"""What the going-deeper scene shows is what the deep stack computed."""

import numpy as np
import pytest
import torch

from attention_core.training.evaluate import stack_accuracy
from attention_core.transformer import load_deep_stack
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.going_deeper import DeeperParams, GoingDeeper
from scenes.kit import Number, Percent, fmt

P = DeeperParams()


@pytest.fixture(scope="module")
def run():
    return run_scene(GoingDeeper)


@pytest.fixture(scope="module")
def expected():
    stack = load_deep_stack()
    trace = stack.run(P.sentence)
    return stack, trace, trace.tokens.index(P.focus)


def plane_xy(stack, vectors):
    """Plane coordinates from the toy plane's basis, padded here (not the scene's helper)."""
    basis = stack.toy.plane(*P.senses).basis  # (8, 2)
    return (vectors[..., : basis.shape[0]] @ basis).numpy()


def test_each_block_adds_to_the_stream(expected):
    stack, trace, _ = expected
    assert len(trace.states) == len(stack.layers) + 1 == 4
    for b, layer in enumerate(trace.layers):
        assert_close(trace.states[b + 1], trace.states[b] + layer.output, atol=1e-5)
        # every position is updated in every block: parallel, not one word at a time
        assert (trace.states[b + 1] - trace.states[b]).norm(dim=1).min() > 1e-3


def test_arrows_land_where_the_core_puts_the_focus_word(run, expected):
    stack, trace, i = expected
    scene = run.scene
    for b, arrow in enumerate(scene.arrows):
        assert_close(arrow.get_start(), scene.plane.origin, atol=1e-6)
        assert_close(arrow.get_end(), scene.plane.p(plane_xy(stack, trace.states[b][i])),
                     atol=1e-5)
    # E (the input) is still on screen at the end, ghosted, not moved
    final = run.at("accuracy")
    e_arrows = [m for m in find(final, type(scene.arrows[0]))
                if np.allclose(m.get_end(), scene.arrows[0].get_end())]
    assert e_arrows and all(a.get_stroke_opacity() < 0.5 for a in e_arrows)


def test_all_words_move_in_every_block(run, expected):
    stack, trace, i = expected
    scene = run.scene
    others = [k for k in range(len(trace.tokens)) if k != i]
    for b, dots in enumerate(scene.dots):
        want = plane_xy(stack, trace.states[b][others])
        assert_close([d.get_center()[:2] for d in dots],
                     [scene.plane.p(xy)[:2] for xy in want], atol=1e-5)
    shown = find(run.at("all_blocks"), type(scene.dots[0][0]))
    assert len(shown) >= len(others) * len(trace.states)


def test_sense_probabilities_per_block(run, expected):
    stack, trace, i = expected
    topics = list(stack.toy.topics)
    probs = stack.sense_probabilities(torch.stack([s[i] for s in trace.states]))
    senses = ("animal", "chemistry", "medicine")
    table = run.scene.table
    for row, sense in zip(table.probabilities[:3], senses, strict=True):
        assert_close(row, probs[:, topics.index(sense)], atol=1e-6)
    assert topics[int(probs[-1].argmax())] == "animal"
    assert probs[-1, topics.index("animal")] > probs[0, topics.index("animal")]
    # after block 1 the first two columns are on screen, the later ones are not yet
    numbers = [n for n in find(run.at("block_1"), Number) if n.get_fill_opacity() > 0.01]
    texts = [n.text for n in numbers]
    for s in senses:
        assert fmt(float(probs[1, topics.index(s)])) in texts
    assert len(numbers) == 2 * len(senses)


def test_second_word_and_accuracy(run):
    stack = load_deep_stack()
    trace = stack.run(P.second)
    j = trace.tokens.index(P.second_focus)
    tech = stack.sense_probabilities(torch.stack([s[j] for s in trace.states]))[
        :, list(stack.toy.topics).index(P.second_sense)]
    assert_close(run.scene.table.probabilities[-1], tech, atol=1e-6)
    accuracy = stack_accuracy(stack)
    shown = find(run.at("accuracy"), Percent)
    assert_close([s.value for s in shown], accuracy, atol=1e-12)
    assert [s.original_text for s in shown] == [f"{100 * a:.0f}%" for a in accuracy]
    texts = " ".join(visible_texts(run.at("accuracy")))
    assert "MLP" in texts and "recurrent" in texts
