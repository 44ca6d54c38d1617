"""An independent checker of the plans the ``mip`` policy returns.

It imports nothing from ``policies``: every rule is recomputed here from the
scenario (``sim.scenario``), the clinic's calendar and shifts (``sim.clinic``),
the plan (``sim.plan``) and the requests (``sim.sampling``). ``check_plan``
returns one line per violation (an empty list for a valid plan):

- every booked patient has an appointment on the slot grid, at or after the
  opening and before the end of the latest shift; an unbooked patient has
  neither an appointment nor a planned end;
- the plan leaves the queues first come, first served (no planned starts),
  as the equally spaced and Bailey–Welch rules it is compared with do;
- a booked patient's planned end, if the plan gives one, (the mean departure over the sampled
  scenarios) comes after the earliest the patient can arrive and finish the
  protocol's staffed steps at their shortest;
- an assigned step's member is one of the members at work that day.
"""

from __future__ import annotations

import numpy as np

from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests
from sim.scenario import ProtocolModel

EPS = 1e-6


def latest_appointment(clinic: Clinic) -> float:
    """The end of the latest shift: no appointment at or after it."""
    ends = [clinic.shift(r).end for r in clinic.scenario.resources]
    return float(max([clinic.close, *ends]))


def shortest_stay(protocol: ProtocolModel) -> float:
    """The staffed steps one after another at their smallest durations (optional ones
    skipped): no patient can leave sooner after arriving."""
    return sum(
        max(s.duration.minimum, 0.0)
        for s in protocol.steps
        if s.resource is not None and s.probability >= 1
    )


def _on_grid(minute: float, clinic: Clinic) -> bool:
    offset = (minute - clinic.open) / clinic.horizon.slot_minutes
    return abs(offset - round(offset)) < EPS


def check_plan(plan: Plan, requests: Requests, clinic: Clinic) -> list[str]:
    """Every violation of the plan's rules, one line each; empty if the plan is valid."""
    problems = [f"planned start for step {s!r}: queues are first come" for s in plan.planned_start]
    scenario = clinic.scenario
    earliest = scenario.behaviour.punctuality.minimum
    latest = latest_appointment(clinic)
    planned_end = plan.planned_end
    if planned_end is None:  # a plan of appointments only (fifo's rules, grasp)
        planned_end = np.where(plan.booked, np.nan, np.nan)
    for i in range(len(requests)):
        day, appointment, end = int(plan.day[i]), float(plan.appointment[i]), planned_end[i]
        if day == UNBOOKED:
            if not (np.isnan(appointment) and np.isnan(end)):
                problems.append(f"patient {i}: unbooked but has an appointment or planned end")
            continue
        where = f"patient {i} (day {day})"
        if not 0 <= day < clinic.days:
            problems.append(f"{where}: booked outside the horizon")
            continue
        if np.isnan(appointment):
            problems.append(f"{where}: booked without an appointment")
            continue
        if not _on_grid(appointment, clinic):
            problems.append(f"{where}: appointment {appointment} is not on the slot grid")
        if appointment < clinic.open - EPS or appointment >= latest - EPS:
            problems.append(f"{where}: appointment {appointment} outside [{clinic.open}, {latest})")
        protocol = scenario.protocols[requests.protocol_of(i)]
        arrival = max(appointment + max(earliest, -appointment), 0.0)
        if not np.isnan(end) and end < arrival + shortest_stay(protocol) - EPS:
            problems.append(f"{where}: planned end {end} before the shortest possible stay")
        resource = protocol.booking_resource()
        member = int(plan.member[i])
        if resource is not None and member != NO_MEMBER:
            staff = clinic.staff(resource, day)
            if not 0 <= member < staff:
                problems.append(f"{where}: member {member} is not one of the {staff} at work")
    return problems
