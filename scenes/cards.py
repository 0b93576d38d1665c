"""Title cards between a lecture's clips. Not a lecture scene of its own: a lecture
manifest adds one with `card = "..."`; the registry does not list it. To the command
line a card is `rendering.targets.TitleCard`: this class with its parameters."""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, FadeIn, FadeOut

from scenes.kit import THEME, ExplainerScene, ParamError, fit_width, label


@dataclass(frozen=True)
class CardParams:
    title: str = "Attention in transformers"
    subtitle: str = ""
    seconds: float = 4.0

    def validate(self) -> None:
        if not self.title.strip():
            raise ValueError("a title card needs a non-empty title")
        if not 1.5 <= self.seconds <= 30:
            raise ParamError("seconds", f"a card lasts 1.5 to 30 seconds, got {self.seconds}")


class TitleCard(ExplainerScene):
    description = "A title card: a heading and an optional subtitle."
    params = CardParams()

    def construct(self) -> None:
        p = self.params
        title = fit_width(label(p.title, THEME.title))
        parts = [title]
        if p.subtitle:
            sub = fit_width(label(p.subtitle, THEME.heading, THEME.muted))
            parts.append(sub.next_to(title, DOWN, buff=0.4))
        self.narrate(p.title + (f": {p.subtitle}" if p.subtitle else ""))
        self.play(*[FadeIn(m, shift=DOWN * 0.1) for m in parts], run_time=1)
        self.wait(max(p.seconds - 1.5, 0.1))
        self.play(*[FadeOut(m) for m in parts], run_time=0.5)
