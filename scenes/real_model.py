"""A real model reads "apple": MiniLM's own attention, computed by our core, on two sentences.

Script: the two sentences as MiniLM's word pieces ([CLS] in front, [SEP] at the
end, words it does not know whole cut into pieces); the focus word's vector at
layer 0 (its piece embedding plus its position, 384 numbers as a strip) is
nearly the same in both. Then its lean toward each sense, layer by layer, both
sentences side by side on fixed axes: E stays, ghosted, each layer's vector
arrives below it. The read-out is stated on screen: cosines with the senses'
anchor words at the same layer, minus the word's own lean in neutral sentences
(`attention_core.pretrained.senses`); its accuracy per layer is measured on the
held-out sentences (`measure_senses`). Then every head's pull on the word (a
6 × 12 map), and the hardest puller's pattern: its scores, then its weights.
The caveats are on screen where they apply: many heads park their weight on
[CLS]/[SEP]; a pull is what a head writes, not the next vector; last-layer
heads write longer updates. Every number comes from `load_pretrained().run()`
and the core's read-out functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manim import DOWN, LEFT, UP, Create, FadeIn, FadeOut, VGroup

from attention_core.pretrained import (
    AmbiguousWord,
    NotABertCheckpointError,
    PretrainedBert,
    Sense,
    SenseAccuracy,
    anchors_for,
    head_pulls,
    load_pretrained,
    measure_senses,
    senses_of,
)
from attention_core.pretrained.senses import NEUTRAL_CONTEXTS, check_anchor
from attention_core.similarity import cosine
from scenes.kit import SAFE, STAGE, THEME, ExplainerScene, ParamError, fit_width, fmt, label
from scenes.kit.strip import VectorStrip
from scenes.kit.wrap import WrappedText, wrap_lines
from scenes.real_model_parts import (
    AXIS_W,
    PANEL_W,
    ROW_MAX,
    HeadMap,
    LeanChart,
    PatternView,
    piece_row,
    sense_colors,
    special_share,
    split_words,
    update_lengths,
)

MAX_PIECES = 14  # with [CLS] and [SEP], and only if they fit ROW_MAX (12 nearly always do)
MAX_FOCUS_PIECES = 2  # score rows the pattern has room for (one per piece of the focus word)
MAX_NAME = 12  # letters in a sense's name: it labels the axes, the legend and the notes


def top_line(m):
    """A screen's title or heading, centred at the top of the safe area (a long focus word
    or sense name may shrink a heading a little: set at 32, it stays above 20 px)."""
    fit_width(m, SAFE.width)
    return m.move_to([0, SAFE.top - m.height / 2, 0])


def word_error(field: str, message: str, word: str) -> ParamError:
    """A ParamError naming the one word (or sentence) at fault, for the spec's line."""
    error = ParamError(field, message)
    error.word = word
    return error


