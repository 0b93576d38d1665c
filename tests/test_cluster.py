"""render.py --cluster against a real Dask cluster on loopback (issue 14, item 6).

Each cluster here is real processes: one `dask scheduler` and `dask worker`s (one thread
each, no nanny, so a worker is exactly one process), on 127.0.0.1 with ports the
operating system chose, started by the test from this checkout and ended by process id
when the test ends, passed or failed. Every wait has a deadline, and the processes
themselves stop after 15 minutes whatever happens (`--lifetime`, `--idle-timeout`).

This file: what comes back through the cluster is what a local render makes (and, with no
cluster at all, the two pieces that make it so: a task moved into a worker's folder, and
the worker's bytes committed on the client). The faults
(a worker killed, Ctrl-C, other code, no scheduler) are in test_cluster_faults.py, which
shares the `LoopbackCluster` below.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_support import FIXTURES, ROOT, needs_latex, needs_video, probe, run, temporaries
from rendering import cache
from rendering.cluster import commit_rendered
from rendering.figures import FigureTask
from rendering.remote import Rendered
from rendering.runner import Outcome, Work
from rendering.targets import ClassInFile, RegisteredScene
from rendering.worker import VideoTask

DASK = Path(sys.executable).with_name("dask")  # the `dask` command of this environment
START_TIMEOUT = 120  # seconds for a scheduler or a worker to come up on a loaded machine
TINY = ("tiny_scenes.py:Tiny", "tiny_scenes.py:Tiny2")
LABELS = ("tiny_scenes.Tiny", "tiny_scenes.Tiny2")

needs_dask = pytest.mark.skipif(not DASK.exists(), reason="needs the `dask` command "
                                                          "(distributed, from `make setup`)")


class LoopbackCluster:
    """A scheduler and workers on 127.0.0.1, each a process started here, ended by pid.

    A worker runs from `root` (the project it imports: PYTHONPATH) and keeps its
    temporary folders in its own TMPDIR (`scratch(name)`), so a test can see them.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.procs: dict[str, subprocess.Popen] = {}
        self.address = ""

    def _start(self, name: str, command: list[str], env: dict, cwd: Path) -> subprocess.Popen:
        # output to files, not pipes: a process nobody reads must not block on a full pipe
        with open(self.folder / f"{name}.log", "w") as log:
            proc = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def start_scheduler(self) -> str:
        info = self.folder / "scheduler.json"
        proc = self._start("scheduler", [
            DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", info, "--idle-timeout", "900s"],
            {**os.environ, "PYTHONPATH": str(ROOT)}, ROOT)  # it unpickles tasks: our code
        deadline = time.monotonic() + START_TIMEOUT
        while not self.address:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the scheduler did not start:\n{self.log('scheduler')}")
            try:
                self.address = json.loads(info.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        return self.address

    def start_worker(self, name: str, root: Path = ROOT, **env: str) -> subprocess.Popen:
        self.scratch(name).mkdir(parents=True)
        environment = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(self.tmpdir(name)),
                       **env}
        return self._start(name, [
            DASK, "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
            "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "60s",
            "--lifetime", "900s"], environment, root)

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=START_TIMEOUT)

    def tmpdir(self, name: str) -> Path:
        return self.folder / f"tmp-{name}"

    def scratch(self, name: str) -> Path:
        """Where worker `name` renders (remote.SCRATCH_NAME under its TMPDIR)."""
        from rendering.remote import SCRATCH_NAME

        return self.tmpdir(name) / SCRATCH_NAME

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self) -> None:
        """Every process started here, by its pid: asked first, then killed."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def loopback(folder: Path, workers=("w1", "w2"), **env: str) -> LoopbackCluster:
    """A started cluster: the scheduler, then the named workers, all connected."""
    folder.mkdir(parents=True, exist_ok=True)
    cluster = LoopbackCluster(folder)
    try:
        cluster.start_scheduler()
        for name in workers:
            cluster.start_worker(name, **env)
        if workers:
            cluster.wait_for_workers(len(workers))
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two workers, shared by the tests of this file (none of them harms a worker)."""
    started = loopback(tmp_path_factory.mktemp("cluster"))
    yield started
    started.stop()


