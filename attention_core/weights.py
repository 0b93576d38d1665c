"""Shipped weights: safetensors files (never pickle), located in `assets/`.

One metadata key, "json", holds everything that is not a tensor (vocabulary,
sizes, the command that regenerates the file): a single key keeps the header
byte-for-byte stable, which the "regenerates bit-for-bit" check relies on.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from safetensors.torch import save_file
from torch import Tensor

ASSETS = Path(__file__).resolve().parent.parent / "assets"
REGENERATE = "python -m attention_core.train"


class MissingWeightsError(FileNotFoundError):
    """The shipped weights are missing: say how to make them."""


def save(path: Path, tensors: dict[str, Tensor], meta: dict[str, Any]) -> None:
    """Write atomically: a half-written weights file never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = {k: v.contiguous() for k, v in sorted(tensors.items())}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        save_file(blob, tmp, metadata={"json": json.dumps(meta, sort_keys=True)})
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load(path: Path) -> tuple[dict[str, Tensor], dict[str, Any]]:
    if not path.exists():
        raise MissingWeightsError(f"{path} is missing; regenerate it with `{REGENERATE}`")
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:  # one open: metadata and tensors
        meta = json.loads((f.metadata() or {}).get("json", "{}"))
        return {name: f.get_tensor(name) for name in f.keys()}, meta
