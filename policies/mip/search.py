"""The search for a day's appointments: rounds of order then times, then a polish.

``optimise`` starts from a rule's appointments (fifo's equally spaced ones) and
alternates: play every sampled scenario with the clinic's queues (``day.play_all``,
which gives each scenario's order on every member), then solve the SAA program over
those orders (``saa.solve``) for new appointment windows. Each round is priced by
playing it again, exactly as the engine would; rounds stop when one lowers the
in-sample cost by less than ``IMPROVEMENT``. Rounding the program's times to whole
windows can cost much on a coarse grid (10-minute windows, a 25-minute stay), so a
polish then moves one appointment to another window (nearest first) while that
lowers the in-sample cost, within a budget of dispatched steps (a work limit, the
same on every machine; on a tiny day it reaches a local optimum, on a 60-patient day
it stops after a few tries).

Every candidate is priced on the same S scenarios, and the best one is kept: the
start itself when nothing beats it, so in sample the plan is never worse than the
rule it started from.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policies.mip.day import DayProblem, Played, Scenarios, play_all
from policies.mip.saa import WorkLimits, solve

IMPROVEMENT = 1e-3  # a round that lowers the in-sample cost by less ends the rounds


@dataclass
class DayPlan:
    """A day's appointments with their in-sample cost over the S scenarios."""

    appointment: np.ndarray
    scenarios: Scenarios  # the S scenarios it was priced on
    played: list[Played]  # … and how each played
    origin: str  # optimised, or the rule kept because nothing beat it
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls, problem: DayProblem, appointment: np.ndarray, scenarios: Scenarios, origin: str
    ) -> DayPlan:
        plan = cls(appointment, scenarios, play_all(problem, appointment, scenarios), origin)
        plan.stats = {
            "origin": origin,
            "status": "start",
            "rounds": 0,
            "iterations": 0,
            "polish_moves": 0,
            "build_seconds": 0.0,
            "solve_seconds": 0.0,
        }
        return plan

    @property
    def cost(self) -> float:
        return float(np.mean([p.cost for p in self.played]))

    @property
    def planned_end(self) -> np.ndarray:
        """Each patient's mean departure over the scenarios in which they come."""
        departures = np.array([p.departure for p in self.played])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a patient who never comes
            return np.nanmean(departures, axis=0)


@dataclass(frozen=True)
class SearchLimits:
    """The work a day's search may do: rounds, solver iterations, polish steps."""

    rounds: int
    solver: WorkLimits
    polish_steps: int


def optimise(
    problem: DayProblem,
    scenarios: Scenarios,
    start: np.ndarray,
    rule: str,
    limits: SearchLimits,
) -> DayPlan:
    """Rounds of order then times from the appointments of ``rule``, then the polish;
    the best plan seen (``origin``: optimised, or the rule when nothing beat it)."""
    best = DayPlan.of(problem, start, scenarios, rule)
    played = best.played
    work: dict[str, Any] = {
        "rounds": 0,
        "iterations": 0,
        "build_seconds": 0.0,
        "solve_seconds": 0.0,
    }
    statuses: list[str] = []
    for _round in range(limits.rounds):
        solution = solve(problem, scenarios, [p.chains for p in played], limits.solver)
        work["rounds"] += 1
        work["iterations"] += solution.iterations
        work["build_seconds"] += solution.build_seconds
        work["solve_seconds"] += solution.solve_seconds
        statuses.append(solution.status)
        if not solution.found:
            break
        times = problem.open + problem.slot * solution.windows
        candidate = DayPlan.of(problem, times, scenarios, "optimised")
        improved = candidate.cost < best.cost * (1 - IMPROVEMENT)
        if candidate.cost < best.cost:
            best, played = candidate, candidate.played
        if not improved:
            break
    best, moves = polish(problem, best, limits.polish_steps)
    best.stats.update(work, polish_moves=moves, status=_worst(statuses))
    return best


def polish(problem: DayProblem, plan: DayPlan, budget: int) -> tuple[DayPlan, int]:
    """Move one appointment to another window while that lowers the in-sample cost:
    patients earliest first, windows nearest first (one earlier, one later, two …),
    first improvement; until no move helps or the next play would pass ``budget``
    dispatched steps. Returns the plan and the moves made."""
    windows = np.rint((plan.appointment - problem.open) / problem.slot).astype(np.int64)
    steps_per_play = plan.scenarios.count * sum(len(s) for s in problem.steps)
    spent, moves, improved = 0, 0, True
    while improved:
        improved = False
        for i in np.argsort(windows, kind="stable"):
            for target in _nearest_first(int(windows[i]), problem.last_window):
                if spent + steps_per_play > budget:
                    return plan, moves
                spent += steps_per_play
                moved = windows.copy()
                moved[i] = target
                times = problem.open + problem.slot * moved
                candidate = DayPlan.of(problem, times, plan.scenarios, "optimised")
                if candidate.cost < plan.cost - 1e-9:
                    candidate.stats = plan.stats
                    plan, windows, moves, improved = candidate, moved, moves + 1, True
                    break
    return plan, moves


def _nearest_first(window: int, last: int) -> list[int]:
    """Every other window of the day, nearest to ``window`` first, earlier before later."""
    others = [w for w in range(last + 1) if w != window]
    return sorted(others, key=lambda w: (abs(w - window), w > window))


def _worst(statuses: list[str]) -> str:
    """The day's status: ``optimal`` when every solve was, else the first other one."""
    return next((s for s in statuses if s != "optimal"), "optimal" if statuses else "start")
