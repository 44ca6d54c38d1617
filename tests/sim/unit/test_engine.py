"""Playing a unit's plan under uncertainty (``sim.unit.engine``, ``sim.experiments.unit_runner``).

- ``realise`` is a function of (seed, replication) only; no_show and extra_block
  are probabilities per patient (0 → nobody, 1 → everybody, 0.3 → about 30 %);
  every study's durations follow its own distribution, in the instance's study
  order, from a stream of its own (so changing one probability moves no other
  draw);
- ``play`` on a hand-made one-week unit with a hand-made plan and ``UnitLuck``
  built directly: beds and chairs per block, no-shows and pending patients,
  the extra block (held after the stay, never on Saturday afternoon or Sunday,
  nor beyond the horizon; it can take the unit over its beds), study times in
  divisions of ``division_minutes`` from ``block_starts`` with μ places, and the
  blocks table, all checked against values worked out by hand below;
- ``unit_values`` on those records, every metric by hand;
- ``run_unit`` on the bundled ``day_hospital`` with fifo and a short GRASP:
  common random numbers, the summary's shape and its paired differences.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from policies import unit_planner
from sim.experiments.unit_runner import run_unit
from sim.outputs.rundir import summary_json
from sim.outputs.unit_report import render_unit
from sim.unit.engine import UNIT_METRICS, UnitLuck, play, realise, unit_values
from sim.unit.instance import UnitInstance, UnitPatient, instance_of
from sim.unit.plan import Itinerary, UnitPlan
from sim.unit.scenario import UnitScenario, load_unit, unit_from_mapping
from tests.support.load import both_cores_loaded
from tests.support.unit_plan_checker import unit_instance, unit_plan

# ---------------------------------------------------------------- realise


def _mapping(patients: int, no_show: float = 0.3, extra_block: float = 0.4, seed: int = 7) -> dict:
    """A one-week unit with three studies; the fixed one is the second (column 1)."""
    offered = [{"days": ["mon", "tue"], "part": "morning", "divisions": [0, 1], "patients": 1}]
    lognormal = {"dist": "lognormal", "mean": 20.0, "sd": 8.0}
    return {
        "name": "realise",
        "seed": seed,
        "unit": {
            "weeks": 1,
            "divisions": 4,
            "beds": 2,
            "chairs": 2,
            "admissions_per_block": 2,
            "no_show": no_show,
            "extra_block": extra_block,
            "studies": {
                "scan": {"duration": lognormal, "offered": offered},
                "lab": {"duration": {"dist": "fixed", "value": 12.5}, "offered": offered},
                "scan_again": {"duration": lognormal, "offered": offered},
            },
            "waiting_list": [
                {"name": f"p{n}", "min_stay": n % 2, "studies": ["lab"]} for n in range(patients)
            ],
        },
    }


N = 4000  # patients of the large waiting list


@pytest.fixture(scope="module")
def large() -> UnitScenario:
    return unit_from_mapping(_mapping(N))


def _same(a: UnitLuck, b: UnitLuck) -> bool:
    return (
        np.array_equal(a.no_show, b.no_show)
        and np.array_equal(a.extra_block, b.extra_block)
        and np.array_equal(a.durations, b.durations)
    )


def test_realise_shapes_follow_the_waiting_list_and_the_studies(large: UnitScenario) -> None:
    luck = realise(large, 0)
    assert luck.no_show.shape == (N,) and luck.no_show.dtype == bool
    assert luck.extra_block.shape == (N,) and luck.extra_block.dtype == bool
    assert luck.durations.shape == (N, 3)


def test_realise_depends_only_on_seed_and_replication(large: UnitScenario) -> None:
    again = unit_from_mapping(_mapping(N))  # another object, the same seed
    assert _same(realise(large, 3), realise(again, 3))
    assert _same(realise(large, 3), realise(large, 3))
    zero, one = realise(large, 0), realise(large, 1)
    assert not np.array_equal(zero.no_show, one.no_show)
    assert not np.array_equal(zero.extra_block, one.extra_block)
    assert not np.array_equal(zero.durations[:, 0], one.durations[:, 0])
    other_seed = realise(unit_from_mapping(_mapping(N, seed=8)), 0)
    assert not np.array_equal(zero.no_show, other_seed.no_show)
    assert not np.array_equal(zero.durations[:, 0], other_seed.durations[:, 0])


@pytest.mark.parametrize("field", ["no_show", "extra_block"])
def test_probability_zero_is_nobody_and_one_is_everybody(field: str) -> None:
    nobody = realise(unit_from_mapping(_mapping(N, **{field: 0.0})), 0)
    everybody = realise(unit_from_mapping(_mapping(N, **{field: 1.0})), 0)
    assert not getattr(nobody, field).any()
    assert getattr(everybody, field).all()


def test_probabilities_are_shares_and_streams_are_separate(large: UnitScenario) -> None:
    luck = realise(large, 0)
    # 4000 draws: the share's standard error is about 0.0075, the tolerance 0.03 (4 se)
    assert luck.no_show.mean() == pytest.approx(0.3, abs=0.03)
    assert luck.extra_block.mean() == pytest.approx(0.4, abs=0.03)
    # no_show and extra_block are drawn apart (independent, not the same uniforms, which
    # would make every no-show also an extra block): both happen to 0.3 × 0.4 = 12 %
    assert (luck.no_show & ~luck.extra_block).any()
    assert (luck.no_show & luck.extra_block).mean() == pytest.approx(0.12, abs=0.02)
    # a higher no_show moves no other draw, and who missed still misses (same uniforms)
    more = realise(unit_from_mapping(_mapping(N, no_show=0.6)), 0)
    assert np.array_equal(more.durations, luck.durations)
    assert np.array_equal(more.extra_block, luck.extra_block)
    assert np.all(more.no_show[luck.no_show])
    assert more.no_show.sum() > luck.no_show.sum()


def test_durations_follow_each_studys_distribution(large: UnitScenario) -> None:
    durations = realise(large, 0).durations
    assert np.all(durations[:, 1] == 12.5)  # "lab", fixed, is the second study
    for column in (0, 2):  # lognormal, mean 20, sd 8
        sample = durations[:, column]
        assert np.all(sample > 0)
        # se of the mean 8 / √4000 ≈ 0.13: tolerance 0.6 (about 5 se); sd within 10 %
        assert sample.mean() == pytest.approx(20.0, abs=0.6)
        assert sample.std(ddof=1) == pytest.approx(8.0, rel=0.1)
        sigma2 = math.log1p((8 / 20) ** 2)  # log-scale parameters of that lognormal
        assert np.log(sample).mean() == pytest.approx(math.log(20) - sigma2 / 2, abs=0.02)
        assert np.log(sample).std(ddof=1) == pytest.approx(math.sqrt(sigma2), rel=0.05)
    # the two lognormal studies draw from streams of their own
    assert not np.array_equal(durations[:, 0], durations[:, 2])
    assert abs(np.corrcoef(durations[:, 0], durations[:, 2])[0, 1]) < 0.1


# ---------------------------------------------------------------- play, a hand-made unit

# One week, 4 divisions a block, Monday morning (B1) to Saturday morning (B11):
#   S0: one place in every division; S1: two places in division 0; S2: one in division 3.
# Each working block offers 4 + 2 + 1 = 7 places, 11 working blocks: 77 in all.
MU = np.zeros((14, 4, 3), dtype=np.int64)
MU[0:11, :, 0] = 1
MU[0:11, 0, 1] = 2
MU[0:11, 3, 2] = 1

PATIENTS = [
    UnitPatient("a", 3, 2, 0, (0, 1)),  # bed, two blocks
    UnitPatient("b", 2, 1, 0, (0, 1)),  # bed, one block, admitted a block after l_p
    UnitPatient("c", 3, 0, 0, (0, 2)),  # chair
    UnitPatient("d", 1, 0, 0, (1,)),  # chair, will miss its admission (wait would be 2)
    UnitPatient("e", 1, 0, 3, (2,)),  # pending
]
A, B, C, D, E = range(5)

ITINERARIES = [
    Itinerary(A, 0, (0, 1), ((0, 0, 0), (1, 1, 0))),  # S0 Mon am div 0, S1 Mon pm div 0
    Itinerary(B, 1, (1,), ((1, 1, 0), (0, 1, 1))),  # S1 Mon pm div 0 (with a), S0 div 1
    Itinerary(C, 0, (0,), ((0, 0, 1), (2, 0, 3))),  # S0 Mon am div 1 (after a), S2 div 3
    Itinerary(D, 2, (2,), ((1, 2, 0),)),  # Tue am
]

# minutes per patient (row) and study (column); 99 where no study is done
DURATIONS = np.array(
    [
        [45.0, 20.0, 99.0],
        [10.0, 35.0, 99.0],
        [25.0, 99.0, 50.0],
        [99.0, 30.0, 99.0],
        [99.0, 99.0, 99.0],
    ]
)


def _luck(no_show: tuple[int, ...] = (D,), extra: tuple[int, ...] = ()) -> UnitLuck:
    n = len(PATIENTS)
    return UnitLuck(np.isin(np.arange(n), no_show), np.isin(np.arange(n), extra), DURATIONS.copy())


@pytest.fixture
def inst() -> UnitInstance:
    return unit_instance(MU.copy(), list(PATIENTS), beds=2, chairs=2, admissions=3)


@pytest.fixture
def plan(inst: UnitInstance) -> UnitPlan:
    return unit_plan(inst, list(ITINERARIES))


def _study_rows(records) -> set[tuple]:
    columns = ["patient", "study", "block", "division", "start", "end", "late"]
    return {tuple(row) for row in records.studies[columns].itertuples(index=False)}


# Studies by hand (Monday morning starts at 480, afternoon at 720, divisions of 30 min):
#   S0 B1: a div 0 480–525 (late 525 − 510 = 15); c div 1 opens 510, the place frees
#          at 525: 525–550, late 550 − 540 = 10 = its 25 min − 15
#   S2 B1: c div 3 570–620, late 620 − 600 = 20
#   S1 B2: a and b in div 0, μ = 2: both at 720; a ends 740 (on time), b 755 (late 5)
#   S0 B2: b div 1 opens 750, but b is in S1 until 755: 755–765, on time (ends by 780)
#   d misses Tuesday: nothing in B3
EXPECTED_STUDIES = {
    ("a", "S0", 1, 0, 480.0, 525.0, 15.0),
    ("c", "S0", 1, 1, 525.0, 550.0, 10.0),
    ("c", "S2", 1, 3, 570.0, 620.0, 20.0),
    ("a", "S1", 2, 0, 720.0, 740.0, 0.0),
    ("b", "S1", 2, 0, 720.0, 755.0, 5.0),
    ("b", "S0", 2, 1, 755.0, 765.0, 0.0),
}


def test_hand_made_instance_calendar(inst: UnitInstance) -> None:
    assert inst.weekend_blocks() == {11, 12, 13}
    assert list(inst.working) == [True] * 11 + [False] * 3
    assert (inst.division_start(0, 1), inst.division_start(1, 0)) == (510, 720)


def test_studies_start_when_the_division_opens_or_the_place_frees(
    inst: UnitInstance, plan: UnitPlan
) -> None:
    records = play(inst, plan, _luck())
    assert len(records.studies) == len(EXPECTED_STUDIES)
    assert _study_rows(records) == EXPECTED_STUDIES


def test_late_is_measured_from_the_divisions_end_with_other_times(
    inst: UnitInstance, plan: UnitPlan
) -> None:
    """Divisions of 20 min from 9:00 and 13:00: a's S0 540–585 (late 585 − 560 = 25), c's
    opens 560 and starts at 585: 585–610, late 610 − 580 = 30; c's S2 div 3 opens 600 but
    waits for c: 610–660, late 660 − 620 = 40; Monday afternoon: S1 780–800 and 780–815 (late 15),
    then b's S0 waits for b: 815–825, late 825 − 820 = 5."""
    other = dataclasses.replace(inst, division_minutes=20, block_starts=(540, 780))
    records = play(other, unit_plan(other, list(ITINERARIES)), _luck())
    assert _study_rows(records) == {
        ("a", "S0", 1, 0, 540.0, 585.0, 25.0),
        ("c", "S0", 1, 1, 585.0, 610.0, 30.0),
        ("c", "S2", 1, 3, 610.0, 660.0, 40.0),
        ("a", "S1", 2, 0, 780.0, 800.0, 0.0),
        ("b", "S1", 2, 0, 780.0, 815.0, 15.0),
        ("b", "S0", 2, 1, 815.0, 825.0, 5.0),
    }


