"""The command line: `python render.py list | words | render | lecture | figures`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import UserError
from .presets import FORMATS, QUALITIES

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


def cmd_list(args: argparse.Namespace) -> int:
    from scenes import registry

    scenes = registry()
    width = max(map(len, scenes))
    for name, info in scenes.items():
        print(f"{name:<{width}}  {info.description}")
    return 0


def cmd_words(args: argparse.Namespace) -> int:
    from attention_core import load_model

    print(" ".join(sorted(load_model().vocab)))
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from scenes import UnknownSceneError, scene_info

    from .targets import SceneRef
    from .worker import Job, render

    out_dir = Path(args.out) if args.out else BUILD / args.quality
    for target in args.targets:
        try:
            scene_info(target)
        except UnknownSceneError as exc:
            raise UserError(str(exc)) from None
        ext = "mov" if args.transparent and args.format == "mp4" else args.format
        job = Job(SceneRef("scene", target), args.quality, ext, out_dir / f"{target}.{ext}",
                  transparent=args.transparent)
        print(render(job))
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from scenes import UnknownSceneError, registry, scene_info

    from .figures import render_figures
    from .targets import SceneRef

    names = args.names or list(registry())
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    out_root = Path(args.out) if args.out else BUILD / "figures"
    for name in names:
        try:
            scene_info(name)
        except UnknownSceneError as exc:
            raise UserError(str(exc)) from None
        for path in render_figures(SceneRef("scene", name), out_root / name, formats,
                                   moments=args.moment or None, transparent=args.transparent):
            print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="render.py", description="Render attention explainers.")
    p.add_argument("--verbose", action="store_true", help="show tracebacks and Manim's log")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="scene names with a one-line description").set_defaults(
        func=cmd_list)
    sub.add_parser("words", help="the words the toy model knows").set_defaults(func=cmd_words)

    r = sub.add_parser("render", help="render scenes to video files under build/")
    r.add_argument("targets", nargs="+", metavar="TARGET", help="a scene name")
    r.add_argument("--quality", "-q", choices=list(QUALITIES), default="low")
    r.add_argument("--format", "-f", choices=list(FORMATS), default="mp4")
    r.add_argument("--transparent", action="store_true", help="transparent background (mov)")
    r.add_argument("--out", help="output folder (default: build/QUALITY)")
    r.set_defaults(func=cmd_render)

    f = sub.add_parser("figures", help="stills at each scene's key moments, for slides")
    f.add_argument("names", nargs="*", metavar="NAME", help="scene names (default: all)")
    f.add_argument("--format", default="png", help="comma-separated: png,svg,pdf")
    f.add_argument("--moment", action="append", help="only this key moment (repeatable)")
    f.add_argument("--transparent", action="store_true", help="no background")
    f.add_argument("--out", help="output folder (default: build/figures)")
    f.set_defaults(func=cmd_figures)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("MANIM_DISABLE_VERSION_CHECK", "1")
    try:
        return args.func(args)
    except UserError as exc:
        if args.verbose:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: finished outputs were kept, unfinished ones discarded",
              file=sys.stderr)
        return 130
