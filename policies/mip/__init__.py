"""``mip``: optimised appointment times from the day model of the ophthalmology document.

Booking is first come, first served (as ``fifo``); then for each day the MIP of
``day.py`` gives every booked patient an appointment time and a planned start
for every step, and at each step the queue serves those present in planned
order.

Each day is solved with the smallest planned-waiting budget that fits: first
with every patient on the shortest path of its protocol (no planned waiting,
the model's lower bound on the stay), then allowing 1, 2, ... ``max_delay``
windows of waiting, until a plan exists. A day for which no plan is found
(infeasible, a time-out without incumbent, a solver error) falls back to
``fifo``'s equally spaced appointments, with a warning in the plan's info.

Uncertainty. The document's model is two-stage: the appointment time is decided
before the day (first stage, non-anticipative (13)) and step starts per sampled
scenario ω. Here each day is planned for one scenario, every duration at its
mean (or at ``duration_quantile``) with optional steps reserved, so (13) holds
trivially; the simulation then plays the plan under the realised durations,
optional steps, punctuality and no-shows, and that is where the reported stays
come from. S sampled scenarios are left out on purpose: counting
interchangeable patients is what solves a day in a fraction of a second, and
per-patient sampled outcomes make the patients of a group differ per scenario,
which brings back either the patient index (10–30 s a day measured, before
multiplying by S) or a counted form in which each scenario picks which patients
are the slow ones (a relaxation that plans optimistically).

Plans are cached by the day's mix (staff at work, patients per protocol and
member): a day whose mix was already solved, in this replication or an
earlier one in the same process, reuses that plan.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from policies.base import PolicyParams, SchedulingPolicy, Texts, texts
from policies.fifo import equally_spaced_times
from policies.mip.day import DayInstance, DaySolution, Group, solve_day
from policies.mip.paths import PlannedPath, enumerate_paths
from sim.clinic import Clinic, resource_keys
from sim.plan import UNBOOKED, Plan
from sim.sampling import Requests

_CACHE: dict[tuple[Any, ...], DaySolution] = {}
_CACHE_LIMIT = 4096


class MipParams(PolicyParams):
    time_limit_s: float = Field(
        default=30,
        gt=0,
        description="seconds HiGHS may take for a day",
        json_schema_extra=texts("Tiempo límite por día (s)", "Time limit per day (s)"),
    )
    escalate_after_s: float = Field(
        default=5,
        gt=0,
        description="seconds an attempt with less than max_delay of waiting may take "
        "to find a plan before more waiting is allowed",
    )
    mip_gap: float = Field(default=0.01, ge=0, le=1)
    max_delay: int = Field(default=3, ge=0, le=24)
    duration_quantile: float | None = Field(
        default=None, gt=0, lt=1, description="plan durations at this quantile (default: mean)"
    )


class MipPolicy(SchedulingPolicy):
    name: ClassVar[str] = "mip"
    shorthand: ClassVar[str | None] = "max_delay"
    Params: ClassVar[type[MipParams]] = MipParams
    title: ClassVar[Texts] = {"es": "Horarios óptimos (MIP)", "en": "Optimised times (MIP)"}
    explanation: ClassVar[Texts] = {
        "es": "Reserva por orden de llegada; cada día, un MIP da a cada paciente su hora y el "
        "inicio planeado de cada paso.",
        "en": "Books first come, first served; each day, a MIP gives every patient a time and "
        "a planned start for every step.",
    }
    tunable: ClassVar[tuple[str, ...] | None] = ("time_limit_s",)

    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        """Each day's MIP for a booking already made (``sim.booking.process``)."""
        appointment = np.full(len(requests), np.nan)
        steps = sorted({s.id for p in clinic.scenario.protocols.values() for s in p.steps})
        planned = {s: np.full(len(requests), np.nan) for s in steps}
        planned_end = np.full(len(requests), np.nan)
        day_stats, warnings = [], []
        paths = self._paths(clinic)
        fallback: np.ndarray | None = None
        for d in range(clinic.days):
            patients = np.flatnonzero(day == d)
            by_group = patients_by_group(patients, requests, member)
            solution, cached = self._solve(d, by_group, clinic, paths)
            day_stats.append(
                {"day": d, "patients": len(patients), "cached": cached, **solution.stats()}
            )
            if solution.found:
                self._apply(solution, by_group, clinic, paths, appointment, planned, planned_end)
            else:
                warnings.append(
                    f"day {d}: no MIP plan ({solution.status}); equally spaced appointments instead"
                )
                if fallback is None:
                    fallback = equally_spaced_times(requests, clinic, day, member)
                appointment[patients] = fallback[patients]
        appointment[day == UNBOOKED] = np.nan
        return Plan(
            policy=self.label,
            day=day,
            member=member,
            appointment=appointment,
            planned_start=planned,
            planned_end=planned_end,
            info={"solver": summarise_days(day_stats), "warnings": warnings},
        )

    def _paths(self, clinic: Clinic) -> dict[str, list[list[PlannedPath]]]:
        """Per protocol, the paths of each waiting budget 0..max_delay."""
        slot = clinic.horizon.slot_minutes
        return {
            name: [
                enumerate_paths(protocol, slot, delay, self.params.duration_quantile)
                for delay in range(self.params.max_delay + 1)
            ]
            for name, protocol in clinic.scenario.protocols.items()
        }

    def _solve(
        self,
        d: int,
        by_group: dict[tuple[str, int], list[int]],
        clinic: Clinic,
        paths: dict[str, list[list[PlannedPath]]],
    ) -> tuple[DaySolution, bool]:
        groups = groups_of(by_group)
        key = (
            _fingerprint(clinic, self.params),
            _staffing(clinic, d),
            tuple((g.protocol, g.member, g.count) for g in groups),
        )
        if key in _CACHE:
            return _CACHE[key], True
        solution = DaySolution(status="empty")
        spent = [0.0, 0.0]  # build and solve seconds of every attempt, failed ones included
        last = self.params.max_delay
        for delay in range(last + 1):
            chosen = {p: v[delay] for p, v in paths.items()}
            inst = day_instance(clinic, d, groups, chosen)
            # a plan with this little waiting that is not found soon is unlikely to exist
            # (proving that can take HiGHS minutes): allow more waiting instead
            limit = self.params.time_limit_s
            if delay < last:
                limit = min(limit, self.params.escalate_after_s)
            solution = solve_day(inst, limit, self.params.mip_gap)
            solution.delay_budget = delay
            spent = [spent[0] + solution.build_seconds, spent[1] + solution.solve_seconds]
            if solution.found:
                break
        solution.build_seconds, solution.solve_seconds = spent
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = solution
        return solution, False

    def _apply(
        self,
        solution: DaySolution,
        by_group: dict[tuple[str, int], list[int]],
        clinic: Clinic,
        paths: dict[str, list[list[PlannedPath]]],
        appointment: np.ndarray,
        planned: dict[str, np.ndarray],
        planned_end: np.ndarray,
    ) -> None:
        """Give the group's patients, in order of request, the group's planned windows."""
        slot, open_ = clinic.horizon.slot_minutes, clinic.open
        delay = solution.delay_budget
        for g, ((protocol_name, _member), members) in enumerate(by_group.items()):
            protocol = clinic.scenario.protocols[protocol_name]
            for patient, (a, p) in zip(members, solution.assignments[g], strict=True):
                path = paths[protocol_name][delay][p]
                appointment[patient] = open_ + a * slot
                planned_end[patient] = open_ + (a + path.length) * slot
                for step, start in zip(protocol.steps, path.starts, strict=True):
                    planned[step.id][patient] = open_ + (a + start) * slot


