"""Playing a unit's admission plan under uncertainty: one replication of a day or week
hospital.

The plan (``sim.unit.plan.UnitPlan``) says who is admitted in which
block, in a bed or a chair, and each study's block and division. A replication
draws its luck once (``realise``), the same for every policy (common random
numbers): which patients miss their admission (``unit.no_show``), which bed
patients need one block more than planned (``unit.extra_block``), and how long
each study takes (its ``duration`` distribution). ``play`` then runs every
block: in each study's divisions the patients booked are served in order on
as many places as μ offers, a study starts at its division's start, when its
place frees or when the patient is back from their previous study, whichever
is latest, so a long study makes the next ones run late.
A patient who misses admission leaves the bed or chair and the study places
empty. An extra block is spent in the same bed, except at the weekend (beds
are never held on Saturday afternoon or Sunday: the patient goes home) and it
may take the unit above its beds (counted as overflow).

The blocks are few and the plan is fixed, so a replication is a sweep over
blocks rather than a SimPy process: the order of events is fully known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.sampling import stream
from sim.unit.instance import UnitInstance
from sim.unit.plan import UnitPlan
from sim.unit.scenario import UnitScenario

PRIORITIES = (1, 2, 3)


@dataclass(frozen=True)
class UnitLuck:
    no_show: np.ndarray  # bool per patient
    extra_block: np.ndarray  # bool per patient
    durations: np.ndarray  # minutes per patient and study


def realise(scenario: UnitScenario, rep: int, patients: int | None = None) -> UnitLuck:
    """Replication ``rep``'s luck for its ``patients`` (the fixed waiting list's length
    if not given): depends only on the scenario's seed, ``rep`` and the patients."""
    unit = scenario.unit
    n = len(unit.waiting_list) if patients is None else patients
    shows = stream(scenario.seed, rep, "unit", "no_show")
    longer = stream(scenario.seed, rep, "unit", "extra_block")
    durations = np.column_stack(
        [
            study.duration.sample(stream(scenario.seed, rep, "unit", "study", key), n)
            for key, study in unit.studies.items()
        ]
    )
    return UnitLuck(shows.random(n) < unit.no_show, longer.random(n) < unit.extra_block, durations)


@dataclass
class UnitRecords:
    patients: pd.DataFrame  # one row per patient of the waiting list
    studies: pd.DataFrame  # one row per study done
    blocks: pd.DataFrame  # one row per block: beds, chairs, studies done and offered


def play(inst: UnitInstance, plan: UnitPlan, luck: UnitLuck) -> UnitRecords:
    came = {p: it for p, it in plan.itineraries.items() if not luck.no_show[p]}
    beds, chairs = _occupancy(inst, came, luck)
    studies = _studies(inst, came, luck)
    return UnitRecords(
        _patient_rows(inst, plan, luck),
        studies,
        _block_rows(inst, beds, chairs, studies),
    )


def _occupancy(inst: UnitInstance, came: dict, luck: UnitLuck) -> tuple[np.ndarray, np.ndarray]:
    beds = np.zeros(inst.blocks, dtype=np.int64)
    chairs = np.zeros(inst.blocks, dtype=np.int64)
    weekend = inst.weekend_blocks()
    for p, itinerary in came.items():
        if not inst.patients[p].in_bed:
            chairs[list(itinerary.stay)] += 1
            continue
        beds[list(itinerary.stay)] += 1
        extra = itinerary.stay[-1] + 1
        if luck.extra_block[p] and extra < inst.blocks and extra not in weekend:
            beds[extra] += 1
    return beds, chairs


