"""The base of every clip: captions (spoken or not), named key moments, and parameters.

* `narrate(text)` starts a caption that lasts until the next one (Manim
  subcaptions, written as .srt beside the video); `settle()` holds the frame
  until the current caption has been up long enough to be read.
* `voice` (a class attribute, None = silent) makes every caption spoken: the
  speech starts with the caption, the animations that follow play under it,
  and the next narrate() (or the scene's end) first waits until the speech is
  over plus `SPEECH_PAUSE`, so speech never overlaps and is never cut. The
  caption is on screen (in the .srt) exactly while it is spoken. Rendering
  chooses the voice with `with_voice` (a subclass, as with `moment_hooks`), so
  scenes never mention it; `narrate(text, spoken=...)` is only for a caption
  whose automatic speech text (`narration.speakable`) reads badly.
* `burn_captions` (a class attribute, off by default) also draws every caption into
  the picture, in the `CAPTIONS` band (`burned.BurnedCaptions`); rendering turns it on
  with `with_burned_captions`. Timing and the .srt are the same either way.
* `moment(name)` marks a key moment. Figures for slides are taken there, and
  tests snapshot what is on screen there. Names must be declared in
  `key_moments` so tools can list them without running the scene.
* `params` holds the scene's inputs (sentence, focus word, ...); `with_params`
  makes a variant, which is how a TOML spec fills a parameterised scene.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from manim import ManimColor, Scene
from manim.utils.exceptions import EndSceneEarlyException

from narration import Speech, Voice, speakable

from .burned import BurnedCaptions
from .theme import THEME

MomentHook = Callable[["ExplainerScene", str], None]
READING_SPEED = 15.0  # characters per second, a common subtitle guideline
# Silence between one caption's speech and the next: a breath longer than the gap between
# sentences inside a caption (narration.piper_voice.SENTENCE_GAP), so a new caption is heard
# as a new thought, and short enough that animations waiting on it do not stall.
SPEECH_PAUSE = 0.5


def reading_time(text: str) -> float:
    """Seconds a viewer needs to read `text` as a caption."""
    return len(text) / READING_SPEED


@dataclasses.dataclass(frozen=True)
class _Line:
    """The caption on screen: since when, and its speech if it is spoken."""

    text: str
    spoken: str
    start: float
    speech: Speech | None


class ParamError(ValueError):
    """A bad scene parameter; `field` lets a spec reader point at its line."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclasses.dataclass(frozen=True)
class NoParams:
    """Scenes without inputs."""


