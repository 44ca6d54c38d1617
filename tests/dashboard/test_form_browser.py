"""The scenario page's form and Run/Cancel in a real browser, and a what-if's results.

- the action bar (Run, Cancel, progress) is in view at the bottom of the window however
  far down the page is scrolled;
- an invalid field is outlined and its message does not widen the staff grid; a changed
  field is highlighted, and no longer once undone;
- the message of a refused run is gone when the next, valid run starts;
- Cancel is enabled only once the page knows the job; clicked at once then, directly
  and through a server whose replies come 0.4 s late, it ends in a cancelled run with
  Run enabled and no results opened;
- a run with a change lands on the clinic as changed against the clinic as it is:
  cards against "la clínica como es", the table of each policy as it is and as changed,
  and the target stay of the service level re-computing its card;
- the run panel's other modes on an uploaded two-day clinic: "Variar un valor" refuses
  values that do not parse at their field and starts nothing, then runs technicians on
  Monday over two values and shows each key figure against the value, the current one
  marked, and the table; "Buscar el personal mínimo" refuses an empty range at its
  field, then finds the fewest technicians on Monday for "9 in 10 wait at most 60 min"
  and shows the answer and the evidence table.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from scenarios import bundled_path
from tests.support.browser import (
    CHROMEDRIVER,
    CHROMIUM,
    Browser,
    DashboardServer,
    choose,
    choose_mode,
    choose_policies,
    set_reps,
    type_text,
)
from tests.support.slow import SlowProxy

STAFF_KEY = "resources.technician.roster.mon"
REPLY_DELAY_S = 0.4
SETTLE_S = 3.0  # how long a cancelled run is watched for a late jump to its results

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):  # `make test` installs both
    raise RuntimeError(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make browser`")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("dashboard-form"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    user = Browser(tmp_path_factory.mktemp("form-downloads"))
    yield user
    user.quit()


def open_page(browser: Browser, url: str) -> None:
    browser.driver.get(url + "/")
    browser.field(STAFF_KEY)
    browser.wait(lambda: browser.text("#run"), message="the Run button's label")


def in_view(browser: Browser, css: str) -> bool:
    script = (
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;"
    )
    return bool(browser.driver.execute_script(script, css))


def classes(browser: Browser, key: str) -> set[str]:
    """The field's own classes: dcc.Input gives them to the wrapper around the input."""
    wrapper = browser.field(key).find_element(By.XPATH, "..")
    dash_own = {"dash-input-container", "dash-input"}
    return set((wrapper.get_attribute("class") or "").split()) - dash_own


def grid_width(browser: Browser) -> float:
    script = "return document.querySelector('.staff-grid').getBoundingClientRect().width;"
    return float(browser.driver.execute_script(script))


def test_run_and_cancel_stay_in_view(browser: Browser, server: DashboardServer) -> None:
    open_page(browser, server.url)
    for position in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
        browser.driver.execute_script(f"window.scrollTo(0, {position});")
        assert in_view(browser, "#run") and in_view(browser, "#cancel"), position
    browser.driver.execute_script("window.scrollTo(0, 0);")


def test_fields_are_outlined_when_invalid_and_highlighted_when_changed(
    browser: Browser, server: DashboardServer
) -> None:
    open_page(browser, server.url)
    assert classes(browser, STAFF_KEY) == {"field"}
    width = grid_width(browser)
    browser.type_into(STAFF_KEY, "-1")
    browser.wait(lambda: "invalid" in classes(browser, STAFF_KEY), message="the outline")
    message = f"[id*='{STAFF_KEY}'][id*='field-message']"
    browser.wait_text(message, "número entero ≥ 0")
    assert grid_width(browser) == pytest.approx(width, abs=0.5)
    browser.type_into(STAFF_KEY, "5")
    browser.wait(lambda: classes(browser, STAFF_KEY) == {"field", "changed"}, message="changed")
    browser.click("#reset-all")
    browser.wait(lambda: classes(browser, STAFF_KEY) == {"field"}, message="undone")


def test_a_refused_runs_message_is_cleared_by_the_next_run(
    browser: Browser, server: DashboardServer
) -> None:
    open_page(browser, server.url)
    browser.type_into(STAFF_KEY, "-1")
    browser.wait(lambda: "invalid" in classes(browser, STAFF_KEY), message="the outline")
    browser.click("#run")
    browser.wait_text("#run-message", "Corrija los campos")
    browser.click("#reset-all")
    browser.wait(lambda: classes(browser, STAFF_KEY) == {"field"}, message="undone")
    choose_policies(browser, ["fifo", "mip"])
    set_reps(browser, "40")
    browser.click("#run")
    browser.wait(lambda: "Corrija" not in browser.text("#run-message"), message="cleared")
    cancel_at_once(browser)


