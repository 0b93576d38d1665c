"""The apple scene against the toy head recomputed in float64 numpy (tests/reference.py):
E, q, k, scores, softmax weights, ΔE = Σ_j a_j v_j W_O and E′ = E + ΔE for every sentence,
the topic read-out softmax(E · E_topic), and the plane's Löwdin basis D (DᵀD)^(−1/2).

Each number is checked where a viewer reads it: a score or a bar under its own word, the
query under the focus word, an arrow ending at the plane point of the reference vector,
a read-out number beside its sense's name. The `shows_*` checks take the scene's inputs,
so tests/test_spec_screen.py runs them on a scene filled from a TOML spec."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Arrow, DashedLine, Dot

import reference
from scene_harness import (
    XY,
    assert_matches,
    assert_shows,
    highlighted,
    labels,
    line_after,
    run_scene_each_play,
    the_text,
    visible,
)
from scenes.apple_in_context import AppleInContext, ContextParams
from scenes.kit import THEME, ScoreRow, TokenRow, VectorColumn, WeightBars, fmt

P = ContextParams()


@pytest.fixture(scope="module")
def run():
    return run_scene_each_play(AppleInContext)


# ---- finding one sentence's screen -------------------------------------------------------

def sentence_row(snapshot, tokens: list[str]) -> TokenRow | None:
    rows = [r for r in visible(snapshot, TokenRow) if r.words == tokens]
    return rows[0] if rows else None


def first_play(run, tokens: list[str], shows) -> list:
    """The first screen (after a play) showing this sentence and satisfying `shows`."""
    for snapshot in run.plays:
        if sentence_row(snapshot, tokens) is not None and shows(snapshot):
            return snapshot
    raise AssertionError(f"no screen shows {' '.join(tokens)!r} with what was looked for")


def screens(run, params, k: int) -> dict[str, list]:
    """Sentence k's screens: the key moments for the first (detailed) sentence, the
    equivalent screens between plays for the later ones (done quickly, no moments)."""
    if k == 0:
        return {m: run.at(m) for m in ("scores", "weights", "delta", "context_vector")}
    tokens = reference.words(params.sentences[k])
    return {"scores": first_play(run, tokens, lambda s: bool(visible(s, ScoreRow))),
            "weights": first_play(run, tokens, lambda s: bool(visible(s, WeightBars))),
            "delta": first_play(run, tokens, lambda s: any(
                t.original_text == "\u0394E" for t in visible(s))),
            "context_vector": first_play(run, tokens, lambda s: any(
                t.original_text == f"E\u2032 ({k + 1}) reads as" for t in visible(s)))}


def plane_xy(vector: np.ndarray, params) -> np.ndarray:
    return vector @ reference.plane_basis(*params.senses)


def arrow_between(snapshot, start, end) -> Arrow:
    hits = [a for a in visible(snapshot, Arrow)
            if np.allclose(a.get_start(), start, atol=XY) and np.allclose(a.get_end(), end,
                                                                           atol=XY)]
    assert hits, f"no arrow from {start[:2]} to {end[:2]}"
    return hits[0]


def assert_under(items, tokens: TokenRow) -> None:
    """Item j sits at token j's x: it belongs to that word."""
    assert_matches([m.get_x() for m in items], [t.get_x() for t in tokens.tokens], atol=XY)


# ---- the checks, for any inputs of the scene ---------------------------------------------

def shows_sentence_and_focus(run, params, k: int) -> None:
    ref = reference.toy_forward(params.sentences[k])
    i = ref.tokens.index(params.focus)
    row = sentence_row(screens(run, params, k)["scores"], ref.tokens)
    assert row is not None, f"sentence {k + 1} is not on screen as its tokens {ref.tokens}"
    assert highlighted(row, THEME.query) == [i]


