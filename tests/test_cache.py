"""A render cache that cannot go stale (issue 11, item 5): a task's key is derived from the
code a render really imports and the assets that code names, not from a list.

Most tests edit a copy of the project (never the real files) and compare every key
before and after, computed by the copy's own code in a subprocess; one renders through
the copy's render.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import copy_project, needs_video
from rendering import ROOT
from rendering.cache import Keys
from rendering.figures import FigureTask
from rendering.imports import ImportGraph
from rendering.targets import RegisteredScene, TitleCard
from rendering.worker import VideoTask
from scenes import registry

SCENES = sorted(registry())

# Every key the copy's code gives: a video and a figure set for each registered scene, a
# title card, a lecturer's own file and a spec; and a lecture's join.
KEYS = """
import json
from pathlib import Path

import rendering
from rendering import ROOT
assert ROOT == Path.cwd().resolve(), rendering.__file__  # the copy's code, not the real one
from rendering.cache import Keys
from rendering.figures import FigureTask
from rendering.lecture import Lecture, join_key
from rendering.targets import ClassInFile, FilledScene, RegisteredScene, TitleCard
from rendering.worker import VideoTask
from scenes import registry

fixtures = ROOT / "tests" / "fixtures"
targets = [RegisteredScene(name) for name in registry()] + [
    TitleCard((("title", "Part two"),)), ClassInFile(fixtures / "tiny_scenes.py", "Tiny"),
    FilledScene(fixtures / "mole.toml", "apple_in_context", (("focus", "mole"),))]
keys = Keys()
out = {}
for t in targets:
    out[t.label] = keys.of(VideoTask(t, "low", "mp4", ROOT / "build" / f"{t.label}.mp4"))
    out[f"{t.label} (figures)"] = keys.of(FigureTask(t, ROOT / "build" / t.label, ("png",),
                                                     ("a",)))
lecture = Lecture(fixtures / "small_lecture.toml", "A small lecture", "low", ())
out["lecture"] = join_key(lecture, [], keys)
print(json.dumps(out))
"""


@pytest.fixture
def project(tmp_path):
    """A copy of the project's code, assets and test fixtures, to edit."""
    return copy_project(tmp_path / "project", "tests/fixtures")


