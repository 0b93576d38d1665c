"""The cross-attention scene against the cross head recomputed in float64
(tests/reference.py `cross_forward`: French queries over English keys and values), cell by
cell and link by link, and its held-out claim against the corpus of sentence pairs."""

import re

import numpy as np
import pytest
from manim import Line, SurroundingRectangle, Text

import reference
from attention_core.training.translation import generate_pairs
from scene_harness import find, run_scene
from scenes.cross_attention import AlignmentLines, CrossAttention
from scenes.kit import THEME, AttentionGrid, Number, TokenRow
from scenes.kit.table import Table

P = CrossAttention.params
TOL = {"rtol": 1e-5, "atol": 1e-6}  # float32 core against float64 reference


@pytest.fixture(scope="module")
def run():
    return run_scene(CrossAttention)


@pytest.fixture(scope="module")
def refs():
    return [reference.cross_forward(en, fr) for en, fr in P.pairs]


def shown(mobjects):
    return [t for t in find(mobjects, Text) if t.get_fill_opacity() > 0.01]


def named(mobjects, text):
    (found,) = [t for t in shown(mobjects) if t.original_text == text]
    return found


def facing_edges(links, i, j):
    """Where the link from French word i to English word j should run: French top to
    English bottom in rows, French left edge to English right edge in columns."""
    fr, en = links.french.tokens[i], links.english.tokens[j]
    if links.vertical:
        return fr.get_left(), en.get_right()
    return fr.get_top(), en.get_bottom()


def test_self_takes_q_k_v_from_one_sentence_cross_splits_them(run, refs):
    mobjects = run.at("self_vs_cross")
    texts = shown(mobjects)
    self_box, cross_box = sorted((t for t in texts if t.original_text == "attention"),
                                 key=lambda t: t.get_x())
    for heading, box in (("self-attention", self_box), ("cross-attention", cross_box)):
        title = named(mobjects, heading)
        assert title.get_y() > box.get_y() and abs(title.get_x() - box.get_x()) < 1.5
    for role in "QKV":
        left, right = sorted((t for t in texts if t.original_text == role),
                             key=lambda t: t.get_x())
        assert left.get_y() < self_box.get_y()  # self: all three from the sentence below
        above = right.get_y() > cross_box.get_y()  # cross: K, V from above, Q from below
        assert above == (role in "KV")
    # what comes out (ΔE) goes down to the words that asked: the one sentence, the French
    outputs = sorted((t for t in texts if t.original_text == "\u0394E"), key=lambda t: t.get_x())
    assert [t.get_x() < 0 for t in outputs] == [True, False]
    assert all(t.get_y() < box.get_y()
               for t, box in zip(outputs, (self_box, cross_box), strict=True))
    rows = find(mobjects, TokenRow)
    (alone,) = [r for r in rows if abs(r.get_x() - self_box.get_x()) < 1e-6]
    assert alone.words == refs[0].english and alone.get_y() < self_box.get_y()
    above, below = sorted((r for r in rows if abs(r.get_x() - cross_box.get_x()) < 1e-6),
                          key=lambda r: -r.get_y())
    assert above.words == refs[0].english and below.words == refs[0].french
    assert above.get_y() > cross_box.get_y() > below.get_y()


@pytest.mark.parametrize("moment, k", [("pattern", 0), ("second_pair", 1)])
def test_pattern_rows_are_french_queries_columns_english_keys(run, refs, moment, k):
    ref = refs[k]
    (grid,) = find(run.at(moment), AttentionGrid)
    assert grid.kind == "weights"
    assert grid.rows == ref.french and grid.cols == ref.english
    assert grid.mask.all(), "cross-attention has no mask"
    for i, name in enumerate(grid.row_labels):
        assert name.original_text == ref.french[i]
        assert name.get_y() == pytest.approx(grid.cell(i, 0).get_y(), abs=1e-6)
    for i in range(len(ref.french)):
        for j in range(len(ref.english)):
            number = grid.numbers[i][j]
            np.testing.assert_allclose(number.get_center(), grid.cell(i, j).get_center(),
                                       atol=1e-6)
            np.testing.assert_allclose(number.value, ref.weights[i, j], **TOL)
    right = grid.cells.get_right()[0]
    for i in range(len(ref.french)):  # Σ = 1.00 beside each French row
        (total,) = [n for n in find(run.at(moment), Number)
                    if right < n.get_left()[0] < right + 1.5
                    and abs(n.get_y() - grid.cell(i, 0).get_y()) < 0.1]
        np.testing.assert_allclose(total.value, ref.weights[i].sum(), **TOL)


