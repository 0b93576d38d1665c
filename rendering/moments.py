"""A scene's key moments, whole: a still of each (PNG and PDF) and the scene's timeline.

The timeline is what the stills alone cannot say: when each moment came and which
captions were up around it. Both come from one run of the figure path (figures.py): the
stills are taken as the moments pass, and the run goes on to the scene's end so every
caption is closed and timed. The contact sheet (sheet.py) is made of the PNGs, the
handout (handout.py) of the PDFs and the captions.

`MomentsTask` is that run as a task, so it is cached and run in parallel like every other;
it lives apart from the sheet's and the handout's code so that editing how a sheet is
laid out never makes its stills stale (a task's key follows the imports of its module).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .figures import FigureTask, render_figures
from .files import atomic_text
from .tasks import Progress

STILL_FORMATS = ("png", "pdf")  # the sheet's thumbnails, the handout's vector drawings


@dataclass(frozen=True)
class Caption:
    text: str
    start: float  # seconds into the scene
    end: float


@dataclass(frozen=True)
class Timeline:
    """When each key moment came, and every caption of the scene, in order.

    From a run without a voice: captions are timed by reading speed, so the times are
    those of a silent render. Their order, which is what a handout uses, is the script's
    and is the same with any voice.
    """

    moments: tuple[tuple[str, float], ...]  # (name, seconds), first time each is reached
    captions: tuple[Caption, ...]

    def time_of(self, moment: str) -> float:
        return dict(self.moments)[moment]

    @classmethod
    def of(cls, scene) -> Timeline:
        """What an ExplainerScene recorded as it ran (`moments_reached`, `captions`)."""
        first: dict[str, float] = {}
        for name, seconds in scene.moments_reached:
            first.setdefault(name, seconds)
        return cls(tuple(first.items()),
                   tuple(Caption(*c) for c in getattr(scene, "captions", ())))

    def to_json(self) -> str:
        return json.dumps({"moments": [list(m) for m in self.moments],
                           "captions": [[c.text, c.start, c.end] for c in self.captions]},
                          ensure_ascii=False)

    @classmethod
    def read(cls, path: Path) -> Timeline:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple((name, float(t)) for name, t in data["moments"]),
                   tuple(Caption(text, float(s), float(e)) for text, s, e in data["captions"]))


@dataclass(frozen=True)
class MomentsTask(FigureTask):
    """Stills of `target` at `moments` in `out_dir` (`formats`: STILL_FORMATS for a sheet
    and a handout), and its `timeline.json`."""

    @property
    def label(self) -> str:
        return f"{self.target.label} (moments)"

    @property
    def timeline(self) -> Path:
        return self.out_dir / "timeline.json"

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (*super().outputs, self.timeline)

    def still(self, moment: str, fmt: str) -> Path:
        return self.out_dir / f"{moment}.{fmt}"

    def run(self, progress: Progress, slot: int) -> list[Path]:
        def record(scene) -> list[Path]:
            return [atomic_text(self.timeline, Timeline.of(scene).to_json())]

        return render_figures(self.target, self.out_dir, self.formats, self.moments,
                              self.transparent, finished=record)
