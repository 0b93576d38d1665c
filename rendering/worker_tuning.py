"""Two Dask defaults that make a Manim render slower on a worker than under `--jobs`.

Both are right for Dask's usual work (short numeric tasks, memory handed back to the
OS, a dashboard that shows where time goes) and wrong for ours (one long pure-Python
render per process):

- Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536. Setting any trim
  threshold also freezes glibc's mmap threshold at 128 KiB, so every frame's large
  arrays are fresh mmaps. Measured on context_size at low quality: 3.3x the minor page
  faults, 1.1x to 1.5x the time (quiet to busy machine).
- Each worker samples every thread's stack every 10 ms for the dashboard's profile,
  holding the GIL while it walks Manim's deep stacks. Measured on context_size at low
  quality through `--cluster local:1`: 20.9 s with the profiler, 18.4 s without, against
  13.2 s with `--jobs 1` (the rest is the cluster's start, digest and stop).

`local:N` clusters start their workers without either (`LOCAL_CONFIG`); a remote worker
started with Dask's defaults is named in one warning line with the environment that
fixes it (`check_workers`), since the client must not retune someone else's workers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

NANNY_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
PROFILE = "distributed.worker.profile.enabled"

# The Dask settings a `local:N` cluster is started under: glibc's malloc defaults, as a
# `--jobs` worker has, and no statistical profiler (there is no dashboard to show it).
LOCAL_CONFIG: dict[str, object] = {NANNY_TRIM: None, PROFILE: False}


def worker_settings() -> dict[str, str]:
    """The settings the slowdowns below look at (run on the worker): its glibc malloc
    environment, and whether its profiler runs."""
    import dask

    settings = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}
    settings["profile"] = str(bool(dask.config.get(PROFILE, default=True)))
    return settings


@dataclass(frozen=True)
class Slowdown:
    """A worker setting that slows renders down, and the environment that undoes it."""

    cause: str  # what is set, in a few words
    fix: str  # VAR=value for the worker's environment

    def found_in(self, settings: Mapping[str, str]) -> bool:
        raise NotImplementedError


class FrozenMmapThreshold(Slowdown):
    """A trim threshold without an mmap threshold: glibc's stays at 128 KiB."""

    def found_in(self, settings: Mapping[str, str]) -> bool:
        return "MALLOC_TRIM_THRESHOLD_" in settings and "MALLOC_MMAP_THRESHOLD_" not in settings


class Profiler(Slowdown):
    """The worker's 10 ms stack sampler is on."""

    def found_in(self, settings: Mapping[str, str]) -> bool:
        return settings.get("profile") == "True"


SLOWDOWNS: tuple[Slowdown, ...] = (
    FrozenMmapThreshold("MALLOC_TRIM_THRESHOLD_ (set by Dask's nanny)",
                        "MALLOC_MMAP_THRESHOLD_=33554432"),  # glibc's largest dynamic one
    Profiler("Dask's 10 ms profiler", "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"),
)


def slowdowns(settings: object) -> list[Slowdown]:
    """The slowdowns a worker's settings show (none for a worker that could not answer)."""
    if not isinstance(settings, Mapping):
        return []
    return [s for s in SLOWDOWNS if s.found_in(settings)]


def warning(slow: Mapping[str, Sequence[Slowdown]]) -> str:
    """One line for every slowed worker: which, why, and the command that fixes them."""
    found = [s for s in SLOWDOWNS if any(s in found for found in slow.values())]
    fix = " ".join(s.fix for s in found)
    return (f"warning: {', '.join(slow)}: Manim renders slowed by "
            f"{' and '.join(s.cause for s in found)}; start the workers as "
            f"`{fix} dask worker ...` (docs/cluster.md)")


def check_workers(client, names: Mapping[str, str]) -> None:
    """Print `warning` on stderr if any worker of `client` is slowed; names: address ->
    the worker's name as the user knows it."""
    slow = {names.get(addr, addr): found for addr, settings in
            client.run(worker_settings, on_error="return").items()
            if (found := slowdowns(settings))}
    if slow:
        print(warning(slow), file=sys.stderr)
