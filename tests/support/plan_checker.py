"""An independent checker of the plans the ``mip`` policy returns.

It imports nothing from ``policies``: every rule is recomputed here from the
scenario (``sim.scenario``), the clinic's calendar and shifts (``sim.clinic``),
the plan (``sim.plan``) and the requests (``sim.sampling``). ``check_plan``
returns one line per violation (an empty list for a valid plan):

- every booked patient has an appointment on the slot grid, at or after the
  opening and before the last member of the clinic goes home; an unbooked
  patient has neither an appointment nor a planned step;
- every step of a booked patient's protocol has a planned start (except on the
  days given as ``fallback_days``, where only appointments are planned), and no
  step outside its protocol has one;
- each planned start is on the grid and at or after the appointment; a step
  takes ``V = ⌈mean duration / slot⌉`` contiguous windows (at least one when
  staffed), so it ends at ``start + V · slot``, resource-less steps included;
- precedence: a step starts at or after the end of each of its predecessors
  (``ProtocolModel.predecessors()``: ``after`` or the previous step) and at or
  after the end of the previous staffed step in listed order (the patient walks
  the staffed steps one at a time);
- capacity: in no window does a resource have more planned patients than
  ``clinic.staff(resource, day)``; an assigned step is planned on a member at
  work that day, and no member has two patients in one window;
- hours: every staffed step lies within its resource's shift, from
  ``shift.start`` to ``shift.go_home`` (the end plus ``max_overtime``).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests
from sim.scenario import ProtocolModel

EPS = 1e-6


def windows_of(protocol: ProtocolModel, slot: int) -> list[int]:
    """V of every step: its mean duration in whole windows, at least one if staffed."""
    out = []
    for step in protocol.steps:
        v = math.ceil(round(step.duration.mean / slot, 9))
        out.append(max(v, 1) if step.resource is not None else max(v, 0))
    return out


def last_start(clinic: Clinic) -> float:
    """The latest instant any member of the clinic may still start work."""
    homes = [clinic.shift(r).go_home for r in clinic.scenario.resources]
    return max([clinic.close, *homes])


def _on_grid(minute: float, clinic: Clinic) -> bool:
    offset = (minute - clinic.open) / clinic.horizon.slot_minutes
    return abs(offset - round(offset)) < EPS


def _window_span(start: float, windows: int, clinic: Clinic) -> range:
    """Indices of the slot windows (0 = the one starting at opening) a step covers."""
    slot = clinic.horizon.slot_minutes
    first = math.floor((start - clinic.open) / slot + EPS)
    end = math.ceil((start + windows * slot - clinic.open) / slot - EPS)
    return range(first, end)


def check_plan(
    plan: Plan,
    requests: Requests,
    clinic: Clinic,
    fallback_days: set[int] | frozenset = frozenset(),
) -> list[str]:
    """Every violation of the plan's constraints, one line each; empty if the plan is valid."""
    problems: list[str] = []
    scenario = clinic.scenario
    slot = clinic.horizon.slot_minutes
    latest = last_start(clinic)
    all_steps = {s.id for p in scenario.protocols.values() for s in p.steps}
    for step_id in plan.planned_start:
        if step_id not in all_steps:
            problems.append(f"planned start for an unknown step {step_id!r}")

    pool_use: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    member_use: dict[tuple[int, str, int, int], list[int]] = defaultdict(list)

    for i in range(len(requests)):
        day = int(plan.day[i])
        appointment = float(plan.appointment[i])
        planned = {s: float(v[i]) for s, v in plan.planned_start.items() if not np.isnan(v[i])}
        if day == UNBOOKED:
            if not np.isnan(appointment):
                problems.append(f"patient {i}: unbooked but has an appointment")
            if planned:
                problems.append(f"patient {i}: unbooked but has planned steps {sorted(planned)}")
            continue
        if not 0 <= day < clinic.days:
            problems.append(f"patient {i}: booked on day {day}, outside the horizon")
            continue
        where = f"patient {i} (day {day})"
        if np.isnan(appointment):
            problems.append(f"{where}: booked without an appointment")
            continue
        if not _on_grid(appointment, clinic):
            problems.append(f"{where}: appointment {appointment} is not on the slot grid")
        if appointment < clinic.open - EPS or appointment >= latest - EPS:
            problems.append(
                f"{where}: appointment {appointment} outside [open {clinic.open}, {latest})"
            )

        protocol = scenario.protocols[requests.protocol_of(i)]
        ids = [s.id for s in protocol.steps]
        foreign = sorted(set(planned) - set(ids))
        if foreign:
            problems.append(f"{where}: planned steps {foreign} not in its protocol")
        if day in fallback_days and not planned:
            continue
        missing = [s for s in ids if s not in planned]
        if missing:
            problems.append(f"{where}: no planned start for steps {missing}")
            continue

        windows = windows_of(protocol, slot)
        preds = protocol.predecessors()
        start = [planned[s] for s in ids]
        end = [start[k] + windows[k] * slot for k in range(len(ids))]
        previous_staffed: int | None = None
        for k, step in enumerate(protocol.steps):
            label = f"{where} step {step.id}"
            if not _on_grid(start[k], clinic):
                problems.append(f"{label}: start {start[k]} is not on the slot grid")
            if start[k] < appointment - EPS:
                problems.append(f"{label}: starts at {start[k]}, before the appointment")
            for q in preds[k]:
                if start[k] < end[q] - EPS:
                    problems.append(
                        f"{label}: starts at {start[k]}, before predecessor "
                        f"{ids[q]} ends at {end[q]}"
                    )
            if step.resource is None:
                continue
            if previous_staffed is not None and start[k] < end[previous_staffed] - EPS:
                problems.append(
                    f"{label}: starts at {start[k]}, before the previous staffed step "
                    f"{ids[previous_staffed]} ends at {end[previous_staffed]}"
                )
            previous_staffed = k
            shift = clinic.shift(step.resource)
            if start[k] < shift.start - EPS or end[k] > shift.go_home + EPS:
                problems.append(
                    f"{label}: [{start[k]}, {end[k]}) outside the {step.resource} shift "
                    f"[{shift.start}, {shift.go_home}]"
                )
            member = int(plan.member[i])
            if step.assigned:
                staff = clinic.staff(step.resource, day)
                if member == NO_MEMBER or not 0 <= member < staff:
                    problems.append(
                        f"{label}: assigned to member {member}, not one of the {staff} at work"
                    )
            for u in _window_span(start[k], windows[k], clinic):
                pool_use[day, step.resource, u].append(i)
                if step.assigned:
                    member_use[day, step.resource, member, u].append(i)

    for (day, resource, u), patients in sorted(pool_use.items()):
        staff = clinic.staff(resource, day)
        if len(patients) > staff:
            problems.append(
                f"day {day} {resource} window {u}: {len(patients)} patients planned "
                f"{sorted(patients)}, {staff} at work"
            )
    for (day, resource, member, u), patients in sorted(member_use.items()):
        if len(patients) > 1:
            problems.append(
                f"day {day} {resource} member {member} window {u}: "
                f"{len(patients)} patients planned {sorted(patients)}"
            )
    return problems
