"""Admission heuristics for the unit: first come first served, and GRASP by priority.

``fifo`` admits the waiting list in request order, each patient at the earliest
block from its l_p where a whole itinerary still fits (today's practice).
``grasp`` is the thesis's double relaxation applied to this problem: a
restricted candidate list of patients by priority (α_p of the spread of w_p)
and, for the patient drawn, one of admission blocks by earliness (α_m of the
spread of 1/b); the best plan of all iterations by the objective (26) is kept.
"""

from __future__ import annotations

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
        options = _admissions(inst, p, usage)
        if not options:
            continue  # pending: nothing fits any more
        goodness = np.array([1.0 / (it.admission + 1) for it in options])
        top, low = goodness.max(), goodness.min()
        candidates = [
            it
            for it, g in zip(options, goodness, strict=True)
            if g >= top - alpha_blocks * (top - low)
        ]
        chosen = candidates[int(rng.integers(len(candidates)))]
        usage.take(inst, chosen)
        plan.itineraries[p] = chosen
    return plan


def _admissions(inst: UnitInstance, p: int, usage: Usage) -> list[Itinerary]:
    """The earliest itinerary from each admissible block that still fits."""
    found = []
    for b in admission_blocks(inst, inst.patients[p]):
        itinerary = first_itinerary(inst, p, b, usage)
        if itinerary is not None:
            found.append(itinerary)
    return found
