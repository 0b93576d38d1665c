"""Regenerate every shipped weight file:  python -m attention_core.train

Seeded, CPU, single-threaded: running it again writes the same bytes
(`--check` proves it by training into a scratch folder and comparing).
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
import time
from pathlib import Path

import torch

from . import corpus, weights
from .model import TOY_HEAD_FILE
from .train_head import D_HEAD, D_MODEL, SEED, train_toy_head


def deterministic() -> None:
    """Same bytes on every run: one thread, deterministic kernels."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def write_toy_head(folder: Path) -> Path:
    tensors, words = train_toy_head()
    meta = {
        "vocab": words,
        "topics": corpus.TOPICS,
        "d_model": D_MODEL,
        "d_head": D_HEAD,
        "seed": SEED,
        "command": weights.REGENERATE,
    }
    path = folder / TOY_HEAD_FILE.name
    weights.save(path, tensors, meta)
    return path


def report_toy_head(path: Path) -> str:
    from .evaluate import sense_accuracy
    from .model import load_model

    acc = sense_accuracy(load_model(path), "held_out")
    return (f"toy head: held-out ambiguous words {acc.in_context}/{acc.total} = "
            f"{acc.accuracy:.1%} in context (embedding alone: {acc.accuracy_alone:.1%})")


def _toy():
    from .model import load_model

    load_model.cache_clear()  # the shipped embeddings (`--check` verifies them first)
    return load_model()


def write_lecture_layer(folder: Path) -> Path:
    from . import train_layers as tl
    from .transformer import LECTURE_LAYER_FILE

    toy = _toy()
    tensors = tl.train_lecture_layer(toy.table, toy.vocab)
    meta = {"n_heads": tl.N_HEADS, "d_pos": tl.D_POS, "head_jobs": list(tl.HEAD_JOBS),
            "adjectives": tl.adjective_words(), "seed": tl.SEED, "command": weights.REGENERATE}
    path = folder / LECTURE_LAYER_FILE.name
    weights.save(path, tensors, meta)
    return path


def write_deep_stack(folder: Path) -> Path:
    from . import train_layers as tl
    from .transformer import DEEP_STACK_FILE

    toy = _toy()
    tensors = tl.train_stack(toy.table, toy.vocab)
    meta = {"n_heads": tl.N_HEADS, "d_pos": tl.D_POS, "depth": tl.STACK_DEPTH,
            "seed": tl.SEED, "command": weights.REGENERATE}
    path = folder / DEEP_STACK_FILE.name
    weights.save(path, tensors, meta)
    return path


def write_cross(folder: Path) -> Path:
    from . import train_cross as tc
    from .cross import CROSS_FILE
    from .translation import french_vocabulary

    toy = _toy()
    tensors = tc.train_cross(toy.table, toy.vocab)
    meta = {"french_vocab": french_vocabulary(), "d_head": tc.D_HEAD, "seed": tc.SEED,
            "command": weights.REGENERATE}
    path = folder / CROSS_FILE.name
    weights.save(path, tensors, meta)
    return path


def report_cross(path: Path) -> str:
    from .cross import load_cross
    from .evaluate import alignment_accuracy

    acc = alignment_accuracy(load_cross(path))
    return (f"cross head: held-out French words attending most to the English word they "
            f"translate: {acc:.1%}")


def report_lecture_layer(path: Path) -> str:
    from .evaluate import head_report
    from .transformer import load_lecture_layer

    return head_report(load_lecture_layer(path))


def report_deep_stack(path: Path) -> str:
    from .evaluate import stack_accuracy
    from .transformer import load_deep_stack

    per_block = stack_accuracy(load_deep_stack(path))
    return ("deep stack: held-out ambiguous words right after each block: "
            + " → ".join(f"{a:.1%}" for a in per_block))


STAGES = {
    "head": (write_toy_head, report_toy_head),
    "layer": (write_lecture_layer, report_lecture_layer),
    "stack": (write_deep_stack, report_deep_stack),
    "cross": (write_cross, report_cross),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attention_core.train", description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="retrain into a scratch folder and compare with assets/ byte for byte")
    parser.add_argument("--only", choices=sorted(STAGES), action="append",
                        help="train only this stage (repeatable)")
    args = parser.parse_args(argv)
    deterministic()
    stages = args.only or list(STAGES)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) if args.check else weights.ASSETS
        ok = True
        for name in stages:
            write, report = STAGES[name]
            start = time.perf_counter()
            path = write(out)
            print(f"[{name}] wrote {path.name} in {time.perf_counter() - start:.1f} s")
            print(f"[{name}] {report(path)}")
            if args.check:
                same = filecmp.cmp(path, weights.ASSETS / path.name, shallow=False)
                print(f"[{name}] {'identical to' if same else 'DIFFERS from'} assets/{path.name}")
                ok &= same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
