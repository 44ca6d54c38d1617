"""Scaling of the experiment runner: process pool against one worker, and Dask's overhead.

On ``clinicsim compare --reps 40`` of the bundled scenario (fifo,
fifo:appointment, mip: 120 tasks), in one run, with no result store so every
task is computed:

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
import time

from sim.runner import Execution, run_experiment
from sim.scenario import load
from sim.tasks import Task, run_task

REPS = 40
POLICIES = ["fifo", "fifo:appointment", "mip"]


def timed(execution: Execution) -> float:
    scenario = load("ophthalmology")
    started = time.perf_counter()
    run_experiment(scenario, POLICIES, REPS, keep_records=False, execution=execution)
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
    serial = timed(Execution(workers=1))
    pool = timed(Execution(workers=2))
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
        dask = timed(Execution(cluster=cluster.scheduler_address))
    overhead = 1000 * (dask - pool) / tasks
    verdict = "meets" if overhead < 20 else "misses"
    print(
        f"  Dask LocalCluster (2 workers) {dask:7.1f} s (+{startup:.1f} s to start): "
        f"{overhead:+.1f} ms a task against the pool ({verdict} the 20 ms target)"
    )


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