@dataclass(frozen=True)
class RealModelParams:
    """What a lecturer can change from a TOML spec, without writing Python."""

    focus: str = "apple"
    sentences: tuple[str, ...] = ("grandma peeled an apple for the strudel",
                                  "apple unveiled its new smartwatch today")
    # two senses, each with its anchor words (one word piece each); () = the core's defaults
    senses: tuple[tuple[str, tuple[str, ...]], ...] = ()
    model: str = "minilm"  # the packaged MiniLM, or a folder holding a BERT checkpoint

    def ambiguous_word(self) -> AmbiguousWord:
        if not self.senses:
            return senses_of(self.focus)
        if len(self.senses) != 2:
            raise ParamError("senses", f"give exactly 2 senses, each with its anchor words "
                                       f"(e.g. fruit = [...] and tech = [...]), got "
                                       f"{len(self.senses)}")
        return AmbiguousWord(self.focus, tuple(Sense(name, tuple(anchors))
                                               for name, anchors in self.senses))

    def definition(self) -> str:
        (a, anchors_a), (b, anchors_b) = ((s.name, s.anchors)
                                          for s in self.ambiguous_word().senses)
        f = self.focus
        return (f"lean = how much nearer {f}'s vector is to the {a} words "
                f"({', '.join(anchors_a)}) than to the {b} words ({', '.join(anchors_b)}): "
                f"cosines at the same layer, every word read in neutral sentences like "
                f"\u201c{NEUTRAL_CONTEXTS[0].format(f)}\u201d, minus {f}'s own lean there.")

    def validate(self) -> None:
        """Every way a lecturer's spec can fail, as one ParamError naming the field."""
        try:
            model = load_pretrained(self.model)
        except NotABertCheckpointError as exc:
            raise ParamError("model", str(exc)) from None
        if len(self.sentences) != 2:
            raise ParamError("sentences", f"give exactly 2 sentences (they are shown side by "
                                          f"side), got {len(self.sentences)}")
        try:
            word = self.ambiguous_word()
        except ParamError:
            raise
        except ValueError as exc:
            raise ParamError("senses", f"{exc}; or give [senses] with two senses and "
                                       "their anchor words") from None
        for sense in word.senses:
            if len(sense.name) > MAX_NAME:
                raise word_error("senses", f"the sense name {sense.name!r} is longer than "
                                 f"{MAX_NAME} letters: it labels axes and notes, keep it short",
                                 sense.name)
            if not sense.anchors:
                raise word_error("senses", f"the sense {sense.name!r} has no anchor words",
                                 sense.name)
            for anchor in sense.anchors:
                try:
                    check_anchor(model, word, anchor)
                except ValueError as exc:
                    raise word_error("senses", str(exc), anchor) from None
        if len(wrap_lines(self.definition(), SAFE.width)) > 3:
            raise ParamError("senses", "too many anchor words to state the read-out on "
                                       "screen: give at most about 4 short words per sense")
        for k, sentence in enumerate(self.sentences):
            self.check_sentence(model, sentence, "AB"[k])

    def check_sentence(self, model: PretrainedBert, sentence: str, tag: str) -> None:
        try:
            pieces = model.tokenize(sentence)
        except ValueError as exc:
            raise word_error("sentences", str(exc), sentence) from None
        if len(pieces) > MAX_PIECES:
            raise word_error("sentences", f"{sentence!r} is {len(pieces)} word pieces with "
                             f"[CLS] and [SEP]; the screen shows at most {MAX_PIECES} "
                             "legibly: shorten it", sentence)
        spans = pieces.spans(self.focus)
        if not spans:
            raise word_error("sentences", f"the focus word {self.focus!r} is not in "
                             f"{sentence!r} (as a whole word)", sentence)
        if len(spans[0].pieces) > MAX_FOCUS_PIECES:
            raise word_error("sentences", f"the focus word {self.focus!r} is cut into "
                             f"{len(spans[0].pieces)} pieces {list(spans[0].pieces)}; the "
                             f"pattern shows at most {MAX_FOCUS_PIECES}", self.focus)
        row = piece_row(pieces, spans[0])
        if row.width > ROW_MAX:
            raise word_error("sentences", f"{sentence!r} is too wide to show legibly: its "
                             f"{len(pieces)} word pieces need {row.width:.1f} of the "
                             f"{ROW_MAX:.1f} units a row has at 20 px (at most {MAX_PIECES} "
                             "pieces, fewer long ones): use shorter words or fewer of them",
                             sentence)
        if len(wrap_lines(f"{tag}  {sentence}", PANEL_W)) > 2:
            raise word_error("sentences", f"{sentence!r} is too long to head its panel in "
                                          "two lines: shorten it", sentence)


@cache
def held_out_accuracy(model: PretrainedBert) -> SenseAccuracy:
    """The read-out scored on the core's held-out sentences (once per process: ~240 runs)."""
    return measure_senses(model)


