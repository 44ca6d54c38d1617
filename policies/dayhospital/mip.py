"""The minimal-care unit's admission model (document seed 002, §3), in Pyomo with HiGHS.

``build_unit_model(inst)`` writes the document's constraints (1)–(25) and
objective (26), each named after what it means with its number in the
docstring, so the model can be ticked off beside §3.4–3.5. Index sets hold
only what can happen: a study variable x[p, i, b, k] exists only for a study
prescribed to p, from l_p on, in a division where μ > 0.

Three things are written differently from the page, none changing the model:

- cumulative sums (admitted by b, studies by b, beds by b, chairs by b) are
  auxiliary variables defined by a recursion (``*_by`` constraints) instead of
  being spelled out in every constraint that uses them, so (10), (13), (14)
  and (16) stay small; (2), one constraint per later block j on the page, is
  one per block against ``study_from`` (a study at b or later), which bounds
  every o[p, j], j ≥ b: the same plans, |B| times fewer rows;
- o[p, b] is bounded above by the studies of the block (``o_means_a_study``):
  §3.3 defines o as 1 exactly when the patient has a study in b, but (1) only
  bounds it below, which would let (3) hold beds without studies;
- (19) and (20) close Saturday afternoon and Sunday (the text); the printed
  bounds are one block off (see ``UnitInstance.admission_closed``).

y exists for bed patients (nb_p > 0) and z for chair patients (nb_p = 0), the
only ones the constraints give them to. Blocks are 0-based; ORD(b) and the
objective's b are ``b + 1``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from policies.dayhospital.heuristics import fifo
from sim.unit.instance import UnitInstance
from sim.unit.plan import Itinerary, UnitPlan


def study_choices(inst: UnitInstance) -> list[tuple[int, int, int, int]]:
    """(p, i, b, k) for every study a patient could do: prescribed, from l_p, μ > 0."""
    weekend = inst.weekend_blocks()
    choices = []
    for p, patient in enumerate(inst.patients):
        for i in patient.studies:
            for b in range(patient.first_block, inst.blocks):
                if patient.in_bed and b in weekend:
                    continue  # (20) and (11): no bed, so no study, at the weekend
                for k in range(inst.divisions):
                    if inst.availability[b, k, i] > 0:
                        choices.append((p, i, b, k))
    return choices


def build_unit_model(inst: UnitInstance) -> pyo.ConcreteModel:
    patients = range(len(inst.patients))
    blocks = range(inst.blocks)
    bed = [p for p in patients if inst.patients[p].in_bed]
    chair = [p for p in patients if not inst.patients[p].in_bed]
    nb = {p: inst.patients[p].min_stay for p in patients}
    choices = study_choices(inst)
    of_pb: dict[tuple[int, int], list] = defaultdict(list)
    of_pib: dict[tuple[int, int, int], list] = defaultdict(list)
    of_pbk: dict[tuple[int, int, int], list] = defaultdict(list)
    of_ibk: dict[tuple[int, int, int], list] = defaultdict(list)
    of_pi: dict[tuple[int, int], list] = defaultdict(list)
    for c in choices:
        p, i, b, k = c
        of_pb[p, b].append(c)
        of_pib[p, i, b].append(c)
        of_pbk[p, b, k].append(c)
        of_ibk[i, b, k].append(c)
        of_pi[p, i].append(c)

    m = pyo.ConcreteModel(name="minimal_care_unit")
    m.X = pyo.Set(initialize=choices, dimen=4, ordered=True)
    m.PB = pyo.Set(initialize=[(p, b) for p in patients for b in blocks], dimen=2)
    m.BED = pyo.Set(initialize=[(p, b) for p in bed for b in blocks], dimen=2)
    m.CHAIR = pyo.Set(initialize=[(p, b) for p in chair for b in blocks], dimen=2)

    m.x = pyo.Var(m.X, within=pyo.Binary)
    m.y = pyo.Var(m.BED, within=pyo.Binary)
    m.z = pyo.Var(m.CHAIR, within=pyo.Binary)
    m.adm = pyo.Var(m.PB, within=pyo.Binary)
    m.o = pyo.Var(m.PB, within=pyo.Binary)
    m.rb = pyo.Var(m.BED, within=pyo.NonNegativeIntegers)
    m.admitted_by = pyo.Var(m.PB, bounds=(0, 1))  # Σ_{j ≤ b} adm[p, j]
    m.studies_by = pyo.Var(m.PB, within=pyo.NonNegativeReals)  # Σ_{j ≤ b} Σ_{i,k} x[p, i, j, k]
    m.beds_by = pyo.Var(m.BED, within=pyo.NonNegativeReals)  # Σ_{j ≤ b} y[p, j]
    m.chairs_by = pyo.Var(m.CHAIR, within=pyo.NonNegativeReals)  # Σ_{j ≤ b} z[p, j]

    def studies_in(p: int, b: int) -> pyo.Expression:
        return sum(m.x[c] for c in of_pb[p, b])

    # ------------------------------------------------------------ cumulative sums

    def admitted_by_rule(m, p, b):
        before = m.admitted_by[p, b - 1] if b > 0 else 0
        return m.admitted_by[p, b] == before + m.adm[p, b]

    def studies_by_rule(m, p, b):
        before = m.studies_by[p, b - 1] if b > 0 else 0
        return m.studies_by[p, b] == before + studies_in(p, b)

    def beds_by_rule(m, p, b):
        before = m.beds_by[p, b - 1] if b > 0 else 0
        return m.beds_by[p, b] == before + m.y[p, b]

    def chairs_by_rule(m, p, b):
        before = m.chairs_by[p, b - 1] if b > 0 else 0
        return m.chairs_by[p, b] == before + m.z[p, b]

    m.admitted_by_def = pyo.Constraint(m.PB, rule=admitted_by_rule)
    m.studies_by_def = pyo.Constraint(m.PB, rule=studies_by_rule)
    m.beds_by_def = pyo.Constraint(m.BED, rule=beds_by_rule)
    m.chairs_by_def = pyo.Constraint(m.CHAIR, rule=chairs_by_rule)

    # ------------------------------------------------------------ (1)–(3): beds follow studies

    def study_marks_the_block(m, p, i, b, k):
        """(1) o[p,b] ≥ x[p,i,b,k], bed patients."""
        return m.o[p, b] >= m.x[p, i, b, k] if nb[p] > 0 else pyo.Constraint.Skip

    m.study_marks_the_block = pyo.Constraint(m.X, rule=study_marks_the_block)

    def o_means_a_study(m, p, b):
        """§3.3's definition of o: 1 only if the patient has a study in b."""
        return m.o[p, b] <= studies_in(p, b)

    m.o_means_a_study = pyo.Constraint(m.PB, rule=o_means_a_study)

    m.study_from = pyo.Var(m.BED, bounds=(0, 1))  # max_{j ≥ b} o[p, j]: a study at b or later

    def study_from_here(m, p, b):
        return m.study_from[p, b] >= m.o[p, b]

    def study_from_later(m, p, b):
        if b + 1 == inst.blocks:
            return pyo.Constraint.Skip
        return m.study_from[p, b] >= m.study_from[p, b + 1]

    m.study_from_here = pyo.Constraint(m.BED, rule=study_from_here)
    m.study_from_later = pyo.Constraint(m.BED, rule=study_from_later)

    def bed_until_the_last_study(m, p, b):
        """(2) y[p,b] ≥ o[p,j] − (1 − Σ_{jj ≤ b} adm[p,jj]) for every j ≥ b: once admitted,
        the bed is held through every later block with a study (written once per b with
        ``study_from``, which is at least every o[p,j], j ≥ b)."""
        return m.y[p, b] >= m.study_from[p, b] - (1 - m.admitted_by[p, b])

    m.bed_until_the_last_study = pyo.Constraint(m.BED, rule=bed_until_the_last_study)

    def bed_only_with_a_study(m, p, b):
        """(3) y[p,b] ≤ o[p,b]."""
        return m.y[p, b] <= m.o[p, b]

    m.bed_only_with_a_study = pyo.Constraint(m.BED, rule=bed_only_with_a_study)

    # ------------------------------------------------------------ (4)–(8): studies

    m.PI = pyo.Set(initialize=sorted(of_pi), dimen=2)
    m.PIB = pyo.Set(initialize=sorted(of_pib), dimen=3)

    def prescription_once_in_bed(m, p, i):
        """(4) Σ_{b,k} x[p,i,b,k] ≤ s[p,i], bed patients."""
        if nb[p] == 0:
            return pyo.Constraint.Skip
        return sum(m.x[c] for c in of_pi[p, i]) <= 1

    m.prescription_once_in_bed = pyo.Constraint(m.PI, rule=prescription_once_in_bed)

    def prescription_once_in_a_chair(m, p, i, b):
        """(5) Σ_k x[p,i,b,k] ≤ s[p,i] in each block, chair patients."""
        if nb[p] > 0:
            return pyo.Constraint.Skip
        return sum(m.x[c] for c in of_pib[p, i, b]) <= 1

    m.prescription_once_in_a_chair = pyo.Constraint(m.PIB, rule=prescription_once_in_a_chair)

    def one_chair_block(m, p):
        """(6) Σ_b z[p,b] ≤ 1, chair patients."""
        return sum(m.z[p, b] for b in blocks) <= 1

    m.one_chair_block = pyo.Constraint(chair, rule=one_chair_block)

    m.PBK = pyo.Set(initialize=sorted(of_pbk), dimen=3)

    def one_study_per_division(m, p, b, k):
        """(7) Σ_i x[p,i,b,k] ≤ 1."""
        return sum(m.x[c] for c in of_pbk[p, b, k]) <= 1

    m.one_study_per_division = pyo.Constraint(m.PBK, rule=one_study_per_division)

    m.IBK = pyo.Set(initialize=sorted(of_ibk), dimen=3)

    def study_availability(m, i, b, k):
        """(8) Σ_p x[p,i,b,k] ≤ μ[i,b,k]."""
        return sum(m.x[c] for c in of_ibk[i, b, k]) <= int(inst.availability[b, k, i])

    m.study_availability = pyo.Constraint(m.IBK, rule=study_availability)

    # ------------------------------------------------------------ (9)–(14): admission

    def admitted_once(m, p):
        """(9) Σ_b adm[p,b] ≤ 1."""
        return sum(m.adm[p, b] for b in blocks) <= 1

    m.admitted_once = pyo.Constraint(patients, rule=admitted_once)

    def admitted_patients_do_studies(m, p, b):
        """(10) Σ_{j ≤ b} adm[p,j] ≤ Σ_{j ≤ b} Σ_{i,k} x[p,i,j,k]."""
        return m.admitted_by[p, b] <= m.studies_by[p, b]

    m.admitted_patients_do_studies = pyo.Constraint(m.PB, rule=admitted_patients_do_studies)

    def study_in_a_bed(m, p, i, b, k):
        """(11) x[p,i,b,k] ≤ y[p,b], bed patients; (12) ≤ z[p,b], chair patients."""
        place = m.y[p, b] if nb[p] > 0 else m.z[p, b]
        return m.x[p, i, b, k] <= place

    m.study_in_a_bed_or_chair = pyo.Constraint(m.X, rule=study_in_a_bed)

    def no_bed_before_admission(m, p, b):
        """(13) Σ_{j ≤ b} y[p,j] ≤ ORD(b) · Σ_{j ≤ b} adm[p,j]."""
        return m.beds_by[p, b] <= (b + 1) * m.admitted_by[p, b]

    m.no_bed_before_admission = pyo.Constraint(m.BED, rule=no_bed_before_admission)

    def no_chair_before_admission(m, p, b):
        """(14) Σ_{j ≤ b} z[p,j] ≤ ORD(b) · Σ_{j ≤ b} adm[p,j]."""
        return m.chairs_by[p, b] <= (b + 1) * m.admitted_by[p, b]

    m.no_chair_before_admission = pyo.Constraint(m.CHAIR, rule=no_chair_before_admission)

    # ------------------------------------------------------------ (15)–(18): minimum stay

    def remaining_stay_at_first_block(m, p):
        """(15) rb[p,b1] = nb[p] · adm[p,b1]."""
        return m.rb[p, 0] == nb[p] * m.adm[p, 0]

    m.remaining_stay_at_first_block = pyo.Constraint(bed, rule=remaining_stay_at_first_block)

    def remaining_stay(m, p, b):
        """(16) rb[p,b] ≤ nb[p] · Σ_{j ≤ b} adm[p,j] − Σ_{j ≤ b} y[p,j], b ≥ b2."""
        if b == 0:
            return pyo.Constraint.Skip
        return m.rb[p, b] <= nb[p] * m.admitted_by[p, b] - m.beds_by[p, b]

    m.remaining_stay = pyo.Constraint(m.BED, rule=remaining_stay)

    def bed_while_stay_remains(m, p, b):
        """(17) nb[p] · y[p,b] ≥ rb[p,b]."""
        return nb[p] * m.y[p, b] >= m.rb[p, b]

    m.bed_while_stay_remains = pyo.Constraint(m.BED, rule=bed_while_stay_remains)

    def minimum_stay(m, p, b):
        """(18) Σ_{j=b}^{b+nb−1} y[p,j] ≥ nb[p] · adm[p,b], b ≤ |B| − nb[p] + 1."""
        if b + nb[p] > inst.blocks:
            return pyo.Constraint.Skip
        return sum(m.y[p, j] for j in range(b, b + nb[p])) >= nb[p] * m.adm[p, b]

    m.minimum_stay = pyo.Constraint(m.BED, rule=minimum_stay)

    # ------------------------------------------------------------ (19)–(21): weekends, completion

    closed = [(p, b) for p in patients for b in sorted(inst.admission_closed(inst.patients[p]))]
    m.CLOSED = pyo.Set(initialize=closed, dimen=2)

    def no_admission_into_the_weekend(m, p, b):
        """(19) adm[p,b] = 0 from SA − nb[p] + 1 to the end of Sunday."""
        return m.adm[p, b] == 0

    m.no_admission_into_the_weekend = pyo.Constraint(m.CLOSED, rule=no_admission_into_the_weekend)

    weekend = sorted(inst.weekend_blocks())
    m.WEEKEND_BED = pyo.Set(initialize=[(p, b) for p in bed for b in weekend], dimen=2)

    def no_bed_at_the_weekend(m, p, b):
        """(20) y[p,b] = 0 on Saturday afternoon and Sunday."""
        return m.y[p, b] == 0

    m.no_bed_at_the_weekend = pyo.Constraint(m.WEEKEND_BED, rule=no_bed_at_the_weekend)

    def every_prescription_once_admitted(m, p):
        """(21) Σ_{i,b,k} x[p,i,b,k] = ns[p] · Σ_b adm[p,b]."""
        done = sum(m.x[c] for i in inst.patients[p].studies for c in of_pi[p, i])
        return done == len(inst.patients[p].studies) * sum(m.adm[p, b] for b in blocks)

    m.every_prescription_once_admitted = pyo.Constraint(
        patients, rule=every_prescription_once_admitted
    )

    # ------------------------------------------------------------ (22)–(25): capacity, l_p

    def beds_available(m, b):
        """(22) Σ_p y[p,b] ≤ D1."""
        return sum(m.y[p, b] for p in bed) <= inst.beds if bed else pyo.Constraint.Skip

    m.beds_available = pyo.Constraint(blocks, rule=beds_available)

    def chairs_available(m, b):
        """(23) Σ_p z[p,b] ≤ D2."""
        return sum(m.z[p, b] for p in chair) <= inst.chairs if chair else pyo.Constraint.Skip

    m.chairs_available = pyo.Constraint(blocks, rule=chairs_available)

    def admissions_per_block(m, b):
        """(24) Σ_p adm[p,b] ≤ D3."""
        return sum(m.adm[p, b] for p in patients) <= inst.admissions_per_block

    m.admissions_per_block = pyo.Constraint(blocks, rule=admissions_per_block)

    m.TOO_EARLY = pyo.Set(
        initialize=[(p, b) for p in patients for b in range(inst.patients[p].first_block)],
        dimen=2,
    )

    def not_before_first_block(m, p, b):
        """(25) adm[p,b] = 0 for b < l_p."""
        return m.adm[p, b] == 0

    m.not_before_first_block = pyo.Constraint(m.TOO_EARLY, rule=not_before_first_block)

    # ------------------------------------------------------------ implied, for a tighter LP

    def study_within_the_stay(m, p, i, b):
        """Not in the document, implied by it: a study in b means admission in the last
        nb[p] blocks (a bed, (11), (13), (16), (18)) or in b itself (a chair, (6), (10),
        (12), (14)). It ties x to adm directly, which the LP relaxation needs."""
        since = range(max(0, b - max(nb[p], 1) + 1), b + 1)
        return sum(m.x[c] for c in of_pib[p, i, b]) <= sum(m.adm[p, j] for j in since)

    m.study_within_the_stay = pyo.Constraint(m.PIB, rule=study_within_the_stay)

    def each_prescription_once_admitted(m, p, i):
        """Not in the document, implied by (4), (5), (21) with (6)/(16): each prescribed
        study exactly once if the patient is admitted (the per-study form of (21))."""
        return sum(m.x[c] for c in of_pi[p, i]) == sum(m.adm[p, b] for b in blocks)

    m.each_prescription_once_admitted = pyo.Constraint(m.PI, rule=each_prescription_once_admitted)

    # ------------------------------------------------------------ (26)

    def early_admissions(m):
        """(26) max Σ_b Σ_p w[p] · adm[p,b] / b."""
        return sum(inst.patients[p].priority * m.adm[p, b] / (b + 1) for p, b in m.PB)

    m.early_admissions = pyo.Objective(rule=early_admissions, sense=pyo.maximize)
    return m


