"""The block-planning problem of the minimal-care unit document, as plain data.

The unit plans admissions over weeks of half-day blocks (the document's
Table 2: Monday to Sunday, a morning block 8–12 and an afternoon block 12–18,
blocks numbered B1, B2, ... from Monday morning; four weeks give B1..B56). A
block has ``divisions`` half-hour divisions (K = 12). ``availability[b, k, i]``
is the document's μ: how many patients can do study ``i`` in division ``k`` of
block ``b``. Each patient has a priority w_p (1 low .. 3 high), a minimum stay
nb_p in blocks (0: a chair, the day hospital; ≥ 1: a bed, the week hospital),
a first admissible block l_p and the set of prescribed studies s_p. The unit
has D1 beds, D2 chairs and admits at most D3 patients a block.

Blocks are 0-based here (block ``b`` is the document's B(b+1)); formulas that
use the block's number (the objective's 1/b, ``ORD(b)``) use ``b + 1``.

Beds are never occupied on Saturday afternoon or Sunday (the document's
(20)), and a patient whose minimum stay would reach into them is not admitted
(its (19)): ``weekend_blocks`` are those three blocks of each week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.unit.scenario import UnitScenario, WaitingPatient

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon")
BLOCKS_PER_WEEK = len(WEEKDAYS) * len(PARTS)


@dataclass(frozen=True)
class UnitPatient:
    """One patient of the waiting list (the document's Table 3 row)."""

    name: str
    priority: int  # w_p: 1 low, 2 medium, 3 high
    min_stay: int  # nb_p in blocks; 0 = a chair for the day
    first_block: int  # l_p, 0-based
    studies: tuple[int, ...]  # indices of the prescribed studies (s_p^i = 1)

    @property
    def in_bed(self) -> bool:
        return self.min_stay > 0


@dataclass
class UnitInstance:
    """The problem: calendar, availability μ, beds, chairs, admissions, patients."""

    weeks: int
    divisions: int  # K
    study_names: list[str]
    availability: np.ndarray  # μ[b, k, i], int, shape (blocks, divisions, studies)
    beds: int  # D1
    chairs: int  # D2
    admissions_per_block: int  # D3
    patients: list[UnitPatient]
    division_minutes: int = 30
    block_starts: tuple[int, int] = (8 * 60, 12 * 60)  # morning, afternoon (minutes)

    @property
    def working(self) -> np.ndarray:
        """Per block, whether any study is offered in it."""
        return self.availability.sum(axis=(1, 2)) > 0

    @property
    def blocks(self) -> int:
        return self.weeks * BLOCKS_PER_WEEK

    def weekday(self, block: int) -> str:
        return WEEKDAYS[(block % BLOCKS_PER_WEEK) // len(PARTS)]

    def part(self, block: int) -> str:
        return PARTS[block % len(PARTS)]

    def saturday_afternoons(self) -> list[int]:
        """The document's SA of each week (0-based)."""
        return [w * BLOCKS_PER_WEEK + 11 for w in range(self.weeks)]

    def weekend_blocks(self) -> set[int]:
        """Saturday afternoon, Sunday morning and afternoon of every week: no beds (20)."""
        return {sa + d for sa in self.saturday_afternoons() for d in range(3)}

    def admission_closed(self, patient: UnitPatient) -> set[int]:
        """Blocks a patient may not be admitted in (19): from SA − nb_p + 1 to the end of
        Sunday, so a bed stay never reaches Saturday afternoon (a chair patient: Sunday).

        The document prints (19) and (20) with ``b ≤ SA + 3`` and (20) with ``b > SA``,
        which would forbid beds on Monday morning and allow them on Saturday afternoon;
        its text says Saturday afternoon and Sunday, which is what is kept here."""
        closed: set[int] = set()
        for sa in self.saturday_afternoons():
            closed.update(range(max(0, sa - patient.min_stay + 1), sa + 3))
        return closed

    def division_start(self, block: int, division: int) -> int:
        """Minutes after midnight at which a division starts."""
        return self.block_starts[block % len(PARTS)] + division * self.division_minutes

    def block_label(self, block: int) -> str:
        return f"B{block + 1}"


def availability_from_rules(
    weeks: int,
    divisions: int,
    studies: int,
    rules: Sequence[tuple[int, Sequence[str], str, Sequence[int], int]],
) -> np.ndarray:
    """μ from rules ``(study, weekdays, part, divisions, patients)``: the study takes that
    many patients in each of those divisions of those weekdays' blocks, every week."""
    mu = np.zeros((weeks * BLOCKS_PER_WEEK, divisions, studies), dtype=np.int64)
    for study, days, part, division_list, patients in rules:
        for week in range(weeks):
            for day in days:
                block = week * BLOCKS_PER_WEEK + WEEKDAYS.index(day) * 2 + PARTS.index(part)
                for k in division_list:
                    mu[block, k, study] = patients
    return mu


def instance_of(
    scenario: UnitScenario, waiting: Sequence[WaitingPatient] | None = None
) -> UnitInstance:
    """The planning problem of the scenario's unit with its fixed waiting list, or with
    ``waiting`` (a replication's list, see ``sim.unit.demand``)."""
    unit = scenario.unit
    keys = list(unit.studies)
    rules = [
        (keys.index(key), offer.days, offer.part, offer.divisions, offer.patients)
        for key, study in unit.studies.items()
        for offer in study.offered
    ]
    patients = [
        UnitPatient(
            p.name,
            p.priority,
            p.min_stay,
            p.first_block - 1,
            tuple(keys.index(s) for s in p.studies),
        )
        for p in (unit.waiting_list if waiting is None else waiting)
    ]
    return UnitInstance(
        weeks=unit.weeks,
        divisions=unit.divisions,
        study_names=[study.name or key for key, study in unit.studies.items()],
        availability=availability_from_rules(unit.weeks, unit.divisions, len(keys), rules),
        beds=unit.beds,
        chairs=unit.chairs,
        admissions_per_block=unit.admissions_per_block,
        patients=patients,
        division_minutes=unit.division_minutes,
        block_starts=(unit.morning.start, unit.afternoon.start),
    )
