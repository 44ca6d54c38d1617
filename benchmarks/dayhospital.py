"""The minimal-care unit's admission model: build and solve seconds, gap, and the objective
(26) of the MIP against GRASP and first come first served, in one run.

Two cases on the document's unit (μ as chosen in ``policies/dayhospital/document.py``,
17 beds, 23 chairs, 3 admissions a block, four weeks of half-day blocks): its
Table 3 (16 patients) and a generated waiting list of 150 patients
(``generated_case(150, seed=1)``). The MIP starts from GRASP's plan (so it is
never worse) and runs to a 1 % gap or the time limit (target: under 60 s).
"""

from __future__ import annotations

import time

from policies.dayhospital.document import document_case
from policies.dayhospital.generator import generated_case
from policies.dayhospital.heuristics import fifo, grasp
from policies.dayhospital.instance import UnitInstance
from policies.dayhospital.mip import solve_unit

TIME_LIMIT_S = 60
GRASP_ITERATIONS = 20


def measure(name: str, inst: UnitInstance) -> None:
    started = time.perf_counter()
    first = fifo(inst)
    fifo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    start = grasp(inst, iterations=GRASP_ITERATIONS, seed=0)
    grasp_seconds = time.perf_counter() - started
    plan, solution = solve_unit(inst, time_limit_s=TIME_LIMIT_S, start=start)
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


def main() -> None:
    measure("Table 3", document_case())
    measure("generated", generated_case(150, seed=1))


if __name__ == "__main__":
    main()
