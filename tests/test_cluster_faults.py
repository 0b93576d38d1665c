"""render.py --cluster when things go wrong (issue 14, items 2, 3 and 6): a worker killed
while it renders, Ctrl-C on the client, a worker running other code, no scheduler.

Each test starts its own loopback cluster (test_cluster.LoopbackCluster: real `dask`
processes on 127.0.0.1, ended by pid even when the test fails). The worker kill is made
deterministic with the fault injector the CLI tests use (tests/fixtures/faults): each
worker pauses while it writes its final video, and the test kills one of them there.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from test_cluster import TINY, frames, loopback, needs_dask

from cli_support import (
    FAULTS,
    FIXTURES,
    RENDER,
    ROOT,
    copy_project,
    needs_video,
    one_line_error,
    probe,
    resume,
    run,
    snapshot,
    temporaries,
    wait_until_paused,
)

OLD_VIDEO = b"the previous good render"
OLD_CAPTIONS = b"1\n00:00:00,000 --> 00:00:01,000\nthe previous captions\n"


def previous_renders(out: Path, *labels: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for label in labels:
        (out / f"{label}.mp4").write_bytes(OLD_VIDEO)
        (out / f"{label}.srt").write_bytes(OLD_CAPTIONS)


def client(out: Path, log: Path, *args: str) -> subprocess.Popen:
    """render.py ARGS as a user starts it, its output in files (see cli_support)."""
    log.mkdir(parents=True, exist_ok=True)
    with open(log / "stdout", "w") as stdout, open(log / "stderr", "w") as stderr:
        return subprocess.Popen([*RENDER, *args, "--out", str(out)], cwd=FIXTURES, text=True,
                                stdout=stdout, stderr=stderr)


def ended(proc: subprocess.Popen, log: Path, timeout: float) -> str:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"render.py did not end within {timeout:.0f} s:\n"
                    f"{(log / 'stderr').read_text()}")
    return (log / "stderr").read_text()


def until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)


# ---- a worker dies while it renders ----------------------------------------------------
@needs_dask
@needs_video
def test_a_worker_killed_mid_render_leaves_the_run_to_the_other(tmp_path):
    """Both workers pause while writing their final videos; one is killed there. Dask
    gives its task to the other worker, the run ends well, and what lands is whole."""
    out, flags = tmp_path / "out", tmp_path / "flags"
    flags.mkdir()
    previous_renders(out, "tiny_scenes.Tiny", "tiny_scenes.Tiny2")
    cluster = loopback(tmp_path / "cluster", workers=())
    try:
        for name in ("w1", "w2"):  # RENDER_FAULT_DIR: each worker's own temporary folder
            cluster.start_worker(name, PYTHONPATH=f"{ROOT}:{FAULTS}", RENDER_FAULT="write",
                                 RENDER_FAULT_DIR=str(cluster.tmpdir(name)),
                                 RENDER_FAULT_FLAGS=str(flags))
        cluster.wait_for_workers(2)
        pids = {proc.pid: name for name, proc in cluster.procs.items()}
        proc = client(out, tmp_path / "log", "render", *TINY, "--cluster", cluster.address,
                      "--force")
        paused = wait_until_paused(proc, flags, count=2)
        assert set(paused) <= set(pids), (paused, pids)  # the workers, not the client
        victim = pids[paused[0]]
        cluster.kill(victim)
        resume(flags)
        err = ended(proc, tmp_path / "log", timeout=300)
    finally:
        cluster.stop()
    assert proc.returncode == 0, err
    survivor = ({"w1", "w2"} - {victim}).pop()
    starts = [line for line in err.splitlines() if line.startswith("rendering ")]
    assert len(starts) == 3, err  # one task started twice: on the victim, then again
    assert sum(f" on {survivor} " in line for line in starts) == 2, err
    for label in ("tiny_scenes.Tiny", "tiny_scenes.Tiny2"):
        video = out / f"{label}.mp4"
        assert 1.5 < float(probe(video)["format"]["duration"]) < 2.5  # whole, decodable
        assert len(frames(video)) == 30  # 2 s at 15 fps
    assert (out / "tiny_scenes.Tiny.srt").read_text().strip() != OLD_CAPTIONS.decode().strip()
    assert not (out / "tiny_scenes.Tiny2.srt").exists()
    assert not temporaries(out)


# ---- Ctrl-C on the client ----------------------------------------------------------------
@needs_dask
@needs_video
def test_ctrl_c_stops_the_cluster_keeps_what_finished_and_the_old_files(tmp_path):
    """Tiny is done and committed, Slow (a minute of video) is being rendered: Ctrl-C.
    Tiny's new files stay, Slow's old ones too, and the worker stops rendering Slow
    within seconds (its temporary folder goes) instead of running it to its end."""
    out = tmp_path / "out"
    previous_renders(out, "tiny_scenes.Tiny", "tiny_scenes.Slow")
    cluster = loopback(tmp_path / "cluster")
    try:
        proc = client(out, tmp_path / "log", "render", "tiny_scenes.py:Tiny",
                      "tiny_scenes.py:Slow", "--cluster", cluster.address, "--force")

        def busy() -> list[Path]:
            return [p for name in ("w1", "w2") for p in cluster.scratch(name).glob(".tmp-*")]

        until(lambda: (out / ".tiny_scenes.Tiny.mp4.key").exists() or proc.poll() is not None,
              300, "Tiny to be committed")
        until(lambda: list(cluster.folder.glob("tmp-*/*/.tmp-*/**/partial_movie_files/**/*.mp4"))
              or proc.poll() is not None, 300, "Slow to be rendering")
        assert proc.poll() is None, (tmp_path / "log" / "stderr").read_text()
        assert len(busy()) == 1  # Slow, on one worker
        proc.send_signal(signal.SIGINT)
        err = ended(proc, tmp_path / "log", timeout=60)
        stopped_at = time.monotonic()
        until(lambda: not busy(), 30, "the worker to stop rendering Slow")
        print(f"the worker stopped {time.monotonic() - stopped_at:.1f} s after the client")
        from distributed import Client

        with Client(cluster.address, timeout=30) as look:
            assert not any(look.processing().values())  # nothing left running or queued
    finally:
        cluster.stop()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert (out / "tiny_scenes.Tiny.mp4").read_bytes() != OLD_VIDEO  # finished: kept
    assert 1.5 < float(probe(out / "tiny_scenes.Tiny.mp4")["format"]["duration"]) < 2.5
    assert (out / "tiny_scenes.Slow.mp4").read_bytes() == OLD_VIDEO  # unfinished: old ones
    assert (out / "tiny_scenes.Slow.srt").read_bytes() == OLD_CAPTIONS
    assert not (out / ".tiny_scenes.Slow.mp4.key").exists()
    assert not temporaries(out)


# ---- other code, no scheduler ------------------------------------------------------------
@pytest.fixture
def edited_copy(tmp_path):
    """A copy of the project with one module edited: another version of the code."""
    from rendering.remote import project_digest

    copy = copy_project(tmp_path / "project")
    assert project_digest(copy) == project_digest(ROOT)  # a digest of content, not of place
    with (copy / "scenes" / "kit" / "__init__.py").open("a") as module:
        module.write("\n# an edit made on one machine only\n")
    assert project_digest(copy) != project_digest(ROOT)
    return copy


@needs_dask
@needs_video
def test_a_worker_running_other_code_is_refused_before_any_work(tmp_path, edited_copy):
    from rendering.remote import project_digest

    out = tmp_path / "out"
    previous_renders(out, "tiny_scenes.Tiny")
    before = snapshot(out)
    cluster = loopback(tmp_path / "cluster", workers=("good",))
    try:
        cluster.start_worker("edited", root=edited_copy)
        cluster.wait_for_workers(2)
        done = run("render", "tiny_scenes.py:Tiny", "--out", str(out), "--force",
                   "--cluster", cluster.address)
    finally:
        cluster.stop()
    line = one_line_error(done, "worker edited (tcp://127.0.0.1:", "runs other code",
                          project_digest(edited_copy)[:12], project_digest(ROOT)[:12])
    assert "worker good" not in line
    assert snapshot(out) == before


def free_port() -> int:
    """A loopback port nothing listens on (the system's choice, released at once)."""
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


@needs_dask
@needs_video
def test_an_unreachable_scheduler_is_one_line_within_seconds(tmp_path):
    start = time.monotonic()
    done = run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path), "--cluster",
               f"tcp://127.0.0.1:{free_port()}", timeout=60)
    seconds = time.monotonic() - start
    one_line_error(done, "cannot reach the Dask scheduler at tcp://127.0.0.1:",
                   "dask scheduler")
    print(f"refused in {seconds:.1f} s (Python, Manim's checks and a 3 s connect timeout)")
    assert seconds < 30
    assert not list(tmp_path.iterdir())


@needs_dask
@needs_video
def test_a_scheduler_without_workers_is_one_line(tmp_path):
    cluster = loopback(tmp_path / "cluster", workers=())
    try:
        done = run("render", "tiny_scenes.py:Tiny", "--out", str(tmp_path / "out"),
                   "--cluster", cluster.address, timeout=120)
    finally:
        cluster.stop()
    one_line_error(done, f"the scheduler at {cluster.address} has no workers",
                   "dask worker")


@pytest.mark.parametrize("address", ["local:0", "tcp://127.0.0.1:not-a-port", "udp://x:1"])
def test_a_malformed_cluster_address_is_one_line(address):
    one_line_error(run("render", "tiny_scenes.py:Tiny", "--cluster", address), "--cluster")
