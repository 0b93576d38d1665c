"""Choosing a voice in a file (issue 12, item 3): a spec's or a manifest's `voice` or
`voice-dir` key, what it becomes in the task (a plain string), and its errors, each one
line at the key's `file:line`, exit 2, before anything is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import one_line_error, run
from rendering import ROOT
from rendering.lecture import read_manifest
from rendering.specs import read_scene_spec

SPEC = """# a narrated mole
scene = "apple_in_context"
focus = "mole"
senses = ["animal", "chemistry"]
sentences = ["the american shrew mole roamed the forest", "one mole of carbon dioxide"]
{voice}
"""

MANIFEST = """title = "A talk"
quality = "low"
{voice}

[[chapter]]
title = "Hello"
card = "Hello"
"""


def write(path: Path, template: str, voice: str) -> Path:
    path.write_text(template.format(voice=voice), encoding="utf-8")
    return path


def test_the_default_lecture_is_narrated_by_joe():
    assert read_manifest(ROOT / "assets" / "lectures" / "attention.toml").voice == "joe"


@pytest.mark.parametrize("line,voice", [('voice = "joe"', "joe"), ('voice = "none"', None),
                                        ("", None)])
def test_a_specs_voice_key(tmp_path, line, voice):
    assert read_scene_spec(write(tmp_path / "talk.toml", SPEC, line)).voice == voice


def test_a_voice_dir_is_found_beside_the_file_that_names_it(tmp_path):
    (tmp_path / "mine").mkdir()
    spec = read_scene_spec(write(tmp_path / "talk.toml", SPEC, 'voice-dir = "mine"'))
    lecture = read_manifest(write(tmp_path / "lecture.toml", MANIFEST, 'voice-dir = "mine"'))
    assert spec.voice == lecture.voice == str((tmp_path / "mine").resolve())


@pytest.mark.parametrize("line,offset,needles", [
    ('voice = "jim"', 0, ["voice: expected one of joe, none, got 'jim'"]),
    ('voice = "joe"\nvoice-dir = "mine"', 1, ["give voice or voice-dir, not both"]),
    ('voice-dir = "nowhere"', 0, ["voice-dir: ", "nowhere: no such folder of recordings"]),
], ids=["unknown voice", "both keys", "no such folder"])
@pytest.mark.parametrize("command,template,first", [("render", SPEC, 6), ("lecture", MANIFEST, 3)])
def test_a_bad_voice_key_is_one_line_at_its_line(tmp_path, line, offset, needles, command,
                                                  template, first):
    """`first`: the line the voice keys start at; `offset`: the one the error is about."""
    (tmp_path / "mine").mkdir()
    name = "talk.toml" if command == "render" else "lecture.toml"
    done = run(command, str(write(tmp_path / name, template, line)), "--out",
               str(tmp_path / "out"))
    one_line_error(done, f"{name}:{first + offset}: {needles[0]}", *needles[1:])
    assert not (tmp_path / "out").exists()
