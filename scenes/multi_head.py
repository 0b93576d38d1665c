"""Multiple heads: three patterns on one sentence, three proposals, one sum.

Script: the lecture layer's three heads look at the same sentence, each with
its own pattern (three weight grids side by side, rows = queries, the words
named once at the left). For one word (the noun) each head proposes its own
ΔE_h; the patterns rise, each head's name moves down under its pattern, and
what that proposal says is read by the read-out the head was trained with
(topic, adjectives of the noun, previous word),
first from E alone, then from E + ΔE_h. The layer adds the three proposals:
E′ = E + ΔE₁ + ΔE₂ + ΔE₃, one new vector, while E stays as it was. Finally,
what each head does is measured over the corpus (`measure_heads`), with the
honest note that in this toy each head was given its own read-out in training.
Every number comes from `load_lecture_layer()`.
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
    Mobject,
    SurroundingRectangle,
    VGroup,
)

from attention_core.readouts import Reading, Readout
from attention_core.training.measure import HeadProfile, measure_heads
from attention_core.transformer import PositionalModel, StackTrace, load_lecture_layer
from scenes.kit import (
    SAFE,
    SUB,
    THEME,
    AttentionGrid,
    ExplainerScene,
    Percent,
    ReadingRow,
    ReadingsTable,
    SenseReadout,
    Table,
    TokenRow,
    VectorColumn,
    at_top,
    fit_width,
    fmt,
    label,
)


@dataclass(frozen=True)
class MultiHeadParams:
    """What a lecturer can change without writing Python."""

    sentence: str = "a fluffy blue mole roamed the verdant forest"
    focus: str = "mole"  # the noun whose three proposals are read out
    top: int = 3  # candidates shown per read-out


# The patterns' cells: three 8-word patterns side by side at 0.41 span half the frame
# height (their words included) and, with the words named once left of head 1, the
# safe width; a longer sentence gets smaller cells so the three still fit side by side.
CELL = 0.41
CELLS_ROOM = 9.9  # the width the three patterns' cells may take together


class ReadoutCard(VGroup):
    """A head's read-out of E and of E + ΔE_h: a `ReadingsTable` of the candidates worth
    showing, one column per vector, under `heading` (the head's name, which moves down
    from above its pattern to sit over its card). `.candidates`, `.before` and `.after`
    are what the table shows."""

    def __init__(self, before: Reading, after: Reading, shown: list[str], head: int,
                 heading: Mobject):
        super().__init__()
        self.table = ReadingsTable(
            [ReadingRow(name, name, (before, after)) for name in shown],
            [("E", THEME.embedding), ("E + \u0394E", THEME.output)],
            number_colors=(THEME.muted, THEME.output), pitch=0.34, col_gap=0.3)
        self.heading = heading
        self.heading.next_to(self.table, UP, buff=0.1).align_to(self.table, LEFT)
        self.add(self.heading, self.table)

    @property
    def candidates(self) -> list[str]:
        return self.table.candidates

    @property
    def before(self) -> np.ndarray:
        return self.table.values(0)

    @property
    def after(self) -> np.ndarray:
        return self.table.values(1)


class MultiHead(ExplainerScene):
    name = "multi_head"
    description = "Three heads, three patterns on one sentence; their ΔE are added into one E′."
    key_moments = ("patterns", "proposals", "sum", "measured")
    params = MultiHeadParams()

    def construct(self) -> None:
        p = self.params
        layer = load_lecture_layer()
        trace = layer.run(p.sentence)
        i = trace.position(p.focus)
        n_heads = len(trace.layers[0].heads)

        title = at_top(label("Multiple heads: same sentence, different questions",
                             THEME.heading))
        self.tokens = tokens = TokenRow(trace.tokens, size=THEME.small, max_width=9)
        tokens.next_to(title, DOWN, buff=0.2)
        tokens[i].highlight(THEME.query)
        self.narrate(f"One attention layer, {n_heads} heads, all reading the same sentence "
                     f"at the same time: \u201c{p.sentence}\u201d.",
                     spoken=f"One attention layer, {n_heads} heads, all reading the same "
                            f"sentence at the same time. The sentence: {p.sentence}.")
        self.play(FadeIn(title), FadeIn(tokens, lag_ratio=0.1), run_time=1.5)
        self.settle()

        grids = head_grids(trace, layer.head_readouts).next_to(tokens, DOWN, buff=0.15)
        self.boxed = boxed = self.patterns(grids, trace, i)
        self.moment("patterns")
        self.settle()

        cards = self.proposals(layer, trace, i, grids)
        self.moment("proposals")
        self.settle(minimum=1.5)

        self.play(FadeOut(grids.patterns), FadeOut(boxed), FadeOut(cards), run_time=0.8)
        equation, self.sum_readout = self.add_up(layer, trace, i, below=title)
        self.moment("sum")
        self.settle(minimum=1.5)

        self.play(FadeOut(equation), run_time=0.8)
        self.table = self.measured(layer)
        self.moment("measured")
        self.settle(minimum=2.5)

    # ---------------------------------------------------------------------------------
    def patterns(self, grids: VGroup, trace: StackTrace, i: int) -> VGroup:
        """The three patterns, then the focus word's row boxed in each; returns the boxes."""
        p, heads = self.params, trace.layers[0].heads
        self.narrate("Each head has its own query, key and value maps, so each draws its own "
                     "pattern: every row is a word asking, and each row sums to 1.")
        self.play(FadeIn(grids, lag_ratio=0.05), run_time=2)
        boxed = VGroup(*[SurroundingRectangle(g.row(i), color=THEME.query, buff=0.02,
                                              stroke_width=2.5) for g in grids.grids])
        self.narrate(f"Follow '{p.focus}' (its row is boxed): " + "; ".join(
            f"head {h + 1} looks most at {strongest(head.weights[i].numpy(), trace.tokens)}"
            for h, head in enumerate(heads)) + ".")
        self.play(Create(boxed), run_time=1)
        return boxed

    def proposals(self, layer: PositionalModel, trace: StackTrace, i: int,
                  grids: VGroup) -> VGroup:
        """Under each pattern: what the head's ΔE for the focus word says, by its read-out.
        The sentence and the legend go, the patterns rise under the title, and each head's
        name moves down to head its card: the patterns keep their size (the hero), and a
        card under each fits the stage only without a line of its own for the name."""
        p, e = self.params, trace.inputs[i]
        cards = VGroup()
        lift = SAFE.top - 0.55 - grids.grids[0].get_top()[1]  # the token row goes: grids rise
        for h, (head, readout) in enumerate(zip(trace.layers[0].heads, layer.head_readouts,
                                                strict=True)):
            before, after = readout.read(e), readout.read(e + head.delta[i])
            shown = readout.shown_for(p.focus, after, p.top)  # an ambiguous word: its senses
            card = ReadoutCard(before, after, shown, h, grids.names[h].copy())
            grid = grids.grids[h]
            card.next_to(grid, DOWN, buff=0.12).set_x(grid.get_x())
            card.shift(UP * lift)
            cards.add(card)
        for card in cards:  # tables on one line, whatever the headings' descenders
            card.shift(UP * (cards[0].table.get_top()[1] - card.table.get_top()[1]))
        top = min(card.heading.get_top()[1] for card in cards)
        for card in cards:  # headings on one baseline: every heading has a 'd' ascender
            card.heading.set_y(top - card.heading.height / 2)
        self.narrate(f"Each head proposes its own \u0394E for '{p.focus}'. Read through the "
                     f"read-out that head was trained with: the topic, the adjectives "
                     f"describing the noun, and the word before it.")
        self.play(FadeOut(grids.legend), FadeOut(self.tokens),
                  grids.patterns.animate.shift(UP * lift), self.boxed.animate.shift(UP * lift),
                  *[name.animate.move_to(card.heading)
                    for name, card in zip(grids.names, cards, strict=True)], run_time=1.2)
        self.remove(*grids.names)  # the same names, now each card's heading
        self.add(*[card.heading for card in cards])
        for card in cards:
            self.play(FadeIn(card.table, shift=DOWN * 0.15, lag_ratio=0.05), run_time=1.2)
        self.add(*cards)  # one piece each again, so a test can read the cards
        self.settle()
        sense, adjs, prev = cards
        self.narrate(f"Alone, E is undecided; E + \u0394E{SUB[0]} reads "
                     f"{sense.candidates[int(sense.after.argmax())]}, E + \u0394E{SUB[1]} names "
                     f"{' and '.join(adjs.candidates[:2])}, E + \u0394E{SUB[2]} names "
                     f"'{prev.candidates[0]}' as the previous word.")
        return cards

    def add_up(self, layer: PositionalModel, trace: StackTrace, i: int,
               below: Mobject) -> tuple[VGroup, VGroup]:
        """E + ΔE₁ + ΔE₂ + ΔE₃ = E′ as columns of 12 numbers, E kept as it was, and what E
        and E′ read as; returns everything shown, and the two read-outs."""
        p, heads = self.params, trace.layers[0].heads
        cols = [VectorColumn(trace.inputs[i].numpy(), THEME.embedding, f"E({p.focus})",
                             decimals=1, size=THEME.small, buff=0.07)]
        for h, head in enumerate(heads):
            cols.append(VectorColumn(head.delta[i].numpy(), THEME.output,
                                     f"\u0394E of head {h + 1}", decimals=1,
                                     size=THEME.small, buff=0.07))
        cols.append(VectorColumn(trace.states[1][i].numpy(), THEME.output, "E\u2032",
                                 decimals=1, size=THEME.small, buff=0.07))
        signs = ["+"] * len(heads) + ["="]
        parts = [cols[0]]
        for sign, col in zip(signs, cols[1:], strict=True):
            parts += [label(sign, THEME.heading, THEME.muted), col]
        row = VGroup(*parts).arrange(RIGHT, buff=0.4, aligned_edge=DOWN)
        for col in cols[1:]:  # entries on one level, whatever the glyph heights
            col.shift(UP * (cols[0].entries.get_y() - col.entries.get_y()))
        for sign in row[1::2]:
            sign.set_y(cols[0].entries.get_y())
        row.next_to(below, DOWN, buff=0.6)
        d_tok = layer.d_token
        word_part = VGroup(cols[0].entries[:d_tok], cols[0].entries[d_tok:])
        marks = VGroup(label("word part", THEME.tiny, THEME.muted),
                       label("position", THEME.tiny, THEME.muted))
        for mark, part in zip(marks, word_part, strict=True):
            mark.next_to(cols[0].left_bracket, LEFT, buff=0.15).set_y(part.get_y())
        equation = VGroup(row, marks).set_x(0)
        equation.shift(RIGHT * max(0.0, SAFE.left + 0.02 - equation.get_left()[0]))

        readouts = VGroup(
            SenseReadout("E reads as", layer.senses.read(trace.inputs[i]), top=1),
            SenseReadout("E\u2032 reads as", layer.senses.read(trace.states[1][i]), top=1,
                         heading_color=THEME.output))
        readouts.arrange(RIGHT, buff=0.9).next_to(row, DOWN, buff=0.35).set_x(0)
        note = label("One layer, one update: the heads' proposals are added, and E itself is "
                     "not changed.", THEME.small, THEME.muted)
        note.next_to(readouts, DOWN, buff=0.25).set_x(0)

        proposals = " + ".join("\u0394E" + SUB[h] for h in range(len(heads)))
        self.narrate(f"The layer does not choose between its heads: it adds their proposals. "
                     f"E\u2032 = E + {proposals}, "
                     "a new vector; E stays as it was.")
        self.play(FadeIn(cols[0]), FadeIn(marks), run_time=0.8)
        self.play(FadeIn(VGroup(*row[1:-2]), lag_ratio=0.15), run_time=2)
        self.play(FadeIn(row[-2]), FadeIn(cols[-1], shift=RIGHT * 0.2), run_time=1)
        self.play(FadeIn(VGroup(readouts, note), lag_ratio=0.1), run_time=1)
        return VGroup(equation, readouts, note), readouts

    def measured(self, layer: PositionalModel) -> Table:
        """What each head does on sentences it never saw, by measures that tell the jobs
        apart, with the honest caveat; returns the table of measures."""
        profiles: list[HeadProfile] = measure_heads(layer)
        jobs = [r.job for r in layer.head_readouts]
        header = [label("head", THEME.tiny, THEME.muted),
                  label("read-out in training", THEME.tiny, THEME.muted),
                  label("topic right from E + \u0394E", THEME.tiny, THEME.muted),
                  label("noun \u2192 adjectives further back", THEME.tiny, THEME.muted),
                  label("word \u2192 previous word", THEME.tiny, THEME.muted)]
        columns = [[p.sense for p in profiles], [p.distant_adjectives for p in profiles],
                   [p.previous_word for p in profiles]]
        rows = [header]
        for h, job in enumerate(jobs):
            rows.append([label(f"head {h + 1}", THEME.small), label(job, THEME.small),
                         *[Percent(column[h]) for column in columns]])
        table = Table(rows, pitch=0.55, col_gap=0.3,
                      align=["left", "left", "right", "right", "right"])
        heading = label("What each head does, measured on sentences it never saw", THEME.body)
        sub = label("further back: not the word just before the noun  \u00b7  previous word: "
                    "where it is not the word's adjective", THEME.tiny, THEME.muted)
        block = VGroup(heading, sub, table).arrange(DOWN, buff=0.3)
        block.move_to(UP * 0.9)
        # the head that scores highest in each column, boxed
        best = [int(np.argmax(column)) for column in columns]
        boxes = VGroup(*[SurroundingRectangle(table.cells[h + 1][c + 2], color=THEME.output,
                                              buff=0.06, stroke_width=2)
                         for c, h in enumerate(best)])
        sense_head, far_head, previous_head = best
        mixed = profiles[far_head].previous_word
        honest = VGroup(
            label("In this toy each head's \u0394E was given its own read-out in training: "
                  "the jobs were assigned.", THEME.small, THEME.query),
            label("Real models assign no jobs; heads specialise (or not) by themselves,",
                  THEME.small, THEME.muted),
            label("and only measuring tells.", THEME.small, THEME.muted),
            label(f"Head {far_head + 1} is not a pure adjective head: it also looks at the "
                  f"previous word ({fmt(100 * mixed, 0)}%).", THEME.tiny, THEME.muted))
        honest.arrange(DOWN, buff=0.12).next_to(block, DOWN, buff=0.45)
        self.narrate(f"Measured on sentences it never saw: head {sense_head + 1}'s proposal "
                     f"alone settles the topic ({fmt(100 * columns[0][sense_head], 0)}%), head "
                     f"{previous_head + 1} looks at the previous word "
                     f"({fmt(100 * columns[2][previous_head], 0)}%), and only head "
                     f"{far_head + 1} reaches back to adjectives further away "
                     f"({fmt(100 * columns[1][far_head], 0)}%).")
        self.play(FadeIn(heading), FadeIn(sub), FadeIn(table, lag_ratio=0.05), run_time=2)
        self.play(Create(boxes), run_time=1)
        self.settle()
        self.narrate(f"Head {far_head + 1} also looks at the previous word "
                     f"({fmt(100 * mixed, 0)}% of the time): it is not a pure adjective head. "
                     "And in this toy each head was given its own read-out in training.")
        self.play(FadeIn(honest, lag_ratio=0.2), run_time=1.2)
        return table


