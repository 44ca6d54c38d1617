"""The ``mip`` policy: the SAA program, its second stage against the engine, tiny days
enumerated, valid plans, the frontier, the headline, determinism and the cache.

- ``day.dispatch`` plays a day as ``sim.engine`` does: on the engine's own draws,
  the same departure for every patient and the same overtime;
- the SAA program prices the order it is given exactly: with the windows fixed, its
  optimum is the mean cost of playing those appointments; relaxed, it is lower;
- tiny days (two protocols, one nurse and one doctor, 2–4 patients, 5 scenarios):
  every vector of appointment windows is enumerated; the policy's plan is never
  worse than either simple rule in sample, and within ``TINY_GAP`` of the
  enumerated optimum (the order, fixed by the first pass, is what it can miss);
- every plan passes the independent checker (``tests/support/plan_checker.py``),
  with the bundled staff and with 3 technicians (the congested case), on every day;
- the frontier: a heavier overtime weight never plans more overtime (the stay need
  not rise in step: the search is local, and a plan found at one weight can have
  both less stay and less overtime than one found at another);
- the headline on the bundled scenario (five days, 10 replications): ``mip``'s cost
  per day is below both simple rules with paired 95 % intervals below zero, and no
  rule has both a shorter stay and less overtime;
- the same ``summary.json`` bytes with one worker or two, with a warm or cold plan
  cache, and with two processes loading both cores; other parameters never reuse a
  cached plan; bad parameters exit 2 with one line naming the dotted path.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import policies.mip as mip_module
from policies.fifo import bailey_welch_times, equally_spaced_times
from policies.first_come import book_first_come
from policies.mip import MipParams, MipPolicy
from policies.mip.day import (
    DayProblem,
    Scenarios,
    day_problem,
    dispatch,
    play_all,
    sample_scenarios,
    with_staff,
)
from policies.mip.saa import WorkLimits, solve
from policies.mip.search import DayPlan
from sim.clinic import Clinic
from sim.costs import Costs
from sim.engine import simulate
from sim.experiments.runner import run_experiment
from sim.outputs.rundir import summary_json
from sim.plan import Plan
from sim.sampling import Requests, realise, stream
from sim.scenario import Scenario, from_mapping, load
from tests.support.load import both_cores_loaded
from tests.support.plan_checker import check_plan

BUNDLED = "ophthalmology"
TINY_GAP = 0.10  # worst gap to the enumerated optimum allowed on a tiny day (8.7 % measured)
TINY_MEAN_GAP = 0.03  # … and on average over them (1.1 % measured)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    mip_module._CACHE.clear()
    yield
    mip_module._CACHE.clear()


# ---------------------------------------------------------------- helpers


def booked_day(scenario: Scenario, rep: int = 0, d: int = 0) -> tuple[Clinic, Requests, Any]:
    clinic = Clinic(scenario)
    realisation = realise(scenario, rep)
    day, member = book_first_come(realisation.requests, clinic)
    return clinic, realisation, (day, member, [int(p) for p in np.flatnonzero(day == d)])


def problem_of(
    clinic: Clinic,
    requests: Requests,
    member: Any,
    patients: list[int],
    d: int = 0,
    costs: Costs | None = None,
) -> DayProblem:
    problem = day_problem(clinic, requests, patients, member, costs or Costs())
    return with_staff(problem, clinic, d)


def mean_cost(problem: DayProblem, appointment: np.ndarray, scenarios: Scenarios) -> float:
    return float(np.mean([p.cost for p in play_all(problem, appointment, scenarios)]))


def mip_plan(scenario: Scenario, rep: int = 0, **params: Any) -> tuple[Plan, Requests, Clinic]:
    clinic = Clinic(scenario)
    requests = realise(scenario, rep).requests
    policy = MipPolicy(MipParams(**params))
    return (
        policy.plan(requests, clinic, stream(scenario.seed, rep, "policy", "mip")),
        requests,
        clinic,
    )


def day_plan(scenario: Scenario, d: int = 0, **params: Any) -> tuple[DayPlan, DayProblem]:
    clinic, realisation, (day, member, patients) = booked_day(scenario, 0, d)
    requests = realisation.requests
    starts = {
        "equally_spaced": equally_spaced_times(requests, clinic, day, member),
        "bailey_welch": bailey_welch_times(requests, clinic, day, member),
    }
    policy = MipPolicy(MipParams(**params))
    plan, _cached = policy._plan_day(requests, clinic, d, patients, member, starts)
    return plan, problem_of(clinic, requests, member, patients, d, policy.params.costs)


# ---------------------------------------------------------------- the second stage


def test_dispatch_plays_a_day_as_the_engine_does() -> None:
    """On the engine's own draws (one scenario: the realisation), the list schedule gives
    every patient the engine's departure and the staff the engine's overtime."""
    scenario = load(BUNDLED, ["horizon.days=1"])
    clinic, realisation, (day, member, patients) = booked_day(scenario)
    requests, outcomes = realisation.requests, realisation.outcomes
    appointment = equally_spaced_times(requests, clinic, day, member)
    plan = Plan("equal", day, member, appointment)
    records = simulate(plan, realisation, clinic)
    comes = ~(outcomes.cancelled | outcomes.no_show)
    drawn = Scenarios(
        duration=outcomes.duration[patients][None],
        occurs=outcomes.occurs[patients][None],
        comes=comes[patients][None],
        punctuality=outcomes.punctuality[patients][None],
    )
    problem = problem_of(clinic, requests, member, patients)
    played = dispatch(problem, appointment[patients], drawn, 0)
    engine_departure = records.visits["departure"].to_numpy()[patients]
    np.testing.assert_allclose(played.departure, engine_departure, atol=1e-6, equal_nan=True)
    assert played.unserved == int((records.visits["status"] == "unserved").sum())
    assert played.overtime == pytest.approx(records.members["overtime"].sum(), abs=1e-6)
    assert comes[patients].sum() > 40


def test_program_prices_the_played_order_exactly() -> None:
    """Windows fixed: the program's optimum is the mean cost of playing them (overtime as
    the members' finish past closing), which it reproduces from the order alone. Windows
    free: no more than that."""
    scenario = load(BUNDLED, ["horizon.days=1"])
    clinic, realisation, (day, member, patients) = booked_day(scenario)
    requests = realisation.requests
    problem = problem_of(clinic, requests, member, patients)
    scenarios = sample_scenarios(scenario, requests, patients, 6, seed=5)
    appointment = equally_spaced_times(requests, clinic, day, member)[patients]
    played = play_all(problem, appointment, scenarios)
    chains = [p.chains for p in played]
    windows = np.rint((appointment - problem.open) / problem.slot)
    priced = solve(problem, scenarios, chains, WorkLimits(), fixed_windows=windows)
    assert priced.status == "optimal"
    costs = problem.costs
    charged = [costs.stay * p.stay + costs.overtime * p.late_finish for p in played]
    assert all(p.unserved == 0 for p in played)
    assert priced.bound == pytest.approx(np.mean(charged), rel=1e-7)
    relaxed = solve(problem, scenarios, chains, WorkLimits())
    assert relaxed.bound is not None and relaxed.bound <= priced.bound + 1e-6


# ---------------------------------------------------------------- tiny days, enumerated


def tiny_scenario(seed: int) -> Scenario:
    """A nurse and a doctor; a long protocol and a short one; an hour's clinic."""
    return from_mapping(
        {
            "name": "tiny",
            "seed": seed,
            "horizon": {
                "days": 1,
                "weekdays": ["mon"],
                "open": "08:00",
                "close": "09:00",
                "slot_minutes": 10,
                "max_overtime": 60,
            },
            "resources": {"nurse": {"count": 1}, "doctor": {"count": 1}},
            "demand": {
                "requests_per_day": 3.5,
                "booking_window_days": 1,
                "min_lead_days": 0,
                "classes": {
                    "new": {"share": 0.5, "protocol": "long"},
                    "review": {"share": 0.5, "protocol": "short"},
                },
            },
            "behaviour": {"no_show": 0.1, "punctuality": {"dist": "normal", "mean": -3, "sd": 4}},
            "protocols": {
                "long": {
                    "steps": [
                        {"id": "triage", "resource": "nurse", "duration": lognormal(8, 3)},
                        {
                            "id": "visit",
                            "resource": "doctor",
                            "assigned": True,
                            "duration": lognormal(15, 5),
                        },
                    ]
                },
                "short": {
                    "steps": [
                        {
                            "id": "visit",
                            "resource": "doctor",
                            "assigned": True,
                            "duration": lognormal(6, 2),
                        },
                    ]
                },
            },
            "policies": {"mip": {"scenarios": 5}},
        }
    )


