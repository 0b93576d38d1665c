"""TOML inputs written by lecturers: scene specs and lecture manifests.

Errors always say file, line, and what was expected:
    talk.toml:4: senses: expected a list of 2 strings, got "fruit"

A scene spec fills a parameterised scene with the user's own content:

    scene = "apple_in_context"
    title = "Mole, three ways"
    focus = "mole"
    senses = ["animal", "chemistry"]
    sentences = ["the american shrew mole roamed the forest", "one mole of carbon dioxide"]
    voice = "joe"                 # optional: narrated (or voice-dir = "my_recordings")
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

from . import voices
from .errors import UserError
from .files import read_text
from .targets import FilledScene, Params, known_scene

VOICE_KEYS = ("voice", "voice-dir")


class SpecError(UserError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


class TomlDoc:
    """Parsed TOML that remembers where each key was written."""

    def __init__(self, path: Path):
        self.path = path
        self.text = read_text(path)
        self.lines = self.text.splitlines()
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) if match else 1
            raise SpecError(path, line, f"not valid TOML: {exc}") from None

    def tables(self, name: str) -> list[int]:
        """Line numbers of each `[[name]]` header, in order."""
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        return [i + 1 for i, text in enumerate(self.lines) if pattern.match(text)]

    def line(self, key: str, start: int = 1, end: int | None = None) -> int:
        """Line of `key = ...` (or of a `[key]` table header) between lines start..end
        (1-based), else `start`."""
        pattern = re.compile(rf"^\s*({re.escape(key)}\s*=|\[\s*{re.escape(key)}\s*\])")
        for number in range(start, (end or len(self.lines)) + 1):
            if number - 1 < len(self.lines) and pattern.match(self.lines[number - 1]):
                return number
        return start

    def line_containing(self, needle: str, default: int = 1) -> int:
        for number, text in enumerate(self.lines, start=1):
            if needle in text:
                return number
        return default

    def error(self, line: int, message: str) -> SpecError:
        return SpecError(self.path, line, message)


def _describe(kind: Any) -> str:
    if (inner := _pair_type(kind)) is not None:
        return f"a table of name = {_describe(inner)}"
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return f"a list of {_describe(args[0])}s"
    if origin is tuple:
        return f"a list of {len(args)} {_describe(args[0])}s"
    return {str: "string", float: "number", int: "integer", bool: "true/false"}.get(kind, str(kind))


class EntryError(ValueError):
    """A bad entry of a table: `entry` lets the reader point at its own line."""

    def __init__(self, entry: str, message: str):
        super().__init__(f"{entry}: {message}")
        self.entry = entry


def _pair_type(kind: Any) -> Any | None:
    """For `tuple[tuple[str, V], ...]` (named entries, kept hashable), the value type V."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        entry = typing.get_args(args[0])
        if typing.get_origin(args[0]) is tuple and len(entry) == 2 and entry[0] is str:
            return entry[1]
    return None


def coerce(value: Any, kind: Any) -> Any:
    """TOML value -> the dataclass field's type, or ValueError saying what was expected.

    A field of named entries, `tuple[tuple[str, V], ...]`, is written as a TOML table
    (`[senses]` then `fruit = [...]`): its keys in order, each value coerced to V."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    expected = f"expected {_describe(kind)}, got {value!r}"
    if (inner := _pair_type(kind)) is not None:
        if not isinstance(value, dict):
            raise ValueError(expected)
        entries = []
        for name, v in value.items():
            try:
                entries.append((str(name), coerce(v, inner)))
            except ValueError as exc:
                raise EntryError(str(name), str(exc)) from None
        return tuple(entries)
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(expected)
        if args[-1] is not Ellipsis and len(value) != len(args):
            raise ValueError(expected)
        return tuple(coerce(v, args[0]) for v in value)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ValueError(expected)


def read_params(doc: TomlDoc, defaults: Any, values: dict[str, Any], start: int = 1,
                end: int | None = None) -> Params:
    """A scene's parameters as a lecturer wrote them (lines start..end of `doc`), checked
    once, here: known keys, the field types of `defaults` (the scene's params dataclass),
    then the scene's own `validate()` (known words, senses...). Every error points at
    the line to fix. Returns the changed values as sorted (name, value) pairs, the form
    a target carries."""
    hints = typing.get_type_hints(type(defaults))
    fields = {f.name for f in dataclasses.fields(defaults)}
    changes = {}
    for key, value in values.items():
        line = doc.line(key, start, end)
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise doc.error(line, f"unknown key {key!r}; expected one of {known}")
        try:
            changes[key] = coerce(value, hints[key])
        except EntryError as exc:  # inside a [table]: the entry's own line
            raise doc.error(doc.line(exc.entry, line, end), f"{key}.{exc}") from None
        except ValueError as exc:
            raise doc.error(line, f"{key}: {exc}") from None
    params = dataclasses.replace(defaults, **changes)
    if hasattr(params, "validate"):
        try:
            params.validate()
        except ValueError as exc:
            raise doc.error(_line_of(doc, exc, start, end), str(exc)) from None
    return tuple(sorted(changes.items()))


def _line_of(doc: TomlDoc, exc: ValueError, start: int, end: int | None) -> int:
    """The line a scene's check points at: the unknown word's, the field's, else `start`."""
    word = getattr(exc, "word", None)
    field = getattr(exc, "field", None)
    if word is not None:
        return doc.line_containing(repr(word).strip("'"), start)
    if field is not None:
        return doc.line(field, start, end)
    return start


def read_voice(doc: TomlDoc, data: dict[str, Any]) -> str | None:
    """The voice a spec or manifest asks for, its keys taken out of `data`: `voice = "joe"`
    (or "none"), or `voice-dir = "DIR"` (relative to the file's folder); None if neither."""
    name, folder = (data.pop(key, None) for key in VOICE_KEYS)
    if name is not None and folder is not None:
        raise doc.error(doc.line("voice-dir"), "give voice or voice-dir, not both")
    if name is not None:
        if name not in voices.names():
            raise doc.error(doc.line("voice"), f"voice: expected one of "
                                               f"{', '.join(voices.names())}, got {name!r}")
        return voices.named(name)
    if folder is not None:
        if not isinstance(folder, str) or not folder.strip():
            raise doc.error(doc.line("voice-dir"), f"voice-dir: expected a folder of "
                                                   f"recordings, got {folder!r}")
        try:
            return voices.folder(doc.path.parent / folder)
        except UserError as exc:
            raise doc.error(doc.line("voice-dir"), f"voice-dir: {exc}") from None
    return None


def read_scene_spec(path: Path) -> FilledScene:
    """A TOML scene spec -> the registered scene it fills, with its checked parameters."""
    from scenes import load_scene

    doc = TomlDoc(path)
    data = dict(doc.data)
    voice = read_voice(doc, data)
    if "scene" not in data:
        raise doc.error(1, 'missing key "scene": which scene to fill, e.g. scene = '
                           '"apple_in_context"')
    name = data.pop("scene")
    try:
        known_scene(str(name))
    except UserError as exc:
        raise doc.error(doc.line("scene"), str(exc)) from None
    cls = load_scene(name)
    if not dataclasses.fields(cls.params):
        raise doc.error(doc.line("scene"), f"scene {name!r} takes no parameters")
    return FilledScene(path.resolve(), name, read_params(doc, cls.params, data), voice)
