"""The MIP day model: build and solve seconds, gap, and Pyomo against the bare highspy API.

For a day of the bundled ``ophthalmology`` scenario (about 60 patients) and of
``ophthalmology_service`` (about 200), in one run:

- Pyomo: ``build_day_model`` seconds, then ``solve`` seconds (which include
  Pyomo handing the model to HiGHS), the status and the relative gap;
- the same model written straight through ``highspy`` (columns, rows, costs):
  build and run seconds, and its objective, which must equal Pyomo's.

Then the wall time of ``clinicsim compare`` (fifo, fifo:appointment, mip) with its
default replications on the bundled scenario. Targets (issue 3): build under
5 s and a plan within 1 % of the bound in under 60 s for 60 patients; a plan
for 200 patients in under 120 s; ``compare`` under 120 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import highspy
import numpy as np

from policies.fifo import book_first_come
from policies.mip import day_instance, groups_of, patients_by_group
from policies.mip.day import (
    DayInstance,
    build_day_model,
    choice_cost,
    feasible_choices,
    solve_day,
)
from policies.mip.paths import enumerate_paths
from sim.clinic import Clinic
from sim.sampling import realise
from sim.scenario import load


def busiest_day(scenario_name: str) -> tuple[DayInstance, int]:
    scenario = load(scenario_name)
    clinic = Clinic(scenario)
    realisation = realise(scenario, 0)
    day, member = book_first_come(realisation.requests, clinic)
    d = int(np.bincount(day[day >= 0]).argmax())
    patients = np.flatnonzero(day == d)
    groups = groups_of(patients_by_group(patients, realisation.requests, member))
    slot = scenario.horizon.slot_minutes
    paths = {name: enumerate_paths(p, slot, 0) for name, p in scenario.protocols.items()}
    return day_instance(clinic, d, groups, paths), len(patients)


def highspy_direct(inst: DayInstance) -> tuple[float, float, float]:
    """The same model through highspy's API: (build seconds, run seconds, objective)."""
    started = time.perf_counter()
    choices = feasible_choices(inst)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.01)
    costs = np.array([choice_cost(inst, c) for c in choices])
    upper = np.array([inst.groups[c[0]].count for c in choices], dtype=float)
    h.addVars(len(choices), np.zeros(len(choices)), upper)
    h.changeColsCost(len(choices), np.arange(len(choices), dtype=np.int32), costs)
    h.changeColsIntegrality(
        len(choices),
        np.arange(len(choices), dtype=np.int32),
        np.full(len(choices), highspy.HighsVarType.kInteger),
    )
    rows: dict[tuple, list[int]] = defaultdict(list)
    bounds: dict[tuple, tuple[float, float]] = {}
    for j, (g, a, p) in enumerate(choices):
        group = inst.groups[g]
        rows["group", g].append(j)
        bounds["group", g] = (group.count, group.count)
        for use in inst.paths[group.protocol][p].uses:
            for u in range(a + use.start, a + use.start + use.windows):
                rows["pool", use.resource, u].append(j)
                bounds["pool", use.resource, u] = (0, inst.pool_capacity[use.resource][u])
                if use.assigned:
                    key = ("member", use.resource, group.member, u)
                    rows[key].append(j)
                    bounds[key] = (0, inst.member_capacity[use.resource, group.member][u])
    for key, cols in rows.items():
        lo, hi = bounds[key]
        h.addRow(lo, hi, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))
    build = time.perf_counter() - started
    started = time.perf_counter()
    h.run()
    run = time.perf_counter() - started
    return build, run, h.getInfo().objective_function_value


def report(label: str, scenario_name: str) -> None:
    inst, patients = busiest_day(scenario_name)
    started = time.perf_counter()
    model = build_day_model(inst, feasible_choices(inst))
    pyomo_build = time.perf_counter() - started
    del model
    solution = solve_day(inst, time_limit_s=120, mip_gap=0.01)
    direct_build, direct_run, direct_objective = highspy_direct(inst)
    pyomo_total = pyomo_build + solution.solve_seconds
    direct_total = direct_build + direct_run
    print(
        f"{label}: {patients} patients, {solution.variables} integer variables\n"
        f"  Pyomo   build {pyomo_build:6.2f} s  solve {solution.solve_seconds:6.2f} s  "
        f"status {solution.status}  gap {solution.gap or 0:.4%}  objective {solution.objective}\n"
        f"  highspy build {direct_build:6.2f} s  run   {direct_run:6.2f} s  "
        f"objective {direct_objective}\n"
        f"  Pyomo (build + solve) / highspy (build + run) = {pyomo_total / direct_total:.2f}"
    )


def compare_wall_time() -> float:
    command = [str(Path(sys.executable).with_name("clinicsim")), "compare", "--json"]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    report("ophthalmology, busiest day", "ophthalmology")
    report("ophthalmology_service, busiest day", "ophthalmology_service")
    seconds = compare_wall_time()
    verdict = "meets" if seconds < 120 else "MISSES"
    print(
        f"clinicsim compare (default reps, fifo + fifo:appointment + mip): {seconds:.1f} s "
        f"({verdict} the 120 s target)"
    )


if __name__ == "__main__":
    main()