def lognormal(mean: float, sd: float) -> dict[str, Any]:
    return {"dist": "lognormal", "mean": mean, "sd": sd}


def enumerated_optimum(problem: DayProblem, scenarios: Scenarios) -> float:
    """The SAA optimum over every vector of appointment windows."""
    grid = range(problem.last_window + 1)
    return min(
        mean_cost(problem, problem.open + problem.slot * np.array(z), scenarios)
        for z in itertools.product(grid, repeat=problem.patients)
    )


def tiny_days() -> Iterator[tuple[DayPlan, DayProblem, Scenarios, dict[str, float]]]:
    for seed in range(24):
        scenario = tiny_scenario(seed)
        clinic, realisation, (day, member, patients) = booked_day(scenario)
        if not 2 <= len(patients) <= 4:
            continue
        mip_module._CACHE.clear()
        plan, problem = day_plan(scenario, scenarios=5)
        scenarios = plan.scenarios
        requests = realisation.requests
        rules = {
            "equally_spaced": equally_spaced_times(requests, clinic, day, member)[patients],
            "bailey_welch": bailey_welch_times(requests, clinic, day, member)[patients],
        }
        yield (
            plan,
            problem,
            scenarios,
            {k: mean_cost(problem, v, scenarios) for k, v in rules.items()},
        )