@dataclass
class UnitSolution:
    status: str
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    variables: int = 0
    constraints: int = 0


@dataclass(frozen=True)
class UnitLimits:
    """What may stop a solve: the relative gap and branch-and-bound nodes (work, the same
    on every machine, so the plan returned does not depend on its speed or load), and a
    wall-clock guard against a solve gone wrong; a solve that reaches the guard has
    status ``time_guard`` and is counted in ``summary.json``."""

    max_nodes: int = 10_000
    mip_gap: float = 0.01
    guard_seconds: float = 300.0


def solve_unit(
    inst: UnitInstance,
    limits: UnitLimits | None = None,
    start: UnitPlan | None = None,
) -> tuple[UnitPlan, UnitSolution]:
    """The model's plan, or ``fifo``'s with a warning when the solver gives none. A
    ``start`` plan (e.g. GRASP's) is handed to HiGHS as its first incumbent, so the
    answer is never worse than it."""
    limits = limits or UnitLimits()
    started = time.perf_counter()
    model = build_unit_model(inst)
    build = time.perf_counter() - started
    started = time.perf_counter()
    options = {
        "time_limit": limits.guard_seconds,
        "rel_gap": limits.mip_gap,
        "threads": 1,
        "solver_options": {"mip_max_nodes": limits.max_nodes, "random_seed": 0},
        "load_solutions": False,
        "raise_exception_on_nonoptimal_result": False,
    }
    try:
        solver = _highs_with_start(model, inst, start) if start else SolverFactory("highs")
        results = solver.solve(model, **options)
    except Exception as exc:  # the solver's failure must never crash a run
        solution = UnitSolution(f"solver error: {exc}", build)
        return _fallback(inst, solution), solution
    if results.termination_condition == TerminationCondition.interrupted:
        raise KeyboardInterrupt  # highspy turns Ctrl-C into a status: the user meant to stop
    solution = UnitSolution(
        status=_status_name(results.termination_condition),
        build_seconds=build,
        solve_seconds=time.perf_counter() - started,
        objective=_number(results.incumbent_objective),
        bound=_number(results.objective_bound),
        variables=model.nvariables(),
        constraints=model.nconstraints(),
    )
    if results.solution_status not in (SolutionStatus.feasible, SolutionStatus.optimal):
        return _fallback(inst, solution), solution
    results.solution_loader.load_vars()
    if solution.objective and solution.bound is not None:
        solution.gap = abs(solution.bound - solution.objective) / abs(solution.objective)
    plan = UnitPlan(inst, _itineraries(inst, model), info={"policy": "mip", "solver": solution})
    return plan, solution


