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

from dataclasses import dataclass

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
    VGroup,
)

from attention_core.masking import next_token_tasks, row_sums, softmax_then_mask
from attention_core.transformer import load_lecture_layer
from scenes.kit import THEME, AttentionGrid, ExplainerScene, Number, fmt, formula, label
from scenes.kit.table import Table

CELL = 0.47
LEFT_CELLS, RIGHT_CELLS = -5.05, 1.95  # left edge of each grid's cells: both fit, with sums
RIGHT_X = 3.55  # centre of the right-hand slot, for text panels
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
        self.open = layer.run(p.sentence).layers[0].heads[p.head]
        self.causal = layer.run(p.sentence, causal=True).layers[0].heads[p.head]
        self.tokens = layer.toy.tokenize(p.sentence)

        title = label("Masking: no peeking at later words", THEME.heading)
        title.to_edge(UP, buff=0.2)
        sub = label("the adjective head again, with a causal mask switched on "
                    "(this toy head was trained without one)", THEME.tiny, THEME.muted)
        sub.next_to(title, DOWN, buff=0.1)
        self.header = VGroup(title, sub)

        self.left = self.grid(self.causal.scores.numpy(), "scores", at=LEFT_CELLS)
        d_k = self.causal.queries.shape[1]
        self.left_tag = self.tag(self.left, f"scores q\u00b7k / \u221a{d_k} (as before)",
                                 THEME.score_pos)
        self.narrate("The same head and sentence as before: every query's scores against "
                     "every key, already divided by \u221ad\u2096.")
        self.play(FadeIn(self.header), FadeIn(self.left, lag_ratio=0.01),
                  FadeIn(self.left_tag), run_time=2)
        self.settle()

        self.why_mask()
        self.apply_mask()
        self.softmax_after_mask()
        self.wrong_order()
        self.not_an_rnn()

    # ---- why: every prefix predicts its next word, at once -------------------------------
    def why_mask(self) -> None:
        tasks = next_token_tasks(self.tokens)
        self.tasks = VGroup(*[Table([[label(" ".join(prefix), THEME.tiny),
                                      label("\u2192", THEME.tiny, THEME.muted),
                                      label(target, THEME.tiny, THEME.muted)]],
                                    col_gap=0.12, header_rule=False)
                              for prefix, target in tasks])
        self.tasks.arrange(DOWN, aligned_edge=LEFT, buff=0.17)
        head = label("training: every prefix predicts its next word", THEME.small)
        head2 = label("all at the same time, in one pass", THEME.small, THEME.muted)
        self.why = VGroup(head, head2, self.tasks).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.tasks.shift(DOWN * 0.1)
        self.why.move_to([RIGHT_X, GRID_Y, 0])
        self.narrate(f"Why mask? In training, every prefix of the sentence predicts its next "
                     f"word, all {len(tasks)} predictions in the same pass.")
        self.play(FadeIn(head), FadeIn(head2))
        self.play(FadeIn(self.tasks, lag_ratio=0.15), run_time=2.5)
        self.moment("scores")
        self.settle()
        self.narrate(f"If \u201c{tasks[0][0][-1]}\u201d could look at \u201c{tasks[0][1]}\u201d, "
                     "it would just read the answer. So position i must not see i+1, i+2, and "
                     "so on.")
        self.settle(minimum=1)

    # ---- −∞ before softmax -----------------------------------------------------------------
    def apply_mask(self) -> None:
        masked = self.grid(self.causal.scores.numpy(), "scores", mask=self.causal.mask.numpy(),
                           at=LEFT_CELLS)
        tag = self.tag(masked, "future keys set to \u2212\u221e before softmax", THEME.muted)
        rule = VGroup(formula(r"e^{-\infty} = 0", size=THEME.body),
                      label("so those weights will be exactly 0", THEME.small, THEME.muted))
        rule.arrange(DOWN, buff=0.15).move_to([RIGHT_X, GRID_Y, 0])
        self.narrate("The mask replaces every score above the diagonal, a key after its "
                     "query, by minus infinity. And e to the minus infinity is 0.")
        self.play(FadeOut(self.why), run_time=0.8)
        self.play(ReplacementTransform(self.left, masked),
                  ReplacementTransform(self.left_tag, tag), run_time=2)
        self.play(FadeIn(rule))
        self.left, self.left_tag, self.rule = masked, tag, rule
        self.moment("masked")
        self.settle()

    # ---- softmax of what is left: rows still sum to 1 -------------------------------------
    def softmax_after_mask(self) -> None:
        p, w, w0 = self.params, self.causal.weights, self.open.weights
        self.right = self.grid(w.numpy(), "weights", mask=self.causal.mask.numpy(),
                               at=RIGHT_CELLS)
        self.right_sums = self.right.row_sums()
        self.right_tag = self.tag(self.right, "then softmax of each row", THEME.weight)
        self.narrate("Then softmax, row by row. The masked weights are exactly 0, and each row "
                     "still sums to 1: the visible words share all of the weight.")
        self.play(FadeOut(self.rule), FadeIn(self.right, lag_ratio=0.01),
                  FadeIn(self.right_tag), run_time=2)
        self.play(FadeIn(self.right_sums, lag_ratio=0.1))
        self.settle()

        a = self.tokens.index(p.first)
        lines = [[label("weight without \u2192 with the mask:", THEME.small, THEME.muted)]]
        for noun, adjective, i, j in self.pairs():
            lines.append(self.change(f"{noun} on {adjective}", w0[i, j], w[i, j]))
        lines.append(self.change(f"\u201c{p.first}\u201d on itself", w0[a, a], w[a, a]))
        cells = [c for line in lines for c in [*line, gap()]][:-1]
        self.changes = Table([cells], col_gap=0.12, header_rule=False)  # one shared baseline
        if self.changes.width > 13.4:
            self.changes.scale_to_fit_width(13.4)
        self.changes.move_to([0, -3.4, 0])
        said = ", ".join(f"{noun} \u2192 {adjective} {fmt(float(w0[i, j]))} \u2192 "
                         f"{fmt(float(w[i, j]))}" for noun, adjective, i, j in self.pairs())
        self.narrate(f"The nouns hardly change ({said}): their adjectives come before them. "
                     f"But \u201c{p.first}\u201d, the first word, can only see itself: "
                     f"{fmt(float(w[a, a]))}.")
        self.play(FadeIn(self.changes, lag_ratio=0.2), run_time=1.5)
        self.moment("weights")
        self.settle()

    def pairs(self) -> list[tuple[str, str, int, int]]:
        """(noun, adjective, row, column) for each highlighted noun."""
        return [(n, a, self.tokens.index(n), self.tokens.index(a)) for n, a in self.params.nouns]

    def change(self, what: str, before, after) -> list:
        return [label(what, THEME.small), Number(float(before), 2, THEME.small, THEME.muted),
                label("\u2192", THEME.small, THEME.muted), Number(float(after), 2, THEME.small,
                                                                  THEME.weight)]

    # ---- the wrong order ---------------------------------------------------------------------
    def wrong_order(self) -> None:
        self.wrong_values = softmax_then_mask(self.causal.scores, self.causal.mask)
        wrong = self.grid(self.wrong_values.numpy(), "weights", mask=self.causal.mask.numpy(),
                          at=LEFT_CELLS)
        self.wrong = wrong
        self.wrong_sums = wrong.row_sums()
        tag = self.tag(wrong, "\u2717 wrong order: softmax first, then zero", THEME.muted)
        right_tag = self.tag(self.right, "\u2713 \u2212\u221e first, then softmax", THEME.weight)
        shortest = float(row_sums(self.wrong_values).min())
        self.narrate("The order matters. Softmax first and zero the future afterwards, and the "
                     f"rows no longer sum to 1: one keeps only {fmt(shortest)} of its weight.")
        self.play(FadeOut(self.changes), FadeOut(self.left), FadeOut(self.left_tag),
                  run_time=0.8)
        self.play(FadeIn(wrong, lag_ratio=0.01), FadeIn(tag),
                  ReplacementTransform(self.right_tag, right_tag), run_time=2)
        self.play(FadeIn(self.wrong_sums, lag_ratio=0.1))
        self.left, self.left_tag, self.right_tag = wrong, tag, right_tag
        self.moment("wrong_order")
        self.settle(minimum=2)

    # ---- all rows at once: not an RNN -----------------------------------------------------------
    def not_an_rnn(self) -> None:
        n = len(self.tokens)
        rows = VGroup(*[SurroundingRectangle(self.right.row(i), color=THEME.query, buff=0.02,
                                             stroke_width=2) for i in range(n)])
        question = label("\u201cIs the transformer basically an RNN?\u201d", THEME.body)
        rnn = VGroup(label("No. A recurrent network reads one word", THEME.small),
                     label("after another, each step waiting for the last:", THEME.small))
        chain = self.chain(n)
        ours = VGroup(label(f"Here all {n} rows of the pattern come out", THEME.small),
                      label("of one matrix product, at the same time.", THEME.small),
                      label("The mask only hides the later words.", THEME.small,
                            THEME.muted))
        for group in (rnn, ours):
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.answer = VGroup(question, rnn, chain, ours).arrange(DOWN, aligned_edge=LEFT,
                                                                 buff=0.35)
        room = self.right.get_left()[0] - 0.35 + 6.9  # from the frame's edge to the grid
        if self.answer.width > room:
            self.answer.scale_to_fit_width(room)
        self.answer.move_to([-6.9, GRID_Y, 0], aligned_edge=LEFT)
        self.narrate("So is a transformer basically a recurrent network? No. An RNN reads one "
                     "word after another, each step waiting for the one before.")
        self.play(FadeOut(self.wrong), FadeOut(self.wrong_sums), FadeOut(self.left_tag),
                  run_time=0.8)
        self.play(FadeIn(question), FadeIn(rnn))
        self.play(Create(chain, lag_ratio=0.5), run_time=2.5)
        self.settle()
        self.narrate(f"Here all {n} rows are computed at once, in one matrix product. The mask "
                     "only hides what each row may not see; nothing waits.")
        self.play(Create(rows), FadeIn(ours), run_time=1.5)
        self.moment("parallel")
        self.settle(minimum=2)

    def chain(self, n: int) -> VGroup:
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

    # ---- pieces ----------------------------------------------------------------------------
    def grid(self, values, kind: str, at: float, mask=None) -> AttentionGrid:
        """A pattern grid whose cells start at x = `at` (labels hang off to the left)."""
        grid = AttentionGrid(values, self.tokens, self.tokens, kind=kind, mask=mask, cell=CELL)
        return grid.shift([at - grid.cells.get_left()[0], GRID_Y - grid.cells.get_y(), 0])

    def tag(self, grid: AttentionGrid, text: str, color: str):
        return label(text, THEME.small, color).next_to(grid.cells, DOWN, buff=0.2).set_x(
            grid.cells.get_x())



def gap(width: float = 0.3) -> Rectangle:
    """An invisible spacer between items of a one-line table."""
    return Rectangle(width=width, height=0.01, stroke_width=0, fill_opacity=0)
