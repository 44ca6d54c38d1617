"""The minimal-care unit (document seed 002): Table 3, fifo, GRASP and the model (1)–(26).

- the Table 3 case holds the document's data, written here by hand from the
  document (its 16 patients, Table 1's 30 studies, D1 = 17, D2 = 23, D3 = 3,
  four weeks of 14 blocks, 12 divisions);
- ``fifo``, ``grasp`` and ``solve_unit`` plans on Table 3 pass the independent
  checker ``tests/support/unit_plan_checker.py``; the MIP's objective is at least the
  heuristics' and every objective equals Σ w_p / (admission + 1) recomputed
  here; valid plans satisfy every constraint of the Pyomo model; a solve with
  no time falls back to fifo's plan with a warning;
- every constraint of the checker can fail: valid plans are corrupted one way
  at a time, on Table 3 and on a small hand-made unit where the exact set of
  broken constraints is known, and plans on the weekend's edge stay valid;
- tiny units (one week) are solved by enumerating every patient's itineraries
  and every combination: the MIP reaches that optimum, fifo and GRASP do not
  exceed it, and on a built case fifo is strictly worse;
- a unit too small for its waiting list leaves patients pending, in valid
  plans, and the MIP reports them pending rather than failing;
- GRASP is reproducible by seed and with α = 0 admits by priority;
- the model's components carry the names of ``mip.py`` and the sizes the
  document's index sets give them.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from policies.dayhospital import mip
from policies.dayhospital.heuristics import fifo, grasp
from sim.unit.document import document_case
from sim.unit.instance import UnitInstance, UnitPatient
from sim.unit.plan import Itinerary, UnitPlan, admission_blocks, itineraries
from tests.support.unit_plan_checker import (
    closed_admissions,
    numbers,
    objective,
    unit_instance,
    unit_plan,
    violations,
    weekend_blocks,
)

# ---------------------------------------------------------------- the document, by hand

# Table 1 as printed. The package spells two names as they are usually written (the
# document's own Fig. 2 has "Otorrinolaringología"; "maxifacial" is printed twice).
TABLE1 = (
    "Laboratorio",
    "Rayos X",
    "Resonancia",
    "Biopsia",
    "Ecografía",
    "Eco-doppler",
    "Tomografía",
    "Otro",
    "Prueba pulmonar",
    "Gammagrafía",
    "Eco cardiograma",
    "Monitoreo Holter",
    "Otorrinonaringología",
    "Gastroscopia",
    "Exámenes oftalmológicos",
    "Mamografías",
    "Angiografía",
    "Colonoscopia",
    "Papilotomía endoscópica",
    "Eco cardiograma transesofágico",
    "Cirugía traumatológica",
    "Cirugía pediátrica",
    "Cirugía neurológica",
    "Cirugía general",
    "Odontología",
    "Cirugía maxifacial",
    "Otro 1",
    "Otro 2",
    "Otro 3",
    "Otro 4",
)
SPELLING = {
    "Otorrinonaringología": "Otorrinolaringología",
    "Cirugía maxifacial": "Cirugía maxilofacial",
}

# Table 3: P, w_p, nb_p, l_p (the document's block b<n>), s_p (Table 1 numbers)
TABLE3 = [
    ("p1", 3, 2, 3, {1, 2, 21}),
    ("p2", 2, 1, 9, {1, 8}),
    ("p3", 2, 0, 7, {5, 28}),
    ("p4", 3, 1, 11, {1, 2, 21}),
    ("p5", 3, 0, 15, {1, 6, 11}),
    ("p6", 1, 0, 53, {5}),
    ("p7", 1, 0, 51, {1, 27}),
    ("p8", 2, 0, 9, {13}),
    ("p9", 1, 0, 31, {1, 8}),
    ("p10", 2, 0, 33, {1, 2, 25}),
    ("p11", 3, 2, 3, {2, 8, 11}),
    ("p12", 1, 0, 45, {25}),
    ("p13", 3, 1, 5, {1, 2, 21}),
    ("p14", 2, 0, 33, {8, 13}),
    ("p15", 1, 0, 19, {16}),
    ("p16", 1, 0, 51, {25}),
]
PRIORITY = [row[1] for row in TABLE3]

# the constraint components of mip.py, by the document's number
COMPONENTS = {
    "1": "study_marks_the_block",
    "2": "bed_until_the_last_study",
    "3": "bed_only_with_a_study",
    "4": "prescription_once_in_bed",
    "5": "prescription_once_in_a_chair",
    "6": "one_chair_block",
    "7": "one_study_per_division",
    "8": "study_availability",
    "9": "admitted_once",
    "10": "admitted_patients_do_studies",
    "11-12": "study_in_a_bed_or_chair",
    "13": "no_bed_before_admission",
    "14": "no_chair_before_admission",
    "15": "remaining_stay_at_first_block",
    "16": "remaining_stay",
    "17": "bed_while_stay_remains",
    "18": "minimum_stay",
    "19": "no_admission_into_the_weekend",
    "20": "no_bed_at_the_weekend",
    "21": "every_prescription_once_admitted",
    "22": "beds_available",
    "23": "chairs_available",
    "24": "admissions_per_block",
    "25": "not_before_first_block",
}


# ---------------------------------------------------------------- helpers


def _with(plan: UnitPlan, p: int, **changes: object) -> UnitPlan:
    """A copy of ``plan`` with patient p's itinerary changed."""
    its = dict(plan.itineraries)
    its[p] = dataclasses.replace(its[p], **changes)
    return UnitPlan(plan.instance, its)


