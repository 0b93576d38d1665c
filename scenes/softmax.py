"""Softmax, not the best match: why attention averages instead of picking the top word.

Script: apple's real score row in "buy an apple and an orange". Taking only the
best match is an argmax (all weight on one word); softmax gives every word a
share. One score (buy's) slides up past the top score: the argmax bars jump
from orange to buy in one step while the softmax bars barely move; a plot of
buy's weight against buy's score shows the step and the smooth curve. Then a
temperature T in softmax(s / T) slides from sharp (close to the argmax) to flat
(close to uniform). Every bar is recomputed from `attention_core.softmax` on
every frame from the tracker's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Axes,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Mobject,
    ValueTracker,
    VGroup,
    Write,
    linear,
    smooth,
)
from torch import Tensor

from attention_core import load_model
from attention_core.softmax import argmax_one_hot, softmax, with_score
from scenes.kit import (
    PANEL,
    SAFE,
    STAGE,
    THEME,
    ExplainerScene,
    LiveNumber,
    LiveWeightBars,
    Region,
    ScoreRow,
    TokenRow,
    at_top,
    fmt,
    formula,
    label,
    refresh,
)

TAGS = Region(SAFE.left, SAFE.left + 2.0, STAGE.bottom, STAGE.top)  # each row's name
# the sentence, its scores and both rows of bars; its words need 5.8 units (any
# narrower and the score boxes of neighbouring words overlap)
COLUMNS = Region(TAGS.right + 0.2, TAGS.right + 6.0, STAGE.bottom, STAGE.top)
SIDE = Region(COLUMNS.right + 0.3, PANEL.right, STAGE.bottom, STAGE.top)  # plot, then T
# both plots (weight against score, then weights against T) are the moment's picture:
# over half the frame tall, a line of text above them and their x axis name below
PLOT = Region(SIDE.left + 0.45, SIDE.right - 0.1, -2.2, 1.85)
HEAD_Y = 2.45  # the line the words stand on, and the line above each plot
BAR_HEIGHT = 1.8  # both rows: the bars fill the room between the scores and the captions


@dataclass(frozen=True)
class SoftmaxParams:
    sentence: str = "buy an apple and an orange"
    focus: str = "apple"  # whose score row (query) we look at
    mover: str = "buy"  # the key whose score slides up past the top one
    overshoot: float = 1.0  # how far past the top score the mover goes
    near: float = 0.1  # the two stills sit this far below / above the crossing
    temperatures: tuple[float, float] = (0.4, 5.0)  # sharp, then flat


@dataclass(frozen=True)
class Mover:
    """A score row in which one key's score (position `j`) is set to any value."""

    row: Tensor
    j: int

    @property
    def start(self) -> float:
        return float(self.row[self.j])

    @property
    def top(self) -> int:
        """The best of the other keys: the one the mover overtakes."""
        return max((k for k in range(len(self.row)) if k != self.j),
                   key=lambda k: float(self.row[k]))

    @property
    def cross(self) -> float:
        """Where the mover's score meets the top one."""
        return float(self.row[self.top])

    def weights_at(self, score: float, temperature: float = 1.0
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(argmax pick, softmax weights) with the mover's score = `score`."""
        row = with_score(self.row, self.j, score)
        return argmax_one_hot(row).numpy(), softmax(row, temperature).numpy()


class Softmax(ExplainerScene):
    name = "softmax"
    description = "Why softmax and not the best match: argmax jumps, softmax moves smoothly."
    key_moments = ("scores", "before_cross", "after_cross", "sharp", "flat")
    params = SoftmaxParams()

    def construct(self) -> None:
        p = self.params
        trace = load_model().run(p.sentence)
        mover = Mover(trace.scores[trace.position(p.focus)], trace.tokens.index(p.mover))
        top_word = trace.tokens[mover.top]

        # ---- a real score row --------------------------------------------------------
        title = at_top(label("Softmax, not the best match", THEME.heading))
        words = TokenRow(trace.tokens, size=THEME.body, max_width=COLUMNS.width)
        words.move_to([COLUMNS.x, 2.45, 0])
        words[trace.position(p.focus)].highlight(THEME.query)
        scores = ScoreRow(mover.row.tolist(), list(words))
        d_k = trace.queries.shape[1]  # the index as a number: a subscript would be 13 px
        score_tag = row_tag(f"{p.focus}'s scores", f"q\u00b7k / \u221a{d_k}", scores,
                            THEME.score_pos)
        question = SIDE.fit(label("\u201cWhy not just take the best match?\u201d", THEME.small,
                                  THEME.muted)).move_to([SIDE.x, 2.45, 0])
        self.narrate("A viewer asked: why not just take the best-matching word? Here is "
                     f"{p.focus}'s real score row in \u201c{p.sentence}\u201d.",
                     spoken="A viewer asked: why not just take the best-matching word? Here is "
                            f"{p.focus}'s real score row in the sentence {p.sentence}.")
        self.play(FadeIn(title), FadeIn(words, lag_ratio=0.1), FadeIn(question))
        self.play(FadeIn(scores, lag_ratio=0.1), FadeIn(score_tag), run_time=1.5)
        self.moment("scores")
        self.wait(3.5)

        # ---- two ways to turn scores into weights ---------------------------------------
        hard = bars(argmax_one_hot(mover.row), words, -0.55, THEME.muted)
        soft = bars(softmax(mover.row), words, -2.7, THEME.weight)
        self.narrate(f"Taking the best match is an argmax: all the weight on the top score, "
                     f"{top_word}. Softmax instead gives every word a share.")
        self.play(FadeIn(hard), FadeIn(row_tag("argmax", "best match only", hard.bars,
                                               THEME.muted)), run_time=1.2)
        self.play(FadeIn(soft), FadeIn(row_tag("softmax", "a share each", soft.bars,
                                               THEME.weight)), run_time=1.2)
        self.wait(3.5)

        plot = self.slide_past_top(mover, top_word, words, scores, hard, soft, question)
        self.temperature_part(mover.row, words, soft, plot)

    # ---- slide one score past the top one ------------------------------------------
    def slide_past_top(self, mover: Mover, top_word: str, words: TokenRow, scores: ScoreRow,
                       hard: LiveWeightBars, soft: LiveWeightBars, question: Mobject
                       ) -> VGroup:
        """The mover's score rises past the top one, and falls back; returns the plot
        (it takes the question's place: it is the answer)."""
        p = self.params
        score = ValueTracker(mover.start, name="score")
        self.add(score)
        plot = self.weight_plot(mover, score, top_word)
        self.narrate(f"Now let {p.mover}'s score rise. The plot follows the weight each method "
                     f"gives {p.mover}.")
        self.play(FadeOut(question), FadeIn(plot), run_time=1.5)
        follow_score(mover, score, words, scores, hard, soft)
        before, after = mover.cross - p.near, mover.cross + p.near
        self.play(score.animate.set_value(before), run_time=3, rate_func=smooth)
        self.narrate(f"Just below {top_word}'s score, argmax still gives {p.mover} nothing.")
        self.moment("before_cross")
        self.wait(2)
        shares = [fmt(mover.weights_at(s)[1][mover.j]) for s in (before, after)]
        self.play(score.animate.set_value(after), run_time=1.2, rate_func=linear)
        self.narrate(f"A change of {fmt(after - before)} and argmax moves ALL the weight from "
                     f"{top_word} to {p.mover}; softmax only takes {p.mover} from {shares[0]} "
                     f"to {shares[1]}.")
        self.moment("after_cross")
        self.wait(6)
        self.narrate("Softmax changes smoothly with the scores: a small nudge gives a small "
                     "change, so the result is robust, and every word still contributes.")
        self.play(score.animate.set_value(mover.cross + p.overshoot), run_time=2)
        self.play(score.animate.set_value(mover.start), run_time=2.5)
        self.wait(2)
        scores.clear_updaters()
        soft.clear_updaters()
        return plot

    def weight_plot(self, mover: Mover, score: ValueTracker, top_word: str) -> VGroup:
        """buy's weight against buy's score: a step for argmax, a smooth curve for softmax;
        two dots follow the tracker along them."""
        p, j = self.params, mover.j
        x0, x1 = mover.start - 0.3, mover.cross + p.overshoot + 0.3
        # the axes count from x0, so the y axis stands at the left edge, not at score 0
        self.plot_axes = axes = side_axes(x1 - x0)

        def at(s: float, w: float) -> np.ndarray:
            return axes.c2p(s - x0, w)

        hard = axes.plot(lambda u: float(mover.weights_at(u + x0)[0][j]),
                         x_range=(0, x1 - x0, 0.01), discontinuities=[mover.cross - x0],
                         use_smoothing=False, color=THEME.muted, stroke_width=4)
        soft = axes.plot(lambda u: float(mover.weights_at(u + x0)[1][j]),
                         x_range=(0, x1 - x0, 0.02), color=THEME.weight, stroke_width=4)
        cross = DashedLine(at(mover.cross, 0), at(mover.cross, 1.0), color=THEME.score_pos,
                           stroke_width=2, dash_length=0.08)
        # inside the plot, left of the dashed line at its top: argmax is 0 there and the
        # softmax curve low, so the corner is free
        cross_tag = label(f"{top_word}'s score", THEME.tiny, THEME.score_pos)
        cross_tag.next_to(at(mover.cross, 0.97), LEFT, buff=0.12)
        y_name = label(f"weight on {p.mover}", THEME.small).move_to([0, HEAD_Y, 0])
        y_name.align_to(axes, LEFT)
        x_name = label(f"{p.mover}'s score \u2192", THEME.small, THEME.score_pos)
        x_name.next_to(axes, DOWN, buff=0.12).align_to(axes, RIGHT)
        ticks = y_ticks(axes)
        legend = VGroup(*[VGroup(Line(ORIGIN, RIGHT * 0.4, color=c, stroke_width=4),
                                 label(n, THEME.small, c)).arrange(RIGHT, buff=0.12)
                          for n, c in (("argmax", THEME.muted), ("softmax", THEME.weight))])
        legend.arrange(DOWN, buff=0.15, aligned_edge=LEFT).next_to(at(x0, 0.62), RIGHT, 0.2)
        dots = VGroup(Dot(color=THEME.muted, radius=0.07), Dot(color=THEME.weight, radius=0.07))

        def follow(group: VGroup) -> None:
            s = score.get_value()
            hard_w, soft_w = mover.weights_at(s)
            group[0].move_to(at(s, hard_w[j]))
            group[1].move_to(at(s, soft_w[j]))

        follow(dots)
        dots.add_updater(follow)
        return VGroup(axes, hard, soft, cross, cross_tag, y_name, x_name, ticks, legend, dots)

    # ---- temperature: sharp or flat ---------------------------------------------------
    def temperature_part(self, row: Tensor, words: TokenRow, soft: LiveWeightBars,
                         gone: VGroup) -> None:
        """T slides from 1 to sharp, to flat and back; the bars and a plot of every word's
        weight against T follow it (the plot takes the weight plot's place)."""
        sharp, flat = self.params.temperatures
        n = len(row)
        temperature = ValueTracker(1.0, name="temperature")
        self.add(temperature)
        rule = formula(r"\mathrm{softmax}(s\,/\,T)", size=THEME.heading)
        t_value = LiveNumber(1.0, 2, THEME.heading, THEME.text)
        t_line = VGroup(label("T =", THEME.heading), t_value).arrange(RIGHT, buff=0.2)
        VGroup(rule, t_line).arrange(RIGHT, buff=0.45).move_to([SIDE.x, HEAD_Y, 0])
        plot = self.temperature_plot(row, temperature, words.words)
        # between the two rows of bars: softmax's limits, the argmax above and 1/n below
        notes = VGroup(label("T \u2192 0: the argmax row above", THEME.small, THEME.muted),
                       label(f"T \u2192 \u221e: every word 1/{n} = {fmt(1 / n)}", THEME.small,
                             THEME.muted)).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        notes.move_to([COLUMNS.left, soft.baseline_y + BAR_HEIGHT - 0.1, 0],
                      aligned_edge=UP + LEFT)
        uniform_y = soft.baseline_y + BAR_HEIGHT / n
        uniform = DashedLine([words.get_left()[0], uniform_y, 0],
                             [words.get_right()[0], uniform_y, 0], color=THEME.muted,
                             stroke_width=1.5, stroke_opacity=0.7, dash_length=0.08)
        uniform_tag = label(f"1/{n}", THEME.tiny, THEME.muted).next_to(uniform, RIGHT, 0.1)
        self.narrate("Softmax has a dial, the temperature T: divide the scores by T "
                     "before the softmax.")
        self.play(FadeOut(gone), run_time=1)
        self.play(Write(rule), FadeIn(t_line), FadeIn(plot), run_time=1.5)
        t_value.add_updater(lambda m: m.set_value(temperature.get_value()))
        soft.add_updater(lambda b: b.set_values(softmax(row, temperature.get_value()).numpy()))
        self.wait(1.5)
        self.narrate(f"Cold, T = {fmt(sharp)}: the weights sharpen toward the argmax pick, "
                     "almost all on the top score.")
        self.play(temperature.animate.set_value(sharp), run_time=3)
        self.play(FadeIn(notes[0]), run_time=0.8)
        self.moment("sharp")
        self.wait(2.5)
        self.narrate(f"Hot, T = {fmt(flat)}: the weights flatten toward uniform, {fmt(1 / n)} "
                     "each, and the scores barely matter.")
        self.play(temperature.animate.set_value(flat), FadeIn(uniform), FadeIn(uniform_tag),
                  run_time=3.5)
        self.bring_to_back(uniform)  # behind the bars and their numbers
        self.play(FadeIn(notes[1]), run_time=0.8)
        self.moment("flat")
        self.wait(2.5)
        self.narrate("Attention uses T = 1 on scores already divided by \u221ad\u2096: "
                     "sharp enough to choose, smooth enough to stay robust.")
        self.play(temperature.animate.set_value(1.0), FadeOut(uniform), FadeOut(uniform_tag),
                  run_time=2.5)
        self.wait(4)

    def temperature_plot(self, row: Tensor, temperature: ValueTracker,
                         tokens: list[str]) -> VGroup:
        """Every word's softmax weight against T, T on a log axis (0.1, 1, 10 evenly
        apart, so sharp and flat get equal room): the top word's curve falls from 1 to
        1/n, the others rise to it; a dashed line and one dot per word follow the tracker.
        `t_point(T, w)` is where weight w at temperature T is drawn."""
        self.t_axes = axes = side_axes(2.0)  # log10 T from -1 (T = 0.1) to 1 (T = 10)

        def at(t: float, w: float) -> np.ndarray:
            return axes.c2p(np.log10(t) + 1.0, w)

        self.t_point = at
        top = int(row.argmax())
        ts = np.logspace(-1, 1, 121)
        table = np.stack([softmax(row, float(t)).numpy() for t in ts])  # (T, word)
        curves = VGroup(*[
            axes.plot_line_graph(np.log10(ts) + 1.0, table[:, k], add_vertex_dots=False,
                                 line_color=THEME.weight,
                                 stroke_width=4 if k == top else 2.5).set_stroke(
                opacity=1.0 if k == top else 0.55)
            for k in range(len(row))])
        # in the free corners: under the top curve's flat start, over the others' floor
        top_tag = label(tokens[top], THEME.tiny, THEME.weight)
        top_tag.next_to(at(0.1, 0.9), RIGHT, buff=0.15)
        others = label("the other words", THEME.tiny, THEME.muted)
        others.next_to(at(0.1, 0.15), RIGHT, buff=0.15)
        ticks = VGroup(*[label(t, THEME.tiny, THEME.muted).next_to(at(v, 0), DOWN, buff=0.12)
                         for t, v in (("0.1", 0.1), ("1", 1.0), ("10", 10.0))])
        ticks[0].align_to(axes, LEFT)
        ticks[2].align_to(axes, RIGHT)
        x_name = label("T \u2192", THEME.small).next_to(at(10 ** 0.5, 0), DOWN, buff=0.12)
        marker = DashedLine(at(1.0, 0), at(1.0, 1.0), color=THEME.muted, stroke_width=2,
                            dash_length=0.08)
        dots = VGroup(*[Dot(color=THEME.weight, radius=0.06) for _ in range(len(row))])

        def follow(group: VGroup) -> None:
            t = temperature.get_value()
            for dot, w in zip(group, softmax(row, t).numpy(), strict=True):
                dot.move_to(at(t, float(w)))

        def slide(line: DashedLine) -> None:
            t = temperature.get_value()
            line.put_start_and_end_on(at(t, 0), at(t, 1.0))

        follow(dots)
        dots.add_updater(follow)
        marker.add_updater(slide)
        return VGroup(axes, curves, marker, top_tag, others, ticks, x_name, y_ticks(axes),
                      dots)


def side_axes(x_length: float) -> Axes:
    """Axes filling PLOT, weight 0..1 up, counted from 0 along (a plot's own origin)."""
    return Axes(x_range=(0, x_length, x_length), y_range=(0, 1.0, 1.0), x_length=PLOT.width,
                y_length=PLOT.height, tips=False, x_axis_config={"include_ticks": False},
                axis_config={"stroke_color": THEME.muted, "stroke_width": 1.5}
                ).move_to(PLOT.center)


def y_ticks(axes: Axes) -> VGroup:
    return VGroup(*[label(t, THEME.tiny, THEME.muted).next_to(axes.c2p(0, y), LEFT, 0.1)
                    for t, y in (("0", 0.0), ("1", 1.0))])


def bars(weights: Tensor, words: TokenRow, baseline: float, color: str) -> LiveWeightBars:
    """A row of weight bars on its own floor line, one bar on each word."""
    row = LiveWeightBars(weights.tolist(), list(words), max_height=BAR_HEIGHT,
                         baseline_y=baseline, color=color)
    row.add_to_back(Line([words.get_left()[0], baseline, 0], [words.get_right()[0], baseline, 0],
                         stroke_width=1, color=THEME.reference))
    return row


def row_tag(name: str, detail: str, row: Mobject, color: str) -> VGroup:
    """A row's name over a word on how it is made, on the left, level with the row."""
    tag = VGroup(label(name, THEME.small, color), label(detail, THEME.tiny, THEME.muted))
    return tag.arrange(DOWN, buff=0.08).move_to([TAGS.x, row.get_center()[1], 0])


def follow_score(mover: Mover, score: ValueTracker, words: TokenRow, scores: ScoreRow,
                 hard: LiveWeightBars, soft: LiveWeightBars) -> None:
    """From now on the mover's score box and both rows of bars follow the tracker."""
    j = mover.j

    def rescore(row: ScoreRow) -> None:
        new = ScoreRow(with_score(mover.row, j, score.get_value()).tolist(), list(words),
                       scale=float(mover.row.abs().max()))
        row.values = new.values
        refresh(row[j], new[j])  # the box and its number, changed in place

    scores.add_updater(rescore)
    hard.add_updater(lambda b: b.set_values(mover.weights_at(score.get_value())[0]))
    soft.add_updater(lambda b: b.set_values(mover.weights_at(score.get_value())[1]))