def test_a_short_first_study_leaves_the_next_on_time(inst: UnitInstance, plan: UnitPlan) -> None:
    luck = _luck()
    luck.durations[A, 0] = 25.0  # a's S0 ends 505, before c's division opens at 510
    rows = _study_rows(play(inst, plan, luck))
    assert ("a", "S0", 1, 0, 480.0, 505.0, 0.0) in rows
    assert ("c", "S0", 1, 1, 510.0, 535.0, 0.0) in rows


def test_occupancy_no_shows_and_pending(inst: UnitInstance, plan: UnitPlan) -> None:
    records = play(inst, plan, _luck())
    blocks = records.blocks
    assert list(blocks["block"]) == list(range(1, 15))
    assert list(blocks["beds"]) == [1, 2] + [0] * 12  # a in B1–B2, b in B2
    assert list(blocks["chairs"]) == [1] + [0] * 13  # c in B1; d missed B3
    patients = records.patients.set_index("patient")
    assert list(patients["status"]) == ["admitted", "admitted", "admitted", "no_show", "pending"]
    assert list(patients["place"]) == ["bed", "bed", "chair", "chair", "chair"]
    assert list(patients.loc[["a", "b", "c", "d"], "admission"]) == [1, 2, 1, 3]
    assert list(patients["first_block"]) == [1, 1, 1, 1, 4]
    assert pd.isna(patients.loc["e", "admission"]) and pd.isna(patients.loc["e", "wait_blocks"])
    assert list(patients.loc[["a", "b", "c", "d"], "wait_blocks"]) == [0, 1, 0, 2]
    assert not patients["extra_block"].any()


