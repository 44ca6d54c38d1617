"""The dashboard in a real browser: Debian's Chromium driven by Selenium against
``clinicsim dashboard`` running as its own process, with real runs.

The full flow: the page loads with no console errors; a staff count is
changed; three replications of ``fifo`` and ``mip`` run in the background with
the progress bar moving; the results page shows the headline cards and the
charts; the language switches; a bad upload and a bad field value show their
messages; a second user sees none of the first's what-ifs; the run is reopened
from the stored runs and its tables downloaded (Cancel and the form:
``test_form_browser.py``). The results page's screenshot
and the timings are kept in ``tests/artifacts/`` (the README's screenshot is
that file).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.support.browser import (
    ARTIFACTS,
    CHROMEDRIVER,
    CHROMIUM,
    Browser,
    DashboardServer,
    choose_policies,
    pick,
    pick_scenario,
    set_reps,
)

STAFF_KEY = "resources.technician.roster.mon"
TIMINGS: dict[str, Any] = {}

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):  # `make test` installs both
    raise RuntimeError(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make browser`")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("dashboard"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def alice(server: DashboardServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    browser = Browser(tmp_path_factory.mktemp("alice-downloads"))
    yield browser
    browser.quit()


def open_scenario_page(browser: Browser, server: DashboardServer) -> float:
    """Load the scenario page; seconds until its what-if fields are drawn."""
    started = time.perf_counter()
    browser.driver.get(server.url + "/")
    browser.field(STAFF_KEY)
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def finished_run(alice: Browser, server: DashboardServer) -> dict[str, Any]:
    """Change the technicians on Mondays to 5, run fifo and mip three times, wait for
    the results page; what was seen on the way."""
    open_scenario_page(alice, server)
    alice.type_into(STAFF_KEY, "5")
    alice.wait_text("#change-list", "5")
    choose_policies(alice, ["fifo", "mip"])
    set_reps(alice, "3")
    started = time.perf_counter()
    alice.click("#run")
    progress: list[str] = []

    def results_shown() -> bool:
        value = alice.find("#progress")
        if value:
            progress.append(value[0].get_attribute("value") or "")
        return "/results" in alice.driver.current_url and bool(alice.find(".card"))

    alice.wait(results_shown, timeout=240, message="the results page after the run")
    alice.wait(lambda: len(alice.find(".js-plotly-plot")) >= 6, timeout=60, message="charts")
    seconds = time.perf_counter() - started
    TIMINGS["run_3_reps_fifo_mip_seconds"] = round(seconds, 1)
    return {"progress": progress, "seconds": seconds, "url": alice.driver.current_url}


# ---------------------------------------------------------------- loading


def test_the_page_loads_without_console_errors(server: DashboardServer, alice: Browser) -> None:
    TIMINGS["page_interactive_seconds"] = round(open_scenario_page(alice, server), 2)
    assert alice.field(STAFF_KEY).get_attribute("value") == "4"  # the bundled scenario's
    assert "Oftalmología" in alice.text("#scenario-title")
    assert alice.console_errors() == []


# ---------------------------------------------------------------- the full flow


def test_a_run_shows_its_progress_and_lands_on_the_results(finished_run: dict[str, Any]) -> None:
    seen = {v for v in finished_run["progress"] if v}
    assert len(seen) >= 2, f"the progress bar never moved: {finished_run['progress']}"
    assert "/results?run=" in finished_run["url"]


def test_results_show_headline_cards_and_charts(
    finished_run: dict[str, Any], alice: Browser
) -> None:
    cards = alice.find(".card")
    metrics = [c.get_attribute("data-metric") for c in cards]
    assert metrics[:5] == ["los", "wait", "overtime", "utilisation", "service_level"]
    stay = cards[0]
    lines = stay.find_elements(By.CSS_SELECTOR, "tr[data-policy]")
    assert [line.get_attribute("data-policy") for line in lines] == ["fifo", "mip"]
    # the change the five technicians make to each policy, with its interval
    assert "Estancia media" in stay.text and "frente a la clínica como es" in stay.text
    assert "[" in lines[1].text
    table = alice.text("table.comparison")
    assert (
        "Estancia (min)" in table and "Δ" in table and "Horarios óptimos (MIP) · como es" in table
    )
    assert len(alice.find(".js-plotly-plot")) >= 6
    assert alice.console_errors() == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    alice.driver.set_window_size(1400, 2600)
    time.sleep(1)  # let Plotly redraw at the new width
    alice.driver.save_screenshot(str(ARTIFACTS / "dashboard-results.png"))
    alice.driver.set_window_size(1400, 1000)


def test_the_run_is_stored_with_the_change_as_an_override(
    finished_run: dict[str, Any], server: DashboardServer
) -> None:
    runs = [p for p in (server.store / "runs").iterdir() if p.is_dir()]
    assert len(runs) == 1
    sweep = json.loads((runs[0] / "sweep.json").read_text())
    assert list(sweep["variants"]) == ["base", f"{STAFF_KEY}=5"]
    changed = runs[0] / "variants" / f"{STAFF_KEY}=5"
    info = json.loads((changed / "run.json").read_text())
    assert info["policies"] == ["fifo", "mip"] and info["reps"] == 3
    assert ["--sweep", f"{STAFF_KEY}=5"] == info["command"][-3:-1]
    assert "mon: 5" in (changed / "scenario.yaml").read_text()
    assert "mon: 5" not in (runs[0] / "variants" / "base" / "scenario.yaml").read_text()


GANTT_SHAPES = """
const plot = document.querySelector('#gantt .js-plotly-plot');
return plot && plot.layout ? (plot.layout.shapes || []).map(s => [s.type, s.x0]) : null;
"""


def test_the_gantt_chart_follows_the_chosen_replication(
    finished_run: dict[str, Any], alice: Browser
) -> None:
    """The chart changes with the replication and marks, in each, the clinic's closing at
    15:30 (a line, drawn and named) and the staff's shift ends."""
    before = alice.text("#gantt")
    pick(alice, "#gantt-rep", "2")
    alice.wait(lambda: alice.text("#gantt") != before, message="the Gantt chart to change")
    for text in ("Cierre 15:30", "Fin de turno"):
        alice.wait_text("#gantt", text)
    shapes = alice.wait(lambda: alice.driver.execute_script(GANTT_SHAPES), message="shapes")
    assert ["line", 930] in shapes  # minutes after midnight: 15:30
    assert alice.find("#gantt .shapelayer path")  # drawn, not only described


