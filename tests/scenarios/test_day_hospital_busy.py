"""The bundled ``day_hospital_busy``: the day hospital's congested variant, where the
policies differ.

Its sampled waiting list fills the 3 beds (every replication has blocks with
all of them taken), so the results carry no "not congested" note, and GRASP, which
admits by priority, admits the high-priority patients sooner than first come first
served and scores a higher objective (26). Fixed seed (the scenario's), 10
replications, GRASP at 20 iterations to keep the test short; the tolerance is the
95 % interval of each paired difference, which must leave out zero.
"""

from __future__ import annotations

import pytest

from sim.experiments.unit_runner import UnitRun, is_sampled, run_unit
from sim.outputs.unit_tables import quiet_note
from sim.unit.scenario import load_unit

REPS = 10
SPECS = ["fifo", "grasp"]


@pytest.fixture(scope="module")
def run() -> UnitRun:
    scenario = load_unit("day_hospital_busy", ["policies.grasp.iterations=20"])
    return run_unit(scenario, SPECS, REPS)


def test_it_is_the_day_hospital_with_a_sampled_list_and_fewer_beds() -> None:
    busy, quiet = load_unit("day_hospital_busy"), load_unit("day_hospital")
    assert is_sampled(busy) and busy.unit.waiting_list == []
    assert busy.unit.beds < quiet.unit.beds
    assert busy.unit.studies == quiet.unit.studies  # the same unit's studies and timetable


def test_its_beds_fill_in_every_replication(run: UnitRun) -> None:
    blocks = run.tables["blocks"]
    peaks = blocks.groupby(["policy", "rep"])["beds"].max()
    assert len(peaks) == len(SPECS) * REPS
    assert (peaks >= run.instance.beds).all()
    assert quiet_note(run, "es") is None and quiet_note(run, "en") is None


def test_grasp_admits_the_high_priority_patients_sooner(run: UnitRun) -> None:
    wait = run.summary["paired"]["grasp"]["wait_blocks.p3"]
    assert wait["diff"] < 0 and wait["ci95"][1] < 0, wait
    objective = run.summary["paired"]["grasp"]["objective"]
    assert objective["diff"] > 0 and objective["ci95"][0] > 0, objective