def _mu(weeks: int, divisions: int, studies: int, cells: list[tuple[int, int, int]]) -> np.ndarray:
    """μ with 1 in every (study, block, division) listed, 0 elsewhere."""
    mu = np.zeros((weeks * 14, divisions, studies), dtype=np.int64)
    for i, b, k in cells:
        mu[b, k, i] = 1
    return mu


def _model_violations(model: pyo.ConcreteModel, tol: float = 1e-7) -> list[str]:
    """The model's constraints not satisfied at the variables' current values."""
    broken = []
    for c in model.component_data_objects(pyo.Constraint, active=True):
        value = pyo.value(c.body)
        if (c.lower is not None and value < pyo.value(c.lower) - tol) or (
            c.upper is not None and value > pyo.value(c.upper) + tol
        ):
            broken.append(c.name)
    return broken


def own_itineraries(inst: UnitInstance, p: int) -> list[Itinerary]:
    """Every itinerary of patient p the checker accepts on its own, enumerated blindly:
    every admission block, the stay of nb_p blocks (one for a chair) from it, every
    (block of the stay, division with μ > 0) for each prescribed study."""
    patient = inst.patients[p]
    length = max(patient.min_stay, 1)
    found = []
    for a in range(inst.blocks - length + 1):
        stay = tuple(range(a, a + length))
        options = [
            [(i, b, k) for b in stay for k in range(inst.divisions) if inst.availability[b, k, i]]
            for i in patient.studies
        ]
        for studies in itertools.product(*options):
            it = Itinerary(p, a, stay, tuple(studies))
            if not violations(inst, unit_plan(inst, [it])):
                found.append(it)
    return found


def brute_force(inst: UnitInstance) -> tuple[float, UnitPlan]:
    """The best (26) over every combination (each patient: one itinerary or pending)
    that fits μ, beds, chairs and admissions together."""
    options = [own_itineraries(inst, p) for p in range(len(inst.patients))]

    def demand(it: Itinerary) -> list[tuple]:
        place = "bed" if inst.patients[it.patient].min_stay > 0 else "chair"
        return [
            ("adm", it.admission),
            *((place, b) for b in it.stay),
            *(("x", i, b, k) for i, b, k in it.studies),
        ]

    def capacity(key: tuple) -> int:
        if key[0] == "x":
            _, i, b, k = key
            return int(inst.availability[b, k, i])
        return {"adm": inst.admissions_per_block, "bed": inst.beds, "chair": inst.chairs}[key[0]]

    best: list = [-1.0, {}]
    use: Counter = Counter()
    chosen: dict[int, Itinerary] = {}

    def search(p: int) -> None:
        if p == len(options):
            value = sum(inst.patients[q].priority / (it.admission + 1) for q, it in chosen.items())
            if value > best[0] + 1e-12:
                best[0], best[1] = value, dict(chosen)
            return
        search(p + 1)  # pending
        for it in options[p]:
            keys = demand(it)
            if all(use[key] < capacity(key) for key in keys):
                use.update(keys)
                chosen[p] = it
                search(p + 1)
                del chosen[p]
                use.subtract(keys)

    search(0)
    return best[0], unit_plan(inst, best[1])


# ---------------------------------------------------------------- Table 3


@pytest.fixture(scope="module")
def table3() -> UnitInstance:
    return document_case()


@pytest.fixture(scope="module")
def solved(table3: UnitInstance) -> tuple[UnitPlan, mip.UnitSolution]:
    return mip.solve_unit(table3)


@pytest.fixture(scope="module")
def plans(table3: UnitInstance, solved: tuple) -> dict[str, UnitPlan]:
    return {
        "fifo": fifo(table3),
        "grasp": grasp(table3, iterations=8, seed=11),
        "mip": solved[0],
    }


def test_table3_patients_are_the_documents(table3: UnitInstance) -> None:
    assert len(table3.patients) == 16
    for patient, (name, w, nb, l_block, studies) in zip(table3.patients, TABLE3, strict=True):
        assert patient.name == name
        assert patient.priority == w
        assert patient.min_stay == nb
        assert patient.first_block == l_block - 1  # b<n> is 0-based block n − 1
        assert sorted(patient.studies) == sorted(s - 1 for s in studies)
        assert patient.in_bed == (nb > 0)


def test_table3_unit_and_calendar(table3: UnitInstance) -> None:
    assert (table3.beds, table3.chairs, table3.admissions_per_block) == (17, 23, 3)
    assert table3.weeks == 4 and table3.blocks == 56
    assert table3.divisions == 12
    assert table3.availability.shape == (56, 12, 30)
    assert table3.study_names == [SPELLING.get(name, name) for name in TABLE1]
    # Table 2: nothing on Saturday afternoon and Sunday, B12–B14 of each week
    weekend = sorted(weekend_blocks(4))
    assert weekend == [11, 12, 13, 25, 26, 27, 39, 40, 41, 53, 54, 55]
    assert table3.availability[weekend].sum() == 0
    assert table3.block_label(11) == "B12" and table3.weekday(11) == "sat"
    assert table3.part(11) == "afternoon"


