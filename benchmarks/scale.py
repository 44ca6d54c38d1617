"""Scaling of the experiment runner: process pool against one worker, and Dask's overhead.

On ``clinicsim compare --reps 40`` of the bundled scenario (fifo,
fifo:appointment, mip: 120 tasks), in one run, each measurement a fresh
``clinicsim`` process with ``--no-cache`` and a store of its own, so every task
is computed and no process starts with plans already in memory:

- one worker, then a pool of 2: wall times and the speed-up (target ≥ 1.7 on
  this 2-core machine);
- a Dask ``LocalCluster`` of 2 single-threaded worker processes on loopback,
  the same tasks: its overhead per task against the pool (target < 20 ms);
- from the measured task times, the speed-up to expect on 16 and 64 cores:
  waves of ``tasks / cores`` tasks plus the work that stays in the main process
  (summaries, gathering records), capped by the slowest single task.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.experiments.tasks import Task, run_task
from sim.scenario import load

REPS = 40
POLICIES = ["fifo", "fifo:appointment", "mip"]


TINY_REPS = 200  # one-day fifo replications: tasks of a few ms, so the overhead shows
TINY = ("--set", "horizon.days=1")


def timed(*options: str, reps: int = REPS, policies: list[str] = POLICIES) -> float:
    """Wall seconds of ``clinicsim compare`` with ``options``, in a fresh process."""
    script = Path(sys.executable).with_name("clinicsim")
    chosen = [arg for spec in policies for arg in ("-p", spec)]
    with tempfile.TemporaryDirectory() as store:
        command = [str(script), "compare", "ophthalmology", "--reps", str(reps), *chosen]
        command += ["--no-cache", "--store", store, "--json", "--no-report", *options]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def task_times(count: int) -> list[float]:
    """Seconds of the first ``count`` tasks, one by one in this process."""
    scenario = load("ophthalmology")
    times = []
    for rep in range(math.ceil(count / len(POLICIES))):
        for spec in POLICIES:
            started = time.perf_counter()
            run_task(Task(scenario, spec, rep))
            times.append(time.perf_counter() - started)
    return times[:count]


def main() -> None:
    tasks = REPS * len(POLICIES)
    serial = timed("--workers", "1")
    pool = timed("--workers", "2")
    print(f"clinicsim compare, {REPS} replications × {len(POLICIES)} policies = {tasks} tasks")
    print(f"  1 worker  {serial:7.1f} s")
    print(f"  2 workers {pool:7.1f} s   speed-up {serial / pool:.2f} (target ≥ 1.7)")
    dask_line(pool, tasks)
    expected_scaling(serial, tasks)


def dask_line(pool: float, tasks: int) -> None:
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  Dask: not installed (pip install 'clinicsim[dask]')")
        return
    started = time.perf_counter()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        startup = time.perf_counter() - started
        dask = timed("--cluster", cluster.scheduler_address)
        tiny_dask = timed(*TINY, "--cluster", cluster.scheduler_address, **_tiny())
    tiny_pool = timed(*TINY, "--workers", "2", **_tiny())
    print(
        f"  Dask LocalCluster (2 workers) {dask:7.1f} s (+{startup:.1f} s to start), "
        f"{1000 * (dask - pool) / tasks:+.0f} ms a task against the pool on these tasks"
    )
    overhead = 1000 * (tiny_dask - tiny_pool) / TINY_REPS
    verdict = "meets" if overhead < 20 else "misses"
    print(
        f"  overhead per task, {TINY_REPS} one-day fifo tasks: pool {tiny_pool:.1f} s, Dask "
        f"{tiny_dask:.1f} s: {overhead:+.1f} ms a task ({verdict} the 20 ms target)"
    )


def _tiny() -> dict:
    return {"reps": TINY_REPS, "policies": ["fifo"]}


def expected_scaling(serial: float, tasks: int) -> None:
    sample = task_times(9)
    per_task = serial / tasks  # includes each task's share of the main process's work
    slowest = max(sample)
    print(
        f"  task times (first 9, one by one): mean {sum(sample) / len(sample):.2f} s, "
        f"slowest {slowest:.2f} s; serial run {per_task:.2f} s a task"
    )
    for cores in (16, 64):
        waves = math.ceil(tasks / cores)
        wall = max(waves * per_task, slowest)
        print(
            f"  expected on {cores} cores: {waves} wave(s), about {wall:.1f} s, "
            f"speed-up {serial / wall:.0f}"
        )
    print(
        "  limits: tasks per experiment (reps × policies), the slowest task (a MIP "
        "replication), and the main process's summaries and store writes"
    )


if __name__ == "__main__":
    main()