def test_tiny_days_reach_near_the_enumerated_optimum() -> None:
    gaps = []
    for plan, problem, scenarios, rules in tiny_days():
        assert plan.cost == pytest.approx(mean_cost(problem, plan.appointment, scenarios))
        assert plan.cost <= min(rules.values()) + 1e-9
        optimum = enumerated_optimum(problem, scenarios)
        assert optimum <= plan.cost + 1e-9
        gaps.append(plan.cost / optimum - 1)
    assert len(gaps) >= 8
    assert max(gaps) <= TINY_GAP, gaps
    assert float(np.mean(gaps)) <= TINY_MEAN_GAP, gaps


# ---------------------------------------------------------------- valid plans


@pytest.mark.parametrize(
    "overrides",
    [["horizon.days=3"], ["horizon.days=3", "resources.technician.count=3"]],
    ids=["bundled", "three_technicians"],
)
def test_every_plan_passes_the_checker(overrides: list[str]) -> None:
    scenario = load(BUNDLED, overrides)
    for rep in (0, 1):
        plan, requests, clinic = mip_plan(scenario, rep)
        assert check_plan(plan, requests, clinic) == []
        solver = plan.info["solver"]
        assert solver["days"] == clinic.days
        assert solver["time_guard_days"] == 0
        assert set(solver["statuses"]) <= {"optimal", "start"}
        assert plan.info["warnings"] == []


def test_checker_catches_broken_plans() -> None:
    scenario = load(BUNDLED, ["horizon.days=1"])
    plan, requests, clinic = mip_plan(scenario)
    booked = int(np.flatnonzero(plan.booked)[0])
    breaks = {
        "off the grid": lambda p: p.appointment.__setitem__(booked, p.appointment[booked] + 1),
        "before opening": lambda p: p.appointment.__setitem__(booked, clinic.open - 5),
        "after the last shift": lambda p: p.appointment.__setitem__(booked, 24 * 60 - 5),
        "no appointment": lambda p: p.appointment.__setitem__(booked, np.nan),
        "ends too soon": lambda p: p.planned_end.__setitem__(booked, p.appointment[booked] - 90),
        "member not at work": lambda p: p.member.__setitem__(booked, 99),
        "planned starts": lambda p: p.planned_start.__setitem__("consult", p.appointment.copy()),
    }
    for name, breaker in breaks.items():
        broken = Plan(
            plan.policy,
            plan.day.copy(),
            plan.member.copy(),
            plan.appointment.copy(),
            planned_end=plan.planned_end.copy(),
        )
        breaker(broken)
        assert check_plan(broken, requests, clinic), name


# ---------------------------------------------------------------- the frontier