def shows_query_keys_and_scores(run, params, k: int) -> None:
    ref = reference.toy_forward(params.sentences[k])
    i = ref.tokens.index(params.focus)
    snapshot = screens(run, params, k)["scores"]
    tokens = sentence_row(snapshot, ref.tokens)
    columns = visible(snapshot, VectorColumn)
    query = [c for c in columns if c.title is not None
             and c.title.original_text == f"query of {params.focus}"]
    assert len(query) == 1
    assert_matches(query[0].values, ref.queries[i])
    assert query[0].get_x() == pytest.approx(tokens.tokens[i].get_x(), abs=XY)
    keys = sorted([c for c in columns if c.title is None], key=lambda c: c.get_x())
    assert_under(keys, tokens)
    assert_matches([c.values for c in keys], ref.keys)
    (scores,) = visible(snapshot, ScoreRow)
    assert_under(scores, tokens)
    assert_shows(scores.numbers, ref.scores[i])
    assert_under(scores.numbers, tokens)


def shows_weights(run, params, k: int) -> None:
    ref = reference.toy_forward(params.sentences[k])
    weights = ref.weights[ref.tokens.index(params.focus)]
    snapshot = screens(run, params, k)["weights"]
    tokens = sentence_row(snapshot, ref.tokens)
    (bars,) = visible(snapshot, WeightBars)
    assert_under(bars.bars, tokens)
    heights = np.array([b.height for b in bars.bars])
    assert_matches(heights, weights * heights.sum() / weights.sum(), rtol=1e-4)
    bottoms = [b.get_bottom()[1] for b in bars.bars]
    assert_matches(bottoms, np.full(len(bottoms), bottoms[0]), atol=XY)  # one baseline
    assert_shows(bars.numbers, weights)
    for number, bar in zip(bars.numbers, bars.bars, strict=True):
        assert number.get_x() == pytest.approx(bar.get_x(), abs=XY)
        assert 0 < number.get_bottom()[1] - bar.get_top()[1] < 0.2
    the_text(snapshot, f"softmax weights: each in [0, 1], sum = {fmt(weights.sum())}")


def shows_delta(run, params, k: int) -> None:
    """ΔE as the weighted values a_j·(v_j W_O), tip to tail from E's tip, then one arrow."""
    ref = reference.toy_forward(params.sentences[k])
    i = ref.tokens.index(params.focus)
    snapshot, plane = screens(run, params, k)["delta"], run.scene.plane
    e = plane_xy(ref.embeddings[i], params)
    offered = plane_xy(ref.weights[i][:, None] * (ref.values @ reference.toy()["w_o"]), params)
    chain = e + np.vstack([np.zeros(2), np.cumsum(offered, axis=0)])
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        arrow_between(snapshot, plane.p(a), plane.p(b))
    tip = e + plane_xy(ref.delta[i], params)
    delta = arrow_between(snapshot, plane.p(e), plane.p(tip))
    assert labels(the_text(snapshot, "\u0394E"), delta.get_end(), [], snapshot)


def shows_context_vector(run, params, k: int) -> None:
    ref = reference.toy_forward(params.sentences[k])
    i = ref.tokens.index(params.focus)
    snapshot, plane = screens(run, params, k)["context_vector"], run.scene.plane
    arrow = arrow_between(snapshot, plane.origin, plane.p(plane_xy(ref.outputs[i], params)))
    tag = the_text(snapshot, f"E\u2032 = E + \u0394E  ({k + 1})")
    assert labels(tag, arrow.get_end(), [plane.p(plane_xy(ref.embeddings[i], params))],
                  snapshot)
    # E has not moved: still at its embedding, ghosted
    e_arrow = arrow_between(snapshot, plane.origin, plane.p(plane_xy(ref.embeddings[i],
                                                                      params)))
    assert e_arrow.get_stroke_opacity() < 0.5
    shows_readout(snapshot, f"E\u2032 ({k + 1}) reads as", ref.outputs[i], params)


def shows_readout(snapshot, heading: str, vector: np.ndarray, params) -> None:
    """'<heading>  s₁ p₁  s₂ p₂': each sense's name, then its topic probability."""
    expected = reference.senses(vector)
    line = line_after(snapshot, the_text(snapshot, heading))
    assert [t.original_text for t in line[0:4:2]] == list(params.senses)
    assert_shows(line[1:4:2], [expected[s] for s in params.senses])