def _status_name(condition: TerminationCondition) -> str:
    """Pyomo's termination condition by name; the wall-clock guard as ``time_guard``."""
    if condition == TerminationCondition.maxTimeLimit:
        return "time_guard"
    return condition.name


def _highs_with_start(model: pyo.ConcreteModel, inst: UnitInstance, start: UnitPlan) -> Highs:
    """Pyomo's persistent HiGHS interface with ``start`` set as the MIP start. Pyomo has no
    warm start for HiGHS, so the solution goes to highspy by the interface's column map."""
    set_values(model, inst, start)
    solver = Highs()
    solver._active_config = solver.config(value={"threads": 1})
    solver.set_instance(model)
    highs = solver._solver_model
    columns = solver._pyomo_var_to_solver_var_map
    values = np.zeros(highs.getNumCol())
    for var in model.component_data_objects(pyo.Var):
        if id(var) in columns:
            values[columns[id(var)]] = var.value or 0.0
    highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    return solver


def set_values(model: pyo.ConcreteModel, inst: UnitInstance, plan: UnitPlan) -> None:
    """Every variable of the model at the values ``plan`` gives it (all zero if pending)."""
    for var in model.component_data_objects(pyo.Var):
        var.set_value(0, skip_validation=True)
    done: dict[tuple[int, int], int] = defaultdict(int)
    for p, itinerary in plan.itineraries.items():
        patient = inst.patients[p]
        model.adm[p, itinerary.admission].set_value(1)
        for b in itinerary.stay:
            (model.y if patient.in_bed else model.z)[p, b].set_value(1)
        for i, b, k in itinerary.studies:
            model.x[p, i, b, k].set_value(1)
            model.o[p, b].set_value(1)
            done[p, b] += 1
        if patient.in_bed and itinerary.admission == 0:
            model.rb[p, 0].set_value(patient.min_stay)
    for p, patient in enumerate(inst.patients):
        admitted = studies = held = 0
        later = 0
        for b in reversed(range(inst.blocks)):
            later = max(later, int(model.o[p, b].value))
            if patient.in_bed:
                model.study_from[p, b].set_value(later)
        for b in range(inst.blocks):
            admitted += int(model.adm[p, b].value)
            studies += done[p, b]
            model.admitted_by[p, b].set_value(admitted)
            model.studies_by[p, b].set_value(studies)
            place, total = (
                (model.y, model.beds_by) if patient.in_bed else (model.z, model.chairs_by)
            )
            held += int(place[p, b].value)
            total[p, b].set_value(held)


def _fallback(inst: UnitInstance, solution: UnitSolution) -> UnitPlan:
    plan = fifo(inst)
    plan.info = {
        "policy": "mip",
        "solver": solution,
        "warning": f"the unit model gave no plan ({solution.status}); fifo's plan is used",
    }
    return plan


def _itineraries(inst: UnitInstance, model: pyo.ConcreteModel) -> dict[int, Itinerary]:
    studies: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for p, i, b, k in model.X:
        if pyo.value(model.x[p, i, b, k]) > 0.5:
            studies[p].append((i, b, k))
    found = {}
    for p, patient in enumerate(inst.patients):
        admitted = [b for b in range(inst.blocks) if pyo.value(model.adm[p, b]) > 0.5]
        if not admitted:
            continue
        place = model.y if patient.in_bed else model.z
        stay = tuple(b for b in range(inst.blocks) if pyo.value(place[p, b]) > 0.5)
        found[p] = Itinerary(p, admitted[0], stay, tuple(sorted(studies[p])))
    return found


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
