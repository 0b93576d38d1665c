"""The base of every clip: captions, named key moments, and parameters.

* `narrate(text)` starts a caption that lasts until the next one (Manim
  subcaptions, written as .srt beside the video); `settle()` holds the frame
  until the current caption has been up long enough to be read.
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

from .theme import THEME

MomentHook = Callable[["ExplainerScene", str], None]
READING_SPEED = 15.0  # characters per second, a common subtitle guideline


def reading_time(text: str) -> float:
    """Seconds a viewer needs to read `text` as a caption."""
    return len(text) / READING_SPEED


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

    def setup(self) -> None:
        self.camera.background_color = ManimColor(THEME.background)
        self.captions: list[tuple[str, float, float]] = []
        self.moments_reached: list[tuple[str, float]] = []
        self._open_caption: tuple[str, float] | None = None

    # ---- captions ---------------------------------------------------------
    def narrate(self, text: str) -> None:
        """Show `text` as the caption from now until the next narrate().

        The previous caption first gets the rest of its reading time, so no
        caption ever flashes by faster than it can be read.
        """
        self._finish_reading()
        self._close_caption()
        self._open_caption = (text, self.renderer.time)

    def _finish_reading(self) -> None:
        if self._open_caption is not None:
            text, start = self._open_caption
            remaining = reading_time(text) - (self.renderer.time - start)
            if remaining > 0.05:
                self.wait(remaining)

    def settle(self, minimum: float = 0.5) -> None:
        """Wait until the current caption has been up for its reading time (and at
        least `minimum` more seconds, so the last animation is seen at rest)."""
        if self._open_caption is None:
            self.wait(minimum)
            return
        text, start = self._open_caption
        self.wait(max(reading_time(text) - (self.renderer.time - start), minimum))

    def _close_caption(self) -> None:
        if self._open_caption is None:
            return
        text, start = self._open_caption
        self._open_caption = None
        duration = self.renderer.time - start
        if duration <= 0:
            return
        self.add_subcaption(text, duration=duration, offset=-duration)
        self.captions.append((text, start, start + duration))

    def tear_down(self) -> None:
        try:
            self._finish_reading()
        except EndSceneEarlyException:  # a render cut short (upto_animation_number)
            pass
        self._close_caption()

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
        """A subclass with some parameters replaced; unknown names are an error."""
        fields = {f.name for f in dataclasses.fields(cls.params)}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise ValueError(f"{cls.name} has no parameter {', '.join(unknown)}; "
                             f"it takes {', '.join(sorted(fields)) or 'none'}")
        params = dataclasses.replace(cls.params, **changes)
        if hasattr(params, "validate"):
            params.validate()
        return type(cls.__name__, (cls,), {"params": params, "__module__": cls.__module__})
