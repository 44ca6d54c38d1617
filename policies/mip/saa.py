"""The document's two-stage stochastic program for one day, as a sample average
approximation (SAA) solved with HiGHS.

First stage (before the day, the same in every scenario: non-anticipativity (13)):
each booked patient's appointment window ``z_i`` (the document's X over 5-minute
windows, ``a_i = open + t_w · z_i``); an assigned step is done by the booked member.

Second stage, per sampled scenario ω, the document's Z: which member of a pool does
each step, and in what order each member does them, are fixed by the first pass
(``day.dispatch`` at the current appointments, ``Chains``); the program gives the
times.

Variables per scenario ω (``day.Scenarios``; durations, optional steps, no-shows
and punctuality drawn from the scenario file): the start
``s[ω,i,k]`` of every step that happens, the departure ``D[ω,i]`` of every
patient who comes, and each member's overtime ``O[ω,r,m]``:

- arrival: the first step starts at or after ``a_i + punctuality[ω,i]``;
- (5)–(10) each step takes its realised duration, contiguously: it ends at
  ``s + duration[ω,i,k]`` (continuous time, not whole windows: ``V_k`` rounded up
  to windows is what made the earlier model plan idle minutes);
- (11)/(12) precedence: a step starts after its predecessors end (a predecessor
  that does not happen in ω passes its own predecessors on), and after the
  patient's previous staffed step (the patient walks the steps in listed order);
- (1)/(2) a member does one step at a time: along the member's fixed order, a
  step starts after the previous one (that happens in ω) ends, and not before
  the shift starts; no step starts after ``go_home`` (end plus ``max_overtime``)
  without paying the unserved cost per minute;
- overtime ``O ≥ end of the member's last step − end of shift``, ``O ≥ 0``.

Objective, in place of (14): the expected cost of ``sim.costs.Costs`` over the S
scenarios, ``(1/S) Σ_ω [stay · Σ_i (D − a_i − punctuality) + (overtime + idle) ·
Σ_m O + unserved · late minutes]``. Idle minutes are the shift less the fixed
work plus the overtime, so the idle weight adds to the overtime weight.

Reformulation, said plainly: the document lets each scenario choose its own
windows per step (Z, with X and Z tied by (13)); here each scenario's order on
every member is fixed from a first pass (``day.dispatch``: the clinic's own queues
played under the current appointments), which turns the program into a linear
program in the appointment times and the scenarios' step starts (the approach of
the stochastic appointment-scheduling literature: fix the sequence, optimise the
times over sampled scenarios). It is solved with the windows relaxed to real
numbers, then each is rounded to the nearest window; ``search.py`` replays the
rounded plan, takes the new orders, and solves again. With the windows fixed the
program reproduces exactly the cost of playing them (a test checks it); the tests
also enumerate every plan of tiny days to measure what the search misses.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from policies.mip.day import NONE, Chains, DayProblem, Scenarios

IPM_ROWS = 15_000


@dataclass(frozen=True)
class WorkLimits:
    """What may stop a solve: interior-point iterations (work, the same on every
    machine), and a wall-clock guard against a solve gone wrong; a day that reaches the
    guard is counted (status ``time_guard``)."""

    max_iterations: int = 100_000
    guard_seconds: float = 300.0


@dataclass
class SaaSolution:
    """A solved program: the appointment windows, rounded, and the program's optimum
    (``bound``: with the windows relaxed, a lower bound for the order it was given)."""

    status: str
    windows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    planned_end: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bound: float | None = None
    nodes: int = 0
    iterations: int = 0
    variables: int = 0
    rows: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    @property
    def found(self) -> bool:
        return len(self.windows) > 0 or self.status == "empty"


class _Program:
    """Columns and rows of a linear program, gathered before one pass to HiGHS."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.row_lower: list[float] = []
        self.entries_row: list[int] = []
        self.entries_col: list[int] = []
        self.entries_value: list[float] = []

    def column(self, cost: float, lower: float, upper: float, integer: bool = False) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def at_least(self, terms: list[tuple[int, float]], bound: float) -> None:
        """Σ value · column ≥ bound."""
        row = len(self.row_lower)
        self.row_lower.append(bound)
        for col, value in terms:
            self.entries_row.append(row)
            self.entries_col.append(col)
            self.entries_value.append(value)

    def to_highs(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.row_lower)
        lp.col_cost_ = np.asarray(self.cost)
        lp.col_lower_ = np.asarray(self.lower)
        lp.col_upper_ = np.asarray(self.upper)
        lp.row_lower_ = np.asarray(self.row_lower)
        lp.row_upper_ = np.full(lp.num_row_, highspy.kHighsInf)
        from scipy import sparse  # lazily: scipy costs half a second at start-up

        matrix = sparse.csc_matrix(
            (self.entries_value, (self.entries_row, self.entries_col)),
            shape=(lp.num_row_, lp.num_col_),
        )
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        if any(self.integer):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                for i in self.integer
            ]
        return lp


