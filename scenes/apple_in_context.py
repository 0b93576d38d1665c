"""Apple in context: one embedding, pulled toward fruit or tech by its sentence.

Script: apple's single embedding E sits between the fruit and tech directions.
In each sentence apple's query meets every key (scores), softmax turns the
scores into weights, the weighted values add up to ΔE, and the context vector
E′ = E + ΔE arrives while E stays where it was, ghosted. Every number comes
from `load_model().run(sentence)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    ReplacementTransform,
    Transform,
    VGroup,
)

from attention_core import load_model
from scenes.kit import (
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    Number,
    ParamError,
    ScoreRow,
    TokenRow,
    VectorColumn,
    WeightBars,
    fmt,
    label,
    segment_markers,
)

PANEL_X = 3.7  # centre of the right-hand panel (sentence, keys, scores, weights)


@dataclass(frozen=True)
class ContextParams:
    """What a lecturer can change from a TOML spec, without writing Python."""

    title: str = "Apple in context"
    focus: str = "apple"
    senses: tuple[str, str] = ("fruit", "tech")
    sentences: tuple[str, ...] = ("buy an apple and an orange", "apple released a new phone")
    landmarks: tuple[str, ...] = ("orange", "banana", "pie", "juice",
                                  "phone", "laptop", "software", "launched")

    def validate(self) -> None:
        """Check against the model; unknown words raise UnknownWordError (it names them)."""
        model = load_model()
        if not 1 <= len(self.sentences) <= 3:
            raise ParamError("sentences", f"give 1 to 3 sentences, got {len(self.sentences)}")
        try:
            model.plane(*self.senses)
        except ValueError as exc:
            raise ParamError("senses", str(exc)) from None
        model.embed(self.focus)
        for sentence in self.sentences:
            if self.focus not in model.tokenize(sentence):
                raise ParamError("sentences", f"the focus word {self.focus!r} is not in "
                                              f"{sentence!r}")
            if len(model.tokenize(sentence)) > 8:
                raise ParamError("sentences", f"{sentence!r} is too long for the panel "
                                              "(at most 8 words)")
        for word in self.landmarks:
            model.embed(word)


class AppleInContext(ExplainerScene):
    name = "apple_in_context"
    description = "Apple pulled toward fruit or tech by its sentence: E stays, E + ΔE arrives."
    key_moments = ("embedding", "scores", "weights", "delta", "context_vector", "both")
    params = ContextParams()

    def construct(self) -> None:
        p = self.params
        self.model = model = load_model()
        self.view = model.plane(*p.senses)
        self.traces = [model.run(s) for s in p.sentences]
        self.focus_xy = self.view.coords(model.embed(p.focus)).numpy()

        # ---- the plane: fixed grid, sense directions, landmark words, E -------------
        landmark_xy = self.view.coords(model.table[[model.vocab.index(w)
                                                    for w in p.landmarks]]).numpy()
        reach = [self.focus_xy[None], landmark_xy] + [self.value_chain(t)[1]
                                                      for t in self.traces]
        self.plane = plane = EmbeddingPlane.fit(np.vstack(reach), 6.4, 6.7)
        plane.to_edge(LEFT, buff=0.35).to_edge(DOWN, buff=0.55)

        title = label(p.title, THEME.heading).to_edge(UP, buff=0.2).set_x(PANEL_X)
        rays = VGroup(*[plane.sense_ray(self.view.coords(model.embed(s)).numpy(), s,
                                        THEME.sense(s)) for s in p.senses])
        color_of = {w: THEME.sense(model.sense_of(model.embed(w))) for w in p.landmarks}
        # labels keep clear of every arrow the scene will draw from the origin (E, each E′)
        arrow_tips = [self.focus_xy] + [self.view.coords(t.outputs[t.position(p.focus)]).numpy()
                                        for t in self.traces]
        keep_clear = [m for tip in arrow_tips
                      for m in segment_markers(plane.origin, plane.p(tip))]
        marks = plane.word_points(p.landmarks, landmark_xy, color_of.get,
                                  avoid=[r[1] for r in rays] + keep_clear)
        self.placed = [m for mark in marks for m in mark[:2]] + [r[1] for r in rays] + keep_clear
        self.e_arrow = plane.arrow(self.focus_xy, THEME.embedding)
        e_tag = plane.tip_label(self.e_arrow, f"E ({p.focus})", THEME.embedding, self.placed)

        self.narrate(f"Before any context, '{p.focus}' has one embedding E: the same vector in "
                     f"every sentence, between the {p.senses[0]} and {p.senses[1]} directions.")
        self.play(FadeIn(title), Create(plane.reference), run_time=1.5)
        self.play(LaggedStart(*[Create(r) for r in rays], lag_ratio=0.3),
                  FadeIn(marks, lag_ratio=0.1), run_time=2)
        self.play(GrowArrow(self.e_arrow), FadeIn(e_tag))
        self.readout = self.sense_readout(model.embed(p.focus), "E reads as")
        self.play(FadeIn(self.readout))
        self.moment("embedding")
        self.wait(1.5)

        # ---- each sentence pulls E somewhere else --------------------------------------
        self.summary = VGroup()  # one line per sentence, kept to the end
        self.contexts = VGroup()  # every E′ and its label
        for k, trace in enumerate(self.traces):
            self.attend_in_sentence(k, trace, detailed=(k == 0))

        self.narrate(f"One embedding, {len(self.traces)} context vectors. Attention added "
                     f"context to '{p.focus}'; it never rewrote the word's embedding.")
        self.play(FadeOut(self.readout),
                  *[m.animate.set_opacity(1) for m in self.contexts], run_time=1)
        self.moment("both")
        self.wait(3)

    # ---------------------------------------------------------------------------------
    def value_chain(self, trace) -> tuple[np.ndarray, np.ndarray]:
        """Plane coordinates of each weighted value a_j·v_j, chained from E's tip."""
        i = trace.position(self.params.focus)
        steps = self.view.coords(trace.weights[i][:, None]
                                 * self.model.value_vectors(trace)).numpy()
        ends = self.focus_xy + np.cumsum(steps, axis=0)
        return np.vstack([self.focus_xy, ends[:-1]]), ends

    def sense_readout(self, vector, heading: str) -> VGroup:
        """'fruit 0.47  tech 0.48': the model's topic softmax for a vector."""
        probs = self.model.sense_probabilities(vector)
        parts = [label(heading, THEME.small, THEME.muted)]
        for s in self.params.senses:
            parts += [label(s, THEME.small, THEME.sense(s)),
                      Number(float(probs[self.model.topics.index(s)]), 2, THEME.small)]
        group = VGroup(*parts).arrange(RIGHT, buff=0.15)
        return group.next_to(self.plane, DOWN, buff=0.12).align_to(self.plane, LEFT)

    def attend_in_sentence(self, k: int, trace, detailed: bool) -> None:
        p, plane = self.params, self.plane
        i = trace.position(p.focus)
        quick = 1.0 if detailed else 0.6

        tokens = TokenRow(trace.tokens, size=THEME.body, max_width=6.4)
        tokens.move_to([PANEL_X, 2.55, 0])
        tokens[i].highlight(THEME.query)
        self.narrate(f"In \u201c{' '.join(trace.tokens)}\u201d, {p.focus}'s query meets "
                     "the key of every word.")
        self.play(FadeIn(tokens, lag_ratio=0.1), run_time=quick)

        keys = VGroup(*[VectorColumn(key.tolist(), THEME.key) for key in trace.keys])
        for col, tok in zip(keys, tokens, strict=True):
            col.next_to(tok, DOWN, buff=0.25)
        key_tag = label("keys", THEME.small, THEME.key).next_to(keys, LEFT, buff=0.15)
        query = VectorColumn(trace.queries[i].tolist(), THEME.query, f"query of {p.focus}")
        query.next_to(keys, DOWN, buff=0.3).set_x(tokens[i].get_x())
        self.play(FadeIn(query, shift=DOWN * 0.2), run_time=0.8 * quick)
        self.play(FadeIn(keys, lag_ratio=0.08), FadeIn(key_tag),
                  run_time=1.2 * quick)

        d_k = trace.queries.shape[1]
        scores = ScoreRow(trace.scores[i].tolist(), list(tokens))
        scores.next_to(query, DOWN, buff=0.3)
        for cell, tok in zip(scores, tokens, strict=True):
            cell.set_x(tok.get_x())
        score_tag = label(f"score = q\u00b7k / \u221a{d_k}  (any sign; not a weight)",
                          THEME.small, THEME.score_pos).next_to(scores, DOWN, buff=0.15)
        if detailed:
            self.narrate("Each score is the dot product of apple's query with a key, divided "
                         f"by \u221a{d_k}: a raw number of any sign, not yet a weight.")
        self.play(FadeIn(scores, shift=DOWN * 0.1, lag_ratio=0.1),
                  FadeIn(score_tag), run_time=1.5 * quick)
        if detailed:
            self.moment("scores")
            self.wait(2)

        # softmax: scores move up under the words, the weights grow beneath them
        weights = trace.weights[i].tolist()
        score_target = scores.copy().next_to(tokens, DOWN, buff=0.3)
        for cell, tok in zip(score_target, tokens, strict=True):
            cell.set_x(tok.get_x())
        bars = WeightBars(weights, list(tokens), max_height=1.6,
                          baseline_y=score_target.get_bottom()[1] - 2.0)
        bar_tag = label(f"softmax weights: each in [0, 1], sum = {fmt(sum(weights))}",
                        THEME.small, THEME.weight).next_to(bars, DOWN, buff=0.2)
        if detailed:
            self.narrate("Softmax turns the scores into weights: each between 0 and 1, "
                         "all of them summing to 1.")
        self.play(FadeOut(keys), FadeOut(key_tag), FadeOut(query), FadeOut(score_tag),
                  Transform(scores, score_target), run_time=quick)
        self.play(ReplacementTransform(scores.copy(), bars), FadeIn(bar_tag),
                  run_time=1.5 * quick)
        if detailed:
            self.moment("weights")
            self.wait(2)

        # the weighted values, tip to tail from E's tip: together they are ΔE
        starts, ends = self.value_chain(trace)
        pieces = VGroup(*[plane.arrow(b, THEME.value, start=a, width=3)
                          for a, b in zip(starts, ends, strict=True)])
        delta_xy = self.view.coords(trace.delta[i]).numpy()
        delta = plane.arrow(self.focus_xy + delta_xy, THEME.output, start=self.focus_xy)
        self.narrate("Every word offers a value vector. Scaled by its weight and added up, "
                     "the values make \u0394E, the change that the context proposes.")
        self.play(LaggedStart(*[GrowArrow(a) for a in pieces], lag_ratio=0.5),
                  run_time=2.5 * quick)
        delta_tag = plane.tip_label(delta, "\u0394E", THEME.output, self.placed)
        self.play(GrowArrow(delta), FadeIn(delta_tag), pieces.animate.set_opacity(0.6))
        if detailed:
            self.moment("delta")
            self.wait(1.5)

        # E′ = E + ΔE arrives; E stays where it was, ghosted
        new_xy = self.view.coords(trace.outputs[i]).numpy()
        context = plane.arrow(new_xy, THEME.output, width=5)
        tag = plane.tip_label(context, f"E\u2032 = E + \u0394E  ({k + 1})", THEME.output,
                              self.placed)
        sense = self.model.sense_of(trace.outputs[i])
        self.narrate(f"The new vector E\u2032 = E + \u0394E arrives near the {sense} words. "
                     "E itself has not moved: it stays where it was, ghosted.")
        readout = self.sense_readout(trace.outputs[i], f"E\u2032 ({k + 1}) reads as")
        self.play(GrowArrow(context), FadeIn(tag), FadeOut(delta_tag), FadeOut(delta),
                  FadeOut(pieces), self.e_arrow.animate.set_opacity(0.35),
                  ReplacementTransform(self.readout, readout), run_time=2 * quick)
        self.readout = readout
        if detailed:
            self.moment("context_vector")
        self.wait(2 * quick)

        # keep a one-line summary of this sentence; dim its E′ for the next one
        line = VGroup(label(f"({k + 1}) {' '.join(trace.tokens)}", THEME.small),
                      label(f"\u2192 {sense}", THEME.small, THEME.sense(sense)))
        line.arrange(RIGHT, buff=0.2)
        if len(self.summary):
            line.next_to(self.summary, DOWN, buff=0.2, aligned_edge=LEFT)
        else:
            line.move_to([PANEL_X, -0.4, 0])
        self.summary.add(line)
        self.placed.remove(tag[0])
        short = plane.tip_label(context, f"E\u2032 ({k + 1})", THEME.output, self.placed)
        self.contexts.add(context, short)
        self.play(FadeOut(tokens), FadeOut(scores), FadeOut(bars), FadeOut(bar_tag),
                  FadeIn(line), context.animate.set_opacity(0.5),
                  ReplacementTransform(tag, short.set_opacity(0.6)), run_time=quick)
