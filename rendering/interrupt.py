"""Ctrl-C and `kill`: stop, and never let a swallowed interrupt through.

A signal handler raises KeyboardInterrupt wherever the main thread happens to
be. If that is inside a C extension's callback (PyAV calls back into Python
while encoding), the exception is reported as "ignored" and the render goes
on. So the request is also remembered, and checked again at the two moments
that matter: before a finished file is moved into place, and at exit.
"""

from __future__ import annotations

import signal
import sys

_requested = False


def _stop(signum, frame) -> None:
    global _requested
    _requested = True
    raise KeyboardInterrupt


def install() -> None:
    """Ctrl-C (SIGINT) and kill (SIGTERM) both stop the command the same way."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    python_hook = sys.unraisablehook

    def quiet_if_ours(unraisable) -> None:
        # the swallowed interrupt is handled by check(); no "Exception ignored" traceback
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            python_hook(unraisable)

    sys.unraisablehook = quiet_if_ours


def check() -> None:
    """Raise KeyboardInterrupt if a stop was asked for, even one already swallowed."""
    if _requested:
        raise KeyboardInterrupt