@dataclass
class _Columns:
    """Where each decision lives in the program."""

    window: list[int]
    start: dict[tuple[int, int, int], int]  # (ω, patient, step)
    departure: dict[tuple[int, int], int]  # (ω, patient)
    constant: float  # the objective's part no decision changes


def build(
    problem: DayProblem, scenarios: Scenarios, chains: list[Chains]
) -> tuple[_Program, _Columns]:
    """The SAA program of ``problem`` over ``scenarios``, each with the order of its
    ``chains``."""
    program = _Program()
    costs, weight = problem.costs, 1.0 / scenarios.count
    comes_share = scenarios.comes.mean(axis=0)
    window = [
        program.column(-costs.stay * problem.slot * comes_share[i], 0, problem.last_window)
        for i in range(problem.patients)
    ]
    columns = _Columns(window, {}, {}, 0.0)
    for w in range(scenarios.count):
        _patients_of_scenario(program, problem, scenarios, w, weight, columns)
        _members_of_scenario(program, problem, scenarios, chains[w], w, weight, columns)
    return program, columns


def _patients_of_scenario(
    program: _Program,
    problem: DayProblem,
    scenarios: Scenarios,
    w: int,
    weight: float,
    columns: _Columns,
) -> None:
    """Arrival, precedence, walking order and departure of every patient who comes.
    Rows another row implies are left out (HiGHS's presolve would find them, slower)."""
    stay = problem.costs.stay * weight
    for i, steps in enumerate(problem.steps):
        if not scenarios.comes[w, i]:
            continue
        arrival = problem.open + scenarios.punctuality[w, i]
        columns.constant -= stay * arrival
        occurs, duration = scenarios.occurs[w, i], scenarios.duration[w, i]
        starts: dict[int, int] = {}
        ends_of: dict[int, list[tuple[int, float]]] = {}  # step → (start column, duration)
        followed: set[int] = set()  # steps whose end a later step waits for
        previous, previous_staffed = None, None
        for k, step in enumerate(steps):
            inherited = {e for q in step.preds for e in ends_of.get(q, [])}
            if not occurs[k]:
                ends_of[k] = sorted(inherited)  # a step that does not happen passes its preds on
                continue
            s = program.column(0.0, 0.0, highspy.kHighsInf)
            starts[k] = columns.start[w, i, k] = s
            ends_of[k] = [(s, float(duration[k]))]
            waits_for = set(inherited)
            if previous_staffed is not None:  # walks on when the previous staffed step ends
                waits_for.add((starts[previous_staffed], float(duration[previous_staffed])))
            if previous is None:  # arrives at a_i + punctuality
                program.at_least([(s, 1.0), (columns.window[i], -problem.slot)], arrival)
            elif previous != previous_staffed:  # and passes a background step when it starts
                waits_for.add((starts[previous], 0.0))
            for col, d in sorted(waits_for):
                program.at_least([(s, 1.0), (col, -1.0)], d)
                followed.add(col)
            previous = k
            if step.resource != NONE:
                previous_staffed = k
        departure = program.column(stay, 0.0, highspy.kHighsInf)
        columns.departure[w, i] = departure
        for k, s in starts.items():
            if s not in followed or steps[k].resource == NONE:
                program.at_least([(departure, 1.0), (s, -1.0)], float(duration[k]))


