"""Admission heuristics for the unit: first come first served, and GRASP by priority.

``fifo`` admits the waiting list in request order, each patient at the earliest
block from its l_p where a whole itinerary still fits (today's practice).
``grasp`` is the thesis's double relaxation applied to this problem: a
restricted candidate list of patients by priority (α_p of the spread of w_p)
and, for the patient drawn, one of admission blocks by earliness (α_m of the
spread of 1/b); the best plan of all iterations by the objective (26) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.unit.instance import UnitInstance
from sim.unit.plan import (
    Itinerary,
    UnitPlan,
    Usage,
    admission_blocks,
    first_itinerary,
)


def fifo(inst: UnitInstance) -> UnitPlan:
    """Request order, earliest feasible block; who fits nowhere stays pending."""
    usage = Usage.empty(inst)
    plan = UnitPlan(inst, info={"policy": "fifo"})
    for p, patient in enumerate(inst.patients):
        for b in admission_blocks(inst, patient):
            itinerary = first_itinerary(inst, p, b, usage)
            if itinerary is not None:
                usage.take(inst, itinerary)
                plan.itineraries[p] = itinerary
                break
    return plan


def grasp(
    inst: UnitInstance,
    iterations: int = 200,
    alpha_patients: float = 0.203,
    alpha_blocks: float = 0.261,
    seed: int = 0,
) -> UnitPlan:
    """The best of ``iterations`` randomised constructions by (26); α's as the thesis."""
    rng = np.random.default_rng(seed)
    best: UnitPlan | None = None
    for _ in range(iterations):
        plan = _construct(inst, alpha_patients, alpha_blocks, rng)
        if best is None or plan.objective > best.objective + 1e-12:
            best = plan
    assert best is not None
    best.info = {"policy": "grasp", "iterations": iterations}
    return best


def _construct(
    inst: UnitInstance, alpha_patients: float, alpha_blocks: float, rng: np.random.Generator
) -> UnitPlan:
    usage = Usage.empty(inst)
    plan = UnitPlan(inst)
    waiting = list(range(len(inst.patients)))
    while waiting:
        priorities = np.array([inst.patients[p].priority for p in waiting], dtype=float)
        top, low = priorities.max(), priorities.min()
        listed = [
            p
            for p, w in zip(waiting, priorities, strict=True)
            if w >= top - alpha_patients * (top - low)
        ]
        p = listed[int(rng.integers(len(listed)))]
        waiting.remove(p)
        candidates = _earliest_candidates(inst, p, usage, alpha_blocks)
        if not candidates:
            continue  # pending: nothing fits any more
        chosen = candidates[int(rng.integers(len(candidates)))]
        usage.take(inst, chosen)
        plan.itineraries[p] = chosen
    return plan


def _earliest_candidates(
    inst: UnitInstance, p: int, usage: Usage, alpha_blocks: float
) -> list[Itinerary]:
    """The restricted candidate list of admissions: of the earliest itinerary that fits
    from each admissible block, those whose earliness 1/b is within ``alpha_blocks`` of
    the spread between the earliest and the latest that fit.

    Earliness falls as the block grows, so the list is the first few blocks that fit:
    the earliest is found from the front, the latest from the back, and only the blocks
    between them that can still qualify are tried (the same list as trying every block).
    """
    blocks = admission_blocks(inst, inst.patients[p])
    first = _first_fitting(inst, p, blocks, usage)
    if first is None:
        return []
    later = [b for b in blocks if b > first.admission]
    last = _first_fitting(inst, p, reversed(later), usage)
    top = _earliness(first)
    low = top if last is None else _earliness(last)
    threshold = top - alpha_blocks * (top - low)
    candidates = [first]
    for b in later:
        if 1.0 / (b + 1) < threshold:
            break
        itinerary = first_itinerary(inst, p, b, usage)
        if itinerary is not None:
            candidates.append(itinerary)
    return candidates


def _first_fitting(
    inst: UnitInstance, p: int, blocks: Iterable[int], usage: Usage
) -> Itinerary | None:
    """The earliest itinerary from the first of ``blocks`` (in their order) where one fits."""
    for b in blocks:
        itinerary = first_itinerary(inst, p, b, usage)
        if itinerary is not None:
            return itinerary
    return None


def _earliness(itinerary: Itinerary) -> float:
    return 1.0 / (itinerary.admission + 1)
