"""The pretrained model's API: what a run holds, how its parts fit, words and pieces.

Numbers are checked against transformers in test_pretrained_parity.py; here the
pieces of one run are checked against each other (the heads add up to the
layer's attention output, LayerNorms and MLP give the next hidden state), with
MiniLM loaded once for the module.
"""

import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from attention_core import AttentionTrace, HeadWeights
from attention_core.pretrained import SentenceTooLongError, load_pretrained

SENTENCE = "She peeled an apple and a pineapple for the hedgehog."


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def model():
    return load_pretrained()


@pytest.fixture(scope="module")
def run(model):
    return model.run(SENTENCE)


def test_minilm_sizes(model):
    c = model.config
    assert (c.n_layers, c.n_heads, c.d_model, c.d_head, c.vocab_size, c.max_positions) == (
        6, 12, 384, 32, 30522, 512)
    assert load_pretrained() is model and load_pretrained("MiniLM") is model  # loaded once


def test_tokens_are_word_pieces_with_cls_and_sep(run):
    assert run.tokens == ["[CLS]", "she", "peeled", "an", "apple", "and", "a", "pine", "##apple",
                          "for", "the", "hedge", "##hog", ".", "[SEP]"]


def test_hidden_states_and_traces_have_the_documented_shapes(model, run):
    n, d = len(run.tokens), model.config.d_model
    assert len(run.hidden) == 7 and all(h.shape == (n, d) for h in run.hidden)
    assert len(run.layers) == 6 and all(len(layer.heads) == 12 for layer in run.layers)
    trace = run.layers[2].heads[5]
    assert isinstance(trace, AttentionTrace)
    assert trace.queries.shape == trace.keys.shape == trace.values.shape == (n, 32)
    assert trace.scores.shape == trace.weights.shape == (n, n)
    assert trace.delta.shape == (n, d)
    torch.testing.assert_close(trace.weights.sum(-1), torch.ones(n))
    torch.testing.assert_close(trace.weights, torch.softmax(trace.scores, -1))  # no mask in BERT
    assert not torch.equal(trace.scores, trace.weights)
    assert run.hidden[0].is_inference()  # computed under torch.inference_mode()


def test_the_layer_is_the_documented_sum(model, run):
    """Σ_h ΔE_h + b_O, then LN₁(x + ·), GELU MLP, LN₂: recomputed from the trace's parts."""
    for l, (layer, weights) in enumerate(zip(run.layers, model.layers, strict=True)):
        x = run.hidden[l]
        torch.testing.assert_close(layer.input, x)
        summed = layer.head_updates.sum(0) + weights.attention.out_bias
        torch.testing.assert_close(layer.attention.output, summed)
        norm_1 = weights.norm_1
        attended = F.layer_norm(x + summed, (384,), norm_1.weight, norm_1.bias, norm_1.eps)
        torch.testing.assert_close(layer.attended, attended)
        mlp = F.gelu(attended @ weights.mlp_in.w + weights.mlp_in.b) @ weights.mlp_out.w
        torch.testing.assert_close(layer.mlp, mlp + weights.mlp_out.b, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(run.hidden[l + 1], layer.output)


def test_each_head_is_the_core_attention_step(model, run):
    """A head's trace is HeadWeights.attend on the layer's input (the core's step); the run
    makes every head's q, k, v in one product, which may differ in the last float bit."""
    head = model.layers[4].attention.heads[9]
    again, trace = head.attend(run.hidden[4]), run.layers[4].heads[9]
    for name in ("queries", "keys", "values", "scores", "weights", "delta"):
        torch.testing.assert_close(getattr(again, name), getattr(trace, name),
                                   atol=1e-5, rtol=1e-5)
    assert all(isinstance(h, HeadWeights) for h in model.layers[4].attention.heads)
    q = run.hidden[4] @ head.w_q + head.b_q  # (n, d_h): row vectors, q = x W_Q + b_Q
    torch.testing.assert_close(run.layers[4].heads[9].queries, q)


def test_words_and_their_pieces(run):
    words = {w.text: w for w in run.words}
    assert words["pineapple"].pieces == ("pine", "##apple") and words["pineapple"].is_split
    assert words["hedgehog"].positions == range(11, 13)
    assert [s.start for s in run.spans("apple")] == [4]  # not inside pine ##apple
    assert run.span("hedgehog").pieces == ("hedge", "##hog")
    assert run.span("Pineapple").text == "pineapple"  # found however it is cased
    torch.testing.assert_close(run.vector("hedgehog", 3), run.hidden[3][11:13].mean(0))
    with pytest.raises(ValueError, match="'banana' occurs not in the sentence"):
        run.span("banana")
    with pytest.raises(ValueError, match="only 1 time"):
        run.span("apple", occurrence=1)


def test_words_keep_their_original_text(model):
    run = model.run("Apple's CEO, Tim Cook, didn't say.")
    assert [w.text for w in run.words][:4] == ["Apple", "'", "s", "CEO"]
    assert run.span("didn't").pieces == ("didn", "'", "t")


def test_a_sentence_longer_than_the_positions_is_an_error(model):
    with pytest.raises(SentenceTooLongError, match="the model has only 512 positions"):
        model.run(" ".join(["apple"] * 511))
    assert len(model.tokenize(" ".join(["apple"] * 510)).tokens) == 512  # fits exactly


def test_an_empty_sentence_is_an_error(model):
    with pytest.raises(ValueError, match="no word pieces"):
        model.run("   ")


def test_the_heads_run_on_one_thread_and_restore_the_count(model):
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model.run("a short sentence")
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_runtime_never_imports_transformers():
    code = ("import sys; import attention_core.pretrained as p; "  # every module of the package
            "p.load_pretrained().run('she ate an apple'); "
            "bad = {'transformers', 'sentence_transformers'} & set(sys.modules); "
            "sys.exit(f'imported {bad}' if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