def _members_of_scenario(
    program: _Program,
    problem: DayProblem,
    scenarios: Scenarios,
    chains: Chains,
    w: int,
    weight: float,
    columns: _Columns,
) -> None:
    """One step at a time per member, in the scenario's order; shift start (a bound);
    the last step's start past go-home (paid at the unserved cost per minute); overtime."""
    costs = problem.costs
    overtime_cost = (costs.overtime + costs.idle) * weight
    late_cost = costs.unserved * weight
    for (r, _m), jobs in chains.jobs.items():
        staff = problem.staff[r]
        happening = [
            (columns.start[w, i, k], float(scenarios.duration[w, i, k]))
            for i, k in jobs
            if (w, i, k) in columns.start
        ]
        if not happening:
            continue
        previous: tuple[int, float] | None = None
        for s, d in happening:
            program.lower[s] = max(program.lower[s], staff.start)
            if previous is not None:
                program.at_least([(s, 1.0), (previous[0], -1.0)], previous[1])
            previous = (s, d)
        last, d = happening[-1]
        late = program.column(late_cost, 0.0, highspy.kHighsInf)
        program.at_least([(late, 1.0), (last, -1.0)], -staff.go_home)
        overtime = program.column(overtime_cost, 0.0, highspy.kHighsInf)
        program.at_least([(overtime, 1.0), (last, -1.0)], d - staff.end)


def solve(
    problem: DayProblem,
    scenarios: Scenarios,
    chains: list[Chains],
    limits: WorkLimits,
    fixed_windows: np.ndarray | None = None,
) -> SaaSolution:
    """Build and solve the program with the windows relaxed to real numbers, then round
    each window to the nearest; the result depends on the data and the work limits only.
    With ``fixed_windows`` the program only prices those appointments (``bound``)."""
    if problem.patients == 0:
        return SaaSolution(status="empty")
    started = time.perf_counter()
    program, columns = build(problem, scenarios, chains)
    if fixed_windows is not None:
        for col, window in zip(columns.window, fixed_windows, strict=True):
            program.lower[col] = program.upper[col] = float(window)
    highs = _highs(limits)
    # the interior point method is twice as fast on large programs, simplex on small ones
    highs.setOptionValue("solver", "ipm" if len(program.row_lower) > IPM_ROWS else "simplex")
    highs.passModel(program.to_highs())
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    highs.run()
    info = highs.getInfo()
    solution = SaaSolution(
        status=_status_name(highs.modelStatusToString(highs.getModelStatus())),
        variables=len(program.cost),
        rows=len(program.row_lower),
        build_seconds=build_seconds,
        solve_seconds=time.perf_counter() - started,
        iterations=int(info.ipm_iteration_count) + int(info.simplex_iteration_count),
    )
    if info.primal_solution_status != 2:  # 2: a feasible solution is at hand
        return solution
    values = np.asarray(highs.getSolution().col_value)
    solution.bound = float(info.objective_function_value) + columns.constant
    relaxed = values[columns.window]
    solution.windows = np.clip(np.floor(relaxed + 0.5), 0, problem.last_window).astype(np.int64)
    solution.planned_end = _mean_departures(values, columns, problem.patients)
    return solution


def _highs(limits: WorkLimits) -> highspy.Highs:
    highs = _new_highs()
    for option, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
        ("ipm_iteration_limit", limits.max_iterations),
        ("simplex_iteration_limit", limits.max_iterations),
        ("time_limit", limits.guard_seconds),
    ):
        highs.setOptionValue(option, value)
    return highs


_BANNER = [True]  # HiGHS prints its banner on standard output once per process


def _new_highs() -> highspy.Highs:
    """A solver instance; the first one's banner goes nowhere, so that ``--json`` output
    stays pure JSON."""
    if not _BANNER[0]:
        return highspy.Highs()
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _BANNER[0] = False
    return highs


def _status_name(status: str) -> str:
    """HiGHS's status as a short word (``optimal``, ``node_limit``, ``time_guard``, …)."""
    words = {
        "Optimal": "optimal",
        "Time limit reached": "time_guard",
        "Iteration limit reached": "iteration_limit",
        "Infeasible": "infeasible",
    }
    return words.get(status, status.lower().replace(" ", "_"))


def _mean_departures(values: np.ndarray, columns: _Columns, patients: int) -> np.ndarray:
    total, count = np.zeros(patients), np.zeros(patients)
    for (_w, i), col in columns.departure.items():
        total[i] += values[col]
        count[i] += 1
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
