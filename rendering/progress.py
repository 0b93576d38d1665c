"""What the user sees while rendering: a bar per job, then a summary table.

On a terminal, `rich` draws the bars (they redraw in place, one per running job, with
the worker it runs on for a cluster) and the table. In a log (CI, a file, a pipe) each
job prints one line when it starts and one when it ends, and the table is plain text;
`--quiet` prints neither. The same Reporter serves every Runner: local and cluster runs
look alike.
"""

from __future__ import annotations

import atexit
import io
import sys
from typing import TextIO

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

# the table in a log: a dashed line under the header, no other rules, nothing but ASCII
PLAIN_BOX = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
COLUMNS = ("target", "status", "time", "output")


class VideoSeconds(ProgressColumn):
    """How far the clip has got: `42%  5.1/12.0 s`, or `5.1 s of video` when its length
    is not known yet (its first render)."""

    def render(self, task) -> Text:
        if task.total is None:
            return Text(f"{task.completed:5.1f} s of video")
        return Text(f"{task.percentage:3.0f}%  {task.completed:5.1f}/{task.total:.1f} s")


class Reporter:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty() and not quiet
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.bars: Progress | None = None
        self.rows: dict[int, TaskID] = {}

    # ---- a job's life ------------------------------------------------------------------
    def start(self, index: int, label: str, expected: float, where: str = "") -> None:
        """A job began (`where`: the worker it runs on, for a cluster); again if it was
        moved to another worker, whose bar starts over."""
        if self.quiet:
            return
        if not self.tty:
            self._say(f"rendering {label}{f' on {where}' if where else ''} ...")
            return
        bars = self._bars()
        if index in self.rows:
            bars.remove_task(self.rows.pop(index))
        self.rows[index] = bars.add_task(label, total=expected or None, where=where)

    def progress(self, index: int, done: float) -> None:
        """`done` seconds of the job's video are rendered."""
        if self.bars is not None and index in self.rows:
            self.bars.update(self.rows[index], completed=done)

    def finish(self, index: int, message: str) -> None:
        if self.bars is not None and index in self.rows:
            self.bars.remove_task(self.rows.pop(index))
        self._say(message)

    def table(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Columns: target, status, seconds, output."""
        self._close()
        if self.quiet or not rows:
            return
        table = Table(box=box.SIMPLE_HEAD if self.tty else PLAIN_BOX, show_edge=False,
                      pad_edge=False, header_style="bold" if self.tty else "")
        for name in COLUMNS:
            table.add_column(name, no_wrap=True)
        for row in rows:
            table.add_row(*row)
        if self.tty:
            self.console.print(table)
        else:  # as wide as it needs, without the trailing blanks of the padding
            text = io.StringIO()
            Console(file=text, width=100_000, color_system=None).print(table)
            self._say("\n".join(line.rstrip() for line in text.getvalue().splitlines()))

    # ---- drawing -----------------------------------------------------------------------
    def _say(self, line: str) -> None:
        if self.quiet:
            return
        if self.bars is not None:
            self.bars.console.print(line, markup=False)  # above the bars
        else:
            print(line, file=self.stream, flush=True)

    def _bars(self) -> Progress:
        if self.bars is None:
            self.bars = Progress(
                TextColumn("  {task.description}"), BarColumn(bar_width=24), VideoSeconds(),
                TextColumn("{task.fields[where]}", style="dim"), TimeElapsedColumn(),
                console=self.console, transient=True, refresh_per_second=8)
            self.bars.start()
            atexit.register(self._close)  # an interrupt must not leave the cursor hidden
        return self.bars

    def _close(self) -> None:
        if self.bars is not None:
            self.bars.stop()
            self.bars = None
            self.rows.clear()
