"""Replications of several policies over common random numbers, in-process or in a pool.

A task is ``(scenario, policy specs, rep index)``: it draws the replication's
realisation once, lets each policy plan it and SimPy play it, and returns the
records and metric values. Its result depends on nothing else, so the
experiment gives the same numbers whatever the number of workers: results are
gathered in replication order before anything is summarised.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from policies import REGISTRY, PolicyError, make_policy
from sim import metrics
from sim.clinic import Clinic, resource_keys
from sim.engine import SimRecords, simulate
from sim.problems import Problem
from sim.sampling import realise, stream
from sim.scenario import Scenario

Progress = Callable[[int, int], None]


@dataclass
class PolicyRep:
    """One policy in one replication: its plan, what happened, and the numbers."""

    values: dict[str, float]
    observations: dict[str, np.ndarray]
    records: SimRecords | None
    plan: pd.DataFrame | None
    info: dict[str, Any]


@dataclass
class RepResult:
    rep: int
    policies: dict[str, PolicyRep]


@dataclass
class RunResult:
    scenario: Scenario
    policies: list[str]
    baseline: str
    reps: int
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


def check_policies(scenario: Scenario, specs: Sequence[str]) -> None:
    """Build every policy named on the command line or in the scenario's ``policies:``
    block, so that a bad name or parameter fails, with all its problems, before any work."""
    problems: list[Problem] = []
    for name in sorted(scenario.policies):
        if name not in REGISTRY:
            problems.append(
                Problem(
                    f"policies.{name}",
                    f"unknown policy; available: {sorted(REGISTRY)}",
                    scenario.source,
                )
            )
    known = [name for name in sorted(scenario.policies) if name in REGISTRY]
    for spec in dict.fromkeys([*specs, *known]):
        try:
            make_policy(spec, scenario, REGISTRY)
        except PolicyError as exc:
            problems += [
                p if p.source else replace(p, source=exc.source)
                for p in exc.problems
                if p not in problems
            ]
    if problems:
        raise PolicyError(scenario.source, problems)


def run_replication(
    scenario: Scenario, specs: Sequence[str], rep: int, keep_records: bool = True
) -> RepResult:
    """Plan and play replication ``rep`` for every policy, on the same realisation."""
    clinic = Clinic(scenario)
    realisation = realise(scenario, rep)
    resources = resource_keys(scenario)
    results: dict[str, PolicyRep] = {}
    for spec in specs:
        policy = make_policy(spec, scenario, REGISTRY)
        started = time.perf_counter()
        plan = policy.plan(realisation.requests, clinic, stream(scenario.seed, rep, "policy", spec))
        plan_seconds = time.perf_counter() - started
        records = simulate(plan, realisation, clinic)
        obs = metrics.observations(records, resources)
        results[spec] = PolicyRep(
            values=metrics.replication_values(records, obs),
            observations=obs,
            records=records if keep_records else None,
            plan=plan.to_frame() if keep_records else None,
            info={"plan_seconds": plan_seconds, **plan.info},
        )
    return RepResult(rep, results)


def _task(args: tuple[Scenario, tuple[str, ...], int, bool]) -> RepResult:
    return run_replication(*args)


def run_experiment(
    scenario: Scenario,
    specs: Sequence[str],
    reps: int,
    workers: int | None = None,
    progress: Progress | None = None,
    keep_records: bool = True,
) -> RunResult:
    """Run ``reps`` replications of every policy and summarise them; the first is the baseline."""
    check_policies(scenario, specs)
    workers = default_workers(reps) if workers is None else max(1, workers)
    started = time.perf_counter()
    tasks = [(scenario, tuple(specs), rep, keep_records) for rep in range(reps)]
    results: list[RepResult] = []
    if workers == 1:
        for task in tasks:
            results.append(_task(task))
            if progress:
                progress(len(results), reps)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_task, tasks):
                results.append(result)
                if progress:
                    progress(len(results), reps)
    wall = time.perf_counter() - started
    summary = summarise(scenario, list(specs), results)
    return RunResult(
        scenario=scenario,
        policies=list(specs),
        baseline=specs[0],
        reps=reps,
        summary=summary,
        tables=gather_tables(results, list(specs)) if keep_records else {},
        info={
            "workers": workers,
            "wall_seconds": round(wall, 3),
            "plans": {spec: [r.policies[spec].info for r in results] for spec in specs},
        },
    )


def default_workers(reps: int) -> int:
    """All cores, but no more processes than replications (and none for one)."""
    return max(1, min(os.cpu_count() or 1, reps))


def summarise(scenario: Scenario, specs: list[str], results: list[RepResult]) -> dict[str, Any]:
    """``summary.json``: per policy and metric the summary, and paired against the baseline."""
    names = metrics.metric_names(resource_keys(scenario))
    baseline = specs[0]
    per_policy: dict[str, dict[str, Any]] = {}
    rep_values: dict[str, dict[str, list[float]]] = {}
    for spec in specs:
        rep_values[spec] = {
            m: [r.policies[spec].values.get(m, np.nan) for r in results] for m in names
        }
        per_policy[spec] = {}
        for m in names:
            pooled = [r.policies[spec].observations.get(m, np.array([])) for r in results]
            pooled_array = np.concatenate(pooled) if pooled else np.array([])
            per_policy[spec][m] = metrics.summarise(rep_values[spec][m], pooled_array)
    paired = {
        spec: {m: metrics.paired(rep_values[spec][m], rep_values[baseline][m]) for m in names}
        for spec in specs[1:]
    }
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "reps": len(results),
        "seed": scenario.seed,
        "baseline": baseline,
        "policies": per_policy,
        "paired": paired,
    }
    solver = {spec: solver_summary([r.policies[spec].info for r in results]) for spec in specs}
    solver = {spec: stats for spec, stats in solver.items() if stats}
    if solver:
        summary["solver"] = solver
    return summary


def solver_summary(infos: list[dict[str, Any]]) -> dict[str, Any]:
    """A policy's solver outcomes over replications: statuses, worst gap, fallbacks.

    Only what does not depend on the plan cache, hence on the workers: seconds and
    solved-or-cached counts live in ``run.json``, so ``summary.json`` is the same
    bytes for the same seed.
    """
    solved = [info["solver"] for info in infos if "solver" in info]
    if not solved:
        return {}
    statuses: dict[str, int] = {}
    for stats in solved:
        for status, count in stats["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    gaps = [stats["max_gap"] for stats in solved if stats["max_gap"] is not None]
    return {
        "days": sum(stats["days"] for stats in solved),
        "statuses": dict(sorted(statuses.items())),
        "max_gap": max(gaps) if gaps else None,
        "fallbacks": sum(len(info.get("warnings", [])) for info in infos),
    }


def warnings_of(result: RunResult) -> list[str]:
    """Every warning a policy left in its plans, as ``policy, replication r: text``."""
    return [
        f"{spec}, replication {rep}: {text}"
        for spec, infos in result.info["plans"].items()
        for rep, info in enumerate(infos)
        for text in info.get("warnings", [])
    ]


def gather_tables(results: list[RepResult], specs: list[str]) -> dict[str, pd.DataFrame]:
    """The run's tables, each with ``policy`` and ``rep`` columns first."""
    parts: dict[str, list[pd.DataFrame]] = {
        "patients": [],
        "steps": [],
        "resources": [],
        "plans": [],
    }
    for result in results:
        for spec in specs:
            pr = result.policies[spec]
            assert pr.records is not None and pr.plan is not None
            tagged = {
                "patients": pr.records.visits,
                "steps": pr.records.steps,
                "resources": pr.records.members,
                "plans": pr.plan,
            }
            for name, frame in tagged.items():
                parts[name].append(frame.assign(policy=spec, rep=result.rep))
    tables = {}
    for name, frames in parts.items():
        table = pd.concat(frames, ignore_index=True)
        first = ["policy", "rep"]
        table["policy"] = pd.Categorical(table["policy"], categories=specs)
        tables[name] = table[first + [c for c in table.columns if c not in first]]
    return tables