def test_weekend_rules_agree_with_the_checker(table3: UnitInstance) -> None:
    assert table3.weekend_blocks() == weekend_blocks(4)
    assert table3.saturday_afternoons() == [11, 25, 39, 53]
    for patient in table3.patients:
        assert table3.admission_closed(patient) == closed_admissions(patient.min_stay, 4)
    assert closed_admissions(0, 1) == {12, 13}  # a chair: Sunday
    assert closed_admissions(1, 1) == {11, 12, 13}
    assert closed_admissions(2, 1) == {10, 11, 12, 13}  # a stay from Saturday morning


@pytest.mark.parametrize("policy", ["fifo", "grasp", "mip"])
def test_table3_plans_are_valid(policy: str, table3: UnitInstance, plans: dict) -> None:
    assert violations(table3, plans[policy]) == []


@pytest.mark.parametrize("policy", ["fifo", "grasp", "mip"])
def test_table3_objective_by_hand(policy: str, plans: dict, table3: UnitInstance) -> None:
    plan = plans[policy]
    by_hand = sum(PRIORITY[p] / (it.admission + 1) for p, it in plan.itineraries.items())
    assert plan.objective == pytest.approx(by_hand, abs=1e-12)
    assert objective(table3, plan) == pytest.approx(by_hand, abs=1e-12)


def test_table3_mip_is_at_least_the_heuristics(plans: dict) -> None:
    assert plans["mip"].objective >= plans["fifo"].objective - 1e-9
    assert plans["mip"].objective >= plans["grasp"].objective - 1e-9


def test_table3_solver_status(solved: tuple) -> None:
    plan, solution = solved
    assert solution.status == "convergenceCriteriaSatisfied"
    assert plan.info["policy"] == "mip" and plan.info["solver"] is solution
    assert "warning" not in plan.info
    assert solution.objective == pytest.approx(plan.objective, abs=1e-6)
    assert solution.bound is not None and solution.bound >= plan.objective - 1e-6
    assert solution.gap is not None and solution.gap <= 0.01 + 1e-9
    assert solution.variables > 0 and solution.constraints > 0


def test_table3_every_patient_is_served(plans: dict) -> None:
    """document.py says its μ "lets every patient of Table 3 be served", and the document's
    Fig. 4 gives p6 (Fleisher, Ecografía from b53) a turn on Saturday 28/05 at 11:00."""
    plan = plans["mip"]
    assert [plan.instance.patients[p].name for p in plan.pending] == []


def test_no_time_to_solve_falls_back_to_fifo(table3: UnitInstance) -> None:
    plan, solution = mip.solve_unit(table3, mip.UnitLimits(guard_seconds=0.0))
    assert solution.status == "time_guard" and solution.objective is None
    assert plan.info["policy"] == "mip" and plan.info["solver"] is solution
    assert "fifo" in plan.info["warning"]
    assert plan.itineraries == fifo(table3).itineraries
    assert violations(table3, plan) == []


@pytest.mark.parametrize("policy", ["fifo", "grasp"])
def test_valid_plans_satisfy_the_model(policy: str, table3: UnitInstance, plans: dict) -> None:
    model = mip.build_unit_model(table3)
    mip.set_values(model, table3, plans[policy])
    assert _model_violations(model) == []
    assert pyo.value(model.early_admissions) == pytest.approx(plans[policy].objective)


# ---------------------------------------------------------------- corrupting Table 3's MIP plan


def _first(plan: UnitPlan, want: Callable[[UnitPatient, Itinerary], bool]) -> int:
    inst = plan.instance
    return next(p for p, it in sorted(plan.itineraries.items()) if want(inst.patients[p], it))


def _chair_with_two(plan: UnitPlan) -> int:
    return _first(plan, lambda pat, it: not pat.in_bed and len(it.studies) >= 2)


