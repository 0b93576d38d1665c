"""A spec's values reach the screen (issue 10, item 6).

A TOML spec, written here, fills the apple scene with another word, other sentences,
other senses and other landmarks, through the lecturer's path: `read_scene_spec` gives a
SceneRef, `load_class` the filled class (`with_params`). The scene is built without
video, and the same screen checks as tests/test_scene_apple.py run on it with the values
read back from the TOML text by tomllib: the spec's sentences are the tokens on screen,
its focus word is the highlighted token and the E label, its senses name the rays and
the read-out, and every number is the float64 reference computation for those inputs."""

from __future__ import annotations

import tomllib
from types import SimpleNamespace

import pytest
from test_scene_apple import (
    shows_context_vector,
    shows_delta,
    shows_every_context_vector_at_the_end,
    shows_plane,
    shows_query_keys_and_scores,
    shows_sentence_and_focus,
    shows_weights,
)

from rendering.specs import read_scene_spec
from rendering.targets import FilledScene, load_class
from scene_harness import run_scene_each_play
from scenes.apple_in_context import ContextParams

SPEC = """\
scene = "apple_in_context"
title = "A mole, three ways"
focus = "mole"
senses = ["animal", "chemistry"]
sentences = ["a small furry mole dug a tunnel", "many atoms in one mole of gas",
             "the doctor removed the mole"]
landmarks = ["fox", "shrew", "forest", "carbon", "oxygen", "salt"]
"""
WANTED = SimpleNamespace(**tomllib.loads(SPEC))  # what the lecturer asked for
SENTENCES = range(len(WANTED.sentences))


def test_the_spec_differs_from_the_defaults():
    """Otherwise a scene that ignored its spec would pass every check below."""
    defaults = ContextParams()
    for key in ("title", "focus", "senses", "sentences", "landmarks"):
        wanted, default = getattr(WANTED, key), getattr(defaults, key)
        assert (tuple(wanted) if isinstance(wanted, list) else wanted) != default, key
    assert not set(WANTED.senses) & set(defaults.senses)
    assert not set(WANTED.landmarks) & set(defaults.landmarks)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "mole.toml"
    path.write_text(SPEC, encoding="utf-8")
    ref = read_scene_spec(path)
    assert isinstance(ref, FilledScene) and ref.name == "apple_in_context"
    return run_scene_each_play(load_class(ref))


def test_plane_names_the_specs_senses_and_landmarks(run):
    shows_plane(run, WANTED)


@pytest.mark.parametrize("k", SENTENCES)
def test_specs_sentence_and_focus_word(run, k):
    shows_sentence_and_focus(run, WANTED, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_specs_scores_and_weights(run, k):
    shows_query_keys_and_scores(run, WANTED, k)
    shows_weights(run, WANTED, k)


@pytest.mark.parametrize("k", SENTENCES)
def test_specs_delta_context_vector_and_readout(run, k):
    shows_delta(run, WANTED, k)
    shows_context_vector(run, WANTED, k)


def test_specs_context_vectors_at_the_end(run):
    shows_every_context_vector_at_the_end(run, WANTED)

