"""Writing files so that nothing half-written ever stands where a good file was.

Every temporary name starts with `.tmp-<pid>-`, in the destination's folder
(so the final rename is atomic); leftovers of killed processes are removed by
`clean_stale`, which never touches a temporary owned by a live process.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import interrupt

_TEMP = re.compile(r"^\.tmp-(\d+)-")


def tmp_prefix(name: str) -> str:
    return f".tmp-{os.getpid()}-{name}-"


def commit(tmp: str | Path, path: Path) -> None:
    """Move a finished file into place: atomic, and never after a stop was asked for."""
    interrupt.check()  # a stopped command puts nothing new in place
    os.replace(tmp, path)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=tmp_prefix(path.stem), suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        commit(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: Path) -> None:
    """Remove temporaries in `folder` whose owning process is gone."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        match = _TEMP.match(entry.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