def test_a_no_show_leaves_its_bed_and_its_study_places_empty(
    inst: UnitInstance, plan: UnitPlan
) -> None:
    records = play(inst, plan, _luck(no_show=(A, D)))
    assert list(records.blocks["beds"][:3]) == [0, 1, 0]  # only b, in B2
    rows = _study_rows(records)
    assert not any(row[0] == "a" for row in rows)
    # c's S0 no longer waits for a's 45 minutes: it starts when its division opens
    assert ("c", "S0", 1, 1, 510.0, 535.0, 0.0) in rows
    assert ("b", "S1", 2, 0, 720.0, 755.0, 5.0) in rows
    assert records.patients.set_index("patient").loc["a", "status"] == "no_show"
    assert list(records.blocks["studies"][:3]) == [2, 2, 0]


def test_blocks_table_offered_and_done(inst: UnitInstance, plan: UnitPlan) -> None:
    blocks = play(inst, plan, _luck()).blocks
    assert len(blocks) == 14
    assert list(blocks["offered"]) == [7] * 11 + [0] * 3
    assert list(blocks["studies"]) == [3, 3] + [0] * 12  # d's study in B3 is not done
    assert list(blocks["working"]) == [True] * 11 + [False] * 3
    assert list(blocks["weekday"][:3]) == ["mon", "mon", "tue"]
    assert list(blocks["part"][:2]) == ["morning", "afternoon"]


