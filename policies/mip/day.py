"""The day model of the ophthalmology document as a Pyomo MIP, and its solve with HiGHS.

The document's decision ``X[n,p,k,w,j,d]`` says in which 5-minute window ``w``
patient ``n`` does step ``k`` with member ``j``. Here a patient's steps are
chosen together, as a planned path (``paths.py``): an appointment window ``a``
and the start of every step relative to it, with contiguity (5)–(10) and
precedence (11)–(12) built into the path. Patients of one group (same protocol,
same assigned member) are interchangeable, so the model counts them instead of
naming them, and identical members of a pool are one capacity row per window:

    patients_on_path[g, a, π] ∈ ℕ   patients of group g told to come at window a, on path π

which removes the symmetry that makes the patient-indexed model slow (the same
plan written N! ways), and keeps the model's size independent of the number of
patients. Patients are given their windows afterwards, in order of request.

Planning uses the document's T_k (mean durations, ``V_k = ⌈T_k / t_w⌉``) and
reserves optional steps; this is its single-scenario form, in which the
non-anticipativity constraint (13) holds trivially. The simulation then plays
the plan under the realised durations and optional steps.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from policies.mip.paths import PlannedPath

APPOINTMENT_TIE_BREAK = 1e-3  # per window: among plans of equal stay, prefer earlier ones
SHIFT_SWEEPS = 10  # passes of ``shift_earlier`` at most (it stops when nothing moves)


@dataclass(frozen=True)
class Group:
    """Interchangeable patients of a day: same protocol, same assigned member (or -1)."""

    protocol: str
    member: int
    count: int


@dataclass
class DayInstance:
    """Everything the day model needs, as plain data. Window 0 is the clinic's opening."""

    slot_minutes: int
    windows: int
    groups: list[Group]
    paths: dict[str, list[PlannedPath]]
    pool_capacity: dict[str, list[int]]
    member_capacity: dict[tuple[str, int], list[int]]


@dataclass
class DaySolution:
    """A solved day: per group, the (appointment window, path index) of each patient."""

    status: str
    assignments: list[list[tuple[int, int]]] = field(default_factory=list)
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    variables: int = 0
    delay_budget: int = 0  # the planned-waiting budget (windows) of the paths solved with

    @property
    def found(self) -> bool:
        return bool(self.assignments) or self.status == "empty"

    def stats(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "build_seconds": round(self.build_seconds, 4),
            "solve_seconds": round(self.solve_seconds, 4),
            "variables": self.variables,
            "delay_budget": self.delay_budget,
        }


Choice = tuple[int, int, int]  # (group index, appointment window, path index)


def feasible_choices(inst: DayInstance) -> list[Choice]:
    """Every (group, appointment window, path) whose steps all fall on windows where the
    resource (and, for assigned steps, the group's member) is at work: the model's
    index set, never the full product of groups, windows and paths."""
    choices = []
    for g, group in enumerate(inst.groups):
        for p, path in enumerate(inst.paths[group.protocol]):
            for a in range(inst.windows - path.length + 1):
                if all(_at_work(inst, group, use, a) for use in path.uses):
                    choices.append((g, a, p))
    return choices


def _at_work(inst: DayInstance, group: Group, use: Any, a: int) -> bool:
    pool = inst.pool_capacity[use.resource]
    span = range(a + use.start, a + use.start + use.windows)
    if any(pool[u] <= 0 for u in span):
        return False
    if use.assigned:
        own = inst.member_capacity.get((use.resource, group.member))
        return own is not None and all(own[u] > 0 for u in span)
    return True


def capacity_shortfall(inst: DayInstance) -> list[str]:
    """Pools and members asked for more windows of work than they have in the day: a
    necessary condition of feasibility, checked before building the model, so a day that
    cannot fit is known at once and not after one solve per waiting budget."""
    demand: dict[Any, int] = defaultdict(int)
    for group in inst.groups:
        uses = inst.paths[group.protocol][0].uses  # every path of a protocol has the same uses
        for use in uses:
            demand[use.resource] += group.count * use.windows
            if use.assigned:
                demand[use.resource, group.member] += group.count * use.windows
    short = []
    for key, needed in demand.items():
        capacity = inst.pool_capacity.get(key) if isinstance(key, str) else None
        if capacity is None:
            capacity = inst.member_capacity.get(key, [])
        if needed > sum(capacity):
            short.append(str(key))
    return short


