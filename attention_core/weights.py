"""Shipped weights: safetensors files (never pickle), located in `assets/`.

One metadata key, "json", holds everything that is not a tensor: the model's
typed config (sizes, topics, ...), its vocabulary, and how the file was made
(the command, the seed, torch's version and the pinned CPU kernels). A single
key keeps the header byte-for-byte stable, which the "regenerates bit for bit"
check relies on.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import typing
from pathlib import Path
from typing import Any, TypeVar

from safetensors.torch import save_file
from torch import Tensor

ASSETS = Path(__file__).resolve().parent.parent / "assets"
REGENERATE = "python -m attention_core.training"

C = TypeVar("C")


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


def config_to_json(config: Any) -> dict[str, Any]:
    """A config dataclass as plain JSON values (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(config)))


def config_from_json(cls: type[C], data: dict[str, Any]) -> C:
    """The typed config back from the file: lists become the tuples the fields declare,
    and a missing or unknown size is an error here, not a wrong shape later."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {', '.join(unknown)}")
    return cls(**{k: _typed(v, hints[k]) for k, v in data.items()})


def _typed(value: Any, kind: Any) -> Any:
    if typing.get_origin(kind) is tuple and isinstance(value, list):
        args = typing.get_args(kind)
        inner = args[0] if args and (len(args) == 2 and args[1] is Ellipsis) else None
        if inner is None and args:  # a fixed-length tuple: one type per place
            return tuple(_typed(v, a) for v, a in zip(value, args, strict=True))
        return tuple(_typed(v, inner) for v in value)
    return value
