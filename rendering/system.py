"""Check the system libraries and tools Manim needs, before any work starts.

Each missing piece gives one line saying what is missing and how to get it;
`make setup` installs all of them (see the Makefile).
"""

from __future__ import annotations

import shutil

from .errors import UserError

APT = "sudo apt-get install --no-install-recommends"


def require_ffmpeg() -> None:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        raise UserError(f"ffmpeg is missing (ffmpeg/ffprobe not on PATH): run `make setup` "
                        f"or `{APT} ffmpeg`")


def require_latex() -> None:
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise UserError(f"LaTeX is missing ({', '.join(missing)} not on PATH): run `make setup` "
                        f"or `{APT} texlive-latex-base texlive-latex-extra dvisvgm`")


def require_cairo() -> None:
    """pycairo and ManimPango load the Cairo and Pango shared libraries on import."""
    try:
        import cairo  # noqa: F401
        import manimpango  # noqa: F401
    except ImportError as exc:
        raise UserError(f"Cairo/Pango libraries are missing ({exc}): run `make setup` or "
                        f"`{APT} libcairo2-dev libpango1.0-dev pkg-config`") from None


def require_all(video: bool = True) -> None:
    """Everything a render needs; figures need no ffmpeg."""
    require_cairo()
    require_latex()
    if video:
        require_ffmpeg()
