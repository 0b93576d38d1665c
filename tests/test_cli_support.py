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
def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parent = int(text[text.rfind(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead child nobody reaped is not running)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return not text[text.rfind(")") + 2:].startswith("Z")


def start_with_fault(fault: str, out: Path, flags: Path, *args) -> subprocess.Popen:
    """render.py ARGS with the fault injector on: it pauses at `fault` (see FAULTS)."""
    flags.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(FAULTS), "RENDER_FAULT": fault,
           "RENDER_FAULT_DIR": str(out), "RENDER_FAULT_FLAGS": str(flags)}
    return subprocess.Popen([*RENDER, *args], cwd=FIXTURES, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_until_paused(proc: subprocess.Popen, flags: Path, count: int = 1,
                      timeout: float = 300) -> list[int]:
    """Wait until `count` processes sit at the fault; their pids."""
    deadline = time.monotonic() + timeout
    while len(ready := list(flags.glob("ready-*"))) < count:
        if proc.poll() is not None:
            pytest.fail(f"render.py ended (exit {proc.returncode}) before reaching the fault:"
                        f"\n{proc.communicate()[1]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("render.py never reached the fault")
        time.sleep(0.1)
    return sorted(int(path.name.split("-")[1]) for path in ready)


def resume(flags: Path) -> None:
    """Let a paused process go on (if the signal did not end its pause already)."""
    (flags / "go").touch()
