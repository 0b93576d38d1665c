"""Render one scene to one file, in this process, never leaving a half-written output.

Manim writes into a private temporary media folder beside the destination;
only a finished artifact is moved into place (an atomic rename), so an
interrupted or failed render leaves the previous good file untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderFailed, UserError
from .files import commit, tmp_prefix
from .presets import encoder_options, quality
from .targets import SceneRef, load_class

# LaTeX and text SVGs Manim makes; EXPLAINER_CACHE moves it (the benchmark's cold runs).
CACHE = Path(os.environ.get("EXPLAINER_CACHE",
                            Path(__file__).resolve().parent.parent / "build" / ".cache"))
Progress = Callable[[float], None]  # seconds of the clip rendered so far


@dataclass(frozen=True)
class Job:
    ref: SceneRef
    quality: str
    fmt: str  # mp4 | webm | gif | mov
    out: Path  # final artifact path
    transparent: bool = False

    @property
    def captions(self) -> Path:
        return self.out.with_suffix(".srt")


def manim_config(job: Job, media_dir: Path, cache_dir: Path) -> dict:
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


def render(job: Job, progress: Progress | None = None, slot: int = 0) -> Path:
    """Render `job` and move the artifact (and its captions) into place."""
    from manim import tempconfig

    job.out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(tempfile.mkdtemp(prefix=tmp_prefix(job.out.stem), dir=job.out.parent))
    try:
        with tempconfig(manim_config(job, media, CACHE / f"slot-{slot}")):
            cls = load_class(job.ref)
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
        moves = [(artifact, job.out)]
        if captions is not None and Path(captions).exists():
            moves.insert(0, (captions, job.captions))
        commit(*moves)  # the old video and captions stay until this instant, together
        return job.out
    finally:
        shutil.rmtree(media, ignore_errors=True)


def _with_progress(cls, progress: Progress):
    """A subclass that reports after every play() how far the scene has got."""

    def play(self, *args, **kwargs):
        cls.play(self, *args, **kwargs)
        progress(self.renderer.time)

    return type(cls.__name__, (cls,), {"play": play})