REPLAY = "#replay .js-plotly-plot"
PATIENT_POINTS = "#replay .subplot.xy .scatterlayer .trace:first-child .point"  # trace 0


def replay_figure(browser: Browser, expression: str) -> Any:
    """``expression`` of the replay's graph div (``gd``) as the page holds it."""
    script = f"const gd = document.querySelector('{REPLAY}'); return {expression};"
    return browser.driver.execute_script(script)


def slider_clock(browser: Browser) -> str:
    """The time the replay's slider shows above it (``Hora: 09:05`` → ``09:05``)."""
    texts = [e.get_attribute("textContent") for e in browser.find("#replay .slider-label")]
    return next((text[-5:] for text in texts if re.fullmatch(r"\S+: \d\d:\d\d", text)), "")


def drawn_clock(browser: Browser) -> str:
    """The clock drawn in the replay's frame (``09:05   3 por llegar · …``)."""
    texts = [e.text for e in browser.find("#replay .scatterlayer .textpoint text")]
    return next((text[:5] for text in texts if re.match(r"\d\d:\d\d ", text)), "")


def click_rail(browser: Browser, share: float) -> None:
    """Click the replay's time slider ``share`` of the way along its rail."""
    rail = browser.find("#replay .slider-rail-touch-rect")[0]
    width = rail.size["width"]
    ActionChains(browser.driver).move_to_element_with_offset(
        rail, int((share - 0.5) * width), 0
    ).click().perform()


