"""A unit's waiting list for one replication: the scenario's fixed list and, when the
scenario has ``unit.demand``, the patients sampled for that replication.

Each week of the horizon a Poisson number of patients (mean ``per_week``) join
the list; each takes a class by its share, the class's studies, each of its
``maybe`` studies with its probability, and a first admissible block drawn
uniformly among the week's open blocks (Monday morning to Saturday morning).
The draw depends only on the scenario's seed and the replication, so every
policy plans the same list (common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.sampling import stream
from sim.unit.instance import BLOCKS_PER_WEEK
from sim.unit.scenario import UnitDemand, UnitScenario, WaitingPatient

OPEN_BLOCKS_A_WEEK = 11  # Monday morning .. Saturday morning


def waiting_list(scenario: UnitScenario, rep: int) -> list[WaitingPatient]:
    """The fixed list followed by the patients sampled for replication ``rep``."""
    unit = scenario.unit
    if unit.demand is None:
        return list(unit.waiting_list)
    rng = stream(scenario.seed, rep, "unit", "demand")
    return [*unit.waiting_list, *sampled_patients(unit.demand, unit.weeks, rng)]


def sampled_patients(
    demand: UnitDemand, weeks: int, rng: np.random.Generator
) -> list[WaitingPatient]:
    keys = list(demand.classes)
    shares = np.array([demand.classes[k].share for k in keys])
    patients = []
    for week in range(weeks):
        for _ in range(int(rng.poisson(demand.per_week))):
            key = keys[int(rng.choice(len(keys), p=shares / shares.sum()))]
            cls = demand.classes[key]
            extra = [s for s, chance in cls.maybe.items() if rng.random() < chance]
            first = week * BLOCKS_PER_WEEK + int(rng.integers(OPEN_BLOCKS_A_WEEK)) + 1
            patients.append(
                WaitingPatient(
                    name=f"{key}-{len(patients) + 1}",
                    priority=cls.priority,
                    min_stay=cls.min_stay,
                    first_block=first,
                    studies=[*cls.studies, *extra],
                )
            )
    return patients
