"""The shipped toy model: learned, loads safely, and resolves apple by its context."""

import subprocess
import sys

import pytest
import torch

from attention_core import UnknownWordError, load_model, tokenize
from attention_core.corpus import generate
from attention_core.evaluate import sense_accuracy
from attention_core.train_head import batched_head, encode_batch
from attention_core.vocab import Vocabulary

REQUIRED = """apple orange banana pear grape cherry lemon fruit juice pie tree sweet ripe ate eat
sliced bought buy phone laptop computer iphone software app stock company launched released new
screen chip mole tower creature fluffy blue forest roamed verdant a an the and of with i she he
they was is rose after sold""".split()


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_vocabulary_and_shapes(model):
    assert set(REQUIRED) <= set(model.vocab)
    assert 8 <= model.d_model <= 64
    assert model.embed("apple").shape == (model.d_model,)
    trace = model.run("Apple released a NEW phone!")
    assert trace.tokens == ["apple", "released", "a", "new", "phone"]
    assert trace.embeddings.shape == (5, model.d_model)
    torch.testing.assert_close(trace.embeddings[0], model.embed("apple"))


def test_tokenize_splits_on_spaces_and_punctuation():
    assert tokenize("Buy an apple, and an orange.") == ["buy", "an", "apple", "and", "an", "orange"]


def test_unknown_word_names_it_and_suggests(model):
    with pytest.raises(UnknownWordError) as err:
        model.run("buy an appel")
    assert isinstance(err.value, ValueError)
    assert "'appel'" in str(err.value) and "apple" in err.value.suggestions


def test_embedding_is_the_same_whatever_the_sentence(model):
    fruit = model.run("buy an apple and an orange")
    tech = model.run("apple released a new phone")
    e1, e2 = fruit.embeddings[fruit.position("apple")], tech.embeddings[tech.position("apple")]
    assert torch.equal(e1, e2)  # E is one row of the table...
    assert not torch.allclose(fruit.outputs[2], tech.outputs[0])  # ...E + ΔE is not


def test_apple_is_pulled_toward_the_sense_of_its_context(model):
    def pull(sentence):
        t = model.run(sentence)
        i = t.position("apple")
        before = model.sense_probabilities(t.embeddings[i])
        after = model.sense_probabilities(t.outputs[i])
        return before, after

    fruit, tech = model.topics.index("fruit"), model.topics.index("tech")
    before, after = pull("buy an apple and an orange")
    assert abs(before[fruit] - before[tech]) < 0.1  # E alone is undecided
    assert after[fruit] > 0.9
    before, after = pull("apple released a new phone")
    assert after[tech] > 0.9


def test_held_out_accuracy_is_at_least_90_percent(model):
    acc = sense_accuracy(model, "held_out")
    assert acc.total >= 100
    assert acc.accuracy >= 0.90
    assert acc.accuracy_alone < 0.5  # the embedding alone cannot tell the senses apart


def test_held_out_sentences_were_never_trained_on():
    train = {s.tokens for s in generate("train")}
    assert not train & {s.tokens for s in generate("held_out")}


def test_training_forward_is_the_core_head(model):
    """The batched training code computes exactly what attend() computes."""
    sentences = generate("held_out")[:8]
    vocab = Vocabulary(model.vocab)
    ids, real = encode_batch(sentences, vocab)
    w = {"w_q": model.head.w_q, "w_k": model.head.w_k, "w_v": model.head.w_v,
         "w_o": model.head.w_o}
    delta = batched_head(model.table[ids], real, w)
    for b, s in enumerate(sentences):
        trace = model.run(s.text)
        torch.testing.assert_close(delta[b, : len(s.tokens)], trace.delta, atol=1e-5, rtol=1e-5)


def test_weights_are_safetensors_not_pickle():
    from attention_core.model import TOY_HEAD_FILE

    header_len = int.from_bytes(TOY_HEAD_FILE.read_bytes()[:8], "little")
    assert TOY_HEAD_FILE.read_bytes()[8:9] == b"{" and header_len < 10_000


def test_training_regenerates_every_shipped_weight_file_bit_for_bit():
    done = subprocess.run([sys.executable, "-m", "attention_core.train", "--check"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("toy_head", "lecture_layer", "deep_stack", "cross_head"):
        assert f"identical to assets/{name}.safetensors" in done.stdout
