"""The run panel's two what-if questions without a browser: vary a value, fewest staff.

- ``dashboard.modes``: the values typed for a setting (separators, the decimal comma by
  language, duplicates, a value the scenario refuses named at the field) and the
  staffing form's checks (an empty range, an unreadable target, a share typed in
  percent, each wrong field named);
- ``dashboard.runs.run_variants`` from the form gives the numbers of ``clinicsim run
  FILE --set ... --sweep KEY=V1,V2`` for the same seeds and replications (the command
  line computing its own, in a store of its own), written as a sweep and recorded;
- ``dashboard.runs.run_staffing`` from the form gives the answer and evidence of
  ``clinicsim staff ... --json`` for the same arguments, kept as a run and recorded
  (``clinicsim runs`` lists it; ``clinicsim report`` says it has no report);
- the results views: each key figure against the value (the means of the summaries),
  the current value marked, the current value placed among values that leave it out,
  the table per policy; the staffing answer and its evidence in the page's language;
- Run refuses a form that cannot run without starting anything
  (``dashboard.pages.scenario_modes.Form.job``).

Runs are tiny: the bundled ophthalmology clinic over two days, two replications.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from dash import dcc, html

from dashboard.components.modes import FORM_HELPS, FORM_LABELS
from dashboard.components.variants import single_setting, target_sentence, value_axis
from dashboard.i18n import PHRASES
from dashboard.modes import (
    MAX_VALUES,
    MODES,
    OPERATORS,
    STATISTICS,
    VariantRequest,
    check_staffing,
    check_values,
    count_range,
    split_values,
    target_value,
)
from dashboard.runs import Settings, open_run, run_id, run_staffing, run_variants, stored_runs
from dashboard.whatif import ScenarioChoice, evaluate
from scenarios import bundled_path
from sim.cli.main import main as cli_main
from sim.experiments.staffing import Target
from sim.outputs.rundir import RunData, StaffingData
from sim.scenario import load
from tests.support.components import dashboard_app, of_type, prop, texts

SMALL = (
    bundled_path("ophthalmology")
    .read_text(encoding="utf-8")
    .replace("\n  days: 20 ", "\n  days: 2 ")
)
POLICIES = ["fifo", "fifo:appointment"]
SPANISH_NAMES = {"fifo": "Orden de llegada"}
SPANISH_NAMES["fifo:appointment"] = "Orden de llegada: citas a intervalos iguales"
REPS = 2
MONDAY_TECHNICIANS = "resources.technician.roster.mon"
OTHER_CHANGE = {"behaviour.no_show": "0,1"}  # a --set under the sweep
STAFF_FORM = {
    "resource": "technician",
    "weekday": "mon",
    "statistic": "p90",
    "metric": "wait",
    "operator": "<=",
    "value": "60",
    "low": "2",
    "high": "5",
    "policy": "fifo:appointment",
}


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "modes-store")


@pytest.fixture(scope="module")
def small_choice() -> ScenarioChoice:
    assert SMALL.count("\n  days: 2 ") == 1
    return ScenarioChoice("small.yaml", SMALL)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def results_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.results")


@pytest.fixture(scope="module")
def run_modes(app_settings: Settings) -> ModuleType:
    """The scenario page's run modes (imported with the page, which registers them)."""
    importlib.import_module("dashboard.pages.scenario")
    return importlib.import_module("dashboard.pages.scenario_modes")


@pytest.fixture(scope="module")
def variant_run(app_settings: Settings, small_choice: ScenarioChoice) -> Path:
    """Technicians on Monday 3 and 5 (the clinic has 4), no-shows at 10 %, as typed."""
    request, message = check_values(small_choice, OTHER_CHANGE, MONDAY_TECHNICIANS, "3; 5", "es")
    assert message == "" and request is not None
    return run_variants(app_settings, small_choice, OTHER_CHANGE, request, POLICIES, REPS)


