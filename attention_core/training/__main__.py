"""Regenerate every shipped weight file:  python -m attention_core.training

Seeded, on the CPU, single-threaded, with torch's CPU kernels pinned
(`reproducible.py`): on every x86-64 machine with the same torch it writes the
same bytes. `--check` trains into a scratch folder and compares with assets/:
bit for bit where that must hold, else every tensor within a tolerance and the
held-out accuracies exactly, saying which comparison it made.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import weights
from . import reproducible

Figures = dict[str, object]  # the held-out numbers a stage's claims rest on


@dataclass(frozen=True)
class Stage:
    """One shipped file: how to train it, and what it is measured to do."""

    name: str
    file: str  # its name in assets/
    train: Callable[[], tuple[dict, dict]]  # -> (tensors, metadata)
    measure: Callable[[Path], tuple[str, Figures]]  # weights file -> (report line, figures)

    def write(self, folder: Path) -> Path:
        tensors, meta = self.train()
        meta = {**meta, "made_with": {**reproducible.provenance(), "seed": 0,
                                      "command": weights.REGENERATE}}
        path = folder / self.file
        weights.save(path, tensors, meta)
        return path


def _toy_head() -> tuple[dict, dict]:
    from .toy_head import TOY, train_toy_head

    tensors, words = train_toy_head()
    return tensors, {"config": weights.config_to_json(TOY), "vocab": words}


def _shipped_toy():
    """The shipped toy embeddings, which the positional models and the cross head build on
    (`--check` verifies the toy head first when it runs all stages)."""
    from ..model import load_model

    load_model.cache_clear()  # `train` may just have rewritten assets/toy_head.safetensors
    return load_model()


def _lecture_layer() -> tuple[dict, dict]:
    from . import layers

    toy = _shipped_toy()
    return (layers.train_lecture_layer(toy.table, toy.vocab),
            {"config": weights.config_to_json(layers.LECTURE_LAYER),
             "adjectives": layers.adjective_words()})


def _deep_stack() -> tuple[dict, dict]:
    from . import layers

    toy = _shipped_toy()
    return (layers.train_stack(toy.table, toy.vocab),
            {"config": weights.config_to_json(layers.DEEP_STACK)})


def _cross_head() -> tuple[dict, dict]:
    from . import cross_head
    from .translation import french_vocabulary

    toy = _shipped_toy()
    return (cross_head.train_cross(toy.table, toy.vocab),
            {"config": weights.config_to_json(cross_head.CROSS),
             "french_vocab": french_vocabulary()})


def _measure_toy_head(path: Path) -> tuple[str, Figures]:
    from ..model import load_model
    from .evaluate import sense_accuracy

    acc = sense_accuracy(load_model(path), "held_out")
    return (f"toy head: held-out ambiguous words {acc.in_context}/{acc.total} = "
            f"{acc.accuracy:.1%} in context (embedding alone: {acc.accuracy_alone:.1%})",
            {"in_context": acc.in_context, "alone": acc.alone, "total": acc.total})


def _measure_lecture_layer(path: Path) -> tuple[str, Figures]:
    from ..transformer import load_lecture_layer
    from .measure import head_report, measure_heads

    layer = load_lecture_layer(path)
    profiles = measure_heads(layer)
    figures = {f"head {h + 1} {claim}": f"{value:.0%}" for h, p in enumerate(profiles)
               for claim, value in p.claims().items()}
    return head_report(layer), figures


def _measure_deep_stack(path: Path) -> tuple[str, Figures]:
    from ..transformer import load_deep_stack
    from .evaluate import stack_accuracy

    per_block = stack_accuracy(load_deep_stack(path))
    return ("deep stack: held-out ambiguous words right after each block: "
            + " → ".join(f"{a:.1%}" for a in per_block),
            {"per_block": [round(a, 6) for a in per_block]})


def _measure_cross_head(path: Path) -> tuple[str, Figures]:
    from ..cross import load_cross
    from .evaluate import alignment_accuracy

    acc = alignment_accuracy(load_cross(path))
    return (f"cross head: held-out French words attending most to the English word they "
            f"translate: {acc:.1%}", {"aligned": round(acc, 6)})


STAGES = {s.name: s for s in (
    Stage("head", "toy_head.safetensors", _toy_head, _measure_toy_head),
    Stage("layer", "lecture_layer.safetensors", _lecture_layer, _measure_lecture_layer),
    Stage("stack", "deep_stack.safetensors", _deep_stack, _measure_deep_stack),
    Stage("cross", "cross_head.safetensors", _cross_head, _measure_cross_head),
)}


def deterministic() -> None:
    """Same numbers on every run: one thread, deterministic kernels."""
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m attention_core.training",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true",
                   help="retrain into a scratch folder and compare with assets/ (bit for bit "
                        "where that must hold, else within a tolerance)")
    p.add_argument("--only", choices=sorted(STAGES), action="append",
                   help="train only this stage (repeatable)")
    p.add_argument("--kernels", choices=("pinned", "native"), default="pinned",
                   help="native: let torch pick its CPU kernels (bytes then differ by "
                        "processor; only --check uses this, to show the tolerance rule)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    if args.kernels == "pinned":
        reproducible.pin("attention_core.training", argv)  # re-runs itself when needed
    elif not args.check:
        raise SystemExit("--kernels native would write unreproducible weights into assets/; "
                         "use it only with --check")
    deterministic()
    stages = [STAGES[name] for name in (args.only or list(STAGES))]
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) if args.check else weights.ASSETS
        for stage in stages:
            start = time.perf_counter()
            path = stage.write(out)
            print(f"[{stage.name}] wrote {path.name} in {time.perf_counter() - start:.1f} s")
            line, figures = stage.measure(path)
            print(f"[{stage.name}] {line}")
            if args.check:
                shipped = weights.ASSETS / stage.file
                expected = reproducible.expectation(weights.load(shipped)[1].get("made_with", {}))
                shipped_figures = figures if expected.exact else stage.measure(shipped)[1]
                result = reproducible.compare(path, shipped, figures, shipped_figures)
                print(f"[{stage.name}] {result.line}")
                ok &= result.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
