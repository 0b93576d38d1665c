"""What the test_cli*.py files share: running render.py as a user does, and reading what
it left behind. This file holds no tests.

Only tests that render video need ffmpeg/ffprobe (and LaTeX, which every render checks
for before it starts); each such test carries `needs_video`, so the rest still run on a
machine without them.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FAULTS = FIXTURES / "faults"  # a sitecustomize.py that pauses render.py at a late moment
RENDER = [sys.executable, str(ROOT / "render.py")]
PROJECT = ("attention_core", "scenes", "rendering", "narration", "assets", "render.py")


def copy_project(dest: Path, *extra: str) -> Path:
    """A copy of the project's code and assets (and `extra` parts such as
    "tests/fixtures") in `dest`, for a test that edits one file of it."""
    for part in (*PROJECT, *extra):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    return dest


def needs(*tools: str):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} on PATH "
                                                    "(`make setup` installs it)")


needs_video = needs("ffmpeg", "ffprobe", "latex", "dvisvgm")  # what `render` checks first
needs_latex = needs("latex", "dvisvgm")  # figures: stills, no ffmpeg
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process tree from /proc (Linux)")


def run(*args, cwd=None, env=None, timeout=600):
    return subprocess.run([*RENDER, *args], capture_output=True, text=True, cwd=cwd or FIXTURES,
                          env=env, timeout=timeout)


def probe(path, what="format=duration", extra=()):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", what, *extra, "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# ---- what render.py said --------------------------------------------------------------
_WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ")  # how the warnings module prints one


def our_lines(stderr: str) -> list[str]:
    """stderr without the warnings a library may print (and their quoted source line):
    what render.py itself said."""
    lines, skipping = [], False
    for line in stderr.splitlines():
        if _WARNING.match(line):
            skipping = True
        elif not (skipping and line.startswith(" ")) and line.strip():
            skipping = False
            lines.append(line)
    return lines


PROGRESS = re.compile(r"^(rendering |rendered |failed |target\s+status)")  # bars and table


def assert_quiet(stderr: str) -> None:
    """--quiet: no progress line, no summary table, no traceback, no error."""
    assert "Traceback" not in stderr, stderr
    said = our_lines(stderr)
    assert not [line for line in said if PROGRESS.match(line) or line.startswith("error")], said


def one_line_error(done, *needles, code=2):
    """The run failed with exit `code` and said so in one `error: ...` line and nothing else."""
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = our_lines(done.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# ---- what render.py left on disk ------------------------------------------------------
def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`, hidden ones included."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".tmp-*"))


# ---- processes --------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: state, parent, ..., start time (index 19)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (children, their children...), each with its start time,
    which tells it from a later process that reuses its pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        if (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if (fields := _stat(child)) is not None:
                found[child] = fields[19]
                todo.append(child)
    return found


def running(pid: int, started: str) -> bool:
    """That very process is alive and not a zombie (a dead child nobody reaped)."""
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] != "Z"


def start_with_fault(fault: str, out: Path, flags: Path, *args) -> subprocess.Popen:
    """render.py ARGS with the fault injector on: it pauses at `fault` (see FAULTS).

    Its output goes to files in `flags` (read them with `said`), not pipes: an orphan
    holding a pipe open would make reading it hang instead of failing the test.
    """
    flags.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(FAULTS), "RENDER_FAULT": fault,
           "RENDER_FAULT_DIR": str(out), "RENDER_FAULT_FLAGS": str(flags)}
    with open(flags / "stdout", "w") as stdout, open(flags / "stderr", "w") as stderr:
        return subprocess.Popen([*RENDER, *args], cwd=FIXTURES, env=env, text=True,
                                stdout=stdout, stderr=stderr)


def stopped(proc: subprocess.Popen, flags: Path, timeout: float = 60) -> str:
    """Wait for a process started by `start_with_fault` to end; what it said on stderr."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"render.py did not stop within {timeout:.0f} s of the signal")
    return (flags / "stderr").read_text()


def wait_until_paused(proc: subprocess.Popen, flags: Path, count: int = 1,
                      timeout: float = 300) -> list[int]:
    """Wait until `count` processes sit at the fault; their pids."""
    deadline = time.monotonic() + timeout
    while len(ready := list(flags.glob("ready-*"))) < count:
        if proc.poll() is not None:
            pytest.fail(f"render.py ended (exit {proc.returncode}) before reaching the fault:"
                        f"\n{(flags / 'stderr').read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("render.py never reached the fault")
        time.sleep(0.1)
    return sorted(int(path.name.split("-")[1]) for path in ready)


def resume(flags: Path) -> None:
    """Let a paused process go on (if the signal did not end its pause already)."""
    (flags / "go").touch()