@pytest.fixture(scope="module")
def staffing_run(app_settings: Settings, small_choice: ScenarioChoice) -> Path:
    """The fewest technicians on Monday so that 9 in 10 wait at most 60 min, as typed."""
    request, messages = check_staffing(small_choice, STAFF_FORM, POLICIES, REPS, "es")
    assert messages == {} and request is not None
    return run_staffing(app_settings, small_choice, {}, request, REPS)


# ---------------------------------------------------------------- the values typed


@pytest.mark.parametrize(
    ("typed", "key", "lang", "expected"),
    [
        ("3; 4; 5", MONDAY_TECHNICIANS, "es", ["3", "4", "5"]),
        ("3,4,5", MONDAY_TECHNICIANS, "es", ["3", "4", "5"]),  # counts: commas separate
        ("3, 4  5", MONDAY_TECHNICIANS, "es", ["3", "4", "5"]),
        ("0,05; 0,1", "behaviour.no_show", "es", ["0,05", "0,1"]),  # decimal commas
        ("0,05 0,1", "behaviour.no_show", "es", ["0,05", "0,1"]),
        ("0.05, 0.1", "behaviour.no_show", "en", ["0.05", "0.1"]),
        ("0.05,0.1", "behaviour.no_show", "es", ["0.05", "0.1"]),  # a point: commas separate
        ("50,60", "demand.requests_per_day", "en", ["50", "60"]),  # English: commas separate
        ("50,6", "demand.requests_per_day", "es", ["50,6"]),  # Spanish: one decimal comma
        ("", MONDAY_TECHNICIANS, "es", []),
    ],
)
def test_split_values(typed: str, key: str, lang: str, expected: list[str]) -> None:
    control = next(c for c in ScenarioChoice("ophthalmology").controls() if c.key == key)
    assert split_values(typed, control, lang) == expected


def test_check_values_gives_the_sweep_the_command_line_takes() -> None:
    choice = ScenarioChoice("ophthalmology")
    request, message = check_values(choice, {}, MONDAY_TECHNICIANS, "3; 4; 3; 6", "es")
    assert message == ""
    assert request == VariantRequest(MONDAY_TECHNICIANS, ("3", "4", "6"))  # once each
    assert request.sweep() == "resources.technician.roster.mon=3,4,6"
    shares, _ = check_values(choice, {}, "behaviour.no_show", "0,05; 0,1", "es")
    assert shares is not None and shares.sweep() == "behaviour.no_show=0.05,0.1"
    hours, _ = check_values(choice, {}, "horizon.open", "8:00 9:30", "es")
    assert hours is not None and hours.sweep() == 'horizon.open="08:00","09:30"'


def test_check_values_names_what_is_wrong(small_choice: ScenarioChoice) -> None:
    def said(key: str, typed: str, lang: str = "es") -> str:
        request, message = check_values(small_choice, {}, key, typed, lang)
        assert request is None
        return message

    assert said(MONDAY_TECHNICIANS, "3; tres") == "tres: Se esperaba un número entero ≥ 0"
    assert said(MONDAY_TECHNICIANS, "3; -1", "en") == "-1: Expected a whole number ≥ 0"
    assert said(MONDAY_TECHNICIANS, "3") == PHRASES["expect_values"]["es"]
    assert said(MONDAY_TECHNICIANS, "4; 4") == PHRASES["expect_values"]["es"]
    assert said(MONDAY_TECHNICIANS, "") == PHRASES["expect_values"]["es"]
    many = "; ".join(str(n) for n in range(MAX_VALUES + 1))
    assert said(MONDAY_TECHNICIANS, many) == f"Como máximo {MAX_VALUES} valores"
    assert said("horizon.open", "08:00; 25:00").startswith("25:00: ")
    assert said("no.such.key", "1; 2") == PHRASES["pick_setting"]["es"]
    # a value the scenario refuses: the validator's message for that value, at the field
    refused = evaluate(small_choice, {"horizon.close": "07:00"}, "es").messages["horizon.close"]
    assert said("horizon.close", "16:00; 07:00") == f"07:00: {refused}"
    listed = ScenarioChoice("ophthalmology_service")  # 10 ophthalmologists listed by name
    request, message = check_values(
        listed, {}, "resources.ophthalmologist.roster.mon", "9 11", "en"
    )
    assert request is None and message == "11: must be ≤ the 10 members listed, got 11"


