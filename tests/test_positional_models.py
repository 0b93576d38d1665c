"""The lecture layer, the deep stack and the cross head: faithful to torch, and they
do what the lecture says they do (measured, with thresholds a reader can check)."""

import pytest
import torch

from attention_core.cross import load_cross
from attention_core.training.evaluate import alignment_accuracy, stack_accuracy
from attention_core.training.measure import measure_heads
from attention_core.transformer import load_deep_stack, load_lecture_layer, positional_code

FLAGSHIP = "a fluffy blue creature roamed the verdant forest"


@pytest.fixture(scope="module")
def layer():
    return load_lecture_layer()


@pytest.fixture(scope="module")
def stack():
    return load_deep_stack()


def test_inputs_are_the_toy_embedding_then_the_position(layer):
    trace = layer.run(FLAGSHIP)
    for i, word in enumerate(trace.tokens):
        torch.testing.assert_close(trace.inputs[i, :8], layer.toy.embed(word))
        code = positional_code(layer.config.frequencies, layer.config.max_len)
        torch.testing.assert_close(trace.inputs[i, 8:], code[i])


@pytest.mark.parametrize("causal", [False, True])
def test_blocks_equal_torch_modules(stack, causal):
    trace = stack.run("the american shrew mole roamed the forest", causal=causal)
    x = trace.inputs
    n = x.shape[0]
    mask = ~torch.ones(n, n, dtype=torch.bool).tril() if causal else None
    for module, result, after in zip(stack.modules, trace.layers, trace.states[1:], strict=True):
        with torch.no_grad():
            expected, _ = module(x[None], x[None], x[None], attn_mask=mask)
        torch.testing.assert_close(result.output, expected[0], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(after, x + expected[0], atol=1e-5, rtol=1e-5)
        x = after


def test_each_head_does_its_job_on_held_out_sentences(layer):
    """Measured on held-out sentence shapes, with measures that tell the jobs apart:
    adjectives further back than the previous word, and the previous word where it is
    not an adjective of the word."""
    sense, adjectives, previous = measure_heads(layer)
    assert [r.job for r in layer.head_readouts] == ["sense", "adjectives", "previous word"]
    assert sense.sense >= 0.9 and sense.distant_adjectives < 0.2 and sense.previous_word < 0.3
    # the adjective head reaches adjectives the previous-word head cannot...
    assert adjectives.own_adjectives >= 0.6 and adjectives.distant_adjectives >= 0.25
    assert previous.distant_adjectives < 0.1
    # ...and the previous-word head looks back one word even where that is no adjective
    assert previous.previous_word >= 0.9
    # what the scenes say about it: the adjective head is not a pure one
    assert 0.3 < adjectives.previous_word < 0.6


def test_flagship_sentence_links_nouns_to_their_adjectives(layer):
    trace = layer.run(FLAGSHIP)
    adjective_head = trace.layers[0].heads[1].weights
    creature, forest = trace.position("creature"), trace.position("forest")
    top_two = set(adjective_head[creature].topk(2).indices.tolist())
    assert top_two == {trace.position("fluffy"), trace.position("blue")}
    assert int(adjective_head[forest].argmax()) == trace.position("verdant")
    reading = layer.head_readouts[1].read(trace.inputs[creature]
                                          + trace.layers[0].heads[1].delta[creature])
    named = {c for c, p in zip(reading.candidates, reading.probabilities, strict=True)
             if p > 0.5}
    assert named == {"fluffy", "blue"}


def test_causal_mask_zeroes_the_future(layer):
    trace = layer.run(FLAGSHIP, causal=True)
    for head in trace.layers[0].heads:
        assert torch.all(head.weights.triu(diagonal=1) == 0)
        torch.testing.assert_close(head.weights.sum(1), torch.ones(len(trace.tokens)))


def test_stack_refines_its_guess_block_after_block(stack):
    per_block = stack_accuracy(stack)
    assert per_block[0] < 0.5 and per_block[-1] >= 0.9
    confidence = []
    for state in stack.run("the american shrew mole roamed the forest").states:
        confidence.append(float(stack.sense_probabilities(state[3])[stack.toy.topics.index(
            "animal")]))
    assert confidence == sorted(confidence) and confidence[-1] > 0.9 > confidence[1]


def test_cross_attention_aligns_translations():
    model = load_cross()
    assert alignment_accuracy(model) >= 0.9
    trace = model.run("she ate a red apple", "elle a mangé une pomme rouge")
    assert trace.weights.shape == (6, 5) and bool(trace.mask.all())  # no mask
    torch.testing.assert_close(trace.weights.sum(1), torch.ones(6))
    assert trace.source_tokens[int(trace.weights[4].argmax())] == "apple"  # pomme
    assert trace.source_tokens[int(trace.weights[5].argmax())] == "red"  # rouge: backwards
    named = model.source_word_probabilities(trace.delta[4])
    assert model.toy.vocab[int(named.argmax())] == "apple"
