"""Our BERT forward pass against transformers' BertModel, the reference (tests only).

MiniLM on seeded random sentences, and tiny randomly initialised BERTs saved to
a temporary folder (which also exercises "bring your own BERT"); then every way
a folder can fail to be a BERT checkpoint. Nothing is downloaded: transformers
loads from local folders only (HF_HUB_OFFLINE=1).
"""

import json
import os
import random
import shutil
import string

os.environ["HF_HUB_OFFLINE"] = "1"

import pytest
import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import AutoTokenizer, BertModel
from transformers import BertConfig as HFBertConfig

from attention_core.pretrained import (
    NotABertCheckpointError,
    SentenceTooLongError,
    load_pretrained,
)

TOL = 1e-4
WORDS = ("the cat sat on mat dog ran fast slow red blue apple phone bank river money "
         "she he it was is a an and of to in").split()
TINY_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "##s", "##ing", "##ed",
              "run", "jump", ".", ",", "!", "?"]


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def reference(folder):
    return BertModel.from_pretrained(folder, attn_implementation="eager").eval()


def assert_same_as_reference(ours, theirs, sentence):
    run = ours.run(sentence)
    with torch.inference_mode():
        out = theirs(torch.tensor([run.pieces.ids]), output_attentions=True,
                     output_hidden_states=True)
    assert len(run.hidden) == len(out.hidden_states) == ours.config.n_layers + 1
    for mine, hf in zip(run.hidden, out.hidden_states, strict=True):
        torch.testing.assert_close(mine, hf[0], atol=TOL, rtol=0)
    for layer, hf in zip(run.layers, out.attentions, strict=True):
        weights = torch.stack([head.weights for head in layer.heads])  # (n_heads, n, n)
        torch.testing.assert_close(weights, hf[0], atol=TOL, rtol=0)
    return run


def random_sentences(vocab, count, seed):
    """Seeded sentences of whole-word vocabulary entries, made-up words (which WordPiece
    splits), capitals and punctuation, 1 to 40 words long."""
    rng = random.Random(seed)
    words = sorted(w for w in vocab if w.isalpha() and w.isascii() and len(w) > 1)
    out = []
    for _ in range(count):
        sentence = []
        for _ in range(rng.randint(1, 40)):
            if rng.random() < 0.15:
                sentence.append("".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 12))))
            else:
                sentence.append(rng.choice(words))
            if rng.random() < 0.1:
                sentence[-1] = sentence[-1].capitalize()
            if rng.random() < 0.1:
                sentence[-1] += rng.choice(",.;!?")
        out.append(" ".join(sentence))
    return out


@pytest.fixture(scope="module")
def minilm():
    model = load_pretrained()
    return model, reference(model.folder)


def test_minilm_matches_transformers_on_random_sentences(minilm):
    ours, theirs = minilm
    vocab = ours.tokenizer.vocab()
    sentences = random_sentences(vocab, count=4, seed=13)
    assert any(w.is_split for s in sentences for w in ours.tokenize(s).words)
    for sentence in sentences:
        assert_same_as_reference(ours, theirs, sentence)


def test_minilm_pieces_match_transformers_tokenizer(minilm):
    ours, _ = minilm
    hf = AutoTokenizer.from_pretrained(ours.folder)
    for sentence in random_sentences(ours.tokenizer.vocab(), count=8, seed=5):
        ids = hf(sentence)["input_ids"]
        pieces = ours.tokenize(sentence)
        assert list(pieces.ids) == ids
        assert list(pieces.tokens) == hf.convert_ids_to_tokens(ids)


def test_heads_sum_to_the_attention_output_dense(minilm):
    """BERT's attention output dense = Σ_h A_h V_h W_O^h + b_O: check it on the real module."""
    ours, theirs = minilm
    run = ours.run("The crane lifted steel beams onto the roof.")
    layer = 3
    x = run.hidden[layer][None]
    with torch.inference_mode():
        attention = theirs.encoder.layer[layer].attention
        context = attention.self(x)[0]  # (1, n, d): concat_h A_h V_h
        dense = attention.output.dense(context)[0]
    torch.testing.assert_close(run.layers[layer].attention.output, dense, atol=TOL, rtol=0)


def tiny_tokenizer(post_processor=True):
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(TINY_VOCAB)},
                                     unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    if post_processor:
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tok


