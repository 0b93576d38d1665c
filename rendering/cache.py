"""Content hashes: skip an output when nothing it depends on has changed.

A task's key hashes every input that can change its bytes: the scene's source
file and the project scene modules it imports, the shared kit, the attention
core, the assets it reads (weights, theme), the render engine itself, the
scene's parameters, quality, format, and Manim's version. Editing one scene
changes only that scene's key; editing the kit or the core changes them all.

Each output carries a sidecar `.<name>.key` holding the key it was made with;
it is written after the output is in place, so a crash never marks a stale
file as fresh.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from .files import atomic_text, read_text

ROOT = Path(__file__).resolve().parent.parent
SHARED_TREES = ("scenes/kit", "attention_core")
SHARED_FILES = ("scenes/__init__.py", "scenes/cards.py", "rendering/worker.py",
                "rendering/figures.py", "rendering/presets.py", "rendering/targets.py")
ASSET_PATTERNS = ("*.safetensors", "theme.toml")


def _digest_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(set(paths)):
        try:
            rel = path.relative_to(ROOT)
        except ValueError:
            rel = path
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def shared_digest() -> str:
    """Everything every scene depends on."""
    files = [ROOT / f for f in SHARED_FILES if (ROOT / f).exists()]
    for tree in SHARED_TREES:
        files += [p for p in (ROOT / tree).rglob("*.py") if "__pycache__" not in p.parts]
    for pattern in ASSET_PATTERNS:
        files += list((ROOT / "assets").glob(pattern))
    return _digest_files(files) + version("manim")


def scene_sources(path: Path) -> list[Path]:
    """The file and, transitively, the project scene modules it imports (not the kit,
    which is in the shared digest)."""
    seen: list[Path] = []
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen or not current.exists():
            continue
        seen.append(current)
        for node in ast.walk(ast.parse(read_text(current))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "scenes" and len(parts) >= 2 and parts[1] != "kit":
                    todo.append(ROOT / "scenes" / f"{parts[1]}.py")
    return seen


def task_key(sources: Iterable[Path], **options) -> str:
    """The key of one output: its sources, the shared inputs, and its options."""
    payload = json.dumps(options, sort_keys=True, default=str)
    h = hashlib.sha256()
    h.update(shared_digest().encode())
    h.update(_digest_files(sources).encode())
    h.update(payload.encode())
    return h.hexdigest()


def _sidecar(output: Path) -> Path:
    return output.parent / f".{output.name}.key"


def is_fresh(outputs: Iterable[Path], key: str) -> bool:
    for out in outputs:
        side = _sidecar(out)
        if not out.exists() or not side.exists() or side.read_text().strip() != key:
            return False
    return True


def mark_fresh(outputs: Iterable[Path], key: str) -> None:
    for out in outputs:
        atomic_text(_sidecar(out), key + "\n")
