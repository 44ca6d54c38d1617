"""The scenario of a day or week hospital planned in half-day blocks (document seed 002).

A scenario file with a ``unit:`` section (instead of ``horizon``, ``resources``,
``demand`` and ``protocols``) describes a minimal-care unit: weeks of blocks
(Monday to Sunday, a morning and an afternoon block a day), divisions of a
block, the studies with the divisions they are offered in (the document's μ),
beds, chairs, admissions a block, and the waiting list: each patient's
priority, minimum stay in blocks (0: a chair), first admissible block and
prescribed studies. It is read, overridden and checked by the same pipeline
as any scenario (``sim.scenario.from_mapping``), with the same messages.

```yaml
unit:
  weeks: 4
  divisions: 12                      # half-hour divisions of a block
  morning: {start: "08:00", end: "12:00"}
  afternoon: {start: "12:00", end: "18:00"}
  beds: 17
  chairs: 23
  admissions_per_block: 3
  studies:
    laboratory:
      name: Laboratorio
      label: {es: Laboratorio, en: Laboratory}   # optional: the words shown, per language
      duration: {dist: lognormal, mean: 15, sd: 5}
      offered:
        - {days: [mon, tue, wed, thu, fri, sat], part: morning, divisions: [0, 1, 2, 3],
           patients: 2}
  waiting_list:
    - {name: p1, priority: 3, min_stay: 2, first_block: 3, studies: [laboratory, x_ray]}
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictFloat, StrictInt

from sim.distributions import Distribution, Fixed
from sim.labels import Label, label_clashes
from sim.problems import Problem
from sim.scenario import (
    SHARE_TOLERANCE,
    Hours,
    ScenarioBase,
    Strict,
    Weekday,
    _parse_clock,
    read_scenario,
    validate_as,
)

Part = Literal["morning", "afternoon"]
# Sizes of a unit: 52 weeks of 14 blocks; beds, chairs, admissions and places a study
# takes far beyond a day hospital (tens), and a waiting list the block model can hold
# (its variables grow as patients × blocks: 10 000 × 728 is already 7 million).
MAX_BLOCKS = 52 * 14
MAX_UNIT_PLACES = 10_000
MAX_WAITING = 10_000


class Offer(Strict):
    """Patients a study takes in each of some divisions of some weekdays' blocks."""

    days: list[Weekday] = Field(min_length=1)
    part: Part
    divisions: list[StrictInt] = Field(min_length=1)
    patients: StrictInt = Field(default=1, ge=0, le=MAX_UNIT_PLACES)


class Study(Strict):
    name: str | None = None
    label: Label | None = None
    duration: Distribution = Fixed(value=30)
    offered: list[Offer] = Field(default_factory=list)


class WaitingPatient(Strict):
    name: str = Field(min_length=1)
    priority: StrictInt = Field(default=2, ge=1, le=3, description="1 low .. 3 high")
    min_stay: StrictInt = Field(
        default=0, ge=0, le=MAX_BLOCKS, description="blocks in a bed; 0 = a chair"
    )
    first_block: StrictInt = Field(
        default=1, ge=1, le=MAX_BLOCKS, description="B1 = Monday morning, week 1"
    )
    studies: list[str] = Field(min_length=1)


class UnitClass(Strict):
    """A kind of patient put on the waiting list: always the same ``studies``, each of
    ``maybe`` with its probability, one priority and one minimum stay."""

    label: Label | None = None
    share: StrictFloat = Field(ge=0, le=1)
    priority: StrictInt = Field(default=2, ge=1, le=3)
    min_stay: StrictInt = Field(
        default=0, ge=0, le=MAX_BLOCKS, description="blocks in a bed; 0 = a chair"
    )
    studies: list[str] = Field(min_length=1)
    maybe: dict[str, StrictFloat] = Field(default_factory=dict)


class UnitDemand(Strict):
    """A sampled waiting list: each week a Poisson number of patients join, each from a
    class by its share, with a first admissible block among that week's open blocks."""

    per_week: StrictFloat = Field(ge=0, le=10_000)
    classes: dict[str, UnitClass] = Field(min_length=1)


class Unit(Strict):
    weeks: StrictInt = Field(default=4, ge=1, le=52)
    divisions: StrictInt = Field(default=12, ge=1, le=48)
    division_minutes: StrictInt = Field(default=30, ge=1, le=240)
    morning: Hours = Hours(start=_parse_clock("08:00"), end=_parse_clock("12:00"))
    afternoon: Hours = Hours(start=_parse_clock("12:00"), end=_parse_clock("18:00"))
    beds: StrictInt = Field(ge=0, le=MAX_UNIT_PLACES)
    chairs: StrictInt = Field(ge=0, le=MAX_UNIT_PLACES)
    admissions_per_block: StrictInt = Field(ge=0, le=MAX_UNIT_PLACES)
    studies: dict[str, Study] = Field(min_length=1)
    waiting_list: list[WaitingPatient] = Field(default_factory=list, max_length=MAX_WAITING)
    demand: UnitDemand | None = None
    no_show: StrictFloat = Field(default=0, ge=0, le=1, description="patients who miss admission")
    extra_block: StrictFloat = Field(
        default=0, ge=0, le=1, description="bed patients who need one block more than planned"
    )

    @property
    def blocks(self) -> int:
        return self.weeks * 14


