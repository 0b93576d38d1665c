"""What each scene says, found by running it without drawing: the narration script.

`CaptionsTask` runs a scene the way figures do (animations skipped, no frame drawn, no
voice: seconds where a render takes minutes) and keeps the texts of its captions in a
small JSON file in the build cache, under a content key like any task's, so an unchanged
scene is never run for them twice. Two commands read them:

* `render.py script NAME|MANIFEST`: every caption with its id and its scene, for the
  lecturer to read aloud and record (`narration.write_script`);
* a render with recordings (`--voice-dir`): each clip's key counts the recordings of its
  own captions only (`Voice.description_for`), and every recording is checked, and any
  missing one named, before the first render starts.

The captions are the same with a voice or without: a voice changes when a caption
starts, never what it says.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import CACHE
from .errors import RenderFailed, UserError
from .figures import figure_renderer_class
from .files import atomic_text, tmp_prefix
from .targets import Target
from .tasks import Progress, Task

FOLDER = CACHE / "captions"


@dataclass(frozen=True)
class CaptionsTask(Task):
    """The caption texts of `target`, in order, as a JSON list in `out`."""

    target: Target
    out: Path

    @classmethod
    def of(cls, target: Target) -> CaptionsTask:
        """The task for `target`, its file named after it (and told apart from another
        target of the same label, such as two folders' talk.toml)."""
        digest = hashlib.sha256(repr(target).encode()).hexdigest()[:8]
        return cls(target, FOLDER / f"{target.label}-{digest}.json")

    @property
    def label(self) -> str:
        return f"{self.target.label} (captions)"

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.out,)

    def options(self) -> dict[str, Any]:
        return {}

    def run(self, progress: Progress, slot: int) -> list[Path]:
        """A dry run takes no time on the clip's clock: there is no progress to report."""
        texts = dry_run_captions(self.target, CACHE / f"slot-{slot}")
        return [atomic_text(self.out, json.dumps(texts, ensure_ascii=False, indent=1))]

    def captions(self) -> list[str]:
        """What `run` found (call it once the task is done)."""
        return json.loads(self.out.read_text(encoding="utf-8"))


def dry_run_captions(target: Target, cache_dir: Path) -> list[str]:
    """Run `target`'s scene silently with animations skipped and nothing drawn; the texts
    of its captions. A plain Manim Scene (no kit) has none that a voice would speak."""
    from manim import tempconfig

    FOLDER.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=tmp_prefix("captions"), dir=FOLDER) as media, \
            tempconfig({"dry_run": True, "media_dir": media, "tex_dir": str(cache_dir / "tex"),
                        "text_dir": str(cache_dir / "texts"), "disable_caching": True,
                        "progress_bar": "none", "verbosity": "WARNING"}):
        cls = target.scene_class()
        scene = cls(renderer=figure_renderer_class()(skip_animations=True),
                    skip_animations=True)
        try:
            scene.render()
        except UserError:
            raise
        except Exception as exc:
            raise RenderFailed(f"running it for its captions failed: {type(exc).__name__}: "
                               f"{exc}") from exc
    return [text for text, _, _ in getattr(scene, "captions", [])]
