"""The command line: `python render.py list | words | render | lecture | figures | sheet |
script`.

    render.py render apple_in_context                 a scene, at low quality
    render.py render my_scenes.py:Intro talk.toml -q high -f webm
    render.py render values --voice joe               narrated by Piper's "joe"
    render.py lecture                                 the default lecture, with chapters
    render.py render softmax --burn-captions          captions drawn into the picture
    render.py figures attention_pattern --format png,svg,pdf
    render.py sheet                                   every key moment, one PNG grid
    render.py sheet values --handout                  a PDF, a page per key moment
    render.py script                                  what the lecture says, to record
    render.py lecture --voice-dir my_voice            ... in the lecturer's own voice
"""

from __future__ import annotations

import argparse
import os
import sys
import typing
from pathlib import Path

from . import BUILD, ROOT, interrupt
from .errors import UserError
from .presets import FORMATS, QUALITIES

DEFAULT_MANIFEST = ROOT / "assets" / "lectures" / "attention.toml"


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


def _reporter(args):
    from .progress import Reporter

    return Reporter(quiet=args.quiet)


def _run(args, tasks, reporter):
    """The command's tasks, through the runner the options choose."""
    from .pool import LocalPool
    from .runner import run_tasks

    if args.cluster:
        from .cluster import ClusterRunner

        return run_tasks(tasks, ClusterRunner(args.cluster, args.verbose), args.force, reporter)
    return run_tasks(tasks, LocalPool(args.jobs), args.force, reporter)


def _finish(args, outcomes, reporter, extra_rows=(), paths: bool = True) -> int:
    """Summary table, output paths on stdout (unless `paths` is false: the command prints
    its own), and the exit code."""
    rows = [(o.task.label, o.status, f"{o.seconds:.1f}s" if o.status == "rendered" else "-",
             _short(o.outputs[0] if o.outputs else o.task.outputs[0])) for o in outcomes]
    reporter.table(rows + list(extra_rows))
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        if args.verbose:
            print(o.trace, file=sys.stderr)
        _error(f"{o.task.label}: {o.error}")
    for o in outcomes:
        if o.status != "failed" and paths:
            for path in o.outputs:
                print(path)
    if not failed:
        return 0
    # a bad recording, say, found mid-render is the user's to fix, as it is before one
    return min(o.exit_code for o in failed)


def _error(message: str) -> None:
    """One line on stderr, even when a library's message (ffmpeg's, say) spans several."""
    print("error: " + " ".join(line.strip() for line in message.splitlines() if line.strip()),
          file=sys.stderr)