def test_an_extra_block_holds_the_bed_one_block_more(inst: UnitInstance, plan: UnitPlan) -> None:
    records = play(inst, plan, _luck(extra=(A, C, D)))
    # a's stay B1–B2 and one more in B3; c is in a chair and d did not come: nothing more
    assert list(records.blocks["beds"][:4]) == [1, 2, 1, 0]
    assert list(records.blocks["chairs"][:4]) == [1, 0, 0, 0]
    flags = records.patients.set_index("patient")["extra_block"]
    assert list(flags) == [True, False, False, False, False]


def _one_bed_patient(weeks: int, last: int) -> tuple[UnitInstance, UnitPlan]:
    mu = np.zeros((weeks * 14, 4, 1), dtype=np.int64)
    mu[:, 0, 0] = 1
    inst = unit_instance(mu, [UnitPatient("x", 2, 1, 0, (0,))], beds=1)
    return inst, unit_plan(inst, [Itinerary(0, last, (last,), ((0, last, 0),))])


@pytest.mark.parametrize(
    ("weeks", "last", "held"),
    [
        (1, 9, 10),  # Friday afternoon → Saturday morning: held
        (1, 10, None),  # Saturday morning → Saturday afternoon (0-based 11): home
        (1, 11, None),  # → Sunday morning (12)
        (1, 12, None),  # → Sunday afternoon (13)
        (1, 13, None),  # → beyond the horizon (14)
        (2, 13, 14),  # → Monday morning of week 2: held
        (2, 23, 24),  # → Saturday morning of week 2: held
        (2, 24, None),  # → Saturday afternoon of week 2 (25): home
        (2, 26, None),  # → Sunday afternoon of week 2 (27)
    ],
)
def test_extra_block_never_on_the_weekend_nor_beyond_the_horizon(
    weeks: int, last: int, held: int | None
) -> None:
    inst, plan = _one_bed_patient(weeks, last)
    beds = play(inst, plan, UnitLuck(np.array([False]), np.array([True]), np.full((1, 1), 20.0)))
    expected = np.zeros(weeks * 14, dtype=np.int64)
    expected[last] = 1
    if held is not None:
        expected[held] = 1
    assert list(beds.blocks["beds"]) == list(expected)


