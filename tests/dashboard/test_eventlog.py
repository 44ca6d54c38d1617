"""A clinic's event log dropped on the dashboard, without a browser.

- ``dashboard.eventlogs``: a dropped file kept under an id (never a path) with its
  suffix, refused by suffix or size with nothing kept; fitted into the tab's base (the
  same scenario ``clinicsim fit`` writes, named after the log), its report kept beside
  it; a log that cannot be read refused row and column named, its folder removed, the
  server's path in no message; the fitted scenario checked, the check kept and read back;
- ``dashboard.messages``: the reader's places and messages and the fit's warnings in the
  page's language, each phrase with the values its shape captures;
- the scenario page's and the check page's callbacks called as the page calls them: the
  drop kept, the fit's panel (summary, warnings, download, the check's link), the check's
  verdict table and distributions.

The log is five days of the bundled ophthalmology clinic (``tests.support.eventlogs``),
written as ``clinicsim export-log`` writes it.
"""

from __future__ import annotations

import base64
import importlib
import re
import string
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from dash import dcc, html, no_update

from dashboard import ids
from dashboard.eventlogs import (
    LOG_UPLOAD_LIMIT_BYTES,
    check_replications,
    check_stored,
    find_log,
    fit_report,
    fit_stored,
    keep_dropped,
    kept_check,
    log_id,
    logs_root,
    store_log,
)
from dashboard.i18n import PHRASES, tr
from dashboard.messages import (
    FIT_WARNINGS,
    LOG_MESSAGES,
    localise_log_problem,
    localise_warning,
)
from dashboard.runs import MAX_REPS, Settings, find_run, open_run, run_id, run_whatif
from dashboard.whatif import ScenarioChoice, base_scenario, controls_of, shown_value
from sim.eventlog.check import MIN_REPS
from sim.eventlog.distfit import fit_rate, fit_weekday_rates
from sim.eventlog.fit import FitChoices, fit_log, weekday_warning
from sim.eventlog.read import read_log
from sim.eventlog.write import write_log
from sim.problems import Problem, ScenarioError
from tests.support.components import dashboard_app, of_type, prop, text, texts
from tests.support.eventlogs import simulated_log

DAYS = 5
CHECK_REPS = 3
BAD_ROW_INDEX = 7  # the data row whose end goes before its start


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "eventlog-store")


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, log = simulated_log("ophthalmology", DAYS)
    return write_log(log, tmp_path_factory.mktemp("logs") / "oftalmologia.csv")