def choice_cost(inst: DayInstance, choice: Choice) -> float:
    """Minutes from appointment to the end of the last step (objective (14)), plus a
    tie-break towards earlier appointments among plans of equal stay."""
    g, a, p = choice
    path = inst.paths[inst.groups[g].protocol][p]
    return inst.slot_minutes * path.length + APPOINTMENT_TIE_BREAK * a


def build_day_model(inst: DayInstance, choices: list[Choice]) -> pyo.ConcreteModel:
    """The day MIP from plain data; one named constraint per meaning."""
    m = pyo.ConcreteModel(name="day_appointments")
    m.CHOICES = pyo.Set(initialize=choices, dimen=3, ordered=True)
    m.GROUPS = pyo.Set(initialize=range(len(inst.groups)))
    upper = {c: inst.groups[c[0]].count for c in choices}
    m.patients_on_path = pyo.Var(
        m.CHOICES, domain=pyo.NonNegativeIntegers, bounds=lambda _m, *c: (0, upper[c])
    )

    by_group: dict[int, list[Choice]] = defaultdict(list)
    pool_use: dict[tuple[str, int], list[Choice]] = defaultdict(list)
    member_use: dict[tuple[str, int, int], list[Choice]] = defaultdict(list)
    for choice in choices:
        g, a, p = choice
        group = inst.groups[g]
        by_group[g].append(choice)
        for use in inst.paths[group.protocol][p].uses:
            for u in range(a + use.start, a + use.start + use.windows):
                pool_use[use.resource, u].append(choice)
                if use.assigned:
                    member_use[use.resource, group.member, u].append(choice)

    def every_patient_planned(model: pyo.ConcreteModel, g: int) -> Any:
        """(3)/(4): each patient does each step of the protocol exactly once, on one path."""
        return sum(model.patients_on_path[c] for c in by_group[g]) == inst.groups[g].count

    def pool_window_capacity(model: pyo.ConcreteModel, resource: str, u: int) -> Any:
        """(1)/(2): a window holds at most the pool's members at work (one row per pool)."""
        return (
            sum(model.patients_on_path[c] for c in pool_use[resource, u])
            <= (inst.pool_capacity[resource][u])
        )

    def member_window_capacity(model: pyo.ConcreteModel, resource: str, member: int, u: int) -> Any:
        """(1) for assigned steps: the assigned member sees one patient in a window."""
        return (
            sum(model.patients_on_path[c] for c in member_use[resource, member, u])
            <= (inst.member_capacity[resource, member][u])
        )

    m.every_patient_planned = pyo.Constraint(m.GROUPS, rule=every_patient_planned)
    m.POOL_WINDOWS = pyo.Set(initialize=sorted(pool_use), dimen=2)
    m.pool_window_capacity = pyo.Constraint(m.POOL_WINDOWS, rule=pool_window_capacity)
    m.MEMBER_WINDOWS = pyo.Set(initialize=sorted(member_use), dimen=3)
    m.member_window_capacity = pyo.Constraint(m.MEMBER_WINDOWS, rule=member_window_capacity)

    cost = {c: choice_cost(inst, c) for c in choices}

    def expected_time_in_clinic(model: pyo.ConcreteModel) -> Any:
        """(14): time from appointment to the end of the last step, summed over patients."""
        return sum(cost[c] * model.patients_on_path[c] for c in model.CHOICES)

    m.expected_time_in_clinic = pyo.Objective(rule=expected_time_in_clinic, sense=pyo.minimize)
    return m