def frames(video: Path) -> list[str]:
    """The decoded frames' checksums (ffmpeg's framemd5), without its header comments."""
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:v", "-f",
                           "framemd5", "-"], capture_output=True, text=True, timeout=120,
                          check=True)
    return [line for line in done.stdout.splitlines() if not line.startswith("#")]


def sidecar(folder: Path, name: str) -> str:
    return (folder / f".{name}.key").read_text()


# ---- the same outputs ---------------------------------------------------------------------
@needs_dask
@needs_video
def test_two_scenes_through_the_cluster_are_the_frames_a_local_render_makes(cluster, tmp_path):
    here, there = tmp_path / "local", tmp_path / "cluster"
    local = run("render", *TINY, "--out", str(here), "--jobs", "1")
    assert local.returncode == 0, local.stderr
    there.mkdir()
    (there / "tiny_scenes.Tiny2.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nold\n")

    done = run("render", *TINY, "--out", str(there), "--cluster", cluster.address, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(there / f"{label}.mp4") for label in LABELS]
    for label in LABELS:  # rendered by a worker of this cluster, and said so in the log
        assert any(line.startswith(f"rendering {label} on w") for line in
                   done.stderr.splitlines()), done.stderr
        video = f"{label}.mp4"
        assert frames(there / video) == frames(here / video) != []
        assert sidecar(there, video) == sidecar(here, video)  # the same task, the same key
    assert (there / "tiny_scenes.Tiny.srt").read_text() == (here / "tiny_scenes.Tiny.srt"
                                                            ).read_text() != ""
    # Tiny2 has no captions: the old ones went, as they do locally, in the same commit
    assert not (there / "tiny_scenes.Tiny2.srt").exists()
    assert not (here / "tiny_scenes.Tiny2.srt").exists()
    assert not temporaries(there)

    again = run("render", *TINY, "--out", str(there), "--cluster", cluster.address)
    assert again.returncode == 0 and "rendering" not in again.stderr, again.stderr
    assert again.stderr.count("up to date") == 2  # checked here: nothing was sent


@needs_dask
@needs_video
def test_a_lecture_through_the_cluster_is_joined_here(cluster, tmp_path):
    done = run("lecture", "small_lecture.toml", "--out", str(tmp_path), "--cluster",
               cluster.address, timeout=600)
    assert done.returncode == 0, done.stderr
    assert sum(line.startswith("rendering ") for line in done.stderr.splitlines()) == 2
    chapters = probe(tmp_path / "small_lecture.mp4", "chapter=start_time:chapter_tags=title",
                     ["-show_chapters"])["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Welcome", "A shape"]
    assert (tmp_path / "small_lecture.chapters.txt").read_text().splitlines() == [
        "0:00 Welcome", "0:02 A shape"]
    assert "A small lecture: for the tests" in (tmp_path / "small_lecture.srt").read_text()


@needs_dask
@needs_latex
def test_figures_through_the_cluster_are_the_pixels_of_local_ones(cluster, tmp_path):
    args = ("figures", "apple_in_context", "--moment", "embedding", "--format", "png,svg")
    local = run(*args, "--out", str(tmp_path / "local"), "--jobs", "1")
    assert local.returncode == 0, local.stderr
    done = run(*args, "--out", str(tmp_path / "cluster"), "--cluster", cluster.address)
    assert done.returncode == 0, done.stderr
    folder = Path("apple_in_context")
    for name in ("embedding.png", "embedding.svg"):
        assert (tmp_path / "cluster" / folder / name).is_file(), name
    with Image.open(tmp_path / "local" / folder / "embedding.png") as a, \
            Image.open(tmp_path / "cluster" / folder / "embedding.png") as b:
        assert a.size == (1920, 1080) and np.array_equal(np.asarray(a), np.asarray(b))