def strongest(weights: np.ndarray, tokens: list[str], share: float = 0.9) -> str:
    """The words holding `share` of a row's attention, e.g. "'blue' (0.46) and 'fluffy'
    (0.43)"; at most two."""
    order = np.argsort(-weights, kind="stable")
    picked = [order[0]] if weights[order[0]] >= share else order[:2]
    return " and ".join(f"'{tokens[j]}' ({weights[j]:.2f})" for j in picked)


def head_grids(trace: StackTrace, readouts: tuple[Readout, ...]) -> VGroup:
    """The heads' weight patterns side by side, each under its head's name and read-out,
    the words of the rows named once, left of head 1 (the rows line up across the three);
    `.grids` are the `AttentionGrid`s, `.patterns` them as one group, `.names` the heads'
    names (they later head the cards) and `.legend` the key under them."""
    heads, n = trace.layers[0].heads, len(trace.tokens)
    cell = min(CELL, CELLS_ROOM / (len(heads) * n))
    grids = [AttentionGrid(head.weights.numpy(), trace.tokens, trace.tokens, kind="weights",
                           show_numbers=False, cell=cell, titles=False, label_size=THEME.tiny)
             for head in heads]
    for grid in grids[1:]:
        grid.remove(grid.row_labels)  # head 1's words name these rows too
    patterns = VGroup(*grids).arrange(RIGHT, buff=0.3, aligned_edge=DOWN)
    names = VGroup()
    for grid, readout, h in zip(grids, readouts, range(len(heads)), strict=True):
        name = VGroup(label(f"head {h + 1}", THEME.small),
                      label(f"(read-out: {readout.job})", THEME.tiny, THEME.muted))
        name.arrange(RIGHT, buff=0.12, aligned_edge=DOWN)
        names.add(name.next_to(grid, UP, buff=0.1).align_to(grid.cells, LEFT))
    legend = label("rows: the word asking (query), each row sums to 1  \u00b7  columns: the "
                   "word looked at (key)  \u00b7  disc area = weight", THEME.tiny, THEME.muted)
    legend.next_to(patterns, DOWN, buff=0.15)
    group = VGroup(names, patterns, legend)
    fit_width(group).set_x(0)  # never shrinks the default sentence's patterns
    group.grids, group.patterns, group.names, group.legend = grids, patterns, names, legend
    return group
