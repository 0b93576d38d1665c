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
    from .model import ToyModel

    tensors, meta = weights.load(path)
    from .multihead import HeadWeights

    model = ToyModel(tensors["embeddings"],
                     HeadWeights(tensors["w_q"], tensors["w_k"], tensors["w_v"], tensors["w_o"]),
                     meta["vocab"], meta["topics"], meta)
    acc = sense_accuracy(model, "held_out")
    return (f"toy head: held-out ambiguous words {acc.in_context}/{acc.total} = "
            f"{acc.accuracy:.1%} in context (embedding alone: {acc.accuracy_alone:.1%})")


STAGES = {"head": (write_toy_head, report_toy_head)}


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
