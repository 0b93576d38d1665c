"""Captions that stay up long enough to be read.

A caption lasts until the next `narrate()`, so a scene that moves on as soon as
its animations end can flash a long sentence for two seconds. `PacedScene.settle()`
waits until the current caption has been on screen for its reading time
(`READING_SPEED` characters per second, a common subtitle guideline).
"""

from __future__ import annotations

from .scene import ExplainerScene

READING_SPEED = 15.0  # characters per second


def reading_time(text: str) -> float:
    """Seconds a viewer needs to read `text` as a caption."""
    return len(text) / READING_SPEED


class PacedScene(ExplainerScene):
    """An `ExplainerScene` with `settle()`: hold until the caption has been read."""

    def narrate(self, text: str) -> None:
        super().narrate(text)
        self._caption_clock = (self.renderer.time, reading_time(text))

    def settle(self, minimum: float = 0.5) -> None:
        """Wait until the current caption has been up for its reading time (at least
        `minimum` seconds more, so the last animation is seen at rest)."""
        start, needed = getattr(self, "_caption_clock", (self.renderer.time, 0.0))
        self.wait(max(needed - (self.renderer.time - start), minimum))
