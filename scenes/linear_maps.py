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
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    ReplacementTransform,
    Transform,
    VGroup,
)

from attention_core import load_model
from attention_core.linear_maps import EXAMPLES, ExampleMap, query_key_match, restricted_head
from attention_core.model import ToyModel
from scenes.kit import (
    LEFT_SIDE,
    PANEL,
    SAFE,
    THEME,
    EmbeddingPlane,
    ExplainerScene,
    MatrixBox,
    MovingGrid,
    Number,
    Table,
    compass,
    fit_width,
    formula,
    label,
    leader,
)

CONTEXT_WORDS = ("pie", "new", "orange", "phone")
FUNCTION_WORDS = ("the", "a")


class LinearMaps(ExplainerScene):
    name = "linear_maps"
    description = "W_Q, W_K, W_V as linear maps: a grid moved over fixed axes; the head's own."
    key_moments = ("fixed_axes", "rotation", "stretch", "shear", "restricted", "query_key")

    def construct(self) -> None:
        model = load_model()
        title = formula(r"W_Q", ",", r"W_K", ",", r"W_V",
                        r"\text{ are linear maps}").to_edge(UP, buff=0.25)
        self.plane = plane = EmbeddingPlane((-4, 4), (-4, 4), width=LEFT_SIDE.width)
        plane.move_to([LEFT_SIDE.left, SAFE.bottom, 0], aligned_edge=DOWN + LEFT)
        grid = MovingGrid(plane, extent=2, step=0.5)
        fixed_tag = label("fixed reference axes: never move", THEME.tiny, THEME.muted)
        fixed_tag.next_to(plane.reference, UP, buff=0.08).align_to(plane, LEFT)

        self.narrate("A learned matrix like W_Q, W_K or W_V is a linear map. In two dimensions "
                     "we can watch one act: the faint grid and its axes stay fixed for reference.")
        self.play(FadeIn(title), Create(plane.reference), FadeIn(fixed_tag), run_time=1.5)
        self.play(Create(grid), run_time=1.5)
        basis = basis_arrows(plane, np.eye(2))
        self.play(*[GrowArrow(a) for a in basis[0]], FadeIn(basis[1]))
        legend = make_legend().move_to([PANEL.x, -2.2, 0])
        self.play(FadeIn(legend))
        self.moment("fixed_axes")
        self.settle()

        panel = None
        for example in EXAMPLES:
            panel = self.show_example(example, grid, basis, panel)

        self.narrate("Why a shear? It is just one example of what a matrix can do. A learned "
                     "W_Q is whatever mix of turning, stretching and shearing training found "
                     "useful.")
        why = VGroup(label("Why a shear?", THEME.body, THEME.highlight),
                     label("One example of what a matrix can do.", THEME.small),
                     label("A learned matrix is any mix of", THEME.small),
                     label("rotating, stretching and shearing.", THEME.small))
        why.arrange(DOWN, aligned_edge=LEFT, buff=0.15).move_to([PANEL.x, 0.2, 0])
        self.play(FadeOut(panel), FadeIn(why))
        self.settle()

        self.play(FadeOut(VGroup(why, grid, legend, fixed_tag, title, basis, plane.reference)),
                  run_time=1)
        heading, gone = self.restricted_query(model)
        self.true_queries_and_keys(model, heading, gone)

    # ---- the textbook maps ---------------------------------------------------------
    def show_example(self, example: ExampleMap, grid: MovingGrid, basis: VGroup,
                     previous: VGroup | None) -> VGroup:
        """The grid and the basis arrows moved by one map and back; returns its panel."""
        name, matrix, note = example.name, example.matrix.numpy(), example.note
        panel = VGroup(label(f"a {name}", THEME.body, THEME.highlight),
                       VGroup(label("M =", THEME.body), MatrixBox(matrix)).arrange(RIGHT),
                       label(note, THEME.small, THEME.muted))
        panel.arrange(DOWN, buff=0.3).move_to([PANEL.x, 1.3, 0])
        if previous is None:
            self.narrate(f"A {name}: {note}. The rows of M say where (1, 0) and (0, 1) land; "
                         "every other point follows, and grid lines stay straight.")
            self.play(FadeIn(panel))
        else:
            self.narrate(f"A {name}: {note}. The axes behind it stay put.")
            self.play(ReplacementTransform(previous, panel))
        self.play(grid.moved_to(matrix), Transform(basis, basis_arrows(grid.plane, matrix)),
                  run_time=2.5)
        self.moment(name)
        self.settle()
        self.play(grid.moved_to(np.eye(2)), Transform(basis, basis_arrows(grid.plane, np.eye(2))),
                  run_time=1.2)
        return panel

    # ---- the toy head's own maps ---------------------------------------------------------
    def restricted_query(self, model: ToyModel) -> tuple[VGroup, VGroup]:
        """Bᵀ W_Q moving the fruit/tech plane, and apple's in-plane part through it;
        returns the heading and what the next step takes away."""
        maps = restricted_head(model)
        apple_xy = model.plane("fruit", "tech").coords(model.embed("apple")).numpy()
        d, d_k = model.head.w_q.shape  # (d_model, d_k)
        # the restriction squeezes the plane a lot: a closer view of it
        self.fruit_tech = plane = EmbeddingPlane((-2, 2), (-2, 2), width=5.6)
        plane.to_edge(DOWN, buff=0.5).set_x(LEFT_SIDE.x)
        head_grid = MovingGrid(plane, extent=1.5, step=0.5)
        heading = label("The toy head's own query map, restricted to the fruit/tech plane",
                        THEME.body).to_edge(UP, buff=0.3)
        axes_tag = label("fruit/tech plane coordinates (basis B)", THEME.small, THEME.muted)
        axes_tag.next_to(plane.reference, UP, buff=0.1).align_to(plane, LEFT)
        m_q = VGroup(formula(r"B^\top", r"W_Q", "=", size=THEME.body),
                     MatrixBox(maps.query.numpy(), THEME.query)).arrange(RIGHT)
        m_k = VGroup(formula(r"B^\top", r"W_K", "=", size=THEME.body),
                     MatrixBox(maps.key.numpy(), THEME.key)).arrange(RIGHT)
        explain = VGroup(label(f"B: the plane's two basis vectors ({d}\u00d72)", THEME.tiny,
                               THEME.muted),
                         label(f"plane coordinates (2) \u2192 query space ({d_k})", THEME.tiny,
                               THEME.muted),
                         label("a restriction: exact only for vectors in the plane", THEME.tiny,
                               THEME.muted))
        explain.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        map_panel = VGroup(m_q, m_k, explain).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        PANEL.fit(map_panel).move_to([PANEL.left, 0.2, 0], aligned_edge=LEFT)

        self.narrate(f"Now the toy head's own query map. W_Q takes {d} numbers to {d_k}; "
                     "restricted to the fruit/tech plane (basis B) it is the "
                     f"2\u00d7{d_k} matrix B\u1d40W_Q.")
        self.play(FadeIn(heading), Create(plane.reference), FadeIn(axes_tag),
                  Create(head_grid), FadeIn(map_panel), run_time=2)
        self.e_arrow = plane.arrow(apple_xy, THEME.embedding)
        e_tag = label("apple (projected)", THEME.tiny, THEME.embedding)
        e_tag.next_to(self.e_arrow.get_end(), UP, buff=0.1)
        self.play(GrowArrow(self.e_arrow), FadeIn(e_tag))
        self.settle()

        self.narrate("The map carries the plane into the head's query space, squeezing, turning "
                     "and shearing it. Apple's in-plane part lands on a short query.")
        self.rq_arrow = plane.arrow(apple_xy @ maps.query.numpy(), THEME.query, width=4)
        rq_tag = label("query of apple's in-plane part", THEME.tiny, THEME.query)
        # the squeezed grid crowds the arrow: the tag sits in the free upper-left corner
        rq_tag.move_to(plane.reference.get_corner(UP + LEFT), aligned_edge=UP + LEFT)
        rq_tag.shift(DOWN * 0.6 + RIGHT * 0.15)
        rq_tag = VGroup(rq_tag, Line(self.rq_arrow.get_end(), rq_tag.get_bottom(),
                                     stroke_width=1, color=THEME.query, buff=0.08))
        after_tag = label("the head's query space (q\u2081, q\u2082)", THEME.small,
                          THEME.muted).move_to(axes_tag, aligned_edge=LEFT)
        self.play(head_grid.moved_to(maps.query.numpy()),
                  self.e_arrow.animate.set_opacity(0.3), e_tag.animate.set_opacity(0.3),
                  ReplacementTransform(axes_tag, after_tag), run_time=3)
        self.play(GrowArrow(self.rq_arrow), FadeIn(rq_tag))
        self.moment("restricted")
        self.settle()
        return heading, VGroup(head_grid, self.e_arrow, e_tag, map_panel, self.rq_arrow, rq_tag,
                               plane.reference, after_tag)

    def true_queries_and_keys(self, model: ToyModel, heading: VGroup, gone: VGroup) -> None:
        match = query_key_match(model, "apple", [*CONTEXT_WORDS, *FUNCTION_WORDS])
        q, keys = match.query.numpy(), match.keys.numpy()
        d, d_k = model.head.w_q.shape  # (d_model, d_k)
        self.qk_plane = plane = EmbeddingPlane.fit(np.vstack([keys, q[None]]),
                                                   LEFT_SIDE.width, 5.2, margin=0.5)
        plane.move_to([LEFT_SIDE.left, -0.35, 0], aligned_edge=LEFT)
        self.narrate(f"That picture is only the in-plane part. The true query uses all {d} "
                     "numbers of apple's embedding, and so do the keys; the query/key space "
                     f"itself has just {d_k} dimensions, so q and k are drawn exactly.")
        self.q_arrow = plane.arrow(q, THEME.query, width=6)
        new_heading = label("True queries and keys, in the head's 2-D query/key space",
                            THEME.body).move_to(heading)
        qk_tag = label("query/key space (q\u2081, q\u2082): exact, all 8 numbers used",
                       THEME.small, THEME.muted)
        fit_width(qk_tag, LEFT_SIDE.width).next_to(plane.reference, UP, buff=0.1)
        qk_tag.align_to(plane, LEFT)
        self.play(FadeOut(gone), ReplacementTransform(heading, new_heading), run_time=1)
        self.play(Create(plane.reference), FadeIn(qk_tag), run_time=1)

        normal = np.array([-q[1], q[0]]) / np.linalg.norm(q)
        span = min(plane.y_range[1], -plane.y_range[0]) * 0.95 / abs(normal[1])
        zero_line = DashedLine(plane.p(-normal * span), plane.p(normal * span),
                               color=THEME.muted, stroke_width=2)
        zero_tag = label("q\u00b7k = 0", THEME.tiny, THEME.muted)
        zero_tag.next_to(zero_line.get_start() if normal[1] > 0 else zero_line.get_end(),
                         RIGHT, buff=0.1)
        plane.labels.avoid(zero_tag)  # key names keep off both lines and the q·k = 0 tag
        plane.labels.avoid_line(plane.origin, self.q_arrow.get_end())
        plane.labels.avoid_line(zero_line.get_start(), zero_line.get_end(), n=16)
        q_tag = plane.labels.place(label("q (apple)", THEME.small, THEME.query),
                                   self.q_arrow.get_end(), preferred=UP + LEFT, buff=0.1)
        dots = [plane.dot(k, THEME.key, radius=0.07) for k in keys]
        plane.labels.avoid(*dots)
        named = VGroup(*[VGroup(dot) for dot in dots])
        for j in np.argsort(-np.linalg.norm(keys, axis=1), kind="stable"):  # far ones first
            tag = plane.labels.place(label(match.words[j], THEME.small, THEME.key),
                                     dots[j].get_center(), preferred=compass(keys[j]), buff=0.08)
            named[j].add(tag, leader(tag, dots[j].get_center(), THEME.key))
        key_legend = label("blue dots: each word's key k", THEME.tiny, THEME.key)
        named.add(key_legend.next_to(plane.reference, DOWN, buff=0.12).align_to(plane, LEFT))
        self.play(GrowArrow(self.q_arrow), FadeIn(q_tag))
        self.settle()

        table = PANEL.fit(dot_table(match)).move_to([PANEL.x, 0.3, 0])
        self.narrate("The keys of pie, new, orange and phone fall on the query's side of the "
                     "dashed line: positive dot products. The keys of 'the' and 'a' fall on the "
                     "far side: negative, although their embeddings agree with apple's.",
                     spoken="The keys of pie, new, orange and phone fall on the query's side of "
                            "the dashed line: positive dot products. The keys of the two little "
                            "words, the and eh, fall on the far side: negative, although their "
                            "embeddings agree with apple's.")
        self.play(Create(zero_line), FadeIn(zero_tag), FadeIn(named, lag_ratio=0.1),
                  FadeIn(table, lag_ratio=0.05), run_time=2.5)
        self.moment("query_key")
        self.settle()
        self.narrate("That is the job of the learned maps: turn the space so that words that "
                     "should interact get queries and keys that line up.")
        self.settle(minimum=2)


