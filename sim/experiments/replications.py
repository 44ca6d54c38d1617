"""How many replications: run until the 95 % interval of a metric is narrow enough.

The sequential procedure of the simulation literature (Law & Kelton,
*Simulation Modeling and Analysis*, "obtaining a specified precision"): run
``start`` replications; if, for every policy, the half-width of the metric's
95 % t interval is at most γ' = γ / (1 + γ) times the absolute mean (γ the
relative precision asked for, 5 % by default; γ' makes the precision hold
relative to the true mean), stop; else estimate the replications needed,
n · (half-width / (γ'·|mean|))², run that many more (at most ``cap`` in all) and
check again. Replications already run are kept, so the answer is the same
whichever way the count was reached.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sim.bounds import finite_sample, t_half_width
from sim.experiments.runner import Execution, RunResult, assemble, check_policies, execute
from sim.experiments.tasks import PolicyRep, Task
from sim.scenario import Scenario


@dataclass(frozen=True)
class Precision:
    metric: str = "los"
    relative: float = 0.05
    start: int = 10
    cap: int = 200

    @property
    def corrected(self) -> float:
        return self.relative / (1 + self.relative)


def relative_half_width(values: list[float]) -> float:
    """Half-width of the 95 % t interval over |mean| (infinite when undefined)."""
    sample = finite_sample(values)
    half = t_half_width(sample)
    if math.isnan(half):
        return math.inf
    if half == 0:
        return 0.0
    mean = abs(float(sample.mean()))
    return half / mean if mean > 0 else math.inf


def run_until_precise(
    scenario: Scenario,
    specs: list[str],
    precision: Precision,
    execution: Execution,
    keep_records: bool,
) -> RunResult:
    check_policies(scenario, specs)
    started = time.perf_counter()
    results: list[PolicyRep] = []
    done, target = 0, min(precision.start, precision.cap)
    while True:
        tasks = [Task(scenario, spec, rep) for rep in range(done, target) for spec in specs]
        results += execute(tasks, execution, keep_records)
        done = target
        widths = _widths(results, specs, done, precision.metric)
        worst = max(widths.values())
        if worst <= precision.corrected or done >= precision.cap:
            break
        needed = (
            math.ceil(done * (worst / precision.corrected) ** 2)
            if math.isfinite(worst)
            else 2 * done
        )
        target = min(precision.cap, max(done + 1, needed))
    run = assemble(
        scenario, specs, done, results, keep_records, execution, time.perf_counter() - started
    )
    run.info["reps_auto"] = {
        "metric": precision.metric,
        "relative_half_width": {spec: _finite(w) for spec, w in widths.items()},
        "target": precision.relative,
        "corrected_target": precision.corrected,
        "cap": precision.cap,
        "reached": worst <= precision.corrected,
        "reps": done,
    }
    return run


def _widths(results: list[PolicyRep], specs: list[str], reps: int, metric: str) -> dict[str, float]:
    return {
        spec: relative_half_width(
            [results[r * len(specs) + k].values.get(metric, math.nan) for r in range(reps)]
        )
        for k, spec in enumerate(specs)
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