def patients_by_group(
    patients: np.ndarray, requests: Requests, member: np.ndarray
) -> dict[tuple[str, int], list[int]]:
    """The day's patients, in order of request, per (protocol, member), groups sorted."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for p in patients:
        groups[requests.protocol_of(int(p)), int(member[p])].append(int(p))
    return dict(sorted(groups.items()))


def groups_of(by_group: dict[tuple[str, int], list[int]]) -> list[Group]:
    return [Group(protocol, m, len(ps)) for (protocol, m), ps in by_group.items()]


def day_instance(
    clinic: Clinic, d: int, groups: list[Group], paths: dict[str, list[PlannedPath]]
) -> DayInstance:
    """The plain data of day ``d``. Window 0 starts at opening; staff take work from the
    start of their shift until ``max_overtime`` past its end, as in the engine."""
    slot = clinic.horizon.slot_minutes
    resources = resource_keys(clinic.scenario)
    shifts = {r: clinic.shift(r) for r in resources}
    last = {r: s.go_home for r, s in shifts.items()}
    windows = max(0, int((max(last.values(), default=clinic.close) - clinic.open) // slot))
    pool, own = {}, {}
    for r in resources:
        at_work = [
            shifts[r].start <= clinic.open + u * slot and clinic.open + (u + 1) * slot <= last[r]
            for u in range(windows)
        ]
        staff = clinic.staff(r, d)
        pool[r] = [staff if ok else 0 for ok in at_work]
        for m in range(staff):
            own[r, m] = [1 if ok else 0 for ok in at_work]
    return DayInstance(slot, windows, groups, paths, pool, own)


def _staffing(clinic: Clinic, d: int) -> tuple[int, ...]:
    return tuple(clinic.staff(r, d) for r in resource_keys(clinic.scenario))


def _fingerprint(clinic: Clinic, params: MipParams) -> str:
    text = clinic.scenario.model_dump_json() + params.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()


def summarise_days(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Solver statistics of a plan: totals and worst cases over its days."""
    solved = [d for d in days if not d["cached"] and d["status"] != "empty"]
    gaps = [d["gap"] for d in days if d["gap"] is not None]  # cached days keep their gap
    statuses: dict[str, int] = defaultdict(int)
    for d in days:
        statuses[d["status"]] += 1
    return {
        "days": len(days),
        "solved": len(solved),
        "cached": sum(d["cached"] for d in days),
        "statuses": dict(sorted(statuses.items())),
        "build_seconds": round(sum(d["build_seconds"] for d in solved), 4),
        "solve_seconds": round(sum(d["solve_seconds"] for d in solved), 4),
        "max_gap": max(gaps) if gaps else None,
        "max_variables": max((d["variables"] for d in solved), default=0),
        "objective": sum(d["objective"] or 0.0 for d in days if d["status"] != "empty"),
    }
