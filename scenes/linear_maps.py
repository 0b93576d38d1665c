"""Linear maps: W_Q, W_K and W_V are matrices that move the space, never the axes.

Script: three textbook 2×2 maps (rotation, stretch, shear) carry a moving grid
and two vectors over a fixed, faint reference grid whose axes never move. Why
a shear? Only as one example of what a matrix can do. Then the toy head's own
query map, restricted to the fruit/tech plane (Bᵀ·W_Q, a 2×2 matrix), moves
the grid; finally the *true* queries and keys (all 8 numbers in, 2 out) show
apple's query lining up with the keys of pie and new, and pointing away from
the keys of "the" and "a", with their real dot products. Every matrix entry,
arrow and number comes from `attention_core.linear_maps`.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    Mobject,
    ReplacementTransform,
    Transform,
    VGroup,
)

from attention_core import load_model
from attention_core.linear_maps import EXAMPLES, query_key_match, restricted_head
from scenes.kit import (
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    MatrixBox,
    Number,
    formula,
    label,
    place_label,
    segment_markers,
)
from scenes.kit.moving import MovingGrid
from scenes.kit.table import Table

PANEL_X = 3.9  # centre of the right-hand panel
CONTEXT_WORDS = ("pie", "new", "orange", "phone")
FUNCTION_WORDS = ("the", "a")


class LinearMaps(ExplainerScene):
    name = "linear_maps"
    description = "W_Q, W_K, W_V as linear maps: a grid moved over fixed axes; the head's own."
    key_moments = ("fixed_axes", "rotation", "stretch", "shear", "restricted", "query_key")

    def construct(self) -> None:
        self.model = load_model()
        self.title = title = formula(r"W_Q", ",", r"W_K", ",", r"W_V",
                                     r"\text{ are linear maps}").to_edge(UP, buff=0.25)
        self.plane = EmbeddingPlane((-4, 4), (-4, 4), width=6.5)
        self.plane.to_edge(LEFT, buff=0.5).to_edge(DOWN, buff=0.3)
        self.grid = MovingGrid(self.plane, extent=2, step=0.5)
        fixed_tag = label("fixed reference axes: never move", THEME.tiny, THEME.muted)
        fixed_tag.next_to(self.plane.reference, UP, buff=0.08).align_to(self.plane, LEFT)

        self.narrate("A learned matrix like W_Q, W_K or W_V is a linear map. In two dimensions "
                     "we can watch one act: the faint grid and its axes stay fixed for reference.")
        self.play(FadeIn(title), Create(self.plane.reference), FadeIn(fixed_tag), run_time=1.5)
        self.play(Create(self.grid), run_time=1.5)
        self.basis = self.basis_arrows(np.eye(2))
        self.play(*[GrowArrow(a) for a, _ in self.basis], *[FadeIn(t) for _, t in self.basis])
        self.legend = self.make_legend().move_to([PANEL_X, -2.2, 0])
        self.play(FadeIn(self.legend))
        self.moment("fixed_axes")
        self.settle()

        self.matrix_panel = VGroup()
        for example in EXAMPLES:
            self.show_example(example.name, example.matrix.numpy(), example.note)

        self.narrate("Why a shear? It is just one example of what a matrix can do. A learned "
                     "W_Q is whatever mix of turning, stretching and shearing training found "
                     "useful.")
        why = VGroup(label("Why a shear?", THEME.body, THEME.highlight),
                     label("One example of what a matrix can do.", THEME.small),
                     label("A learned matrix is any mix of", THEME.small),
                     label("rotating, stretching and shearing.", THEME.small))
        why.arrange(DOWN, aligned_edge=LEFT, buff=0.15).move_to([PANEL_X, 0.2, 0])
        self.play(FadeOut(self.matrix_panel), FadeIn(why))
        self.settle()

        self.play(FadeOut(why), FadeOut(self.grid), FadeOut(self.legend), FadeOut(fixed_tag),
                  FadeOut(self.title),
                  *[FadeOut(m) for pair in self.basis for m in pair],
                  FadeOut(self.plane.reference), run_time=1)
        self.restricted_query()
        self.true_queries_and_keys()

    # ---- the textbook maps ---------------------------------------------------------
    def basis_arrows(self, matrix: np.ndarray) -> list[tuple]:
        """(1, 0) and (0, 1) after `matrix`: its rows, with their labels."""
        out = []
        for row, name in zip(matrix, ("(1, 0)", "(0, 1)"), strict=True):
            arrow = self.plane.arrow(row, THEME.highlight, width=5)
            tag = label(f"{name}\u00b7M", THEME.tiny, THEME.highlight)
            tag.next_to(arrow.get_end(), _outward(row), buff=0.1)
            out.append((arrow, tag))
        return out

    def make_legend(self) -> VGroup:
        rows = VGroup(
            VGroup(Line(LEFT * 0.3, RIGHT * 0.3, color=THEME.muted, stroke_width=2),
                   label("faint grid and axes: fixed reference", THEME.tiny, THEME.muted)),
            VGroup(Line(LEFT * 0.3, RIGHT * 0.3, color=THEME.moving, stroke_width=3),
                   label("brighter grid: the space, moved by M", THEME.tiny, THEME.text)),
            label("row vectors: x \u21a6 x\u00b7M, so row 1 of M", THEME.tiny, THEME.muted),
            label("is where (1, 0) lands, row 2 where (0, 1) lands", THEME.tiny, THEME.muted),
        )
        for r in rows[:2]:
            r.arrange(RIGHT, buff=0.2)
        return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def show_example(self, name: str, matrix: np.ndarray, note: str) -> None:
        panel = VGroup(label(f"a {name}", THEME.body, THEME.highlight),
                       VGroup(label("M =", THEME.body), MatrixBox(matrix)).arrange(RIGHT),
                       label(note, THEME.small, THEME.muted))
        panel.arrange(DOWN, buff=0.3).move_to([PANEL_X, 1.3, 0])
        if len(self.matrix_panel):
            self.narrate(f"A {name}: {note}. The axes behind it stay put.")
        else:
            self.narrate(f"A {name}: {note}. The rows of M say where (1, 0) and (0, 1) land; "
                         "every other point follows, and grid lines stay straight.")
        if len(self.matrix_panel):
            self.play(ReplacementTransform(self.matrix_panel, panel))
        else:
            self.play(FadeIn(panel))
        self.matrix_panel = panel
        moved = self.basis_arrows(matrix)
        self.play(self.grid.moved_to(matrix),
                  *[Transform(a, b) for (a, _), (b, _) in zip(self.basis, moved, strict=True)],
                  *[Transform(a, b) for (_, a), (_, b) in zip(self.basis, moved, strict=True)],
                  run_time=2.5)
        self.moment(name)
        self.settle()
        back = self.basis_arrows(np.eye(2))
        self.play(self.grid.moved_to(np.eye(2)),
                  *[Transform(a, b) for (a, _), (b, _) in zip(self.basis, back, strict=True)],
                  *[Transform(a, b) for (_, a), (_, b) in zip(self.basis, back, strict=True)],
                  run_time=1.2)

    # ---- the toy head's own maps ---------------------------------------------------------
    def restricted_query(self) -> None:
        model = self.model
        self.maps = restricted_head(model)
        self.view = model.plane("fruit", "tech")
        self.match = query_key_match(model, "apple", [*CONTEXT_WORDS, *FUNCTION_WORDS])
        self.apple_xy = self.view.coords(model.embed("apple")).numpy()
        self.restricted_q = self.apple_xy @ self.maps.query.numpy()
        extent = 1.5
        reach = np.vstack([self.match.keys.numpy(), self.match.query.numpy()[None]])
        self.qk_plane = EmbeddingPlane.fit(reach, 7.1, 5.2, margin=0.5)
        self.qk_plane.to_edge(LEFT, buff=0.4).set_y(-0.35)
        # the restriction squeezes the plane a lot: a closer view of it
        self.fruit_tech = plane = EmbeddingPlane((-2, 2), (-2, 2), width=5.6)
        plane.to_edge(LEFT, buff=0.9).to_edge(DOWN, buff=0.5)
        self.head_grid = MovingGrid(plane, extent=extent, step=0.5)
        self.heading = label("The toy head's own query map, restricted to the fruit/tech plane",
                             THEME.body).to_edge(UP, buff=0.3)
        self.axes_tag = label("fruit/tech plane coordinates (basis B)", THEME.small,
                              THEME.muted)
        self.axes_tag.next_to(plane.reference, UP, buff=0.1).align_to(plane, LEFT)

        m_q = VGroup(formula(r"B^\top", r"W_Q", "=", size=THEME.body), MatrixBox(
            self.maps.query.numpy(), THEME.query)).arrange(RIGHT)
        m_k = VGroup(formula(r"B^\top", r"W_K", "=", size=THEME.body), MatrixBox(
            self.maps.key.numpy(), THEME.key)).arrange(RIGHT)
        d, d_k = self.model.head.w_q.shape  # (d_model, d_k)
        explain = VGroup(label(f"B: the plane's two basis vectors ({d}\u00d72)", THEME.tiny,
                               THEME.muted),
                         label(f"plane coordinates (2) \u2192 query space ({d_k})", THEME.tiny,
                               THEME.muted),
                         label("a restriction: exact only for vectors in the plane", THEME.tiny,
                               THEME.muted))
        explain.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.map_panel = VGroup(m_q, m_k, explain).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        self.map_panel.next_to(plane, RIGHT, buff=1.0).set_y(0.2)

        self.narrate(f"Now the toy head's own query map. W_Q takes {d} numbers to {d_k}; "
                     "restricted to the fruit/tech plane (basis B) it is the "
                     f"2\u00d7{d_k} matrix B\u1d40W_Q.")
        self.play(FadeIn(self.heading), Create(plane.reference), FadeIn(self.axes_tag),
                  Create(self.head_grid), FadeIn(self.map_panel), run_time=2)
        self.e_arrow = plane.arrow(self.apple_xy, THEME.embedding)
        self.e_tag = label("apple (projected)", THEME.tiny, THEME.embedding)
        self.e_tag.next_to(self.e_arrow.get_end(), UP, buff=0.1)
        self.play(GrowArrow(self.e_arrow), FadeIn(self.e_tag))
        self.settle()

        self.narrate("The map carries the plane into the head's query space, squeezing, turning "
                     "and shearing it. Apple's in-plane part lands on a short query.")
        self.rq_arrow = plane.arrow(self.restricted_q, THEME.query, width=4)
        self.rq_tag = label("query of apple's in-plane part", THEME.tiny, THEME.query)
        # the squeezed grid crowds the arrow: the tag sits in the free upper-left corner
        self.rq_tag.move_to(plane.reference.get_corner(UP + LEFT), aligned_edge=UP + LEFT)
        self.rq_tag.shift(DOWN * 0.6 + RIGHT * 0.15)
        self.rq_tag = VGroup(self.rq_tag, Line(self.rq_arrow.get_end(), self.rq_tag.get_bottom(),
                                               stroke_width=1, color=THEME.query, buff=0.08))
        after_tag = label("the head's query space (q\u2081, q\u2082)", THEME.small,
                          THEME.muted).move_to(self.axes_tag, aligned_edge=LEFT)
        self.play(self.head_grid.moved_to(self.maps.query.numpy()),
                  self.e_arrow.animate.set_opacity(0.3), self.e_tag.animate.set_opacity(0.3),
                  ReplacementTransform(self.axes_tag, after_tag), run_time=3)
        self.axes_tag = after_tag
        self.play(GrowArrow(self.rq_arrow), FadeIn(self.rq_tag))
        self.moment("restricted")
        self.settle()

    def true_queries_and_keys(self) -> None:
        plane, match = self.qk_plane, self.match
        d, d_k = self.model.head.w_q.shape  # (d_model, d_k)
        self.narrate(f"That picture is only the in-plane part. The true query uses all {d} "
                     "numbers of apple's embedding, and so do the keys; the query/key space "
                     f"itself has just {d_k} dimensions, so q and k are drawn exactly.")
        self.q_arrow = plane.arrow(match.query.numpy(), THEME.query, width=6)
        heading = label("True queries and keys, in the head's 2-D query/key space",
                        THEME.body).move_to(self.heading)
        qk_tag = label("query/key space (q\u2081, q\u2082): exact, all 8 numbers used",
                       THEME.small, THEME.muted)
        qk_tag.next_to(plane.reference, UP, buff=0.1).align_to(plane, LEFT)
        self.play(FadeOut(self.head_grid), FadeOut(self.e_arrow), FadeOut(self.e_tag),
                  FadeOut(self.map_panel), FadeOut(self.rq_arrow), FadeOut(self.rq_tag),
                  FadeOut(self.fruit_tech.reference), FadeOut(self.axes_tag),
                  ReplacementTransform(self.heading, heading), run_time=1)
        self.play(Create(plane.reference), FadeIn(qk_tag), run_time=1)

        q = match.query.numpy()
        normal = np.array([-q[1], q[0]]) / np.linalg.norm(q)
        span = min(plane.y_range[1], -plane.y_range[0]) * 0.95 / abs(normal[1])
        zero_line = DashedLine(plane.p(-normal * span), plane.p(normal * span),
                               color=THEME.muted, stroke_width=2)
        zero_tag = label("q\u00b7k = 0", THEME.tiny, THEME.muted)
        zero_tag.next_to(zero_line.get_start() if normal[1] > 0 else zero_line.get_end(),
                         RIGHT, buff=0.1)
        placed = [zero_tag, *segment_markers(plane.origin, self.q_arrow.get_end()),
                  *segment_markers(zero_line.get_start(), zero_line.get_end(), n=16)]
        q_tag = label("q (apple)", THEME.small, THEME.query)
        place_label(q_tag, self.q_arrow.get_end(), placed, bounds=plane.reference,
                    preferred=UP + LEFT, buff=0.1)
        placed.append(q_tag)
        dots = [plane.dot(k, THEME.key, radius=0.07) for k in match.keys.numpy()]
        placed += dots
        keys = VGroup(*[VGroup(dot) for dot in dots])
        far_first = np.argsort(-np.linalg.norm(match.keys.numpy(), axis=1), kind="stable")
        for j in far_first:
            k, dot = match.keys.numpy()[j], dots[j]
            tag = label(match.words[j], THEME.small, THEME.key)
            place_label(tag, dot.get_center(), placed, bounds=plane.reference,
                        preferred=_outward(k), buff=0.08)
            placed.append(tag)
            keys[j].add(tag, *_leader(tag, dot))
        key_legend = label("blue dots: each word's key k", THEME.tiny, THEME.key)
        key_legend.next_to(plane.reference, DOWN, buff=0.12).align_to(plane, LEFT)
        keys.add(key_legend)
        self.keys = keys
        self.play(GrowArrow(self.q_arrow), FadeIn(q_tag))
        self.settle()

        self.table = self.dot_table().to_edge(RIGHT, buff=0.4).set_y(0.3)
        self.narrate("The keys of pie, new, orange and phone fall on the query's side of the "
                     "dashed line: positive dot products. The keys of 'the' and 'a' fall on the "
                     "far side: negative, although their embeddings agree with apple's.")
        self.play(Create(zero_line), FadeIn(zero_tag), FadeIn(keys, lag_ratio=0.1),
                  FadeIn(self.table, lag_ratio=0.05), run_time=2.5)
        self.moment("query_key")
        self.settle()
        self.narrate("That is the job of the learned maps: turn the space so that words that "
                     "should interact get queries and keys that line up.")
        self.settle(minimum=2)

    def dot_table(self) -> VGroup:
        """word | E(apple)·E(word) | q·k | q·k/√d_k, every number from the core."""
        m = self.match
        d_k = m.query.shape[0]
        rows = [[label("word", THEME.tiny, THEME.key),
                 label("E\u00b7E", THEME.tiny, THEME.embedding),
                 label("q\u00b7k", THEME.tiny, THEME.query),
                 label(f"score = q\u00b7k/\u221a{d_k}", THEME.tiny, THEME.score_pos)]]
        for j, word in enumerate(m.words):
            cells = (Number(float(m.embedding_dots[j]), 2, THEME.small, THEME.embedding),
                     Number(float(m.dots[j]), 2, THEME.small, THEME.query),
                     Number(float(m.scores[j]), 2, THEME.small, THEME.score_pos))
            rows.append([label(word, THEME.small, THEME.key), *cells])
        table = Table(rows, pitch=0.45, col_gap=0.5, align=["left", "right", "right", "right"])
        notes = VGroup(label("E\u00b7E: apple's embedding \u00b7 the word's (before any map)",
                             THEME.tiny, THEME.muted),
                       label("q\u00b7k: apple's query \u00b7 the word's key", THEME.tiny,
                             THEME.muted))
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        notes.next_to(table, DOWN, buff=0.3).align_to(table, LEFT)
        return VGroup(table, notes)


def _outward(xy: np.ndarray) -> np.ndarray:
    """The screen direction away from the origin through xy, snapped to one of eight."""
    d = np.array([xy[0], xy[1], 0.0])
    d = np.sign(np.round(1.3 * d / (np.linalg.norm(d) or 1.0)))
    return d if d.any() else UP + RIGHT


def _leader(tag: Mobject, dot: Mobject) -> list[Line]:
    """A thin line from a dot to its label when the label was pushed away."""
    near = np.clip(dot.get_center(), tag.get_corner(DOWN + LEFT), tag.get_corner(UP + RIGHT))
    if np.linalg.norm(near - dot.get_center()) <= 0.25:
        return []
    return [Line(dot.get_center(), near, stroke_width=1, color=dot.get_color(),
                 stroke_opacity=0.6, buff=0.08)]
