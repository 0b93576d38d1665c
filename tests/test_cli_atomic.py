"""Nothing is lost: an interrupted or failed render leaves the previous output as it was.

The late interrupts are delivered deterministically: tests/fixtures/faults/sitecustomize.py
(on PYTHONPATH) pauses render.py at the exact moment named, the test sends the signal
there, then lets the process go on.
"""

import operator
import os
import signal
import subprocess
import sys
import time

import pytest

from cli_support import (
    FIXTURES,
    RENDER,
    ROOT,
    descendants,
    needs_proc,
    needs_video,
    one_line_error,
    resume,
    run,
    running,
    snapshot,
    start_with_fault,
    stopped,
    temporaries,
    wait_until_paused,
)

OLD_VIDEO = b"the previous good render"
OLD_CAPTIONS = b"1\n00:00:00,000 --> 00:00:01,000\nthe previous captions\n"
SIGNAL_NAME = operator.attrgetter("name")


def alive(family: dict[int, str]) -> list[int]:
    return [pid for pid, started in family.items() if running(pid, started)]


def previous_renders(out, *labels):
    """`out` holding an earlier video and captions for each label: what must survive."""
    out.mkdir(parents=True, exist_ok=True)
    for label in labels:
        (out / f"{label}.mp4").write_bytes(OLD_VIDEO)
        (out / f"{label}.srt").write_bytes(OLD_CAPTIONS)
    return snapshot(out)


@needs_video
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=SIGNAL_NAME)
def test_interrupted_render_keeps_the_previous_output(tmp_path, how):
    video = tmp_path / "tiny_scenes.Slow.mp4"
    video.write_bytes(OLD_VIDEO)

    proc = subprocess.Popen([*RENDER, "render", "tiny_scenes.py:Slow", "--out", str(tmp_path),
                             "--force", "--jobs", "1"], cwd=FIXTURES,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    deadline = time.time() + 120
    while not list(tmp_path.glob(".tmp-*/**/*.mp4")) and time.time() < deadline:
        time.sleep(0.1)  # wait until Manim has written its first video segment
    assert proc.poll() is None, "the render should still be running"
    proc.send_signal(how)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # seen twice on a loaded machine: say where it hung
        proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"render.py still running 60 s after {how.name}; its stacks:\n{err}")
    assert proc.returncode == (-how if how == signal.SIGKILL else 130), err
    assert video.read_bytes() == OLD_VIDEO  # untouched: nothing half-written took its place
    assert "Traceback" not in err
    if how != signal.SIGKILL:
        assert "interrupted" in err

    # the next run in that folder removes what the interrupted one left behind
    assert run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path)).returncode == 0
    assert not temporaries(tmp_path)


@needs_video
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=SIGNAL_NAME)
@pytest.mark.parametrize("fault", ["write", "rename", "between-renames"])
def test_a_late_interrupt_keeps_the_previous_output(tmp_path, fault, how):
    """Stopped while Manim writes the final video, just before it is moved into place, or
    between moving the captions and the video: the old video and captions both stay."""
    out, flags = tmp_path / "out", tmp_path / "flags"
    before = previous_renders(out, "tiny_scenes.Tiny")
    proc = start_with_fault(fault, out, flags, "render", "tiny_scenes.py:Tiny", "--out",
                            str(out), "--force", "--jobs", "1")
    wait_until_paused(proc, flags)
    proc.send_signal(how)
    resume(flags)
    err = stopped(proc, flags)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert snapshot(out) == before  # same files, same bytes; no temporaries, no new key


