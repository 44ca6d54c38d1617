"""Experiments on a unit scenario: each policy plans the waiting list once, every
replication plays the plans under the same luck, and the numbers are summarised
like an outpatient run's (mean, 95 % interval, paired difference against the
first policy).

The waiting list is fixed, so a policy's plan does not change between
replications (GRASP is seeded by the scenario): planning happens once, and a
replication only draws no-shows, extra blocks and study durations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policies.dayhospital.instance import UnitInstance
from policies.dayhospital.plan import UnitPlan
from policies.dayhospital.policy import unit_planner
from policies.dayhospital.scenario import instance_of
from sim import metrics
from sim.unit_engine import UNIT_METRICS, UnitRecords, play, realise, unit_values
from sim.unit_scenario import UnitScenario


@dataclass
class UnitRun:
    scenario: UnitScenario
    instance: UnitInstance  # the scenario as the planning problem
    policies: list[str]
    reps: int
    plans: dict[str, UnitPlan]
    values: dict[str, dict[str, list[float]]]  # policy → metric → value per replication
    summary: dict[str, Any]
    first_records: dict[str, UnitRecords] = field(default_factory=dict)  # replication 0
    plan_seconds: dict[str, float] = field(default_factory=dict)


def run_unit(scenario: UnitScenario, specs: list[str], reps: int) -> UnitRun:
    planners = {spec: unit_planner(spec, scenario) for spec in specs}  # all checked first
    inst = instance_of(scenario)
    plans, seconds = {}, {}
    for spec, planner in planners.items():
        started = time.perf_counter()
        plans[spec] = planner(inst)
        seconds[spec] = round(time.perf_counter() - started, 3)
    values = {spec: {m: [] for m in UNIT_METRICS} for spec in specs}
    first: dict[str, UnitRecords] = {}
    for rep in range(reps):
        luck = realise(scenario, rep)
        for spec in specs:
            records = play(inst, plans[spec], luck)
            if rep == 0:
                first[spec] = records
            for metric, value in unit_values(inst, plans[spec], records).items():
                values[spec][metric].append(value)
    summary = unit_summary(scenario, specs, reps, values)
    return UnitRun(scenario, inst, specs, reps, plans, values, summary, first, seconds)


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
                m: metrics.summarise(v, np.asarray(v, dtype=float)) for m, v in values[spec].items()
            }
            for spec in specs
        },
        "paired": {
            spec: {m: metrics.paired(values[spec][m], values[baseline][m]) for m in UNIT_METRICS}
            for spec in specs
            if spec != baseline
        },
    }
