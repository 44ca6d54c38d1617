"""Staffing search: the fewest staff of a resource that meet a target, with confidence.

``clinicsim staff SCENARIO --resource technician --range 2..8 --target
"wait.p90<=30"`` tries the counts from the smallest up. For each, every
replication gives the target's statistic (``mean``: the replication's value of
the metric; ``p50``, ``p90``: that quantile of the replication's observations,
e.g. of its patients' waits); a count meets the target when the one-sided
bound of the ``confidence`` interval of the mean of those statistics is on the
right side (for ``<=``, mean + t·s/√n ≤ the value). The first count that meets
it is the answer; the evidence is every count tried.

Every candidate uses the scenario's seed, so they face the same patients and
luck (common random numbers): differences between counts are staffing, not
noise. Results go through the result store, so a second search over an
overlapping range reuses every replication already run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import scenario as scenario_module
from sim.bounds import finite_sample, metric_bounds, one_sided_margin, t_interval
from sim.experiments.runner import Execution, check_policies, execute
from sim.experiments.sweep import Loader
from sim.experiments.tasks import PolicyRep, Task
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario

TARGET = re.compile(r"^\s*([a-z_.]+?)(?:\.(mean|p50|p90))?\s*(<=|>=)\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Target:
    metric: str
    statistic: str  # mean, p50 or p90
    operator: str  # <= or >=
    value: float

    def __str__(self) -> str:
        return f"{self.metric}.{self.statistic} {self.operator} {self.value:g}"


@dataclass
class Candidate:
    count: int
    estimate: float
    ci95: tuple[float, float]
    bound: float  # the one-sided bound at the search's confidence
    meets: bool


def parse_target(text: str) -> Target:
    match = TARGET.match(text)
    if not match:
        raise ScenarioError(
            "--target",
            [
                Problem(
                    text, "expected METRIC[.mean|.p50|.p90]<=VALUE or >=VALUE, e.g. wait.p90<=30"
                )
            ],
        )
    metric, statistic, operator, value = match.groups()
    try:
        number = float(value)
    except ValueError:
        raise ScenarioError("--target", [Problem(text, f"{value!r} is not a number")]) from None
    return Target(metric, statistic or "mean", operator, number)


def parse_range(text: str) -> range:
    match = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*", text)
    if not match or int(match.group(1)) > int(match.group(2)):
        raise ScenarioError("--range", [Problem(text, "expected LOW..HIGH, e.g. 2..8")])
    return range(int(match.group(1)), int(match.group(2)) + 1)


def search(
    source: str,
    overrides: list[str],
    resource: str,
    counts: range,
    target: Target,
    policy: str,
    reps: int,
    execution: Execution,
    weekday: str | None = None,
    confidence: float = 0.95,
    load: Loader = scenario_module.load,
    trying: Callable[[int], None] | None = None,
) -> tuple[list[Candidate], int | None]:
    """Counts from the lowest until one meets the target: (evidence, the count or None).
    ``load`` reads the source with overrides (as ``sweep.resolve``'s); ``trying`` is told
    each count before its replications run (the dashboard's progress)."""
    evidence: list[Candidate] = []
    base = load(source, overrides)
    for count in counts:
        if trying is not None:
            trying(count)
        staffing = staffing_overrides(base, resource, count, weekday)
        scenario = load(source, [*overrides, *staffing])
        check_policies(scenario, [policy])
        results = execute([Task(scenario, policy, rep) for rep in range(reps)], execution, False)
        candidate = judge(count, [statistic(r, target) for r in results], target, confidence)
        evidence.append(candidate)
        if candidate.meets:
            return evidence, count
    return evidence, None


def staffing_overrides(
    scenario: Scenario, resource: str, count: int, weekday: str | None
) -> list[str]:
    """``count`` staff on ``weekday``, or on every day: the base count and every day the
    resource's roster names (a roster entry overrides the count)."""
    if weekday:
        return [f"resources.{resource}.roster.{weekday}={count}"]
    roster = scenario.resources[resource].roster
    return [
        f"resources.{resource}.count={count}",
        *(f"resources.{resource}.roster.{day}={count}" for day in sorted(roster)),
    ]


def statistic(result: PolicyRep, target: Target) -> float:
    """One replication's value of the target's statistic."""
    if target.statistic == "mean":
        return float(result.values.get(target.metric, math.nan))
    observations = result.observations.get(target.metric)
    if observations is None:
        raise ScenarioError("--target", [Problem(target.metric, "unknown metric")])
    sample = observations[~np.isnan(observations)]
    if len(sample) == 0:
        return math.nan
    return float(np.quantile(sample, 0.5 if target.statistic == "p50" else 0.9))


def judge(count: int, values: list[float], target: Target, confidence: float) -> Candidate:
    """A staff count's evidence: the mean, its 95 % interval within the metric's bounds,
    and the one-sided bound at ``confidence`` that must meet the target."""
    sample = finite_sample(values)
    margin = one_sided_margin(sample, confidence)
    if math.isnan(margin):
        return Candidate(count, math.nan, (math.nan, math.nan), math.nan, False)
    mean = float(sample.mean())
    interval = t_interval(sample, metric_bounds(target.metric))
    if target.operator == "<=":
        bound = mean + margin
        meets = bound <= target.value
    else:
        bound = mean - margin
        meets = bound >= target.value
    return Candidate(count, mean, interval, bound, meets)


def as_json(
    evidence: list[Candidate], answer: int | None, target: Target, resource: str, policy: str
) -> dict[str, Any]:
    return {
        "resource": resource,
        "policy": policy,
        "target": str(target),
        "answer": answer,
        "candidates": [
            {
                "count": c.count,
                "estimate": _clean(c.estimate),
                "ci95": [_clean(x) for x in c.ci95],
                "bound": _clean(c.bound),
                "meets": c.meets,
            }
            for c in evidence
        ],
    }


def _clean(value: float) -> float | None:
    return value if math.isfinite(value) else None
