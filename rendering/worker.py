"""Render one scene to one video, in this process, never leaving a half-written output.

Manim writes into a private temporary media folder beside the destination;
only a finished artifact is moved into place (an atomic rename), so an
interrupted or failed render leaves the previous good file untouched.
`VideoTask` is that work as a task (tasks.py): what the pool runs and the cache keys.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import BUILD
from .errors import RenderFailed, UserError
from .files import commit, tmp_prefix
from .presets import encoder_options, quality
from .targets import Target
from .tasks import Progress, Task

# LaTeX and text SVGs Manim makes; EXPLAINER_CACHE moves it (the benchmark's cold runs).
CACHE = Path(os.environ.get("EXPLAINER_CACHE", BUILD / ".cache"))


@dataclass(frozen=True)
class VideoTask(Task):
    """A clip: `target` rendered at `quality` in `fmt` to `out`, captions beside it."""

    target: Target
    quality: str
    fmt: str  # mp4 | webm | gif | mov
    out: Path  # final artifact path
    transparent: bool = False
    burn_captions: bool = False  # draw the captions into the picture too

    @property
    def label(self) -> str:
        return self.target.label

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.out,)

    @property
    def captions(self) -> Path:
        return self.out.with_suffix(".srt")

    @property
    def files(self) -> tuple[Path, ...]:
        """The video, and its captions (a render that makes none takes the old ones away)."""
        return (self.out, self.captions)

    def options(self) -> dict[str, Any]:
        options = {"quality": self.quality, "fmt": self.fmt, "transparent": self.transparent}
        if self.burn_captions:  # only when on: a clip without them keeps its key
            options["burn_captions"] = True
        return options

    def run(self, progress: Progress, slot: int) -> list[Path]:
        return [render(self, progress, slot)]




def manim_config(job: VideoTask, media_dir: Path, cache_dir: Path) -> dict:
    """Manim's settings for one job. LaTeX and text SVGs are cached in `cache_dir`
    (one per worker slot, so two processes never write the same cache file)."""
    q = quality(job.quality)
    return {
        "tex_dir": str(cache_dir / "tex"),
        "text_dir": str(cache_dir / "texts"),
        "quality": q.manim,
        "format": job.fmt,
        "transparent": job.transparent or job.fmt == "mov",
        "media_dir": str(media_dir),
        "output_file": "clip",
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
        "video_encoder_options": encoder_options(q, job.fmt),
    }


def render(job: VideoTask, progress: Progress | None = None, slot: int = 0) -> Path:
    """Render `job` and move the artifact and its captions into place; a render with no
    captions removes the old ones in the same commit (they belong to another video)."""
    from manim import tempconfig

    job.out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(tempfile.mkdtemp(prefix=tmp_prefix(job.out.stem), dir=job.out.parent))
    try:
        with tempconfig(manim_config(job, media, CACHE / f"slot-{slot}")):
            cls = job.target.scene_class()
            if job.burn_captions:
                cls = _with_burned_captions(cls)
            if progress is not None:
                cls = _with_progress(cls, progress)
            scene = cls()
            try:
                scene.render()
            except UserError:
                raise
            except Exception as exc:
                raise RenderFailed(f"render failed: {type(exc).__name__}: {exc}") from exc
            artifact = scene.output_plan.primary_artifact
            captions = scene.output_plan.subcaption_file
        if artifact is None or not Path(artifact).exists():
            raise RenderFailed(f"Manim produced no {job.fmt} file")
        if captions is not None and Path(captions).exists():
            # the old video and captions stay until this instant, together
            commit((captions, job.captions), (artifact, job.out))
        else:
            commit((artifact, job.out), remove=[job.captions])
        return job.out
    finally:
        shutil.rmtree(media, ignore_errors=True)


def _with_burned_captions(cls):
    """The variant of `cls` that draws its captions into the picture; only the kit's
    scenes can, since they know each caption as it starts (`narrate`)."""
    variant = getattr(cls, "with_burned_captions", None)
    if variant is None:
        raise UserError(f"cannot burn in captions: {cls.__name__} is not an ExplainerScene "
                        "(scenes.kit), whose narrate() captions can be drawn; render it "
                        "without --burn-captions")
    return variant()


def _with_progress(cls, progress: Progress):
    """A subclass that reports after every play() how far the scene has got."""

    def play(self, *args, **kwargs):
        cls.play(self, *args, **kwargs)
        progress(self.renderer.time)

    return type(cls.__name__, (cls,), {"play": play})
