"""Admission plans of the unit: itineraries, the capacity they use, the objective (26).

An ``Itinerary`` is one patient's admission: the admission block, the blocks
of the stay (consecutive, in a bed or a chair) and each prescribed study's
block and division. A valid itinerary has a study in every block of its stay
(the document's (3): a bed is held only while studies go on), exactly nb_p
blocks of stay in a bed (18) with (16), one block in a chair (6), one study
per division (7), every prescription once (4), (5), (21), and no block in the
weekend or its approach (19), (20). ``Usage``
is what the itineraries already taken leave of μ, beds, chairs and admissions,
so heuristics can add patients one by one. ``UnitPlan`` gathers a plan and
computes the objective (26), Σ w_p / (admission block number).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.unit.instance import UnitInstance, UnitPatient


@dataclass(frozen=True)
class Itinerary:
    patient: int
    admission: int
    stay: tuple[int, ...]  # blocks in a bed (min_stay > 0) or a chair
    studies: tuple[tuple[int, int, int], ...]  # (study, block, division)


@dataclass
class Usage:
    """Capacity taken so far: μ, beds and chairs per block, admissions per block."""

    studies: np.ndarray  # patients per (block, division, study)
    beds: np.ndarray
    chairs: np.ndarray
    admissions: np.ndarray

    @classmethod
    def empty(cls, inst: UnitInstance) -> Usage:
        return cls(
            np.zeros_like(inst.availability),
            np.zeros(inst.blocks, dtype=np.int64),
            np.zeros(inst.blocks, dtype=np.int64),
            np.zeros(inst.blocks, dtype=np.int64),
        )

    def copy(self) -> Usage:
        return Usage(
            self.studies.copy(), self.beds.copy(), self.chairs.copy(), self.admissions.copy()
        )

    def has_room(
        self, inst: UnitInstance, patient: UnitPatient, admission: int, stay: tuple[int, ...]
    ) -> bool:
        """Whether an admission in ``admission`` and a bed or chair over ``stay`` are free."""
        places, limit = (self.beds, inst.beds) if patient.in_bed else (self.chairs, inst.chairs)
        if self.admissions[admission] >= inst.admissions_per_block:
            return False
        return all(places[b] < limit for b in stay)

    def fits(self, inst: UnitInstance, itinerary: Itinerary) -> bool:
        patient = inst.patients[itinerary.patient]
        if not self.has_room(inst, patient, itinerary.admission, itinerary.stay):
            return False
        return all(
            self.studies[b, k, i] < inst.availability[b, k, i] for i, b, k in itinerary.studies
        )

    def take(self, inst: UnitInstance, itinerary: Itinerary) -> None:
        patient = inst.patients[itinerary.patient]
        places = self.beds if patient.in_bed else self.chairs
        self.admissions[itinerary.admission] += 1
        for b in itinerary.stay:
            places[b] += 1
        for i, b, k in itinerary.studies:
            self.studies[b, k, i] += 1


@dataclass
class UnitPlan:
    """Who is admitted when, and every study's block and division; the rest are pending."""

    instance: UnitInstance
    itineraries: dict[int, Itinerary] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)

    @property
    def objective(self) -> float:
        """The document's (26): Σ w_p · adm_pb / b, blocks numbered from 1."""
        patients = self.instance.patients
        return sum(patients[p].priority / (it.admission + 1) for p, it in self.itineraries.items())

    @property
    def pending(self) -> list[int]:
        return [p for p in range(len(self.instance.patients)) if p not in self.itineraries]

    def admission(self, p: int) -> int | None:
        it = self.itineraries.get(p)
        return None if it is None else it.admission


def stay_length(patient: UnitPatient) -> int:
    """Blocks a stay lasts: a chair one; a bed exactly nb_p (the document's (18) asks for
    at least nb_p, and (16) with rb ≥ 0 allows no more)."""
    return patient.min_stay if patient.in_bed else 1


def admission_blocks(inst: UnitInstance, patient: UnitPatient) -> list[int]:
    """Blocks a patient may be admitted in: from l_p, working, not closed by (19)."""
    closed, working = inst.admission_closed(patient), inst.working
    return [b for b in range(patient.first_block, inst.blocks) if working[b] and b not in closed]


def itineraries(
    inst: UnitInstance, p: int, admission: int, usage: Usage | None = None
) -> Iterator[Itinerary]:
    """The patient's itineraries from ``admission`` that fit ``usage`` (all, if None), the
    shortest stays and earliest divisions first."""
    patient = inst.patients[p]
    weekend = inst.weekend_blocks()
    stay = tuple(range(admission, admission + stay_length(patient)))
    if stay[-1] >= inst.blocks or (patient.in_bed and weekend.intersection(stay)):
        return
    if usage is not None and not usage.has_room(inst, patient, admission, stay):
        return  # no placement of the studies can fit: not worth enumerating them
    for blocks in _covering(patient.studies, stay):
        for placed in _placements(inst, patient.studies, blocks, usage):
            itinerary = Itinerary(p, admission, stay, placed)
            if usage is None or usage.fits(inst, itinerary):
                yield itinerary


def first_itinerary(inst: UnitInstance, p: int, admission: int, usage: Usage) -> Itinerary | None:
    return next(itineraries(inst, p, admission, usage), None)


def _covering(studies: tuple[int, ...], stay: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """Each way to give every study a block of the stay with every block used."""
    for blocks in itertools.product(stay, repeat=len(studies)):
        if set(blocks) == set(stay):
            yield blocks


def _placements(
    inst: UnitInstance,
    studies: tuple[int, ...],
    blocks: tuple[int, ...],
    usage: Usage | None,
) -> Iterator[tuple[tuple[int, int, int], ...]]:
    """Distinct divisions for the studies of each block where μ has room, earliest first."""

    def free(i: int, b: int, k: int) -> bool:
        taken = 0 if usage is None else usage.studies[b, k, i]
        return inst.availability[b, k, i] > taken

    def place(n: int, used: set[tuple[int, int]]) -> Iterator[tuple[tuple[int, int, int], ...]]:
        if n == len(studies):
            yield ()
            return
        i, b = studies[n], blocks[n]
        for k in range(inst.divisions):
            if (b, k) not in used and free(i, b, k):
                for rest in place(n + 1, used | {(b, k)}):
                    yield ((i, b, k), *rest)

    yield from place(0, set())