@needs_video
@needs_proc
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=SIGNAL_NAME)
def test_interrupting_parallel_workers_leaves_no_process_behind(tmp_path, how):
    """--jobs 2, both workers busy writing their videos: the main process is stopped (or
    killed outright), and every process it started goes with it."""
    out, flags = tmp_path / "out", tmp_path / "flags"
    labels = ("tiny_scenes.Tiny", "tiny_scenes.Tiny2")
    before = previous_renders(out, *labels)
    proc = start_with_fault("write", out, flags, "render", "tiny_scenes.py:Tiny",
                            "tiny_scenes.py:Tiny2", "--out", str(out), "--force", "--jobs", "2")
    workers = wait_until_paused(proc, flags, count=2)
    family = descendants(proc.pid)  # the workers, and multiprocessing's resource tracker
    assert set(workers) <= set(family)
    try:
        proc.send_signal(how)  # to the main process only, as `kill PID` does
        err = stopped(proc, flags)
        deadline = time.monotonic() + 10
        while alive(family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(family), "orphans left running"
    finally:  # a failing test must not leave them rendering either
        for pid in alive(family):
            os.kill(pid, signal.SIGKILL)
    if how == signal.SIGKILL:  # no chance to clean up: the next run does
        assert proc.returncode == -signal.SIGKILL
        assert {(out / f"{label}.mp4").read_bytes() for label in labels} == {OLD_VIDEO}
        assert run("render", "tiny_scenes.py:Tiny", "--out", str(out)).returncode == 0
        assert not temporaries(out)
    else:
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        assert "leaked" not in err  # no resource-tracker complaint about killed workers
        assert snapshot(out) == before  # the workers' temporaries are gone too


@needs_video
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_render_keeps_the_previous_output(tmp_path, jobs):
    """An exception inside construct: one error line, exit 1, the old files byte for byte.
    With --jobs 2 the failure happens in a worker, beside a render that succeeds."""
    before = previous_renders(tmp_path, "failing_scene.Breaks")
    targets = ["failing_scene.py:Breaks"] + (["tiny_scenes.py:Tiny"] if jobs == 2 else [])
    done = run("render", *targets, "--out", str(tmp_path), "--jobs", str(jobs), "--quiet")
    one_line_error(done, "error: failing_scene.Breaks: render failed: RuntimeError: "
                         "the lecturer's bug on line 10", code=1)
    assert "failing_scene.Breaks: failing_scene.Breaks" not in done.stderr  # said once
    after = snapshot(tmp_path)
    if jobs == 2:
        assert done.stdout.split() == [str(tmp_path / "tiny_scenes.Tiny.mp4")]
        assert {"tiny_scenes.Tiny.mp4", "tiny_scenes.Tiny.srt"} <= set(after)
        after = {k: v for k, v in after.items() if not k.startswith(("tiny_scenes", ".tiny"))}
    assert after == before


SWALLOWED = """
import os, signal, sys
from pathlib import Path
from rendering import interrupt
from rendering.files import atomic_text
interrupt.install()
try:  # what a C extension's callback does with an exception it cannot pass on
    os.kill(os.getpid(), signal.SIGTERM)
except BaseException:
    pass
try:
    atomic_text(Path(sys.argv[1]), "a new file written after the stop")
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_a_swallowed_interrupt_still_puts_nothing_in_place(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("the previous good file")
    done = subprocess.run([sys.executable, "-c", SWALLOWED, str(target)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert target.read_text() == "the previous good file"
    assert not temporaries(tmp_path)


WEDGED = """
import os, signal, threading
from rendering import interrupt
interrupt.install(grace=1)
held = threading.Lock()
held.acquire()
try:
    os.kill(os.getpid(), signal.SIGINT)
    held.acquire()
except KeyboardInterrupt:  # what Manim's encoder abort does after a badly placed stop:
    held.acquire()         # wait for a thread that will never finish
"""


def test_a_stop_that_cannot_wind_down_still_ends_the_command():
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WEDGED], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert "did not wind down" in done.stderr and "earlier versions left in place" in done.stderr
    assert time.monotonic() - start < 20  # the grace given (1 s) and a Python start


# ---- captions that belong to no video, and the lecture's three outputs --------------------
@needs_video
def test_a_render_without_captions_takes_the_old_ones_away(tmp_path):
    """Tiny2 narrates nothing: captions left by an earlier render would play over a video
    they do not belong to."""
    previous_renders(tmp_path, "tiny_scenes.Tiny2")
    done = run("render", "tiny_scenes.py:Tiny2", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tiny_scenes.Tiny2.mp4").read_bytes() != OLD_VIDEO
    assert not (tmp_path / "tiny_scenes.Tiny2.srt").exists()
    assert not temporaries(tmp_path)


@needs_video
def test_a_late_interrupt_keeps_the_old_captions_of_a_render_without_any(tmp_path):
    """Stopped after the new video is in place, before the old captions are gone: both
    old files are back."""
    out, flags = tmp_path / "out", tmp_path / "flags"
    before = previous_renders(out, "tiny_scenes.Tiny2")
    proc = start_with_fault("between-renames", out, flags, "render", "tiny_scenes.py:Tiny2",
                            "--out", str(out), "--force", "--jobs", "1")
    wait_until_paused(proc, flags)
    proc.send_signal(signal.SIGTERM)
    resume(flags)
    err = stopped(proc, flags)
    assert proc.returncode == 130, err
    assert snapshot(out) == before


LECTURE = ("small_lecture.mp4", "small_lecture.srt", "small_lecture.chapters.txt")


@needs_video
def test_a_late_interrupt_keeps_the_previous_lecture(tmp_path):
    """Stopped between moving the joined video and its captions and chapter list into
    place: the earlier three stay together, and none is marked fresh."""
    out, flags = tmp_path / "out", tmp_path / "flags"
    out.mkdir()
    for name in LECTURE:
        (out / name).write_bytes(b"the previous lecture's " + name.encode())
    before = {name: (out / name).read_bytes() for name in LECTURE}
    proc = start_with_fault("between-renames", out, flags, "lecture", "small_lecture.toml",
                            "--out", str(out), "--jobs", "1")
    wait_until_paused(proc, flags)  # the clips are rendered (into out/low), the join is done
    proc.send_signal(signal.SIGTERM)
    resume(flags)
    err = stopped(proc, flags)
    assert proc.returncode == 130, err
    assert {name: (out / name).read_bytes() for name in LECTURE} == before
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(LECTURE)


def test_a_stop_during_a_commit_puts_back_what_it_removed(tmp_path, monkeypatch):
    """The stop lands after the rename and the removal, at the commit's last check."""
    from rendering import files, interrupt

    video, captions = tmp_path / "clip.mp4", tmp_path / "clip.srt"
    video.write_bytes(OLD_VIDEO)
    captions.write_bytes(OLD_CAPTIONS)
    new = tmp_path / ".tmp-1-clip.mp4"
    new.write_bytes(b"a new video without captions")
    checks = []

    def check():
        checks.append(len(checks))
        if len(checks) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(interrupt, "check", check)
    with pytest.raises(KeyboardInterrupt):
        files.commit((new, video), remove=[captions])
    assert video.read_bytes() == OLD_VIDEO and captions.read_bytes() == OLD_CAPTIONS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "clip.srt"]


