"""A clinic's event log dropped on the scenario page, in a real browser.

- five days of the bundled ophthalmology clinic, written as ``clinicsim export-log``
  writes them, dropped on the log's drop zone: the tab's base becomes the fitted
  scenario (its name is the title, the what-if fields show the fitted values, the fit's
  panel its summary and warnings in Spanish);
- a log with a step that ends before it starts: its message at the drop zone names the
  row and the column, and the fitted base stays;
- "Comprobar el ajuste" opens the check page, which checks the fitted base in the
  background and shows the verdict of each figure in a table, and the observed against
  simulated distributions (its screenshot is kept in ``tests/artifacts/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard.whatif import ScenarioChoice, controls_of, shown_value
from sim.eventlog.fit import FitChoices, fit_log
from sim.eventlog.read import read_log
from sim.eventlog.write import write_log
from tests.support.browser import ARTIFACTS, CHROMEDRIVER, CHROMIUM, Browser, DashboardServer
from tests.support.eventlogs import simulated_log

DAYS = 5
FITTED_NAME = "Ajustado de oftalmologia.csv"  # the page is in Spanish
RATE_KEY = "demand.requests_per_day"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):  # `make test` installs both
    raise RuntimeError(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make browser`")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("dashboard-eventlog"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    user = Browser(tmp_path_factory.mktemp("eventlog-downloads"))
    yield user
    user.quit()


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, log = simulated_log("ophthalmology", DAYS)
    return write_log(log, tmp_path_factory.mktemp("logs") / "oftalmologia.csv")


@pytest.fixture(scope="module")
def bad_log(log_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The log with its fourth step ending a minute before it starts, and that row's
    number as a spreadsheet shows it."""
    frame = pd.read_csv(log_file, dtype=str, keep_default_na=False)
    stepped = frame.index[frame["step"] != ""][3]
    start = pd.Timestamp(frame.at[stepped, "start"])
    frame.at[stepped, "end"] = (start - pd.Timedelta(minutes=1)).isoformat(sep=" ")
    path = tmp_path_factory.mktemp("bad") / "registro_malo.csv"
    frame.to_csv(path, index=False)
    return path, int(stepped) + 2


def drop(browser: Browser, path: Path) -> None:
    box = browser.wait(lambda: browser.find("#log-upload input[type='file']")[0])
    box.send_keys(str(path))


def test_a_dropped_log_becomes_the_base(
    browser: Browser, server: DashboardServer, log_file: Path
) -> None:
    browser.driver.get(server.url + "/")
    browser.wait_text("#scenario-title", "Oftalmología")
    browser.wait_text("#log-upload", "suelte aquí un registro de eventos (CSV o Parquet")
    drop(browser, log_file)
    browser.wait_text("#scenario-title", FITTED_NAME, timeout=120)
    fitted = fit_log(read_log(log_file), FitChoices(name=FITTED_NAME))
    choice = ScenarioChoice("oftalmologia-fitted.yaml", fitted.to_yaml())
    rate = {c.key: c for c in controls_of(fitted.scenario, choice.raw())}[RATE_KEY]
    browser.wait(
        lambda: browser.field(RATE_KEY).get_attribute("value") == shown_value(rate, "es"),
        message="the fitted rate in its what-if field",
    )
    panel = browser.wait_text("#log-panel", "Escenario ajustado al registro oftalmologia.csv")
    assert f"{len(read_log(log_file).visits)} visitas en {DAYS} días laborables" in panel
    assert "Hora de cierre leída del fin del trabajo" in panel  # a warning, in Spanish
    assert browser.find("#log-busy")[0].get_attribute("hidden") is not None
    assert browser.text("#log-message") == ""


def test_a_bad_log_is_explained_at_the_drop_zone_and_the_base_stays(
    browser: Browser, bad_log: tuple[Path, int]
) -> None:
    path, row = bad_log
    drop(browser, path)
    message = browser.wait_text("#log-message", "registro_malo.csv", timeout=120)
    assert f"fila {row}, columna 'end': termina antes de empezar" in message
    assert "el escenario anterior sigue activo" in message
    assert "Traceback" not in message and "/tmp" not in message
    assert FITTED_NAME in browser.text("#scenario-title")


def test_the_check_page_shows_a_verdict_per_figure(browser: Browser) -> None:
    browser.click("#log-check")
    rows = browser.wait(
        lambda: browser.find("table.verdicts tr[data-figure]"),
        timeout=180,
        message="the check's verdict table",
    )
    figures = [row.get_attribute("data-figure") for row in rows]
    assert figures[0] == "stay" and any(f.startswith("wait.") for f in figures)
    verdicts = [row.find_elements("css selector", "td")[-1].text for row in rows]
    assert set(verdicts) <= {"concuerda", "difiere"} and verdicts
    assert FITTED_NAME in browser.text("h2")
    assert "no con los cambios de «¿Qué pasa si…?»" in browser.text("#t-check-note")
    browser.wait(lambda: browser.find(".check .js-plotly-plot"), message="the distributions")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.driver.set_window_size(1400, 2600)
    browser.driver.save_screenshot(str(ARTIFACTS / "dashboard-check-fit.png"))
    browser.driver.set_window_size(1400, 1000)
