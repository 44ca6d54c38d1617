"""A unit's sampled waiting list (``unit.demand``), the runs that plan it replication by
replication, the run directory of a unit (written, read back, reported, listed) and the
per-block figures.

Statistical checks use 400 replications' lists with fixed seeds (deterministic) and
state their tolerance: about four standard errors.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from scenarios import bundled_path
from sim.experiments.store import ResultStore
from sim.experiments.unit_runner import run_unit
from sim.outputs.unit_figures import block_means, occupancy_per_block, studies_per_block
from sim.outputs.unit_rundir import is_unit_run, load_unit_run, unit_run_info, write_unit_run
from sim.problems import ScenarioError
from sim.unit.demand import OPEN_BLOCKS_A_WEEK, waiting_list
from sim.unit.instance import BLOCKS_PER_WEEK, UnitInstance
from sim.unit.scenario import UnitScenario, load_unit, unit_from_mapping
from tests.support.cli import clinicsim

PER_WEEK = 10
LISTS = 400


@pytest.fixture(scope="module")
def sampled() -> UnitScenario:
    return load_unit("day_hospital", [f"unit.demand.per_week={PER_WEEK}"])


@pytest.fixture(scope="module")
def drawn(sampled: UnitScenario) -> list:
    """The sampled part of 400 replications' lists."""
    fixed = len(sampled.unit.waiting_list)
    return [waiting_list(sampled, rep)[fixed:] for rep in range(LISTS)]


def raw() -> dict:
    return yaml.safe_load(bundled_path("day_hospital").read_text(encoding="utf-8"))


def problems_of(overrides: tuple[str, ...] = (), change=None) -> list[str]:
    mapping = raw()
    if change is not None:
        change(mapping["unit"]["demand"])
    with pytest.raises(ScenarioError) as caught:
        unit_from_mapping(mapping, overrides, source="unit.yaml")
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


# ---------------------------------------------------------------- the lists


def test_no_demand_a_week_is_the_fixed_list() -> None:
    bundled = load_unit("day_hospital")
    assert bundled.unit.demand is not None and bundled.unit.demand.per_week == 0
    assert waiting_list(bundled, 3) == list(bundled.unit.waiting_list)


def test_the_sampled_list_follows_the_fixed_one_and_depends_on_seed_and_rep(
    sampled: UnitScenario,
) -> None:
    first = waiting_list(sampled, 0)
    assert first[:16] == list(sampled.unit.waiting_list)
    assert len(first) > 16
    assert first == waiting_list(sampled, 0)
    assert first != waiting_list(sampled, 1)
    other_seed = load_unit("day_hospital", [f"unit.demand.per_week={PER_WEEK}", "seed=7"])
    assert waiting_list(other_seed, 0) != first
    names = [p.name for p in first]
    assert len(set(names)) == len(names)


def test_patients_a_week_are_poisson_with_the_mean_asked(drawn: list) -> None:
    weeks = 4
    counts = np.array([len(extra) for extra in drawn])
    expected = PER_WEEK * weeks
    # Poisson: variance = mean; tolerance 4 standard errors of the mean
    assert abs(counts.mean() - expected) < 4 * math.sqrt(expected / LISTS)
    assert abs(counts.var(ddof=1) / expected - 1) < 0.25


