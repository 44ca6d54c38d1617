"""Experiments on a unit scenario: each policy plans the waiting list, every replication
plays the plans under the same luck, and the numbers are summarised like an outpatient
run's (mean, 95 % interval, paired difference against the first policy).

With a fixed waiting list a policy's plan does not change between replications
(GRASP is seeded by the scenario): planning happens once, and a replication
only draws no-shows, extra blocks and study durations. With ``unit.demand`` (and
``per_week`` > 0) each
replication draws its own list (``sim.unit.demand``), every policy plans it,
and the plans are played under that replication's luck.

A ``UnitRun`` keeps, besides the numbers, the tables of every replication
(``patients``, ``studies``, ``blocks``, each with ``policy`` and ``rep``) and
replication 0's instance and plans, which the calendar and timetables show.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from policies import unit_planner
from sim import metrics
from sim.bounds import metric_bounds
from sim.unit.demand import waiting_list
from sim.unit.engine import UNIT_METRICS, UnitRecords, play, realise, unit_values
from sim.unit.instance import UnitInstance, instance_of
from sim.unit.plan import UnitPlan
from sim.unit.scenario import UnitScenario

UNIT_TABLES = ("patients", "studies", "blocks")
Planner = Callable[[UnitInstance], UnitPlan]
Progress = Callable[[int, int], None]


@dataclass
class UnitRun:
    scenario: UnitScenario
    instance: UnitInstance  # replication 0's planning problem
    policies: list[str]
    reps: int
    plans: dict[str, UnitPlan]  # replication 0's plan of each policy
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]  # UNIT_TABLES, every replication
    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # policy → metric
    info: dict[str, Any] = field(default_factory=dict)  # plan seconds, plans made

    @property
    def baseline(self) -> str:
        return str(self.summary["baseline"])

    def records(self, policy: str, rep: int = 0) -> UnitRecords:
        """One replication's tables of one policy."""
        tables = {
            name: table[(table["policy"] == policy) & (table["rep"] == rep)]
            .drop(columns=["policy", "rep"])
            .reset_index(drop=True)
            for name, table in self.tables.items()
        }
        return UnitRecords(**tables)


def run_unit(
    scenario: UnitScenario, specs: list[str], reps: int, progress: Progress | None = None
) -> UnitRun:
    """Plan and play ``reps`` replications of every policy; ``progress(done, total)`` at the
    start (nothing done) and after each plan a policy makes and each replication it
    plays (``unit_tasks``)."""
    planners = {spec: unit_planner(spec, scenario) for spec in specs}  # all checked first
    sampled = is_sampled(scenario)
    tally = Tally(unit_tasks(scenario, len(specs), reps), progress)
    seconds = dict.fromkeys(specs, 0.0)
    statuses: dict[str, list[str | None]] = {spec: [] for spec in specs}
    values = {spec: {m: [] for m in UNIT_METRICS} for spec in specs}
    tables: dict[str, list[pd.DataFrame]] = {name: [] for name in UNIT_TABLES}
    first_instance, first_plans = None, {}
    inst, plans = None, {}
    for rep in range(reps):
        if inst is None or sampled:
            inst = instance_of(scenario, waiting_list(scenario, rep))
            plans = {}
            for spec, planner in planners.items():
                plans[spec] = _timed(planner, inst, seconds, spec)
                statuses[spec].append(_solver_status(plans[spec]))
                tally.one_done()
        if rep == 0:
            first_instance, first_plans = inst, plans
        luck = realise(scenario, rep, len(inst.patients))
        for spec in specs:
            records = play(inst, plans[spec], luck)
            for metric, value in unit_values(inst, plans[spec], records).items():
                values[spec][metric].append(value)
            for name in UNIT_TABLES:
                tables[name].append(getattr(records, name).assign(policy=spec, rep=rep))
            tally.one_done()
    assert first_instance is not None, "a run has at least one replication"
    info = {
        "plan_seconds": {spec: round(s, 3) for spec, s in seconds.items()},
        "plans_per_policy": reps if sampled else 1,
        "sampled_waiting_list": sampled,
    }
    return UnitRun(
        scenario,
        first_instance,
        specs,
        reps,
        first_plans,
        {**unit_summary(scenario, specs, reps, values), **solver_summary(statuses)},
        {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()},
        values,
        info,
    )


def unit_tasks(scenario: UnitScenario, policies: int, reps: int) -> int:
    """The tasks a unit run counts in its progress: every plan a policy makes (one, or one
    a replication for a sampled waiting list) and every replication it plays. Planning is
    where the time goes, so a run that counted only the replications would sit at zero
    until its plans were made and then jump to the end."""
    plans = reps if is_sampled(scenario) else 1
    return policies * (plans + reps)


@dataclass
class Tally:
    """Tasks done out of ``total``, told to ``progress`` as they are done."""

    total: int
    progress: Progress | None
    done: int = 0

    def __post_init__(self) -> None:
        self._tell()

    def one_done(self) -> None:
        self.done += 1
        self._tell()

    def _tell(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


def is_sampled(scenario: UnitScenario) -> bool:
    """Whether each replication draws its own waiting list."""
    demand = scenario.unit.demand
    return demand is not None and demand.per_week > 0


def _solver_status(plan: UnitPlan) -> str | None:
    """The solver's status of a model's plan (None for a heuristic's)."""
    solution = plan.info.get("solver")
    return None if solution is None else str(solution.status)


def solver_summary(statuses: dict[str, list[str | None]]) -> dict[str, Any]:
    """``summary.json``'s ``solver`` part: per model-based policy, the plans it made, their
    solver statuses and how many the wall-clock guard stopped (each is named, since a
    guard that fires makes the plan depend on the machine's speed)."""
    solver = {}
    for spec, found in statuses.items():
        known = [s for s in found if s is not None]
        if known:
            solver[spec] = {
                "plans": len(known),
                "statuses": dict(sorted(Counter(known).items())),
                "time_guard_plans": known.count("time_guard"),
            }
    return {"solver": solver} if solver else {}


def _timed(planner: Planner, inst: UnitInstance, seconds: dict[str, float], spec: str) -> UnitPlan:
    started = time.perf_counter()
    plan = planner(inst)
    seconds[spec] += time.perf_counter() - started
    return plan


def unit_summary(
    scenario: UnitScenario, specs: list[str], reps: int, values: dict[str, dict[str, list[float]]]
) -> dict[str, Any]:
    """``summary.json``'s shape: per policy and metric the mean and interval; the paired
    difference of every policy against the first."""
    baseline = specs[0]
    return {
        "scenario": scenario.name,
        "reps": reps,
        "seed": scenario.seed,
        "baseline": baseline,
        "policies": {
            spec: {
                m: metrics.summarise(v, np.asarray(v, dtype=float), metric_bounds(m))
                for m, v in values[spec].items()
            }
            for spec in specs
        },
        "paired": {
            spec: {
                m: metrics.paired(values[spec][m], values[baseline][m], metric_bounds(m))
                for m in UNIT_METRICS
            }
            for spec in specs
            if spec != baseline
        },
    }
