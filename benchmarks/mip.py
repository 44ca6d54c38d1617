"""The ``mip`` policy's SAA day program: its speed, and its plans out of sample.

For the busiest day of replication 0 (first come, first served booking) of the
bundled ``ophthalmology`` scenario (about 60 patients) and of
``ophthalmology_service`` (about 200), at S = 10 and S = 30 sampled scenarios:

1. one SAA program (one round: the equally spaced start played with
   ``play_all``, then ``saa.solve`` over the order of each played scenario):
   seconds to play, build and solve, and its size (variables, rows); then the
   seconds of the whole day plan as the policy makes it (``MipPolicy._plan_day``,
   with the plan cache cleared first);
2. out of sample against in sample: the plan's expected cost over its own S
   scenarios (``DayPlan.cost``) beside its mean cost over 500 fresh scenarios
   of the same day, and on those 500 scenarios the equally spaced and
   Bailey–Welch appointments, with the optimised plan's difference in percent;
3. the wall time of ``clinicsim compare ophthalmology --no-report`` (``make
   demo``'s command: fifo, fifo:appointment, fifo:bailey_welch and mip over 30
   replications) on 2 workers, with a fresh result store (nothing reused).

Targets: at S = 30 on one core, a 60-patient day planned within 5 s and a
200-patient day within 60 s (whole day plan); ``make demo`` (the compare above)
within 120 s on 2 cores.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import policies.mip
from policies.fifo import bailey_welch_times, equally_spaced_times
from policies.first_come import book_first_come
from policies.mip import DayPlan, MipParams, MipPolicy
from policies.mip.day import (
    DayProblem,
    Scenarios,
    day_problem,
    play_all,
    sample_scenarios,
    scenario_seed,
    with_staff,
)
from policies.mip.saa import SaaSolution, WorkLimits, solve
from sim.clinic import Clinic
from sim.costs import Costs
from sim.sampling import Requests, realise
from sim.scenario import load

SCENARIOS = ("ophthalmology", "ophthalmology_service")
SIZES = (10, 30)
TEST_SCENARIOS = 500
TEST_SEED = 20_240_501  # the fresh scenarios: a seed no plan is made with
PLAN_TARGETS = {"ophthalmology": 5.0, "ophthalmology_service": 60.0}  # seconds at S = 30
TARGET_S = 30
COMPARE_REPS = 30
COMPARE_WORKERS = 2
COMPARE_TARGET = 120.0


@dataclass
class Day:
    """The busiest booked day of a scenario's replication 0, and what planning it needs."""

    name: str
    clinic: Clinic
    requests: Requests
    d: int
    patients: list[int]
    member: np.ndarray
    starts: dict[str, np.ndarray]  # per rule, every patient's appointment

    def problem(self, costs: Costs) -> DayProblem:
        base = day_problem(self.clinic, self.requests, self.patients, self.member, costs)
        return with_staff(base, self.clinic, self.d)

    def sample(self, count: int, seed: int) -> Scenarios:
        return sample_scenarios(self.clinic.scenario, self.requests, self.patients, count, seed)


@dataclass
class Round:
    """One SAA round: seconds to play the start, and the solve."""

    play_seconds: float
    solution: SaaSolution


def busiest_day(name: str) -> Day:
    scenario = load(name)
    clinic = Clinic(scenario)
    requests = realise(scenario, 0).requests
    day, member = book_first_come(requests, clinic)
    d = int(np.bincount(day[day >= 0]).argmax())
    starts = {
        "equally_spaced": equally_spaced_times(requests, clinic, day, member),
        "bailey_welch": bailey_welch_times(requests, clinic, day, member),
    }
    patients = [int(p) for p in np.flatnonzero(day == d)]
    return Day(name, clinic, requests, d, patients, member, starts)


def one_round(day: Day, params: MipParams) -> Round:
    """Play the equally spaced start over S scenarios, then build and solve one program."""
    problem = day.problem(params.costs)
    scenarios = day.sample(params.scenarios, scenario_seed(params.seed, day.name, day.d))
    appointment = day.starts["equally_spaced"][day.patients]
    started = time.perf_counter()
    played = play_all(problem, appointment, scenarios)
    play_seconds = time.perf_counter() - started
    limits = WorkLimits(params.max_iterations, params.guard_seconds)
    return Round(play_seconds, solve(problem, scenarios, [p.chains for p in played], limits))


def day_plan(day: Day, params: MipParams) -> tuple[DayPlan, float]:
    """The policy's plan of the day, uncached, and its seconds."""
    policies.mip._CACHE.clear()
    policy = MipPolicy(params)
    started = time.perf_counter()
    plan, cached = policy._plan_day(
        day.requests, day.clinic, day.d, day.patients, day.member, day.starts
    )
    seconds = time.perf_counter() - started
    assert not cached
    return plan, seconds


def costs(problem: DayProblem, appointment: np.ndarray, scenarios: Scenarios) -> np.ndarray:
    """The cost of ``appointment`` in each scenario."""
    return np.array([p.cost for p in play_all(problem, appointment, scenarios)])


