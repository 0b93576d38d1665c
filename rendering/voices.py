"""The voice that speaks a render's captions, as a task carries it: a plain string.

    None            silent: captions are timed by reading speed, the video has no sound
    "joe"           a Piper voice, by name (`narration.MODELS`)
    "/abs/folder"   the lecturer's own recordings, one `<caption id>.wav` each

A task holds the string, never a live `Voice`, so a worker process (or a machine of a
cluster) loads the voice itself, with `load`: once per process, and the Piper model
inside it once per process too (`narration.piper_voice._engine`).

Who chooses: `--voice NAME|none` or `--voice-dir DIR` on the command line, else a spec's
or a manifest's `voice = "joe"` / `voice-dir = "DIR"` key (`specs.read_voice`), else
silence. Figures are always silent.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from narration import MODELS, NarrationError, Voice, load_voice

from .errors import UserError

SILENT = "none"  # --voice none / voice = "none": no voice, even where a spec names one


def names() -> list[str]:
    """What `--voice` and a `voice = "..."` key accept."""
    return [*sorted(MODELS), SILENT]


def named(name: str) -> str | None:
    """A voice's name (checked by the caller against `names()`) -> the task's string."""
    return None if name == SILENT else name


def folder(path: Path) -> str:
    """A folder of recordings -> the task's string (absolute: a worker may run elsewhere)."""
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise UserError(f"{path}: no such folder of recordings (write the narration script "
                        "with `render.py script`, record it, and save <id>.wav files there)")
    return str(path)


@cache
def load(spec: str, strict: bool = False) -> Voice:
    """The voice `spec` names, loaded once per process; anything missing is a UserError.

    A recorded voice's missing captions are reported once per command, by the command line,
    before any work (`prepare`), so the line each scene would add is not printed.
    """
    logging.getLogger("narration").setLevel(logging.ERROR)
    try:
        return load_voice(spec, strict=strict)
    except NarrationError as exc:
        raise UserError(str(exc)) from None


def description(spec: str, strict: bool, captions: Iterable[str] = ()) -> str:
    """What a clip spoken by `spec` depends on, for its cache key (see `Voice.description_for`:
    a recorded voice counts only the recordings of the clip's own `captions`)."""
    return load(spec, strict).description_for(captions)


def prepare(spec: str, strict: bool, captions: Iterable[str]) -> str | None:
    """Before any work, in the process the user started: what `Voice.prepare` checks (a
    recording that does not decode, or is missing under --strict, is a UserError); the one
    warning line to print, or None."""
    try:
        return load(spec, strict).prepare(captions)
    except NarrationError as exc:
        raise UserError(str(exc)) from None


def is_recorded(spec: str | None) -> bool:
    """A folder of recordings, whose key needs the clip's captions (`Voice.description_for`),
    not a named voice."""
    return spec is not None and spec not in MODELS


def tag(spec: str | None) -> str:
    """A short name for the voice, for a folder of clips it speaks ("" when silent)."""
    if spec is None:
        return ""
    if not is_recorded(spec):
        return spec
    return f"recordings-{hashlib.sha256(spec.encode()).hexdigest()[:8]}"
