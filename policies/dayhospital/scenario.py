"""A unit scenario (``sim.unit_scenario``) as the planning problem (``UnitInstance``)."""

from __future__ import annotations

from collections.abc import Sequence

from policies.dayhospital.instance import UnitInstance, UnitPatient, availability_from_rules
from sim.unit_scenario import UnitScenario, WaitingPatient


def instance_of(
    scenario: UnitScenario, waiting: Sequence[WaitingPatient] | None = None
) -> UnitInstance:
    """The planning problem of the scenario's unit with its fixed waiting list, or with
    ``waiting`` (a replication's list, see ``sim.unit_demand``)."""
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