def test_the_replay_follows_the_gantt_day_and_plays(
    finished_run: dict[str, Any], alice: Browser
) -> None:
    """The replay is drawn under the Gantt chart, replays the day its pickers choose, and
    Play advances the clock it shows."""
    graph = alice.wait(lambda: alice.find(REPLAY)[0], message="the replay")
    alice.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", graph)
    assert "Repetición de un día" in alice.text("#results")
    pick(alice, "#gantt-policy", "Horarios óptimos (MIP)")  # policies by their names
    alice.wait_text("#replay .gtitle", "Repetición del día: Horarios óptimos (MIP)")
    labels = replay_figure(alice, "gd.layout.sliders[0].steps.map(s => s.label)")
    first = alice.wait(lambda: slider_clock(alice), message="the replay's clock")
    assert first == labels[0] == drawn_clock(alice)
    alice.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", graph)
    alice.find("#replay .updatemenu-button")[0].click()  # play
    alice.wait(
        lambda: slider_clock(alice) > labels[2] and drawn_clock(alice) > labels[2],
        message=f"the clock to move on from {first}",
    )
    alice.find("#replay .updatemenu-button")[1].click()  # pause
    assert alice.console_errors() == []


def test_the_replay_slider_shows_the_chosen_time(
    finished_run: dict[str, Any], alice: Browser
) -> None:
    """A click a quarter and three quarters along the slider shows the frame of that
    time: the clock and every patient of that frame."""
    graph = alice.wait(lambda: alice.find(REPLAY)[0], message="the replay")
    alice.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", graph)
    labels = replay_figure(alice, "gd.layout.sliders[0].steps.map(s => s.label)")
    shown = []
    for share in (0.25, 0.75):
        click_rail(alice, share)
        near = round(share * (len(labels) - 1))
        wanted = set(labels[max(0, near - 1) : near + 2])
        clock = alice.wait(
            lambda wanted=wanted: (
                slider_clock(alice) in wanted
                and drawn_clock(alice) == slider_clock(alice)
                and slider_clock(alice)
            ),
            message=f"a time among {sorted(wanted)}; shown {slider_clock(alice)}",
        )
        frame = labels.index(clock)
        patients = replay_figure(
            alice, f"(gd._transitionData._frames[{frame}].data[0].x || []).length"
        )
        alice.wait(
            lambda patients=patients: len(alice.find(PATIENT_POINTS)) == patients,
            message=f"{patients} patients drawn at {clock}",
        )
        ids = replay_figure(alice, "gd._fullData[0].ids || []")
        expected = replay_figure(alice, f"gd._transitionData._frames[{frame}].data[0].ids || []")
        assert sorted(ids) == sorted(expected)
        shown.append(clock)
    assert shown[0] < shown[1]


def test_switching_language_and_back(finished_run: dict[str, Any], alice: Browser) -> None:
    alice.click("input[value='en']")
    alice.wait_text(".card", "Mean stay")
    alice.wait_text("table.comparison", "Stay (min)")
    assert "Scenario" in alice.text("header nav")
    alice.click("input[value='es']")
    alice.wait_text(".card", "Estancia media")
    assert "Escenario" in alice.text("header nav")


def test_tables_download_as_csv(finished_run: dict[str, Any], alice: Browser) -> None:
    alice.click("#download-summary")
    csv = alice.wait(lambda: list(alice.downloads.glob("*summary.csv")), message="the CSV")[0]
    table = pd.read_csv(csv)
    assert set(table["policy"]) == {"fifo", "mip"}
    assert {"mean", "ci95_low", "ci95_high", "diff_vs_baseline"} <= set(table.columns)
    los = table[(table["policy"] == "mip") & (table["metric"] == "los")]
    assert len(los) == 1 and los["mean"].iloc[0] > 0


def test_the_report_downloads_in_the_page_language(
    finished_run: dict[str, Any], alice: Browser
) -> None:
    alice.click("#download-report")
    report = alice.wait(lambda: list(alice.downloads.glob("*report.html")), message="the report")[0]
    text = alice.wait(lambda: report.read_text(encoding="utf-8"), message="the report's content")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="es">' in text
    assert "Estancia media" in text and "Horarios óptimos (MIP)" in text