class UnitScenario(ScenarioBase):
    """A day or week hospital: the ``unit`` section."""

    unit: Unit

    def named(self, kind: str) -> Mapping[str, Any]:
        """Its studies and the classes of its sampled waiting list, by id."""
        classes = self.unit.demand.classes if self.unit.demand is not None else {}
        return {"study": self.unit.studies, "class": classes}.get(kind, {})


def check_unit(scenario: UnitScenario) -> list[Problem]:
    """What the fields alone cannot say: names that must exist, numbers that must fit."""
    unit = scenario.unit
    problems: list[Problem] = []
    for key, study in unit.studies.items():
        for n, offer in enumerate(study.offered):
            where = f"unit.studies.{key}.offered.{n}.divisions"
            wrong = [k for k in offer.divisions if not 0 <= k < unit.divisions]
            if wrong:
                problems.append(
                    Problem(where, f"divisions run from 0 to {unit.divisions - 1}, got {wrong}")
                )
    names: set[str] = set()
    for patient in unit.waiting_list:
        where = f"unit.waiting_list.{patient.name}"
        if patient.name in names:
            problems.append(Problem(where, "patient names must be unique"))
        names.add(patient.name)
        problems += _prescription_problems(unit, where, patient.studies, patient.min_stay)
        if patient.first_block > unit.blocks:
            message = (
                f"must be ≤ the {unit.blocks} blocks of the horizon, got {patient.first_block}"
            )
            problems.append(Problem(f"{where}.first_block", message))
    if unit.demand is not None:
        problems += _demand_problems(unit, unit.demand)
    return problems + _label_problems(unit)


def _label_problems(unit: Unit) -> list[Problem]:
    classes = unit.demand.classes if unit.demand is not None else {}
    return label_clashes(
        [(f"unit.studies.{key}", key, study) for key, study in unit.studies.items()]
    ) + label_clashes([(f"unit.demand.classes.{key}", key, c) for key, c in classes.items()])


def _prescription_problems(
    unit: Unit, where: str, studies: list[str], min_stay: int
) -> list[Problem]:
    unknown = [s for s in studies if s not in unit.studies]
    if unknown:
        known = sorted(unit.studies)
        return [Problem(f"{where}.studies", f"no study {unknown}; defined: {known}")]
    if len(set(studies)) < len(studies):
        return [Problem(f"{where}.studies", "a study is prescribed twice")]
    if min_stay > len(studies):
        message = (
            f"a stay of {min_stay} blocks needs a study in every block (constraint (3)), "
            f"got {len(studies)} studies"
        )
        return [Problem(f"{where}.min_stay", message)]
    return []


def _demand_problems(unit: Unit, demand: UnitDemand) -> list[Problem]:
    problems = []
    total = sum(c.share for c in demand.classes.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        problems.append(Problem("unit.demand.classes", f"shares must sum to 1, got {total:.6g}"))
    for key, cls in demand.classes.items():
        where = f"unit.demand.classes.{key}"
        problems += _prescription_problems(unit, where, cls.studies, cls.min_stay)
        unknown = [s for s in cls.maybe if s not in unit.studies]
        if unknown:
            message = f"no study {unknown}; defined: {sorted(unit.studies)}"
            problems.append(Problem(f"{where}.maybe", message))
        twice = [s for s in cls.maybe if s in cls.studies]
        if twice:
            problems.append(Problem(f"{where}.maybe", f"{twice} already in studies"))
        wrong = {s: v for s, v in cls.maybe.items() if not 0 <= v <= 1}
        if wrong:
            problems.append(Problem(f"{where}.maybe", f"probabilities in [0, 1], got {wrong}"))
    return problems


def is_unit(raw: dict[str, Any]) -> bool:
    """Whether a scenario file's mapping describes a unit (it has a ``unit`` section)."""
    return "unit" in raw


def unit_from_mapping(
    raw: dict[str, Any], overrides: Iterable[str] = (), source: str = "<scenario>"
) -> UnitScenario:
    return validate_as(UnitScenario, raw, overrides, source, check=check_unit)


def load_unit(source: str | Path, overrides: Iterable[str] = ()) -> UnitScenario:
    """Read, override and check a unit scenario (a path or a bundled name)."""
    name, raw = read_scenario(source)
    return unit_from_mapping(raw, overrides, source=name)
