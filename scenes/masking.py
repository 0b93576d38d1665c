"""Masking: a position may not look at the words after it.

Script: the adjective head's scores on "a fluffy blue creature roamed the
verdant forest" (the same numbers as the attention-pattern clip). During
training every prefix predicts its next word at once, so position i must not
see i+1, i+2, ...: those scores become −∞ *before* the softmax, their weights
come out exactly 0 and every row still sums to 1. The nouns' rows hardly change
(their adjectives come before them), "a" can only see itself. The wrong order,
softmax first and zeroing after, leaves rows that do not sum to 1. And since
all rows are computed at once, the transformer is not a recurrent network.
Numbers from `load_lecture_layer().run(sentence, causal=...)` and
`attention_core.masking`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    VGroup,
)

from attention_core.attention import AttentionTrace
from attention_core.masking import next_token_tasks, row_sums, softmax_then_mask
from attention_core.transformer import load_lecture_layer
from narration import speakable
from scenes.kit import (
    PANEL,
    SAFE,
    STAGE,
    THEME,
    AttentionGrid,
    ExplainerScene,
    Number,
    Region,
    Table,
    fit_width,
    fmt,
    formula,
    label,
)

CELL = 0.44  # two 8×8 grids and their row sums side by side within the safe area
GRID_Y = -0.45  # centre of the grids' cells


@dataclass(frozen=True)
class MaskingParams:
    sentence: str = "a fluffy blue creature roamed the verdant forest"
    head: int = 1  # the lecture layer's adjective head
    first: str = "a"  # the word that loses the most: it can now see only itself
    nouns: tuple[tuple[str, str], ...] = (("creature", "fluffy"), ("forest", "verdant"))


class Masking(ExplainerScene):
    name = "masking"
    description = "The causal mask: later words get −∞ before softmax, so weight exactly 0."
    key_moments = ("scores", "masked", "weights", "wrong_order", "parallel")
    params = MaskingParams()

    def construct(self) -> None:
        p = self.params
        layer = load_lecture_layer()
        unmasked = layer.run(p.sentence).layers[0].heads[p.head]
        causal = layer.run(p.sentence, causal=True).layers[0].heads[p.head]
        tokens = layer.toy.tokenize(p.sentence)

        title = label("Masking: no peeking at later words", THEME.heading)
        title.to_edge(UP, buff=0.2)
        sub = label("the adjective head again, with a causal mask switched on "
                    "(this toy head was trained without one)", THEME.tiny, THEME.muted)
        sub.next_to(title, DOWN, buff=0.1)
        scores = grid(tokens, causal.scores.numpy(), "scores", LEFT)
        d_k = causal.queries.shape[1]
        tag = under(scores, f"scores q\u00b7k / \u221a{d_k} (as before)", THEME.score_pos)
        self.narrate("The same head and sentence as before: every query's scores against "
                     "every key, already divided by \u221ad\u2096.")
        self.play(FadeIn(VGroup(title, sub)), FadeIn(scores, lag_ratio=0.01), FadeIn(tag),
                  run_time=2)
        self.settle()

        why = self.why_mask(tokens)
        masked, tag, rule = self.apply_mask(tokens, causal, scores, tag, why)
        weights, weights_tag, changes = self.softmax_after_mask(tokens, unmasked, causal, rule)
        wrong = self.wrong_order(tokens, causal, VGroup(masked, tag, changes), weights,
                                 weights_tag)
        self.not_an_rnn(len(tokens), weights, wrong)

    # ---- why: every prefix predicts its next word, at once -------------------------------
    def why_mask(self, tokens: list[str]) -> VGroup:
        tasks = next_token_tasks(tokens)
        lines = VGroup(*[Table([[label(" ".join(prefix), THEME.tiny),
                                 label("\u2192", THEME.tiny, THEME.muted),
                                 label(target, THEME.tiny, THEME.muted)]],
                               col_gap=0.12, header_rule=False)
                         for prefix, target in tasks])
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.17)
        head = label("training: every prefix predicts its next word", THEME.small)
        head2 = label("all at the same time, in one pass", THEME.small, THEME.muted)
        why = VGroup(head, head2, lines).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        lines.shift(DOWN * 0.1)
        in_panel(why)
        self.narrate(f"Why mask? In training, every prefix of the sentence predicts its next "
                     f"word, all {len(tasks)} predictions in the same pass.")
        self.play(FadeIn(head), FadeIn(head2))
        self.play(FadeIn(lines, lag_ratio=0.15), run_time=2.5)
        self.moment("scores")
        self.settle()
        (first,), after = tasks[0]
        self.narrate(f"If \u201c{first}\u201d could look at \u201c{after}\u201d, it would just "
                     "read the answer. So position i must not see i+1, i+2, and so on.",
                     spoken=speakable(f"If the word \u201c{first}\u201d could look at the "
                                      f"word {after}, it would just read the answer. So "
                                      "position i must not see i+1, i+2, and so on."))
        self.settle(minimum=1)
        return why

    # ---- −∞ before softmax -----------------------------------------------------------------
    def apply_mask(self, tokens: list[str], causal: AttentionTrace, scores: AttentionGrid,
                   tag: Text, why: VGroup) -> tuple[AttentionGrid, Text, VGroup]:
        masked = grid(tokens, causal.scores.numpy(), "scores", LEFT, mask=causal.mask.numpy())
        masked_tag = under(masked, "future keys set to \u2212\u221e before softmax",
                           THEME.muted)
        rule = in_panel(VGroup(formula(r"e^{-\infty} = 0", size=THEME.body),
                               label("so those weights will be exactly 0", THEME.small,
                                     THEME.muted)).arrange(DOWN, buff=0.15))
        self.narrate("The mask replaces every score above the diagonal, a key after its "
                     "query, by minus infinity. And e to the minus infinity is 0.")
        self.play(FadeOut(why), run_time=0.8)
        self.play(ReplacementTransform(scores, masked), ReplacementTransform(tag, masked_tag),
                  run_time=2)
        self.play(FadeIn(rule))
        self.moment("masked")
        self.settle()
        return masked, masked_tag, rule

    # ---- softmax of what is left: rows still sum to 1 -------------------------------------
    def softmax_after_mask(self, tokens: list[str], unmasked: AttentionTrace,
                           causal: AttentionTrace, rule: VGroup
                           ) -> tuple[AttentionGrid, Text, Table]:
        p, w, w0 = self.params, causal.weights, unmasked.weights
        weights = grid(tokens, w.numpy(), "weights", RIGHT, mask=causal.mask.numpy())
        sums = weights.row_sums()
        tag = under(weights, "then softmax of each row", THEME.weight)
        self.narrate("Then softmax, row by row. The masked weights are exactly 0, and each row "
                     "still sums to 1: the visible words share all of the weight.")
        self.play(FadeOut(rule), FadeIn(weights, lag_ratio=0.01), FadeIn(tag), run_time=2)
        self.play(FadeIn(sums, lag_ratio=0.1))
        self.settle()

        a = tokens.index(p.first)
        pairs = [(noun, adjective, tokens.index(noun), tokens.index(adjective))
                 for noun, adjective in p.nouns]
        lines = [[label("weight without \u2192 with the mask:", THEME.small, THEME.muted)]]
        lines += [change(f"{noun} on {adjective}", w0[i, j], w[i, j])
                  for noun, adjective, i, j in pairs]
        lines.append(change(f"\u201c{p.first}\u201d on itself", w0[a, a], w[a, a]))
        cells = [c for line in lines for c in [*line, gap()]][:-1]
        changes = Table([cells], col_gap=0.12, header_rule=False)  # one shared baseline
        fit_width(changes).move_to([0, -3.4, 0])
        said = ", ".join(f"{noun} \u2192 {adjective} {fmt(float(w0[i, j]))} \u2192 "
                         f"{fmt(float(w[i, j]))}" for noun, adjective, i, j in pairs)
        spoken = ", ".join(f"{noun}'s weight on {adjective} goes from {fmt(float(w0[i, j]))} "
                           f"to {fmt(float(w[i, j]))}" for noun, adjective, i, j in pairs)
        alone = fmt(float(w[a, a]))
        self.narrate(f"The nouns hardly change ({said}): their adjectives come before them. "
                     f"But \u201c{p.first}\u201d, the first word, can only see itself: {alone}.",
                     spoken=speakable(f"The nouns hardly change: {spoken}. Their adjectives "
                                      f"come before them. But \u201c{p.first}\u201d, the "
                                      f"first word, can only see itself: {alone}."))
        self.play(FadeIn(changes, lag_ratio=0.2), run_time=1.5)
        self.moment("weights")
        self.settle()
        return weights, tag, changes

    # ---- the wrong order ---------------------------------------------------------------------
    def wrong_order(self, tokens: list[str], causal: AttentionTrace, gone: VGroup,
                    weights: AttentionGrid, weights_tag: Text) -> VGroup:
        """Softmax first, then zero: beside the right order. Returns what it put on screen."""
        values = softmax_then_mask(causal.scores, causal.mask)
        wrong = grid(tokens, values.numpy(), "weights", LEFT, mask=causal.mask.numpy())
        sums = wrong.row_sums()
        tag = under(wrong, "\u2717 wrong order: softmax first, then zero", THEME.muted)
        right_tag = under(weights, "\u2713 \u2212\u221e first, then softmax", THEME.weight)
        shortest = float(row_sums(values).min())
        self.narrate("The order matters. Softmax first and zero the future afterwards, and the "
                     f"rows no longer sum to 1: one keeps only {fmt(shortest)} of its weight.")
        self.play(FadeOut(gone), run_time=0.8)
        self.play(FadeIn(wrong, lag_ratio=0.01), FadeIn(tag),
                  ReplacementTransform(weights_tag, right_tag), run_time=2)
        self.play(FadeIn(sums, lag_ratio=0.1))
        self.moment("wrong_order")
        self.settle(minimum=2)
        return VGroup(wrong, sums, tag)

    # ---- all rows at once: not an RNN -----------------------------------------------------------
    def not_an_rnn(self, n: int, weights: AttentionGrid, gone: VGroup) -> None:
        rows = VGroup(*[SurroundingRectangle(weights.row(i), color=THEME.query, buff=0.02,
                                             stroke_width=2) for i in range(n)])
        question = label("\u201cIs the transformer basically an RNN?\u201d", THEME.body)
        rnn = VGroup(label("No. A recurrent network reads one word", THEME.small),
                     label("after another, each step waiting for the last:", THEME.small))
        steps = chain(n)
        ours = VGroup(label(f"Here all {n} rows of the pattern come out", THEME.small),
                      label("of one matrix product, at the same time.", THEME.small),
                      label("The mask only hides the later words.", THEME.small,
                            THEME.muted))
        for group in (rnn, ours):
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        answer = VGroup(question, rnn, steps, ours).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        # the left of the frame, up to the pattern that stays
        Region(SAFE.left, weights.get_left()[0] - 0.35, STAGE.bottom, STAGE.top).fit(answer)
        answer.move_to([SAFE.left, GRID_Y, 0], aligned_edge=LEFT)
        self.narrate("So is a transformer basically a recurrent network? No. An RNN reads one "
                     "word after another, each step waiting for the one before.")
        self.play(FadeOut(gone), run_time=0.8)
        self.play(FadeIn(question), FadeIn(rnn))
        self.play(Create(steps, lag_ratio=0.5), run_time=2.5)
        self.settle()
        self.narrate(f"Here all {n} rows are computed at once, in one matrix product. The mask "
                     "only hides what each row may not see; nothing waits.")
        self.play(Create(rows), FadeIn(ours), run_time=1.5)
        self.moment("parallel")
        self.settle(minimum=2)


# ---- pieces ----------------------------------------------------------------------------
def grid(tokens: Sequence[str], values: np.ndarray, kind: str, side: np.ndarray,
         mask: np.ndarray | None = None) -> AttentionGrid:
    """A pattern grid on the LEFT (its labels at the safe area's edge) or the RIGHT (its
    row sums at the other edge) of the frame, its cells centred at GRID_Y. Grids on one
    side share their cells' place, so one turns into the next cell by cell."""
    pattern = AttentionGrid(values, tokens, tokens, kind=kind, mask=mask, cell=CELL)
    if side is LEFT:
        dx = SAFE.left - pattern.get_left()[0]
    else:
        dx = SAFE.right - pattern.row_sums().get_right()[0]
    return pattern.shift([dx, GRID_Y - pattern.cells.get_y(), 0])


