"""Ctrl-C and `kill`: stop, and never let a swallowed interrupt through.

A signal handler raises KeyboardInterrupt wherever the main thread happens to
be. If that is inside a C extension's callback (PyAV calls back into Python
while encoding), the exception is reported as "ignored" and the render goes
on. So the request is also remembered, and checked again at the two moments
that matter: before a finished file is moved into place, and at exit.

And an interrupt can land where the code it leaves cannot recover: Manim 0.22's
encoder job marks itself sealed and then puts its end-of-frames marker on a full
queue; interrupted in that put, the marker never arrives, and the abort that follows
joins an encoder thread that waits for it forever (seen with gdb on a render hung
after SIGINT: the main thread in `Thread.join`, the encoder in `Queue.get`). So a stop
has a deadline: `GRACE` seconds after the first signal, a watchdog thread ends the
process with the same line and exit code. Nothing is lost by it: outputs are only ever
moved into place whole, so the old files stay, and the next run clears the temporaries.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

GRACE = 30.0  # seconds a stop may take (a cluster's bounded close-down takes up to 25)
LINE = ("interrupted: finished outputs were kept; unfinished ones were discarded and "
        "earlier versions left in place")
_stopping = threading.Event()  # set by the first signal: check() and the watchdog read it
_watching = False


def _stop(signum, frame) -> None:
    _stopping.set()
    raise KeyboardInterrupt


def _watchdog(grace: float) -> None:
    """Sleeps until the first stop, then gives the command `grace` seconds to end."""
    _stopping.wait()
    time.sleep(grace)
    print(f"{LINE} (ended {grace:.0f} s after the stop: the render did not wind down)",
          file=sys.stderr, flush=True)
    os._exit(130)


def install(grace: float = GRACE) -> None:
    """Ctrl-C (SIGINT) and kill (SIGTERM) both stop the command the same way, and within
    `grace` seconds whatever the interrupted code does (one watchdog per process)."""
    global _watching
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    if not _watching:
        _watching = True
        threading.Thread(target=_watchdog, args=(grace,), name="interrupt-watchdog",
                         daemon=True).start()
    python_hook = sys.unraisablehook

    def quiet_if_ours(unraisable) -> None:
        # the swallowed interrupt is handled by check(); no "Exception ignored" traceback
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            python_hook(unraisable)

    sys.unraisablehook = quiet_if_ours


def check() -> None:
    """Raise KeyboardInterrupt if a stop was asked for, even one already swallowed."""
    if _stopping.is_set():
        raise KeyboardInterrupt
