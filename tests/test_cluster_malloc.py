"""Dask's nanny and glibc's malloc: a worker renders as fast as a `--jobs` worker.

Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, which also freezes
glibc's mmap threshold at 128 KiB, so Manim's per-frame arrays become fresh mmaps (3.3x
the page faults on context_size, measured). `local:N` clusters start their workers with
glibc's defaults; a remote worker started that way is named in one warning line with the
fix. Real LocalClusters with nannies here, one worker each, no render.
"""

from __future__ import annotations

import logging

import pytest

from rendering.cluster import (
    NANNY_TRIM,
    check_cluster,
    connect,
    malloc_settings,
    slow_malloc,
)

distributed = pytest.importorskip("distributed", reason="needs distributed (`make setup`)")
import dask  # noqa: E402 - after distributed, which adds its settings to dask.config


def test_the_nannys_trim_threshold_without_an_mmap_threshold_is_slow():
    assert slow_malloc({"MALLOC_TRIM_THRESHOLD_": "65536"})
    assert not slow_malloc({"MALLOC_TRIM_THRESHOLD_": "65536",
                            "MALLOC_MMAP_THRESHOLD_": "33554432"})
    assert not slow_malloc({})
    assert not slow_malloc(RuntimeError("the worker could not answer"))


def test_a_local_cluster_gives_its_workers_glibcs_defaults():
    assert dask.config.get(NANNY_TRIM) is not None  # what Dask would give them otherwise
    with connect("local:1") as client:
        settings = list(client.run(malloc_settings).values())
    assert settings and all("MALLOC_TRIM_THRESHOLD_" not in env for env in settings)


def test_a_worker_with_the_nannys_setting_is_named_in_one_warning(capsys):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        name = next(iter(client.scheduler_info()["workers"].values()))["name"]
        check_cluster(client, cluster.scheduler_address)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ")
    assert str(name) in lines[0] and "MALLOC_MMAP_THRESHOLD_=33554432" in lines[0]
