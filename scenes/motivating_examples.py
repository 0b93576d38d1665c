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

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Mobject, VGroup, Write

from attention_core import load_model
from scenes.kit import (
    THEME,
    ExplainerScene,
    Number,
    TokenRow,
    VectorColumn,
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
        self.model = load_model()
        self.title = label("One word, several meanings", THEME.heading).to_edge(UP, buff=0.2)
        self.play(FadeIn(self.title))
        mole, tower, apple = self.params.examples
        self.screens: dict[str, VGroup] = {}

        # ---- mole, in detail -----------------------------------------------------------
        screen = self.show_sentences(mole)
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
                     f"{self.reading(self.model.embed(mole.word), 3)}.")
        self.play(FadeIn(screen.before), run_time=1)
        self.moment("same_vector")
        self.wait(5)
        self.narrate("Context must refine it. After the attention head, each sentence gives "
                     f"'{mole.word}' a new vector E + \u0394E; the embedding E stays as it was.")
        self.refine(screen)
        self.wait(4.5)
        senses = [self.model.sense_of(t.outputs[t.position(mole.word)]) for t in screen.traces]
        self.narrate(f"Now the context vectors read as {', '.join(senses)}. Same token, same E, "
                     f"{len(set(senses))} meanings.")
        self.play(FadeIn(screen.after, lag_ratio=0.2), run_time=1.5)
        self.moment("mole_senses")
        self.wait(4.5)
        self.clear(screen)

        # ---- tower and apple, more briefly ------------------------------------------------
        for example, moment in ((tower, "tower"), (apple, "apple")):
            screen = self.show_sentences(example)
            self.narrate(f"'{example.word}': again one embedding E, identical in every "
                         "sentence, and a different E + \u0394E in each.")
            self.play(FadeIn(screen.rows, lag_ratio=0.2), FadeIn(screen.embeddings),
                      FadeIn(screen.equals), FadeIn(screen.before), run_time=2)
            self.wait(3)
            self.refine(screen, quick=True)
            self.narrate(self.summary(example))
            self.play(FadeIn(screen.after, lag_ratio=0.2), FadeIn(screen.note), run_time=1.5)
            self.moment(moment)
            self.wait(6)
            if example is not apple:
                self.clear(screen)
        self.narrate("The embedding table never splits a word into senses: only the context "
                     "vector, built by attention, does.")
        self.wait(5.5)

    # ---------------------------------------------------------------------------------
    def show_sentences(self, example: Example) -> VGroup:
        """Build (not play) a screen: the sentences, E per sentence, the readouts."""
        model, word = self.model, example.word
        traces = [model.run(s) for s in example.sentences]
        n = len(traces)
        screen = VGroup()
        screen.word, screen.traces = word, traces
        screen.rows = VGroup()
        for k, trace in enumerate(traces):
            tokens = TokenRow(trace.tokens, size=THEME.small, max_width=9.5)
            tokens[trace.position(word)].highlight(THEME.embedding)
            tag = label(f"({k + 1})", THEME.small, THEME.muted)
            screen.rows.add(VGroup(tag, tokens).arrange(RIGHT, buff=0.25))
        screen.rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        screen.rows.next_to(self.title, DOWN, buff=0.3).set_x(0)

        centres = [(k - (n - 1) / 2) * COLUMN_GAP for k in range(n)]
        screen.centres = centres
        screen.embeddings = VGroup()
        for k, (trace, x) in enumerate(zip(traces, centres, strict=True)):
            column = VectorColumn(trace.embeddings[trace.position(word)].tolist(),
                                  THEME.embedding, f"E in ({k + 1})")
            column.move_to([x, -0.55, 0])
            screen.embeddings.add(column)
        screen.equals = VGroup(*[label("=", THEME.title).move_to(
            (a.entries.get_center() + b.entries.get_center()) / 2)
            for a, b in zip(screen.embeddings[:-1], screen.embeddings[1:], strict=True)])
        screen.before = self.readout(model.embed(word), f"E of '{word}' reads as", top=3)
        screen.before.move_to([0, -2.45, 0])
        screen.contexts = VGroup()
        screen.after = VGroup()
        for k, (trace, x) in enumerate(zip(traces, centres, strict=True)):
            out = trace.outputs[trace.position(word)]
            column = VectorColumn(out.tolist(), THEME.output, f"E + \u0394E ({k + 1})")
            column.move_to([x + SPLIT, -0.55, 0])
            screen.contexts.add(column)
            screen.after.add(self.readout(out, "E + \u0394E reads as", top=1).move_to([x, -2.4, 0]))
        note = example.note.format(topics=len(model.topics))
        screen.note = (label(note, THEME.tiny, THEME.muted).move_to([0, -3.65, 0])
                       if example.note else VGroup())
        screen.add(screen.rows, screen.embeddings, screen.equals, screen.before,
                   screen.contexts, screen.after, screen.note)
        self.screens[word] = screen
        return screen

    def clear(self, screen: VGroup) -> None:
        """Fade out the parts of a screen that are on show (not those already gone)."""
        shown = [part for part in screen.submobjects if part in self.mobjects]
        self.play(*[FadeOut(part) for part in shown])

    def refine(self, screen: VGroup, quick: bool = False) -> None:
        """E slides left and is dimmed (kept in view); E + ΔE appears to its right.

        E's own reading moves down and stays, so before and after can be compared."""
        t = 0.7 if quick else 1.0
        self.play(FadeOut(screen.equals),
                  screen.before.animate.set_y(-3.15).set_opacity(0.75),
                  *[col.animate.shift(LEFT * SPLIT).set_opacity(0.55)
                    for col in screen.embeddings], run_time=1.2 * t)
        self.play(FadeIn(screen.contexts, shift=RIGHT * 0.3, lag_ratio=0.2), run_time=2 * t)

    def readout(self, vector, heading: str, top: int) -> VGroup:
        """The model's topic softmax for a vector: its `top` senses and their probabilities."""
        probs = self.model.sense_probabilities(vector)
        order = np.argsort(-probs.numpy(), kind="stable")[:top]
        parts: list[Mobject] = [label(heading, THEME.small, THEME.muted)]
        for t in order:
            sense = self.model.topics[int(t)]
            item = VGroup(label(sense, THEME.small, THEME.sense(sense)),
                          Number(float(probs[t]), 2, THEME.small)).arrange(RIGHT, buff=0.12)
            parts.append(item)
        group = VGroup(*parts).arrange(RIGHT, buff=0.3)
        if top == 1:
            group.arrange(DOWN, buff=0.1)
        return group

    def reading(self, vector, top: int) -> str:
        """'medicine 0.35, chemistry 0.32, animal 0.31': the model's top senses, as text."""
        probs = self.model.sense_probabilities(vector)
        order = np.argsort(-probs.numpy(), kind="stable")[:top]
        return ", ".join(f"{self.model.topics[int(t)]} {fmt(float(probs[t]))}" for t in order)

    def summary(self, example: Example) -> str:
        """What the readouts say, in words, from the model's own verdicts."""
        senses = [self.model.sense_of(t.outputs[t.position(example.word)])
                  for t in self.screens[example.word].traces]
        if len(set(senses)) == 1:
            return (f"All read as {senses[0]} here; the toy model has only "
                    f"{len(self.model.topics)} topics. But the numbers differ: each context "
                    "left its mark.")
        return f"The context vectors read as {' and '.join(senses)}: context decides."
