"""Cross-attention: the translation being written asks, the source sentence answers.

Script: self-attention takes Q, K and V from one sequence; cross-attention
takes the queries from one (the French being written) and the keys and values
from another (the English source), with no mask, and what comes out (ΔE) goes
to the words that asked (the French). The shipped cross head's
pattern for "she ate a red apple" → "elle a mangé une pomme rouge": rows are
French words, columns English words, each row sums to 1. French puts the
adjective after the noun, so pomme → apple and rouge → red cross. Pomme's ΔE,
read against the English embeddings, names "apple". A held-out pair shows the
same, and the clip ends on the viewers' two questions. The links are drawn as
two word columns, so the words of a longer sentence keep their size. Every
number comes from `load_cross().run(english, french)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    Line,
    Mobject,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from attention_core.cross import CrossModel, CrossTrace, load_cross
from attention_core.training.evaluate import alignment_accuracy
from attention_core.training.translation import generate_pairs
from scenes.kit import (
    PANEL,
    SAFE,
    STAGE,
    THEME,
    AttentionGrid,
    ExplainerScene,
    ReadingRow,
    ReadingsTable,
    Region,
    TokenRow,
    at_top,
    fit_width,
    fmt,
    label,
)

CELL = 0.58
GRID_CELLS_LEFT = -4.6  # left edge of the grid's cells; its labels hang off to the left
GRID_CELLS_ROOM = 4.2  # the widest the cells may be, leaving room for the row sums


@dataclass(frozen=True)
class CrossParams:
    pairs: tuple[tuple[str, str], ...] = (
        ("she ate a red apple", "elle a mangé une pomme rouge"),
        ("the fluffy creature roamed the verdant garden",
         "la créature duveteuse parcourait le jardin verdoyant"),
    )
    # (French word, English word) cells to point at in each pair: the crossings
    crossings: tuple[tuple[tuple[str, str], ...], ...] = (
        (("pomme", "apple"), ("rouge", "red")),
        (("créature", "creature"), ("duveteuse", "fluffy"),
         ("jardin", "garden"), ("verdoyant", "verdant")),
    )
    focus: str = "pomme"  # whose ΔE is read out
    top: int = 3  # how many English words the read-out lists


class AlignmentLines(VGroup):
    """The pattern drawn as links: a line from each French word to each English word whose
    opacity and width follow the attention weight.

    Two layouts, by what fits `width` with the words at full size: English on top and
    French below (`vertical` False), or, for sentences too long to fit side by side,
    English in a column on the left and French on the right (`vertical` True), so the
    words never shrink. Each link runs from the French word's `french_end` to the English
    word's `english_end` (the facing edges)."""

    def __init__(self, english: Sequence[str], french: Sequence[str], weights: np.ndarray,
                 width: float = 6.2, height: float = 1.6):
        super().__init__()
        self.weights = np.asarray(weights, dtype=float)
        self.english = TokenRow(english, size=THEME.small)
        self.french = TokenRow(french, size=THEME.small)
        self.vertical = max(self.english.width, self.french.width) > width
        if self.vertical:
            self.english.arrange(DOWN, buff=0.05, aligned_edge=RIGHT)
            self.french.arrange(DOWN, buff=0.05, aligned_edge=LEFT)
            self.french.next_to(self.english, RIGHT, buff=width - self.english.width
                                - self.french.width).align_to(self.english, UP)
        else:
            self.french.next_to(self.english, DOWN, buff=height)
        self.lines: list[list[Line]] = [
            [Line(self.french_end(i), self.english_end(j), color=THEME.weight,
                  stroke_width=0.5 + 6 * w, stroke_opacity=w) for j, w in enumerate(row)]
            for i, row in enumerate(self.weights.tolist())]
        self.links = VGroup(*[line for row in self.lines for line in row])
        self.add(self.links, self.english, self.french)

    def french_end(self, i: int) -> np.ndarray:
        """Where French word i's links leave it: its top, or its left edge in columns."""
        token = self.french.tokens[i]
        return token.get_left() if self.vertical else token.get_top()

    def english_end(self, j: int) -> np.ndarray:
        """Where links reach English word j: its bottom, or its right edge in columns."""
        token = self.english.tokens[j]
        return token.get_right() if self.vertical else token.get_bottom()

    def link(self, i: int, j: int) -> Line:
        return self.lines[i][j]