def test_an_extra_block_can_take_the_unit_over_its_beds(inst: UnitInstance) -> None:
    one_bed = dataclasses.replace(inst, beds=1)
    # a in B1–B2, b admitted in B3: the one bed is a's again in B3 if a needs a block more
    plan = unit_plan(
        one_bed,
        [ITINERARIES[A], Itinerary(B, 2, (2,), ((1, 2, 0), (0, 2, 1)))],
    )
    over = play(one_bed, plan, _luck(no_show=(), extra=(A,)))
    assert list(over.blocks["beds"][:4]) == [1, 1, 2, 0]
    assert unit_values(one_bed, plan, over)["bed_overflow"] == 1.0
    fits = play(one_bed, plan, _luck(no_show=()))
    assert list(fits.blocks["beds"][:4]) == [1, 1, 1, 0]
    assert unit_values(one_bed, plan, fits)["bed_overflow"] == 0.0


# ---------------------------------------------------------------- unit_values by hand


def test_unit_values_by_hand(inst: UnitInstance, plan: UnitPlan) -> None:
    values = unit_values(inst, plan, play(inst, plan, _luck()))
    assert set(values) == set(UNIT_METRICS)
    # Σ w / (admission + 1) over every planned patient, d's missed one included
    assert values["objective"] == pytest.approx(3 / 1 + 2 / 2 + 3 / 1 + 1 / 3)
    assert values["objective"] == pytest.approx(plan.objective)
    assert (values["admitted"], values["pending"], values["no_show"]) == (3.0, 1.0, 1.0)
    # waits of the admitted a 0, b 1, c 0 (d's 2 does not count)
    assert values["wait_blocks"] == pytest.approx(1 / 3)
    assert values["wait_blocks.p3"] == 0.0  # a and c
    assert values["wait_blocks.p2"] == 1.0  # b
    assert math.isnan(values["wait_blocks.p1"])  # d missed, e pending: nobody admitted
    # beds 1 + 2 and chairs 1 over the 11 working blocks, D1 = D2 = 2
    assert values["bed_occupancy"] == pytest.approx(3 / 11 / 2)
    assert values["chair_occupancy"] == pytest.approx(1 / 11 / 2)
    assert values["bed_overflow"] == 0.0
    assert values["study_use"] == pytest.approx(6 / 77)
    # late: a's S0 15, c's S0 10, c's S2 20, b's S1 5 → 4 of 6, mean 12.5
    assert values["late_studies"] == pytest.approx(4 / 6)
    assert values["lateness"] == pytest.approx(12.5)


