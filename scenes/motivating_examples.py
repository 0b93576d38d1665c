"""Motivating examples: one token, several meanings, one embedding.

Script: three sentences with "mole" (animal, chemistry, medicine). Before
attention, mole's vector is the same row of the embedding table in all three:
the identical numbers stand side by side, and that one vector is torn between
the senses. After the head, each context vector E + ΔE is a new vector, and
the model reads each one as a different sense. Then "tower" (alone, Eiffel,
miniature Eiffel) and "apple" (next to orange, next to phone), more briefly.
Every number comes from `load_model().run(sentence)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Mobject, VGroup, Write

from attention_core import load_model
from attention_core.model import ToyModel
from attention_core.readouts import Reading
from scenes.kit import (
    THEME,
    ExplainerScene,
    SenseReadout,
    TokenRow,
    VectorColumn,
    fit_width,
    fmt,
    label,
)

COLUMN_GAP = 4.4  # distance between the sentences' column groups
SPLIT = 0.75  # how far E and E + ΔE sit left and right of a group's centre


@dataclass(frozen=True)
class Example:
    word: str
    sentences: tuple[str, ...]
    note: str = ""  # an honest remark under the columns; {topics} = how many topics


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
        title = label("One word, several meanings", THEME.heading).to_edge(UP, buff=0.2)
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
        """E slides left and is dimmed (kept in view); E + ΔE appears to its right.

        E's own reading moves down and stays, so before and after can be compared."""
        self.play(FadeOut(screen.equals),
                  screen.before.animate.set_y(-3.15).set_opacity(0.75),
                  *[col.animate.shift(LEFT * SPLIT).set_opacity(0.55)
                    for col in screen.embeddings], run_time=0.6 * run_time)
        self.play(FadeIn(screen.contexts, shift=RIGHT * 0.3, lag_ratio=0.2), run_time=run_time)

    def clear(self, screen: ExampleScreen) -> None:
        """Fade out the parts of a screen that are on show (not those already gone)."""
        shown = [part for part in screen.submobjects if part in self.mobjects]
        self.play(*[FadeOut(part) for part in shown])


class ExampleScreen(VGroup):
    """One word's screen, built (not played): its sentences as rows tagged (k), the word's
    E in each sentence side by side with = between them, E's reading, then each sentence's
    E + ΔE beside its E, with that vector's reading under the pair."""

    def __init__(self, model: ToyModel, example: Example, title: Mobject):
        super().__init__()
        word = example.word
        traces = [model.run(s) for s in example.sentences]
        self.rows = VGroup()
        for k, trace in enumerate(traces):
            tokens = TokenRow(trace.tokens, size=THEME.small, max_width=9.5)
            tokens[trace.position(word)].highlight(THEME.embedding)
            tag = label(f"({k + 1})", THEME.small, THEME.muted)
            self.rows.add(VGroup(tag, tokens).arrange(RIGHT, buff=0.25))
        self.rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        self.rows.next_to(title, DOWN, buff=0.3).set_x(0)

        centres = [(k - (len(traces) - 1) / 2) * COLUMN_GAP for k in range(len(traces))]
        self.embeddings = VGroup()
        self.contexts = VGroup()
        self.after = VGroup()
        for k, (trace, x) in enumerate(zip(traces, centres, strict=True)):
            i = trace.position(word)
            self.embeddings.add(VectorColumn(trace.embeddings[i].tolist(), THEME.embedding,
                                             f"E in ({k + 1})").move_to([x, -0.55, 0]))
            out = trace.outputs[i]
            self.contexts.add(VectorColumn(out.tolist(), THEME.output, f"E + \u0394E ({k + 1})")
                              .move_to([x + SPLIT, -0.55, 0]))
            self.after.add(SenseReadout("E + \u0394E reads as", model.senses.read(out), top=1,
                                        stacked=True).move_to([x, -2.4, 0]))
        self.senses = [shown.reading.best for shown in self.after]
        self.equals = VGroup(*[label("=", THEME.title).move_to(
            (a.entries.get_center() + b.entries.get_center()) / 2)
            for a, b in zip(self.embeddings[:-1], self.embeddings[1:], strict=True)])
        self.before = SenseReadout(f"E of '{word}' reads as", model.senses.read(model.embed(word)),
                                   top=3).move_to([0, -2.45, 0])
        note = example.note.format(topics=len(model.topics))
        self.note = (fit_width(label(note, THEME.tiny, THEME.muted)).move_to([0, -3.65, 0])
                     if example.note else VGroup())
        self.add(self.rows, self.embeddings, self.equals, self.before, self.contexts,
                 self.after, self.note)


def said(reading: Reading, top: int) -> str:
    """'medicine 0.35, chemistry 0.32, animal 0.31': a reading's top senses, for a caption."""
    return ", ".join(f"{sense} {fmt(p)}" for sense, p in reading.top(top))


def verdict(senses: list[str], topics: int) -> str:
    """What the context vectors' readings say, in words."""
    if len(set(senses)) == 1:
        return (f"All read as {senses[0]} here; the toy model has only {topics} topics. "
                "But the numbers differ: each context left its mark.")
    return f"The context vectors read as {' and '.join(senses)}: context decides."
