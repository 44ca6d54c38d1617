"""GRASP for the thesis's problem, vectorised across iterations with NumPy.

The same algorithm and random draws as ``reference.grasp_reference`` (read that
first); here a block of iterations advances together, one booking step at a
time, so each step is a handful of array operations instead of Python loops.
Three facts make that possible:

- a doctor's k-th appointment falls on a fixed day whoever gets it (shifts fill
  in calendar order), so a doctor's state is one count, and its goodness and
  next day are table lookups;
- patient goodness never changes, so the pending patients of a specialty are
  positions in one list sorted by goodness, kept per iteration in a Fenwick
  tree: the candidate list is a prefix of the pending ones, and drawing the
  r-th pending patient, counting the prefix, or removing one take log(n);
- the improvement's fixed point (no swap within a doctor's list raises FS) is
  the doctor's patients by descending α·BP·β·BM on the doctor's days in
  ascending order (rearrangement inequality), found with one sort.

Ties between equal weights may be broken differently from the reference's
swaps; the bookings' doctors, days per doctor and FS are the same.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

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
from policies.grasp.reference import DoctorRule, doctors_by_specialty, patients_by_specialty

SMALL_SPECIALTY = 6  # doctors up to which ranking by pairwise comparison beats a sort
NEAR_TOP = 1e-9  # rows within this relative distance of the best are summed exactly
MAX_BLOCK = 4096  # iterations advanced together: enough to amortise NumPy's overhead


def grasp(
    instance: Instance,
    iterations: int,
    alpha_p: float,
    alpha_m: float,
    seed: int,
    weeks: int = DEFAULT_WEEKS,
    weights: Weights = UNIT,
    block: int | None = None,
    calendar: Calendar | None = None,
    doctor_rule: DoctorRule = "goodness",
) -> Booking:
    """The best of ``iterations`` GRASP constructions and improvements (highest FS)."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    bp = patient_goodness(instance, weights)
    slots = calendar or slot_days(instance, weeks)
    parts = [
        _Specialty(
            instance, bp, patients, doctors_by_specialty(instance)[s], slots, weights, doctor_rule
        )
        for s, patients in patients_by_specialty(instance).items()
    ]
    offsets = np.cumsum([0] + [len(part.patients) for part in parts])
    best_value, best_iteration, best_rows = -np.inf, -1, None
    block = block or math.ceil(iterations / math.ceil(iterations / MAX_BLOCK))  # equal blocks
    for first in range(0, iterations, block):
        size = min(block, iterations - first)
        draws = rng.random((size, instance.n_patients, 2))
        built = [
            part.build(draws[:, offsets[k] : offsets[k + 1]], alpha_p, alpha_m)
            for k, part in enumerate(parts)
        ]
        row, value = _best_row(np.concatenate([b.terms for b in built], axis=1))
        if value > best_value:  # strictly: the first of equal values, like the reference
            best_value, best_iteration = value, first + row
            best_rows = [b.row(row) for b in built]
    assert best_rows is not None, "at least one iteration"
    booking = _assemble(instance, bp, parts, best_rows, weights)
    booking.info = {
        "algorithm": "grasp",
        "iterations": iterations,
        "best_iteration": best_iteration,
        "seconds": time.perf_counter() - started,
    }
    return booking


def _best_row(terms: np.ndarray) -> tuple[int, float]:
    """The row of highest FS (the first of equal ones) and its FS. Sums are rounded
    exactly (``math.fsum``) so the choice does not depend on the order of the terms,
    which differs from the reference's; only rows near the top are summed exactly."""
    approximate = terms.sum(axis=1)
    top = approximate.max()
    near = np.flatnonzero(approximate >= top - NEAR_TOP * abs(top))
    exact = [math.fsum(terms[r]) for r in near]
    best = int(np.argmax(exact))
    return int(near[best]), exact[best]


@dataclass
class _Built:
    """A block of constructions of one specialty, improved."""

    specialty: _Specialty
    terms: np.ndarray  # (iterations, patients): each booked patient's term of FS, else 0
    doctor: np.ndarray  # (iterations, patients): local doctor index, -1 if not booked
    bm: np.ndarray  # (iterations, patients)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Iteration i's doctors, improved days and places, and BM."""
        doctor, bm = self.doctor[i : i + 1], self.bm[i : i + 1]
        _, day, place = self.specialty.improved(doctor, bm)
        assert day is not None and place is not None
        return doctor[0], day[0], place[0], bm[0]


