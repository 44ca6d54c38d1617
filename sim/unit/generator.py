"""Random waiting lists for the unit, for benchmarks and tests: the document's unit (its
μ, beds, chairs, admissions) with more patients than its Table 3.

Each patient is built to be servable on its own: a chair patient's studies are
all offered in one common block, a bed patient's stay of nb_p blocks has at
least one offered study in every block. Priorities are uniform on 1..3,
three in five patients use a chair, and l_p falls in the first three weeks.
"""

from __future__ import annotations

import numpy as np

from sim.unit.document import document_case
from sim.unit.instance import UnitInstance, UnitPatient

CHAIR_SHARE = 0.6
MAX_STUDIES = 3


def generated_case(patients: int, seed: int = 0) -> UnitInstance:
    inst = document_case()
    rng = np.random.default_rng(seed)
    weekend = inst.weekend_blocks()
    last_first_block = inst.blocks - 14
    waiting = []
    while len(waiting) < patients:
        min_stay = 0 if rng.random() < CHAIR_SHARE else int(rng.integers(1, 3))
        start = int(rng.integers(0, last_first_block))
        stay = range(start, start + max(1, min_stay))
        offered = [np.flatnonzero(inst.availability[b].sum(axis=0)) for b in stay]
        if any(b in weekend for b in stay) or any(len(o) == 0 for o in offered):
            continue
        studies: set[int] = {int(rng.choice(o)) for o in offered}  # one in every block
        extra = int(rng.integers(0, MAX_STUDIES - len(studies) + 1)) if len(studies) < 3 else 0
        for _ in range(extra):
            studies.add(int(rng.choice(offered[int(rng.integers(len(offered)))])))
        if len(studies) < len(stay):
            continue  # two blocks drew the same study: a stay needs a study a block
        first = max(0, start - int(rng.integers(0, 6)))
        waiting.append(
            UnitPatient(
                f"g{len(waiting) + 1}",
                int(rng.integers(1, 4)),
                min_stay,
                first,
                tuple(sorted(studies)),
            )
        )
    inst.patients = waiting
    return inst
