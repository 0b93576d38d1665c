"""The text a user types (on the command line, or as a manifest's `scene = "..."`) -> the
targets it names, each checked as it is made.

    values                    a registered scene             RegisteredScene
    my_scenes.py              every scene class in the file  ClassInFile, one per class
    my_scenes.py:Intro        one class in it                ClassInFile
    talk.toml                 a scene filled from a spec     FilledScene (specs.py)

Title cards have no spelling here: a manifest writes them as `card = "..."` (lecture.py).
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError
from .specs import read_scene_spec
from .targets import ClassInFile, RegisteredScene, Target, classes_in_file, known_scene


def resolve(target: str, base: Path | None = None) -> list[Target]:
    """The targets `target` names; relative paths are read from `base` (a manifest's
    folder) or the current directory."""
    where = base or Path.cwd()
    file_part, _, class_name = target.partition(":")
    if file_part.endswith(".toml"):
        return [read_scene_spec((where / file_part).resolve())]
    if file_part.endswith(".py"):
        path = (where / file_part).resolve()
        found = classes_in_file(path, shown=file_part)
        if class_name:
            if class_name not in found:
                raise UserError(f"{file_part}: no scene class {class_name!r}; scenes in it: "
                                f"{', '.join(found) or 'none'}")
            found = [class_name]
        if not found:
            raise UserError(f"{file_part}: no scene (a class with a construct method) in it")
        return [ClassInFile(path, name) for name in found]
    known_scene(target)
    return [RegisteredScene(target)]
