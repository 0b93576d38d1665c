"""Targets and tasks as types (issue 11, item 4): what each kind of target says about
itself, how a user's text becomes targets, and that the runner and cache take any Task."""

import dataclasses
import pickle
from pathlib import Path

import pytest

from rendering.errors import UserError
from rendering.figures import FigureTask
from rendering.lecture import read_manifest
from rendering.pool import LocalPool
from rendering.progress import Reporter
from rendering.resolve import resolve
from rendering.runner import Runner, run_tasks
from rendering.targets import ClassInFile, FilledScene, RegisteredScene, TitleCard
from rendering.tasks import Task
from rendering.worker import VideoTask
from scenes import SCENES_DIR, registry

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CARD = TitleCard((("seconds", 2.0), ("title", "Part two")))
MOLE = FilledScene(FIXTURES / "mole.toml", "apple_in_context", (("focus", "mole"),))
TINY = ClassInFile(FIXTURES / "tiny_scenes.py", "Tiny")
KINDS = [RegisteredScene("values"), TINY, MOLE, CARD]


@pytest.mark.parametrize("target", KINDS, ids=lambda t: type(t).__name__)
def test_targets_and_tasks_are_plain_data_a_worker_can_receive(target, tmp_path):
    for thing in (target, VideoTask(target, "low", "mp4", tmp_path / "a.mp4"),
                  FigureTask(target, tmp_path, ("png", "svg"), ("embedding",))):
        again = pickle.loads(pickle.dumps(thing))
        assert again == thing and hash(again) == hash(thing)


def test_each_kind_names_its_own_files():
    """The files a key starts from. A title card's comes from its class's module, like any
    scene's: no list of special file names."""
    assert RegisteredScene("values").sources() == (SCENES_DIR / "values.py",)
    assert CARD.sources() == (SCENES_DIR / "cards.py",)
    assert MOLE.sources() == (FIXTURES / "mole.toml", SCENES_DIR / "apple_in_context.py")
    assert TINY.sources() == (FIXTURES / "tiny_scenes.py",)
    assert [t.label for t in KINDS] == ["values", "tiny_scenes.Tiny", "mole", CARD.label]
    assert CARD.label.startswith("card-") and CARD.label != TitleCard((("title", "x"),)).label


def test_every_clip_file_is_in_the_registry():
    """The registry reads scenes with the same routine as a lecturer's file: a class it
    missed would be a clip gone from `render.py list`. Two files hold no clip: cards.py
    (title cards) and real_model_parts.py (the pieces real_model.py builds its clip from)."""
    clips = {p.stem for p in SCENES_DIR.glob("*.py")} - {"__init__", "cards", "real_model_parts"}
    assert set(registry()) == clips


def test_a_users_file_is_read_not_run(tmp_path):
    """Scene classes: those defining construct, and those derived from them in the file.
    A bare Scene subclass (a shared base) would render as a blank video: not listed."""
    path = tmp_path / "talk.py"
    path.write_text(
        "raise SystemExit('the file was run')\n"
        "from manim import Scene\n"
        "class Base(Scene):\n    colour = 'red'\n"
        "class Intro(Base):\n    def construct(self):\n        pass\n"
        "class Longer(Intro):\n    pass\n")
    assert resolve(str(path)) == [ClassInFile(path, "Intro"), ClassInFile(path, "Longer")]
    assert resolve("talk.py:Longer", base=tmp_path) == [ClassInFile(path, "Longer")]


def test_the_spellings_a_user_types():
    assert resolve("values") == [RegisteredScene("values")]
    assert resolve("tiny_scenes.py:Tiny", base=FIXTURES) == [TINY]
    spec, = resolve("mole.toml", base=FIXTURES)
    assert isinstance(spec, FilledScene) and spec.name == "apple_in_context"
    assert dict(spec.params)["focus"] == "mole" and spec.label == "mole"
    with pytest.raises(UserError, match="did you mean 'values'"):
        resolve("valeus")


def test_a_cards_bad_length_points_at_its_line(tmp_path):
    """Card parameters are checked where the manifest is read, like a spec's, with the
    line of the value at fault."""
    manifest = tmp_path / "talk.toml"
    manifest.write_text('[[chapter]]\ntitle = "One"\ncard = "Part one"\n\n'
                        '[[chapter]]\ntitle = "Two"\ncard = "Part two"\nsubtitle = "x"\n'
                        'seconds = 40\n')
    with pytest.raises(UserError, match=r"talk.toml:9: seconds: a card lasts 1.5 to 30"):
        read_manifest(manifest)
    manifest.write_text('[[chapter]]\ntitle = "One"\ncard = "Part one"\nseconds = 3\n')
    chapter, = read_manifest(manifest).chapters
    assert chapter.target == TitleCard((("seconds", 3.0), ("title", "Part one")))


# ---- a new kind of task, and a second runner: nothing else changes --------------------
@dataclasses.dataclass(frozen=True)
class NoteTask(Task):
    """A kind of task the rendering package has never seen: a text file about a target."""

    target: RegisteredScene
    out: Path
    words: str

    @property
    def label(self) -> str:
        return f"{self.target.label} (note)"

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.out,)

    def options(self) -> dict:
        return {"words": self.words}

    def run(self, progress, slot: int) -> list[Path]:
        from rendering.files import atomic_text

        return [atomic_text(self.out, f"{self.target.label}: {self.words}\n")]


class Watching(Runner):
    """A second Runner: the local pool, watched, to see what work it is given."""

    def __init__(self, jobs: int):
        self.pool, self.given = LocalPool(jobs), []

    def render(self, work, reporter):
        self.given.append([w.task.label for w in work])
        return self.pool.render(work, reporter)


def test_a_new_task_kind_is_cached_and_run_by_any_runner(tmp_path):
    tasks = [NoteTask(RegisteredScene(name), tmp_path / f"{name}.txt", "first")
             for name in ("values", "masking")]
    runner, quiet = Watching(jobs=2), Reporter(quiet=True)  # two tasks: worker processes

    first = run_tasks(tasks, runner, force=False, reporter=quiet)
    assert [o.status for o in first] == ["rendered", "rendered"], [o.error for o in first]
    assert (tmp_path / "values.txt").read_text() == "values: first\n"

    again = run_tasks(tasks, runner, force=False, reporter=quiet)
    assert [o.status for o in again] == ["up to date", "up to date"]

    tasks[1] = dataclasses.replace(tasks[1], words="second")  # an option in the key
    third = run_tasks(tasks, runner, force=False, reporter=quiet)
    assert [o.status for o in third] == ["up to date", "rendered"]
    # the runner was given only stale work: not called at all the second time
    assert runner.given == [["values (note)", "masking (note)"], ["masking (note)"]]
    assert (tmp_path / "masking.txt").read_text() == "masking: second\n"