class RealModel(ExplainerScene):
    name = "real_model"
    description = ("A real model (MiniLM) reads a word in two sentences: word pieces, its "
                   "lean layer by layer, the heads that pull it.")
    key_moments = ("pieces", "lean", "accuracy", "heads", "pattern")
    params = RealModelParams()

    def construct(self) -> None:
        p = self.params
        model = load_pretrained(p.model)
        word = p.ambiguous_word()
        anchors = anchors_for(model, word)
        runs = [model.run(s) for s in p.sentences]
        spans = [run.span(p.focus) for run in runs]
        colors = sense_colors(anchors.senses)
        title = top_line(label(f"A real model reads \u201c{p.focus}\u201d", THEME.heading))

        self.pictures = {"pieces": self.show_pieces(model, runs, spans, title)}
        self.moment("pieces")
        self.settle()
        self.clear_but(title)

        readings = [anchors.read(run, span) for run, span in zip(runs, spans, strict=True)]
        definition = self.show_leans(readings, colors)
        self.pictures["lean"] = self.pictures["accuracy"] = self.chart
        self.moment("lean")
        self.settle()
        self.show_accuracy(held_out_accuracy(model), definition)
        self.moment("accuracy")
        self.settle()
        self.clear_but()

        pulls = [head_pulls(model, run, span, word) for run, span in zip(runs, spans,
                                                                         strict=True)]
        self.show_heads(pulls, colors)
        self.pictures["heads"] = self.map
        self.moment("heads")
        self.settle()
        self.clear_but()

        self.show_pattern(pulls[0], special_share(runs[0], spans[0]))
        self.pictures["pattern"] = self.pattern
        self.moment("pattern")
        self.settle(minimum=2)

    # ---------------------------------------------------------------------------------
    def clear_but(self, keep=None) -> None:
        """Fade out everything on screen except `keep`."""
        self.play(*[FadeOut(m) for m in self.mobjects if m is not keep], run_time=0.6)

    def show_pieces(self, model, runs, spans, title) -> VGroup:
        """Both sentences as pieces, split words marked, the focus word's E as strips;
        returns the picture (sentences, pieces, strips)."""
        p, c = self.params, model.config
        name = "MiniLM" if p.model.lower() == "minilm" else Path(p.model).name
        about = label(f"{name}: a BERT encoder, {c.n_layers} layers \u00d7 {c.n_heads} heads, "
                      f"{c.d_model} numbers per word piece", THEME.small, THEME.muted)
        about.next_to(title, DOWN, buff=0.2)
        e = [run.vector(span, 0) for run, span in zip(runs, spans, strict=True)]
        scale = float(max(v.abs().max() for v in e))
        self.rows, self.strips, blocks, marks = [], [], VGroup(), VGroup()
        for k, (run, span, y) in enumerate(zip(runs, spans, (2.4, 0.25), strict=True)):
            heading = label(f"{'AB'[k]}  {p.sentences[k]}", THEME.small, THEME.muted)
            heading.move_to([SAFE.left, y, 0], aligned_edge=LEFT)
            row = piece_row(run.pieces, span).move_to([SAFE.left, y - 0.55, 0], aligned_edge=LEFT)
            strip = VectorStrip(e[k].tolist(), THEME.embedding, width=SAFE.width, height=0.4,
                                scale=scale).move_to([SAFE.left, y - 1.55, 0], aligned_edge=LEFT)
            marks.add(row.word_marks([w.text for w in split_words(run)]))
            self.rows.append(row)
            self.strips.append(strip)
            blocks.add(VGroup(heading, row))
        same = float(cosine(e[0], e[1]))
        note = WrappedText(f"Strips: {p.focus}'s vector E at layer 0, its {c.d_model} numbers "
                           f"(colour: sign and size). A and B have cosine {fmt(same)}: before "
                           "any layer a word is its piece's embedding plus its position, "
                           "whatever the sentence.", SAFE.width, THEME.small, THEME.muted)
        note.move_to([SAFE.left, -1.67, 0], aligned_edge=LEFT + UP)

        self.narrate(f"A real model: {name}, a BERT encoder, {c.n_layers} layers of "
                     f"{c.n_heads} heads. It reads word pieces, with [CLS] in front and "
                     "[SEP] at the end.")
        self.play(FadeIn(title), FadeIn(about), FadeIn(blocks, lag_ratio=0.05), run_time=1.5)
        split = [w for run in runs for w in split_words(run)]
        if split:
            text = (f"Words it does not know whole are cut into pieces: {split[0].text} "
                    f"becomes {', '.join(split[0].pieces)}.")
            self.narrate(text, spoken=text.replace("##", ""))
            self.play(FadeIn(marks), run_time=1)
            self.settle()
        self.narrate(f"At layer 0, {p.focus} is its piece's embedding plus its position: "
                     f"{c.d_model} numbers, a strip. Cosine between A and B: {fmt(same)}. "
                     "It does not know its sense yet.")
        self.play(FadeIn(VGroup(*self.strips), lag_ratio=0.2), FadeIn(note), run_time=1.5)
        return VGroup(blocks, marks, *self.strips)

    def show_leans(self, readings, colors) -> WrappedText:
        """Both sentences' lean, layer after layer, on fixed axes; returns the definition."""
        p = self.params
        definition = WrappedText(p.definition(), SAFE.width, THEME.small, THEME.muted)
        definition.move_to([SAFE.left, 3.01, 0], aligned_edge=LEFT + UP)
        headings = [WrappedText(f"{'AB'[k]}  {s}", PANEL_W, THEME.small)
                    .move_to([LeanChart.heading_x(k), 1.79, 0], aligned_edge=LEFT + UP)
                    for k, s in enumerate(p.sentences)]
        self.chart = chart = LeanChart(headings, readings, colors, rows_top=0.45, pitch=0.42)
        a, b = readings[0][0].senses
        panels = chart.panels
        self.narrate(f"Does {p.focus} lean to {a} or to {b}? Compare it with the {a} words and "
                     f"the {b} words at the same layer, minus where {p.focus} sits in a "
                     "neutral sentence.")
        self.play(FadeIn(definition), *[FadeIn(panel.frame) for panel in panels],
                  FadeIn(chart.layer_names), run_time=1.5)
        self.play(*[FadeIn(VGroup(panel.dots[0], panel.numbers[0])) for panel in panels],
                  run_time=0.8)
        self.settle()
        self.narrate("Layer by layer, each sentence pulls it its own way.")
        for l in range(1, len(chart.rows_y)):
            self.play(*[anim for panel in panels for anim in (
                Create(panel.links[l - 1]), FadeIn(panel.dots[l]), FadeIn(panel.numbers[l]),
                panel.dots[l - 1].animate.set_opacity(0.35))], run_time=0.8)
        last = len(chart.rows_y) - 1
        self.narrate(f"After layer {last}: {fmt(panels[0].leans[-1], sign=True)} in A, "
                     f"{fmt(panels[1].leans[-1], sign=True)} in B. E stays, ghosted, on top.")
        self.play(*[Create(panel.verdict_box()) for panel in panels], run_time=0.8)
        return definition

    def show_accuracy(self, accuracy: SenseAccuracy, definition: WrappedText) -> None:
        """The measured share read right per layer, beside each layer's row."""
        per_layer = accuracy.per_layer
        n, words = len(accuracy.sentences), accuracy.words
        self.accuracy = column = self.chart.accuracy_column(per_layer)
        note = WrappedText(f"read right: the share of {n} held-out sentences "
                           f"({', '.join(words)}) whose word leans to the sense its context "
                           "gives it, at each layer, each word with its default anchor words.",
                           SAFE.width, THEME.small, THEME.muted)
        note.move_to(definition, aligned_edge=LEFT + UP)
        last = len(per_layer) - 1
        self.narrate(f"On {n} held-out sentences of {len(words)} words, this read-out is right "
                     f"{100 * per_layer[0]:.0f}% of the time at layer 0, about chance, and "
                     f"{100 * per_layer[-1]:.0f}% after layer {last}.")
        self.play(FadeOut(definition), FadeIn(note), FadeIn(column, lag_ratio=0.1),
                  run_time=1.5)

    def show_heads(self, pulls, colors) -> None:
        """Every head's pull on the word in sentence A, toward the sense it ends as."""
        p, first = self.params, pulls[0]
        toward = first.verdict
        away = [s for s in first.senses if s != toward][0]
        mine = colors[first.senses.index(toward)]
        self.map = heads = HeadMap(first.toward(toward).numpy(), toward, away, mine)
        heads.move_to([SAFE.left, 2.95, 0], aligned_edge=LEFT + UP)
        heading = top_line(label(f"Every head's pull on {p.focus} in A, toward {toward}",
                                 THEME.heading))
        (l, h), best = heads.best, first.strongest(toward)
        lengths = update_lengths(first.run, first.span)
        ratio = lengths[-1] / lengths[:-1].mean()
        other = pulls[1].strongest()
        n_layers = len(lengths)
        x = heads.get_right()[0] + 0.35
        notes = VGroup(*[WrappedText(t, SAFE.right - x, THEME.small, c) for t, c in (
            (f"pull: one head's \u0394E for {p.focus}, along the line from the {away} words "
             f"to the {toward} words", THEME.muted),
            (f"boxed: the hardest ({fmt(best.pull, sign=True)}), layer {l + 1} head {h + 1}; "
             "ringed: the hardest in each layer", THEME.text),
            (f"in B, the hardest toward {other.toward}: layer {other.layer + 1} head "
             f"{other.head + 1}, {fmt(other.pull, sign=True)}", THEME.muted),
            ("A pull is what a head writes, not the next vector: LayerNorm and the MLP "
             "act on it.", THEME.muted))])
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        room = heading.get_bottom()[1] - 0.15 - STAGE.bottom  # long sense names: shrink a
        if notes.height > room:  # little (set at 27 px, 0.8 of it is still above 20 px)
            notes.scale(room / notes.height)
        notes.move_to([x, heading.get_bottom()[1] - 0.15, 0], aligned_edge=LEFT + UP)
        # one line under the map's key: the map is the picture, at least half the frame tall
        caveat = WrappedText(f"Layer {n_layers} heads write {fmt(ratio, 1)}\u00d7 longer "
                             "updates: compare within a layer.", x - 0.35 - SAFE.left,
                             THEME.small, THEME.muted)
        caveat.move_to([SAFE.left, heads.get_bottom()[1] - 0.2, 0], aligned_edge=LEFT + UP)
        self.narrate(f"Which heads pull? Each cell: one head's update for {p.focus} in A, "
                     f"along the line from the {away} words to the {toward} words.")
        self.play(FadeIn(heading), FadeIn(heads), FadeIn(notes[0]), run_time=1.5)
        self.settle()
        self.narrate(f"Hardest toward {toward}: layer {l + 1}, head {h + 1}. But layer "
                     f"{n_layers} heads write {fmt(ratio, 1)} times longer updates: compare "
                     "within a layer, the ringed cells.")
        self.play(FadeIn(notes[1:], lag_ratio=0.2), FadeIn(caveat), run_time=1.5)

    def show_pattern(self, pulls, share_all: float) -> None:
        """The hardest puller's scores for the word's pieces, then its weights."""
        p, best = self.params, pulls.strongest()
        heading = top_line(label(f"A: layer {best.layer + 1}, head {best.head + 1} pulls "
                                 f"{p.focus} toward {best.toward}, "
                                 f"{fmt(best.pull, sign=True)}", THEME.heading))
        extra = 0.5 * (len(best.span.pieces) - 1)  # a split word's second score row
        row = piece_row(pulls.run.pieces, pulls.span)
        row.move_to([SAFE.left + AXIS_W, -0.28 + extra, 0], aligned_edge=LEFT)
        self.pattern = view = PatternView(row, best, bar_height=2.7 - extra)
        w = best.weight_row
        parked = float(w[0] + w[-1])
        n_heads = sum(len(layer.heads) for layer in pulls.run.layers)
        split = extra > 0
        kinds = VGroup(
            label("scores (boxes): q\u00b7k/\u221ad, before softmax"
                  + (", a row per piece" if split else ""), THEME.small, THEME.score_pos),
            label("weights (bars): softmax of the scores, summing to 1"
                  + (", their mean" if split else ""), THEME.small, THEME.weight))
        kinds.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        caveat = WrappedText(f"This head puts {100 * parked:.0f}% of its weight on [CLS] and "
                             f"[SEP]; over all {n_heads} heads {p.focus} puts "
                             f"{100 * share_all:.0f}% there. The weights show where a head "
                             "looked; the pull, what its values carried.", SAFE.width,
                             THEME.small, THEME.text)
        notes = VGroup(kinds, caveat).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        notes.move_to([SAFE.left, view.score_rows.get_bottom()[1] - 0.25, 0],
                      aligned_edge=LEFT + UP)
        self.narrate("Where did it look? First its scores, q dot k over the square root of "
                     "d k, one per piece.")
        self.play(FadeIn(heading), FadeIn(view.scores_part(), lag_ratio=0.05), FadeIn(kinds[0]),
                  run_time=1.5)
        self.settle()
        self.narrate(f"Softmax makes them weights that sum to 1: {100 * parked:.0f}% on [CLS] "
                     "and [SEP]. The weights show where a head looked; the pull, what its "
                     "values carried.")
        self.play(FadeIn(view.weights_part(), lag_ratio=0.05), FadeIn(kinds[1]),
                  FadeIn(caveat), run_time=1.5)
        self.settle()
        self.narrate(f"Over all {n_heads} heads, {p.focus} gives {100 * share_all:.0f}% of its "
                     "attention to [CLS] and [SEP]: a known habit, not a bug. Weights alone "
                     "do not explain a model.")
