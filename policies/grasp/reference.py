"""The thesis's greedy (chapter 4) and GRASP (chapter 5), written plainly: the specification.

Both book specialty by specialty (1..S); a doctor serves one specialty. A
patient whose treating doctor (the CMP column) still has a free shift keeps
that doctor. An instance may narrow which of its specialty's doctors a patient
may see (``Instance.eligible``, used by the simulation, where members serve
several sub-specialties); a patient with no such doctor free is left unbooked
and the others go on (in the thesis's instances every doctor of the specialty
is eligible, so this never happens). Booking patient p with doctor d gives p the doctor's next free
appointment day T (``instance.slot_days``), records d's goodness at that moment
as BM_p, and uses up the shift. A specialty stops when its patients or its
doctors' shifts run out; patients left over are not booked.

- ``greedy``: patients in order of arrival (file order), each to the doctor
  whose next free appointment comes first (ties: the doctor listed first).
- ``grasp_reference``: ``iterations`` times, a randomised construction and an
  improvement, keeping the booking of highest FS (the thesis's MainGRASP keeps
  the lower cost; its text says FS is maximised, which is what is done here).
  Construction: among pending patients, sorted by goodness (highest first,
  ties by arrival), the candidate list holds those with goodness ≥
  max − α_p·(max − min), and one is drawn; among the specialty's doctors with
  shifts left, sorted the same way by their current goodness, the list holds
  those ≥ max − α_m·(max − min), and one is drawn (double relaxation). With
  ``doctor_rule="earliest"`` (not the thesis's) doctors are ranked by their
  next free day instead, earliest first: booking by need without trading the
  patient's days for the doctor's experience; BM is still the doctor's FOM.
  Improvement: within each doctor's list, swap the days of two patients when
  that raises FS, pass after pass until no swap does ("while FS improves"): the
  patient of higher α·BP·β·BM ends with the earlier day.

Random draws: iteration i uses ``rng.random((patients, 2))``, row k for the
k-th booking of the iteration (the specialties' patients counted in order),
column 0 to draw the patient and 1 the doctor; the fast implementation
(``fast.py``) consumes the same numbers and must give the same bookings.
"""

from __future__ import annotations

import math
import time
from typing import Literal

import numpy as np

from policies.grasp.booking import Booking
from policies.grasp.goodness import (
    UNIT,
    Weights,
    booking_weight,
    doctor_goodness,
    patient_goodness,
    solution_value,
    threshold,
)
from policies.grasp.instance import DEFAULT_WEEKS, Calendar, Instance, slot_days

DoctorRule = Literal["goodness", "earliest"]


class _Calendar:
    """The doctors' shifts as the month fills: how many appointments each has given."""

    def __init__(self, instance: Instance, slots: Calendar, weights: Weights):
        self.instance = instance
        self.slots = slots
        self.used = [0] * instance.n_doctors
        self.weights = weights

    def has_room(self, d: int) -> bool:
        return self.used[d] < len(self.slots[d])

    def next_day(self, d: int) -> int:
        return int(self.slots[d][self.used[d]])

    def goodness(self, d: int) -> float:
        total = len(self.slots[d])
        return float(
            doctor_goodness(
                float(self.instance.experience[d]),
                float(self.next_day(d)),
                float(total - self.used[d]),
                float(total),
                self.weights,
            )
        )

    def book(self, d: int) -> tuple[int, float, int]:
        """Take doctor d's next appointment: (day, goodness before booking, place)."""
        day, goodness = self.next_day(d), self.goodness(d)
        self.used[d] += 1
        return day, goodness, self.used[d]


class _Builder:
    """A booking under construction."""

    def __init__(self, instance: Instance, slots: Calendar, weights: Weights):
        n = instance.n_patients
        self.calendar = _Calendar(instance, slots, weights)
        self.doctor = np.full(n, -1)
        self.day = np.zeros(n, dtype=np.int64)
        self.order = np.zeros(n, dtype=np.int64)
        self.bm = np.zeros(n)

    def book(self, p: int, d: int) -> None:
        self.day[p], self.bm[p], self.order[p] = self.calendar.book(d)
        self.doctor[p] = d

    def treating_doctor(self, instance: Instance, p: int) -> int | None:
        d = int(instance.treating[p])
        return d if d >= 0 and self.calendar.has_room(d) and instance.may_see(p, d) else None

    def result(self, bp: np.ndarray, weights: Weights) -> Booking:
        value = solution_value(bp, self.bm, self.day, weights)
        return Booking(self.doctor, self.day, self.order, bp, self.bm, value)


def doctors_by_specialty(instance: Instance) -> dict[int, list[int]]:
    return {
        s: [int(d) for d in np.flatnonzero(instance.doctor_specialty == s)]
        for s in range(1, instance.specialties + 1)
    }


def patients_by_specialty(instance: Instance) -> dict[int, list[int]]:
    """Per specialty its patients in order of arrival."""
    return {
        s: [int(p) for p in np.flatnonzero(instance.patient_specialty == s)]
        for s in range(1, instance.specialties + 1)
    }