def test_check_values_reads_the_other_changes_of_the_tab(small_choice: ScenarioChoice) -> None:
    """Opening at 12:00 makes a close at 11:00 wrong; the swept key's own change is not
    counted (the sweep sets it)."""
    changes = {"horizon.open": "12:00", "horizon.close": "18:00"}
    request, message = check_values(small_choice, changes, "horizon.close", "11:00; 17:00", "en")
    assert request is None and message.startswith("11:00: must be after open (12:00)")
    request, message = check_values(small_choice, changes, "horizon.close", "13:00; 17:00", "en")
    assert message == "" and request is not None


# ---------------------------------------------------------------- the staffing form


def test_check_staffing_gives_the_search_clinicsim_staff_runs(
    small_choice: ScenarioChoice,
) -> None:
    request, messages = check_staffing(small_choice, STAFF_FORM, POLICIES, REPS, "es")
    assert messages == {}
    assert request is not None
    assert request.target == Target("wait", "p90", "<=", 60.0)
    assert str(request.target) == "wait.p90 <= 60"
    assert request.counts == range(2, 6) and request.range_text() == "2..5"
    assert (request.resource, request.weekday, request.policy) == (
        "technician",
        "mon",
        "fifo:appointment",
    )
    every_day, _ = check_staffing(small_choice, {**STAFF_FORM, "weekday": ""}, POLICIES, 2, "es")
    assert every_day is not None and every_day.weekday is None
    busy = {**STAFF_FORM, "metric": "utilisation", "operator": ">=", "value": "85"}
    share, _ = check_staffing(small_choice, busy, POLICIES, REPS, "es")
    assert share is not None and share.target == Target("utilisation", "p90", ">=", 0.85)


@pytest.mark.parametrize(
    ("change", "reps", "wrong"),
    [
        ({"low": "5", "high": "2"}, 2, {"range"}),  # an empty range
        ({"low": "", "high": "4"}, 2, {"range"}),
        ({"low": "2,5", "high": "4"}, 2, {"range"}),
        ({"value": "treinta"}, 2, {"value"}),
        ({"value": "-5"}, 2, {"value"}),
        ({"metric": "utilisation", "value": "120"}, 2, {"value"}),  # a share above 100 %
        ({"resource": "nurse"}, 2, {"resource"}),
        ({"weekday": "sun"}, 2, {"weekday"}),
        ({"metric": "fs"}, 2, {"metric"}),
        ({"policy": "grasp"}, 2, {"policy"}),  # not among those the scenario offers here
        ({}, 1, {"reps"}),
        ({"low": "x", "value": ""}, None, {"range", "value", "reps"}),
    ],
)
def test_check_staffing_names_each_wrong_field(
    small_choice: ScenarioChoice, change: dict[str, str], reps: int | None, wrong: set[str]
) -> None:
    request, messages = check_staffing(small_choice, {**STAFF_FORM, **change}, POLICIES, reps, "es")
    assert request is None
    assert set(messages) == wrong
    assert all(messages.values())


def test_the_staffing_form_is_for_an_outpatient_clinic_only() -> None:
    request, messages = check_staffing(ScenarioChoice("day_hospital"), STAFF_FORM, [], 2, "en")
    assert request is None and messages == {"resource": "For an outpatient clinic only"}


