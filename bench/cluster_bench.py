"""Cluster benchmark: prints figures, asserts nothing.

    python bench/cluster_bench.py [MANIFEST] [--repeat N]
        # the low lecture (default: the whole lecture, ~30 min on 2 cores); --repeat N
        # measures N pairs (--jobs 2, then --cluster local:2) and gives their median,
        # since one pair on a shared machine moves by a few percent either way

Measures, on this machine, with the LaTeX/text cache warm and every clip forced:
1. the low-quality lecture with `--jobs 2`, then with `--cluster local:2` (two
   single-threaded Dask workers here): the cluster's overhead (goal: at most 10%);
2. inside the cluster run, the client's own costs, which more machines do not shrink:
   starting/connecting to the cluster and checking every worker's digest, the cache
   checks, fetching each clip's bytes and committing them, the join, closing down; and
   the render seconds of each clip on its worker, which they do;
3. an unchanged re-run (everything up to date: the cache check alone).

From those it *estimates* a 10-lecture course (10 lectures like this one, one
`render.py lecture --cluster` command each, one after another) on 1, 4 and 16 machines
of this kind (2 single-threaded workers each): per lecture, the fixed client costs
measured here, plus the clips' measured render seconds placed longest first on the
workers (the order the runner submits them in) and the last one's end taken. It is an
estimate from measured parts, not a measurement of 16 machines: transfers are as fast
as loopback here, and a lecture has 14 clips, so past 7 machines it cannot get faster.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDER = [sys.executable, str(ROOT / "render.py")]
LECTURES = 10
MACHINES = (1, 4, 16)
WORKERS_PER_MACHINE = 2


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stderr}")
    return seconds


def instrumented(out: Path, report: Path, manifest: list[str]) -> None:
    """Run `render.py lecture --cluster local:2` in this process, timing its parts (the
    functions are wrapped, not changed), and write the timings to `report`."""
    from rendering import cli, cluster, lecture, runner

    parts: dict[str, float] = {"collect": 0.0, "bytes": 0.0}
    seconds: dict[str, float] = {}

    def timing(name, call):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - start
        return wrapped

    connect = cluster.connect

    class TimedConnect:  # the cluster's start (entering) and its closing (leaving)
        def __init__(self, address):
            self.inner = connect(address)

        def __enter__(self):
            start = time.perf_counter()
            client = self.inner.__enter__()
            parts["connect"] = time.perf_counter() - start
            return client

        def __exit__(self, *exc):
            start = time.perf_counter()
            result = self.inner.__exit__(*exc)
            parts["close"] = time.perf_counter() - start
            return result

    collect = cluster._collect

    def timed_collect(future, work):
        start = time.perf_counter()
        outcome = collect(future, work)
        parts["collect"] += time.perf_counter() - start
        parts["bytes"] += sum(p.stat().st_size for p in work.task.files if p.exists())
        return outcome

    run_tasks, render = runner.run_tasks, cluster.ClusterRunner.render
    began: list[float] = []

    def timed_render(self, work, reporter):  # the cache checks end where the runner begins
        parts["cache checks"] = time.perf_counter() - began[0]
        return render(self, work, reporter)

    def timed_run_tasks(*args, **kwargs):
        began.append(time.perf_counter())
        return run_tasks(*args, **kwargs)

    remember = runner._remember

    def remembered(outcomes):
        seconds.update({o.task.label: o.seconds for o in outcomes if o.status == "rendered"})
        remember(outcomes)

    cluster.connect = TimedConnect
    cluster.check_cluster = timing("digest checks", cluster.check_cluster)
    cluster._collect = timed_collect
    cluster.ClusterRunner.render = timed_render
    runner.run_tasks = timed_run_tasks
    runner._remember = remembered
    lecture.join = timing("join", lecture.join)
    start = time.perf_counter()
    code = cli.main(["lecture", *manifest, "--quality", "low", "--force", "--quiet",
                     "--out", str(out),
                     "--cluster", "local:2"])
    parts["total in process"] = time.perf_counter() - start
    if code != 0:
        sys.exit(f"the cluster run failed (exit {code})")
    report.write_text(json.dumps({"parts": parts, "seconds": seconds}))


def makespan(durations: list[float], workers: int) -> float:
    """When the last clip ends, clips given longest first to the first free worker."""
    free = [0.0] * workers
    for d in sorted(durations, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + d)
    return max(free)


def in_turns(durations: list[float], workers: int) -> float:
    """When the last clip ends if every clip is placed at once, in turns (1st, 3rd, 5th...
    on one worker), as Dask places tasks submitted together whose length it cannot know."""
    return max(sum(durations[w::workers]) for w in range(workers))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("manifest", nargs="?", help="a lecture manifest (default: the default lecture)")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="pairs of runs to measure (default 1): the median ratio is reported")
    p.add_argument("--instrumented", nargs=2, metavar=("OUT", "REPORT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    manifest = [str(Path(args.manifest).resolve())] if args.manifest else []
    if args.instrumented:
        instrumented(Path(args.instrumented[0]), Path(args.instrumented[1]), manifest)
        return
    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    env = dict(os.environ)
    out = work / "out"
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} cores; the machine is shared)")
    lecture = [*RENDER, "lecture", *manifest]
    warm = timed([*lecture, "--quality", "low", "--out", str(out), "--jobs", "2",
                  "--quiet"], env)  # the outputs exist and LaTeX is cached from here on
    warm += timed([*lecture, "--quality", "low", "--force", "--out", str(out),
                   "--cluster", "local:2", "--quiet"], env)  # the cluster slots' LaTeX too
    print(f"warm-up (the lecture with --jobs 2, then with --cluster local:2): {warm:7.1f} s")
    report = work / "report.json"
    pairs = []
    for _ in range(max(args.repeat, 1)):
        local = timed([*lecture, "--quality", "low", "--force", "--quiet", "--out",
                       str(out), "--jobs", "2"], env)
        cluster = timed([sys.executable, str(Path(__file__).resolve()), *manifest,
                         "--instrumented", str(out), str(report)], env)
        pairs.append((local, cluster))
    unchanged = timed([*lecture, "--quality", "low", "--quiet", "--out", str(out),
                       "--cluster", "local:2"], env)
    measured = json.loads(report.read_text())
    parts, seconds = measured["parts"], measured["seconds"]
    for local, cluster in pairs:
        print(f"lecture, low, --force, --jobs 2:          {local:7.1f} s")
        print(f"lecture, low, --force, --cluster local:2: {cluster:7.1f} s  = "
              f"{cluster / local - 1:+.1%} against --jobs 2 (goal: at most +10%)")
    if len(pairs) > 1:
        ratios = sorted(c / j - 1 for j, c in pairs)
        print(f"median of {len(pairs)} pairs: {statistics.median(ratios):+.1%} "
              f"(from {ratios[0]:+.1%} to {ratios[-1]:+.1%})")
    print(f"lecture, unchanged, --cluster local:2:    {unchanged:7.1f} s  (nothing sent: "
          "the cluster is not even started)")
    longest_first = sorted(seconds.values(), reverse=True)
    print("\nthe clips' render seconds on the workers (the last cluster run), longest first: "
          + ", ".join(f"{label} {seconds[label]:.1f}" for label in
                      sorted(seconds, key=seconds.get, reverse=True)))
    print(f"on 2 workers the last clip ends at {makespan(longest_first, 2):.1f} s handed out "
          f"one free worker at a time (the runner), at {in_turns(longest_first, 2):.1f} s "
          "placed all at once in turns (Dask given every task together)")
    print("\nthe cluster run's parts, on the client:")
    fixed = ("connect", "digest checks", "cache checks", "collect", "join", "close")
    names = {"connect": "start the local cluster (2 worker processes) and connect",
             "digest checks": "digest of this checkout, and of the scheduler's and workers'",
             "cache checks": f"cache keys and freshness of the {len(seconds)} clips",
             "collect": f"fetch the clips' bytes ({parts['bytes'] / 1e6:.1f} MB) and commit",
             "join": "join the lecture (ffmpeg, captions, chapters)",
             "close": "close the client and stop the local cluster"}
    for name in fixed:
        print(f"  {names[name]:<62} {parts.get(name, 0.0):6.1f} s")
    rendered = sum(seconds.values())
    print(f"  render seconds on the workers (sum over {len(seconds)} clips) "
          f"{'':<8}{rendered:6.1f} s  (longest clip {max(seconds.values()):.1f} s)")
    per_lecture_fixed = sum(parts.get(name, 0.0) for name in fixed if name != "connect")
    # a real cluster is started once and stays up: its connect is a fraction of a second
    print(f"\nestimate for a {LECTURES}-lecture course (each lecture like this one, one "
          f"`lecture --cluster` command each),\nfrom the parts above: per lecture "
          f"{per_lecture_fixed:.1f} s fixed on the client (digest and cache checks, "
          "transfers, join, close)\n+ its clips' render seconds placed longest first on "
          f"the workers ({WORKERS_PER_MACHINE} per machine):")
    for machines in MACHINES:
        span = makespan(list(seconds.values()), machines * WORKERS_PER_MACHINE)
        total = LECTURES * (per_lecture_fixed + span)
        print(f"  {machines:2d} machine{'s' if machines > 1 else ' '}: {total / 60:6.1f} min "
              f"({LECTURES} x ({per_lecture_fixed:.1f} s fixed + {span:.1f} s rendering))")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
