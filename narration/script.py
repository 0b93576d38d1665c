"""The narration script: every caption with its id, for a person to record.

A lecturer who wants their own voice reads the script aloud and saves each
caption as `<id>.wav` in one folder; `RecordedVoice(folder)` then speaks with
those files. The id is a hash of the caption's text, so it is stable across
renders and machines, and a caption that is edited gets a new id (its old
recording no longer matches what is on screen). A caption said twice (some
clips repeat one) has one id and needs one recording.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ID_LENGTH = 12  # hex digits: 48 bits, no collision among a course's few thousand captions
WIDTH = 78


def caption_id(text: str) -> str:
    """The stable id of a caption: the start of the SHA-256 of its text (Unicode NFC)."""
    normal = unicodedata.normalize("NFC", text.strip())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class ScriptLine:
    id: str
    scene: str
    text: str
    repeat: bool  # the same caption came earlier in the script: one recording serves both


def script_lines(captions: Mapping[str, Iterable[str]]) -> list[ScriptLine]:
    """The script's lines, scene by scene in the given order; empty captions say nothing."""
    seen: set[str] = set()
    lines = []
    for scene, texts in captions.items():
        for text in texts:
            if not text.strip():
                continue
            cid = caption_id(text)
            lines.append(ScriptLine(cid, scene, text.strip(), cid in seen))
            seen.add(cid)
    return lines


def format_script(captions: Mapping[str, Iterable[str]]) -> str:
    lines = script_lines(captions)
    to_record = sum(not line.repeat for line in lines)
    scenes = list(dict.fromkeys(line.scene for line in lines))
    out = [f"NARRATION SCRIPT: {len(scenes)} scene(s), {to_record} caption(s) to record",
           "",
           *textwrap.wrap("Read each caption aloud and save it in one folder as <id>.wav "
                          "(WAV is best, but any sound file ffmpeg decodes works under that "
                          "name; any rate, mono or stereo). Silence before and after is "
                          "trimmed. A caption that is edited gets a new id: record it again.",
                          WIDTH)]
    for scene in scenes:
        out += ["", f"== {scene} ==", ""]
        for line in (line for line in lines if line.scene == scene):
            if line.repeat:
                out += [f"{line.id}  (said again: the recording above serves)", ""]
                continue
            out += [line.id, *textwrap.wrap(line.text, WIDTH, initial_indent="    ",
                                            subsequent_indent="    "), ""]
    return "\n".join(out).rstrip() + "\n"


def write_script(captions: Mapping[str, Iterable[str]], path: Path) -> Path:
    """Write the script to `path` (a temporary beside it first, then renamed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(format_script(captions))
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
    return path