def cancel_at_once(browser: Browser) -> None:
    """Click Cancel the moment it is enabled; the run ends cancelled, Run enabled."""
    cancel = browser.find("#cancel")[0]
    browser.wait(cancel.is_enabled, timeout=60, message="cancel to be enabled")
    cancel.click()
    browser.wait_text("#run-message", "cancelada")
    browser.wait(lambda: browser.find("#run")[0].is_enabled(), message="run enabled again")
    assert not browser.find("#cancel")[0].is_enabled()
    time.sleep(SETTLE_S)
    assert "/results" not in browser.driver.current_url
    assert "cancelada" in browser.text("#run-message")


def start_a_long_run(browser: Browser) -> None:
    choose_policies(browser, ["fifo", "mip"])
    set_reps(browser, "40")
    browser.click("#run")


def test_cancel_clicked_at_once_cancels(browser: Browser, server: DashboardServer) -> None:
    open_page(browser, server.url)
    start_a_long_run(browser)
    cancel_at_once(browser)


def test_cancel_through_a_slowed_server(server: DashboardServer, browser: Browser) -> None:
    """Replies 0.4 s late: the page's first knowledge of the job comes seconds after Run,
    and Cancel waits for it."""
    proxy = SlowProxy(server.port, REPLY_DELAY_S)
    try:
        open_page(browser, proxy.url)
        start_a_long_run(browser)
        assert not browser.find("#cancel")[0].is_enabled()  # the job is not known yet
        cancel_at_once(browser)
    finally:
        proxy.stop()


def test_a_change_is_shown_against_the_clinic_as_it_is(
    browser: Browser, server: DashboardServer
) -> None:
    open_page(browser, server.url)
    browser.type_into(STAFF_KEY, "6")
    browser.wait_text("#change-list", "6")
    choose_policies(browser, ["fifo", "fifo:appointment"])
    set_reps(browser, "3")
    browser.click("#run")
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find(".card"),
        timeout=240,
        message="the results of the what-if",
    )
    assert "frente a como es hoy" in browser.text("h2")
    assert "lun: 4 → 6" in browser.text(".whatif-changes")
    cards = browser.find(".card")
    metrics = [c.get_attribute("data-metric") for c in cards]
    assert metrics[:5] == ["los", "wait", "overtime", "utilisation", "service_level"]
    assert "frente a la clínica como es" in cards[0].text
    head = browser.text("table.comparison tr")
    assert "Orden de llegada · como es" in head and "Orden de llegada · con los cambios" in head
    level = browser.find(".card[data-metric='service_level']")[0]
    before = level.text
    box = browser.find("#target-stay")[0]
    box.clear()
    box.send_keys("3\n")
    browser.wait(
        lambda: browser.find(".card[data-metric='service_level']")[0].text != before,
        message="the service level for a 3 h target",
    )
    assert "3 h o menos" in browser.find(".card[data-metric='service_level']")[0].text
    assert browser.console_errors() == []


# ---------------------------------------------------------------- vary a value, fewest staff

SMALL_FILE = "two_days.yaml"  # the bundled ophthalmology clinic over two days


def upload_small_clinic(browser: Browser, url: str, folder: Path) -> None:
    text = bundled_path("ophthalmology").read_text(encoding="utf-8")
    assert text.count("\n  days: 20 ") == 1
    path = folder / SMALL_FILE
    path.write_text(text.replace("\n  days: 20 ", "\n  days: 2 "), encoding="utf-8")
    open_page(browser, url)
    browser.wait(lambda: browser.find("#upload input[type='file']"), message="the upload")
    browser.find("#upload input[type='file']")[0].send_keys(str(path))
    browser.wait_text("#upload-message", SMALL_FILE)


def outlined(browser: Browser, css: str) -> bool:
    """Whether a text field is marked invalid (dcc.Input puts the class on its wrapper)."""
    wrapper = browser.find(css)[0].find_element(By.XPATH, "..")
    return "invalid" in (wrapper.get_attribute("class") or "").split()


def refused_without_a_run(browser: Browser) -> None:
    """Run is refused: the run message asks to fix the fields, the page stays."""
    browser.click("#run")
    browser.wait_text("#run-message", "Corrija los campos")
    assert "/results" not in browser.driver.current_url
    assert browser.find("#run")[0].is_enabled()


