"""The minimal-care unit's admission model: build and solve seconds, gap, and the objective
(26) of the MIP against GRASP and first come first served, in one run.

Two cases on the document's unit (μ as chosen in ``sim/unit/document.py``,
17 beds, 23 chairs, 3 admissions a block, four weeks of half-day blocks): its
Table 3 (16 patients) and a generated waiting list of 150 patients
(``generated_case(150, seed=1)``). The MIP starts from GRASP's plan (so it is
never worse) and runs to a 1 % gap or the time limit (target: under 60 s).

Then a month with a sampled waiting list (Table 3 plus 10 patients a week,
``unit.demand.per_week=10``), three replications of the three policies through
``sim.experiments.unit_runner``: seconds to plan one replication's list per policy, and what
each policy's plans admit.
"""

from __future__ import annotations

import time

from policies.dayhospital.heuristics import fifo, grasp
from policies.dayhospital.mip import UnitLimits, solve_unit
from sim.experiments.unit_runner import run_unit
from sim.unit.document import document_case
from sim.unit.generator import generated_case
from sim.unit.instance import UnitInstance
from sim.unit.scenario import load_unit

GRASP_ITERATIONS = 20


def measure(name: str, inst: UnitInstance) -> None:
    started = time.perf_counter()
    first = fifo(inst)
    fifo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    start = grasp(inst, iterations=GRASP_ITERATIONS, seed=0)
    grasp_seconds = time.perf_counter() - started
    plan, solution = solve_unit(inst, UnitLimits(), start=start)  # the policy's defaults
    gap = "–" if solution.gap is None else f"{100 * solution.gap:.2f} %"
    print(f"{name}: {len(inst.patients)} patients, {inst.blocks} blocks")
    print(
        f"  model: {solution.variables} variables, {solution.constraints} constraints; "
        f"build {solution.build_seconds:.1f} s, solve {solution.solve_seconds:.1f} s "
        f"({solution.status}), gap {gap}, bound {solution.bound:.4f}"
    )
    for label, chosen, seconds in (
        ("fifo", first, fifo_seconds),
        (f"grasp ({GRASP_ITERATIONS} iterations)", start, grasp_seconds),
        ("mip", plan, solution.build_seconds + solution.solve_seconds),
    ):
        print(
            f"  {label:24} objective (26) {chosen.objective:8.4f}, "
            f"pending {len(chosen.pending):3}, {seconds:5.1f} s"
        )
    print(f"  mip / grasp: {plan.objective / start.objective:.4f}")


def sampled_month(reps: int = 3) -> None:
    scenario = load_unit("day_hospital", ["unit.demand.per_week=10"])
    started = time.perf_counter()
    run = run_unit(scenario, ["fifo", "grasp", "mip"], reps)
    total = time.perf_counter() - started
    patients = run.tables["patients"]
    listed = len(patients) / len(run.policies) / reps
    print(f"sampled month: Table 3 + 10 a week, {reps} replications, {listed:.0f} patients each")
    for spec in run.policies:
        values = run.summary["policies"][spec]
        seconds = run.info["plan_seconds"][spec] / reps
        print(
            f"  {spec:6} plan {seconds:5.1f} s a replication; objective (26) "
            f"{values['objective']['mean']:7.4f}, pending {values['pending']['mean']:4.1f}, "
            f"blocks to admission (priority 3) {values['wait_blocks.p3']['mean']:4.2f}"
        )
    print(f"  whole run {total:.1f} s")


def main() -> None:
    measure("Table 3", document_case())
    measure("generated", generated_case(150, seed=1))
    sampled_month()


if __name__ == "__main__":
    main()
