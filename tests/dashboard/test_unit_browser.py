"""A day hospital in the dashboard, in a real browser (Debian's Chromium through
Selenium against ``clinicsim dashboard``): pick the bundled unit, see it at a
glance, change its beds, run fifo and grasp while the progress bar advances, and
read the results: headline cards, comparison, admissions by policy, calendars,
beds, chairs and studies per block, and a day's timetable that follows the day
picked; the run reopens and its report downloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from sim.outputs.headline import UNIT_HEADLINES
from tests.support.browser import (
    ARTIFACTS,
    Browser,
    DashboardServer,
    choose_policies,
    pick,
    pick_scenario,
    set_reps,
)

BEDS = "unit.beds"
# Every state the progress bar and its text take during the run, recorded by the page
# itself (Selenium's polls could miss a state that lasts less than a poll); the
# navigation to the results stays in the page, so the record survives it.
WATCH_PROGRESS = """
window.progressSeen = [];
const bar = document.getElementById('progress');
const words = document.getElementById('progress-text');
const note = () => window.progressSeen.push([words.textContent, Number(bar.value)]);
const watcher = new MutationObserver(note);
watcher.observe(words, {childList: true, characterData: true, subtree: true});
watcher.observe(bar, {attributes: true});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("unit-dashboard"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def carol(server: DashboardServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    browser = Browser(tmp_path_factory.mktemp("carol-downloads"))
    yield browser
    browser.quit()


def open_unit(browser: Browser, server: DashboardServer) -> None:
    browser.driver.get(server.url + "/")
    browser.wait(lambda: browser.find("#scenario-pick"), message="the scenario picker")
    pick_scenario(browser, "day_hospital")
    browser.wait_text("#scenario-title", "Cuidados Mínimos")
    browser.field(BEDS)


@pytest.fixture(scope="module")
def unit_run(carol: Browser, server: DashboardServer) -> dict[str, Any]:
    open_unit(carol, server)
    carol.type_into(BEDS, "2")
    carol.wait_text("#change-list", "unit.beds=2")
    # GRASP plans for a second or more: long enough for the page to show the progress
    carol.type_into("policies.grasp.iterations", "300")
    carol.wait_text("#change-list", "policies.grasp.iterations=300")
    choose_policies(carol, ["fifo", "grasp"])
    set_reps(carol, "3")
    carol.driver.execute_script(WATCH_PROGRESS)
    carol.click("#run")
    carol.wait(
        lambda: "/results" in carol.driver.current_url and carol.find("table.admissions"),
        timeout=240,
        message="the unit's results page",
    )
    progress = carol.driver.execute_script("return window.progressSeen;")
    carol.wait(lambda: len(carol.find(".js-plotly-plot")) >= 5, timeout=60, message="charts")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    carol.driver.set_window_size(1400, 3000)
    carol.driver.save_screenshot(str(ARTIFACTS / "dashboard_unit.png"))
    return {"url": carol.driver.current_url, "progress": progress}


def test_the_unit_is_offered_and_shown_at_a_glance(carol: Browser, server: DashboardServer) -> None:
    open_unit(carol, server)
    assert carol.field(BEDS).get_attribute("value") == "17"
    assert carol.field("unit.chairs").get_attribute("value") == "23"
    glance = carol.wait_text("#glance", "Lista de espera")  # drawn after the fields
    assert "p16" in glance and "Odontología" in glance
    offered = {b.get_attribute("value") for b in carol.find("#policies input[type='checkbox']")}
    assert offered == {"fifo", "grasp", "mip"}  # the block model's policies, not the clinic's
    assert carol.console_errors() == []


def test_a_bad_bed_count_is_refused_at_its_field(carol: Browser, server: DashboardServer) -> None:
    open_unit(carol, server)
    carol.type_into(BEDS, "muchas")
    message = f"[id*='{BEDS}'][id*='field-message']"
    carol.wait_text(message, "número entero")
    carol.click("#reset-all")
    carol.wait(lambda: carol.field(BEDS).get_attribute("value") == "17", message="undo")


def test_the_unit_run_lands_on_its_results(unit_run: dict[str, Any], carol: Browser) -> None:
    assert "/results?run=" in unit_run["url"]
    admissions = carol.text("table.admissions")
    assert "p6" in admissions and "B53 sáb mañana" in admissions  # p6 on its Saturday
    comparison = carol.text("table.comparison")
    assert "Bloques hasta la admisión" in comparison and "Ocupación de camas" in comparison
    assert "Semana 4" in carol.text("body")  # the calendars
    assert carol.console_errors() == []


def test_the_progress_bar_advances_during_the_run(unit_run: dict[str, Any]) -> None:
    """Not stuck on "Preparando…": the tasks done (plans, then replications) out of all 8,
    the bar filling with them."""
    seen = unit_run["progress"]
    texts = [text for text, _value in seen]
    counted = [text for text in texts if re.fullmatch(r"\d+ de 8 tareas", text)]
    assert counted, texts
    done = [int(text.split()[0]) for text in counted]
    assert done == sorted(done) and done[-1] >= 1, counted
    assert max(value for _text, value in seen) >= 1, seen


def test_the_unit_run_has_headline_cards(unit_run: dict[str, Any], carol: Browser) -> None:
    cards = carol.find("#headlines .card")
    assert [c.get_attribute("data-metric") for c in cards] == list(UNIT_HEADLINES)
    admitted = carol.text("#headlines .card[data-metric='admitted']")
    assert "Pacientes admitidos" in admitted and "pacientes" in admitted
    assert "frente a Orden de llegada" in carol.text("#headlines .card[data-metric='wait_blocks']")
    # 2 beds for the 5 bed patients: the beds fill, so no "not congested" note
    assert "Ocupación de camas" in carol.text("#headlines") and not carol.find("#unit-quiet")


def test_the_beds_line_follows_the_change(unit_run: dict[str, Any], carol: Browser) -> None:
    """The run used 2 beds instead of 17: the occupancy chart draws D1 at 2."""
    assert "Camas (D1 = 2)" in carol.text("#unit-occupancy")


def test_the_timetable_follows_the_day_picked(unit_run: dict[str, Any], carol: Browser) -> None:
    before = carol.text("#unit-timetable")
    carol.click("#unit-timetable-day")
    options = carol.wait(
        lambda: [o for o in carol.find("[role='option']") if "semana" in o.text and o.text.strip()],
        message="the days of the timetable",
    )
    assert len(options) >= 2
    options[-1].click()
    carol.wait(lambda: carol.text("#unit-timetable") != before, message="another day")


def test_the_block_figures_follow_the_policy_picked(
    unit_run: dict[str, Any], carol: Browser
) -> None:
    before = carol.text("#unit-studies")
    assert "GRASP por prioridad" in before  # policies by their display names
    pick(carol, "#unit-block-policy", "Orden de llegada")
    carol.wait(
        lambda: "Orden de llegada" in carol.text("#unit-studies"),
        message="fifo's studies per block",
    )


def test_the_unit_report_downloads(unit_run: dict[str, Any], carol: Browser) -> None:
    carol.click("#download-report")
    report = carol.wait(lambda: list(carol.downloads.glob("*report.html")), message="report")[0]
    text = carol.wait(lambda: report.read_text(encoding="utf-8"), message="its content")
    assert "Admisiones por política" in text and "Uso por bloque" in text


def test_the_unit_run_is_stored_and_reopens(
    unit_run: dict[str, Any], carol: Browser, server: DashboardServer
) -> None:
    (run_dir,) = [p for p in (server.store / "runs").iterdir() if (p / "plans.json").is_file()]
    info = json.loads((run_dir / "run.json").read_text())
    assert info["kind"] == "unit" and "unit.beds=2" in info["command"]
    carol.driver.get(server.url + "/runs")
    carol.wait_text("table.runs", "Orden de llegada, GRASP por prioridad")
    carol.click("table.runs a")
    carol.wait(lambda: carol.find("table.admissions"), message="the reopened unit run")


def test_back_to_a_clinic_the_policies_are_the_clinics(
    carol: Browser, server: DashboardServer
) -> None:
    open_unit(carol, server)
    pick_scenario(carol, "ophthalmology")
    carol.wait_text("#scenario-title", "Oftalmología")
    carol.wait(
        lambda: len(carol.find("#policies input[type='checkbox']")) == 6,
        message="the clinic's six policies",
    )
