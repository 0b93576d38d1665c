"""Apple in context: one embedding, pulled toward fruit or tech by its sentence.

Script: apple's single embedding E sits between the fruit and tech directions.
In the first sentence, step by step, apple's query meets every key (scores),
softmax turns the scores into weights, the weighted values add up to ΔE, and
the context vector E′ = E + ΔE arrives while E stays where it was, ghosted.
Each later sentence repeats the steps briskly; at the end every E′ is in view.
Every number comes from `load_model().run(sentence)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
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
from attention_core.model import SentenceTrace, ToyModel
from attention_core.plane import SensePlane
from attention_core.readouts import Reading
from scenes.kit import (
    LEFT_SIDE,
    PANEL,
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    ParamError,
    ScoreRow,
    SenseReadout,
    TokenRow,
    VectorColumn,
    WeightBars,
    fit_width,
    fmt,
    label,
)

READOUT_ROOM = 0.5  # kept free under the plane for the "E reads as" line


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


@dataclass(frozen=True)
class InSentence:
    """What sentence `number` does to the focus word (position `i`), in plane coordinates:
    E, the weighted values a_j·v_j chained tip to tail from E's tip, ΔE, and E′ = E + ΔE,
    with E′'s reading."""

    number: int
    trace: SentenceTrace
    i: int
    e: np.ndarray  # (2,)
    chain: np.ndarray  # (n + 1, 2): E, E + a_1 v_1, ..., E + Σ a_j v_j
    delta: np.ndarray  # (2,)
    out: np.ndarray  # (2,)
    reading: Reading

    @classmethod
    def of(cls, model: ToyModel, view: SensePlane, focus: str, trace: SentenceTrace,
           number: int) -> InSentence:
        i = trace.position(focus)
        e = view.coords(trace.embeddings[i]).numpy()
        steps = view.coords(trace.weights[i][:, None] * model.value_vectors(trace)).numpy()
        return cls(number, trace, i, e, np.vstack([e, e + np.cumsum(steps, axis=0)]),
                   view.coords(trace.delta[i]).numpy(), view.coords(trace.outputs[i]).numpy(),
                   model.senses.read(trace.outputs[i]))

    @property
    def words(self) -> str:
        return " ".join(self.trace.tokens)

    @property
    def sense(self) -> str:
        return self.reading.best

    @property
    def from_e(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The arrows drawn from E's tip, as (start, end): each weighted value, then ΔE."""
        return [*zip(self.chain[:-1], self.chain[1:], strict=True), (self.e, self.e + self.delta)]


class AppleInContext(ExplainerScene):
    name = "apple_in_context"
    description = "Apple pulled toward fruit or tech by its sentence: E stays, E + ΔE arrives."
    key_moments = ("embedding", "scores", "weights", "delta", "context_vector", "both")
    params = ContextParams()

    def construct(self) -> None:
        p = self.params
        model = load_model()
        view = model.plane(*p.senses)
        sentences = [InSentence.of(model, view, p.focus, model.run(s), k + 1)
                     for k, s in enumerate(p.sentences)]
        landmarks = view.coords(torch.stack([model.embed(w) for w in p.landmarks])).numpy()
        self.plane = fitted_plane(landmarks, sentences)
        e_arrow, readout = self.embedding(model, view, landmarks, sentences)

        summary = summary_lines(sentences)  # one line per sentence, kept to the end
        first, *later = sentences
        mark, readout = self.walk_through(first, e_arrow, readout, summary[0])
        marks = [mark]
        for s, line in zip(later, summary[1:], strict=True):
            mark, readout = self.recap(s, e_arrow, readout, line)
            marks.append(mark)

        self.narrate(f"One embedding, {len(sentences)} context vectors. Attention added "
                     f"context to '{p.focus}'; it never rewrote the word's embedding.")
        self.play(FadeOut(readout), *[m.animate.set_opacity(1) for m in marks], run_time=1)
        self.moment("both")
        self.wait(3)

    # ---- the plane: fixed grid, sense directions, landmark words, E ----------------------
    def embedding(self, model: ToyModel, view: SensePlane, landmarks: np.ndarray,
                  sentences: list[InSentence]) -> tuple[Arrow, SenseReadout]:
        p, plane = self.params, self.plane
        title = label(p.title, THEME.heading).to_edge(UP, buff=0.2).set_x(PANEL.x)
        rays = VGroup(*[plane.sense_ray(view.coords(model.embed(s)).numpy(), s,
                                        THEME.sense(s)) for s in p.senses])
        # every label keeps clear of the axes and of the arrows from the origin (E, each E′);
        # E's name goes first, then the landmarks' names, which are there from start to end
        # and so also keep off the arrows that pass by later (each sentence's weighted
        # values and ΔE)
        (x0, x1), (y0, y1) = plane.x_range, plane.y_range
        plane.labels.avoid_line(plane.p((x0, 0)), plane.p((x1, 0)), n=40)
        plane.labels.avoid_line(plane.p((0, y0)), plane.p((0, y1)), n=40)
        for tip in [sentences[0].e] + [s.out for s in sentences]:
            plane.labels.avoid_line(plane.origin, plane.p(tip))
        e_arrow = plane.arrow(sentences[0].e, THEME.embedding)
        e_tag = plane.tip_label(e_arrow, f"E ({p.focus})", THEME.embedding)
        passing = [m for s in sentences for a, b in s.from_e
                   for m in plane.labels.avoid_line(plane.p(a), plane.p(b))]
        color_of = {w: THEME.sense(model.sense_of(model.embed(w))) for w in p.landmarks}
        marks = plane.word_points(p.landmarks, landmarks, color_of.get)
        plane.labels.forget(*passing)  # gone before the tags that come later are placed
        readout = self.readout("E reads as", model.senses.read(model.embed(p.focus)))

        self.narrate(f"Before any context, '{p.focus}' has one embedding E: the same vector in "
                     f"every sentence, between the {p.senses[0]} and {p.senses[1]} directions.")
        self.play(FadeIn(title), Create(plane.reference), run_time=1.5)
        self.play(LaggedStart(*[Create(r) for r in rays], lag_ratio=0.3),
                  FadeIn(marks, lag_ratio=0.1), run_time=2)
        self.play(GrowArrow(e_arrow), FadeIn(e_tag))
        self.play(FadeIn(readout))
        self.moment("embedding")
        self.wait(1.5)
        return e_arrow, readout

    # ---- the first sentence, step by step ------------------------------------------------
    def walk_through(self, s: InSentence, e_arrow: Arrow, readout: SenseReadout,
                     line: VGroup) -> tuple[VGroup, SenseReadout]:
        focus = self.params.focus
        panel = SentencePanel(s, focus)
        self.narrate(*meets_every_key(s, focus))
        self.play(FadeIn(panel.tokens, lag_ratio=0.1))
        self.play(FadeIn(panel.query, shift=DOWN * 0.2), run_time=0.8)
        self.play(FadeIn(panel.keys, lag_ratio=0.08), FadeIn(panel.key_tag), run_time=1.2)
        self.narrate(f"Each score is the dot product of {focus}'s query with a key, divided "
                     f"by \u221a{panel.d_k}: a raw number of any sign, not yet a weight.")
        self.play(FadeIn(panel.scores, shift=DOWN * 0.1, lag_ratio=0.1),
                  FadeIn(panel.score_tag), run_time=1.5)
        self.moment("scores")
        self.wait(2)

        self.narrate("Softmax turns the scores into weights: each between 0 and 1, "
                     "all of them summing to 1.")
        self.softmax(panel, run_time=1.5)
        self.moment("weights")
        self.wait(2)

        self.narrate(OFFERED)
        offer = self.offer_values(s, run_time=2.5)
        self.moment("delta")
        self.wait(1.5)

        self.narrate(*arrives(s))
        context, readout = self.arrive(s, e_arrow, readout, offer, run_time=2)
        self.moment("context_vector")
        self.wait(2)
        return self.set_aside(s, panel, context, line), readout

    # ---- each later sentence: the same steps, briskly --------------------------------------
    def recap(self, s: InSentence, e_arrow: Arrow, readout: SenseReadout, line: VGroup
              ) -> tuple[VGroup, SenseReadout]:
        panel = SentencePanel(s, self.params.focus)
        self.narrate(*meets_every_key(s, self.params.focus))
        self.play(FadeIn(panel.tokens, lag_ratio=0.1), run_time=0.6)
        self.play(FadeIn(panel.query, shift=DOWN * 0.2), FadeIn(panel.keys, lag_ratio=0.08),
                  FadeIn(panel.key_tag), FadeIn(panel.scores, lag_ratio=0.1),
                  FadeIn(panel.score_tag), run_time=1.5)
        self.softmax(panel, run_time=0.9)
        self.narrate(OFFERED)
        offer = self.offer_values(s, run_time=1.5)
        self.narrate(*arrives(s))
        context, readout = self.arrive(s, e_arrow, readout, offer, run_time=1.2)
        self.wait(1.2)
        return self.set_aside(s, panel, context, line), readout

    # ---- the steps both share ------------------------------------------------------------
    def softmax(self, panel: SentencePanel, run_time: float) -> None:
        """The scores move up under the words; the weights grow out of them beneath."""
        self.play(FadeOut(panel.keys), FadeOut(panel.key_tag), FadeOut(panel.query),
                  FadeOut(panel.score_tag), Transform(panel.scores, panel.risen),
                  run_time=run_time * 2 / 3)
        self.play(ReplacementTransform(panel.scores.copy(), panel.bars), FadeIn(panel.bar_tag),
                  run_time=run_time)

    def offer_values(self, s: InSentence, run_time: float) -> VGroup:
        """The weighted values, tip to tail from E's tip; together they are ΔE."""
        plane = self.plane
        pieces = VGroup(*[plane.arrow(b, THEME.value, start=a, width=3)
                          for a, b in zip(s.chain[:-1], s.chain[1:], strict=True)])
        delta = plane.arrow(s.e + s.delta, THEME.output, start=s.e)
        self.play(LaggedStart(*[GrowArrow(a) for a in pieces], lag_ratio=0.5),
                  run_time=run_time)
        delta_tag = plane.tip_label(delta, "\u0394E", THEME.output)
        self.play(GrowArrow(delta), FadeIn(delta_tag), pieces.animate.set_opacity(0.6))
        return VGroup(pieces, delta, delta_tag)

    def arrive(self, s: InSentence, e_arrow: Arrow, readout: SenseReadout, offer: VGroup,
               run_time: float) -> tuple[VGroup, SenseReadout]:
        """E′ = E + ΔE arrives and is read; E stays where it was, ghosted."""
        plane = self.plane
        context = plane.arrow(s.out, THEME.output, width=5)
        plane.labels.forget(offer)  # ΔE's tag fades out as E′'s fades in
        tag = plane.tip_label(context, f"E\u2032 = E + \u0394E  ({s.number})", THEME.output)
        reading = self.readout(f"E\u2032 ({s.number}) reads as", s.reading)
        self.play(GrowArrow(context), FadeIn(tag), FadeOut(offer),
                  e_arrow.animate.set_opacity(0.35), ReplacementTransform(readout, reading),
                  run_time=run_time)
        return VGroup(context, tag), reading

    def set_aside(self, s: InSentence, panel: SentencePanel, context: VGroup, line: VGroup
                  ) -> VGroup:
        """The sentence's summary line stays; its E′ dims, under a short tag, for the next."""
        arrow, tag = context
        self.plane.labels.forget(tag)
        short = self.plane.tip_label(arrow, f"E\u2032 ({s.number})", THEME.output)
        self.play(FadeOut(panel.tokens), FadeOut(panel.scores), FadeOut(panel.bars),
                  FadeOut(panel.bar_tag), FadeIn(line), arrow.animate.set_opacity(0.5),
                  ReplacementTransform(tag, short.set_opacity(0.6)), run_time=0.8)
        return VGroup(arrow, short)

    def readout(self, heading: str, reading: Reading) -> SenseReadout:
        """The two senses' probabilities, on one line under the plane."""
        shown = SenseReadout(heading, reading, senses=self.params.senses)
        return shown.next_to(self.plane, DOWN, buff=0.12).align_to(self.plane, LEFT)


OFFERED = ("Every word offers a value vector. Scaled by its weight and added up, the values "
           "make \u0394E, the change that the context proposes.")


def meets_every_key(s: InSentence, focus: str) -> tuple[str, str]:
    """The caption that opens a sentence, and how it is said (quotes are not heard)."""
    return (f"In \u201c{s.words}\u201d, {focus}'s query meets the key of every word.",
            f"In the sentence {s.words}, {focus}'s query meets the key of every word.")


def arrives(s: InSentence) -> tuple[str, str]:
    return (f"The new vector E\u2032 = E + \u0394E arrives near the {s.sense} words. "
            "E itself has not moved: it stays where it was, ghosted.",
            f"The new vector, E prime, equal to E plus delta E, arrives near the {s.sense} "
            "words. E itself has not moved: it stays where it was, ghosted.")


class SentencePanel:
    """The right-hand panel for one sentence: its words (the focus word highlighted), each
    key under its word, the focus word's query, the scores under their words; for softmax,
    where the scores rise to (`risen`) and the weight bars below them."""

    def __init__(self, s: InSentence, focus: str):
        trace, i = s.trace, s.i
        self.tokens = TokenRow(trace.tokens, size=THEME.body, max_width=PANEL.width)
        self.tokens.move_to([PANEL.x, 2.55, 0])
        self.tokens[i].highlight(THEME.query)
        self.keys = VGroup(*[VectorColumn(key.tolist(), THEME.key) for key in trace.keys])
        for col, tok in zip(self.keys, self.tokens, strict=True):
            col.next_to(tok, DOWN, buff=0.25)
        self.key_tag = label("keys", THEME.small, THEME.key).next_to(self.keys, LEFT, buff=0.15)
        self.query = VectorColumn(trace.queries[i].tolist(), THEME.query, f"query of {focus}")
        self.query.next_to(self.keys, DOWN, buff=0.3).set_x(self.tokens[i].get_x())
        self.d_k = trace.queries.shape[1]
        self.scores = self.under_words(ScoreRow(trace.scores[i].tolist(), list(self.tokens))
                                       .next_to(self.query, DOWN, buff=0.3))
        self.score_tag = label(f"score = q\u00b7k / \u221a{self.d_k}  (any sign; not a weight)",
                               THEME.small, THEME.score_pos).next_to(self.scores, DOWN, buff=0.15)
        self.risen = self.under_words(self.scores.copy().next_to(self.tokens, DOWN, buff=0.3))
        weights = trace.weights[i].tolist()
        self.bars = WeightBars(weights, list(self.tokens), max_height=1.6,
                               baseline_y=self.risen.get_bottom()[1] - 2.0)
        self.bar_tag = label(f"softmax weights: each in [0, 1], sum = {fmt(sum(weights))}",
                             THEME.small, THEME.weight).next_to(self.bars, DOWN, buff=0.2)

    def under_words(self, row: ScoreRow) -> ScoreRow:
        for cell, tok in zip(row, self.tokens, strict=True):
            cell.set_x(tok.get_x())
        return row


def fitted_plane(landmarks: np.ndarray, sentences: list[InSentence]) -> EmbeddingPlane:
    """The smallest plane holding the landmarks, E and every step of every sentence, in the
    left-hand region with room for the read-out line beneath it."""
    reach = np.vstack([landmarks] + [s.chain for s in sentences])
    plane = EmbeddingPlane.fit(reach, LEFT_SIDE.width, LEFT_SIDE.height - READOUT_ROOM)
    return plane.move_to([LEFT_SIDE.left, LEFT_SIDE.top, 0], aligned_edge=UP + LEFT)


def summary_lines(sentences: list[InSentence]) -> VGroup:
    """'(1) buy an apple and an orange → fruit': one line per sentence, in the panel."""
    lines = VGroup(*[VGroup(label(f"({s.number}) {s.words}", THEME.small),
                            label(f"\u2192 {s.sense}", THEME.small, THEME.sense(s.sense)))
                     .arrange(RIGHT, buff=0.2) for s in sentences])
    lines.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
    fit_width(lines, PANEL.width)
    return lines.set_x(PANEL.x).shift(UP * (-0.4 - lines[0].get_y()))