def test_count_range_and_target_value() -> None:
    assert count_range("2", "5") == range(2, 6)
    assert count_range(" 3 ", "3") == range(3, 4)
    assert count_range("5", "2") is None
    assert count_range(None, "2") is None
    assert target_value("wait", "30,5") == 30.5
    assert target_value("utilisation", "80") == pytest.approx(0.8)
    assert target_value("wait", "nan") is None


def test_every_phrase_of_the_modes_exists() -> None:
    wanted = [f"mode_{m}" for m in MODES] + [f"statistic_{s}" for s in STATISTICS]
    wanted += ["at_most", "at_least", *FORM_LABELS.values(), *FORM_HELPS.values()]
    assert len(OPERATORS) == 2
    assert [k for k in wanted if k not in PHRASES] == []


# ---------------------------------------------------------------- against the command line


def test_the_variant_run_gives_the_command_lines_sweep(
    app_settings: Settings, variant_run: Path, small_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cli"
    code = cli_main(
        [
            "run",
            str(small_file),
            *["--set", "behaviour.no_show=0.1"],
            *["--sweep", "resources.technician.roster.mon=3,5"],
            *["-p", POLICIES[0], "-p", POLICIES[1], "--reps", str(REPS)],
            *["--store", str(tmp_path / "store"), "--out", str(out), "--workers", "1"],
        ]
    )
    assert code == 0
    cli = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    page = json.loads((variant_run / "sweep.json").read_text(encoding="utf-8"))
    names = ["base", f"{MONDAY_TECHNICIANS}=3", f"{MONDAY_TECHNICIANS}=5"]
    assert list(page["variants"]) == list(cli["variants"]) == names
    for name in names:
        assert page["variants"][name]["overrides"] == cli["variants"][name]["overrides"]
        assert page["variants"][name]["summary"] == cli["variants"][name]["summary"]
    assert page["paired_to_base"] == cli["paired_to_base"]
    assert (page["reps"], page["seed"]) == (cli["reps"], cli["seed"])
    # the base is the clinic with the tab's other change, as --set made it
    base = open_run(variant_run / "variants" / "base")
    assert isinstance(base, RunData) and base.scenario.behaviour.no_show == pytest.approx(0.1)
    assert base.info["command"] == [
        "clinicsim",
        "run",
        "small.yaml",
        *["-p", "fifo", "-p", "fifo:appointment", "--reps", "2"],
        *["--set", "behaviour.no_show=0.1"],
        *["--sweep", "resources.technician.roster.mon=3,5"],
        "(dashboard)",
    ]
    listed = {run["id"]: run for run in stored_runs(app_settings)}[run_id(variant_run)]
    assert listed["variants"] == ", ".join(names)
    assert listed["policies"] == "fifo, fifo:appointment"


def test_the_staffing_search_gives_clinicsim_staffs_answer(
    app_settings: Settings, staffing_run: Path, small_file: Path, tmp_path: Path
) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli_main(
            [
                "staff",
                str(small_file),
                *["--resource", "technician", "--weekday", "mon", "--range", "2..5"],
                *["--target", "wait.p90<=60", "-p", "fifo:appointment", "--reps", "2"],
                *["--store", str(tmp_path / "store"), "--workers", "1", "--json"],
            ]
        )
    assert code == 0
    cli = json.loads(printed.getvalue())
    search = open_run(staffing_run)
    assert isinstance(search, StaffingData)
    page = search.search
    for key in ("resource", "policy", "target", "answer", "candidates"):
        assert page[key] == cli[key], key
    assert page["answer"] is not None, "the test's target is met within its range"
    assert len(page["candidates"]) >= 2, "more than one count tried"
    assert page["command"] == [
        "clinicsim",
        "staff",
        "small.yaml",
        *["--resource", "technician", "--range", "2..5", "--target", "wait.p90<=60"],
        *["--weekday", "mon", "-p", "fifo:appointment", "--reps", "2", "(dashboard)"],
    ]
    listed = {run["id"]: run for run in stored_runs(app_settings)}[run_id(staffing_run)]
    assert listed["policies"] == "fifo:appointment" and listed["reps"] == REPS


def test_a_staffing_search_is_listed_but_has_no_report(
    app_settings: Settings, staffing_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(app_settings.store_root)]
    assert cli_main(["runs", "--json", *store]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert run_id(staffing_run) in [run["id"] for run in listed]
    assert cli_main(["report", run_id(staffing_run), *store]) == 2
    assert "a staffing search has no report" in capsys.readouterr().err


# ---------------------------------------------------------------- the results views


def graphs_of(view: Any) -> list[Any]:
    return [prop(g, "figure") for g in of_type(view, dcc.Graph)]


def test_the_variant_view_draws_each_key_figure_against_the_value(
    results_page: ModuleType, variant_run: Path
) -> None:
    sweep = json.loads((variant_run / "sweep.json").read_text(encoding="utf-8"))
    assert single_setting(sweep) == MONDAY_TECHNICIANS
    view = results_page.show({"run": run_id(variant_run), "variant": None}, "es")
    words = texts(view)
    assert "Técnico · lun: 3 valores (2 réplicas, semilla 20261121)" in words  # by its label
    graphs = graphs_of(view)
    titles = [g.layout.title.text for g in graphs]
    assert titles[:4] == [
        "Estancia (min)",
        "Espera total (min)",
        "Horas extra (min/día)",
        "Utilización",
    ]
    assert "Pacientes con estancia de 2 h o menos" in titles
    # 3 and 5 technicians on Monday, and the clinic's 4 (the base) between them, marked
    order = ["resources.technician.roster.mon=3", "base", "resources.technician.roster.mon=5"]
    stay = graphs[0]
    for trace, spec in zip(stay.data, POLICIES, strict=True):
        assert list(trace.x) == ["3", "4 (actual)", "5"]
        means = [sweep["variants"][v]["summary"]["policies"][spec]["los"]["mean"] for v in order]
        assert list(trace.y) == pytest.approx(means)
        assert list(trace.marker.symbol) == ["circle", "diamond", "circle"]
    # a line per policy, by its display name
    assert [trace.name for trace in stay.data] == [SPANISH_NAMES[p] for p in POLICIES]
    band = stay.layout.shapes[0]
    assert (band.x0, band.x1) == pytest.approx((0.55, 1.45))  # around the second value
    utilisation = graphs[3]
    fifo = next(t for t in utilisation.data if t.name == SPANISH_NAMES["fifo"])
    expected = [
        100 * sweep["variants"][v]["summary"]["policies"]["fifo"]["utilisation"]["mean"]
        for v in order
    ]
    assert list(fifo.y) == pytest.approx(expected)
    # the table per policy: a column per value, the current one without a difference
    tables = of_type(view, html.Table)
    assert len(tables) == len(POLICIES)
    head = texts(of_type(tables[0], html.Tr)[0])
    assert head == ["Indicador", "3", "4 (actual)", "5"]
    links = [prop(link, "href") for link in of_type(view, dcc.Link)]
    assert len(links) == 3 and all(f"run={run_id(variant_run)}&variant=" in h for h in links)


def test_the_variant_view_in_english(results_page: ModuleType, variant_run: Path) -> None:
    view = results_page.show({"run": run_id(variant_run), "variant": None}, "en")
    stay = graphs_of(view)[0]
    assert list(stay.data[0].x) == ["3", "4 (current)", "5"]
    assert "Technician · Mon: 3 values (2 replications, seed 20261121)" in texts(view)


def test_the_current_value_is_one_of_the_values_or_placed_among_them() -> None:
    base = RunData({}, load("ophthalmology"), {})
    key = MONDAY_TECHNICIANS

    def sweep(*values: str) -> dict[str, Any]:
        variants = {"base": {"overrides": []}}
        variants |= {f"{key}={v}": {"overrides": [f"{key}={v}"]} for v in values}
        return {"variants": variants}

    among = value_axis(sweep("6", "4", "2"), key, base, "es")
    assert among.variants == [f"{key}=2", f"{key}=4", f"{key}=6"]  # the base not twice
    assert among.current == f"{key}=4"
    assert [among.labels[v] for v in among.variants] == ["2", "4 (actual)", "6"]
    outside = value_axis(sweep("6", "2"), key, base, "en")
    assert outside.variants == [f"{key}=2", "base", f"{key}=6"]
    assert outside.current == "base" and outside.labels["base"] == "4 (current)"
    shares = value_axis(sweep("0.1", "0.02"), "behaviour.no_show", base, "es")
    assert [shares.labels[v] for v in shares.variants] == ["0,02", "0,06 (actual)", "0,1"]
    # a key no control of the page has: the base first, as it is
    other = value_axis(sweep("10"), "demand.booking_window_days", base, "es")
    assert other.variants[0] == "base" and other.labels["base"] == "como es"
    assert (
        single_setting(
            {"variants": {"base": {"overrides": []}, "a b": {"overrides": ["a=1", "b=2"]}}}
        )
        is None
    )


def test_the_staffing_view_shows_the_answer_and_its_evidence(
    results_page: ModuleType, staffing_run: Path
) -> None:
    search = json.loads((staffing_run / "staffing.json").read_text(encoding="utf-8"))
    view = results_page.show({"run": run_id(staffing_run), "variant": None}, "es")
    words = texts(view)
    assert "Dotación mínima: Técnico · lun" in words  # the resource by its label
    answer = f"Mínima dotación de Técnico que cumple: {search['answer']}"
    assert answer in words
    rows = of_type(of_type(view, html.Table)[0], html.Tr)
    assert texts(rows[0]) == ["Dotación", "Estimación", "IC 95 %", "Cota", "Cumple"]
    assert len(rows) == 1 + len(search["candidates"])
    for row, candidate in zip(rows[1:], search["candidates"], strict=True):
        cells = texts(row)
        assert cells[0] == str(candidate["count"])
        assert cells[1] == f"{candidate['estimate']:.1f}".replace(".", ",")
        assert cells[4] == ("sí" if candidate["meets"] else "no")
        assert (prop(row, "className") == "answer") == (candidate["count"] == search["answer"])
    question = next(w for w in words if w.startswith("Meta: "))
    assert "el p90 (9 de cada 10) de Espera total (min) sea como máximo 60" in question
    assert (
        target_sentence("utilisation.mean >= 0.85", "en")
        == "the mean of Utilisation is at least 85 %"
    )


# ---------------------------------------------------------------- Run refuses bad forms


def test_run_refuses_a_form_that_cannot_run(
    run_modes: ModuleType, app_settings: Settings, small_choice: ScenarioChoice
) -> None:
    before = sorted(app_settings.runs_dir.iterdir()) if app_settings.runs_dir.is_dir() else []
    said: list[Any] = []

    def form(mode: str, values: str = "3; 5", **staff: str) -> Any:
        return run_modes.Form(
            small_choice,
            {},
            mode,
            ["fifo"],
            REPS,
            MONDAY_TECHNICIANS,
            values,
            {**STAFF_FORM, **staff},
            "es",
        ).job(said.append)

    fix = PHRASES["fix_fields"]["es"]
    assert form("vary", "3; tres") == fix
    assert form("vary", "3") == fix
    assert form("staff", low="5", high="2") == fix
    assert form("staff", value="x") == fix
    assert callable(form("vary")) and callable(form("staff")) and callable(form("compare"))
    assert said == []  # nothing started, no progress
    after = sorted(app_settings.runs_dir.iterdir()) if app_settings.runs_dir.is_dir() else []
    assert after == before
