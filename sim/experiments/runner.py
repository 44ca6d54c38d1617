"""Experiments: the tasks of several policies over replications, run, stored and summarised.

An experiment is the tasks ``(scenario, policy, rep)`` for every policy and
replication (``tasks``). ``execute`` runs those not already in the result store
on an executor (this process, a pool, a Dask cluster), keeps each in the store
as soon as it is done, and returns all results in task order, so the numbers
never depend on where or in which order tasks ran. Every policy of a
replication faces the same patients and luck (common random numbers): the
realisation depends only on the scenario's seed and the rep index.

A failing task does not stop the others: they are run and stored, and the
failures are raised together at the end (``TaskFailures``), so running the same
command again computes only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from policies import REGISTRY, PolicyError, make_policy
from policies.base import parse_policy_spec
from sim import interrupts, metrics
from sim.bounds import metric_bounds
from sim.experiments.executors import Lost, default_workers, make_executor
from sim.experiments.store import ResultStore
from sim.experiments.tasks import PolicyRep, Task, TaskFailure, play, run_task
from sim.problems import Problem, ScenarioError, kept_records_problems
from sim.scenario import Scenario

Progress = Callable[[int, int], None]

__all__ = ["PolicyRep", "RepResult", "RunResult", "TaskFailures", "run_experiment"]


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
    rep_values: dict[str, dict[str, list[float]]] = field(default_factory=dict)


class TaskFailures(Exception):
    """Tasks that failed; the others were run and stored."""

    def __init__(self, failures: list[TaskFailure]):
        super().__init__(f"{len(failures)} task(s) failed")
        self.failures = failures


@dataclass
class Execution:
    """How to run tasks: the executor settings, the store, and what to report."""

    workers: int | None = None
    cluster: str | None = None
    store: ResultStore | None = None
    refresh: bool = False  # recompute tasks even if stored (--no-cache)
    progress: Progress | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"computed": 0, "stored": 0})
    computed: set[str] = field(default_factory=set)  # keys run (not read) by this execution


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
    """Plan and play replication ``rep`` for every policy, in this process, unstored."""
    results = {}
    for spec in specs:
        result = play(scenario, spec, rep)
        if not keep_records:
            result.records, result.plan = None, None
        results[spec] = result
    return RepResult(rep, results)


def execute(tasks: Sequence[Task], execution: Execution, keep_records: bool) -> list[PolicyRep]:
    """Every task's result, in task order: from the store, or run (once per key, however
    many tasks share it) and then stored."""
    if keep_records:
        check_kept_records(tasks)
    store = execution.store
    keys = [task.key() for task in tasks]
    found: dict[str, PolicyRep] = {}
    if store is not None and not execution.refresh:
        for key in dict.fromkeys(keys):
            result = store.get(key, with_records=keep_records)
            if result is not None:
                found[key] = result
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    execution.counts["stored"] += len(found)
    first: dict[str, int] = {}  # the first task of each key
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    total = len(found) + len(missing)
    _report(execution, len(found), total)
    failures: list[TaskFailure] = []
    if missing:
        executor = make_executor(execution.workers, execution.cluster, len(missing))
        try:
            for j, result in executor.imap(run_task, [tasks[first[key]] for key in missing]):
                key = missing[j]
                if isinstance(result, Lost):
                    result = TaskFailure(tasks[first[key]].describe(), result.error, "")
                if isinstance(result, TaskFailure):
                    failures.append(result)
                    continue
                if store is not None:
                    with interrupts.deferred():  # Ctrl-C keeps the task whole, and indexed
                        store.put(key, tasks[first[key]], result)
                execution.counts["computed"] += 1
                execution.computed.add(key)
                if not keep_records:
                    result.records, result.plan = None, None
                found[key] = result
                _report(execution, len(found), total)
        finally:
            executor.close()
    if failures:
        raise TaskFailures(failures)
    return [found[key] for key in keys]


def check_kept_records(tasks: Sequence[Task]) -> None:
    """Refuse, before any task runs, a run whose kept records would not fit in memory
    (``sim.limits``), with a message naming the sizes to lower."""
    kept = sum(t.scenario.horizon.days * t.scenario.demand.requests_per_day for t in tasks)
    problems = kept_records_problems(kept, len(tasks))
    if problems:
        raise ScenarioError(tasks[0].scenario.source, problems)


def _report(execution: Execution, done: int, total: int) -> None:
    if execution.progress:
        execution.progress(done, total)


def experiment_tasks(scenario: Scenario, specs: Sequence[str], reps: int) -> list[Task]:
    """Replication by replication, every policy."""
    return [Task(scenario, spec, rep) for rep in range(reps) for spec in specs]


def run_experiment(
    scenario: Scenario,
    specs: Sequence[str],
    reps: int,
    workers: int | None = None,
    progress: Progress | None = None,
    keep_records: bool = True,
    execution: Execution | None = None,
) -> RunResult:
    """Run ``reps`` replications of every policy and summarise them; the first is the baseline."""
    check_policies(scenario, specs)
    execution = execution or Execution(workers=workers, progress=progress)
    started = time.perf_counter()
    tasks = experiment_tasks(scenario, specs, reps)
    results = execute(tasks, execution, keep_records)
    wall = time.perf_counter() - started
    return assemble(scenario, list(specs), reps, results, keep_records, execution, wall)


def assemble(
    scenario: Scenario,
    specs: list[str],
    reps: int,
    results: list[PolicyRep],
    keep_records: bool,
    execution: Execution,
    wall: float,
) -> RunResult:
    """Task results (in ``experiment_tasks`` order) as a summarised run."""
    per_rep = [
        RepResult(
            rep, dict(zip(specs, results[rep * len(specs) : (rep + 1) * len(specs)], strict=True))
        )
        for rep in range(reps)
    ]
    workers = execution.workers or default_workers(reps * len(specs))
    keys = {spec: [Task(scenario, spec, rep).key() for rep in range(reps)] for spec in specs}
    computed = sum(key in execution.computed for spec_keys in keys.values() for key in spec_keys)
    return RunResult(
        scenario=scenario,
        policies=specs,
        baseline=specs[0],
        reps=reps,
        summary=summarise(scenario, specs, per_rep),
        rep_values=replication_values(scenario, specs, per_rep),
        tables=gather_tables(per_rep, specs) if keep_records else {},
        info={
            "workers": "dask" if execution.cluster else workers,
            "wall_seconds": round(wall, 3),
            "tasks": {"computed": computed, "stored": reps * len(specs) - computed},
            "task_keys": keys,
            "plans": {spec: [r.policies[spec].info for r in per_rep] for spec in specs},
        },
    )


def replication_values(
    scenario: Scenario, specs: list[str], results: list[RepResult]
) -> dict[str, dict[str, list[float]]]:
    """Per policy and metric, the value of each replication, in order."""
    names = metrics.scenario_metric_names(scenario)
    return {
        spec: {m: [r.policies[spec].values.get(m, np.nan) for r in results] for m in names}
        for spec in specs
    }


def summarise(scenario: Scenario, specs: list[str], results: list[RepResult]) -> dict[str, Any]:
    """``summary.json``: per policy and metric the summary, and paired against the baseline."""
    names = metrics.scenario_metric_names(scenario)
    baseline = specs[0]
    per_policy: dict[str, dict[str, Any]] = {}
    rep_values = replication_values(scenario, specs, results)
    for spec in specs:
        per_policy[spec] = {}
        for m in names:
            pooled = [r.policies[spec].observations.get(m, np.array([])) for r in results]
            pooled_array = np.concatenate(pooled) if pooled else np.array([])
            per_policy[spec][m] = metrics.summarise(
                rep_values[spec][m], pooled_array, metric_bounds(m)
            )
    paired = {
        spec: {
            m: metrics.paired(rep_values[spec][m], rep_values[baseline][m], metric_bounds(m))
            for m in names
        }
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
    steps = gain_steps(specs, per_policy)
    if steps:
        summary["decomposition"] = [
            {
                "from": before,
                "to": after,
                "paired": {
                    m: metrics.paired(rep_values[after][m], rep_values[before][m], metric_bounds(m))
                    for m in DECOMPOSED
                },
            }
            for before, after in steps
        ]
    solver = {spec: solver_summary([r.policies[spec].info for r in results]) for spec in specs}
    solver = {spec: stats for spec, stats in solver.items() if stats}
    if solver:
        summary["solver"] = solver
    return summary


DECOMPOSED = ("los", "wait", "overtime", "cost")  # what each step of the gain is shown on


def gain_steps(specs: list[str], per_policy: dict[str, Any]) -> list[tuple[str, str]]:
    """Where an optimised plan's gain comes from, in steps: the baseline (today's
    practice) → the simple rule of lowest mean cost among the others → each optimised
    policy (``mip``). None when no ``mip`` is compared with a baseline of another kind."""
    optimised = [s for s in specs[1:] if parse_policy_spec(s.partition("@")[0])[0] == "mip"]
    if not optimised or specs[0] in optimised:
        return []
    rules = [s for s in specs[1:] if s not in optimised]
    if not rules:
        return [(specs[0], spec) for spec in optimised]
    best = min(rules, key=lambda s: _mean_or_inf(per_policy[s].get("cost", {})))
    return [(specs[0], best), *((best, spec) for spec in optimised)]


def _mean_or_inf(entry: dict[str, Any]) -> float:
    mean = entry.get("mean")
    return float("inf") if mean is None else float(mean)


def solver_summary(infos: list[dict[str, Any]]) -> dict[str, Any]:
    """A policy's solver outcomes over replications: statuses, the plan each day kept,
    days stopped by the wall-clock guard, and the work done.

    Only what does not depend on the plan cache, hence on the workers, nor on the
    machine's speed: seconds and solved-or-cached counts live in ``run.json``, so
    ``summary.json`` is the same bytes for the same seed.
    """
    solved = [info["solver"] for info in infos if "solver" in info]
    if not solved:
        return {}
    return {
        "days": sum(stats["days"] for stats in solved),
        "statuses": _counted(stats["statuses"] for stats in solved),
        "origins": _counted(stats["origins"] for stats in solved),
        "time_guard_days": sum(stats["time_guard_days"] for stats in solved),
        "rounds": sum(stats["rounds"] for stats in solved),
        "iterations": sum(stats["iterations"] for stats in solved),
    }


def _counted(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for count in counts:
        for key, n in count.items():
            total[key] = total.get(key, 0) + n
    return dict(sorted(total.items()))


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
