"""Words and numbers people use, in a real browser (the Spanish page, as a manager sees it).

- a field shows its number as Spanish writes it (the no-show rate ``0,06``), takes
  ``0,07`` typed, and the list of changes runs it as the command line's override
  ``behaviour.no_show=0.07``;
- every field's label (and each row of the staff grid, the policies and the
  replications) has a help marker whose tooltip says what the value means;
- on the results of a what-if (a two-day clinic uploaded, the no-show rate changed,
  ``fifo`` against ``fifo:appointment``), every metric row of every comparison table and
  every headline card has a help tooltip, and the table's caption explains ±, p90 and Δ;
- neither page shows a hyphen used as a minus sign: every negative number, in the page's
  text and in the charts' labels, is written with the minus sign U+2212 (and some are).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from scenarios import bundled_path
from sim.outputs.formatting import MINUS
from tests.support.browser import (
    CHROMEDRIVER,
    CHROMIUM,
    Browser,
    DashboardServer,
    choose_policies,
    set_reps,
)

NO_SHOW = "behaviour.no_show"
STAFF_KEY = "resources.technician.roster.mon"
HYPHEN_MINUS = re.compile(r"(?<![\w-])-(?=\d)")  # "-5", "(-3": a hyphen as a minus sign
SHOWN_TEXT = """
const svg = [...document.querySelectorAll('svg text')].map(t => t.textContent);
return [document.body.innerText, ...svg].join('\\n');
"""

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):  # `make test` installs both
    raise RuntimeError(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make browser`")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("dashboard-words"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    user = Browser(tmp_path_factory.mktemp("words-downloads"))
    yield user
    user.quit()


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ophthalmology clinic over two days: a what-if that runs in seconds."""
    text = bundled_path("ophthalmology").read_text(encoding="utf-8")
    assert text.count("\n  days: 20 ") == 1
    path = tmp_path_factory.mktemp("words-scenario") / "two_days.yaml"
    path.write_text(text.replace("\n  days: 20 ", "\n  days: 2 "), encoding="utf-8")
    return path


def open_page(browser: Browser, url: str) -> None:
    browser.driver.get(url + "/")
    browser.field(STAFF_KEY)
    browser.wait(lambda: browser.text("#run"), message="the Run button's label")


def gone(element: WebElement) -> bool:
    """Whether an element was replaced (the page redrew it)."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    return False


def tooltip(element: WebElement) -> str:
    """The help tooltip of the marker inside an element ("" without one)."""
    markers = element.find_elements(By.CSS_SELECTOR, ".help")
    return (markers[0].get_attribute("title") or "").strip() if markers else ""


def hyphens_as_minus(browser: Browser) -> list[str]:
    """Each hyphen the page shows before a digit, with what surrounds it."""
    text = str(browser.driver.execute_script(SHOWN_TEXT))
    return [text[max(0, m.start() - 20) : m.end() + 5] for m in HYPHEN_MINUS.finditer(text)]


def test_a_spanish_field_shows_and_takes_a_decimal_comma(
    browser: Browser, server: DashboardServer
) -> None:
    open_page(browser, server.url)
    assert browser.field(NO_SHOW).get_attribute("value") == "0,06"
    browser.type_into(NO_SHOW, "0,07")
    browser.wait_text("#change-list", "--set behaviour.no_show=0.07")
    assert "0,06 → 0,07" in browser.text("#change-list")
    assert hyphens_as_minus(browser) == []
    browser.click("#reset-all")
    browser.wait(lambda: browser.field(NO_SHOW).get_attribute("value") == "0,06", message="undo")


def test_every_field_label_has_a_help_tooltip(browser: Browser, server: DashboardServer) -> None:
    open_page(browser, server.url)
    labels = browser.find(".labelled label")
    assert len(labels) >= 10  # hours, demand, patients, each policy's parameters
    assert [label.text for label in labels if not tooltip(label)] == []
    staff_rows = browser.find(".staff-grid tbody th")
    assert staff_rows and [th.text for th in staff_rows if not tooltip(th)] == []
    for label in ("#t-policies", "#t-reps"):
        parent = browser.find(label)[0].find_element(By.XPATH, "..")
        browser.wait(lambda parent=parent: tooltip(parent), message=f"the help of {label}")


@pytest.fixture(scope="module")
def whatif_results(browser: Browser, server: DashboardServer, two_days: Path) -> Browser:
    """The no-show rate of the two-day clinic at 0,07, fifo against fifo:appointment,
    two replications: the results page of the what-if."""
    open_page(browser, server.url)
    before = browser.field(NO_SHOW)
    browser.find("#upload input[type='file']")[0].send_keys(str(two_days))
    browser.wait_text("#upload-message", "two_days.yaml")
    browser.wait(lambda: gone(before), message="the fields of the uploaded scenario")
    browser.type_into(NO_SHOW, "0,07")
    browser.wait_text("#change-list", "--set behaviour.no_show=0.07")
    choose_policies(browser, ["fifo", "fifo:appointment"])
    set_reps(browser, "2")
    browser.click("#run")
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find("table.comparison"),
        timeout=240,
        message="the results of the what-if",
    )
    browser.wait(lambda: browser.find(".js-plotly-plot .xtick"), message="the charts drawn")
    return browser


def test_every_metric_row_and_card_has_a_help_tooltip(whatif_results: Browser) -> None:
    browser = whatif_results
    tables = browser.find("table.comparison")
    assert len(tables) == 2  # as it is against as changed; the changed clinic's policies
    for table in tables:
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")[1:]  # under the heading row
        assert len(rows) >= 10
        names = [row.find_element(By.TAG_NAME, "th") for row in rows]
        assert [th.text for th in names if not tooltip(th)] == []
        caption = tooltip(table.find_element(By.TAG_NAME, "caption"))
        assert "semiancho" in caption and "p90" in caption and "Δ" in caption
    stay = next(row for row in rows if row.text.startswith("Estancia (min)"))
    assert "llega" in tooltip(stay)
    cards = browser.find(".card")
    assert (
        cards
        and [c.text for c in cards if not tooltip(c.find_element(By.CLASS_NAME, "label"))] == []
    )
    assert browser.console_errors() == []


def test_no_hyphen_is_shown_as_a_minus_sign(whatif_results: Browser) -> None:
    browser = whatif_results
    text = str(browser.driver.execute_script(SHOWN_TEXT))
    assert f"Δ {MINUS}" in text  # fifo:appointment shortens the stay: negative changes shown
    assert hyphens_as_minus(browser) == []
