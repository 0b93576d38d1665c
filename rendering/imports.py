"""Which project files a module reaches by its imports, read from source with `ast`.

A render's output depends on the code it runs, so its cache key hashes that code. The
list is derived, not kept by hand: starting from a file, every `import` statement
(at the top, inside functions, under `if`), with relative imports resolved and
`from pkg import name` followed into `pkg/name.py` when that is a module, and the
`__init__.py` of every package on the way (importing `a.b` runs `a/__init__.py`).
A module counts when it lives in the project folder; everything else (Manim, numpy,
the standard library) is outside, and the key names Manim's version instead.

What this cannot see: a module loaded by a name computed at run time (`importlib`,
as the registry loads `scenes.<name>`). The cache adds those as starting points
(a target's own source file), so they and what they import are covered too.

The graph is static, not `sys.modules` after a render: a worker process renders
many tasks one after another, and what one scene imported would leak into the next
scene's key.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from . import ROOT


def module_file(name: str, root: Path = ROOT) -> Path | None:
    """The project file of module `name` (a package: its __init__.py), found without
    importing it, or None when the module is not part of the project."""
    base = root.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_name(base.name + ".py")):
        if candidate.is_file():
            return candidate
    return None


class ImportGraph:
    """Imports between the Python files under `root`; each file is parsed once.

    Make one per command: the edges are remembered, so a file edited after they were
    read is not read again.
    """

    def __init__(self, root: Path = ROOT):
        self.root = root.resolve()
        self._edges: dict[Path, tuple[Path, ...]] = {}
        self._strings: dict[Path, frozenset[str]] = {}

    # ---- module names <-> files -------------------------------------------------------
    def module_file(self, name: str) -> Path | None:
        return module_file(name, self.root)

    def _package_of(self, path: Path) -> list[str] | None:
        """The package a file's relative imports start from (None: outside the project)."""
        try:
            parts = list(path.relative_to(self.root).parent.parts)
        except ValueError:
            return None
        return parts

    def _with_parents(self, name: str) -> list[Path]:
        """The files that `import name` runs: every package's __init__ on the way, then
        the module itself (those that are in the project)."""
        parts = name.split(".")
        found = [self.module_file(".".join(parts[:i])) for i in range(1, len(parts) + 1)]
        return [f for f in found if f is not None]

    # ---- one file's imports -----------------------------------------------------------
    def _tree(self, path: Path) -> ast.Module:
        return ast.parse(path.read_text(encoding="utf-8-sig"), filename=str(path))

    def imports(self, path: Path) -> tuple[Path, ...]:
        """The project files that importing `path` runs directly."""
        path = path.resolve()
        if path not in self._edges:
            self._read(path)
        return self._edges[path]

    def _read(self, path: Path) -> None:
        names: list[str] = []
        strings: set[str] = set()
        for node in ast.walk(self._tree(path)):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = self._absolute(path, node.module, node.level)
                if module is None:
                    continue
                names.append(module)
                # `from pkg import name`: name may be a submodule (a file) or an attribute
                names += [f"{module}.{alias.name}" for alias in node.names
                          if alias.name != "*"]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)  # perhaps an asset's name (see `assets`)
        found: list[Path] = []
        for name in dict.fromkeys(names):
            found += [f for f in self._with_parents(name) if f not in found]
        self._edges[path] = tuple(f for f in found if f != path)
        self._strings[path] = frozenset(strings)

    def _absolute(self, path: Path, module: str | None, level: int) -> str | None:
        """`from ..x import y` in `path` -> the absolute module name ("pkg.x")."""
        if level == 0:
            return module
        package = self._package_of(path)
        if package is None or level - 1 > len(package):
            return None  # a relative import outside any project package: Python refuses it
        base = package[:len(package) - (level - 1)]
        return ".".join(base + ([module] if module else [])) or None

    # ---- the closure ------------------------------------------------------------------
    def reachable(self, starts: Iterable[Path]) -> list[Path]:
        """Every project file that importing the starting files runs, the starts included
        (with the packages they sit in). Files that are not Python (a TOML spec) are
        kept as they are."""
        seen: dict[Path, None] = {}
        todo = [p.resolve() for p in starts]
        for start in list(todo):
            package = self._package_of(start)
            if package is not None and start.suffix == ".py":
                todo += self._with_parents(".".join(package)) if package else []
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen[current] = None
            if current.suffix == ".py":
                todo += self.imports(current)
        return sorted(seen)

    def assets(self, files: Iterable[Path], folder: Path | None = None) -> list[Path]:
        """The files in the assets folder that `files` name by a string literal.

        Modules read an asset by writing its file name (`ASSETS / "toy_head.safetensors"`,
        `... / "assets" / "theme.toml"`), so the literal is where the dependency shows.
        An asset whose name is computed at run time would be missed: name assets
        literally.
        """
        folder = folder or self.root / "assets"
        if not folder.is_dir():
            return []
        named: set[str] = set()
        for path in files:
            if path.suffix == ".py":
                self.imports(path)  # reads the file's strings too
                named |= self._strings[path.resolve()]
        return sorted(p for p in folder.rglob("*") if p.is_file() and p.name in named)
