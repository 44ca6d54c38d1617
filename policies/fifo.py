"""``fifo``: today's practice. First come, first served, at booking and on the day.

Booking (the thesis's greedy): requests in order of arrival, each to the
earliest day, from ``request day + min_lead_days`` up to the booking window
and the end of the horizon, on which an eligible member (right specialty, at
work) of the protocol's booking resource has a free slot; among those, the
member whose next free slot comes first (fewest patients booked that day).

Day, by ``arrival``:
- ``opening``: everyone is told to come at opening (the 4-hour stays);
- ``walk_in``: patients come as a Poisson process over the opening hours
  (uniform times given the day's count); punctuality does not apply;
- ``appointment``: equally spaced times on the slot grid, per member over the
  day by its daily slots (or per day when nobody is assigned).

Queues are first come, first served at every resource.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from policies.base import PolicyParams
from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests
from sim.slotbook import SlotBook


class FifoParams(PolicyParams):
    arrival: Literal["opening", "walk_in", "appointment"] = "opening"


class FifoPolicy:
    name: ClassVar[str] = "fifo"
    shorthand: ClassVar[str] = "arrival"
    Params: ClassVar[type[FifoParams]] = FifoParams

    def __init__(self, params: FifoParams | None = None, label: str = "fifo"):
        self.params = params or FifoParams()
        self.label = label

    def plan(self, requests: Requests, clinic: Clinic, rng: np.random.Generator) -> Plan:
        day, member = book_first_come(requests, clinic)
        return self.sequence(requests, clinic, day, member, rng)

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


def book_first_come(requests: Requests, clinic: Clinic) -> tuple[np.ndarray, np.ndarray]:
    """The greedy booking: each request, in order, to the earliest day with a free slot."""
    n = len(requests)
    day = np.full(n, UNBOOKED, dtype=np.int64)
    member = np.full(n, NO_MEMBER, dtype=np.int64)
    demand = clinic.scenario.demand
    first = requests.request_day + demand.min_lead_days
    last = np.minimum(requests.request_day + demand.booking_window_days, clinic.days - 1)

    protocols = clinic.scenario.protocols
    booking_of = {k: protocols[p].booking_resource() for k, p in enumerate(requests.class_protocol)}
    free_days = np.array([booking_of[k] is None for k in requests.class_index], dtype=bool)
    if free_days.any():
        ok = free_days & (first <= last)
        day[ok] = first[ok]

    books = {r: SlotBook(clinic, r) for r in set(booking_of.values()) if r is not None}
    for i in np.flatnonzero(~free_days):
        book = books[booking_of[requests.class_index[i]]]
        found = book.take_earliest(int(first[i]), int(last[i]), requests.specialty_of(i))
        if found is not None:
            day[i], member[i] = found
    return day, member


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
    slot = clinic.horizon.slot_minutes
    length = clinic.close - clinic.open
    times = np.full(len(requests), float(clinic.open))
    protocols = clinic.scenario.protocols
    booked = np.flatnonzero(day != UNBOOKED)
    groups: dict[tuple[int, int], list[int]] = {}
    for i in booked:
        groups.setdefault((int(day[i]), int(member[i])), []).append(int(i))
    for (d, m), patients in groups.items():
        if order is not None:
            patients = sorted(patients, key=lambda p: (order[p], p))
        resource = protocols[requests.protocol_of(patients[0])].booking_resource()
        slots = clinic.daily_slots(resource, m, d) if resource and m != NO_MEMBER else None
        spacing = length / max(slots or len(patients), len(patients))
        offsets = np.floor(np.arange(len(patients)) * spacing / slot) * slot
        times[patients] = clinic.open + offsets
    return times
