"""Lecture clips: several scenes joined into one video with chapters and captions.

A manifest (TOML) lists chapters in teaching order; each is a scene (any render
TARGET: a scene name, file.py:Class or spec.toml) or a title card:

    title = "Attention in transformers"
    quality = "medium"
    voice = "joe"          # narrated, every chapter and card (or voice-dir = "recordings")

    [[chapter]]
    title = "Recap on embeddings"
    scene = "embeddings_recap"

    [[chapter]]
    title = "Part two"
    card = "Part two: the attention pattern"    # a title card
    subtitle = "queries, keys, softmax"
    seconds = 4

`burn_captions = true` draws every chapter's captions into its picture (as
`render.py lecture --burn-captions` does).

Output, beside each other under build/lectures/: NAME.mp4 (chapter markers that
`ffprobe -show_chapters` lists), NAME.srt (all captions, shifted), and
NAME.chapters.txt ("0:00 Recap on embeddings", one line per chapter). A narrated
lecture's video carries one continuous sound track (soundtrack.py).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import soundtrack
from .cache import Keys
from .errors import RenderFailed, UserError
from .files import Staged, scratch
from .presets import QUALITIES
from .resolve import resolve
from .specs import VOICE_KEYS, TomlDoc, read_params, read_voice
from .targets import Target, TitleCard

CHAPTER_KEYS = {"title", "scene", "card", "subtitle", "seconds"}
TOP_KEYS = {"title", "quality", "burn_captions", "chapter", *VOICE_KEYS}


@dataclass(frozen=True)
class Chapter:
    title: str
    target: Target


@dataclass(frozen=True)
class Lecture:
    path: Path
    title: str
    quality: str
    chapters: tuple[Chapter, ...]
    burn_captions: bool = False
    voice: str | None = None  # the manifest's voice (voices.py): every chapter speaks with it

    @property
    def name(self) -> str:
        return self.path.stem


def is_manifest(path: Path) -> bool:
    """A lecture manifest (it lists [[chapter]]s), not a scene spec: both are TOML."""
    return path.suffix == ".toml" and "chapter" in TomlDoc(path).data


def read_manifest(path: Path, quality: str | None = None,
                  burn_captions: bool | None = None) -> Lecture:
    """The lecture `path` describes; `quality` and `burn_captions` (the command line's)
    override the manifest's."""
    doc = TomlDoc(path)
    data = doc.data
    for key in data:
        if key not in TOP_KEYS:
            raise doc.error(doc.line(key), f"unknown key {key!r}; expected one of "
                                           f"{', '.join(sorted(TOP_KEYS))}")
    title = data.get("title", path.stem)
    if not isinstance(title, str):
        raise doc.error(doc.line("title"), f"title: expected a string, got {title!r}")
    chosen = quality or data.get("quality", "low")
    if chosen not in QUALITIES:
        raise doc.error(doc.line("quality"), f"quality: expected one of "
                                             f"{', '.join(QUALITIES)}, got {chosen!r}")
    burn = data.get("burn_captions", False)
    if not isinstance(burn, bool):
        raise doc.error(doc.line("burn_captions"), f"burn_captions: expected true/false, "
                                                   f"got {burn!r}")
    burn = burn if burn_captions is None else burn_captions
    voice = read_voice(doc, dict(data))
    entries = data.get("chapter")
    headers = doc.tables("chapter")
    if not isinstance(entries, list) or not entries:
        raise doc.error(1, "no chapters: add [[chapter]] tables, each with a title and a "
                           "scene or a card")
    chapters = []
    for i, entry in enumerate(entries):
        start = headers[i] if i < len(headers) else 1
        end = headers[i + 1] - 1 if i + 1 < len(headers) else None
        chapters.append(_chapter(doc, entry, start, end))
    return Lecture(path.resolve(), title, chosen, tuple(chapters), burn, voice)


def _chapter(doc: TomlDoc, entry: dict, start: int, end: int | None) -> Chapter:
    for key in entry:
        if key not in CHAPTER_KEYS:
            raise doc.error(doc.line(key, start, end), f"unknown key {key!r} in [[chapter]]; "
                            f"expected one of {', '.join(sorted(CHAPTER_KEYS))}")
    if not isinstance(entry.get("title"), str) or not entry["title"].strip():
        raise doc.error(start, "[[chapter]] needs a title = \"...\" (the chapter's name)")
    if ("scene" in entry) == ("card" in entry):
        raise doc.error(start, "[[chapter]] needs exactly one of scene = \"...\" or "
                               "card = \"...\"")
    if "scene" in entry:
        target = entry["scene"]
        if not isinstance(target, str):
            raise doc.error(doc.line("scene", start, end), f"scene: expected a string, "
                                                           f"got {target!r}")
        try:
            targets = resolve(target, base=doc.path.parent)
        except UserError as exc:
            raise doc.error(doc.line("scene", start, end), str(exc)) from None
        if len(targets) != 1:
            raise doc.error(doc.line("scene", start, end), f"{target!r} holds "
                            f"{len(targets)} scenes; name one with file.py:ClassName")
        return Chapter(entry["title"], targets[0])
    from scenes.cards import CardParams

    values = {"title": entry["card"]}
    values |= {k: entry[k] for k in ("subtitle", "seconds") if k in entry}
    return Chapter(entry["title"], TitleCard(read_params(doc, CardParams(), values, start, end)))


# ---- joining ------------------------------------------------------------------------
def timestamp(seconds: float) -> str:
    """61.2 -> '1:01'; 3725 -> '1:02:05' (the format video sites read as chapters)."""
    s = int(seconds)
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def join_key(lecture: Lecture, clip_keys: list[str], keys: Keys | None = None) -> str:
    """The joined lecture depends on its manifest (titles, cards, order), the quality
    actually used, the clips (their keys hold their voice), and the joining code: this
    module and what it imports (soundtrack.py: how the sound is built and normalised),
    and the ffmpeg that normalises and encodes it."""
    h = hashlib.sha256(lecture.path.read_bytes())
    h.update((keys or Keys()).code(Path(__file__)).encode())
    h.update(repr((lecture.quality, clip_keys, soundtrack.describe())).encode())
    return h.hexdigest()


def outputs(out: Path) -> list[Path]:
    """What a join writes: the video, its captions, its chapter list."""
    return [out, out.with_suffix(".srt"), out.with_suffix(".chapters.txt")]


def join(lecture: Lecture, clips: list[Path], out: Path) -> list[Path]:
    """Concatenate the clips' video (no re-encoding) with chapter markers; merge the
    captions; if any clip has sound, give the lecture one continuous, normalised track
    (soundtrack.py). The three outputs are put in place together (one commit): a stop
    never leaves the new video beside the old captions."""
    import srt

    parts = [soundtrack.probe(c) for c in clips]
    starts = [sum(p.seconds for p in parts[:i]) for i in range(len(parts))]
    meta = [";FFMETADATA1", f"title={_escape(lecture.title)}"]
    for chapter, start, part in zip(lecture.chapters, starts, parts, strict=True):
        meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(start * 1000)}",
                 f"END={round((start + part.seconds) * 1000)}",
                 f"title={_escape(chapter.title)}"]
    captions = []
    for clip, start in zip(clips, starts, strict=True):
        sub = clip.with_suffix(".srt")
        if sub.exists():
            for item in srt.parse(sub.read_text(encoding="utf-8")):
                shift = _seconds(start)
                captions.append(srt.Subtitle(0, item.start + shift, item.end + shift,
                                             item.content))
    # each clip takes the length of its video: a clip's sound may end a little after it
    listing = "".join(f"file '{p.path.resolve()}'\nduration {p.seconds}\n" for p in parts)
    video, subtitles, chapter_list = outputs(out)
    with scratch(out.parent, listing) as listed, scratch(out.parent, "\n".join(meta) + "\n") \
            as metadata, scratch(out.parent, suffix=".wav") as track, Staged() as stage:
        done = subprocess.run(
            ["ffmpeg", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listed),
             "-i", str(metadata), *_picture_and_sound(parts, track), "-map_metadata", "1",
             "-map_chapters", "1", "-movflags", "+faststart", "-f", "mp4",
             str(stage.file(video))],
            capture_output=True, text=True)
        if done.returncode != 0:
            raise RenderFailed(f"joining {lecture.name} failed: {done.stderr.strip()}")
        stage.text(subtitles, srt.compose(captions, reindex=True))
        stage.text(chapter_list, "".join(f"{timestamp(s)} {c.title}\n" for c, s in
                                         zip(lecture.chapters, starts, strict=True)))
    return [video, subtitles, chapter_list]


def _picture_and_sound(parts: list[soundtrack.Clip], track: Path) -> list[str]:
    """ffmpeg's arguments after its two inputs (the clips, the chapters): the video
    copied, and if any clip has sound, the lecture's track (a third input), normalised
    and encoded once. A silent lecture has no sound track, as before narration."""
    if not any(part.sounded for part in parts):
        return ["-map", "0", "-c", "copy"]
    soundtrack.build(parts, track)
    return ["-i", str(track), "-map", "0:v", "-map", "2:a", "-c:v", "copy",
            "-af", soundtrack.normaliser(soundtrack.measure(track)), *soundtrack.encoder()]


def _seconds(value: float):
    from datetime import timedelta

    return timedelta(seconds=value)


def _escape(text: str) -> str:
    """FFMETADATA escaping: =, ;, #, \\ and newlines take a backslash."""
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text