@needs_dask
@needs_video
def test_clips_go_out_one_free_worker_at_a_time_longest_first(cluster, tmp_path):
    """Dask, given every task at once, places them all at once, in turns; the run hands
    out only as many as the cluster has threads, so the next clip goes to the worker that
    is free first (the order --jobs keeps). Three clips, two single-threaded workers."""
    import io

    from distributed import Client

    from rendering.cluster import _Run
    from rendering.progress import Reporter
    from rendering.remote import own_digest

    names = ("Tiny", "Tiny2", "Tiny")
    work = [Work(i, VideoTask(ClassInFile(FIXTURES / "tiny_scenes.py", name), "low", "mp4",
                              tmp_path / f"{i}" / f"{name}.mp4"), f"key-{i}", 3.0 - i)
            for i, name in enumerate(names)]
    with Client(cluster.address, timeout=30) as client:
        run = _Run(client, work, Reporter(quiet=True, stream=io.StringIO()), own_digest())
        run._feed()
        assert sorted(w.index for w in run.pending.values()) == [0, 1]  # one per thread
        assert [w.index for w in run.queued] == [2]
        outcomes = run.wait()
    assert [o.status for o in outcomes] == ["rendered"] * 3, [o.error for o in outcomes]
    for w in work:
        assert w.task.out.stat().st_size > 0 and cache.is_fresh(w.task.outputs, w.key)


# ---- the pieces, without a cluster ----------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class VoicedTask(VideoTask):
    """A video task with an input path of its own (as a voice model would be)."""

    voice: Path = Path("/voices/alba.onnx")


def test_a_task_moved_to_a_workers_folder_writes_only_there(tmp_path):
    """Only destinations move: the target's file and any other input path stay."""
    task = VoicedTask(ClassInFile(FIXTURES / "tiny_scenes.py", "Tiny"), "low", "mp4",
                      tmp_path / "out" / "tiny.mp4")
    moved = task.moved(tmp_path / "worker")
    assert moved.files == (tmp_path / "worker" / "tiny.mp4", tmp_path / "worker" / "tiny.srt")
    assert moved.target == task.target and moved.voice == task.voice
    assert dataclasses.replace(moved, out=task.out) == task  # nothing else changed
    figures = FigureTask(RegisteredScene("values"), tmp_path / "figs" / "values", ("png",),
                         ("updated",))
    assert figures.moved(tmp_path / "w").outputs == (tmp_path / "w" / "values" / "updated.png",)


def _rendered(task, tmp_path, contents):
    there = task.moved(tmp_path / "worker")
    outcome = Outcome(there, "key-1", "rendered", 1.0, 2.0, outputs=[there.out])
    return Work(0, task, "key-1", 0.0), Rendered(outcome, contents, "w1")


def test_the_bytes_a_worker_sends_are_committed_together_then_marked_fresh(tmp_path):
    task = VideoTask(RegisteredScene("values"), "low", "mp4", tmp_path / "values.mp4")
    task.out.write_bytes(b"old video")
    task.captions.write_bytes(b"old captions")
    work, rendered = _rendered(task, tmp_path, (b"new video", None))
    assert commit_rendered(work, rendered) == [task.out]
    assert task.out.read_bytes() == b"new video" and not task.captions.exists()
    assert cache.is_fresh(task.outputs, "key-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".values.mp4.key", "values.mp4"]


def test_a_stop_while_committing_a_workers_bytes_keeps_the_old_files(tmp_path, monkeypatch):
    from rendering import interrupt

    task = VideoTask(RegisteredScene("values"), "low", "mp4", tmp_path / "values.mp4")
    task.out.write_bytes(b"old video")
    task.captions.write_bytes(b"old captions")
    work, rendered = _rendered(task, tmp_path, (b"new video", b"new captions"))
    checks = []

    def check():  # the stop lands after both renames, at the commit's last check
        checks.append(1)
        if len(checks) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(interrupt, "check", check)
    with pytest.raises(KeyboardInterrupt):
        commit_rendered(work, rendered)
    assert task.out.read_bytes() == b"old video" and task.captions.read_bytes() == b"old captions"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["values.mp4", "values.srt"]  # no key