def shows_plane(run, params) -> None:
    """The embedding screen: sense rays along the Löwdin basis coordinates of each sense
    word, landmark dots at their projections, each name beside its own dot or ray, and E."""
    snapshot, plane = run.at("embedding"), run.scene.plane
    rays = [r for r in visible(snapshot, DashedLine) if r.submobjects]  # not its dashes
    ends = []
    for sense in params.senses:
        d = plane.p(plane_xy(reference.embed(sense), params)) - plane.origin
        along = [r for r in rays if np.allclose(r.get_start(), plane.origin, atol=XY)
                 and np.cross(r.get_end() - r.get_start(), d)[2] ** 2
                 < 1e-8 * (d @ d) * np.sum((r.get_end() - r.get_start()) ** 2)
                 and (r.get_end() - r.get_start()) @ d > 0]
        assert len(along) == 1, f"one ray along {sense}'s direction, found {len(along)}"
        ends.append(along[0].get_end())
    for sense, end in zip(params.senses, ends, strict=True):
        assert any(labels(t, end, [e for e in ends if e is not end], snapshot)
                   for t in visible(snapshot) if t.original_text == sense), sense
    dots = {w: plane.p(plane_xy(reference.embed(w), params)) for w in params.landmarks}
    centres = [d.get_center() for d in visible(snapshot, Dot)]
    for word, point in dots.items():
        assert min(np.linalg.norm(c - point) for c in centres) < XY, f"no dot for {word}"
        rivals = [p for w, p in dots.items() if w != word]
        assert any(labels(t, point, rivals, snapshot)
                   for t in visible(snapshot) if t.original_text == word), word
    e = reference.embed(params.focus)
    arrow = arrow_between(snapshot, plane.origin, plane.p(plane_xy(e, params)))
    assert labels(the_text(snapshot, f"E ({params.focus})"), arrow.get_end(), [], snapshot)
    shows_readout(snapshot, "E reads as", e, params)
    the_text(snapshot, params.title)


def shows_every_context_vector_at_the_end(run, params) -> None:
    """Both E′ at their reference points, each labelled with its sentence's number; E kept;
    the summary names the sense the read-out gives each E′ (its highest topic)."""
    snapshot, plane = run.at("both"), run.scene.plane
    refs = [reference.toy_forward(s) for s in params.sentences]
    tips = [plane.p(plane_xy(r.outputs[r.tokens.index(params.focus)], params)) for r in refs]
    e_tip = plane.p(plane_xy(reference.embed(params.focus), params))
    assert arrow_between(snapshot, plane.origin, e_tip).get_stroke_opacity() < 0.5
    for k, (r, tip) in enumerate(zip(refs, tips, strict=True)):
        arrow_between(snapshot, plane.origin, tip)
        rivals = [t for t in tips if t is not tip] + [e_tip]
        assert labels(the_text(snapshot, f"E\u2032 ({k + 1})"), tip, rivals, snapshot)
        probabilities = reference.senses(r.outputs[r.tokens.index(params.focus)])
        best = max(probabilities, key=probabilities.get)
        summary = line_after(snapshot, the_text(snapshot, f"({k + 1}) {' '.join(r.tokens)}"))
        assert summary[0].original_text == f"\u2192 {best}"
        shows_readout(snapshot, f"E\u2032 ({k + 1}) reads as",
                      r.outputs[r.tokens.index(params.focus)], params)


# ---- the default scene ---------------------------------------------------------------------

SENTENCES = range(len(P.sentences))


def test_plane_rays_landmarks_and_e(run):
    shows_plane(run, P)


@pytest.mark.parametrize("k", SENTENCES)
def test_sentence_tokens_and_focus(run, k):
    shows_sentence_and_focus(run, P, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_query_keys_and_scores_under_their_words(run, k):
    shows_query_keys_and_scores(run, P, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_weight_bars_on_their_words(run, k):
    shows_weights(run, P, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_delta_is_the_weighted_values_tip_to_tail(run, k):
    shows_delta(run, P, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_context_vector_and_its_readout(run, k):
    shows_context_vector(run, P, k)


def test_both_context_vectors_at_the_end(run):
    shows_every_context_vector_at_the_end(run, P)