def test_a_late_study_does_not_hold_the_patient_back_the_next_day(inst: UnitInstance) -> None:
    """a in a bed Monday afternoon and Tuesday morning: S1 on Monday runs to 17:00, S0 on
    Tuesday still starts at 8:00 (times are minutes of the day)."""
    overnight = Itinerary(A, 1, (1, 2), ((1, 1, 0), (0, 2, 0)))
    luck = _luck(no_show=())
    luck.durations[A, 1] = 300.0
    rows = _study_rows(play(inst, unit_plan(inst, [overnight]), luck))
    assert rows == {
        ("a", "S1", 2, 0, 720.0, 1020.0, 270.0),
        ("a", "S0", 3, 0, 480.0, 525.0, 15.0),
    }


def test_a_patients_own_studies_never_overlap(bundled: UnitScenario) -> None:
    """Slow studies (every duration × 3) on the bundled plans: each patient's studies
    follow one another, each no earlier than its division."""
    inst = instance_of(bundled)
    plan = unit_planner("fifo", bundled)(inst)
    luck = realise(bundled, 0)
    slow = dataclasses.replace(luck, durations=luck.durations * 3)
    studies = play(inst, plan, slow).studies
    assert (studies["late"] > 0).any()  # the case is one where studies do run late
    for _patient, own in studies.sort_values("start").groupby("patient"):
        assert (own["start"].to_numpy()[1:] >= own["end"].to_numpy()[:-1]).all()
    cells = zip(studies["block"], studies["division"], strict=True)
    opens = [inst.division_start(b - 1, k) for b, k in cells]
    assert (studies["start"].to_numpy() >= opens).all()


def test_unit_values_when_the_extra_block_is_a_weekday(inst: UnitInstance, plan: UnitPlan) -> None:
    values = unit_values(inst, plan, play(inst, plan, _luck(extra=(A,))))
    assert values["bed_occupancy"] == pytest.approx(4 / 11 / 2)  # a's B3 counts


def test_unit_values_with_nothing_late_or_done(inst: UnitInstance, plan: UnitPlan) -> None:
    quick = _luck()
    quick.durations[:] = 5.0
    values = unit_values(inst, plan, play(inst, plan, quick))
    assert values["late_studies"] == 0.0
    assert math.isnan(values["lateness"])
    nobody = unit_values(inst, plan, play(inst, plan, _luck(no_show=(A, B, C, D))))
    assert (nobody["admitted"], nobody["no_show"]) == (0.0, 4.0)
    assert math.isnan(nobody["wait_blocks"]) and math.isnan(nobody["late_studies"])
    assert nobody["study_use"] == 0.0 and nobody["bed_occupancy"] == 0.0
    assert nobody["objective"] == pytest.approx(plan.objective)


# ---------------------------------------------------------------- run_unit on the bundled unit

SPECS = ["fifo", "grasp"]
REPS = 3


@pytest.fixture(scope="module")
def bundled() -> UnitScenario:
    return load_unit(
        "day_hospital",
        ["policies.grasp.iterations=5", "unit.no_show=0.2", "unit.extra_block=0.3"],
    )


@pytest.fixture(scope="module")
def run(bundled: UnitScenario):
    return run_unit(bundled, SPECS, REPS)


def test_run_plans_once_per_policy(run) -> None:
    assert run.policies == SPECS and run.reps == REPS
    assert list(run.plans) == SPECS and set(run.info["plan_seconds"]) == set(SPECS)
    assert run.plans["grasp"].info == {"policy": "grasp", "iterations": 5}
    # both plans admit the whole waiting list, so no-shows are the same patients
    for spec in SPECS:
        assert run.plans[spec].pending == []