def keys_in(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", KEYS], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The tasks whose keys differ. (The lecture's join is left out: its key holds its
    clips' keys, so it follows them, besides the joining code.)"""
    assert before.keys() == after.keys()
    return {name for name in before if before[name] != after[name] and name != "lecture"}


def joined_again(before: dict[str, str], after: dict[str, str]) -> bool:
    return before["lecture"] != after["lecture"]


def edit(path: Path, line: str = "# edited") -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{line}\n")


def scene_keys(*names: str) -> set[str]:
    return {label for name in names for label in (name, f"{name} (figures)")}


ALL_SCENES = scene_keys(*SCENES, "mole")  # the spec fills a registered scene
CARD = scene_keys(TitleCard((("title", "Part two"),)).label)


# ---- edits: what changes, and only that ------------------------------------------------
def test_a_module_no_list_named_re_renders_everything_that_runs_it(project):
    """rendering/files.py writes every output, and no hand-kept list named it: every video
    and figure key changes, the lecturer's own file's and the card's too."""
    before = keys_in(project)
    edit(project / "rendering" / "files.py")
    after = keys_in(project)
    assert changed(before, after) == set(before) - {"lecture"}
    assert joined_again(before, after)  # the join writes its outputs with it too


def test_editing_one_scene_re_renders_only_that_scene(project):
    before = keys_in(project)
    edit(project / "scenes" / "values.py")
    assert changed(before, keys_in(project)) == scene_keys("values")


def test_editing_the_title_card_re_renders_only_cards(project):
    """cards.py is the card's own source, found from its class's module; scenes do not
    import it, so their keys stay."""
    before = keys_in(project)
    edit(project / "scenes" / "cards.py")
    assert changed(before, keys_in(project)) == CARD


def test_a_module_new_to_the_kit_is_in_every_scenes_key(project):
    """Once the kit imports a new module, editing that module changes every key that
    uses the kit, and not the key of a file that never imports it."""
    kit = project / "scenes" / "kit"
    (kit / "flourish.py").write_text('"""A new piece of the kit."""\n\nSPARKLE = 1\n')
    edit(kit / "__init__.py", "from .flourish import SPARKLE  # noqa: F401")
    before = keys_in(project)
    edit(kit / "flourish.py", "SPARKLE = 2")
    assert changed(before, keys_in(project)) == ALL_SCENES | CARD


def test_assets_count_where_the_code_names_them(project):
    """The theme is read by the kit: every scene. The cross head's weights by the one core
    module the cross-attention scene imports. An asset no module names counts nowhere."""
    before = keys_in(project)
    edit(project / "assets" / "theme.toml")
    after = keys_in(project)
    assert changed(before, after) == ALL_SCENES | CARD
    with (project / "assets" / "cross_head.safetensors").open("ab") as weights:
        weights.write(b"\0")
    (project / "assets" / "unused.safetensors").write_bytes(b"\0")
    assert changed(after, keys_in(project)) == scene_keys("cross_attention")


def test_code_no_render_runs_changes_no_key(project):
    """The command line parses options; it writes no output's bytes."""
    before = keys_in(project)
    edit(project / "rendering" / "cli.py")
    assert keys_in(project) == before


def test_the_join_covers_its_code_and_manifest(project):
    before = keys_in(project)
    edit(project / "rendering" / "lecture.py")
    after = keys_in(project)
    assert changed(before, after) == set() and joined_again(before, after)
    edit(project / "tests" / "fixtures" / "small_lecture.toml")
    again = keys_in(project)
    assert changed(after, again) == set() and joined_again(after, again)


# ---- what one key is made of -------------------------------------------------------------
def test_what_a_scenes_key_is_made_of(tmp_path):
    keys = Keys()
    video = {str(p.relative_to(ROOT)) for p in keys.inputs(
        VideoTask(RegisteredScene("values"), "low", "mp4", tmp_path / "values.mp4"))}
    figures = {str(p.relative_to(ROOT)) for p in keys.inputs(
        FigureTask(RegisteredScene("values"), tmp_path, ("png",), ("updated",)))}
    for both in ("scenes/values.py", "scenes/kit/scene.py", "narration/voice.py",
                 "attention_core/model.py", "rendering/files.py", "rendering/targets.py",
                 "assets/theme.toml", "assets/toy_head.safetensors"):
        assert both in video and both in figures, both
    assert "rendering/worker.py" in video and "rendering/worker.py" not in figures
    assert "rendering/figures.py" in figures and "rendering/figures.py" not in video
    for neither in ("scenes/masking.py", "scenes/cards.py", "rendering/cli.py",
                    "rendering/pool.py", "rendering/lecture.py", "assets/cross_head.safetensors",
                    "assets/lectures/attention.toml"):
        assert neither not in video | figures, neither


def test_the_import_graph_follows_every_way_of_importing(tmp_path):
    """Each file below is reached one way only, so each way is checked on its own."""
    files = {
        "user.py": "import pkg.a\n",  # outside the package: the package's __init__ runs too
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n",  # relative, and a submodule named in a from-import
        "pkg/b.py": "def later():\n    from pkg.sub import deep\n",  # inside a function
        "pkg/sub/__init__.py": "",
        "pkg/sub/deep.py": "from ..c import VALUE\n",  # two levels up
        "pkg/c.py": "import numpy\n\nVALUE = ASSETS / 'w.bin'\nNAME = 't.toml'\n",
        "pkg/unused.py": "",
        "other/__init__.py": "import pkg.unused\n",
        "assets/w.bin": "", "assets/sub/t.toml": "", "assets/v.bin": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = ImportGraph(tmp_path)
    reached = graph.reachable([tmp_path / "user.py"])
    assert [str(p.relative_to(tmp_path)) for p in reached] == [
        "pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/c.py", "pkg/sub/__init__.py",
        "pkg/sub/deep.py", "user.py"]
    assert [str(p.relative_to(tmp_path)) for p in graph.assets(reached)] == [
        "assets/sub/t.toml", "assets/w.bin"]


# ---- and through the command line --------------------------------------------------------
@needs_video
def test_an_edit_to_the_render_code_re_renders_through_the_command_line(project, tmp_path):
    out = tmp_path / "out"

    def render():
        done = subprocess.run([sys.executable, str(project / "render.py"), "render",
                               "tiny_scenes.py:Tiny", "--out", str(out), "--jobs", "1"],
                              cwd=project / "tests" / "fixtures", capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "rendered tiny_scenes.Tiny" in render()
    assert "up to date" in render()
    edit(project / "rendering" / "files.py")
    assert "rendered tiny_scenes.Tiny" in render()
