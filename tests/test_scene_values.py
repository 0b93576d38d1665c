"""What the values scene shows is what the core computes, recomputed here from the
embedding table and the head's four matrices."""

import math

import numpy as np
import pytest

from attention_core import load_model
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import THEME, AttentionGrid, Number, VectorColumn, fmt
from scenes.values import Values, ValuesParams


@pytest.fixture(scope="module")
def run():
    return run_scene(Values)


@pytest.fixture(scope="module")
def head():
    """E, weights, value vectors, ΔE and E′ for the scene's sentence, by hand."""
    model = load_model()
    words = ValuesParams.sentence.split()
    e = np.stack([model.embed(w).numpy() for w in words]).astype(float)
    h = model.head
    q, k = e @ h.w_q.numpy(), e @ h.w_k.numpy()
    scores = q @ k.T / math.sqrt(q.shape[1])
    w = np.exp(scores - scores.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    v = e @ h.w_v.numpy() @ h.w_o.numpy()
    delta = w @ v
    return {"words": words, "E": e, "W": w, "V": v, "dE": delta, "E2": e + delta}


def columns(mobjects) -> dict[str, VectorColumn]:
    return {c.title.original_text: c for c in find(mobjects, VectorColumn)
            if c.title is not None and c.entries[0].get_fill_opacity() > 0.01}


def test_pattern_and_value_vectors(run, head):
    shown = run.at("pattern_and_values")
    (grid,) = find(shown, AttentionGrid)
    assert grid.kind == "weights" and grid.rows == head["words"] == grid.cols
    assert_close(grid.values, head["W"], atol=1e-5)
    assert_close(grid.values.sum(axis=1), np.ones(len(head["words"])), atol=1e-5)
    cols = columns(shown)
    for word, v in zip(head["words"], head["V"], strict=True):
        assert_close(cols[f"v({word})"].values, v, atol=1e-4)
        assert [n.text for n in cols[f"v({word})"].entries] == [fmt(x) for x in v]


@pytest.mark.parametrize("moment, word", [("mix_first", ValuesParams.first),
                                          ("mix_second", ValuesParams.second)])
def test_one_row_mixes_the_values_into_delta_e(run, head, moment, word):
    i = head["words"].index(word)
    shown = run.at(moment)
    cols = columns(shown)
    # the weight tags above the value columns (in the weights' colour) are that row's weights
    tags = [n for n in find(shown, Number)
            if n.get_color().to_hex().upper() == THEME.weight.upper()]
    tags.sort(key=lambda n: n.get_x())
    assert_close([n.value for n in tags], head["W"][i], atol=1e-5)
    assert all(n.get_y() > c.get_top()[1] for n in tags for c in [cols[f"v({word})"]])
    texts = visible_texts(shown)
    for w in head["W"][i]:
        assert fmt(w) in texts
    assert_close(cols[f"\u0394E({word})"].values, head["W"][i] @ head["V"], atol=1e-4)
    assert_close(cols[f"E({word})"].values, head["E"][i], atol=1e-6)
    assert_close(cols[f"E\u2032({word})"].values, head["E2"][i], atol=1e-4)
    assert "E stays as it was;" in texts


def test_first_word_stays_beside_the_second(run, head):
    cols = columns(run.at("mix_second"))
    first, second = ValuesParams.first, ValuesParams.second
    assert {f"E({first})", f"E\u2032({first})", f"E({second})", f"E\u2032({second})"} <= set(cols)


def test_every_position_gets_its_delta(run, head):
    cols = columns(run.at("every_position"))
    for i, word in enumerate(head["words"]):
        assert_close(cols[f"\u0394E({word})"].values, head["dE"][i], atol=1e-4)


def test_updated_vectors_in_the_plane(run, head):
    model = load_model()
    basis = model.plane(*ValuesParams.senses).basis.numpy()
    scene = run.scene
    e_xy, out_xy = head["E"] @ basis, head["E2"] @ basis
    for dot, xy in zip(scene.e_dots, e_xy, strict=True):
        assert_close(dot.get_center(), scene.plane.p(xy), atol=1e-4)
        assert dot.get_fill_opacity() < 0.6  # E is kept, ghosted, not removed
    for dot, xy in zip(scene.out_dots, out_xy, strict=True):
        assert_close(dot.get_center(), scene.plane.p(xy), atol=1e-4)
    for arrow, a, b in zip(scene.delta_arrows, e_xy, out_xy, strict=True):
        direction = scene.plane.p(b) - scene.plane.p(a)
        drawn = arrow.get_end() - arrow.get_start()
        assert np.linalg.norm(np.cross(direction, drawn)) < 1e-3 * np.linalg.norm(direction) ** 2
    assert all(d in scene.mobjects or any(d in m.get_family() for m in scene.mobjects)
               for d in scene.e_dots)


def test_sense_readout_matches_the_model(run, head):
    model = load_model()
    sense = ValuesParams.senses[1]
    k = model.topics.index(sense)
    directions = model.senses.directions.numpy()
    texts = visible_texts(run.at("updated"))
    for before, after in zip(head["E"], head["E2"], strict=True):
        for vec in (before, after):
            logits = vec @ directions.T
            p = np.exp(logits - logits.max())
            assert fmt(float(p[k] / p.sum())) in texts
