"""``fifo``: today's practice. First come, first served, at booking and on the day.

Booking (the thesis's greedy, ``policies.first_come``): requests in order of
arrival, each to the earliest day with a free slot of an eligible member.

Day, by ``arrival``:
- ``opening``: everyone is told to come at opening (the 4-hour stays);
- ``walk_in``: patients come as a Poisson process over the opening hours
  (uniform times given the day's count); punctuality does not apply;
- ``appointment``: equally spaced times on the slot grid, per member over the
  day by its daily slots (or per day when nobody is assigned);
- ``bailey_welch``: the Bailey–Welch rule, per member: two patients at opening,
  then one every mean service time at the member's resource (the expected
  minutes of the patient's steps there), on the slot grid. It does not squeeze
  the day: a member booked for more than the day holds runs into overtime.
  Without an assigned member it gives equally spaced times.

Queues are first come, first served at every resource.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from policies.base import PolicyParams, SchedulingPolicy, Texts, texts
from policies.first_come import book_first_come
from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests
from sim.scenario import ProtocolModel

__all__ = [
    "FifoParams",
    "FifoPolicy",
    "bailey_welch_times",
    "book_first_come",
    "equally_spaced_times",
]


class FifoParams(PolicyParams):
    arrival: Literal["opening", "walk_in", "appointment", "bailey_welch"] = Field(
        default="opening",
        description="when patients are told to come",
        json_schema_extra=texts("llegada de los pacientes", "patients' arrival"),
    )


class FifoPolicy(SchedulingPolicy):
    name: ClassVar[str] = "fifo"
    shorthand: ClassVar[str | None] = "arrival"
    Params: ClassVar[type[FifoParams]] = FifoParams
    title: ClassVar[Texts] = {"es": "Orden de llegada", "en": "First come, first served"}
    explanation: ClassVar[Texts] = {
        "es": "La práctica de hoy: cada solicitud al primer cupo libre; en el día, por orden "
        "de llegada.",
        "en": "Today's practice: each request to the first free slot; on the day, in order of "
        "arrival.",
    }
    offered_variants: ClassVar[tuple[str | None, ...]] = (None, "appointment", "bailey_welch")
    variant_texts: ClassVar[dict[str, Texts]] = {
        "opening": {"es": "todos citados a la apertura", "en": "everyone told to come at opening"},
        "walk_in": {"es": "llegadas libres durante el día", "en": "walk-ins through the day"},
        "appointment": {"es": "citas a intervalos iguales", "en": "equally spaced appointments"},
        "bailey_welch": {"es": "citas de Bailey–Welch", "en": "Bailey–Welch appointments"},
    }
    offered_booking_modes: ClassVar[tuple[str, ...]] = ("walk_in", "realtime", "end_of_day")

    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        """The day's part of the plan for a booking already made (``sim.booking.process``)."""
        appointment = _appointment_times(self.params.arrival, requests, clinic, day, member, rng)
        return Plan(
            policy=self.label,
            day=day,
            member=member,
            appointment=appointment,
            apply_punctuality=self.params.arrival != "walk_in",
        )


def _appointment_times(
    mode: str,
    requests: Requests,
    clinic: Clinic,
    day: np.ndarray,
    member: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    times = np.full(len(requests), float(clinic.open))
    if mode == "walk_in":
        times = rng.uniform(clinic.open, clinic.close, len(requests))
    elif mode == "appointment":
        times = equally_spaced_times(requests, clinic, day, member)
    elif mode == "bailey_welch":
        times = bailey_welch_times(requests, clinic, day, member)
    times[day == UNBOOKED] = np.nan
    return times


def equally_spaced_times(
    requests: Requests,
    clinic: Clinic,
    day: np.ndarray,
    member: np.ndarray,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """The i-th patient of a member's day at open + i · (day length / slots), on the grid;
    patients of a member's day in order of request, or of ``order`` (lowest first)."""
    times = np.full(len(requests), float(clinic.open))
    for (d, m), patients in member_days(day, member).items():
        if order is not None:
            patients = sorted(patients, key=lambda p: (order[p], p))
        times[patients] = clinic.open + _equal_offsets(requests, clinic, d, m, patients)
    return times


def bailey_welch_times(
    requests: Requests, clinic: Clinic, day: np.ndarray, member: np.ndarray
) -> np.ndarray:
    """Bailey–Welch: a member's day's patients, in order of request, the first two at
    opening and each next one the previous one's mean service time later (the expected
    minutes of its steps at the member's resource), on the slot grid (rounded down);
    equally spaced where nobody is assigned."""
    slot = clinic.horizon.slot_minutes
    times = np.full(len(requests), float(clinic.open))
    protocols = clinic.scenario.protocols
    for (d, m), patients in member_days(day, member).items():
        resource = protocols[requests.protocol_of(patients[0])].booking_resource()
        if resource is None or m == NO_MEMBER:
            times[patients] = clinic.open + _equal_offsets(requests, clinic, d, m, patients)
            continue
        service = [expected_service(protocols[requests.protocol_of(p)], resource) for p in patients]
        gaps = [0.0, 0.0, *service[1:-1]]  # two at opening, then the one before's service
        offsets = np.cumsum(gaps[: len(patients)])
        times[patients] = clinic.open + np.floor(offsets / slot) * slot
    return times


def _equal_offsets(
    requests: Requests, clinic: Clinic, d: int, m: int, patients: list[int]
) -> np.ndarray:
    """Minutes after opening of a member's day's patients, equally spaced over the day
    by the member's daily slots (or by the patients when it has none), on the grid."""
    slot = clinic.horizon.slot_minutes
    resource = clinic.scenario.protocols[requests.protocol_of(patients[0])].booking_resource()
    slots = clinic.daily_slots(resource, m, d) if resource and m != NO_MEMBER else None
    spacing = (clinic.close - clinic.open) / max(slots or len(patients), len(patients))
    return np.floor(np.arange(len(patients)) * spacing / slot) * slot


def expected_service(protocol: ProtocolModel, resource: str) -> float:
    """The expected minutes a patient of ``protocol`` holds ``resource``: the mean duration
    of each of its steps there, times the probability the step happens."""
    return sum(s.probability * s.duration.mean for s in protocol.steps if s.resource == resource)


def member_days(day: np.ndarray, member: np.ndarray) -> dict[tuple[int, int], list[int]]:
    """The booked patients of each (day, member), in order of request."""
    groups: dict[tuple[int, int], list[int]] = {}
    for i in np.flatnonzero(day != UNBOOKED):
        groups.setdefault((int(day[i]), int(member[i])), []).append(int(i))
    return groups