def _zero_mu_division(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _chair_with_two(plan)
    it = plan.itineraries[p]
    i, b, _k = it.studies[0]
    used = {kk for _, bb, kk in it.studies if bb == b}
    k0 = next(kk for kk in range(inst.divisions) if inst.availability[b, kk, i] == 0)
    assert k0 not in used
    return inst, _with(plan, p, studies=((i, b, k0), *it.studies[1:]))


def _before_first_block(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: True)
    late = dataclasses.replace(inst.patients[p], first_block=plan.itineraries[p].admission + 1)
    patients = [late if q == p else pat for q, pat in enumerate(inst.patients)]
    inst2 = dataclasses.replace(inst, patients=patients)
    return inst2, UnitPlan(inst2, dict(plan.itineraries))


def _admissions_over_d3(inst: UnitInstance, plan: UnitPlan) -> tuple:
    most = max(Counter(it.admission for it in plan.itineraries.values()).values())
    assert most >= 2
    inst2 = dataclasses.replace(inst, admissions_per_block=most - 1)
    return inst2, UnitPlan(inst2, dict(plan.itineraries))


def _over_capacity(field: str, place: str) -> Callable:
    def corrupt(inst: UnitInstance, plan: UnitPlan) -> tuple:
        held = Counter(
            b
            for p, it in plan.itineraries.items()
            if inst.patients[p].in_bed == (place == "bed")
            for b in it.stay
        )
        inst2 = dataclasses.replace(inst, **{field: max(held.values()) - 1})
        return inst2, UnitPlan(inst2, dict(plan.itineraries))

    return corrupt


def _drop_prescription(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _chair_with_two(plan)
    return inst, _with(plan, p, studies=plan.itineraries[p].studies[:-1])


def _sunday_bed(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.in_bed)
    it = plan.itineraries[p]
    sunday = it.admission // 14 * 14 + 12
    return inst, _with(plan, p, stay=(*it.stay, sunday))


def _short_stay(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.min_stay == 2)
    return inst, _with(plan, p, stay=plan.itineraries[p].stay[:1])


def _free_cell(inst: UnitInstance, plan: UnitPlan, i: int, blocks: range, avoid: int) -> tuple:
    """A (block, division) after ``avoid`` where study i has μ left over by the plan."""
    used = Counter((s, b, k) for it in plan.itineraries.values() for s, b, k in it.studies)
    return next(
        (b, k)
        for b in blocks
        for k in range(inst.divisions)
        if b != avoid and inst.availability[b, k, i] > used[i, b, k]
    )


def _chair_second_block(add_to_stay: bool) -> Callable:
    def corrupt(inst: UnitInstance, plan: UnitPlan) -> tuple:
        p = _chair_with_two(plan)
        it = plan.itineraries[p]
        i, b, _k = it.studies[-1]
        b2, k2 = _free_cell(inst, plan, i, range(b, inst.blocks), avoid=b)
        stay = (*it.stay, b2) if add_to_stay else it.stay
        return inst, _with(plan, p, stay=stay, studies=(*it.studies[:-1], (i, b2, k2)))

    return corrupt


def _same_division(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _chair_with_two(plan)
    it = plan.itineraries[p]
    (i0, b, k0), (i1, _b1, _k1) = it.studies[0], it.studies[1]
    return inst, _with(plan, p, studies=((i0, b, k0), (i1, b, k0), *it.studies[2:]))


def _not_prescribed(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.in_bed)
    it = plan.itineraries[p]
    i = next(i for i in range(len(inst.study_names)) if i not in inst.patients[p].studies)
    b = it.stay[0]
    return inst, _with(plan, p, studies=(*it.studies, (i, b, inst.divisions - 1)))


def _twice_admitted(inst: UnitInstance, plan: UnitPlan) -> tuple:
    its = dict(plan.itineraries)
    p = _chair_with_two(plan)
    its[1000] = its[p]
    return inst, UnitPlan(inst, its)


def _study_out_of_bed(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.min_stay == 1 and len(it.studies) >= 2)
    it = plan.itineraries[p]
    i, b, _k = it.studies[-1]
    b2, k2 = _free_cell(inst, plan, i, range(b + 1, inst.blocks), avoid=b)
    return inst, _with(plan, p, studies=(*it.studies[:-1], (i, b2, k2)))


def _bed_before_admission(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.in_bed)
    return inst, _with(plan, p, admission=plan.itineraries[p].admission + 1)


def _chair_before_admission(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: not pat.in_bed)
    return inst, _with(plan, p, admission=plan.itineraries[p].admission + 1)


def _admitted_before_studies(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: not pat.in_bed and it.admission > pat.first_block)
    return inst, _with(plan, p, admission=plan.itineraries[p].admission - 1)


def _into_the_weekend(inst: UnitInstance, plan: UnitPlan) -> tuple:
    p = _first(plan, lambda pat, it: pat.min_stay == 2)
    it = plan.itineraries[p]
    sat_morning = it.admission // 14 * 14 + 10
    shift = sat_morning - it.admission
    return inst, _with(
        plan,
        p,
        admission=sat_morning,
        stay=tuple(b + shift for b in it.stay),
        studies=tuple((i, b + shift, k) for i, b, k in it.studies),
    )


TABLE3_CORRUPTIONS = {
    "a study in a division with μ = 0": (_zero_mu_division, "8"),
    "admitted before l_p": (_before_first_block, "25"),
    "D3 below the busiest block's admissions": (_admissions_over_d3, "24"),
    "D1 below the busiest block's beds": (_over_capacity("beds", "bed"), "22"),
    "D2 below the busiest block's chairs": (_over_capacity("chairs", "chair"), "23"),
    "a prescription dropped": (_drop_prescription, "21"),
    "a bed on Sunday": (_sunday_bed, "20"),
    "a stay shorter than nb_p": (_short_stay, "18"),
    "a chair patient's study in a second block": (_chair_second_block(False), "12"),
    "a chair patient in two blocks": (_chair_second_block(True), "6"),
    "two studies in one division": (_same_division, "7"),
    "a study not prescribed": (_not_prescribed, "4"),
    "admitted twice": (_twice_admitted, "9"),
    "a study out of bed": (_study_out_of_bed, "11"),
    "a bed before admission": (_bed_before_admission, "13"),
    "a chair before admission": (_chair_before_admission, "14"),
    "admitted a block before any study": (_admitted_before_studies, "10"),
    "a two-block stay from Saturday morning": (_into_the_weekend, "19"),
}


@pytest.mark.parametrize("case", list(TABLE3_CORRUPTIONS))
def test_checker_catches_corrupted_table3_plans(case: str, table3: UnitInstance, plans: dict):
    corrupt, number = TABLE3_CORRUPTIONS[case]
    inst, plan = corrupt(table3, plans["mip"])
    found = violations(inst, plan)
    assert number in numbers(found), found
    assert all(m.startswith("(") for m in found)


def test_four_admissions_in_a_block_with_d3_three(table3: UnitInstance) -> None:
    """A plan by hand: p1, p2, p8 and p11 all admitted in B9 (Friday morning)."""
    lab, rx, other, ent, echo, surgery = 0, 1, 7, 12, 10, 20
    plan = unit_plan(
        table3,
        [
            Itinerary(0, 8, (8, 9), ((lab, 8, 1), (rx, 8, 2), (surgery, 9, 0))),
            Itinerary(1, 8, (8,), ((lab, 8, 0), (other, 8, 1))),
            Itinerary(7, 8, (8,), ((ent, 8, 2),)),
            Itinerary(10, 8, (8, 9), ((rx, 8, 3), (other, 8, 4), (echo, 9, 2))),
        ],
    )
    found = violations(table3, plan)
    assert numbers(found) == {"24"}, found
    assert found == ["(24) B9: 4 admissions > 3"]
    assert violations(dataclasses.replace(table3, admissions_per_block=4), plan) == []


# ---------------------------------------------------------------- a hand-made unit, exact sets

# one week, studies S0–S2 offered to one patient in divisions 0–2 of every block
# (weekend too, so only the weekend rules forbid it), never in division 3
PLAY_MU = np.zeros((14, 4, 3), dtype=np.int64)
PLAY_MU[:, :3, :] = 1
PLAY_PATIENTS = [
    UnitPatient("q0", 3, 2, 0, (0, 1, 2)),  # a bed for two blocks
    UnitPatient("q1", 2, 1, 0, (0, 1)),  # a bed for one block
    UnitPatient("q2", 1, 0, 0, (0, 1)),  # a chair
    UnitPatient("q3", 2, 0, 2, (2,)),  # a chair from B3
]


@pytest.fixture(scope="module")
def play() -> UnitInstance:
    return unit_instance(PLAY_MU, PLAY_PATIENTS, beds=2, chairs=2, admissions=2)


@pytest.fixture(scope="module")
def play_plan(play: UnitInstance) -> UnitPlan:
    return unit_plan(
        play,
        [
            Itinerary(0, 0, (0, 1), ((0, 0, 0), (1, 0, 1), (2, 1, 0))),
            Itinerary(1, 2, (2,), ((0, 2, 0), (1, 2, 1))),
            Itinerary(2, 4, (4,), ((0, 4, 0), (1, 4, 1))),
            Itinerary(3, 4, (4,), ((2, 4, 2),)),
        ],
    )


def test_hand_made_plan_is_valid(play: UnitInstance, play_plan: UnitPlan) -> None:
    assert violations(play, play_plan) == []
    assert objective(play, play_plan) == pytest.approx(3 / 1 + 2 / 3 + 1 / 5 + 2 / 5)


EDGE_OF_THE_WEEKEND = {
    "a chair on Saturday afternoon": (3, Itinerary(3, 11, (11,), ((2, 11, 0),))),
    "one bed block on Saturday morning": (1, Itinerary(1, 10, (10,), ((0, 10, 0), (1, 10, 1)))),
    "two bed blocks Friday afternoon to Saturday morning": (
        0,
        Itinerary(0, 9, (9, 10), ((0, 9, 0), (1, 9, 1), (2, 10, 0))),
    ),
}


@pytest.mark.parametrize("case", list(EDGE_OF_THE_WEEKEND))
def test_edge_of_the_weekend_is_valid(case: str, play: UnitInstance, play_plan: UnitPlan):
    p, it = EDGE_OF_THE_WEEKEND[case]
    its = dict(play_plan.itineraries)
    its[p] = it
    assert violations(play, UnitPlan(play, its)) == []


def _it(p: int, admission: int, stay: tuple, studies: tuple) -> tuple[int, Itinerary]:
    return p, Itinerary(p, admission, stay, studies)


# name: (patient's new itinerary, or an instance change, expected constraint numbers)
PLAY_CORRUPTIONS = {
    "a division with μ = 0": (_it(2, 4, (4,), ((0, 4, 0), (1, 4, 3))), None, {"8"}),
    "two patients in a division with μ = 1": (
        _it(1, 4, (4,), ((0, 4, 0), (1, 4, 2))),
        None,
        {"8", "24"},
    ),
    "admitted before l_p": (_it(3, 0, (0,), ((2, 0, 2),)), None, {"25"}),
    "three admissions with D3 = 2": (_it(1, 4, (4,), ((0, 4, 1), (1, 4, 0))), None, {"24"}),
    "a prescription dropped": (_it(2, 4, (4,), ((0, 4, 0),)), None, {"21"}),
    "a bed patient's study not prescribed": (
        _it(1, 2, (2,), ((0, 2, 0), (1, 2, 1), (2, 2, 2))),
        None,
        {"4", "21"},
    ),
    "a bed patient's study twice": (
        _it(0, 0, (0, 1), ((0, 0, 0), (1, 0, 1), (2, 1, 0), (0, 1, 1))),
        None,
        {"4", "21"},
    ),
    "a chair patient's study twice": (
        _it(2, 4, (4,), ((0, 4, 0), (1, 4, 1), (0, 4, 2))),
        None,
        {"5", "21"},
    ),
    "a chair patient's study not prescribed": (
        _it(3, 4, (4,), ((2, 4, 2), (0, 4, 1))),
        None,
        {"5", "21"},
    ),
    "a chair in two blocks": (_it(2, 4, (4, 5), ((0, 4, 0), (1, 5, 1))), None, {"6"}),
    "a chair patient's study out of the chair": (
        _it(2, 4, (4,), ((0, 4, 0), (1, 5, 1))),
        None,
        {"12"},
    ),
    "two studies in one division": (_it(2, 4, (4,), ((0, 4, 0), (1, 4, 0))), None, {"7"}),
    "admitted before any study": (_it(3, 3, (4,), ((2, 4, 2),)), None, {"10"}),
    "a study out of bed": (_it(1, 2, (2,), ((0, 2, 0), (1, 3, 1))), None, {"2", "11"}),
    "a gap in the bed stay": (
        _it(0, 0, (0, 2), ((0, 0, 0), (1, 0, 1), (2, 2, 2))),
        None,
        {"2", "18"},
    ),
    "a bed block without a study": (
        _it(0, 0, (0, 1), ((0, 0, 0), (1, 0, 1), (2, 0, 2))),
        None,
        {"3"},
    ),
    "a bed before admission": (_it(1, 3, (2,), ((0, 2, 0), (1, 2, 1))), None, {"13", "16", "18"}),
    "a chair before admission": (_it(3, 5, (4,), ((2, 4, 2),)), None, {"14"}),
    "a stay longer than nb_p": (_it(1, 2, (2, 3), ((0, 2, 0), (1, 3, 1))), None, {"16"}),
    "admitted in B1 without a bed there": (
        _it(0, 0, (1, 2), ((0, 1, 0), (1, 1, 1), (2, 2, 2))),
        None,
        {"2", "10", "17", "18"},
    ),
    "a stay shorter than nb_p": (_it(0, 0, (0,), ((0, 0, 0), (1, 0, 1), (2, 0, 2))), None, {"18"}),
    "a chair on Sunday morning": (_it(3, 12, (12,), ((2, 12, 0),)), None, {"19"}),
    "a bed on Saturday afternoon": (
        _it(1, 11, (11,), ((0, 11, 0), (1, 11, 1))),
        None,
        {"19", "20"},
    ),
    "a two-block bed from Saturday morning": (
        _it(0, 10, (10, 11), ((0, 10, 0), (1, 10, 1), (2, 11, 0))),
        None,
        {"19", "20"},
    ),
    "a bed on Sunday": (_it(1, 2, (2, 12), ((0, 2, 0), (1, 12, 0))), None, {"2", "16", "20"}),
    "two beds with D1 = 1": (_it(1, 1, (1,), ((0, 1, 1), (1, 1, 2))), {"beds": 1}, {"22"}),
    "two chairs with D2 = 1": (None, {"chairs": 1}, {"23"}),
    "two admissions with D3 = 1": (None, {"admissions_per_block": 1}, {"24"}),
}


@pytest.mark.parametrize("case", list(PLAY_CORRUPTIONS))
def test_checker_reports_exactly_the_broken_constraints(
    case: str, play: UnitInstance, play_plan: UnitPlan
) -> None:
    change, unit_change, expected = PLAY_CORRUPTIONS[case]
    inst = dataclasses.replace(play, **unit_change) if unit_change else play
    its = dict(play_plan.itineraries)
    if change:
        its[change[0]] = change[1]
    found = violations(inst, UnitPlan(inst, its))
    assert numbers(found) == expected, found


def test_admitted_twice(play: UnitInstance, play_plan: UnitPlan) -> None:
    its = dict(play_plan.itineraries)
    its[99] = Itinerary(2, 6, (6,), ((0, 6, 0), (1, 6, 1)))
    found = violations(play, UnitPlan(play, its))
    assert numbers(found) == {"sanity", "6", "9"}, found
    assert "(9) patient 2 (q2) admitted 2 times" in found


SANITY = {
    "a division beyond K": _it(2, 4, (4,), ((0, 4, 0), (1, 4, 4))),
    "a block beyond |B|": _it(3, 14, (14,), ((2, 14, 0),)),
    "a study beyond S": _it(3, 4, (4,), ((2, 4, 2), (3, 4, 0))),
    "a patient not on the list": (3, Itinerary(7, 4, (4,), ((2, 4, 2),))),
    "the same study entry twice": _it(2, 4, (4,), ((0, 4, 0), (1, 4, 1), (1, 4, 1))),
}


@pytest.mark.parametrize("case", list(SANITY))
def test_checker_sanity(case: str, play: UnitInstance, play_plan: UnitPlan) -> None:
    key, it = SANITY[case]
    its = dict(play_plan.itineraries)
    its[key] = it
    found = violations(play, UnitPlan(play, its))
    assert "sanity" in numbers(found), found


# ---------------------------------------------------------------- tiny units, exhaustively

A, B, C = 0, 1, 2


def fifo_trap() -> UnitInstance:
    """One week, two divisions, D1 = 1, D3 = 1. t0 (low priority, first in line) takes the
    only early Laboratorio t1 (high priority, two bed blocks) needs in B1; t2 and t3 then
    compete for C in B3 and for that block's one admission."""
    mu = _mu(1, 2, 3, [(A, 0, 0), (A, 4, 0), (B, 1, 0), (B, 5, 0), (B, 2, 1)])
    mu += _mu(1, 2, 3, [(C, 0, 1), (C, 2, 0), (C, 6, 0)])
    patients = [
        UnitPatient("t0", 1, 0, 0, (A,)),
        UnitPatient("t1", 3, 2, 0, (A, B)),
        UnitPatient("t2", 2, 0, 0, (C,)),
        UnitPatient("t3", 2, 1, 1, (B, C)),
    ]
    return unit_instance(mu, patients, beds=1, chairs=2, admissions=1)


def random_unit(seed: int) -> UnitInstance:
    """One week, 2 divisions, 3 studies, μ ∈ {0, 1} (some weekend cells too), 5 patients."""
    rng = np.random.default_rng(seed)
    mu = (rng.random((14, 2, 3)) < 0.35).astype(np.int64)
    patients = []
    for j in range(5):
        nb = int(rng.choice([0, 0, 1, 2]))
        ns = int(rng.integers(max(1, nb), 3))
        studies = tuple(sorted(int(i) for i in rng.choice(3, size=ns, replace=False)))
        patients.append(
            UnitPatient(f"r{j}", int(rng.integers(1, 4)), nb, int(rng.integers(0, 6)), studies)
        )
    return unit_instance(
        mu,
        patients,
        beds=int(rng.integers(1, 3)),
        chairs=int(rng.integers(1, 3)),
        admissions=int(rng.integers(1, 3)),
    )


def test_fifo_trap_optimum() -> None:
    inst = fifo_trap()
    best, plan = brute_force(inst)
    # t1 in B1–B2 (3/1), t0 in B5 (1/5), t3 in B3 (2/3), t2 in B7 (2/7)
    assert best == pytest.approx(3 + 1 / 5 + 2 / 3 + 2 / 7)
    assert {p: it.admission for p, it in plan.itineraries.items()} == {0: 4, 1: 0, 2: 6, 3: 2}
    assert violations(inst, plan) == []

    mip_plan, solution = mip.solve_unit(inst, mip.UnitLimits(mip_gap=0.0))
    assert solution.status == "convergenceCriteriaSatisfied"
    assert violations(inst, mip_plan) == []
    assert mip_plan.objective == pytest.approx(best, abs=1e-6)

    first = fifo(inst)
    assert violations(inst, first) == []
    assert first.objective < best - 1e-3  # t0 took t1's Laboratorio: 1 + 3/5 + 2/3
    assert first.objective == pytest.approx(1 + 3 / 5 + 2 / 3)
    assert first.pending == [3]

    drawn = grasp(inst, iterations=10, seed=0)
    assert violations(inst, drawn) == []
    assert drawn.objective <= best + 1e-9


@pytest.mark.parametrize("seed", [101, 102, 112, 119, 124, 148])
def test_random_tiny_units_against_brute_force(seed: int) -> None:
    inst = random_unit(seed)
    best, plan = brute_force(inst)
    assert violations(inst, plan) == []
    mip_plan, solution = mip.solve_unit(inst, mip.UnitLimits(mip_gap=0.0))
    assert solution.status == "convergenceCriteriaSatisfied"
    assert violations(inst, mip_plan) == []
    assert mip_plan.objective == pytest.approx(best, abs=1e-6)
    for heuristic in (fifo(inst), grasp(inst, iterations=5, seed=seed)):
        assert violations(inst, heuristic) == []
        assert heuristic.objective <= best + 1e-9


@pytest.mark.parametrize("seed", [101, 102, 112, 119, 124, 148])
def test_package_itineraries_are_the_valid_ones(seed: int) -> None:
    """plan.itineraries from every admissible block = the checker's single-patient plans."""
    inst = random_unit(seed)
    for p, patient in enumerate(inst.patients):

        def key(it: Itinerary) -> tuple:
            return it.admission, it.stay, frozenset(it.studies)

        theirs = {
            key(it) for b in admission_blocks(inst, patient) for it in itineraries(inst, p, b)
        }
        assert theirs == {key(it) for it in own_itineraries(inst, p)}


def test_mip_start_from_grasp() -> None:
    inst = fifo_trap()
    start = grasp(inst, iterations=1, seed=3)
    plan, _solution = mip.solve_unit(inst, mip.UnitLimits(mip_gap=0.0), start=start)
    assert violations(inst, plan) == []
    assert plan.objective >= start.objective - 1e-9
    assert plan.objective == pytest.approx(3 + 1 / 5 + 2 / 3 + 2 / 7, abs=1e-6)
    model = mip.build_unit_model(inst)
    mip.set_values(model, inst, brute_force(inst)[1])
    assert _model_violations(model) == []


# ---------------------------------------------------------------- too little capacity


def short_units() -> dict[str, tuple[UnitInstance, int]]:
    """Units that cannot take every patient, with how many stay pending."""
    one = [UnitPatient(f"c{w}", w, 0, 0, (A,)) for w in (1, 2, 3)]
    return {
        "μ: two Laboratorio slots, three patients": (
            unit_instance(_mu(1, 2, 1, [(A, 0, 0), (A, 2, 0)]), one),
            1,
        ),
        "D3 = 1, one working block": (
            unit_instance(_mu(1, 2, 1, [(A, 0, 0), (A, 0, 1)]), one[:2], admissions=1),
            1,
        ),
        "D1 = 1, one working block": (
            unit_instance(
                _mu(1, 2, 1, [(A, 0, 0), (A, 0, 1)]),
                [UnitPatient(f"b{w}", w, 1, 0, (A,)) for w in (1, 2)],
                beds=1,
            ),
            1,
        ),
        "D2 = 1, one working block": (
            unit_instance(_mu(1, 2, 1, [(A, 0, 0), (A, 0, 1)]), one[:2], chairs=1),
            1,
        ),
        "a bed stay longer than the prescriptions": (
            unit_instance(
                np.ones((14, 2, 1), dtype=np.int64), [UnitPatient("long", 3, 2, 0, (A,))]
            ),
            1,
        ),
    }


@pytest.mark.parametrize("case", list(short_units()))
def test_too_little_capacity_leaves_patients_pending(case: str) -> None:
    inst, pending = short_units()[case]
    for plan in (fifo(inst), grasp(inst, iterations=5, seed=1)):
        assert violations(inst, plan) == []
        assert len(plan.pending) == pending
    plan, solution = mip.solve_unit(inst, mip.UnitLimits(mip_gap=0.0))
    assert solution.status == "convergenceCriteriaSatisfied"
    assert "warning" not in plan.info
    assert violations(inst, plan) == []
    assert len(plan.pending) == pending
    assert plan.objective == pytest.approx(brute_force(inst)[0], abs=1e-6)
    if len(inst.patients) > 1:  # the one left out is the lowest priority
        assert [inst.patients[p].priority for p in plan.pending] == [1]


# ---------------------------------------------------------------- GRASP


def test_grasp_same_seed_same_plan(table3: UnitInstance) -> None:
    one = grasp(table3, iterations=4, seed=5)
    two = grasp(table3, iterations=4, seed=5)
    assert one.itineraries == two.itineraries
    assert one.info == {"policy": "grasp", "iterations": 4}


def test_grasp_without_relaxation_admits_by_priority() -> None:
    """α = 0 for patients and blocks: the highest priority first, each at its earliest
    block, so the plan is fifo's on the list sorted by priority, whatever the seed.
    Three chair patients in request order w = 1, 2, 3 need Laboratorio, offered once in
    B1, B3 and B5."""
    inst = unit_instance(
        _mu(1, 2, 1, [(A, 0, 0), (A, 2, 0), (A, 4, 0)]),
        [UnitPatient(f"w{w}", w, 0, 0, (A,)) for w in (1, 2, 3)],
    )
    order = sorted(range(3), key=lambda p: -inst.patients[p].priority)
    by_priority = fifo(dataclasses.replace(inst, patients=[inst.patients[p] for p in order]))
    expected = {
        order[q]: dataclasses.replace(it, patient=order[q])
        for q, it in by_priority.itineraries.items()
    }
    for seed in range(4):
        plan = grasp(inst, iterations=3, alpha_patients=0.0, alpha_blocks=0.0, seed=seed)
        assert plan.itineraries == expected
        admitted = sorted(plan.itineraries, key=plan.admission)
        assert [inst.patients[p].priority for p in admitted] == [3, 2, 1]
    assert {p: it.admission for p, it in fifo(inst).itineraries.items()} == {0: 0, 1: 2, 2: 4}


# ---------------------------------------------------------------- the model's components


def test_model_components(table3: UnitInstance) -> None:
    model = mip.build_unit_model(table3)
    for name in COMPONENTS.values():
        assert model.component(name).ctype is pyo.Constraint, name
    objective_ = model.component("early_admissions")
    assert objective_.ctype is pyo.Objective and objective_.sense == pyo.maximize

    patients = table3.patients
    bed = [p for p, pat in enumerate(patients) if pat.min_stay > 0]
    assert len(bed) == 5
    assert len(model.no_bed_at_the_weekend) == len(bed) * len(weekend_blocks(4))
    assert len(model.no_admission_into_the_weekend) == sum(
        len(closed_admissions(pat.min_stay, 4)) for pat in patients
    )
    assert len(model.not_before_first_block) == sum(row[3] - 1 for row in TABLE3)
    for name in ("beds_available", "chairs_available", "admissions_per_block"):
        assert len(model.component(name)) == 56
    assert len(model.admitted_once) == 16
    assert len(model.one_chair_block) == 16 - len(bed)
    assert len(model.minimum_stay) == sum(56 - patients[p].min_stay + 1 for p in bed)
    for (i, b, k), row in model.study_availability.items():
        assert row.upper == table3.availability[b, k, i] > 0

    repn = generate_standard_repn(objective_.expr)
    coefficients = {v.name: c for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)}
    assert len(coefficients) == 16 * 56
    for p, b in [(0, 0), (3, 15), (15, 55)]:
        assert coefficients[f"adm[{p},{b}]"] == pytest.approx(PRIORITY[p] / (b + 1))


def test_a_node_limit_decides_the_plan_whatever_the_clock(table3: UnitInstance) -> None:
    """Work limits, not elapsed time, stop the search (Table 3 solves at the root node, so a
    one-node limit finds the same optimum); the same limits give the same plan."""
    start = grasp(table3, iterations=2, seed=3)
    limits = mip.UnitLimits(max_nodes=1, mip_gap=0.0)
    (first, solution), (second, _) = (mip.solve_unit(table3, limits, start) for _ in range(2))
    assert solution.status in {"convergenceCriteriaSatisfied", "iterationLimit"}
    assert first.itineraries == second.itineraries
    assert first.objective >= start.objective - 1e-9
    assert violations(table3, first) == []
