"""Motivating examples: one token, several meanings, one embedding.

Script: three sentences with "mole" (animal, chemistry, medicine). Before
attention, mole's vector is the same row of the embedding table in all three:
the identical numbers stand one row under another, each number in the same
column, and that one vector is torn between the senses. After the head, each
context vector E + ΔE is a new row under its E (kept, dimmed), and the model
reads each one as a different sense. Then "tower" (alone, Eiffel,
miniature Eiffel) and "apple" (next to orange, next to phone), more briefly.
Every number comes from `load_model().run(sentence)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Mobject, VGroup, Write

from attention_core import load_model
from attention_core.model import ToyModel
from attention_core.readouts import Reading
from scenes.kit import (
    SAFE,
    STAGE,
    THEME,
    ExplainerScene,
    SenseReadout,
    TokenRow,
    VectorRow,
    at_top,
    fmt,
    label,
)
from scenes.kit.wrap import WrappedText


@dataclass(frozen=True)
class Example:
    word: str
    sentences: tuple[str, ...]
    note: str = ""  # an honest remark beside the shortest sentence; {topics} = how many


@dataclass(frozen=True)
class MotivatingParams:
    examples: tuple[Example, ...] = (
        Example("mole", ("the american shrew mole roamed the forest",
                         "one mole of carbon dioxide", "take a biopsy of the mole")),
        Example("tower", ("tower", "the eiffel tower is in paris", "a miniature eiffel tower"),
                note="The toy model knows only {topics} topics, so it has no word for "
                     "'miniature': yet the three vectors differ."),
        Example("apple", ("buy an apple and an orange", "apple released a new phone")),
    )

    def validate(self) -> None:
        model = load_model()
        for ex in self.examples:
            if not 1 <= len(ex.sentences) <= 3:
                raise ValueError(f"give 1 to 3 sentences for {ex.word!r}")
            for sentence in ex.sentences:
                if ex.word not in model.tokenize(sentence):
                    raise ValueError(f"{ex.word!r} is not in {sentence!r}")


class MotivatingExamples(ExplainerScene):
    name = "motivating_examples"
    description = "One word, several meanings: the same embedding, different context vectors."
    key_moments = ("same_vector", "mole_senses", "tower", "apple")
    params = MotivatingParams()

    def construct(self) -> None:
        model = load_model()
        title = at_top(label("One word, several meanings", THEME.heading))
        self.play(FadeIn(title))
        mole, tower, apple = self.params.examples

        # ---- mole, in detail -----------------------------------------------------------
        screen = ExampleScreen(model, mole, title)
        self.narrate(f"Three sentences, three meanings of '{mole.word}': a small animal, a unit "
                     "of amount in chemistry, a spot on the skin.")
        self.play(FadeIn(screen.rows, lag_ratio=0.2), run_time=2)
        self.wait(4.5)
        self.narrate(f"Before attention, each '{mole.word}' is looked up in the same embedding "
                     "table: the very same numbers, whatever the sentence.")
        self.play(FadeIn(screen.embeddings, lag_ratio=0.15), run_time=2)
        self.play(Write(screen.equals), run_time=1)
        self.wait(2.5)
        self.narrate("That single vector is torn between the senses: the model reads it as "
                     f"{said(screen.before.reading, 3)}.")
        self.play(FadeIn(screen.before), run_time=1)
        self.moment("same_vector")
        self.wait(5)
        self.narrate("Context must refine it. After the attention head, each sentence gives "
                     f"'{mole.word}' a new vector E + \u0394E; the embedding E stays as it was.")
        self.refine(screen, run_time=2)
        self.wait(4.5)
        self.narrate(f"Now the context vectors read as {', '.join(screen.senses)}. Same token, "
                     f"same E, {len(set(screen.senses))} meanings.")
        self.play(FadeIn(screen.after, lag_ratio=0.2), run_time=1.5)
        self.moment("mole_senses")
        self.wait(4.5)
        self.clear(screen)

        # ---- tower and apple, more briefly ------------------------------------------------
        for example, moment in ((tower, "tower"), (apple, "apple")):
            screen = ExampleScreen(model, example, title)
            self.narrate(f"'{example.word}': again one embedding E, identical in every "
                         "sentence, and a different E + \u0394E in each.")
            self.play(FadeIn(screen.rows, lag_ratio=0.2), FadeIn(screen.embeddings),
                      FadeIn(screen.equals), FadeIn(screen.before), run_time=2)
            self.wait(3)
            self.refine(screen, run_time=1.4)
            self.narrate(verdict(screen.senses, len(model.topics)))
            self.play(FadeIn(screen.after, lag_ratio=0.2), FadeIn(screen.note), run_time=1.5)
            self.moment(moment)
            self.wait(6)
            if example is not apple:
                self.clear(screen)
        self.narrate("The embedding table never splits a word into senses: only the context "
                     "vector, built by attention, does.")
        self.wait(5.5)

    # ---------------------------------------------------------------------------------
    def refine(self, screen: ExampleScreen, run_time: float) -> None:
        """E is dimmed (kept in view, where it was); E + ΔE appears in the row under it, so
        each of its numbers lands under the E number it changed.

        E's own reading stays under the title, dimmed, so before and after can be
        compared."""
        self.play(FadeOut(screen.equals), screen.before.animate.set_opacity(0.75),
                  *[part.animate.set_opacity(0.55) for row in screen.embeddings
                    for part in (row.entries, row.title)],
                  *[row.cells.animate.set_stroke(opacity=0.55) for row in screen.embeddings],
                  run_time=0.6 * run_time)
        self.play(FadeIn(screen.contexts, shift=DOWN * 0.2, lag_ratio=0.2), run_time=run_time)

    def clear(self, screen: ExampleScreen) -> None:
        """Fade out the parts of a screen that are on show (not those already gone)."""
        shown = [part for part in screen.submobjects if part in self.mobjects]
        self.play(*[FadeOut(part) for part in shown])


@dataclass(frozen=True)
class Sizes:
    """How big one word's screen is drawn. The rows span the safe width either way; three
    sentences (six vector rows) fit the stage's height only with 0.42-tall cells, while
    two get taller cells so their four rows still fill the frame instead of leaving its
    lower half empty."""

    tokens: float  # the sentences' words
    numbers: float  # the numbers in the vectors' cells
    names: float  # "E in (k)", "E + ΔE (k)", and the readings beside them
    cell_width: float
    cell_height: float


SIZES = {3: Sizes(THEME.body, THEME.small, THEME.small, 1.05, 0.42),
         2: Sizes(THEME.body, THEME.small, THEME.small, 1.05, 0.58)}
NAME_COLUMN = 1.75  # room left of the cells for "E + ΔE (k)"


class ExampleScreen(VGroup):
    """One word's screen, built (not played). E's reading of the word sits under the
    title; then one block per sentence, top to bottom: the sentence tagged (k), that
    sentence's E as a row of cells (with "= E in (1)" beside it from the second on),
    and the row kept under E for E + ΔE, with its reading on the right. Every row's
    cells start at one x, so the k-th numbers of all vectors stand in one column."""

    def __init__(self, model: ToyModel, example: Example, title: Mobject):
        super().__init__()
        word = example.word
        traces = [model.run(s) for s in example.sentences]
        size = SIZES[max(2, len(traces))]
        self.before = SenseReadout(f"E of '{word}' reads as", model.senses.read(model.embed(word)),
                                   top=3, size=THEME.body)
        self.before.next_to(title, DOWN, buff=0.12).set_x(0)
        self.rows, self.embeddings, self.contexts = VGroup(), VGroup(), VGroup()
        self.after, self.equals = VGroup(), VGroup()
        blocks = []
        for k, trace in enumerate(traces):
            i = trace.position(word)
            tokens = TokenRow(trace.tokens, size=size.tokens, max_width=SAFE.width - 0.8)
            tokens[i].highlight(THEME.embedding)
            tag = label(f"({k + 1})", size.tokens, THEME.muted)
            row = VGroup(tag, tokens)
            e = self._vector(trace.embeddings[i], THEME.embedding, f"E in ({k + 1})", size)
            out = trace.outputs[i]
            ctx = self._vector(out, THEME.output, f"E + \u0394E ({k + 1})", size)
            e.shift(UP * (ctx.get_top()[1] - e.get_bottom()[1] + 0.08))
            tokens.next_to(e, UP, buff=0.1).align_to(e.cells, LEFT)
            tag.next_to(tokens, LEFT, buff=0.25)
            reading = SenseReadout("E + \u0394E reads as", model.senses.read(out), top=1,
                                   stacked=True, size=size.names)
            reading.next_to(VGroup(e.cells, ctx.cells), RIGHT, buff=0.35)
            self.rows.add(row)
            self.embeddings.add(e)
            self.contexts.add(ctx)
            self.after.add(reading)
            if k > 0:
                self.equals.add(VGroup(label("=", THEME.body),
                                       label("E in (1)", size.names, THEME.muted))
                                .arrange(RIGHT, buff=0.15).next_to(e.cells, RIGHT, buff=0.35))
            blocks.append(VGroup(row, e, ctx, reading, *self.equals[k - 1:k] if k else ()))
        self.senses = [shown.reading.best for shown in self.after]
        self._stack(blocks, top=self.before.get_bottom()[1] - 0.15, bottom=STAGE.bottom + 0.02)
        self.note = VGroup()
        if example.note:  # beside the shortest sentence, where a row has room for it
            short = min(self.rows, key=lambda row: row.get_right()[0])
            self.note = WrappedText(example.note.format(topics=len(model.topics)),
                                    SAFE.right - short.get_right()[0] - 0.5, THEME.tiny,
                                    THEME.muted)
            self.note.next_to(short, RIGHT, buff=0.5)
        self.add(self.rows, self.embeddings, self.equals, self.before, self.contexts,
                 self.after, self.note)

    @staticmethod
    def _vector(values: np.ndarray, color: str, title: str, size: Sizes) -> VectorRow:
        """One vector as a row whose cells start at the screen's shared left edge."""
        row = VectorRow(values.tolist(), color, title, size=size.numbers,
                        cell_width=size.cell_width, cell_height=size.cell_height,
                        title_size=size.names)
        return row.shift(RIGHT * (SAFE.left + NAME_COLUMN - row.cells.get_left()[0]))

    @staticmethod
    def _stack(blocks: list[VGroup], top: float, bottom: float, most: float = 0.7) -> None:
        """Stack the sentences' blocks at most `most` apart, centred between `top` and
        `bottom`: spread wider, two sentences would read as two unrelated screens."""
        free = (top - bottom) - sum(b.height for b in blocks)
        gap = min(most, max(0.1, free / max(1, len(blocks) - 1)))
        y = top - max(0.0, free - gap * (len(blocks) - 1)) / 2
        for block in blocks:
            block.shift(UP * (y - block.get_top()[1]))
            y -= block.height + gap


def said(reading: Reading, top: int) -> str:
    """'medicine 0.35, chemistry 0.32, animal 0.31': a reading's top senses, for a caption."""
    return ", ".join(f"{sense} {fmt(p)}" for sense, p in reading.top(top))


def verdict(senses: list[str], topics: int) -> str:
    """What the context vectors' readings say, in words."""
    if len(set(senses)) == 1:
        return (f"All read as {senses[0]} here; the toy model has only {topics} topics. "
                "But the numbers differ: each context left its mark.")
    return f"The context vectors read as {' and '.join(senses)}: context decides."
