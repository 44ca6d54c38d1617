"""Engine throughput: clinicsim's whole pipeline against a bare SimPy loop and Ciw.

The same M/M/3 queue at utilisation 0.9 with 200 000 patients, run three ways
in one process, one after the other:

- clinicsim: scenario → sampling → fifo plan (walk-in) → SimPy engine → records → metrics;
- a bare SimPy loop: a source process and ``simpy.Resource``, waits kept in a list;
- Ciw: ``simulate_until_max_customers`` and its records.

Prints patients per second of each and the ratios (target: clinicsim ≥ 0.6 × bare
SimPy), then the wall time of ``clinicsim compare -p fifo --reps 30`` on the
bundled scenario (target under 20 s). Ratios from one run: the machine is shared.

Run with ``make bench`` (or ``python benchmarks/engine.py --patients 50000``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

from sim.experiments.runner import run_replication
from sim.scenario import Scenario, from_mapping

SERVERS = 3
UTILISATION = 0.9
DAY_MINUTES = 23 * 60 + 59  # one long day: open 00:00, close 23:59
TARGET_RATIO = 0.6
TARGET_COMPARE_SECONDS = 20.0


def mmc_scenario(patients: int) -> tuple[Scenario, float, float]:
    """An M/M/3 clinic: one pool, one exponential step, walk-in Poisson arrivals."""
    arrival_rate = patients / DAY_MINUTES
    mean_service = UTILISATION * SERVERS / arrival_rate
    raw = {
        "name": "M/M/3 benchmark",
        "seed": 7,
        "horizon": {"days": 1, "open": "00:00", "close": "23:59", "max_overtime": 10_000},
        "resources": {"server": {"count": SERVERS}},
        "demand": {
            "requests_per_day": patients,
            "classes": {"all": {"share": 1.0, "protocol": "visit"}},
        },
        "protocols": {
            "visit": {
                "steps": [
                    {
                        "id": "service",
                        "resource": "server",
                        "duration": {"dist": "exponential", "mean": mean_service},
                    }
                ]
            }
        },
        "policies": {"fifo": {"arrival": "walk_in"}},
    }
    return from_mapping(raw, source="benchmark"), arrival_rate, mean_service


def run_clinicsim(scenario: Scenario) -> tuple[int, float]:
    result = run_replication(scenario, ["fifo"], rep=0)
    visits = result.policies["fifo"].records.visits
    return int((visits["status"] == "served").sum()), result.policies["fifo"].values["wait"]


def run_bare_simpy(patients: int, arrival_rate: float, mean_service: float) -> tuple[int, float]:
    rng = np.random.default_rng(7)
    gaps = rng.exponential(1 / arrival_rate, patients)
    services = rng.exponential(mean_service, patients)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=SERVERS)
    waits: list[float] = []

    def customer(service: float):
        arrived = env.now
        with server.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(service)

    def source():
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    env.run()
    return len(waits), float(np.mean(waits))


def run_ciw(patients: int, arrival_rate: float, mean_service: float) -> tuple[int, float]:
    import ciw

    ciw.seed(7)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=1 / mean_service)],
        number_of_servers=[SERVERS],
    )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(patients, method="Finish")
    waits = [r.waiting_time for r in simulation.get_all_records()]
    return len(waits), float(np.mean(waits))


def timed(label: str, work: Callable[[], tuple[int, float]]) -> float:
    started = time.perf_counter()
    served, mean_wait = work()
    seconds = time.perf_counter() - started
    rate = served / seconds
    print(
        f"{label:<28} {served:>8} patients {seconds:7.2f} s {rate:>10,.0f} patients/s"
        f"   mean wait {mean_wait:.4f} min"
    )
    return rate


def compare_wall_time(reps: int) -> float:
    """``compare -p fifo`` (the foundation's target: the MIP's is in benchmarks/mip.py),
    every task computed (``--no-cache``, a store of its own), no report."""
    with tempfile.TemporaryDirectory() as store:
        command = [
            str(Path(sys.executable).with_name("clinicsim")),
            "compare",
            "-p",
            "fifo",
            "--reps",
            str(reps),
            "--json",
            "--no-report",
            "--no-cache",
            "--store",
            store,
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200_000)
    parser.add_argument("--compare-reps", type=int, default=30)
    args = parser.parse_args()

    scenario, arrival_rate, mean_service = mmc_scenario(args.patients)
    print(
        f"M/M/{SERVERS}, utilisation {UTILISATION}, {args.patients} patients "
        f"(mean service {mean_service:.5f} min)"
    )
    ours = timed("clinicsim (whole pipeline)", lambda: run_clinicsim(scenario))
    bare = timed(
        "bare SimPy loop", lambda: run_bare_simpy(args.patients, arrival_rate, mean_service)
    )
    ciw_rate = timed("Ciw", lambda: run_ciw(args.patients, arrival_rate, mean_service))
    ratio = ours / bare
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(
        f"clinicsim / bare SimPy = {ratio:.2f} ({verdict} the {TARGET_RATIO} target); "
        f"clinicsim / Ciw = {ours / ciw_rate:.2f}; bare SimPy / Ciw = {bare / ciw_rate:.2f}"
    )

    seconds = compare_wall_time(args.compare_reps)
    verdict = "meets" if seconds < TARGET_COMPARE_SECONDS else "MISSES"
    print(
        f"clinicsim compare -p fifo --reps {args.compare_reps} (bundled scenario): {seconds:.1f} s "
        f"({verdict} the {TARGET_COMPARE_SECONDS:.0f} s target)"
    )


if __name__ == "__main__":
    main()
