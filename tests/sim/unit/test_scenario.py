"""The ``unit:`` scenario of a day or week hospital: the bundled file, the checks, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scenarios import bundled_path
from sim.problems import ScenarioError
from sim.scenario import from_mapping
from sim.unit.document import document_case
from sim.unit.engine import UNIT_METRICS
from sim.unit.instance import instance_of
from sim.unit.scenario import load_unit, unit_from_mapping
from tests.support.cli import clinicsim

BUNDLED = bundled_path("day_hospital")


def raw() -> dict:
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def problems_of(mapping: dict, overrides: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        unit_from_mapping(mapping, overrides, source="unit.yaml")
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_the_bundled_unit_is_the_documents_case() -> None:
    scenario = load_unit("day_hospital")
    unit = scenario.unit
    assert (unit.weeks, unit.divisions, unit.blocks) == (4, 12, 56)
    assert (unit.beds, unit.chairs, unit.admissions_per_block) == (17, 23, 3)
    assert len(unit.studies) == 30 and len(unit.waiting_list) == 16
    p1 = unit.waiting_list[0]
    assert (p1.name, p1.priority, p1.min_stay, p1.first_block) == ("p1", 3, 2, 3)
    assert p1.studies == ["laboratory", "x_ray", "trauma_surgery"]
    inst = instance_of(scenario)
    assert inst.patients[0].first_block == 2 and inst.patients[0].studies == (0, 1, 20)
    # laboratory: 2 patients in divisions 0–3 of Monday morning (B1), none on Sunday
    assert list(inst.availability[0, :5, 0]) == [2, 2, 2, 2, 0]
    assert inst.availability[12:14].sum() == 0
    assert document_case().patients == inst.patients


def test_overrides_reach_the_unit() -> None:
    scenario = unit_from_mapping(raw(), ["unit.beds=5", "unit.waiting_list.p2.priority=3"])
    assert scenario.unit.beds == 5
    assert scenario.unit.waiting_list[1].priority == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("unit.beds=-1",), "unit.beds: must be ≥ 0, got -1"),
        (("unit.waiting_list.p1.priority=4",), "unit.waiting_list.p1.priority: must be ≤ 3"),
        (
            ("unit.waiting_list.p1.studies=[laboratory, scan]",),
            "unit.waiting_list.p1.studies: no study ['scan']",
        ),
        (
            ("unit.waiting_list.p2.studies=[laboratory, laboratory]",),
            "unit.waiting_list.p2.studies: a study is prescribed twice",
        ),
        (
            ("unit.waiting_list.p1.first_block=57",),
            "unit.waiting_list.p1.first_block: must be ≤ the 56 blocks",
        ),
        (
            ("unit.studies.laboratory.offered.0.divisions=[0, 12]",),
            "unit.studies.laboratory.offered.0.divisions: divisions run from 0 to 11, got [12]",
        ),
        (("unit.studies.laboratory.offered.0.part=evening",), "part: expected 'morning'"),
        (("unit.colour=red",), "unit.colour: unknown key"),
    ],
)
def test_bad_units_are_refused_with_the_path(change: tuple[str, ...], expected: str) -> None:
    found = problems_of(raw(), change)
    assert any(expected in line for line in found), found


def test_duplicate_patient_names_are_refused() -> None:
    mapping = raw()
    mapping["unit"]["waiting_list"][1]["name"] = "p1"
    assert any("patient names must be unique" in line for line in problems_of(mapping))


def test_an_outpatient_loader_refuses_a_unit_with_a_clear_message() -> None:
    with pytest.raises(ScenarioError) as caught:
        from_mapping(raw(), source="unit.yaml")
    assert "day or week hospital" in str(caught.value)


def test_validate_checks_a_unit_from_the_command_line() -> None:
    ok = clinicsim("validate", "day_hospital")
    assert ok.status == 0, ok.stderr
    bad = clinicsim("validate", "day_hospital", "--set", "unit.chairs=many")
    assert bad.status == 2
    assert "unit.chairs: expected a whole number" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_compare_prints_the_admissions_table_and_the_comparison(tmp_path: Path) -> None:
    result = clinicsim(
        "run",
        "day_hospital",
        "-p",
        "fifo",
        "-p",
        "grasp",
        "--reps",
        "3",
        "--set",
        "policies.grasp.iterations=5",
        "--set",
        "unit.no_show=0.2",
        "--out",
        str(tmp_path / "unit"),
        "--lang",
        "en",
    )
    assert result.status == 0, result.stderr
    assert "Admissions by policy" in result.stdout
    assert "B53 Sat am" in result.stdout  # p6, on the Saturday morning its l_p allows
    assert "Blocks to admission" in result.stdout and "No-shows" in result.stdout
    summary = json.loads((tmp_path / "unit" / "summary.json").read_text())
    assert summary["reps"] == 3 and summary["baseline"] == "fifo"
    assert list(summary["policies"]) == ["fifo", "grasp"]
    assert list(summary["policies"]["fifo"]) == list(UNIT_METRICS)
    assert summary["policies"]["fifo"]["pending"]["mean"] == 0.0
    rows = (tmp_path / "unit" / "admissions.csv").read_text().splitlines()
    assert rows[0] == "policy,patient,priority,admission,study,block,division"
    assert any(row.startswith("fifo,p6,1,B53,") for row in rows)
    assert len(rows) == 1 + 2 * 33  # both policies book all 33 prescriptions of Table 3


def test_json_summary_of_a_unit_is_reproducible() -> None:
    args = ("run", "day_hospital", "-p", "fifo", "--reps", "4", "--json")
    first, second = clinicsim(*args), clinicsim(*args)
    assert first.status == 0, first.stderr
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["policies"]["fifo"]["admitted"]["mean"] == 16.0


def test_an_unknown_unit_policy_or_auto_replications_exit_2() -> None:
    unknown = clinicsim("run", "day_hospital", "-p", "fifo:walk_in", "--reps", "2")
    assert unknown.status == 2 and "unknown unit policy" in unknown.stderr
    auto = clinicsim("run", "day_hospital", "--reps", "auto")
    assert auto.status == 2 and "Traceback" not in auto.stderr


# ---------------------------------------------------------------- the plan as the document shows it


def _fifo_plan() -> tuple:
    from policies.dayhospital.heuristics import fifo

    inst = document_case()
    return inst, fifo(inst)


def test_calendar_cells_put_each_admission_on_its_day() -> None:
    from sim.outputs.unit_figures import calendar_cells

    inst, plan = _fifo_plan()
    cells = calendar_cells(inst, plan)
    assert len(cells) == 4 and all(len(week) == 7 for week in cells)
    # p1 and p11 (beds, 2 blocks) from B3 = Tuesday morning of week 1; p6 on B53 (Saturday, week 4)
    assert cells[0][1] == ["p1 (2)", "p11 (2)"]
    assert cells[3][5] == ["p6"]
    assert sum(len(day) for week in cells for day in week) == len(plan.itineraries) == 16
    assert all(not week[6] for week in cells)  # nobody is admitted on a Sunday


def test_timetable_rows_are_the_days_studies_in_time_order() -> None:
    from sim.outputs.unit_figures import planned_days, timetable_rows

    inst, plan = _fifo_plan()
    tuesday = timetable_rows(inst, plan, 1)  # day 1 = Tuesday of week 1
    assert {r.patient for r in tuesday} == {"p1", "p11"}
    assert [r.start for r in tuesday] == sorted(r.start for r in tuesday)
    assert all(r.end - r.start == 30 for r in tuesday)
    p1 = [(r.study, r.start) for r in tuesday if r.patient == "p1"]
    assert ("Cirugía traumatológica", 12 * 60) in p1  # surgery at 12:00, the afternoon block
    days = planned_days(inst, plan)
    assert days[0] == 1 and 6 not in days  # no studies on Sunday of week 1


def test_calendar_and_timetable_figures() -> None:
    from sim.outputs.unit_figures import admissions_calendar, daily_timetable

    inst, plan = _fifo_plan()
    calendar = admissions_calendar(inst, plan, "fifo", "es")
    heat = calendar.data[0]
    assert next(iter(heat.x)) == "Lunes" and list(heat.y) == [f"Semana {w}" for w in range(1, 5)]
    assert heat.z[0][1] == 2 and heat.text[0][1] == "p1 (2)<br>p11 (2)"
    day = daily_timetable(inst, plan, 1, "en")
    names = {trace.name for trace in day.data}
    assert {"Laboratorio", "Rayos X", "Cirugía traumatológica"} <= names
    assert sum(len(trace.y) for trace in day.data) == 6  # p1's 3 studies and p11's 3


def test_compare_writes_the_units_report(tmp_path: Path) -> None:
    report = tmp_path / "unit.html"
    result = clinicsim(
        "compare",
        "day_hospital",
        "-p",
        "fifo",
        "--reps",
        "2",
        "--report",
        str(report),
        "--lang",
        "en",
    )
    assert result.status == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Admissions by policy" in text
    assert "admissions of the month" in text
    assert "Studies of each day (First come, first served)" in text  # by its display name
    assert "B53 Sat am" in text


def test_validate_checks_a_units_policies_block_as_a_run_does() -> None:
    """``clinicsim validate`` asks the unit model to build every unit policy, so a bad
    parameter in ``policies:`` is refused before any run: exit 2, the key named."""
    refused = clinicsim("validate", "day_hospital", "--set", "policies.grasp.iterations=0")
    assert refused.status == 2
    assert "policies.grasp.iterations" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert clinicsim("validate", "day_hospital").status == 0