@pytest.fixture(scope="module")
def bad_log_file(log_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The log with one step ending a minute before it starts; the row as a spreadsheet
    counts it (the header is row 1)."""
    frame = pd.read_csv(log_file, dtype=str, keep_default_na=False)
    stepped = frame.index[frame["step"] != ""][BAD_ROW_INDEX]
    start = pd.Timestamp(frame.at[stepped, "start"])
    frame.at[stepped, "end"] = (start - pd.Timedelta(minutes=1)).isoformat(sep=" ")
    path = tmp_path_factory.mktemp("bad") / "malo.csv"
    frame.to_csv(path, index=False)
    return path, int(stepped) + 2


@pytest.fixture(scope="module")
def fitted(app_settings: Settings, log_file: Path) -> tuple[str, ScenarioChoice]:
    wanted = store_log(app_settings.store_root, log_file.name, log_file.read_bytes())
    choice, _report = fit_stored(app_settings.store_root, wanted, "Ajustado de oftalmologia.csv")
    return wanted, choice


@pytest.fixture(scope="module")
def scenario_log(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.scenario_log")


@pytest.fixture(scope="module")
def check_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.checkfit")


def data_url(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode("ascii")


# ---------------------------------------------------------------- keeping a dropped log


def test_a_dropped_log_is_kept_under_an_id_with_its_suffix(
    app_settings: Settings, log_file: Path
) -> None:
    content = log_file.read_bytes()
    dropped = {"filename": log_file.name, "contents": data_url(content)}
    wanted = keep_dropped(app_settings.store_root, dropped)
    assert re.fullmatch(r"[0-9a-f]{24}", wanted) and wanted == log_id(log_file.name, content)
    stored = find_log(app_settings.store_root, wanted)
    assert stored is not None and stored.filename == log_file.name
    assert stored.path == logs_root(app_settings.store_root) / wanted / "log.csv"
    assert stored.path.read_bytes() == content
    assert keep_dropped(app_settings.store_root, dropped) == wanted  # the same file: one folder
    for foreign in ("../" + wanted, wanted.upper(), str(stored.folder), None, 7):
        assert find_log(app_settings.store_root, foreign) is None


def test_a_file_that_is_no_log_or_too_large_is_refused_and_not_kept(
    app_settings: Settings,
) -> None:
    before = set(logs_root(app_settings.store_root).glob("*"))
    with pytest.raises(ScenarioError) as refused:
        keep_dropped(app_settings.store_root, {"filename": "agenda.xlsx", "contents": "x,AAAA"})
    assert refused.value.source == "agenda.xlsx"
    assert refused.value.problems[0].message == ("expected a .csv, .parquet or .pq file, got .xlsx")
    too_big = LOG_UPLOAD_LIMIT_BYTES + 1
    with pytest.raises(ScenarioError) as refused:
        keep_dropped(app_settings.store_root, {"filename": "year.csv", "size": too_big})
    assert refused.value.problems[0].message == "the file is 65 MB; a log may be at most 64 MB"
    with pytest.raises(ScenarioError) as refused:
        store_log(app_settings.store_root, "year.csv", bytes(too_big))
    assert "at most 64 MB" in refused.value.problems[0].message
    with pytest.raises(ScenarioError):
        keep_dropped(app_settings.store_root, {"filename": "a.csv", "contents": "x,not base64!"})
    assert set(logs_root(app_settings.store_root).glob("*")) == before


# ---------------------------------------------------------------- fitting


def test_the_fit_is_the_scenario_clinicsim_fit_writes_and_becomes_the_base(
    app_settings: Settings, log_file: Path, fitted: tuple[str, ScenarioChoice]
) -> None:
    wanted, choice = fitted
    expected = fit_log(read_log(log_file), FitChoices(name="Ajustado de oftalmologia.csv"))
    assert choice.text == expected.to_yaml()  # the same file, its provenance block too
    assert "provenance:" in choice.text
    assert choice.name == "oftalmologia-fitted.yaml" and choice.log == wanted
    assert ScenarioChoice.from_store(choice.to_store()) == choice
    base = base_scenario(choice)
    assert base.name == "Ajustado de oftalmologia.csv"
    assert base.demand.requests_per_day == expected.scenario.demand.requests_per_day
    controls = {c.key: c for c in controls_of(base, choice.raw())}
    rate = controls["demand.requests_per_day"]
    assert float(shown_value(rate, "en")) == expected.scenario.demand.requests_per_day
    stored = find_log(app_settings.store_root, wanted)
    assert stored is not None and stored.scenario_path.read_text() == choice.text


def test_a_what_if_runs_on_the_fitted_base_as_on_any_other(
    app_settings: Settings, fitted: tuple[str, ScenarioChoice]
) -> None:
    _wanted, choice = fitted
    staff = "resources.technician.roster.mon"
    base = {c.key: c for c in choice.controls()}[staff].base
    changed = str(int(base) - 1)  # one fewer: the fitted file lists the members the log names
    folder = run_whatif(app_settings, choice, {staff: changed}, ["fifo"], 1)
    assert find_run(app_settings, run_id(folder)) == folder
    sweep = open_run(folder)
    assert isinstance(sweep, dict)
    assert [v["overrides"] for v in sweep["variants"].values()] == [[], [f"{staff}={changed}"]]
    assert sweep["variants"]["base"]["summary"]["scenario"] == base_scenario(choice).name


def test_the_fits_report_is_kept_beside_the_log(
    app_settings: Settings, log_file: Path, fitted: tuple[str, ScenarioChoice]
) -> None:
    wanted, choice = fitted
    log = read_log(log_file)
    scenario = base_scenario(choice)
    report = fit_report(app_settings.store_root, wanted)
    assert report is not None and report.filename == log_file.name
    assert report.warnings == fit_log(log).warnings
    summary = report.summary
    assert (summary.visits, summary.days, summary.step_rows) == (
        len(log.visits),
        DAYS,
        len(log.steps),
    )
    assert (summary.first, summary.last) == (log.dates[0].isoformat(), log.dates[-1].isoformat())
    assert summary.protocols == len(scenario.protocols)
    assert summary.resources == len(scenario.resources)
    assert summary.steps == len(set(log.steps["step"]))
    assert fit_report(app_settings.store_root, "0" * 24) is None


def test_a_bad_log_is_refused_row_and_column_named_and_removed(
    app_settings: Settings, bad_log_file: tuple[Path, int]
) -> None:
    path, row = bad_log_file
    wanted = store_log(app_settings.store_root, path.name, path.read_bytes())
    folder = logs_root(app_settings.store_root) / wanted
    with pytest.raises(ScenarioError) as refused:
        fit_stored(app_settings.store_root, wanted, "x")
    assert refused.value.source == "malo.csv"
    places = [p.path for p in refused.value.problems]
    assert f"row {row}, column 'end'" in places
    assert not any(str(app_settings.store_root) in p.message for p in refused.value.problems)
    assert not folder.exists()
    (problem,) = [p for p in refused.value.problems if p.path == f"row {row}, column 'end'"]
    spanish = localise_log_problem(problem, refused.value.source, "es")
    assert spanish.startswith(f"malo.csv: fila {row}, columna 'end': termina antes de empezar (")
    english = localise_log_problem(problem, refused.value.source, "en")
    assert english == f"malo.csv: {problem.path}: {problem.message}"


# ---------------------------------------------------------------- words


def test_every_phrase_of_a_message_shape_takes_the_values_it_captures() -> None:
    for pattern, phrase in (*LOG_MESSAGES, *FIT_WARNINGS):
        for lang in ("es", "en"):
            fields = {f for _, f, _, _ in string.Formatter().parse(PHRASES[phrase][lang]) if f}
            assert fields == set(pattern.groupindex), phrase


def test_the_fits_warnings_are_said_in_the_pages_language(
    fitted: tuple[str, ScenarioChoice], app_settings: Settings
) -> None:
    report = fit_report(app_settings.store_root, fitted[0])
    assert report is not None
    (closing,) = [w for w in report.warnings if w.startswith("closing time")]
    clock = re.search(r"\((\d\d:\d\d)\)", closing)
    assert clock is not None
    assert localise_warning(closing, "es").startswith(
        f"Hora de cierre leída del fin del trabajo ({clock[1]})"
    )
    assert "«Horario de la clínica»" in localise_warning(closing, "es")
    assert "--close" not in localise_warning(closing, "en")  # the dashboard has the field
    busy = fit_rate(np.array([20, 80] * 15)).warning
    assert busy is not None
    said = re.search(r"\(variance (\S+) against mean (\S+), (p [^)]+)\)", busy)
    assert said is not None
    assert localise_warning(busy, "es").startswith(
        "Las visitas por día varían más de lo que variarían en un proceso de Poisson "
        f"(varianza {said[1]} frente a una media de {said[2]}, {said[3]})"
    )
    assert localise_warning("something new", "es") == "something new"


def test_every_warning_of_a_thin_logs_fit_is_said_in_spanish() -> None:
    """One day of the clinic: too few doings of some steps for a fit (empirical)."""
    _, log = simulated_log("ophthalmology", 1)
    warnings = fit_log(log).warnings
    assert any("empirical" in w for w in warnings)
    for warning in warnings:
        spanish = localise_warning(warning, "es")
        assert spanish != warning and "--" not in spanish, warning
        assert "--" not in localise_warning(warning, "en"), warning  # no command line options


def test_the_readers_places_and_known_messages_are_said_in_spanish() -> None:
    missing = Problem("row 1", "the file is empty: expected a header row and a row per step")
    assert localise_log_problem(missing, "a.csv", "es") == (
        "a.csv: fila 1: el archivo está vacío: se esperaba una fila de encabezado y una "
        "fila por paso"
    )
    other = Problem("row 3, column 'member'", "'Ana' (nurse) is in two places at once")
    assert localise_log_problem(other, "a.csv", "es") == (
        "a.csv: fila 3, columna 'member': 'Ana' (nurse) is in two places at once"
    )
    assert localise_log_problem(Problem("", "… and 4 more"), "a.csv", "es") == "a.csv: … y 4 más"


# ---------------------------------------------------------------- checking


def test_the_fitted_base_is_checked_and_the_check_kept(
    app_settings: Settings, fitted: tuple[str, ScenarioChoice]
) -> None:
    wanted, _choice = fitted
    assert kept_check(app_settings.store_root, wanted, CHECK_REPS) is None
    calls: list[tuple[int, int]] = []
    result = check_stored(app_settings.store_root, wanted, CHECK_REPS, lambda *c: calls.append(c))
    assert calls[-1] == (CHECK_REPS, CHECK_REPS) and result.reps == CHECK_REPS
    assert result.days == DAYS and "stay" in set(result.figures["figure"])
    kept = kept_check(app_settings.store_root, wanted, CHECK_REPS)
    assert kept is not None
    pd.testing.assert_frame_equal(kept.figures, result.figures)
    again: list[tuple[int, int]] = []
    check_stored(app_settings.store_root, wanted, CHECK_REPS, lambda *c: again.append(c))
    assert again == []  # read back, not simulated again


def test_check_replications() -> None:
    assert check_replications(str(MIN_REPS)) == MIN_REPS
    assert check_replications(f" {MAX_REPS} ") == MAX_REPS
    for bad in (str(MIN_REPS - 1), str(MAX_REPS + 1), "2.5", "tres", None, ""):
        assert check_replications(bad) is None


# ---------------------------------------------------------------- the pages' callbacks


def test_receiving_a_drop_hands_its_id_to_the_fit_and_lets_go_of_the_bytes(
    scenario_log: ModuleType, log_file: Path
) -> None:
    content = log_file.read_bytes()
    dropped = {"filename": log_file.name, "contents": data_url(content)}
    job, message, kept = scenario_log.receive_log(dropped, "es")
    assert job == {"log": log_id(log_file.name, content)} and message == "" and kept is None
    job, message, kept = scenario_log.receive_log({"filename": "notas.txt", "size": 3}, "es")
    assert job is no_update and kept is None
    assert text(message).startswith("No se pudo ajustar notas.txt; el escenario anterior sigue")
    assert "se esperaba un archivo .csv, .parquet o .pq; se recibió .txt" in text(message)
    assert scenario_log.receive_log(None, "es") == (no_update, no_update, no_update)


def test_the_fits_panel_says_what_was_fitted_and_leads_to_the_check(
    scenario_log: ModuleType, fitted: tuple[str, ScenarioChoice], app_settings: Settings
) -> None:
    wanted, choice = fitted
    panel = scenario_log.show_fit(choice.to_store(), "es")
    report = fit_report(app_settings.store_root, wanted)
    assert report is not None
    shown = text(panel)
    assert "Escenario ajustado al registro oftalmologia.csv" in shown
    assert f"{report.summary.visits} visitas en {DAYS} días laborables" in shown
    assert "Hora de cierre leída del fin del trabajo" in shown
    (link,) = [c for c in of_type(panel, dcc.Link) if getattr(c, "id", None) == ids.LOG_CHECK]
    assert prop(link, "href") == f"/check?log={wanted}" and text(link) == "Comprobar el ajuste"
    assert scenario_log.show_fit(ScenarioChoice("ophthalmology").to_store(), "es") == ""
    gone = ScenarioChoice(choice.name, choice.text, "f" * 24)
    assert "ya no está en el servidor" in text(scenario_log.show_fit(gone.to_store(), "es"))
    download = scenario_log.download_fitted(1, choice.to_store())
    assert download["filename"] == "oftalmologia-fitted.yaml"
    assert download["content"] == choice.text


def test_the_check_page_shows_the_verdict_table_and_distributions(
    check_page: ModuleType, fitted: tuple[str, ScenarioChoice], app_settings: Settings
) -> None:
    wanted, _choice = fitted
    result = check_stored(app_settings.store_root, wanted, CHECK_REPS)
    view = check_page.show_check({"log": wanted, "reps": CHECK_REPS}, "en")
    (table,) = [t for t in of_type(view, html.Table) if t.className == "verdicts"]
    rows = [r for r in of_type(table, html.Tr) if prop(r, "data-figure")]
    assert [prop(r, "data-figure") for r in rows] == list(result.figures["figure"])
    verdicts = [texts(r)[-1] for r in rows]
    assert verdicts == ["agrees" if a else "differs" for a in result.figures["agrees"]]
    assert texts(table)[1:6] == ["Figure", "Log", "Simulated", "Interval", "Verdict"]
    graphs = of_type(view, dcc.Graph)
    assert len(graphs) >= 1 + 1  # the stay and at least one wait
    assert "Stay per visit" in texts(view) and "Wait per step" in texts(view)
    spanish = check_page.show_check({"log": wanted, "reps": CHECK_REPS}, "es")
    assert "Estancia por visita" in texts(spanish)
    assert text(check_page.show_check({"log": None}, "es")).startswith("No hay un registro")
    failed = {"log": wanted, "reps": 2, "source": "x", "problems": [["", "boom"]]}
    assert "La comprobación no pudo hacerse" in text(check_page.show_check(failed, "es"))


def test_the_check_page_is_titled_by_the_fitted_scenario_and_the_log(
    check_page: ModuleType, fitted: tuple[str, ScenarioChoice]
) -> None:
    wanted, _choice = fitted
    words = check_page.page_text("es", {"log": wanted})
    assert words[-3] == (
        "Comprobación del ajuste: Ajustado de oftalmologia.csv frente al registro oftalmologia.csv"
    )
    assert tr("check_base_note", "es") in words  # what is checked: the fitted base
    assert check_page.page_text("en", {"log": None})[-3] == "Check the fit"


def test_the_weekday_warning_is_said_in_spanish() -> None:
    weekdays = ["mon", "tue", "wed", "thu", "fri"] * 12
    counts = np.random.default_rng(3).poisson([90 if w == "mon" else 60 for w in weekdays])
    warning = weekday_warning(fit_weekday_rates(counts, weekdays))
    spanish = localise_warning(warning, "es")
    assert spanish.startswith("Las visitas por día difieren según el día de la semana (mon ")
    assert "p = " in spanish and "--" not in spanish