def test_a_heavier_overtime_weight_never_plans_more_overtime() -> None:
    scenario = load(BUNDLED, ["horizon.days=2"])
    for d in (0, 1):
        points = []
        for weight in (0.5, 5.0, 50.0):
            mip_module._CACHE.clear()
            plan, _problem = day_plan(scenario, d, costs=Costs(overtime=weight))
            overtime = float(np.mean([p.overtime for p in plan.played]))
            stay = float(np.mean([p.stay for p in plan.played]))
            points.append((overtime, stay))
        overtimes = [o for o, _s in points]
        assert overtimes == sorted(overtimes, reverse=True), points
        assert overtimes[0] > overtimes[-1] + 1, points


# ---------------------------------------------------------------- the headline


def test_headline_mip_costs_less_than_both_simple_rules() -> None:
    scenario = load(BUNDLED, ["horizon.days=5"])
    specs = ["fifo:appointment", "fifo:bailey_welch", "mip"]
    means = {}
    for baseline in specs[:2]:
        result = run_experiment(scenario, [baseline, "mip"], 10, workers=1, keep_records=False)
        paired = result.summary["paired"]["mip"]["cost"]
        assert paired["diff"] < 0
        assert paired["ci95"][1] < 0, paired
        policies = result.summary["policies"]
        means[baseline] = {m: policies[baseline][m]["mean"] for m in ("los", "overtime")}
        means["mip"] = {m: policies["mip"][m]["mean"] for m in ("los", "overtime")}
    for baseline in specs[:2]:
        dominates = all(means[baseline][m] < means["mip"][m] for m in ("los", "overtime"))
        assert not dominates, means


# ---------------------------------------------------------------- determinism and the cache


def test_the_same_replication_twice_gives_the_same_plan_from_the_cache() -> None:
    scenario = load(BUNDLED, ["horizon.days=2"])
    first, _requests, clinic = mip_plan(scenario)
    assert first.info["solver"]["cached"] == 0
    second, _requests, _clinic = mip_plan(scenario)
    assert second.info["solver"]["cached"] == clinic.days
    np.testing.assert_array_equal(first.appointment, second.appointment)
    np.testing.assert_array_equal(first.planned_end, second.planned_end)
    assert first.info["solver"]["rounds"] == second.info["solver"]["rounds"]


def test_other_parameters_do_not_reuse_cached_plans() -> None:
    scenario = load(BUNDLED, ["horizon.days=1"])
    mip_plan(scenario)
    other, _requests, _clinic = mip_plan(scenario, costs=Costs(overtime=6))
    assert other.info["solver"]["cached"] == 0


def test_summary_json_is_the_same_bytes_with_any_workers_cache_or_load() -> None:
    scenario = load(BUNDLED, ["horizon.days=2"])
    specs = ["fifo:appointment", "mip"]

    def summary(workers: int) -> str:
        result = run_experiment(scenario, specs, 3, workers=workers, keep_records=False)
        return summary_json(result.summary)

    cold = summary(1)
    warm = summary(1)
    mip_module._CACHE.clear()
    pooled = summary(2)
    with both_cores_loaded():
        mip_module._CACHE.clear()
        loaded = summary(2)
    assert warm == cold
    assert pooled == cold
    assert loaded == cold


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "policies.mip.costs.overtime=-1"], "policies.mip.costs.overtime: must be ≥ 0"),
        (["-p", "mip:0"], "policies.mip.scenarios: must be ≥ 1"),
        (["--set", "policies.mip.passes=0"], "policies.mip.passes: must be ≥ 1"),
        (["--set", "policies.mip.costs.waiting=1"], "policies.mip.costs.waiting"),
    ],
)
def test_bad_mip_parameters_exit_2_with_a_clear_message(args: list[str], expected: str) -> None:
    command = [sys.executable, "-m", "sim.cli.main", "run", BUNDLED, "--reps", "1", "-p", "fifo"]
    if "-p" not in args:
        command += ["-p", "mip"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0]


def test_a_sweep_of_the_overtime_weight_reports_the_frontier(tmp_path: Any) -> None:
    out = tmp_path / "frontier"
    command = [
        sys.executable, "-m", "sim.cli.main", "compare", BUNDLED, "-p", "fifo:appointment",
        "-p", "mip", "--reps", "2", "--set", "horizon.days=1", "--store", str(tmp_path / "s"),
        "--sweep", "policies.mip.costs.overtime=1,25", "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    report = (out / "report.html").read_text()
    assert "Stay against overtime, by variant" in report
    assert "costs.overtime=25" in report
