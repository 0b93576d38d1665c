"""The Reporter's three faces (issue 14, item 4): rich bars and a rich table on a terminal,
one plain line per job start and end and an ASCII table in a log, nothing with --quiet.
Every Runner (the local pool, the cluster) talks to the same Reporter."""

from __future__ import annotations

import io

from rendering.progress import Reporter

ROWS = [("values", "rendered", "3.2s", "build/values.mp4"),
        ("masking", "up to date", "-", "build/masking.mp4")]


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def one_job(reporter: Reporter) -> None:
    reporter.start(0, "values", 12.0, where="w1 (tcp://127.0.0.1:4000)")
    reporter.progress(0, 6.0)
    reporter.finish(0, "rendered values in 3.2 s")
    reporter.table(ROWS)


def test_in_a_log_each_job_is_one_line_and_the_table_is_plain_ascii():
    log = io.StringIO()
    one_job(Reporter(stream=log))
    lines = log.getvalue().splitlines()
    assert lines[:2] == ["rendering values on w1 (tcp://127.0.0.1:4000) ...",
                         "rendered values in 3.2 s"]
    header, rule, *body = lines[2:]
    assert header.split() == ["target", "status", "time", "output"]
    assert set(rule) <= {"-", " "} and "-" in rule
    assert [line.split(None, 1)[0] for line in body] == ["values", "masking"]
    assert "up to date" in body[1]
    assert all(line == line.rstrip() and line.isascii() for line in lines)
    assert "\x1b" not in log.getvalue()  # no terminal codes in a log


def test_on_a_terminal_rich_draws_the_bar_and_the_table():
    screen = Terminal()
    reporter = Reporter(stream=screen)
    reporter.start(0, "values", 12.0, where="w1")
    assert reporter.bars is not None  # a live rich Progress, one task per running job
    (task,) = reporter.bars.tasks
    assert (task.description, task.total, task.fields["where"]) == ("values", 12.0, "w1")
    reporter.progress(0, 6.0)
    assert task.completed == 6.0 and task.percentage == 50.0
    reporter.start(0, "values", 12.0, where="w2")  # moved to another worker: starts over
    (again,) = reporter.bars.tasks
    assert again.fields["where"] == "w2" and again.completed == 0
    reporter.finish(0, "rendered values in 3.2 s")
    assert not reporter.bars.tasks
    reporter.table(ROWS)
    assert reporter.bars is None  # the bars are gone before the table is printed
    shown = screen.getvalue()
    assert "rendered values in 3.2 s" in shown
    for cell in (*ROWS[0], *ROWS[1], "target", "output"):
        assert cell in shown, cell
    assert "rendering values" not in shown  # a bar, not the log's start line


def test_quiet_prints_nothing():
    for stream in (io.StringIO(), Terminal()):
        one_job(Reporter(quiet=True, stream=stream))
        assert stream.getvalue() == ""
