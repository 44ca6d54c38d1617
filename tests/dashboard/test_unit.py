"""A day or week hospital (a unit scenario) in the dashboard, without a browser: its
what-if controls and their messages, the unit at a glance, the controls panel and the
list of changes, the policies offered, a what-if run written, recorded and found, and
the results page's views, pickers and downloads of that run.

The browser flow is in ``test_dashboard_unit_browser.py``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest
from dash import dcc, html, no_update

from dashboard import ids
from dashboard.components.controls import change_list, controls_panel
from dashboard.components.headlines import change_text, value_text
from dashboard.components.unit import unit_glance, unit_results
from dashboard.runs import Settings, find_run, open_run, run_id, run_whatif, stored_runs
from dashboard.whatif import ScenarioChoice, default_scenario, evaluate, offered_scenarios
from policies import UNIT_REGISTRY
from sim.experiments.unit_runner import UnitRun
from sim.outputs.headline import UNIT_HEADLINES
from sim.unit.scenario import UnitScenario, load_unit
from tests.support.components import dashboard_app, of_type, prop, text, walk

UNIT = ScenarioChoice("day_hospital")
CHANGES = {"unit.beds": "2", "policies.grasp.iterations": "5"}


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "unit-dashboard-store")


@pytest.fixture(scope="module")
def results_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.results")


@pytest.fixture(scope="module")
def scenario_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.scenario")


@pytest.fixture(scope="module")
def unit_run(app_settings: Settings) -> tuple[Path, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    folder = run_whatif(
        app_settings, UNIT, CHANGES, ["fifo", "grasp"], 2, lambda d, t: calls.append((d, t))
    )
    return folder, calls


# ---------------------------------------------------------------- what-ifs


def test_units_are_offered_beside_the_clinics() -> None:
    assert {"day_hospital", "day_hospital_busy", "ophthalmology"} <= set(offered_scenarios())
    assert default_scenario() == "ophthalmology"


def test_the_units_controls_carry_its_values() -> None:
    bundled = load_unit("day_hospital")
    controls = {c.key: c for c in UNIT.controls()}
    assert list(controls) == [
        "unit.beds",
        "unit.chairs",
        "unit.admissions_per_block",
        "unit.demand.per_week",
        "unit.no_show",
        "unit.extra_block",
        "policies.grasp.alpha_p",
        "policies.grasp.alpha_m",
        "policies.grasp.iterations",
        "policies.mip.max_nodes",
    ]
    unit = bundled.unit
    assert [controls[k].base for k in ("unit.beds", "unit.chairs")] == [
        str(unit.beds),
        str(unit.chairs),
    ]
    assert controls["unit.admissions_per_block"].base == "3"
    assert controls["unit.demand.per_week"].base == "0"
    assert {c.group for c in controls.values()} == {"unit", "demand", "behaviour", "grasp", "mip"}


def test_a_changed_unit_is_the_scenario_run() -> None:
    evaluation = evaluate(UNIT, {"unit.beds": "2", "unit.no_show": "0,1"}, "es")
    assert evaluation.valid
    assert evaluation.overrides == ["unit.beds=2", "unit.no_show=0.1"]
    assert isinstance(evaluation.scenario, UnitScenario)
    assert (evaluation.scenario.unit.beds, evaluation.scenario.unit.no_show) == (2, 0.1)


def test_bad_unit_values_get_their_messages_at_their_fields() -> None:
    evaluation = evaluate(
        UNIT,
        {
            "unit.chairs": "muchos",
            "unit.extra_block": "1,5",
            "policies.grasp.alpha_m": "2",
            "unit.demand.per_week": "20000",
        },
        "es",
    )
    assert not evaluation.valid
    messages = evaluation.messages
    assert set(messages) == {
        "unit.chairs",
        "unit.extra_block",
        "policies.grasp.alpha_m",
        "unit.demand.per_week",
    }
    assert "número entero" in messages["unit.chairs"]
    assert "10000" in messages["unit.demand.per_week"]  # the checker's bound, translated
    english = evaluate(UNIT, {"unit.chairs": "many"}, "en").messages["unit.chairs"]
    assert "whole number" in english


# ---------------------------------------------------------------- the page's pieces


def test_the_unit_at_a_glance() -> None:
    glance = text(unit_glance(load_unit("day_hospital"), "es"))
    assert "17 camas, 23 sillones, 3 admisiones por bloque" in glance
    assert "Lista de espera" in glance and "p16" in glance and "cama 2" in glance
    assert "lun, mar, mié, jue, vie, sáb mañana: div. 0–3 × 2" in glance  # laboratory
    assert "Pacientes nuevos" not in glance and "trauma_preop" not in glance  # none a week
    more = evaluate(UNIT, {"unit.demand.per_week": "5"}, "en").scenario
    sampled = text(unit_glance(more, "en"))
    assert "Each week 5 patients on average" in sampled
    # classes and studies by their labels in the page's language
    assert "Trauma pre-op" in sampled and "Other 2 (50 %)" in sampled
    assert "trauma_preop" not in sampled and "Otro 2" not in sampled


def test_a_unit_with_only_a_sampled_list_shows_no_empty_waiting_list() -> None:
    glance = text(unit_glance(load_unit("day_hospital_busy"), "es"))
    assert "3 camas, 8 sillones, 4 admisiones por bloque" in glance
    assert "Lista de espera" not in glance and "en promedio 22 pacientes" in glance


def test_the_controls_panel_and_the_change_list_of_a_unit() -> None:
    base = load_unit("day_hospital")
    evaluation = evaluate(UNIT, {"unit.beds": "2"}, "en")
    panel = controls_panel(base, UNIT.controls(), {"unit.beds": "2"}, {}, "en")
    assert "Staff per weekday" not in text(panel)
    assert "Beds, chairs and admissions" in text(panel)
    fields = {prop(c, "name"): prop(c, "value") for c in of_type(panel, dcc.Input)}
    assert fields["unit.beds"] == "2" and fields["unit.chairs"] == "23"
    listed = text(change_list(UNIT.controls(), {"unit.beds": "2"}, evaluation, base, "en"))
    assert "Beds (D1): 17 → 2" in listed and "--set unit.beds=2" in listed


def test_a_unit_offers_the_block_models_policies(scenario_page: ModuleType) -> None:
    unit = UNIT.to_store()
    clinic = ScenarioChoice("ophthalmology").to_store()
    options, picked, _help = scenario_page.offer_policies(unit, "en", ["fifo", "grasp:earliest"])
    assert [o["value"] for o in options] == ["fifo", "grasp", "mip"] and picked == ["fifo"]
    options, picked, _help = scenario_page.offer_policies(unit, "en", ["fifo:appointment"])
    assert [o["value"] for o in options] == ["fifo", "grasp", "mip"]
    assert picked == ["fifo", "mip"]
    choices, picked, _help = scenario_page.offer_policies(clinic, "en", ["grasp", "mip"])
    assert len(choices) == 6 and picked == ["grasp", "mip"]


# ---------------------------------------------------------------- a what-if run of a unit


def test_a_unit_run_is_written_recorded_and_found(
    unit_run: tuple[Path, list[tuple[int, int]]], app_settings: Settings
) -> None:
    folder, calls = unit_run
    # the page's progress: from nothing to all 6 tasks (2 plans, 2 × 2 replications)
    assert calls == [(n, 6) for n in range(7)]
    assert (folder / "plans.json").is_file() and (folder / "admissions.csv").is_file()
    assert find_run(app_settings, run_id(folder)) == folder
    (listed,) = [r for r in stored_runs(app_settings) if r["dir"] == str(folder)]
    assert listed["policies"] == "fifo, grasp" and listed["reps"] == 2
    assert "--set unit.beds=2" in listed["command"]
    run = open_run(folder)
    assert isinstance(run, UnitRun) and run.instance.beds == 2


def test_the_results_page_shows_a_unit_run(
    unit_run: tuple[Path, list[tuple[int, int]]], results_page: ModuleType
) -> None:
    folder, _ = unit_run
    view = results_page.show({"run": run_id(folder), "variant": None}, "en")
    shown = text(view)
    assert "Admissions by policy" in shown and "B53 Sat am" in shown
    assert "Blocks to admission" in shown and "Use per block" in shown
    graphs = {prop(g, "id") for g in of_type(view, dcc.Graph)}
    assert {ids.UNIT_OCCUPANCY, ids.UNIT_STUDIES, ids.UNIT_TIMETABLE} <= graphs
    calendars = [g for g in of_type(view, dcc.Graph) if prop(g, "id") is None]
    assert len(calendars) == 2  # one per policy
    admissions = [c for c in walk(view) if "admissions" in str(prop(c, "className") or "")]
    rows = of_type(admissions[0], html.Tr)
    assert len(rows) == 1 + 16  # the head and the waiting list of Table 3


def test_the_unit_pickers_redraw_or_refuse(
    unit_run: tuple[Path, list[tuple[int, int]]], results_page: ModuleType
) -> None:
    ref = {"run": run_id(unit_run[0]), "variant": None}
    occupancy, studies = results_page.unit_blocks("fifo", ref, "en")
    fifo = UNIT_REGISTRY["fifo"].title["en"]  # policies by their display names
    assert occupancy.layout.title.text.startswith(f"{fifo}: beds and chairs")
    assert studies.layout.title.text.startswith(f"{fifo}: studies done per block")
    assert results_page.unit_blocks("nonsense", ref, "en") == (no_update, no_update)
    options, day = results_page.unit_days("grasp", 999, ref, "es")
    assert day == options[0]["value"] and options[0]["label"].startswith("Martes")
    _options, kept = results_page.unit_days("grasp", options[-1]["value"], ref, "es")
    assert kept == options[-1]["value"]
    figure = results_page.unit_timetable("grasp", options[-1]["value"], ref, "en")
    assert "week 4" in figure.layout.title.text
    assert results_page.unit_timetable("grasp", None, {"run": "nonsense"}, "en") is no_update


def test_the_unit_downloads(
    unit_run: tuple[Path, list[tuple[int, int]]], results_page: ModuleType
) -> None:
    run = open_run(unit_run[0])
    report = results_page._unit_download(ids.DOWNLOAD_REPORT, run, "es")
    assert report["filename"].endswith("-report.html")
    assert "Admisiones por política" in report["content"]
    patients = results_page._unit_download(ids.DOWNLOAD_PATIENTS, run, "en")
    assert patients["filename"].endswith("-patients.csv")
    assert patients["content"].splitlines()[0].startswith("patient,priority,place")
    summary = results_page._unit_download(ids.DOWNLOAD_SUMMARY, run, "en")
    assert "wait_blocks.p3" in summary["content"]


# ---------------------------------------------------------------- headline cards and the note


def card_cells(view: object, metric: str) -> dict[str, list[str]]:
    """The texts of a headline card's pieces per policy (its rows' ``data-policy``): the
    value, its interval, and for a policy against the baseline its change."""
    (card,) = [c for c in walk(view) if prop(c, "data-metric") == metric]
    return {
        prop(row, "data-policy"): [text(piece) for piece in of_type(row, html.Div)]
        for row in of_type(card, html.Tr)
    }


def test_the_unit_cards_show_the_summarys_numbers(
    unit_run: tuple[Path, list[tuple[int, int]]], results_page: ModuleType
) -> None:
    folder, _ = unit_run
    run = open_run(folder)
    assert isinstance(run, UnitRun)
    view = results_page.show({"run": run_id(folder), "variant": None}, "en")
    (cards,) = [c for c in walk(view) if prop(c, "id") == ids.HEADLINES]
    shown = [prop(c, "data-metric") for c in walk(cards) if prop(c, "data-metric")]
    assert shown == list(UNIT_HEADLINES)
    summary = run.summary
    for metric in shown:
        cells = card_cells(cards, metric)
        for spec in ("fifo", "grasp"):
            assert cells[spec][0] == value_text(
                metric, summary["policies"][spec][metric]["mean"], "en"
            )
        change = summary["paired"]["grasp"][metric]["diff"]
        assert cells["grasp"][2] == change_text(metric, change, "en")
        fifo = UNIT_REGISTRY["fifo"].title["en"]  # the reference by its display name
        assert f"against {fifo}" in cells["grasp"][3] and len(cells["fifo"]) == 2
    assert card_cells(cards, "admitted")["fifo"][0].endswith(" patients")
    assert card_cells(cards, "bed_occupancy")["fifo"][0].endswith(" %")


def test_the_note_shows_only_when_the_unit_is_not_congested(app_settings: Settings) -> None:
    quiet = open_run(
        run_whatif(app_settings, UNIT, {"policies.grasp.iterations": "5"}, ["fifo"], 1)
    )
    assert isinstance(quiet, UnitRun)
    notes = [c for c in walk(unit_results(quiet, "es")) if prop(c, "id") == ids.UNIT_QUIET]
    assert len(notes) == 1 and "La unidad no está congestionada" in text(notes[0])
    # the congested unit named as the scenario picker shows it, not by its file's stem
    assert "«Unidad de Cuidados Mínimos congestionada" in text(notes[0])
    assert "day_hospital_busy" not in text(notes[0])
    busy = ScenarioChoice("day_hospital_busy")
    full = open_run(run_whatif(app_settings, busy, {"policies.grasp.iterations": "5"}, ["fifo"], 1))
    assert isinstance(full, UnitRun)
    assert [c for c in walk(unit_results(full, "es")) if prop(c, "id") == ids.UNIT_QUIET] == []
