"""Dask's worker defaults and Manim: a worker renders as fast as a `--jobs` worker.

Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, which also freezes
glibc's mmap threshold at 128 KiB (3.3x the page faults on context_size, measured), and
each worker samples its threads' stacks every 10 ms for the dashboard (a 13 s render
2.4 s slower, measured). `local:N` clusters start their workers without either; a remote
worker started with Dask's defaults is named in one warning line with the fix. Real
LocalClusters with nannies here, one worker each, no render.
"""

from __future__ import annotations

import logging

import pytest

from rendering.cluster import check_cluster, connect
from rendering.worker_tuning import (
    NANNY_TRIM,
    PROFILE,
    SLOWDOWNS,
    slowdowns,
    warning,
    worker_settings,
)

distributed = pytest.importorskip("distributed", reason="needs distributed (`make setup`)")
import dask  # noqa: E402 - after distributed, which adds its settings to dask.config

MMAP, PROFILER = SLOWDOWNS


def test_the_nannys_trim_threshold_without_an_mmap_threshold_is_slow():
    trim = {"MALLOC_TRIM_THRESHOLD_": "65536", "profile": "False"}
    assert slowdowns(trim) == [MMAP]
    assert slowdowns(trim | {"MALLOC_MMAP_THRESHOLD_": "33554432"}) == []
    assert slowdowns({"profile": "False"}) == []


def test_the_profiler_is_slow_and_a_worker_that_cannot_answer_is_not_judged():
    assert slowdowns({"profile": "True"}) == [PROFILER]
    assert slowdowns(RuntimeError("the worker could not answer")) == []


def test_the_warning_is_one_line_with_every_fix_needed_once():
    line = warning({"w1": [MMAP, PROFILER], "w2": [PROFILER]})
    assert "\n" not in line and line.startswith("warning: w1, w2: ")
    assert line.count(MMAP.fix) == 1 and line.count(PROFILER.fix) == 1
    assert MMAP.fix not in warning({"w2": [PROFILER]})


def test_a_local_cluster_gives_its_workers_glibcs_defaults_and_no_profiler():
    assert dask.config.get(NANNY_TRIM) is not None  # what Dask would give them otherwise
    assert dask.config.get(PROFILE) is True
    with connect("local:1") as client:
        settings = list(client.run(worker_settings).values())
    assert settings and all(slowdowns(s) == [] for s in settings)
    assert all("MALLOC_TRIM_THRESHOLD_" not in s and s["profile"] == "False" for s in settings)


def test_a_worker_with_dasks_defaults_is_named_in_one_warning(capsys):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        name = next(iter(client.scheduler_info()["workers"].values()))["name"]
        check_cluster(client, cluster.scheduler_address)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ")
    assert str(name) in lines[0]
    assert MMAP.fix in lines[0] and PROFILER.fix in lines[0]
