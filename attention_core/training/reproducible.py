"""Same bytes on every x86-64 machine: torch's CPU kernels pinned while training.

torch picks its CPU kernels by what the processor can do (AVX2, AVX-512, ...),
and each path rounds a little differently; over 1,000+ Adam steps a last-bit
difference grows into a different weights file. So training pins the kernels
to paths that every x86-64 processor runs identically. Found by experiment
(torch 2.13.0, training every stage under each setting on an AVX2 machine and
comparing the files):

* ATEN_CPU_CAPABILITY (torch's own vectorised kernels: softmax, exp, Adam...):
  `default` against the automatic `avx2` changed all four files. Pinned to
  `default`, the baseline kernels every x86-64 processor has.
* MKL_CBWR (MKL's matrix products, which choose a code path per processor):
  `COMPATIBLE` against automatic changed the toy head and the lecture layer.
  Pinned to `COMPATIBLE`, MKL's path that gives the same results on every
  x86-64 processor.
* ONEDNN_MAX_CPU_ISA (oneDNN): `SSE41` against automatic changed nothing;
  no oneDNN kernel runs in this training, so it is not pinned.
* `avx2` + `MKL_CBWR=AVX2` reproduced the earlier files, made unpinned on an
  AVX2 machine: that is why a machine with AVX-512 made different ones.

torch reads these variables when it starts, so the training entry point
re-runs itself with them set (`pin`). Other architectures (ARM: Apple silicon,
Graviton) run other code altogether and cannot match the bytes; there
`compare` checks every tensor within a tolerance and the held-out accuracies
exactly, and says which comparison it made.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

PINNED = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}
EXACT_MACHINES = ("x86_64", "AMD64")
# Training amplifies a last-bit difference: between the default and avx2 kernels
# the largest change was 2.3% of a tensor's largest entry (the lecture layer).
TOLERANCE = 0.05  # of each tensor's largest |entry|


def pinned() -> bool:
    return all(os.environ.get(k) == v for k, v in PINNED.items())


def pin(module: str, argv: list[str]) -> None:
    """Re-run `python -m module argv` with the pinned kernels, unless they are in force.

    A user's own setting of these variables is overridden on purpose: the point
    is that nobody's environment changes what training computes."""
    if pinned():
        return
    env = {**os.environ, **PINNED}
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", module, *argv], env)


def provenance() -> dict[str, object]:
    """How a weights file was made: what decides whether its bytes can be reproduced."""
    import torch

    return {"torch": torch.__version__.split("+")[0], "machine": platform.machine(),
            "kernels": dict(PINNED) if pinned() else "native"}


@dataclass(frozen=True)
class Expectation:
    """Can this machine reproduce a file's bytes, and if not, why not."""

    exact: bool
    reason: str


def expectation(made_with: dict[str, object]) -> Expectation:
    """Bit for bit only with the same torch, the pinned kernels and an x86-64 processor."""
    here = provenance()
    if here["kernels"] == "native":
        return Expectation(False, "kernels not pinned in this run (--kernels native)")
    if made_with.get("kernels") != here["kernels"]:
        return Expectation(False, f"the file was made with kernels {made_with.get('kernels')}")
    if here["machine"] not in EXACT_MACHINES:
        return Expectation(False, f"this machine is {here['machine']}, not x86-64: other "
                                  "kernels altogether")
    if made_with.get("torch") != here["torch"]:
        return Expectation(False, f"torch {here['torch']} here, {made_with.get('torch')} made "
                                  "the file")
    return Expectation(True, f"x86-64, torch {here['torch']}, kernels pinned "
                             + " ".join(f"{k}={v}" for k, v in PINNED.items()))


@dataclass(frozen=True)
class Comparison:
    ok: bool
    line: str  # what was compared and what came out, for the report


def compare(fresh: Path, shipped: Path, fresh_figures: dict[str, object],
            shipped_figures: dict[str, object]) -> Comparison:
    """Compare a freshly trained file with the shipped one, by the rule this machine allows."""
    from .. import weights

    expected = expectation(weights.load(shipped)[1].get("made_with", {}))
    same_bytes = fresh.read_bytes() == shipped.read_bytes()
    if expected.exact:
        word = "identical to" if same_bytes else "DIFFERS from"
        return Comparison(same_bytes, f"{word} assets/{shipped.name} bit for bit "
                                      f"(expected here: {expected.reason})")
    worst, name = _largest_difference(fresh, shipped)
    figures_equal = fresh_figures == shipped_figures
    ok = worst <= TOLERANCE and figures_equal
    verdict = "within tolerance of" if ok else "NOT within tolerance of"
    detail = (f"largest change {worst:.2%} of a tensor's largest entry ({name}; allowed "
              f"{TOLERANCE:.0%}); held-out accuracies "
              + ("equal" if figures_equal else f"differ: {fresh_figures} vs {shipped_figures}"))
    bytes_note = "bytes identical too" if same_bytes else "bytes differ"
    return Comparison(ok, f"{verdict} assets/{shipped.name}: {detail}; {bytes_note} "
                          f"(bit for bit is not expected: {expected.reason})")


def _largest_difference(fresh: Path, shipped: Path) -> tuple[float, str]:
    """max over tensors of max|a - b| / max|b|, and the tensor where it is largest."""
    from safetensors.torch import load_file

    a, b = load_file(str(fresh)), load_file(str(shipped))
    if set(a) != set(b):
        return float("inf"), f"tensors differ: {sorted(set(a) ^ set(b))}"
    worst, where = 0.0, ""
    for name in sorted(b):
        if a[name].shape != b[name].shape:
            return float("inf"), f"{name} has shape {tuple(a[name].shape)}"
        scale = float(b[name].abs().max()) or 1.0
        change = float((a[name] - b[name]).abs().max()) / scale
        if change >= worst:
            worst, where = change, name
    return worst, where