@needs_video
def test_a_stop_while_joining_keeps_the_previous_lecture(tmp_path, monkeypatch):
    """The stop lands after ffmpeg has written the joined video, while the chapter list is
    being made: none of the three new files is in place yet, so the old three stay."""
    from rendering import lecture
    from rendering.targets import ClassInFile

    clips = tmp_path / "clips"
    done = run("render", "tiny_scenes.py:Tiny", "tiny_scenes.py:Tiny2", "--out", str(clips),
               "--quiet")
    assert done.returncode == 0, done.stderr
    manifest = tmp_path / "talk.toml"
    manifest.write_text("a manifest\n")
    chapters = tuple(lecture.Chapter(name, ClassInFile(FIXTURES / "tiny_scenes.py", name))
                     for name in ("Tiny", "Tiny2"))
    talk = lecture.Lecture(manifest, "A talk", "low", chapters)
    out = tmp_path / "out" / "talk.mp4"
    out.parent.mkdir()
    for path in lecture.outputs(out):
        path.write_bytes(b"the previous " + path.name.encode())
    before = snapshot(out.parent)

    def stopped_here(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(lecture, "timestamp", stopped_here)
    with pytest.raises(KeyboardInterrupt):
        lecture.join(talk, [clips / "tiny_scenes.Tiny.mp4", clips / "tiny_scenes.Tiny2.mp4"],
                     out)
    assert snapshot(out.parent) == before