@dataclass
class PairOnScreen:
    """One sentence pair as shown: its pattern, its links, where beside the grid there is
    room, and everything drawn for it (`parts`, to fade out together)."""

    grid: AttentionGrid
    diagram: AlignmentLines
    room: Region  # the part of the panel clear of the grid: the links and notes go there
    note: VGroup  # how to read the links, under them until a read-out takes its place
    parts: VGroup = field(default_factory=VGroup)


class CrossAttention(ExplainerScene):
    name = "cross_attention"
    description = "Queries from the French being written, keys and values from the English."
    key_moments = ("self_vs_cross", "pattern", "crossing", "delta", "second_pair", "answers")
    params = CrossParams()

    def construct(self) -> None:
        p = self.params
        model = load_cross()
        first, second = (model.run(en, fr) for en, fr in p.pairs)
        title = at_top(label("Cross-attention", THEME.heading))
        self.top = title.get_bottom()[1] - 0.15  # where the pictures under the title begin
        self.play(FadeIn(title))

        flows = self.self_versus_cross(first, below=title)
        self.moment("self_vs_cross")
        self.settle()

        self.narrate(f"Here is a trained cross-attention head at work: scores q\u00b7k/"
                     f"\u221a{first.queries.shape[1]}, softmax over each row, no mask. One "
                     "row per French word, one column per English word.")
        pair = self.show_pattern(first, leaving=flows)
        self.moment("pattern")
        self.settle()
        self.mark_crossings(first, p.crossings[0], pair, "Each French word looks at the "
                            "English word it translates: {}. French puts the adjective after "
                            "the noun, so the two links cross.")
        self.moment("crossing")
        self.settle()

        self.read_delta(model, first, pair)
        self.moment("delta")
        self.settle()
        self.narrate("That is what this toy head was trained for: each French word's update "
                     "must name the English word it translates.")
        self.settle(minimum=1)

        pair = self.second_pair(model, second, p.crossings[1], leaving=pair.parts)
        self.answers(leaving=pair.parts)

    # ---- 1. where Q, K and V come from ------------------------------------------------------
    def self_versus_cross(self, trace: CrossTrace, below: Mobject) -> VGroup:
        """Two flows, one per half of the stage, their boxes level: self-attention's one
        sentence feeds Q, K and V from below; cross-attention's English feeds K and V from
        above and its French Q from below, at the level of self-attention's sentence."""
        en, fr = trace.source_tokens, trace.target_tokens
        left = flow("self-attention", en, None,
                    ("Q, K, V all from one sentence:", "each word asks every word",
                     "of its own sentence"))
        right = flow("cross-attention", en, fr, ())
        half = (SAFE.width - FLOW_GAP) / 2
        right.move_to([SAFE.right - half / 2, 0, 0])
        right.shift(UP * (below.get_bottom()[1] - 0.15 - right.get_top()[1]))
        left.set_x(SAFE.left + half / 2)
        left.diagram.shift(UP * (right.box.get_y() - left.box.get_y()))
        left.heading.set_y(right.heading.get_y())
        # the notes in the room the English takes on the right, between heading and box
        left.notes.set_y((left.heading.get_bottom()[1] + left.box.get_top()[1]) / 2)
        self.narrate("So far every head was self-attention: queries, keys and values all "
                     "come from the same sentence.")
        self.play(FadeIn(left, lag_ratio=0.05), run_time=2)
        self.settle()
        self.narrate("Cross-attention splits them: the queries come from the French translation "
                     "being written, the keys and values from the English source. No mask. What "
                     "comes out, \u0394E, goes to the French words that asked.")
        self.play(FadeIn(right, lag_ratio=0.05), run_time=2)
        return VGroup(left, right)

    # ---- 2. the pattern, and the crossing -----------------------------------------------------
    def show_pattern(self, trace: CrossTrace, leaving: Mobject) -> PairOnScreen:
        """The pair's weights as a grid (rows French, columns English) and as links."""
        en, fr = trace.source_tokens, trace.target_tokens
        tag = VGroup(label("rows: French (queries)", THEME.small, THEME.query),
                     label("columns: English (keys, values)", THEME.small,
                           THEME.key)).arrange(DOWN, buff=0.08)
        cell = min(CELL, GRID_CELLS_ROOM / len(en))
        grid = AttentionGrid(trace.weights.numpy(), fr, en, kind="weights", cell=cell)
        spare = self.top - STAGE.bottom - grid.height - 0.15 - tag.height - 0.05
        if spare < 0:  # a long sentence: smaller cells (the numbers keep their size), so the
            # key to the grid still fits under it
            grid = AttentionGrid(trace.weights.numpy(), fr, en, kind="weights",
                                 cell=cell + spare / len(fr))
        # its top under the title, its labels inside SAFE
        grid.shift([max(GRID_CELLS_LEFT - grid.cells.get_left()[0], SAFE.left - grid.get_left()[0]),
                    self.top - grid.get_top()[1], 0])
        sums = grid.row_sums()
        grid.caption(tag, buff=0.15)
        room = Region(max(PANEL.left, sums.get_right()[0] + 0.4), PANEL.right, STAGE.bottom,
                      self.top)
        if tag.get_bottom()[1] < STAGE.bottom:  # a tall grid: the key to it goes beside it
            tag.move_to([room.x, STAGE.bottom + 0.05 + tag.height / 2, 0])
        diagram = AlignmentLines(en, fr, trace.weights.numpy(), width=room.width)
        diagram.move_to([room.x, room.top - diagram.height / 2, 0])
        note = VGroup(label("the same weights as links: each French word", THEME.small,
                            THEME.muted),
                      label("to each English word, as strong as its weight", THEME.small,
                            THEME.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        fit_width(note, room.width).next_to(diagram, DOWN, buff=0.35).set_x(room.x)
        self.play(FadeOut(leaving), run_time=0.8)
        self.play(FadeIn(grid, lag_ratio=0.02), FadeIn(tag), run_time=2)
        self.play(FadeIn(sums, lag_ratio=0.1), Create(diagram.links),
                  FadeIn(diagram.english), FadeIn(diagram.french), FadeIn(note), run_time=2)
        self.remove(*diagram.submobjects)
        self.add(diagram)  # one piece again, so a test can read the drawn links
        return PairOnScreen(grid, diagram, room, note, VGroup(grid, tag, sums, diagram))

    def mark_crossings(self, trace: CrossTrace, crossings: tuple[tuple[str, str], ...],
                       pair: PairOnScreen, caption: str) -> None:
        """Boxes on the crossing cells and their links drawn over in the query colour, while
        `caption` says each crossing with its weight ("pomme → apple (0.78), ..." in {})."""
        en, fr = trace.source_tokens, trace.target_tokens
        marks = VGroup()
        for f_word, e_word in crossings:
            i, j = fr.index(f_word), en.index(e_word)
            marks.add(SurroundingRectangle(pair.grid.cell(i, j), color=THEME.query, buff=0,
                                           stroke_width=4))
            marks.add(pair.diagram.link(i, j).copy().set_stroke(THEME.query, opacity=1))
        said = ", ".join(f"{f} \u2192 {e} ({fmt(float(trace.weights[fr.index(f), en.index(e)]))})"
                         for f, e in crossings)
        self.narrate(caption.format(said))
        self.play(Create(marks), run_time=1.5)
        pair.parts.add(marks)

    # ---- 3. what pomme receives --------------------------------------------------------------
    def read_delta(self, model: CrossModel, trace: CrossTrace, pair: PairOnScreen) -> None:
        """The focus word's ΔE read against every English embedding, under the links."""
        p = self.params
        i = trace.target_tokens.index(p.focus)
        reading = model.source_words.read(trace.delta[i])
        table = ReadingsTable([ReadingRow(w, w, (reading,)) for w, _ in reading.top(p.top)],
                              [("probability", THEME.muted)], corner="English word",
                              number_colors=(THEME.output,), decimals=3, pitch=0.4, col_gap=0.6)
        head = VGroup(label(f"\u0394E of \u201c{p.focus}\u201d (its weighted values)",
                            THEME.small, THEME.output),
                      label("read against every English embedding:", THEME.small,
                            THEME.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        panel = VGroup(head, table).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        fit_width(panel, pair.room.width).next_to(pair.diagram, DOWN, buff=0.25)
        panel.set_x(pair.room.x)
        box = SurroundingRectangle(pair.diagram.french[i], color=THEME.output, buff=0.05)
        word = reading.best
        self.narrate(f"What {p.focus} receives is its \u0394E, the weighted sum of the values. "
                     f"Read against every English embedding, it names \u201c{word}\u201d: "
                     f"{fmt(reading.of(word), 3)}.")
        self.play(FadeOut(pair.note), Create(box), FadeIn(panel, lag_ratio=0.1), run_time=1.5)
        pair.parts.add(panel, box)

    # ---- 4. a pair it never saw ------------------------------------------------------------------
    def second_pair(self, model: CrossModel, trace: CrossTrace,
                    crossings: tuple[tuple[str, str], ...], leaving: Mobject) -> PairOnScreen:
        en = " ".join(trace.source_tokens)
        held = {" ".join(pair.english) for pair in generate_pairs("held_out")}
        accuracy = alignment_accuracy(model, "held_out")
        n_pairs = len(held)
        kind = "never seen in training" if en in held else "from the training pairs"
        self.narrate(f"Another pair, {kind}.")
        pair = self.show_pattern(trace, leaving=leaving)
        self.mark_crossings(trace, crossings, pair,
                            "Again the links follow the meaning, not the position: {}.")
        score = VGroup(label(f"this pair was {kind}", THEME.small, THEME.muted),
                       label(f"all {n_pairs} held-out pairs: {fmt(100 * accuracy, 0)}% "
                             "of French", THEME.small),
                       label("words attend most to their source word", THEME.small))
        score.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        fit_width(score, pair.room.width).next_to(pair.diagram, DOWN, buff=0.4)
        score.set_x(pair.room.x)
        self.play(FadeOut(pair.note), FadeIn(score))
        self.moment("second_pair")
        self.narrate(f"Across all {n_pairs} held-out pairs, {fmt(100 * accuracy, 0)}% of "
                     "French words put their largest weight on the English word they translate.")
        self.settle()
        pair.parts.add(score)
        return pair

    # ---- 5. the viewers' questions ---------------------------------------------------------------
    def answers(self, leaving: Mobject) -> None:
        qa = VGroup(
            label("\u201cHow are K, Q, V used on the decoder side?\u201d", THEME.heading),
            label("The decoder\u2019s words (the translation so far) make the queries;",
                  THEME.body, THEME.query),
            label("the encoder\u2019s output (the source sentence) makes the keys and values.",
                  THEME.body, THEME.key),
            label("\u201cIs this self-attention or just attention?\u201d", THEME.heading),
            label("Self-attention: Q, K, V from one sequence.", THEME.body),
            label("Cross-attention: Q from one sequence, K and V from another.", THEME.body),
            label("A real decoder has both: masked self-attention over the French so far,",
                  THEME.small, THEME.muted),
            label("then cross-attention to the English. This toy is a single cross-attention "
                  "head on word embeddings.", THEME.small, THEME.muted))
        qa.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        qa[3].shift(DOWN * 0.35)
        qa[4:].shift(DOWN * 0.35)
        qa[6:].shift(DOWN * 0.35)
        # the two answers are the whole picture now: as wide as SAFE, centred in the stage
        fit_width(qa, SAFE.width).move_to([0, (self.top + STAGE.bottom) / 2, 0])
        self.narrate("So, on the decoder side: the words being written make the queries, the "
                     "source sentence makes the keys and values.")
        self.play(FadeOut(leaving), run_time=0.8)
        self.play(FadeIn(qa[:3], lag_ratio=0.2), run_time=1.5)
        self.settle()
        self.narrate("And \u201cself\u201d means Q, K and V come from one sequence; "
                     "cross-attention takes Q from one and K, V from another.")
        self.play(FadeIn(qa[3:], lag_ratio=0.15), run_time=1.5)
        self.moment("answers")
        self.settle(minimum=2)


FLOW_GAP = 0.5  # between the two flows, each in its half of the stage
FLOW_ARROW = 1.1  # the role arrows' length: the flows as tall as the stage allows


def flow(heading: str, source: list[str], target: list[str] | None,
         notes: Sequence[str]) -> VGroup:
    """A sentence (or two) feeding Q, K, V arrows into an 'attention' box, under its
    `heading` and `notes` (lines); `.heading`, `.notes`, `.diagram` and its `.box`."""
    width = (SAFE.width - FLOW_GAP) / 2
    box = RoundedRectangle(corner_radius=0.12, width=4.4, height=1.1,
                           stroke_color=THEME.muted, stroke_width=2.5)
    box_label = label("attention", THEME.body).move_to(box)
    src = TokenRow(source, size=THEME.small, max_width=width)
    roles = (("Q", THEME.query), ("K", THEME.key), ("V", THEME.value))
    arrows = VGroup()
    gap = FLOW_ARROW + 0.16  # the arrows stop 0.08 short of the words
    if target is None:  # self: the one sentence sits below and feeds all three
        src.next_to(box, DOWN, buff=gap)
        for k, (role, color) in enumerate(roles):
            x = box.get_x() + (k - 1.5) * 1.2
            arrows.add(role_arrow([x, src.get_top()[1] + 0.08, 0],
                                  [x, box.get_bottom()[1], 0], role, color))
        x = box.get_x() + 1.5 * 1.2  # what comes out goes back to the words that asked
        arrows.add(role_arrow([x, box.get_bottom()[1], 0], [x, src.get_top()[1] + 0.08, 0],
                              "\u0394E", THEME.output))
        tags = VGroup(label("English (one sentence)", THEME.small, THEME.muted)
                      .next_to(src, DOWN, buff=0.1))
        diagram = VGroup(box, box_label, arrows, src, tags)
    else:  # cross: the source above gives K and V, the target below gives Q
        tgt = TokenRow(target, size=THEME.small, max_width=width)
        src.next_to(box, UP, buff=gap)
        tgt.next_to(box, DOWN, buff=gap)
        for k, (role, color) in enumerate(roles[1:]):
            x = box.get_x() + (k - 0.5) * 1.2
            arrows.add(role_arrow([x, src.get_bottom()[1] - 0.08, 0],
                                  [x, box.get_top()[1], 0], role, color))
        x = box.get_x() - 0.6
        arrows.add(role_arrow([x, tgt.get_top()[1] + 0.08, 0], [x, box.get_bottom()[1], 0],
                              "Q", THEME.query))
        x = box.get_x() + 0.6  # what comes out goes to the words that asked: the French
        arrows.add(role_arrow([x, box.get_bottom()[1], 0], [x, tgt.get_top()[1] + 0.08, 0],
                              "\u0394E", THEME.output))
        tags = VGroup(label("K, V from the English (the source)", THEME.small, THEME.key)
                      .next_to(src, UP, buff=0.1),
                      label("Q from the French (being written); no mask", THEME.small,
                            THEME.query).next_to(tgt, DOWN, buff=0.1))
        diagram = VGroup(src, tags[0], box, box_label, arrows, tgt, tags[1])
    title = label(heading, THEME.body).next_to(diagram, UP, buff=0.2)
    lines = VGroup(*[label(line, THEME.body, THEME.muted) for line in notes])
    lines.arrange(DOWN, buff=0.1).next_to(title, DOWN, buff=0.25)
    group = VGroup(title, lines, diagram)
    group.heading, group.notes, group.diagram, group.box = title, lines, diagram, box
    return group


def role_arrow(start, end, role: str, color: str) -> VGroup:
    """An arrow into the attention box, named by the role it feeds (Q, K or V), or out of
    it, named by what comes out (ΔE)."""
    arrow = Arrow(start, end, buff=0, color=color, stroke_width=4,
                  max_tip_length_to_length_ratio=0.2)
    return VGroup(arrow, label(role, THEME.small, color).next_to(arrow, LEFT, buff=0.08))