def _studies(inst: UnitInstance, came: dict, luck: UnitLuck) -> pd.DataFrame:
    """Every study done, in time order: a study starts when its division opens, a place
    of the study is free and the patient is back from their previous study."""
    booked = sorted((b, k, p, i) for p, itinerary in came.items() for i, b, k in itinerary.studies)
    places: dict[tuple[int, int], np.ndarray] = {}  # (study, block) → when each place frees
    # times are minutes of the day, so a patient is held back only within a day
    patient_free: dict[tuple[int, int], float] = defaultdict(lambda: -np.inf)
    rows = []
    minutes = inst.division_minutes
    for b, k, p, i in booked:
        lanes = places.setdefault(
            (i, b), np.full(max(1, int(inst.availability[b, :, i].max())), -np.inf)
        )
        opens = inst.division_start(b, k)
        lane = int(np.argmin(lanes))
        day = b // 2
        start = max(float(opens), float(lanes[lane]), patient_free[p, day])
        end = start + float(luck.durations[p, i])
        lanes[lane] = patient_free[p, day] = end
        rows.append(
            {
                "patient": inst.patients[p].name,
                "study": inst.study_names[i],
                "block": b + 1,
                "division": k,
                "start": start,
                "end": end,
                "late": max(0.0, end - (opens + minutes)),
            }
        )
    columns = ["patient", "study", "block", "division", "start", "end", "late"]
    return pd.DataFrame(rows, columns=columns)


def _patient_rows(inst: UnitInstance, plan: UnitPlan, luck: UnitLuck) -> pd.DataFrame:
    rows = []
    for p, patient in enumerate(inst.patients):
        itinerary = plan.itineraries.get(p)
        status = _status(itinerary is not None, bool(luck.no_show[p]))
        admission = None if itinerary is None else itinerary.admission + 1
        rows.append(
            {
                "patient": patient.name,
                "priority": patient.priority,
                "place": "bed" if patient.in_bed else "chair",
                "first_block": patient.first_block + 1,
                "admission": admission,
                "wait_blocks": None
                if itinerary is None
                else itinerary.admission - patient.first_block,
                "status": status,
                "extra_block": bool(
                    status == "admitted" and patient.in_bed and luck.extra_block[p]
                ),
            }
        )
    return pd.DataFrame(rows)


def _status(planned: bool, missed: bool) -> str:
    """``pending`` (no admission planned), ``no_show`` (missed it) or ``admitted``."""
    if not planned:
        return "pending"
    return "no_show" if missed else "admitted"


def _block_rows(
    inst: UnitInstance, beds: np.ndarray, chairs: np.ndarray, studies: pd.DataFrame
) -> pd.DataFrame:
    done = studies.groupby("block").size() if len(studies) else pd.Series(dtype=int)
    return pd.DataFrame(
        {
            "block": np.arange(1, inst.blocks + 1),
            "weekday": [inst.weekday(b) for b in range(inst.blocks)],
            "part": [inst.part(b) for b in range(inst.blocks)],
            "working": inst.working,
            "beds": beds,
            "chairs": chairs,
            "studies": [int(done.get(b + 1, 0)) for b in range(inst.blocks)],
            "offered": inst.availability.sum(axis=(1, 2)),
        }
    )


def unit_values(inst: UnitInstance, plan: UnitPlan, records: UnitRecords) -> dict[str, float]:
    """The numbers of one replication (see ``UNIT_METRICS``)."""
    patients, blocks, studies = records.patients, records.blocks, records.studies
    admitted = patients[patients["status"] == "admitted"]
    working = blocks[blocks["working"]]
    values = {
        "objective": plan.objective,
        "admitted": float(len(admitted)),
        "pending": float((patients["status"] == "pending").sum()),
        "no_show": float((patients["status"] == "no_show").sum()),
        "wait_blocks": _mean(admitted["wait_blocks"]),
        "bed_occupancy": float(working["beds"].mean() / inst.beds) if inst.beds else np.nan,
        "chair_occupancy": float(working["chairs"].mean() / inst.chairs) if inst.chairs else np.nan,
        "bed_overflow": float((blocks["beds"] > inst.beds).sum()),
        "study_use": float(blocks["studies"].sum() / max(1, blocks["offered"].sum())),
        "late_studies": float((studies["late"] > 0).mean()) if len(studies) else np.nan,
        "lateness": _mean(studies.loc[studies["late"] > 0, "late"]),
    }
    for w in PRIORITIES:
        values[f"wait_blocks.p{w}"] = _mean(admitted.loc[admitted["priority"] == w, "wait_blocks"])
    return values


UNIT_METRICS = (
    "objective",
    "admitted",
    "pending",
    "no_show",
    "wait_blocks",
    *(f"wait_blocks.p{w}" for w in PRIORITIES),
    "bed_occupancy",
    "chair_occupancy",
    "bed_overflow",
    "study_use",
    "late_studies",
    "lateness",
)


def _mean(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.mean()) if len(values) else np.nan
