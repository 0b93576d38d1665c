"""Render one scene to one video, in this process, never leaving a half-written output.

Manim writes into a private temporary media folder beside the destination;
only a finished artifact is moved into place (an atomic rename), so an
interrupted or failed render leaves the previous good file untouched.
`VideoTask` is that work as a task (tasks.py): what the pool runs and the cache keys.

A narrated clip names its voice as a string (voices.py), loaded here, once per process.
Its sound is what Manim muxes: AAC in mp4, Opus in webm, PCM in mov; gif has none (the
command line renders gifs silent and says so).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narration import NarrationError

from . import CACHE, voices
from .errors import RenderFailed, UserError
from .files import commit, tmp_prefix
from .presets import encoder_options, quality
from .targets import Target
from .tasks import Progress, Task


@dataclass(frozen=True)
class VideoTask(Task):
    """A clip: `target` rendered at `quality` in `fmt` to `out`, captions beside it,
    spoken by `voice` (None: silent)."""

    target: Target
    quality: str
    fmt: str  # mp4 | webm | gif | mov
    out: Path  # final artifact path
    transparent: bool = False
    burn_captions: bool = False  # draw the captions into the picture too
    voice: str | None = None  # "joe", a folder of recordings, or None (voices.py)
    strict: bool = False  # recordings: a missing one is an error, not the fallback voice
    said: tuple[str, ...] = ()  # recordings: the clip's captions (its dry run's), for the key

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

    @property
    def speaker(self) -> str | None:
        """The voice, unless the format holds no sound (gif): then silent."""
        return None if self.fmt == "gif" else self.voice

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"quality": self.quality, "fmt": self.fmt,
                                   "transparent": self.transparent}
        if self.speaker is not None:  # a silent clip's key is what it always was
            # The voice's description names its engine, model and settings (a recorded
            # voice: the bytes of this clip's recordings). The spoken texts need no entry
            # of their own: they are made from the captions by narration.speakable, and
            # the captions by the scene's code from its parameters, data and the core; all
            # of it is in the key already (the target and the code digest, which follows
            # the imports from the scene file into scenes.kit, narration and
            # attention_core, and the assets they name). Hashed inputs unchanged means
            # the same texts, so editing one caption changes exactly its scene's key.
            options["voice"] = voices.description(self.speaker, self.strict, self.said)
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
            cls = _spoken(job.target.scene_class(), job)
            if job.burn_captions:
                cls = _with_burned_captions(cls)
            if progress is not None:
                cls = _with_progress(cls, progress)
            scene = cls()
            try:
                scene.render()
            except UserError:
                raise
            except NarrationError as exc:  # a recording that went bad since the check
                raise UserError(str(exc)) from exc
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


def _spoken(cls: type, job: VideoTask) -> type:
    """The scene class with the task's voice. Only the kit's scenes speak (a plain Manim
    Scene has captions but no voice to give them: it stays silent)."""
    if job.speaker is None or not hasattr(cls, "with_voice"):
        return cls
    _quiet_manim_sound()
    return cls.with_voice(voices.load(job.speaker, job.strict))


def _quiet_manim_sound() -> None:
    """Two settings of Manim's sound muxing, for this process.

    * webm: Manim picks Vorbis when its PyAV build has libvorbis, else Opus. Opus it is,
      always: the better codec for speech, and one format whatever PyAV was built with.
    * Manim hands PyAV's muxer two options of the ffmpeg command line ("shortest",
      "metadata") that the muxer does not know, and PyAV warns about them on every
      narrated render. The audio is as long as the video by construction (the kit ends
      it with the scene), so the warning says nothing; its logger says nothing else.
    """
    import logging

    from manim.scene import scene_file_writer

    scene_file_writer._webm_audio_codec = lambda: "libopus"
    logging.getLogger("av.container.output").setLevel(logging.ERROR)


def _with_progress(cls, progress: Progress):
    """A subclass that reports after every play() how far the scene has got."""

    def play(self, *args, **kwargs):
        cls.play(self, *args, **kwargs)
        progress(self.renderer.time)

    return type(cls.__name__, (cls,), {"play": play})
