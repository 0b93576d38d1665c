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
    ValueTracker,
    VGroup,
    Write,
    linear,
    smooth,
)

from attention_core import load_model
from attention_core.softmax import argmax_one_hot, softmax, with_score
from scenes.kit import THEME, ExplainerScene, ScoreRow, TokenRow, fmt, formula, label
from scenes.kit.live import LiveNumber, LiveWeightBars, refresh

COLUMNS_X = -1.75  # centre of the sentence, its scores and both rows of bars
TAGS_X = -5.9  # centre of the row names on the left
PANEL_X = 4.45  # centre of the right-hand panel (plot, then temperature)
BAR_HEIGHT = 1.5


@dataclass(frozen=True)
class SoftmaxParams:
    sentence: str = "buy an apple and an orange"
    focus: str = "apple"  # whose score row (query) we look at
    mover: str = "buy"  # the key whose score slides up past the top one
    overshoot: float = 1.0  # how far past the top score the mover goes
    near: float = 0.1  # the two stills sit this far below / above the crossing
    temperatures: tuple[float, float] = (0.4, 5.0)  # sharp, then flat


class Softmax(ExplainerScene):
    name = "softmax"
    description = "Why softmax and not the best match: argmax jumps, softmax moves smoothly."
    key_moments = ("scores", "before_cross", "after_cross", "sharp", "flat")
    params = SoftmaxParams()

    def construct(self) -> None:
        p = self.params
        self.trace = trace = load_model().run(p.sentence)
        self.row = trace.scores[trace.position(p.focus)]
        self.j = trace.tokens.index(p.mover)
        others = [k for k in range(len(self.row)) if k != self.j]
        self.top = max(others, key=lambda k: float(self.row[k]))
        self.cross = float(self.row[self.top])  # where the mover's score meets the top one
        self.start = float(self.row[self.j])
        top_word = trace.tokens[self.top]

        # ---- a real score row --------------------------------------------------------
        title = label("Softmax, not the best match", THEME.heading).to_edge(UP, buff=0.25)
        self.tokens = TokenRow(trace.tokens, size=THEME.body, max_width=5.8)
        self.tokens.move_to([COLUMNS_X, 2.45, 0])
        self.tokens[trace.position(p.focus)].highlight(THEME.query)
        self.scores = ScoreRow(self.row.tolist(), list(self.tokens))
        score_tag = self.row_tag(f"{p.focus}'s scores", "q\u00b7k / \u221ad\u2096",
                                 self.scores, THEME.score_pos)
        question = label("\u201cWhy not just take the best match?\u201d", THEME.small,
                         THEME.muted).move_to([PANEL_X, 2.45, 0])
        self.narrate("A viewer asked: why not just take the best-matching word? Here is "
                     f"{p.focus}'s real score row in \u201c{p.sentence}\u201d.")
        self.play(FadeIn(title), FadeIn(self.tokens, lag_ratio=0.1), FadeIn(question))
        self.play(FadeIn(self.scores, lag_ratio=0.1), FadeIn(score_tag), run_time=1.5)
        self.moment("scores")
        self.wait(3.5)

        # ---- two ways to turn scores into weights ---------------------------------------
        self.score = ValueTracker(self.start, name="score")
        self.add(self.score)
        self.hard = self.bars(argmax_one_hot(self.row), -0.3, THEME.muted)
        self.soft = self.bars(softmax(self.row), -3.15, THEME.weight)
        hard_tag = self.row_tag("argmax", "best match only", self.hard.bars, THEME.muted)
        soft_tag = self.row_tag("softmax", "a share each", self.soft.bars,
                                THEME.weight)
        self.narrate(f"Taking the best match is an argmax: all the weight on the top score, "
                     f"{top_word}. Softmax instead gives every word a share.")
        self.play(FadeIn(self.hard), FadeIn(hard_tag), run_time=1.2)
        self.play(FadeIn(self.soft), FadeIn(soft_tag), run_time=1.2)
        self.wait(3.5)

        # ---- slide one score past the top one ------------------------------------------
        plot = self.weight_plot(top_word)
        self.narrate(f"Now let {p.mover}'s score rise. The plot follows the weight each method "
                     f"gives {p.mover}.")
        self.play(FadeIn(plot), run_time=1.5)
        self.follow_score()
        before, after = self.cross - p.near, self.cross + p.near
        self.play(self.score.animate.set_value(before), run_time=3, rate_func=smooth)
        self.narrate(f"Just below {top_word}'s score, argmax still gives {p.mover} nothing.")
        self.moment("before_cross")
        self.wait(2)
        shares = [fmt(self.weights_at(s)[1][self.j]) for s in (before, after)]
        self.play(self.score.animate.set_value(after), run_time=1.2, rate_func=linear)
        self.narrate(f"A change of {fmt(after - before)} and argmax moves ALL the weight from "
                     f"{top_word} to {p.mover}; softmax only takes {p.mover} from {shares[0]} "
                     f"to {shares[1]}.")
        self.moment("after_cross")
        self.wait(6)
        self.narrate("Softmax changes smoothly with the scores: a small nudge gives a small "
                     "change, so the result is robust, and every word still contributes.")
        self.play(self.score.animate.set_value(self.cross + p.overshoot), run_time=2)
        self.play(self.score.animate.set_value(self.start), run_time=2.5)
        self.wait(2)

        # ---- temperature: sharp or flat ---------------------------------------------------
        self.temperature_part(plot, question)

    # ---------------------------------------------------------------------------------
    def weights_at(self, score: float, temperature: float = 1.0):
        """(argmax pick, softmax weights) for the row with the mover's score = `score`."""
        row = with_score(self.row, self.j, score)
        return argmax_one_hot(row).numpy(), softmax(row, temperature).numpy()

    def bars(self, weights, baseline: float, color: str) -> VGroup:
        bars = LiveWeightBars(weights.tolist(), list(self.tokens), max_height=BAR_HEIGHT,
                              baseline_y=baseline, color=color)
        floor = Line([self.tokens.get_left()[0], baseline, 0],
                     [self.tokens.get_right()[0], baseline, 0], stroke_width=1,
                     color=THEME.reference)
        bars.add_to_back(floor)
        return bars

    def row_tag(self, name: str, detail: str, row: VGroup, color: str) -> VGroup:
        tag = VGroup(label(name, THEME.small, color), label(detail, THEME.tiny, THEME.muted))
        tag.arrange(DOWN, buff=0.08)
        return tag.move_to([TAGS_X, row.get_center()[1], 0])

    def follow_score(self) -> None:
        """From now on the score box, both bar rows and the plot's dots follow the tracker."""
        j = self.j

        def rescore(row: ScoreRow) -> None:
            value = self.score.get_value()
            new = ScoreRow(with_score(self.row, j, value).tolist(), list(self.tokens),
                           scale=float(self.row.abs().max()))
            row.values = new.values
            refresh(row[j], new[j])  # the box and its number, changed in place

        self.scores.add_updater(rescore)
        self.hard.add_updater(lambda b: b.set_values(self.weights_at(self.score.get_value())[0]))
        self.soft.add_updater(lambda b: b.set_values(self.weights_at(self.score.get_value())[1]))

    def weight_plot(self, top_word: str) -> VGroup:
        """buy's weight against buy's score: a step for argmax, a smooth curve for softmax."""
        p, j = self.params, self.j
        x0, x1 = self.start - 0.3, self.cross + p.overshoot + 0.3
        # the axes count from x0, so the y axis stands at the left edge, not at score 0
        axes = Axes(x_range=(0, x1 - x0, x1 - x0), y_range=(0, 1.0, 1.0), x_length=4.4,
                    y_length=2.9, tips=False, x_axis_config={"include_ticks": False},
                    axis_config={"stroke_color": THEME.muted, "stroke_width": 1.5})
        axes.move_to([PANEL_X + 0.25, -0.75, 0])

        def at(s: float, w: float) -> np.ndarray:
            return axes.c2p(s - x0, w)

        hard = axes.plot(lambda u: float(self.weights_at(u + x0)[0][j]),
                         x_range=(0, x1 - x0, 0.01), discontinuities=[self.cross - x0],
                         use_smoothing=False, color=THEME.muted, stroke_width=4)
        soft = axes.plot(lambda u: float(self.weights_at(u + x0)[1][j]),
                         x_range=(0, x1 - x0, 0.02), color=THEME.weight, stroke_width=4)
        cross = DashedLine(at(self.cross, 0), at(self.cross, 1.0), color=THEME.score_pos,
                           stroke_width=2, dash_length=0.08)
        cross_tag = label(f"= {top_word}'s score", THEME.tiny, THEME.score_pos)
        cross_tag.next_to(cross, UP, buff=0.08)
        y_name = label(f"weight on {p.mover}", THEME.small).next_to(axes, UP, buff=0.45)
        y_name.align_to(axes, LEFT)
        x_name = label(f"{p.mover}'s score \u2192", THEME.small, THEME.score_pos)
        x_name.next_to(axes, DOWN, buff=0.15).align_to(axes, RIGHT)
        ticks = VGroup(*[label(t, THEME.tiny, THEME.muted).next_to(at(x0, y), LEFT, 0.1)
                         for t, y in (("0", 0.0), ("1", 1.0))])
        legend = VGroup(*[VGroup(Line(ORIGIN, RIGHT * 0.4, color=c, stroke_width=4),
                                 label(n, THEME.small, c)).arrange(RIGHT, buff=0.12)
                          for n, c in (("argmax", THEME.muted), ("softmax", THEME.weight))])
        legend.arrange(RIGHT, buff=0.4).next_to(x_name, DOWN, buff=0.2).align_to(axes, LEFT)
        dots = VGroup(Dot(color=THEME.muted, radius=0.07), Dot(color=THEME.weight, radius=0.07))

        def follow(group: VGroup) -> None:
            s = self.score.get_value()
            hard_w, soft_w = self.weights_at(s)
            group[0].move_to(at(s, hard_w[j]))
            group[1].move_to(at(s, soft_w[j]))

        follow(dots)
        dots.add_updater(follow)
        self.plot_axes = axes
        return VGroup(axes, hard, soft, cross, cross_tag, y_name, x_name, ticks, legend, dots)

    def temperature_part(self, plot: VGroup, question: VGroup) -> None:
        sharp, flat = self.params.temperatures
        n = len(self.row)
        self.temperature = ValueTracker(1.0, name="temperature")
        self.add(self.temperature)
        rule = formula(r"\mathrm{softmax}(s\,/\,T)", size=THEME.heading)
        rule.move_to([PANEL_X, 1.2, 0])
        t_value = LiveNumber(1.0, 2, THEME.heading, THEME.text)
        t_line = VGroup(label("T =", THEME.heading), t_value).arrange(RIGHT, buff=0.2)
        t_line.next_to(rule, DOWN, buff=0.5)
        notes = VGroup(label("T \u2192 0: all weight on the top score", THEME.small,
                             THEME.muted),
                       label(f"T \u2192 \u221e: every word 1/{n} = {fmt(1 / n)}", THEME.small,
                             THEME.muted)).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        notes.next_to(t_line, DOWN, buff=0.6)
        uniform_y = self.soft.baseline_y + BAR_HEIGHT / n
        uniform = DashedLine([self.tokens.get_left()[0], uniform_y, 0],
                             [self.tokens.get_right()[0], uniform_y, 0], color=THEME.muted,
                             stroke_width=1.5, stroke_opacity=0.7, dash_length=0.08)
        uniform_tag = label(f"1/{n}", THEME.tiny, THEME.muted).next_to(uniform, RIGHT, 0.1)
        self.scores.clear_updaters()
        self.soft.clear_updaters()
        self.narrate("Softmax has a dial, the temperature T: divide the scores by T "
                     "before the softmax.")
        self.play(FadeOut(plot), FadeOut(question), run_time=1)
        self.play(Write(rule), FadeIn(t_line), run_time=1.5)
        t_value.add_updater(lambda m: m.set_value(self.temperature.get_value()))
        self.soft.add_updater(lambda b: b.set_values(
            softmax(self.row, self.temperature.get_value()).numpy()))
        self.wait(1.5)
        self.narrate(f"Cold, T = {fmt(sharp)}: the weights sharpen toward the argmax pick, "
                     "almost all on the top score.")
        self.play(self.temperature.animate.set_value(sharp), run_time=3)
        self.play(FadeIn(notes[0]), run_time=0.8)
        self.moment("sharp")
        self.wait(2.5)
        self.narrate(f"Hot, T = {fmt(flat)}: the weights flatten toward uniform, {fmt(1 / n)} "
                     "each, and the scores barely matter.")
        self.play(self.temperature.animate.set_value(flat), FadeIn(uniform),
                  FadeIn(uniform_tag), run_time=3.5)
        self.bring_to_back(uniform)  # behind the bars and their numbers
        self.play(FadeIn(notes[1]), run_time=0.8)
        self.moment("flat")
        self.wait(2.5)
        self.narrate("Attention uses T = 1 on scores already divided by \u221ad\u2096: "
                     "sharp enough to choose, smooth enough to stay robust.")
        self.play(self.temperature.animate.set_value(1.0), FadeOut(uniform),
                  FadeOut(uniform_tag), run_time=2.5)
        self.wait(4)