def under(pattern: AttentionGrid, text: str, color: str) -> Text:
    """The grid's name, under its cells."""
    return pattern.caption(label(text, THEME.small, color))


def in_panel(group: VGroup) -> VGroup:
    """A text panel in `PANEL`, level with the grids."""
    return PANEL.fit(group).move_to([PANEL.x, GRID_Y, 0])


def change(what: str, before: float, after: float) -> list:
    """'creature on fluffy  0.44 → 0.45': a weight without, then with the mask."""
    return [label(what, THEME.small), Number(float(before), 2, THEME.small, THEME.muted),
            label("\u2192", THEME.small, THEME.muted), Number(float(after), 2, THEME.small,
                                                              THEME.weight)]


def chain(n: int) -> VGroup:
    """n steps of a recurrent network, each fed by the one before."""
    dots = VGroup(*[Circle(0.16, color=THEME.muted, stroke_width=2) for _ in range(n)])
    dots.arrange(RIGHT, buff=0.42)
    arrows = VGroup(*[Arrow(a.get_right(), b.get_left(), buff=0.04, stroke_width=2,
                            max_tip_length_to_length_ratio=0.35, color=THEME.muted)
                      for a, b in zip(dots[:-1], dots[1:], strict=True)])
    steps = VGroup(*[label(str(k + 1), THEME.tiny, THEME.muted).move_to(d)
                     for k, d in enumerate(dots)])
    return VGroup(*[VGroup(d, s, a) for d, s, a in zip(dots, steps, [*arrows, VGroup()],
                                                      strict=True)])


def gap(width: float = 0.3) -> Rectangle:
    """An invisible spacer between items of a one-line table."""
    return Rectangle(width=width, height=0.01, stroke_width=0, fill_opacity=0)