def _short(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _chosen(args, default: str | None) -> str | None:
    """The voice the command line names (--voice, --voice-dir), else `default`: the one a
    spec or manifest names, or silence."""
    from . import voices

    if args.voice_dir is not None:
        return voices.folder(Path(args.voice_dir))
    if args.voice is not None:
        return voices.named(args.voice)
    return default


def _check_strict(args, spoken) -> None:
    from . import voices

    if args.strict and not any(voices.is_recorded(v) for v in spoken):
        raise UserError("--strict is for recordings: give --voice-dir DIR (or a voice-dir "
                        "key in the spec or manifest)")


def _prepare_voices(args, spoken: dict, reporter) -> dict:
    """Before any render: each voice is loaded (a missing voice package: one line, exit 2);
    with recordings, each scene's captions are found (a dry run, cached), every recording
    is decoded and the missing ones named in one line (an error with --strict). The
    captions each recorded clip says, for its key."""
    from . import voices
    from .errors import RenderFailed
    from .script import CaptionsTask

    for spec in {v for v in spoken.values() if v is not None}:
        voices.load(spec, args.strict)
    recorded = [t for t, v in spoken.items() if voices.is_recorded(v)]
    if not recorded:
        return {}
    outcomes = _run(args, [CaptionsTask.of(t) for t in dict.fromkeys(recorded)], reporter)
    failed = [f"{o.task.label}: {o.error}" for o in outcomes if o.status == "failed"]
    if failed:
        raise RenderFailed("; ".join(failed))
    said = {o.task.target: tuple(o.task.captions()) for o in outcomes}
    for spec in {spoken[t] for t in recorded}:
        warning = voices.prepare(spec, args.strict,
                                 [c for t in recorded if spoken[t] == spec for c in said[t]])
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    return said


def cmd_render(args: argparse.Namespace) -> int:
    from . import system
    from .files import output_folder
    from .resolve import resolve
    from .worker import VideoTask

    if args.transparent and args.format == "mp4":
        raise UserError("mp4 cannot be transparent: use --format mov or --format webm")
    targets = [t for text in args.targets for t in resolve(text)]
    system.require_all(video=True)
    out_dir = output_folder(Path(args.out) if args.out else BUILD / args.quality)
    reporter = _reporter(args)
    spoken = {target: _chosen(args, target.voice) for target in targets}
    _check_strict(args, spoken.values())
    if args.format == "gif" and any(spoken.values()):
        print("note: gif holds no sound: rendering without the voice (the captions still go "
              "to the .srt); use -f mp4 or -f webm to hear it", file=sys.stderr)
        spoken = dict.fromkeys(targets)
    said = _prepare_voices(args, spoken, reporter)
    tasks = [VideoTask(target, args.quality, args.format, out_dir / f"{target.label}."
                       f"{args.format}", args.transparent, args.burn_captions,
                       spoken[target], args.strict, said.get(target, ()))
             for target in targets]
    return _finish(args, _run(args, tasks, reporter), reporter)


def cmd_lecture(args: argparse.Namespace) -> int:
    from . import cache, system
    from .files import output_folder
    from .lecture import join, join_key, read_manifest
    from .lecture import outputs as lecture_outputs
    from .voices import tag
    from .worker import VideoTask

    lecture = read_manifest(Path(args.manifest), quality=args.quality,
                            burn_captions=args.burn_captions or None)
    system.require_all(video=True)
    voice = _chosen(args, lecture.voice)  # one voice for every chapter, cards included
    _check_strict(args, [voice])
    out_dir = output_folder(Path(args.out) if args.out else BUILD / "lectures")
    # a narrated lecture's clips are kept apart from silent renders of the same scenes,
    # so switching between the two never re-renders either
    clip_dir = output_folder((Path(args.out) if args.out else BUILD) / lecture.quality
                             / tag(voice))
    unique = list(dict.fromkeys(ch.target for ch in lecture.chapters))
    reporter = _reporter(args)
    said = _prepare_voices(args, dict.fromkeys(unique, voice), reporter)
    tasks = [VideoTask(target, lecture.quality, "mp4", clip_dir / f"{target.label}.mp4",
                       burn_captions=lecture.burn_captions, voice=voice, strict=args.strict,
                       said=said.get(target, ())) for target in unique]
    outcomes = _run(args, tasks, reporter)
    if any(o.status == "failed" for o in outcomes):
        return _finish(args, outcomes, reporter)
    clip_of = {o.task.target: o for o in outcomes}
    clips = [clip_of[ch.target].task.outputs[0] for ch in lecture.chapters]
    out = out_dir / f"{lecture.name}.mp4"
    key = join_key(lecture, [clip_of[ch.target].key for ch in lecture.chapters])
    outputs = lecture_outputs(out)
    if args.force or not cache.is_fresh(outputs, key):
        join(lecture, clips, out)
        cache.mark_fresh(outputs, key)
        status = "joined"
    else:
        status = "up to date"
    code = _finish(args, outcomes, reporter, [(lecture.name, status, "-", _short(out))])
    for path in outputs[1:] + outputs[:1]:
        print(path)
    return code


def cmd_figures(args: argparse.Namespace) -> int:
    from scenes import registry

    from . import system
    from .figures import FIGURE_FORMATS, FigureTask
    from .files import output_folder
    from .targets import RegisteredScene, known_scene

    formats = tuple(dict.fromkeys(f.strip() for f in args.format.split(",") if f.strip()))
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad or not formats:
        raise UserError(f"unknown figure format {', '.join(bad) or '(none)'}; choose from "
                        f"{', '.join(FIGURE_FORMATS)}, comma-separated")
    out_root = Path(args.out) if args.out else BUILD / "figures"
    tasks: list[FigureTask] = []
    for name in args.names or list(registry()):
        info = known_scene(name)
        moments = tuple(args.moment) if args.moment else info.key_moments
        if not moments:
            raise UserError(f"{name} declares no key moments to take stills at")
        unknown = [m for m in moments if m not in info.key_moments]
        if unknown:
            raise UserError(f"{name} has no key moment {', '.join(unknown)}; its moments: "
                            f"{', '.join(info.key_moments)}")
        tasks.append(FigureTask(RegisteredScene(name), out_root / name, formats,
                                tuple(moments), args.transparent))
    system.require_all(video=False)
    output_folder(out_root)
    reporter = _reporter(args)
    return _finish(args, _run(args, tasks, reporter), reporter)


def cmd_sheet(args: argparse.Namespace) -> int:
    from . import system
    from .files import output_folder
    from .handout import Handout
    from .sheet import ContactSheet, Sheet

    sheet = Sheet.read(args.inputs or [str(DEFAULT_MANIFEST)])
    product = Handout() if args.handout else ContactSheet()
    system.require_all(video=False)
    product.require()
    out_dir = output_folder(Path(args.out) if args.out else BUILD / "sheets")
    tasks = sheet.tasks(output_folder(out_dir / "moments"))
    reporter = _reporter(args)
    outcomes = _run(args, tasks, reporter)
    if any(o.status == "failed" for o in outcomes):
        return _finish(args, outcomes, reporter, paths=False)
    out, status = sheet.make(product, tasks, [o.key for o in outcomes], out_dir, args.force)
    code = _finish(args, outcomes, reporter, [(out.name, status, "-", _short(out))],
                   paths=False)
    print(out)
    return code


def cmd_script(args: argparse.Namespace) -> int:
    """What every scene of a lecture (or the scenes named) says, with caption ids."""
    from narration import write_script

    from . import system
    from .files import output_folder
    from .lecture import is_manifest, read_manifest
    from .resolve import resolve
    from .script import CaptionsTask

    if is_manifest(Path(args.target)):
        lecture = read_manifest(Path(args.target))
        parts = [(f"{ch.title} ({ch.target.label})", ch.target) for ch in lecture.chapters]
        name = lecture.name
    else:
        targets = resolve(args.target)
        parts = [(t.label, t) for t in targets]
        name = targets[0].label if len(targets) == 1 else Path(args.target).stem
    system.require_all(video=False)
    out = Path(args.out) if args.out else BUILD / "scripts" / f"{name}.txt"
    output_folder(out.parent)
    tasks = [CaptionsTask.of(t) for t in dict.fromkeys(t for _, t in parts)]
    reporter = _reporter(args)
    outcomes = _run(args, tasks, reporter)
    if any(o.status == "failed" for o in outcomes):
        return _finish(args, outcomes, reporter)
    said = {o.task.target: o.task.captions() for o in outcomes}
    print(write_script({heading: said[target] for heading, target in parts}, out))
    return 0


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def _cluster(text: str) -> str:
    from .cluster import cluster_address

    try:
        return cluster_address(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one `error:` line like every other."""

    def error(self, message: str) -> typing.NoReturn:
        _error(f"{message} (see {self.prog} --help)")
        sys.exit(2)


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="render.py", description="Render attention explainers.")
    p.add_argument("--verbose", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    def running(cmd: argparse.ArgumentParser, out: str = "output folder") -> None:
        cmd.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1,
                         help="scenes rendered at once, each in its own process "
                              "(default: number of cores)")
        cmd.add_argument("--cluster", metavar="ADDRESS", type=_cluster,
                         help="render on a Dask cluster instead: its scheduler "
                              "(tcp://host:8786), or local:N for N worker processes here "
                              "(--jobs is then unused)")
        cmd.add_argument("--force", action="store_true", help="render even if up to date")
        cmd.add_argument("--quiet", action="store_true", help="no progress bars or table")
        cmd.add_argument("--out", help=out)
        cmd.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="show tracebacks")

    def burning(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--burn-captions", action="store_true",
                         help="also draw the captions into the picture (for viewers "
                              "watching with the sound off)")

    sub.add_parser("list", help="scene names with a one-line description").set_defaults(
        func=cmd_list)
    sub.add_parser("words", help="the words the toy model knows").set_defaults(func=cmd_words)

    r = sub.add_parser("render", help="render scenes, Python files or TOML specs to video")
    r.add_argument("targets", nargs="+", metavar="TARGET",
                   help="a scene name, file.py, file.py:ClassName, or spec.toml")
    r.add_argument("--quality", "-q", choices=list(QUALITIES), default="low",
                   help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60")
    r.add_argument("--format", "-f", choices=list(FORMATS), default="mp4")
    r.add_argument("--transparent", action="store_true", help="transparent background "
                                                              "(mov or webm)")
    burning(r)
    speaking(r, "silent, unless a spec names a voice")
    running(r)
    r.set_defaults(func=cmd_render)

    lec = sub.add_parser("lecture", help="render a lecture manifest into one chaptered video")
    lec.add_argument("manifest", nargs="?", default=str(DEFAULT_MANIFEST),
                     help="lecture manifest (default: assets/lectures/attention.toml)")
    lec.add_argument("--quality", "-q", choices=list(QUALITIES), default=None,
                     help="override the manifest's quality")
    burning(lec)
    speaking(lec, "the manifest's voice key, else silent")
    running(lec)
    lec.set_defaults(func=cmd_lecture)

    f = sub.add_parser("figures", help="stills at each scene's key moments, for slides")
    f.add_argument("names", nargs="*", metavar="NAME", help="scene names (default: all)")
    f.add_argument("--format", default="png", help="comma-separated: png,svg,pdf")
    f.add_argument("--moment", action="append", help="only this key moment (repeatable)")
    f.add_argument("--transparent", action="store_true", help="no background")
    running(f)
    f.set_defaults(func=cmd_figures)

    sh = sub.add_parser("sheet", help="every key moment on one sheet: a PNG grid to review, "
                                      "or --handout, a PDF for students")
    sh.add_argument("inputs", nargs="*", metavar="NAME|MANIFEST",
                    help="scene names (or file.py, file.py:Class, spec.toml), or one lecture "
                         "manifest (default: assets/lectures/attention.toml)")
    sh.add_argument("--handout", action="store_true",
                    help="a PDF instead: one key moment a page, its vector still and the "
                         "captions spoken around it")
    running(sh)
    sh.set_defaults(func=cmd_sheet)

    sc = sub.add_parser("script", help="the narration script: every caption with its id, to "
                                       "record for --voice-dir")
    sc.add_argument("target", nargs="?", default=str(DEFAULT_MANIFEST), metavar="NAME|MANIFEST",
                    help="a scene name, file.py[:Class], spec.toml or lecture manifest "
                         "(default: assets/lectures/attention.toml)")
    running(sc, out="the script file (default: build/scripts/NAME.txt)")
    sc.set_defaults(func=cmd_script)
    return p


def speaking(cmd: argparse.ArgumentParser, default: str) -> None:
    """--voice, --voice-dir and --strict, for the commands that render video."""
    from narration import MODELS

    from .voices import SILENT

    voice = cmd.add_mutually_exclusive_group()
    voice.add_argument("--voice", choices=[*sorted(MODELS), SILENT],
                       help=f"speak the captions with an offline Piper voice, or none "
                            f"(default: {default})")
    voice.add_argument("--voice-dir", metavar="DIR",
                       help="speak them with your own recordings, DIR/<id>.wav (ids from "
                            "`render.py script`); a missing one is spoken by joe")
    cmd.add_argument("--strict", action="store_true",
                     help="with --voice-dir: a missing recording is an error")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("MANIM_DISABLE_VERSION_CHECK", "1")
    interrupt.install()
    try:
        status = args.func(args)
        interrupt.check()  # an interrupt that a C callback swallowed still stops us
        return status
    except UserError as exc:
        if args.verbose:
            raise
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        print(interrupt.LINE, file=sys.stderr)
        return 130
