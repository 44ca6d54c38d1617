"""The document's case (seed 002, §5) as an instance: the bundled scenario
``scenarios/day_hospital.yaml`` (its Table 1 studies, Table 3 patients, 17 beds,
23 chairs, 3 admissions a block, four weeks; the availability μ is our choice,
explained in the file).
"""

from __future__ import annotations

from sim.unit.instance import UnitInstance, instance_of
from sim.unit.scenario import load_unit

BUNDLED = "day_hospital"


def document_case() -> UnitInstance:
    return instance_of(load_unit(BUNDLED))