class ExplainerScene(Scene):
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    key_moments: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[Any] = NoParams()
    # Hooks called at every moment(); the figure renderer and tests add theirs.
    moment_hooks: ClassVar[tuple[MomentHook, ...]] = ()

    # The voice that speaks every caption; None: silent, captions timed by reading speed.
    voice: ClassVar[Voice | None] = None
    # Draw the captions into the picture too (for viewers watching with the sound off).
    burn_captions: ClassVar[bool] = False

    def setup(self) -> None:
        self.camera.background_color = ManimColor(THEME.background)
        self.captions: list[tuple[str, float, float]] = []
        self.spoken: list[str] = []  # what the voice says (or would say) for each caption
        self.moments_reached: list[tuple[str, float]] = []
        self._open_caption: _Line | None = None
        self._sounded = False
        self._burned: BurnedCaptions | None = None
        if self.burn_captions:
            self._burned = BurnedCaptions(lambda: self.renderer.time)
            self.add_foreground_mobject(self._burned)

    # ---- captions ---------------------------------------------------------
    def narrate(self, text: str, spoken: str | None = None) -> None:
        """Show `text` as the caption from now until the next narrate().

        The previous caption first gets the rest of its reading time (or, with a voice,
        of its speech and SPEECH_PAUSE), so no caption ever flashes by faster than it
        can be read and no speech is cut. `spoken` replaces the automatic speech text.
        """
        self._finish_line()
        self._close_caption()
        spoken = speakable(text) if spoken is None else spoken
        speech = self.voice.speak(text, spoken) if self.voice is not None else None
        if speech is not None:
            self.add_sound(str(speech.path))
            self._sounded = True
        self._open_caption = _Line(text, spoken, self.renderer.time, speech)
        if self._burned is not None:  # spoken: it ends with its speech; silent: at close
            start = self.renderer.time
            span = reading_time(text) if speech is None else speech.duration
            self._burned.begin(text, start, span, None if speech is None else start + span)

    def _finish_line(self) -> None:
        line = self._open_caption
        if line is None:
            return
        elapsed = self.renderer.time - line.start
        if line.speech is None:
            remaining = reading_time(line.text) - elapsed
            if remaining > 0.05:
                self.wait(remaining)
        else:
            self._wait_until(line.start + line.speech.duration + SPEECH_PAUSE)

    def _wait_until(self, t: float) -> None:
        """Hold until scene time `t`, or at most one frame later. A still wait renders
        whole frames, rounded down, so it is topped up frame by frame."""
        while t - self.renderer.time > 1e-9:
            self.wait(max(t - self.renderer.time, 1 / self.camera.frame_rate))

    def wait(self, duration: float = 1.0, stop_condition: Callable[[], bool] | None = None,
             frozen_frame: bool | None = None) -> None:
        """Manim's wait, frame for frame the same with captions burned. The caption band's
        updater makes Manim draw every frame of a wait it would otherwise freeze, and a
        drawn wait has one frame more than a frozen one (it rounds up, a frozen one down):
        so a burned scene asks for the frozen count, and keeps the plain scene's timing."""
        if (self._burned is not None and not self.renderer.skip_animations
                and self._would_freeze(stop_condition, frozen_frame)):
            dt = 1 / self.camera.frame_rate
            frames = int(duration / dt)  # what a frozen wait adds (CairoRenderer)
            if frames == 0:
                return
            duration = (frames - 0.5) * dt  # frames drawn at 0, dt, ..., (frames - 1) dt
        if 0 < duration < 1 / self.camera.frame_rate:  # Manim would lengthen it to one
            duration = 1 / self.camera.frame_rate      # frame too, with a warning line
        super().wait(duration, stop_condition, frozen_frame)

    def _would_freeze(self, stop_condition, frozen_frame: bool | None) -> bool:
        """Whether Manim would freeze this wait if the caption band were not there."""
        if frozen_frame is not None:
            return frozen_frame
        return not (self.always_update_mobjects or self.updaters
                    or stop_condition is not None
                    or any(m.has_time_based_updater() for m in self.get_mobject_family_members()
                           if m is not self._burned))

    def settle(self, minimum: float = 0.5) -> None:
        """Wait until the current caption has been up for its reading time, or has been
        spoken (and at least `minimum` more seconds, so the last animation is seen at rest)."""
        line = self._open_caption
        if line is None:
            self.wait(minimum)
            return
        if line.speech is None:
            self.wait(max(reading_time(line.text) - (self.renderer.time - line.start), minimum))
        else:
            self._wait_until(max(line.start + line.speech.duration, self.renderer.time + minimum))

    def _close_caption(self) -> None:
        line = self._open_caption
        if line is None:
            return
        self._open_caption = None
        elapsed = self.renderer.time - line.start
        duration = elapsed if line.speech is None else min(line.speech.duration, elapsed)
        if self._burned is not None:
            self._burned.end(line.start + max(duration, 0.0))
        if duration <= 0:
            return
        self.add_subcaption(line.text, duration=duration, offset=-elapsed)
        self.captions.append((line.text, line.start, line.start + duration))
        self.spoken.append(line.spoken)

    def tear_down(self) -> None:
        try:
            self._finish_line()
        except EndSceneEarlyException:  # a render cut short (upto_animation_number)
            pass
        self._close_caption()
        if self.voice is not None:
            if self._sounded:  # a silent tail: the audio track lasts as long as the video
                self.add_sound(str(self.voice.cache.silence()))
            self.voice.end_scene()

    @classmethod
    def with_voice(cls, voice: Voice | None) -> type[ExplainerScene]:
        """A subclass whose captions `voice` speaks (None: silent)."""
        return type(cls.__name__, (cls,), {"voice": voice, "__module__": cls.__module__})

    @classmethod
    def with_burned_captions(cls) -> type[ExplainerScene]:
        """A subclass that also draws its captions into the picture."""
        return type(cls.__name__, (cls,), {"burn_captions": True, "__module__": cls.__module__})

    # ---- key moments ------------------------------------------------------
    def moment(self, name: str) -> None:
        if name not in self.key_moments:
            raise ValueError(f"{type(self).__name__}.moment({name!r}) is not declared in "
                             f"key_moments {self.key_moments}")
        self.moments_reached.append((name, self.renderer.time))
        for hook in self.moment_hooks:
            hook(self, name)

    # ---- parameters -------------------------------------------------------
    @classmethod
    def with_params(cls, **changes: Any) -> type[ExplainerScene]:
        """A subclass with some parameters replaced; unknown names are an error.

        Values are not validated here: they were checked once, where the user's input
        was read (`rendering.specs.read_params`, which points at `file:line`), and a
        worker that rebuilds the class from that checked target needs no second check.
        """
        fields = {f.name for f in dataclasses.fields(cls.params)}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise ValueError(f"{cls.name} has no parameter {', '.join(unknown)}; "
                             f"it takes {', '.join(sorted(fields)) or 'none'}")
        params = dataclasses.replace(cls.params, **changes)
        return type(cls.__name__, (cls,), {"params": params, "__module__": cls.__module__})