def save_tiny_bert(folder, seed=0, hidden_act="gelu", max_positions=24):
    """A small BertModel with every parameter random (biases and LayerNorms too)."""
    torch.manual_seed(seed)
    config = HFBertConfig(vocab_size=len(TINY_VOCAB), hidden_size=32, num_hidden_layers=2,
                          num_attention_heads=4, intermediate_size=48, hidden_act=hidden_act,
                          max_position_embeddings=max_positions, type_vocab_size=2)
    model = BertModel(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.normal_(0.0, 0.3)
            if "LayerNorm.weight" in name:
                p.add_(1.0)
    model.save_pretrained(folder, safe_serialization=True)
    tiny_tokenizer().save(str(folder / "tokenizer.json"))
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return save_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert")


@pytest.mark.parametrize("hidden_act", ["gelu", "gelu_new", "relu"])
def test_tiny_random_bert_matches_transformers(tmp_path, hidden_act):
    folder = save_tiny_bert(tmp_path / "bert", seed=len(hidden_act), hidden_act=hidden_act)
    ours, theirs = load_pretrained(folder), reference(folder)
    assert (ours.config.n_layers, ours.config.n_heads, ours.config.d_head) == (2, 4, 8)
    runs = [assert_same_as_reference(ours, theirs, sentence)
            for sentence in ["The cat sat on the mat.", "she runs and jumped, dogs ran fast!",
                             "Apple phone bank river money zzz?"]]
    assert any("[UNK]" in run.tokens for run in runs)  # a word the vocabulary cannot spell
    assert any(w.is_split for run in runs for w in run.words)  # run ##s, jump ##ed


def test_tiny_bert_positions_limit_sentences(tiny):
    model = load_pretrained(tiny)
    fits = " ".join(["cat"] * 22)  # 22 + [CLS] + [SEP] = 24 positions
    assert len(model.run(fits).tokens) == 24
    with pytest.raises(SentenceTooLongError, match="25 word pieces .* only 24 positions"):
        model.run(fits + " dog")


def test_a_folder_is_loaded_once(tiny):
    assert load_pretrained(tiny) is load_pretrained(str(tiny))


def broken_copy(tiny, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(tiny, folder)
    return folder


def edit_config(folder, **changes):
    path = folder / "config.json"
    config = json.loads(path.read_text())
    config.update(changes)
    path.write_text(json.dumps(config))


@pytest.mark.parametrize("name", ["config.json", "model.safetensors", "tokenizer.json"])
def test_a_missing_file_is_named(tiny, tmp_path, name):
    folder = broken_copy(tiny, tmp_path)
    (folder / name).unlink()
    with pytest.raises(NotABertCheckpointError, match=f"missing {name}"):
        load_pretrained(folder)


def test_not_a_folder(tmp_path):
    with pytest.raises(NotABertCheckpointError, match="no such folder; give 'minilm'"):
        load_pretrained(tmp_path / "nowhere")


def test_not_a_bert(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    edit_config(folder, model_type="gpt2")
    with pytest.raises(NotABertCheckpointError, match="model_type is 'gpt2', not 'bert'"):
        load_pretrained(folder)


@pytest.mark.parametrize("changes,message", [
    ({"position_embedding_type": "relative_key"}, "only 'absolute'"),
    ({"hidden_act": "swish"}, "hidden_act 'swish' is not one of"),
    ({"is_decoder": True}, "only encoders"),
    ({"num_attention_heads": 5}, "not a multiple of num_attention_heads"),
    ({"num_hidden_layers": None}, "missing or non-integer num_hidden_layers"),
])
def test_configs_we_do_not_run(tiny, tmp_path, changes, message):
    folder = broken_copy(tiny, tmp_path)
    edit_config(folder, **changes)
    with pytest.raises(NotABertCheckpointError, match=message):
        load_pretrained(folder)


def test_bad_json(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    (folder / "config.json").write_text("{not json")
    with pytest.raises(NotABertCheckpointError, match="config.json: not valid JSON"):
        load_pretrained(folder)


def test_a_missing_tensor_is_named(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    tensors = load_file(folder / "model.safetensors")
    del tensors["encoder.layer.1.attention.self.key.weight"]
    save_file(tensors, folder / "model.safetensors")
    with pytest.raises(NotABertCheckpointError,
                       match="missing tensor encoder.layer.1.attention.self.key.weight"):
        load_pretrained(folder)


def test_a_misshapen_tensor_is_named(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    edit_config(folder, intermediate_size=49)
    with pytest.raises(NotABertCheckpointError,
                       match=r"intermediate.dense.weight has shape \(48, 32\), but config.json "
                             r"implies \(49, 32\)"):
        load_pretrained(folder)


def test_unreadable_weights(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(NotABertCheckpointError, match="not a readable safetensors file"):
        load_pretrained(folder)


def test_tokenizer_problems(tiny, tmp_path):
    folder = broken_copy(tiny, tmp_path)
    (folder / "tokenizer.json").write_text("[]")
    with pytest.raises(NotABertCheckpointError, match="tokenizer.json: not a tokenizers file"):
        load_pretrained(folder)
    tiny_tokenizer(post_processor=False).save(str(folder / "tokenizer.json"))
    with pytest.raises(NotABertCheckpointError, match=r"must add \[CLS\] in front"):
        load_pretrained(folder)
    shutil.copy(load_pretrained().folder / "tokenizer.json", folder / "tokenizer.json")
    with pytest.raises(NotABertCheckpointError, match="30522 word pieces but the model embeds"):
        load_pretrained(folder)


def test_every_checkpoint_error_is_a_value_error():
    assert issubclass(NotABertCheckpointError, ValueError)