def test_run_plays_every_policy_with_the_same_luck(run, bundled: UnitScenario) -> None:
    inst = instance_of(bundled)
    for rep in range(REPS):
        luck = realise(bundled, rep)
        for spec in SPECS:
            plan = run.plans[spec]
            expected = unit_values(inst, plan, play(inst, plan, luck))
            got = {m: run.values[spec][m][rep] for m in UNIT_METRICS}
            assert got == pytest.approx(expected, nan_ok=True)
        # everybody is planned, so the no-shows of a replication are realise's
        misses = float(luck.no_show.sum())
        assert run.values["fifo"]["no_show"][rep] == run.values["grasp"]["no_show"][rep] == misses
    counts = run.values["fifo"]["no_show"]
    assert len(set(counts)) > 1  # the replications do differ
    first = {spec: run.records(spec).patients for spec in SPECS}
    missed = {
        spec: set(first[spec].loc[first[spec]["status"] == "no_show", "patient"]) for spec in SPECS
    }
    assert missed["fifo"] == missed["grasp"]
    names = [p.name for p in inst.patients]
    assert missed["fifo"] == {names[p] for p in np.flatnonzero(realise(bundled, 0).no_show)}


def test_run_summary_has_summary_json_shape(run, bundled: UnitScenario) -> None:
    summary = run.summary
    assert summary["scenario"] == bundled.name and summary["seed"] == 20160502
    assert (summary["reps"], summary["baseline"]) == (REPS, "fifo")
    assert list(summary["policies"]) == SPECS
    assert list(summary["paired"]) == ["grasp"]
    for spec in SPECS:
        assert list(summary["policies"][spec]) == list(UNIT_METRICS)
        for metric in UNIT_METRICS:
            cell = summary["policies"][spec][metric]
            assert set(cell) == {"mean", "ci95", "p50", "p90"}
            assert isinstance(cell["ci95"], list) and len(cell["ci95"]) == 2
            values = np.asarray(run.values[spec][metric], dtype=float)
            assert len(values) == REPS
            values = values[~np.isnan(values)]
            if len(values):
                assert cell["mean"] == pytest.approx(values.mean())
                low, high = cell["ci95"]
                assert low <= cell["mean"] + 1e-12 and cell["mean"] <= high + 1e-12
            else:
                assert cell["mean"] is None and cell["ci95"] == [None, None]
    assert list(summary["paired"]["grasp"]) == list(UNIT_METRICS)


def test_run_paired_differences_are_per_replication(run) -> None:
    paired = run.summary["paired"]["grasp"]
    for metric in UNIT_METRICS:
        diffs = np.asarray(run.values["grasp"][metric]) - np.asarray(run.values["fifo"][metric])
        diffs = diffs[~np.isnan(diffs)]
        cell = paired[metric]
        assert set(cell) == {"diff", "ci95", "p_value"}
        assert cell["diff"] == pytest.approx(diffs.mean())
    # the objective does not depend on the luck: the same difference every replication
    objective = run.plans["grasp"].objective - run.plans["fifo"].objective
    assert objective != 0
    assert paired["objective"]["diff"] == pytest.approx(objective)
    assert paired["objective"]["ci95"] == pytest.approx([objective, objective])
    assert paired["no_show"]["diff"] == 0.0  # the same no-shows under both plans


def test_plans_stopped_by_the_clock_guard_are_counted_and_named() -> None:
    guarded = load_unit("day_hospital", ["policies.mip.guard_seconds=0.000001"])
    done = run_unit(guarded, ["fifo", "mip"], 2)
    solver = done.summary["solver"]
    assert list(solver) == ["mip"]  # a heuristic has no solver
    assert solver["mip"] == {"plans": 1, "statuses": {"time_guard": 1}, "time_guard_plans": 1}
    assert "the clock guard stopped 1 plan(s)" in render_unit(done, "en")


def test_the_units_summary_is_the_same_bytes_under_load() -> None:
    """The unit's MIP stops by work limits (nodes, gap), so a loaded machine gets the same
    plans and numbers; sampled lists make every replication solve anew."""
    scenario = load_unit("day_hospital", ["unit.demand.per_week=3", "policies.grasp.iterations=5"])

    def summary() -> str:
        return summary_json(run_unit(scenario, ["grasp", "mip"], 2).summary)

    quiet = summary()
    with both_cores_loaded():
        loaded = summary()
    assert loaded == quiet