@pytest.mark.parametrize("moment, k", [("pattern", 0), ("second_pair", 1)])
def test_links_join_each_french_word_to_each_english_word_by_weight(run, refs, moment, k):
    ref = refs[k]
    (links,) = find(run.at(moment), AlignmentLines)
    fr, en = links.french.tokens, links.english.tokens
    assert [t.word for t in fr] == ref.french and [t.word for t in en] == ref.english
    if links.vertical:  # English in a column on the left, French on the right, in order
        assert max(t.get_right()[0] for t in en) < min(t.get_left()[0] for t in fr)
        for words in (en, fr):
            assert all(a.get_y() > b.get_y() for a, b in zip(words[:-1], words[1:], strict=True))
    else:  # English on top, French below
        assert min(t.get_bottom()[1] for t in en) > max(t.get_top()[1] for t in fr)
    for i in range(len(ref.french)):
        for j in range(len(ref.english)):
            line, w = links.lines[i][j], ref.weights[i, j]
            start, end = facing_edges(links, i, j)
            np.testing.assert_allclose(line.get_start(), start, atol=1e-6)
            np.testing.assert_allclose(line.get_end(), end, atol=1e-6)
            np.testing.assert_allclose(line.get_stroke_opacity(), w, **TOL)
            np.testing.assert_allclose(line.get_stroke_width(), 0.5 + 6 * w, rtol=1e-5)


@pytest.mark.parametrize("moment, k", [("crossing", 0), ("second_pair", 1)])
def test_the_marked_cells_and_links_are_each_words_strongest_key(run, refs, moment, k):
    ref, crossings = refs[k], P.crossings[k]
    mobjects = run.at(moment)
    (grid,) = find(mobjects, AttentionGrid)
    (links,) = find(mobjects, AlignmentLines)
    boxes = find(mobjects, SurroundingRectangle)
    bright = [m for m in find(mobjects, Line)  # the marked links, drawn over in query colour
              if m.get_stroke_color().to_hex().upper() == THEME.query.upper()]
    assert len(boxes) == len(bright) == len(crossings)
    for f_word, e_word in crossings:
        i, j = ref.french.index(f_word), ref.english.index(e_word)
        assert int(ref.weights[i].argmax()) == j  # the row's strongest key is its source
        assert any(np.allclose(b.get_center(), grid.cell(i, j).get_center(), atol=1e-6)
                   for b in boxes)
        start, end = facing_edges(links, i, j)
        assert any(np.allclose(m.get_start(), start, atol=1e-6)
                   and np.allclose(m.get_end(), end, atol=1e-6) for m in bright)
    if k == 0:  # French puts the adjective after the noun: the two links cross
        (n_fr, n_en), (a_fr, a_en) = crossings
        assert (ref.french.index(n_fr) < ref.french.index(a_fr)) != (
            ref.english.index(n_en) < ref.english.index(a_en))
        assert named(mobjects, "rows: French (queries)").get_top()[1] < grid.cells.get_bottom()[1]


def test_delta_names_the_source_word(run, refs):
    ref = refs[0]
    i = ref.french.index(P.focus)
    toy = reference.toy()
    logits = ref.delta[i][: toy["embeddings"].shape[1]] @ toy["embeddings"].T
    probs = reference.softmax(logits)
    top = np.argsort(-probs)[: P.top]
    mobjects = run.at("delta")
    (table,) = [t for t in find(mobjects, Table) if t.cells[0][0].original_text == "English word"]
    assert len(table.cells) == 1 + P.top
    for row, v in zip(table.cells[1:], top, strict=True):  # each word with its probability
        word, number = row
        assert word.original_text == toy["vocab"][v]
        assert abs(word.get_y() - number.get_y()) < 0.1 and word.get_x() < number.get_x()
        np.testing.assert_allclose(number.value, probs[v], rtol=1e-4)
    assert toy["vocab"][top[0]] == "apple"  # pomme's update names the word it translates
    (links,) = find(mobjects, AlignmentLines)
    focus = links.french.tokens[i]
    assert any(np.allclose(b.get_center(), focus.get_center(), atol=1e-6)
               and b.width > focus.width for b in find(mobjects, SurroundingRectangle))


def test_second_pair_is_held_out_and_the_accuracy_is_measured(run):
    english, french = P.pairs[1]
    held = generate_pairs("held_out")
    assert [p.text for p in held if p.text[0] == english] == [(english, french)]
    assert all(p.text[0] != english for p in generate_pairs("train"))
    texts = [t.original_text for t in shown(run.at("second_pair"))]
    assert "this pair was never seen in training" in texts
    right = total = 0
    for pair in held:  # the strongest key of each French word, against the word it translates
        weights = reference.cross_forward(*pair.text).weights
        right += int((weights.argmax(1) == np.array(pair.source)).sum())
        total += len(pair.source)
    (line,) = [m for m in (re.fullmatch(r"all (\d+) held-out pairs: (\d+)% of French", t)
                           for t in texts) if m]
    assert int(line[1]) == len(held)
    assert abs(int(line[2]) - 100 * right / total) <= 0.5


def test_answers_the_viewer_questions(run):
    texts = [t.original_text for t in shown(run.at("answers"))]
    assert any("decoder side" in t for t in texts)
    assert any("self-attention or just attention" in t for t in texts)