def test_a_stored_run_reopens_from_the_list(
    finished_run: dict[str, Any], alice: Browser, server: DashboardServer
) -> None:
    alice.driver.get(server.url + "/runs")
    alice.wait_text("table.runs", "Orden de llegada, Horarios óptimos (MIP)")
    alice.click("table.runs a")
    alice.wait(lambda: len(alice.find(".card")) >= 5, message="the reopened run's cards")
    assert "frente a como es hoy" in alice.text("h2")


# ---------------------------------------------------------------- bad input


def test_a_bad_field_value_shows_its_message(alice: Browser, server: DashboardServer) -> None:
    open_scenario_page(alice, server)
    message = f"[id*='{STAFF_KEY}'][id*='field-message']"
    alice.type_into(STAFF_KEY, "-1")
    alice.wait_text(message, "número entero ≥ 0")
    alice.wait_text("#change-list", "no válido")
    alice.click("#run")
    alice.wait_text("#run-message", "Corrija los campos")
    alice.type_into(STAFF_KEY, "tres")
    alice.wait_text(message, "número entero ≥ 0")
    alice.click("#reset-all")
    alice.wait(lambda: alice.field(STAFF_KEY).get_attribute("value") == "4", message="undo")
    alice.wait(lambda: alice.text(message) == "", message="the message to go")


def test_a_refused_upload_is_explained_and_changes_nothing(
    alice: Browser, server: DashboardServer, tmp_path: Path
) -> None:
    open_scenario_page(alice, server)
    bad = tmp_path / "bad_clinic.yaml"
    bad.write_text("name: Bad\nhorizon: {days: 0}\nresources: {doctor: {count: -2}}\n")
    upload = alice.wait(lambda: alice.find("#upload input[type='file']")[0])
    upload.send_keys(str(bad))
    text = alice.wait_text("#upload-message", "bad_clinic.yaml")
    assert "horizon.days" in text and "resources.doctor.count" in text
    assert "debe ser ≥ 1; se recibió 0" in text  # the checker's message, in the page's language
    assert "Oftalmología" in alice.text("#scenario-title")  # the previous scenario stays


def test_a_good_upload_becomes_the_scenario(
    alice: Browser, server: DashboardServer, tmp_path: Path
) -> None:
    from scenarios import bundled_path

    text = (
        bundled_path("ophthalmology").read_text().replace("name: Oftalmología", "name: Mi clínica")
    )
    good = tmp_path / "mi_clinica.yaml"
    good.write_text(text)
    open_scenario_page(alice, server)
    alice.find("#upload input[type='file']")[0].send_keys(str(good))
    alice.wait_text("#scenario-title", "Mi clínica")
    alice.driver.refresh()  # kept in the tab's session
    alice.wait_text("#scenario-title", "Mi clínica")
    pick_scenario(alice, "ophthalmology")
    alice.wait_text("#scenario-title", "Oftalmología")


# ---------------------------------------------------------------- two users


def test_two_users_do_not_see_each_others_what_ifs(
    alice: Browser, server: DashboardServer, tmp_path: Path
) -> None:
    open_scenario_page(alice, server)
    alice.type_into("demand.requests_per_day", "75")
    alice.wait_text("#change-list", "75")
    bob = Browser(tmp_path / "bob-downloads")
    try:
        open_scenario_page(bob, server)
        bob.wait_text("#change-list", "Ninguno")
        assert bob.field("demand.requests_per_day").get_attribute("value") == "60"
        bob.type_into("horizon.open", "08:00")
        bob.wait_text("#change-list", "08:00")
    finally:
        bob.quit()
    alice.driver.refresh()
    alice.wait_text("#change-list", "75")
    assert "08:00" not in alice.text("#change-list")
    alice.click("#reset-all")
    alice.wait_text("#change-list", "Ninguno")


def test_record_timings() -> None:
    """Keep what the browser measured (reported in the closing note, not asserted)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "dashboard-timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    assert "page_interactive_seconds" in TIMINGS