class _Specialty:
    """One specialty's patients (sorted by goodness) and doctors (their day tables)."""

    def __init__(
        self,
        instance: Instance,
        bp: np.ndarray,
        arrivals: list[int],
        doctors: list[int],
        slots: Calendar,
        weights: Weights,
        doctor_rule: DoctorRule = "goodness",
    ):
        self.patients = np.array(sorted(arrivals, key=lambda p: (-bp[p], p)), dtype=np.int64)
        self.goodness = bp[self.patients]
        self.doctors = np.array(doctors, dtype=np.int64)
        # small integers sort fastest (radix); one more for "not booked"
        self.group_type = np.int8 if len(doctors) < 127 else np.int64
        self.weights = weights
        self.capacity = np.array([len(slots[d]) for d in doctors], dtype=np.int64)
        width = int(self.capacity.max(initial=0)) + 1
        self.days = np.ones((len(doctors), width), dtype=np.int64)  # padded past capacity
        for k, d in enumerate(doctors):
            self.days[k, : len(slots[d])] = slots[d]
        fom = self._goodness_table(instance.experience[doctors])
        key = fom if doctor_rule == "goodness" else -self.days.astype(float)
        open_ = np.arange(self.days.shape[1])[None, :] < self.capacity[:, None]
        # a closed doctor is never best nor worst, and has no goodness to record
        self.highest = np.where(open_, key, -np.inf).ravel()
        self.lowest = np.where(open_, key, np.inf).ravel()
        self.fom = np.where(open_, fom, -np.inf).ravel()
        # the doctors' days, and a row of ones for the patients not booked (weight 0)
        self.improve_days = np.ones((len(doctors) + 1, max(width, len(arrivals))))
        self.improve_days[: len(doctors), :width] = self.days
        self.row_start = (np.arange(len(doctors)) * self.days.shape[1])[:, None]
        local = {d: k for k, d in enumerate(doctors)}
        self.eligible = (
            None
            if instance.eligible is None
            else instance.eligible[np.ix_(self.patients, self.doctors)].T.copy()
        )  # (doctors, sorted patients)
        self.treating = np.array(
            [local.get(int(instance.treating[p]), -1) for p in self.patients], dtype=np.int64
        )

    def _goodness_table(self, experience: np.ndarray) -> np.ndarray:
        """FOM of doctor k after c bookings, at [k, c]."""
        count = np.arange(self.days.shape[1])[None, :]
        capacity = self.capacity[:, None].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):  # doctors with no slot at all
            goodness = doctor_goodness(
                experience.astype(float)[:, None],
                self.days.astype(float),
                capacity - count,
                capacity,
                self.weights,
            )
        return goodness

    def build(self, draws: np.ndarray, alpha_p: float, alpha_m: float) -> _Built:
        """Construct and improve one block; ``draws[:, k]`` are the k-th step's numbers
        (steps count bookings in the order they are made, as in the reference)."""
        rows, n = draws.shape[0], len(self.patients)
        state = _State(rows, n, len(self.doctors))
        for step in range(n):
            live = (state.pending_count > 0) & (state.used < self.capacity[:, None]).any(axis=0)
            if not live.any():
                break
            position = self._draw_patient(state, live, draws[:, step, 0], alpha_p)
            doctor, found, bm = self._choose_doctor(state, position, draws[:, step, 1], alpha_m)
            state.book(live & found, position, doctor, bm)
        return self._improve(state)

    def _draw_patient(
        self, state: _State, live: np.ndarray, u: np.ndarray, alpha_p: float
    ) -> np.ndarray:
        """Draw from the candidate list and remove the drawn patient (rows not ``live``
        draw too, from whatever is left, and keep it)."""
        tree = state.pending
        limit = threshold(self.goodness[state.first], self.goodness[state.last], alpha_p)
        prefix = np.searchsorted(-self.goodness, -limit, side="right")  # goodness ≥ limit
        rank = np.floor(u * np.maximum(tree.prefix(prefix), 1)).astype(np.int64)
        picked = state.first.copy()  # rank 0 is the first pending: no search needed
        deeper = np.flatnonzero(rank > 0)
        picked[deeper] = tree.find(rank[deeper], deeper)
        tree.add(picked, -live.astype(np.int64))
        state.remove(live, picked)
        moved = np.flatnonzero(live & (picked == state.first))
        if len(moved):
            state.first[moved] = state.next_pending(moved, state.first[moved])
        moved = np.flatnonzero(live & (picked == state.last) & (state.pending_count > 0))
        if len(moved):
            state.last[moved] = tree.find(state.pending_count[moved] - 1, moved)
        return picked

    def _choose_doctor(
        self, state: _State, position: np.ndarray, u: np.ndarray, alpha_m: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The treating doctor if open, else a draw from the candidate list of the open
        doctors the patient may see, ranked by the doctor rule: (doctor, whether there is
        one, its goodness FOM). Arrays here are doctor-major, (doctors, rows): reductions
        over a few doctors are then a few element-wise operations."""
        goodness = self.highest.take(self.row_start + state.used)  # (k, rows)
        lowest = self.lowest.take(self.row_start + state.used)
        if self.eligible is not None:
            allowed = self.eligible[:, position]
            goodness = np.where(allowed, goodness, -np.inf)
            lowest = np.where(allowed, lowest, np.inf)
        with np.errstate(invalid="ignore"):  # rows with no doctor open are not booked
            limit = threshold(np.max(goodness, axis=0), np.min(lowest, axis=0), alpha_m)
        candidate = goodness >= limit
        draw = np.floor(u * candidate.sum(axis=0)).astype(np.int64)
        drawn = _draw_ranked(goodness, draw)
        treating = self.treating[position]
        rows = np.arange(len(u))
        keeps = (treating >= 0) & (goodness[np.maximum(treating, 0), rows] > -np.inf)
        doctor = np.where(keeps, treating, drawn)
        found = goodness[doctor, rows] > -np.inf
        bm = self.fom.take(self.row_start[doctor, 0] + state.used[doctor, rows])
        return doctor, found, bm

    def _improve(self, state: _State) -> _Built:
        terms, _, _ = self.improved(state.doctor, state.bm, placements=False)
        return _Built(self, terms, state.doctor, state.bm)

    def improved(
        self, doctor: np.ndarray, bm: np.ndarray, placements: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """For rows of bookings (doctor per sorted patient, -1 if none, and BM): the terms
        of FS after the improvement, and (with ``placements``) each patient's day and place
        in its doctor's list. Each doctor's patients by descending weight take the
        doctor's days in order."""
        rows, n = doctor.shape
        weight = booking_weight(self.goodness[None, :], bm, self.weights)  # 0 if not booked
        group = np.where(doctor >= 0, doctor, len(self.doctors)).astype(self.group_type)
        by_weight = np.argsort(-weight, axis=1)
        by_group = np.argsort(np.take_along_axis(group, by_weight, axis=1), axis=1, kind="stable")
        order = np.take_along_axis(by_weight, by_group, axis=1)
        sorted_group = np.take_along_axis(group, order, axis=1).astype(np.int64)
        counts = np.stack([(group == g).sum(axis=1) for g in range(len(self.doctors) + 1)], axis=1)
        starts = np.cumsum(counts, axis=1) - counts
        place = np.arange(n)[None, :] - np.take_along_axis(starts, sorted_group, axis=1)
        sorted_day = self.improve_days.take(sorted_group * self.improve_days.shape[1] + place)
        sorted_weight = np.take_along_axis(weight, order, axis=1)
        terms = sorted_weight / (self.weights.fs_theta * sorted_day)
        if not placements:
            return terms, None, None
        day, rank = np.zeros((rows, n), dtype=np.int64), np.zeros((rows, n), dtype=np.int64)
        booked = sorted_group < len(self.doctors)
        np.put_along_axis(day, order, np.where(booked, sorted_day, 0), axis=1)
        np.put_along_axis(rank, order, np.where(booked, place + 1, 0), axis=1)
        return terms, day, rank


def _draw_ranked(goodness: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Per row (column of ``goodness``, doctors × rows), the doctor at place ``draw`` when
    sorted by goodness, highest first, ties by index. Few doctors: count those ahead of
    each, k² element-wise steps; many: one sort."""
    k, rows = goodness.shape
    if k > SMALL_SPECIALTY:
        order = np.argsort(-goodness.T, axis=1, kind="stable")
        return np.take_along_axis(order, np.minimum(draw, k - 1)[:, None], axis=1)[:, 0]
    drawn = np.zeros(rows, dtype=np.int64)
    for d in range(k):
        ahead = np.zeros(rows, dtype=np.int64)
        for e in range(k):
            if e != d:
                ahead += goodness[e] > goodness[d] if e > d else goodness[e] >= goodness[d]
        drawn = np.where((goodness[d] > -np.inf) & (ahead == draw), d, drawn)
    return drawn


class _State:
    """Per iteration of a block: pending patients, doctors' counts, bookings so far."""

    def __init__(self, rows: int, patients: int, doctors: int):
        self.pending = _Fenwick(rows, patients)
        self.pending_count = np.full(rows, patients, dtype=np.int64)
        self.first = np.zeros(rows, dtype=np.int64)  # the pending patient of highest goodness
        self.last = np.full(rows, max(patients - 1, 0), dtype=np.int64)  # ... and of lowest
        self.used = np.zeros((doctors, rows), dtype=np.int64)  # doctor-major
        self.doctor = np.full((rows, patients), -1, dtype=np.int64)
        self.bm = np.zeros((rows, patients))
        self.gone = np.zeros((rows, patients + 1), dtype=bool)  # a spare column past the end
        self.gone[:, patients] = True

    def remove(self, live: np.ndarray, picked: np.ndarray) -> None:
        self.pending_count -= live
        rows = np.flatnonzero(live)
        self.gone[rows, picked[rows]] = True

    def next_pending(self, rows: np.ndarray, after: np.ndarray) -> np.ndarray:
        """The first pending position after ``after`` in each row: usually the next one,
        else searched in the tree."""
        nxt = after + 1
        far = np.flatnonzero(self.gone[rows, nxt])
        if len(far):
            nxt[far] = self.pending.find(np.zeros(len(far), dtype=np.int64), rows[far])
        return nxt

    def book(
        self, live: np.ndarray, position: np.ndarray, doctor: np.ndarray, goodness: np.ndarray
    ) -> None:
        rows = np.flatnonzero(live)
        self.doctor[rows, position[rows]] = doctor[rows]
        self.bm[rows, position[rows]] = goodness[rows]
        self.used[doctor[rows], rows] += 1


class _Fenwick:
    """Rows of 0/1 indicators over ``size`` positions (all set at first), with log-time
    counts, search and updates. Each row's tree is padded to a power of two plus a
    spare node that absorbs updates past the end, so no step needs a bounds check."""

    def __init__(self, rows: int, size: int):
        self.width = 1 << max(0, (size - 1).bit_length()) if size > 1 else 1
        index = np.arange(self.width + 2)
        lowest_bit = index & -index
        below = np.minimum(index, size) - np.minimum(index - lowest_bit, size)
        below[-1] = 0  # the spare node
        self.tree = np.tile(below, rows)  # flat: row r's node i is at r·(width + 2) + i
        self.base = np.arange(rows, dtype=np.int64) * (self.width + 2)
        self.levels = self.width.bit_length()

    def add(self, position: np.ndarray, delta: np.ndarray) -> None:
        i = position + 1
        for _ in range(self.levels):
            self.tree[self.base + np.minimum(i, self.width + 1)] += delta  # one node per row
            i = i + (i & -i)

    def prefix(self, count: np.ndarray) -> np.ndarray:
        """How many indicators are set among the first ``count`` positions."""
        total = np.zeros(len(self.base), dtype=np.int64)
        i = count.astype(np.int64)
        for _ in range(self.levels):
            total += self.tree.take(self.base + i)  # node 0 is always 0
            i = i - (i & -i)
        return total

    def find(self, rank: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The position of the ``rank``-th set indicator (0-based) of each of ``rows``,
        for ranks below the row's count."""
        base = self.base[rows]
        position = np.zeros(len(rows), dtype=np.int64)
        remaining = rank.astype(np.int64)
        step = self.width >> 1
        while step:
            value = self.tree.take(base + position + step)
            move = value <= remaining
            position += step * move
            remaining -= value * move
            step >>= 1
        return position


def _assemble(
    instance: Instance,
    bp: np.ndarray,
    parts: list[_Specialty],
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    weights: Weights,
) -> Booking:
    n = instance.n_patients
    doctor, day = np.full(n, -1), np.zeros(n, dtype=np.int64)
    order, bm = np.zeros(n, dtype=np.int64), np.zeros(n)
    for part, (local, days, places, goodness) in zip(parts, rows, strict=True):
        booked = local >= 0
        doctor[part.patients[booked]] = part.doctors[local[booked]]
        day[part.patients] = days
        order[part.patients] = places
        bm[part.patients] = goodness
    value = solution_value(bp, bm, day, weights)
    return Booking(doctor, day, order, bp, bm, value)