def test_a_manager_varies_technicians_on_monday(
    browser: Browser, server: DashboardServer, tmp_path: Path
) -> None:
    upload_small_clinic(browser, server.url, tmp_path)
    choose_mode(browser, "vary", "#vary-form")
    choose(
        browser,
        "#vary-key",
        "Personal por día de la semana: Técnico · lun",
    )
    browser.wait_text("#vary-hint", "Valor actual: 4")
    assert browser.find("#vary-values")[0].get_attribute("value") == "3; 4; 5; 6"
    type_text(browser, "#vary-values", "3; tres")
    browser.wait_text("#vary-message", "tres: Se esperaba un número entero ≥ 0")
    browser.wait(lambda: outlined(browser, "#vary-values"), message="the values outlined")
    refused_without_a_run(browser)
    type_text(browser, "#vary-values", "3; 5")
    browser.wait(lambda: browser.text("#vary-message") == "", message="the values accepted")
    # in English the form speaks English and keeps what was typed and picked
    browser.click("#lang-switch input[value='en']")
    browser.wait_text("#run-mode", "Vary a value")
    browser.wait_text("#vary-hint", "Current value: 4")
    assert "Staff per weekday: Technician · Mon" in browser.text("#vary-key")
    assert browser.find("#vary-values")[0].get_attribute("value") == "3; 5"
    browser.click("#lang-switch input[value='es']")
    browser.wait_text("#run-mode", "Variar un valor")
    choose_policies(browser, ["fifo"])
    set_reps(browser, "2")
    browser.click("#run")
    browser.wait(
        lambda: (
            "/results" in browser.driver.current_url
            and len(browser.find(".variant-figures .js-plotly-plot")) >= 4
        ),
        timeout=240,
        message="each key figure against the value",
    )
    assert "Técnico · lun: 3 valores (2 réplicas" in browser.text("h2")
    ticks = [t.text for t in browser.find(".variant-figures .xtick text")]
    assert {"3", "4 (actual)", "5"} <= set(ticks)
    titles = [t.text for t in browser.find(".variant-figures .gtitle")]
    assert titles[:4] == [
        "Estancia (min)",
        "Espera total (min)",
        "Horas extra (min/día)",
        "Utilización",
    ]
    assert "Pacientes con estancia de 2 h o menos" in titles
    head = browser.text("table.comparison tr")
    assert "3" in head and "4 (actual)" in head and "5" in head
    assert "--sweep resources.technician.roster.mon=3,5" in browser.text(".variants .meta")
    assert browser.console_errors() == []


def test_a_manager_finds_the_fewest_technicians_on_monday(
    browser: Browser, server: DashboardServer, tmp_path: Path
) -> None:
    upload_small_clinic(browser, server.url, tmp_path)
    choose_mode(browser, "staff", "#staff-form")
    browser.wait_text("#t-staff-note", "cota unilateral al 95 %")
    markers = browser.find("#staff-form label .help")
    assert len(markers) == 4, "resource, target, range and policy each have their help"
    browser.wait(lambda: all(m.get_attribute("title") for m in markers), message="the forms' help")
    choose(browser, "#staff-resource", "Técnico")
    choose(browser, "#staff-weekday", "lun")
    choose(browser, "#staff-policy", "Orden de llegada: citas a intervalos iguales")
    assert "el p90 (9 de cada 10) de" in browser.text("#staff-statistic")
    assert "Espera total (min)" in browser.text("#staff-metric")
    type_text(browser, "#staff-value", "60")
    type_text(browser, "#staff-low", "5")
    type_text(browser, "#staff-high", "2")
    browser.wait_text("#staff-message-range", "el primero no mayor que el segundo")
    assert outlined(browser, "#staff-low") and outlined(browser, "#staff-high")
    refused_without_a_run(browser)
    type_text(browser, "#staff-low", "2")
    type_text(browser, "#staff-high", "5")
    browser.wait(lambda: browser.text("#staff-message-range") == "", message="range accepted")
    set_reps(browser, "2")
    browser.click("#run")
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find(".staffing-answer"),
        timeout=240,
        message="the staffing answer",
    )
    answer = browser.text(".staffing-answer")
    assert answer.startswith("Mínima dotación de Técnico que cumple: ")
    count = answer.rsplit(": ", 1)[1]
    rows = browser.find("table.evidence tr")
    assert rows[0].text.split() == ["Dotación", "Estimación", "IC", "95", "%", "Cota", "Cumple"]
    tried = [row.text.split()[0] for row in rows[1:]]
    assert tried == [str(n) for n in range(2, int(count) + 1)]
    assert browser.find("table.evidence tr.answer")[0].text.endswith("sí")
    question = browser.text(".staffing-question")
    assert "el p90 (9 de cada 10) de Espera total (min) sea como máximo 60" in question
    assert browser.console_errors() == []