def paired(ours: np.ndarray, theirs: np.ndarray) -> str:
    """Our mean cost against theirs in percent, ± the 95 % half-width of the paired mean."""
    base = float(theirs.mean())
    half = 1.96 * float((ours - theirs).std(ddof=1)) / np.sqrt(len(ours))
    return f"{(ours.mean() - base) / base:+6.1%} ±{half / base:4.1%}"


def verdict(seconds: float, target: float) -> str:
    return "PASS" if seconds <= target else "MISS"


def speed(days: list[Day], plans: dict[tuple[str, int], tuple[DayPlan, float]]) -> None:
    print("1. Speed (one core): one SAA round, and the whole day plan")
    print(
        f"  {'scenario':<22} {'pat':>4} {'S':>3} {'play s':>7} {'build s':>8} {'solve s':>8} "
        f"{'vars':>8} {'rows':>8} {'status':>10} {'plan s':>8} {'rounds':>6} {'moves':>5}  target"
    )
    for day in days:
        for s in SIZES:
            params = MipParams(scenarios=s)
            round_ = one_round(day, params)
            solution = round_.solution
            plan, seconds = plans[day.name, s]
            moves = plan.stats.get("polish_moves", 0)  # rounding's polish, where there is one
            target = ""
            if s == TARGET_S:
                limit = PLAN_TARGETS[day.name]
                target = f"≤ {limit:.0f} s {verdict(seconds, limit)}"
            print(
                f"  {day.name:<22} {len(day.patients):>4} {s:>3} {round_.play_seconds:>7.2f} "
                f"{solution.build_seconds:>8.2f} {solution.solve_seconds:>8.2f} "
                f"{solution.variables:>8} {solution.rows:>8} {solution.status:>10} "
                f"{seconds:>8.2f} {plan.stats['rounds']:>6} {moves:>5}  {target}"
            )
    print()


def out_of_sample(days: list[Day], plans: dict[tuple[str, int], tuple[DayPlan, float]]) -> None:
    print(
        f"2. In sample (the plan's S scenarios) against out of sample ({TEST_SCENARIOS} fresh "
        "scenarios, the same for every row of a day); Δ: optimised against the rule out of "
        "sample, ± the 95 % half-width of the paired difference"
    )
    print(
        f"  {'scenario':<22} {'S':>3} {'origin':>14} {'in-sample':>10} {'out-sample':>10} "
        f"{'optimism':>8} {'equal sp.':>10} {'Δ (95 %)':>13} {'B–W':>10} {'Δ (95 %)':>13}"
    )
    for day in days:
        problem = day.problem(MipParams().costs)
        test = day.sample(TEST_SCENARIOS, scenario_seed(TEST_SEED, day.name, day.d))
        equal = costs(problem, day.starts["equally_spaced"][day.patients], test)
        bailey = costs(problem, day.starts["bailey_welch"][day.patients], test)
        for s in SIZES:
            plan, _seconds = plans[day.name, s]
            outside = costs(problem, plan.appointment, test)
            optimism = (plan.cost - outside.mean()) / outside.mean()
            print(
                f"  {day.name:<22} {s:>3} {plan.origin:>14} {plan.cost:>10.1f} "
                f"{outside.mean():>10.1f} {optimism:>+8.1%} {equal.mean():>10.1f} "
                f"{paired(outside, equal):>13} {bailey.mean():>10.1f} {paired(outside, bailey):>13}"
            )
    print()


def compare_command(store: Path) -> list[str]:
    command = [sys.executable, "-m", "sim.cli.main", "compare", "ophthalmology", "--no-report"]
    command += ["--reps", str(COMPARE_REPS), "--store", str(store)]
    return [*command, "--workers", str(COMPARE_WORKERS)]


def compare_wall_time() -> float:
    """Seconds of the compare on a fresh result store, so that no task is reused."""
    with tempfile.TemporaryDirectory(prefix="clinicsim-bench-") as store:
        started = time.perf_counter()
        subprocess.run(compare_command(Path(store)), check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def demo() -> None:
    seconds = compare_wall_time()
    shown = " ".join(["clinicsim", *compare_command(Path("<fresh temporary dir>"))[3:]])
    print("3. make demo")
    print(f"  {shown}")
    print(
        f"  {seconds:.1f} s on {COMPARE_WORKERS} workers, target ≤ {COMPARE_TARGET:.0f} s: "
        f"{verdict(seconds, COMPARE_TARGET)}"
    )


def main() -> None:
    days = [busiest_day(name) for name in SCENARIOS]
    for day in days:
        print(f"{day.name}: busiest day {day.d} of replication 0, {len(day.patients)} patients")
    print()
    plans = {(day.name, s): day_plan(day, MipParams(scenarios=s)) for day in days for s in SIZES}
    speed(days, plans)
    out_of_sample(days, plans)
    demo()


if __name__ == "__main__":
    main()