def greedy(
    instance: Instance,
    weeks: int = DEFAULT_WEEKS,
    weights: Weights = UNIT,
    calendar: Calendar | None = None,
) -> Booking:
    started = time.perf_counter()
    bp = patient_goodness(instance, weights)
    builder = _Builder(instance, calendar or slot_days(instance, weeks), weights)
    doctors = doctors_by_specialty(instance)
    for s, patients in patients_by_specialty(instance).items():
        for p in patients:
            open_doctors = [d for d in doctors[s] if builder.calendar.has_room(d)]
            if not open_doctors:
                break
            d = builder.treating_doctor(instance, p)
            eligible = [e for e in open_doctors if instance.may_see(p, e)]
            if d is None and eligible:
                d = min(eligible, key=lambda e: (builder.calendar.next_day(e), e))
            if d is not None:
                builder.book(p, d)
    booking = builder.result(bp, weights)
    booking.info = {"algorithm": "greedy", "seconds": time.perf_counter() - started}
    return booking


def grasp_reference(
    instance: Instance,
    iterations: int,
    alpha_p: float,
    alpha_m: float,
    seed: int,
    weeks: int = DEFAULT_WEEKS,
    weights: Weights = UNIT,
    calendar: Calendar | None = None,
    doctor_rule: DoctorRule = "goodness",
) -> Booking:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    slots = calendar or slot_days(instance, weeks)
    bp = patient_goodness(instance, weights)
    best: Booking | None = None
    best_iteration = -1
    for iteration in range(iterations):
        draws = rng.random((instance.n_patients, 2))
        booking = construct(
            instance, bp, draws, alpha_p, alpha_m, weeks, weights, slots, doctor_rule
        )
        improve(booking, weights)
        if best is None or booking.value > best.value:
            best, best_iteration = booking, iteration
    assert best is not None, "at least one iteration"
    best.info = {
        "algorithm": "grasp",
        "iterations": iterations,
        "best_iteration": best_iteration,
        "seconds": time.perf_counter() - started,
    }
    return best


def construct(
    instance: Instance,
    bp: np.ndarray,
    draws: np.ndarray,
    alpha_p: float,
    alpha_m: float,
    weeks: int,
    weights: Weights,
    calendar: Calendar | None = None,
    doctor_rule: DoctorRule = "goodness",
) -> Booking:
    """One GRASP construction, drawing from ``draws`` (one row per booking)."""
    builder = _Builder(instance, calendar or slot_days(instance, weeks), weights)
    doctors = doctors_by_specialty(instance)
    step = 0
    for s, arrivals in patients_by_specialty(instance).items():
        pending = sorted(arrivals, key=lambda p: (-bp[p], p))
        first_step = step
        while pending:
            open_doctors = [d for d in doctors[s] if builder.calendar.has_room(d)]
            if not open_doctors:
                break
            u_patient, u_doctor = draws[step]
            limit = threshold(bp[pending[0]], bp[pending[-1]], alpha_p)
            candidates = [p for p in pending if bp[p] >= limit]
            p = candidates[math.floor(u_patient * len(candidates))]
            d = builder.treating_doctor(instance, p)
            eligible = [e for e in open_doctors if instance.may_see(p, e)]
            if d is None and eligible:
                d = _draw_doctor(builder.calendar, eligible, u_doctor, alpha_m, doctor_rule)
            if d is not None:
                builder.book(p, d)
            pending.remove(p)
            step += 1
        step = first_step + len(arrivals)
    return builder.result(bp, weights)


def _draw_doctor(
    calendar: _Calendar, open_doctors: list[int], u: float, alpha_m: float, rule: DoctorRule
) -> int:
    if rule == "goodness":
        goodness = {d: calendar.goodness(d) for d in open_doctors}
    else:
        goodness = {d: -float(calendar.next_day(d)) for d in open_doctors}
    ranked = sorted(open_doctors, key=lambda d: (-goodness[d], d))
    limit = threshold(goodness[ranked[0]], goodness[ranked[-1]], alpha_m)
    candidates = [d for d in ranked if goodness[d] >= limit]
    return candidates[math.floor(u * len(candidates))]


def improve(booking: Booking, weights: Weights) -> None:
    """Swap days (and places) within each doctor's list while a swap raises FS."""
    weight = booking_weight(booking.patient_goodness, booking.doctor_goodness, weights)
    for d in np.unique(booking.doctor[booking.booked]):
        rows = [int(p) for p in np.flatnonzero(booking.doctor == d)]
        swapped = True
        while swapped:
            swapped = False
            for i, f in enumerate(rows):
                for t in rows[i + 1 :]:
                    gain = (1 / booking.day[t] - 1 / booking.day[f]) * (weight[f] - weight[t])
                    if gain > 0:
                        booking.day[[f, t]] = booking.day[[t, f]]
                        booking.order[[f, t]] = booking.order[[t, f]]
                        swapped = True
    booking.value = solution_value(
        booking.patient_goodness, booking.doctor_goodness, booking.day, weights
    )
