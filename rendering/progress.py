"""What the user sees while rendering: a bar per job, then a summary table.

On a terminal the bars redraw in place; in a log (CI) each job prints a line
when it starts and when it ends; `--quiet` prints neither.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

BAR = 24


@dataclass
class Row:
    label: str
    expected: float  # seconds of video, 0 if unknown
    started: float = field(default_factory=time.perf_counter)
    done: float = 0.0  # seconds of video rendered


def _bar(done: float, expected: float) -> str:
    if expected <= 0:
        return f"{done:6.1f} s of video"
    share = min(done / expected, 1.0)
    filled = int(share * BAR)
    return f"[{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%}  {done:5.1f}/{expected:.1f} s"


class Reporter:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty() and not quiet
        self.active: dict[int, Row] = {}
        self.drawn = 0

    def _say(self, line: str) -> None:
        if not self.quiet:
            self._clear()
            print(line, file=self.stream, flush=True)
            self._draw()

    def _clear(self) -> None:
        if self.tty and self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F" + "\x1b[2K\n" * self.drawn
                              + f"\x1b[{self.drawn}F")
            self.drawn = 0

    def _draw(self) -> None:
        if not self.tty:
            return
        width = max((len(r.label) for r in self.active.values()), default=0)
        for row in self.active.values():
            self.stream.write(f"  {row.label:<{width}}  {_bar(row.done, row.expected)}\n")
        self.drawn = len(self.active)
        self.stream.flush()

    def start(self, index: int, label: str, expected: float) -> None:
        self.active[index] = Row(label, expected)
        if self.tty:
            self._clear()
            self._draw()
        else:
            self._say(f"rendering {label} ...")

    def progress(self, index: int, done: float) -> None:
        if index in self.active:
            self.active[index].done = done
            if self.tty:
                self._clear()
                self._draw()

    def finish(self, index: int, message: str) -> None:
        self.active.pop(index, None)
        self._say(message)

    def table(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Columns: target, status, seconds, output."""
        if self.quiet or not rows:
            return
        header = ("target", "status", "time", "output")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                 for r in [header, *rows]]
        self._say("\n".join([lines[0], "-" * len(lines[0]), *lines[1:]]))