def solve_day(inst: DayInstance, time_limit_s: float, mip_gap: float) -> DaySolution:
    """Build and solve the day model; an empty day or an impossible one needs no solver."""
    if not inst.groups:
        return DaySolution(status="empty")
    started = time.perf_counter()
    choices = feasible_choices(inst)
    served_groups = {g for g, _a, _p in choices}
    if len(served_groups) < len(inst.groups) or capacity_shortfall(inst):
        return DaySolution(status="infeasible", build_seconds=time.perf_counter() - started)
    model = build_day_model(inst, choices)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    try:
        results = SolverFactory("highs").solve(
            model,
            time_limit=time_limit_s,
            rel_gap=mip_gap,
            threads=1,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
        )
    except Exception as exc:  # the solver's own failure must never crash a run
        return DaySolution(status=f"solver error: {exc}", build_seconds=build_seconds)
    if results.termination_condition == TerminationCondition.interrupted:
        raise KeyboardInterrupt  # highspy turns Ctrl-C into a status: the user meant to stop
    solve_seconds = time.perf_counter() - started
    solution = DaySolution(
        status=results.termination_condition.name,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        variables=len(choices),
        objective=_number(results.incumbent_objective),
        bound=_number(results.objective_bound),
    )
    if results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal):
        results.solution_loader.load_vars()
        solution.assignments = shift_earlier(inst, _assignments(inst, model))
        solution.gap = _gap(solution.objective, solution.bound)
    return solution


def shift_earlier(
    inst: DayInstance, assignments: list[list[tuple[int, int]]]
) -> list[list[tuple[int, int]]]:
    """Move each patient, earliest first, to the earliest window where its path still fits.

    Every patient keeps its path, so its planned stay (the objective) is unchanged;
    the plan only ends earlier, which spares overtime the objective does not see.
    The MIP's tie-break towards early windows is too weak to do this itself, and a
    stronger one makes the model far slower to solve.
    """
    usage = _Usage(inst)
    entries = [(a, g, p) for g, group in enumerate(assignments) for a, p in group]
    for a, g, p in entries:
        usage.add(g, a, p, +1)
    for _sweep in range(SHIFT_SWEEPS):
        shifted = []
        for a, g, p in sorted(entries):
            usage.add(g, a, p, -1)
            earliest = next((w for w in range(a) if usage.fits(g, w, p)), a)
            usage.add(g, earliest, p, +1)
            shifted.append((earliest, g, p))
        if shifted == sorted(entries):
            break
        entries = shifted
    moved: list[list[tuple[int, int]]] = [[] for _ in assignments]
    for a, g, p in entries:
        moved[g].append((a, p))
    return [sorted(group) for group in moved]


class _Usage:
    """Patients planned per pool window and per member window."""

    def __init__(self, inst: DayInstance):
        self.inst = inst
        self.pool = {r: [0] * inst.windows for r in inst.pool_capacity}
        self.own = {key: [0] * inst.windows for key in inst.member_capacity}

    def _spans(self, g: int, a: int, p: int) -> list[tuple[list[int], list[int], range]]:
        group = self.inst.groups[g]
        spans = []
        for use in self.inst.paths[group.protocol][p].uses:
            window = range(a + use.start, a + use.start + use.windows)
            spans.append((self.pool[use.resource], self.inst.pool_capacity[use.resource], window))
            if use.assigned:
                key = (use.resource, group.member)
                spans.append((self.own[key], self.inst.member_capacity[key], window))
        return spans

    def add(self, g: int, a: int, p: int, sign: int) -> None:
        for used, _capacity, window in self._spans(g, a, p):
            for u in window:
                used[u] += sign

    def fits(self, g: int, a: int, p: int) -> bool:
        path = self.inst.paths[self.inst.groups[g].protocol][p]
        if a + path.length > self.inst.windows:
            return False
        return all(
            used[u] < capacity[u] for used, capacity, window in self._spans(g, a, p) for u in window
        )


def _assignments(inst: DayInstance, model: pyo.ConcreteModel) -> list[list[tuple[int, int]]]:
    per_group: list[list[tuple[int, int]]] = [[] for _ in inst.groups]
    for g, a, p in model.CHOICES:
        count = round(pyo.value(model.patients_on_path[g, a, p]))
        per_group[g].extend([(a, p)] * count)
    for entries in per_group:
        entries.sort()
    return per_group


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)
