"""The user's files: read them with one clear error, write them so nothing is lost.

Every file a user names (a spec, a manifest, a scene file) is read by `read_text`, so a
folder, a missing file or another encoding gives the same one-line error everywhere.

Every temporary name starts with `.tmp-<pid>-`, in the destination's folder
(so the final rename is atomic); leftovers of killed processes are removed by
`clean_stale`, which never touches a temporary owned by a live process.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import interrupt
from .errors import UserError

_TEMP = re.compile(r"^\.tmp-(\d+)-")


def read_text(path: Path) -> str:
    """A text file the user wrote, or a UserError saying why it cannot be read.

    UTF-8, with or without the byte-order mark some Windows editors put first.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read it: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}): "
                        "save it with UTF-8 encoding") from None


def tmp_prefix(name: str) -> str:
    return f".tmp-{os.getpid()}-{name}-"


def commit(*moves: tuple[str | Path, Path], remove: Iterable[Path] = ()) -> None:
    """Move finished files (tmp, destination) into place and delete the `remove` ones:
    all of it or none.

    Never after a stop was asked for. Each rename is atomic; a stop that lands between
    two of them puts back what the first ones replaced or deleted, so a video never ends
    up beside the captions of another render (nor without its own captions' absence: a
    render that made none removes the old ones in the same commit).
    """
    interrupt.check()  # a stopped command puts nothing new in place
    kept: list[tuple[Path, Path | None]] = []  # (destination, its previous version)
    try:
        for tmp, path in moves:
            kept.append((path, _previous(path)))
            os.replace(tmp, path)
        for path in remove:
            kept.append((path, _previous(path)))
            path.unlink(missing_ok=True)
        interrupt.check()  # a stop swallowed between the renames still undoes them
    except BaseException:
        for path, previous in reversed(kept):
            if previous is None:
                path.unlink(missing_ok=True)  # there was none before
            elif previous.exists():
                os.replace(previous, path)
        raise
    finally:
        for _, previous in kept:
            if previous is not None:
                previous.unlink(missing_ok=True)


def _previous(path: Path) -> Path | None:
    """A second name for the file at `path` (a hard link, else a copy), to put it back."""
    if not path.exists():
        return None
    keep = path.parent / f"{tmp_prefix(path.name)}previous"
    keep.unlink(missing_ok=True)
    try:
        os.link(path, keep)
    except OSError:  # a filesystem without hard links
        shutil.copy2(path, keep)
    return keep


class Staged:
    """Outputs written beside their destinations, then put in place together.

        with Staged() as stage:
            encode(stage.file(video))
            stage.text(captions, text)
        # both in place now (one commit), or neither if the block raised

    Temporaries that were not committed are deleted on the way out.
    """

    def __init__(self) -> None:
        self.moves: list[tuple[Path, Path]] = []
        self.removals: list[Path] = []

    def file(self, path: Path) -> Path:
        """A new empty temporary beside `path`, to be moved onto it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=tmp_prefix(path.stem),
                                   suffix=path.suffix)
        os.close(fd)
        os.chmod(tmp, 0o644)
        self.moves.append((Path(tmp), path))
        return Path(tmp)

    def text(self, path: Path, text: str) -> Path:
        self.file(path).write_text(text, encoding="utf-8")
        return path

    def remove(self, path: Path) -> None:
        """Delete `path` (if it is there) in the same commit."""
        self.removals.append(path)

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind, value, trace) -> None:
        try:
            if kind is None:
                commit(*self.moves, remove=self.removals)
        finally:
            for tmp, _ in self.moves:
                tmp.unlink(missing_ok=True)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary beside `path`, then rename it into place."""
    with Staged() as stage:
        write(stage.file(path))
    return path


def atomic_text(path: Path, text: str) -> Path:
    with Staged() as stage:
        return stage.text(path, text)


@contextmanager
def scratch(folder: Path, text: str = "", suffix: str = ".txt") -> Iterator[Path]:
    """A temporary file in `folder` holding `text` (input for a tool such as ffmpeg, or
    an empty file for a tool to write), deleted afterwards; never an output, so never
    committed."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=tmp_prefix("scratch"), suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def output_folder(folder: Path) -> Path:
    """`folder`, made if need be, once it is sure outputs can be written into it; else a
    UserError naming it (checked before any work, so a bad --out costs nothing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=tmp_prefix("probe"))
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise UserError(f"{folder}: is a file, not a folder: choose a folder for the "
                        "outputs with --out") from None
    except OSError as exc:
        raise UserError(f"{folder}: cannot write outputs there ({exc.strerror}): choose "
                        "another folder with --out") from None
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Dead but not yet reaped: a killed worker whose parent died too, in a container
    whose first process never reaps orphans."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].startswith("Z")


def clean_stale(folder: Path) -> None:
    """Remove temporaries in `folder` whose owning process is gone."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        match = _TEMP.match(entry.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
