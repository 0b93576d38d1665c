"""The motivating examples show one embedding per word and the head's real context vectors."""

import math

import numpy as np
import pytest
import torch

from attention_core import load_model
from scene_harness import assert_close, find, run_scene, visible_texts
from scenes.kit import Number, VectorColumn, fmt
from scenes.motivating_examples import MotivatingExamples, MotivatingParams

P = MotivatingParams()
MOMENTS = {"mole": "mole_senses", "tower": "tower", "apple": "apple"}


@pytest.fixture(scope="module")
def run():
    return run_scene(MotivatingExamples)


def embedding(word):
    model = load_model()
    return model.table[model.vocab.index(word)].double()


def context_vector(sentence, word):
    """E + ΔE for `word`, recomputed here from the head's matrices (not via the core's attend)."""
    model = load_model()
    tokens = sentence.split()
    x = torch.stack([embedding(w) for w in tokens])
    h = model.head
    q, k, v = x @ h.w_q.double(), x @ h.w_k.double(), x @ h.w_v.double()
    weights = torch.softmax(q @ k.T / math.sqrt(q.shape[1]), dim=-1)
    i = tokens.index(word)
    return x[i] + (weights @ v @ h.w_o.double())[i]


def sense_probs(vector):
    model = load_model()
    topics = torch.stack([embedding(t) for t in model.topics])
    return model.topics, torch.softmax(topics @ vector, dim=-1)


def columns(snapshot, role):
    return [c for c in find(snapshot, VectorColumn) if getattr(c, "role", None) == role]


def test_sentences_only_use_known_words():
    P.validate()  # raises on an unknown word or a missing focus word


def test_before_attention_the_three_moles_are_one_vector(run):
    mole = P.examples[0]
    snap = run.at("same_vector")
    shown = columns(snap, "E")
    assert len(shown) == len(mole.sentences)
    for column in shown:
        assert_close(column.values, embedding(mole.word))
        assert [n.text for n in column.entries] == [fmt(x) for x in embedding(mole.word).tolist()]
    assert not columns(snap, "E+dE"), "no context vector before attention"
    assert visible_texts(snap).count("=") == len(mole.sentences) - 1
    topics, probs = sense_probs(embedding(mole.word))
    top3 = torch.argsort(probs, descending=True)[:3]
    numbers = [n.value for n in find(snap, Number)]
    for t in top3:
        assert topics[t] in visible_texts(snap)
        assert any(abs(float(probs[t]) - s) < 1e-5 for s in numbers)


@pytest.mark.parametrize("example", P.examples, ids=lambda e: e.word)
def test_context_vectors_are_new_and_read_as_the_model_says(run, example):
    snap = run.at(MOMENTS[example.word])
    olds, news = columns(snap, "E"), columns(snap, "E+dE")
    assert len(olds) == len(news) == len(example.sentences)
    texts = visible_texts(snap)
    shown_numbers = [n.value for n in find(snap, Number)]
    for old, new, sentence in zip(olds, news, example.sentences, strict=True):
        assert_close(old.values, embedding(example.word))  # E itself never changed...
        assert old.entries[0].get_fill_opacity() < 1  # ...and is kept in view, dimmed
        expected = context_vector(sentence, example.word)
        assert_close(new.values, expected, atol=1e-5)
        assert not np.allclose(new.values, old.values)
        topics, probs = sense_probs(expected)
        best = int(probs.argmax())
        assert topics[best] in texts
        assert any(abs(float(probs[best]) - s) < 1e-5 for s in shown_numbers)
    # the same token, different context vectors
    assert not np.allclose(news[0].values, news[1].values)