def test_first_blocks_fall_on_the_weeks_open_blocks(drawn: list) -> None:
    firsts = np.array([p.first_block - 1 for extra in drawn for p in extra])
    within_week = firsts % BLOCKS_PER_WEEK
    assert within_week.min() == 0 and within_week.max() == OPEN_BLOCKS_A_WEEK - 1
    assert set(firsts // BLOCKS_PER_WEEK) == {0, 1, 2, 3}
    share = np.bincount(within_week, minlength=OPEN_BLOCKS_A_WEEK) / len(within_week)
    se = math.sqrt((1 / 11) * (10 / 11) / len(within_week))
    assert np.all(np.abs(share - 1 / OPEN_BLOCKS_A_WEEK) < 4 * se)


def test_classes_follow_their_shares_and_their_prescriptions(
    sampled: UnitScenario, drawn: list
) -> None:
    classes = sampled.unit.demand.classes
    patients = [p for extra in drawn for p in extra]
    n = len(patients)
    by_class: dict[str, list] = {key: [] for key in classes}
    for p in patients:
        by_class[p.name.rsplit("-", 1)[0]].append(p)
    for key, cls in classes.items():
        share = len(by_class[key]) / n
        assert abs(share - cls.share) < 4 * math.sqrt(cls.share * (1 - cls.share) / n), key
        for p in by_class[key]:
            assert (p.priority, p.min_stay) == (cls.priority, cls.min_stay)
            assert p.studies[: len(cls.studies)] == cls.studies
            assert set(p.studies[len(cls.studies) :]) <= set(cls.maybe)
        for study, chance in cls.maybe.items():
            got = np.mean([study in p.studies for p in by_class[key]])
            assert abs(got - chance) < 4 * math.sqrt(chance * (1 - chance) / len(by_class[key]))


# ---------------------------------------------------------------- checks


def test_shares_must_sum_to_one() -> None:
    def halve(demand: dict) -> None:
        demand["classes"]["dental"]["share"] = 0.05

    assert problems_of(change=halve) == ["unit.demand.classes: shares must sum to 1, got 0.95"]


def test_a_class_names_only_defined_studies() -> None:
    def unknown(demand: dict) -> None:
        demand["classes"]["dental"]["studies"] = ["dentist"]
        demand["classes"]["imaging"]["maybe"] = {"scan": 0.5, "ultrasound": 0.2}

    problems = sorted(problems_of(change=unknown))
    assert len(problems) == 3
    assert problems[0].startswith("unit.demand.classes.dental.studies: no study ['dentist']")
    assert problems[1] == "unit.demand.classes.imaging.maybe: ['ultrasound'] already in studies"
    assert problems[2].startswith("unit.demand.classes.imaging.maybe: no study ['scan']")


def test_a_stay_needs_a_study_in_every_block() -> None:
    problems = problems_of(("unit.demand.classes.dental.min_stay=2",))
    assert problems == [
        "unit.demand.classes.dental.min_stay: a stay of 2 blocks needs a study in every "
        "block (constraint (3)), got 1 studies"
    ]
    fixed = problems_of(("unit.waiting_list.5.min_stay=3",))  # p6 has one study
    assert fixed[0].startswith("unit.waiting_list.p6.min_stay: a stay of 3 blocks")


def test_probabilities_and_counts_are_bounded() -> None:
    def wrong(demand: dict) -> None:
        demand["classes"]["imaging"]["maybe"] = {"other_2": 1.5}

    assert problems_of(change=wrong) == [
        "unit.demand.classes.imaging.maybe: probabilities in [0, 1], got {'other_2': 1.5}"
    ]
    negative = problems_of(("unit.demand.per_week=-1",))
    assert negative[0].startswith("unit.demand.per_week")


# ---------------------------------------------------------------- runs with a sampled list


@pytest.fixture(scope="module")
def run(sampled: UnitScenario):
    fast = sampled.model_copy(deep=True)
    fast.policies["grasp"] = {"iterations": 5}
    return run_unit(fast, ["fifo", "grasp"], 3)


def test_every_replication_plans_its_own_list(run, sampled: UnitScenario) -> None:
    assert run.info["plans_per_policy"] == 3 and run.info["sampled_waiting_list"]
    patients = run.tables["patients"]
    for rep in range(3):
        names = {
            spec: list(patients[(patients["policy"] == spec) & (patients["rep"] == rep)]["patient"])
            for spec in ("fifo", "grasp")
        }
        assert names["fifo"] == names["grasp"]  # both policies plan the same list
        assert names["fifo"] == [p.name for p in waiting_list(sampled, rep)]
    assert [p.name for p in run.instance.patients] == [p.name for p in waiting_list(sampled, 0)]
    admitted = run.values["fifo"]["admitted"]
    assert len(set(admitted)) > 1  # lists differ between replications


def test_progress_counts_every_plan_and_replication() -> None:
    """From nothing done to the total, one task at a time: a fixed list is planned once
    per policy, a sampled one every replication, and each policy plays each replication."""
    fixed: list[tuple[int, int]] = []
    run_unit(load_unit("day_hospital"), ["fifo"], 2, progress=lambda d, t: fixed.append((d, t)))
    assert fixed == [(0, 3), (1, 3), (2, 3), (3, 3)]  # 1 plan + 2 replications
    drawn: list[tuple[int, int]] = []
    quick = load_unit("day_hospital", ["unit.demand.per_week=3", "policies.grasp.iterations=2"])
    run_unit(quick, ["fifo", "grasp"], 3, progress=lambda d, t: drawn.append((d, t)))
    assert drawn == [(n, 12) for n in range(13)]  # 2 policies × (3 plans + 3 replications)


# ---------------------------------------------------------------- the run directory


def test_a_unit_run_directory_reads_back_whole(run, tmp_path: Path) -> None:
    info = unit_run_info(run, ["clinicsim", "test"])
    write_unit_run(tmp_path, run, info)
    assert is_unit_run(tmp_path)
    back = load_unit_run(tmp_path)
    assert back.policies == run.policies and back.reps == run.reps
    assert back.summary == json.loads(json.dumps(run.summary))
    assert [p.name for p in back.instance.patients] == [p.name for p in run.instance.patients]
    for spec in run.policies:
        assert back.plans[spec].itineraries == run.plans[spec].itineraries
        assert back.plans[spec].objective == pytest.approx(run.plans[spec].objective)
    for name, table in run.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], table, check_dtype=False)
    assert back.info["kind"] == "unit" and back.info["plans_per_policy"] == 3