def basis_arrows(plane: EmbeddingPlane, matrix: np.ndarray) -> VGroup:
    """(1, 0) and (0, 1) after `matrix` (its rows), as (arrows, their labels)."""
    arrows, tags = VGroup(), VGroup()
    for row, name in zip(matrix, ("(1, 0)", "(0, 1)"), strict=True):
        arrow: Arrow = plane.arrow(row, THEME.highlight, width=5)
        tag = label(f"{name}\u00b7M", THEME.tiny, THEME.highlight)
        arrows.add(arrow)
        tags.add(tag.next_to(arrow.get_end(), compass(row), buff=0.1))
    return VGroup(arrows, tags)


def make_legend() -> VGroup:
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


def dot_table(match) -> VGroup:
    """word | E(apple)·E(word) | q·k | q·k/√d_k, every number from the core."""
    d_k = match.query.shape[0]
    rows = [[label("word", THEME.tiny, THEME.key),
             label("E\u00b7E", THEME.tiny, THEME.embedding),
             label("q\u00b7k", THEME.tiny, THEME.query),
             label(f"score = q\u00b7k/\u221a{d_k}", THEME.tiny, THEME.score_pos)]]
    for j, word in enumerate(match.words):
        cells = (Number(float(match.embedding_dots[j]), 2, THEME.small, THEME.embedding),
                 Number(float(match.dots[j]), 2, THEME.small, THEME.query),
                 Number(float(match.scores[j]), 2, THEME.small, THEME.score_pos))
        rows.append([label(word, THEME.small, THEME.key), *cells])
    table = Table(rows, pitch=0.45, col_gap=0.5, align=["left", "right", "right", "right"])
    notes = VGroup(label("E\u00b7E: apple's embedding \u00b7 the word's (before any map)",
                         THEME.tiny, THEME.muted),
                   label("q\u00b7k: apple's query \u00b7 the word's key", THEME.tiny,
                         THEME.muted))
    notes.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
    notes.next_to(table, DOWN, buff=0.3).align_to(table, LEFT)
    return VGroup(table, notes)
