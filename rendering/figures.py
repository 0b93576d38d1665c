"""Stills for slides, taken at a scene's named key moments: PNG, SVG and PDF.

The scene runs with animations skipped and with no frame drawn at all until a
wanted moment is reached: then the frame is drawn once, as pixels (PNG) and/or
as vector paths on cairo's SVG and PDF surfaces, with the exact same drawing
calls Manim uses for pixels, so colours and geometry match. The run stops
after the last wanted moment. `FigureTask` is that work as a task (tasks.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RenderFailed
from .files import atomic_write, tmp_prefix
from .targets import Target
from .tasks import Progress, Task

FIGURE_FORMATS = ("png", "svg", "pdf")
WIDTH, HEIGHT = 1920, 1080


@dataclass(frozen=True)
class FigureTask(Task):
    """Stills of `target` at `moments`, one file per moment and format, in `out_dir`."""

    target: Target
    out_dir: Path
    formats: tuple[str, ...]
    moments: tuple[str, ...]
    transparent: bool = False

    @property
    def label(self) -> str:
        return f"{self.target.label} (figures)"

    @property
    def outputs(self) -> tuple[Path, ...]:
        return tuple(self.out_dir / f"{m}.{f}" for m in self.moments for f in self.formats)

    def options(self) -> dict[str, Any]:
        return {"formats": self.formats, "moments": self.moments,
                "transparent": self.transparent}

    def run(self, progress: Progress, slot: int) -> list[Path]:
        """Stills take no time on the clip's clock: there is no progress to report."""
        return render_figures(self.target, self.out_dir, self.formats, self.moments,
                              self.transparent)


class _Done(Exception):
    """Raised from a moment hook once every wanted still is written."""


def _draw_vector(scene, surface, transparent: bool) -> None:
    """Draw the scene's current frame on a cairo vector surface (SVG or PDF)."""
    import cairo
    import numpy as np
    from manim import Mobject, VMobject
    from manim.utils.color import color_to_rgba
    from manim.utils.iterables import list_update

    camera = scene.renderer.camera
    pw, ph = camera.pixel_width, camera.pixel_height
    fw, fh, fc = camera.frame_width, camera.frame_height, camera.frame_center
    ctx = cairo.Context(surface)
    if not transparent:
        r, g, b, _ = color_to_rgba(camera.background_color)
        ctx.set_source_rgba(r, g, b, camera.background_opacity)
        ctx.paint()
    # the same frame-to-page matrix Manim uses for its pixel surface
    ctx.set_matrix(cairo.Matrix(pw / fw, 0, 0, -(ph / fh), pw / 2 - fc[0] * pw / fw,
                                ph / 2 + fc[1] * ph / fh))
    mobjects = camera.get_mobjects_to_display(list_update(scene.mobjects,
                                                          scene.foreground_mobjects))
    # Manim's pixel buffer is cairo ARGB32 read back as RGBA, so Manim hands cairo
    # colours as BGR. A vector surface has no such buffer: pre-swap, so it comes out RGB.
    bgr = camera.set_cairo_context_color

    def rgb(ctx, rgbas, vmobject):
        swapped = np.array(rgbas, dtype=float, copy=True)
        swapped[:, [0, 2]] = swapped[:, [2, 0]]
        return bgr(ctx, swapped, vmobject)

    camera.set_cairo_context_color = rgb
    try:
        for mob in mobjects:
            if isinstance(mob, VMobject):
                camera.display_vectorized(mob, ctx)
            elif camera.type_or_raise(mob) is not Mobject:
                # a bare Mobject (a ValueTracker) draws nothing, here as in Manim's pixels
                raise RenderFailed(f"{type(mob).__name__} is not a vector drawing; "
                                   "use VMobjects in scenes meant for SVG/PDF figures")
    finally:
        del camera.set_cairo_context_color  # back to the class's method
    surface.finish()


def _capture(scene, name: str, out_dir: Path, formats: Iterable[str], transparent: bool
             ) -> list[Path]:
    import cairo
    from manim.utils.iterables import list_update

    written = []
    camera = scene.renderer.camera
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        if fmt == "png":
            camera.reset()
            camera.capture_mobjects(list_update(scene.mobjects, scene.foreground_mobjects))
            image = camera.get_image()
            if not transparent:
                image = image.convert("RGB")
            atomic_write(path, lambda p, im=image: im.save(p, format="PNG"))
        else:
            surface_cls = cairo.SVGSurface if fmt == "svg" else cairo.PDFSurface
            atomic_write(path, lambda p, cls=surface_cls: _draw_vector(
                scene, cls(str(p), camera.pixel_width, camera.pixel_height), transparent))
        written.append(path)
    return written


def figure_renderer_class():
    """A Cairo renderer that draws nothing unless asked: skipping stays free."""
    from manim.renderer.cairo_renderer import CairoRenderer

    class StillRenderer(CairoRenderer):
        def update_frame(self, *args, **kwargs) -> None:
            return None

    return StillRenderer


def render_figures(target: Target, out_dir: Path, formats: Iterable[str] = ("png",),
                   moments: Iterable[str] | None = None, transparent: bool = False,
                   finished: Callable[[Any], list[Path]] | None = None) -> list[Path]:
    """Write one still per key moment (or per named moment) into `out_dir`.

    The run stops after the last wanted moment, unless `finished` is given: then the scene
    plays to its end and `finished(scene)` writes what only a whole run knows (the
    captions, when each moment came: `moments.MomentsTask`) and returns those files."""
    from manim import tempconfig

    formats = list(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=tmp_prefix("figures"), dir=out_dir) as media, \
            tempconfig({"dry_run": True, "pixel_width": WIDTH, "pixel_height": HEIGHT,
                        "frame_rate": 60, "media_dir": media, "transparent": transparent,
                        "disable_caching": True, "progress_bar": "none",
                        "verbosity": "WARNING"}):
        cls = target.scene_class()
        remaining = set(cls.key_moments if moments is None else moments)

        def hook(scene, name: str) -> None:
            if name in remaining:
                written.extend(_capture(scene, name, out_dir, formats, transparent))
                remaining.discard(name)
                if not remaining and finished is None:
                    raise _Done

        probe = type(cls.__name__, (cls,), {"moment_hooks": (*cls.moment_hooks, hook)})
        scene = probe(renderer=figure_renderer_class()(skip_animations=True),
                      skip_animations=True)
        try:
            scene.render()
        except _Done:
            pass
        if remaining:
            raise RenderFailed(f"never reached moment(s) {', '.join(remaining)}")
        if finished is not None:
            written.extend(finished(scene))
    return written