def test_an_incomplete_or_corrupt_unit_run_is_named(run, tmp_path: Path) -> None:
    write_unit_run(tmp_path, run, unit_run_info(run, []))
    (tmp_path / "blocks.parquet").unlink()
    with pytest.raises(ScenarioError) as caught:
        load_unit_run(tmp_path)
    assert "missing blocks.parquet" in str(caught.value)
    write_unit_run(tmp_path, run, unit_run_info(run, []))
    (tmp_path / "plans.json").write_text('{"patients": [], "plans": {"fifo": [{}]}}')
    with pytest.raises(ScenarioError) as caught:
        load_unit_run(tmp_path)
    assert "plans.json" in str(caught.value) and "not a clinicsim unit plan" in str(caught.value)


def test_cli_out_is_listed_and_reported_again(tmp_path: Path) -> None:
    out = tmp_path / "unit"
    store = tmp_path / "store"
    ran = clinicsim(
        "run", "day_hospital", "-p", "fifo", "--reps", "2", "--out", str(out), "--store", str(store)
    )
    assert ran.status == 0, ran.stderr
    (listed,) = ResultStore(store).runs()  # what `clinicsim runs` lists
    assert listed["dir"] == str(out.resolve()) and listed["policies"] == "fifo"
    report = tmp_path / "again.html"
    again = clinicsim("report", str(out), "--out", str(report), "--lang", "en")
    assert again.status == 0, again.stderr
    page = report.read_text(encoding="utf-8")
    assert "First come, first served: admissions of the month" in page  # by its name
    assert "Use per block" in page
    assert "beds and chairs taken per block" in page


# ---------------------------------------------------------------- per-block figures


def _blocks() -> pd.DataFrame:
    """Two replications of one policy on three blocks, and another policy to ignore."""
    return pd.DataFrame(
        {
            "policy": ["fifo"] * 6 + ["mip"] * 3,
            "rep": [0, 0, 0, 1, 1, 1, 0, 0, 0],
            "block": [1, 2, 3] * 3,
            "beds": [2, 4, 0, 4, 2, 0, 9, 9, 9],
            "chairs": [1, 0, 0, 3, 0, 1, 9, 9, 9],
            "studies": [5, 2, 0, 3, 2, 0, 9, 9, 9],
            "offered": [8, 8, 0, 8, 8, 0, 8, 8, 0],
        }
    )


def test_block_means_by_hand() -> None:
    means = block_means(_blocks(), "fifo")
    assert list(means["block"]) == [1, 2, 3]
    assert list(means["beds"]) == [3.0, 3.0, 0.0]
    assert list(means["chairs"]) == [2.0, 0.0, 0.5]
    assert list(means["studies"]) == [4.0, 2.0, 0.0]
    assert list(means["offered"]) == [8.0, 8.0, 0.0]


def test_block_figures_draw_the_means_and_the_capacities(run) -> None:
    inst: UnitInstance = run.instance
    fig = occupancy_per_block(inst, _blocks(), "fifo", 2, "en")
    beds, chairs = fig.data
    assert list(beds.y) == [3.0, 3.0, 0.0] and list(chairs.y) == [2.0, 0.0, 0.5]
    assert list(beds.x) == ["B1", "B2", "B3"]
    lines = [s.y0 for s in fig.layout.shapes if s.type == "line"]
    assert sorted(lines) == sorted([inst.beds, inst.chairs])
    weekends = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [s.x0 for s in weekends] == [f"B{14 * w + 12}" for w in range(inst.weeks)]
    studies = studies_per_block(inst, _blocks(), "fifo", "es")
    offered, done = studies.data
    assert list(offered.y) == [8.0, 8.0, 0.0] and list(done.y) == [4.0, 2.0, 0.0]
    assert "estudios hechos por bloque" in studies.layout.title.text


def test_report_of_a_broken_unit_run_exits_2(run, tmp_path: Path) -> None:
    write_unit_run(tmp_path, run, unit_run_info(run, []))
    (tmp_path / "plans.json").write_text("not json", encoding="utf-8")
    broken = clinicsim("report", str(tmp_path), "--out", str(tmp_path / "r.html"))
    assert broken.status == 2 and "Traceback" not in broken.stderr
    assert "plans.json" in broken.stderr and "cannot be read as JSON" in broken.stderr
    assert not (tmp_path / "r.html").exists()
