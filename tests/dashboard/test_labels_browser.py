"""A page in Spanish shows no step, resource, class or policy id where a label exists.

In Chromium against one ``clinicsim dashboard``, for every bundled scenario:

1. its scenario page, picked in the scenario picker by its name: the clinic (or unit)
   at a glance, the what-if controls and staff grid, the policy checklist and what
   each policy does (the list opened);
2. the same page after a two-day copy of the scenario is uploaded and one value
   changed (the list of changes);
3. the results page of a run of that copy, one replication of two policies: headline
   cards, the comparison table, every figure (axes, legends, titles), the policy
   picker of the Gantt chart (or of a unit's block view) opened;

then the stored-runs page listing every run. Each scan reads the page's visible text
(``document.body.innerText``) and the text of its figures (Plotly draws axes, legends
and titles as SVG ``<text>``), and finds no whole word that is the id of a labelled
step, resource, patient class, booking channel or protocol (a unit's study or class),
a policy's name or the value of a variant or booking mode, or a bundled scenario's
file stem (``tests.support.labels``). Left out of the scan, on purpose: ``<code>`` and
``<pre>``, which hold what is meant to be copied as a command (the ``--set`` override
of a change, the command line that gives the same numbers), ids and all; and tooltips
(``title`` attributes), which are not on the page until hovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from dashboard.policy_offer import clinic_specs, unit_specs
from policies.base import spec_title
from scenarios import bundled_names, bundled_path
from sim.models import model_of_source
from sim.unit.scenario import UnitScenario
from tests.support.browser import (
    CHROMEDRIVER,
    CHROMIUM,
    Browser,
    DashboardServer,
    pick_scenario,
    scenario_title,
    set_reps,
)
from tests.support.labels import hidden_ids, ids_in

RUN_TIMEOUT_S = 300
SCAN = """
const copied = [...document.querySelectorAll('code, pre')];
const shown = copied.map(e => e.style.display);
copied.forEach(e => { e.style.display = 'none'; });
const text = document.body.innerText;
copied.forEach((e, i) => { e.style.display = shown[i]; });
const figures = [...document.querySelectorAll('svg text')]
  .filter(t => { const box = t.getBoundingClientRect(); return box.width > 0 && box.height > 0; })
  .map(t => t.textContent);
return text + '\\n' + figures.join('\\n');
"""

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):  # `make test` installs both
    raise RuntimeError(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER}: run `make browser`")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("labels-dashboard"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    user = Browser(tmp_path_factory.mktemp("labels-downloads"))
    yield user
    user.quit()


@pytest.fixture(scope="module")
def every_hidden_id() -> set[str]:
    """Filled by each scenario's test: the stored-runs page lists them all."""
    return set()


# ---------------------------------------------------------------- scanning


def page_words(browser: Browser) -> str:
    return str(browser.driver.execute_script(SCAN))


def assert_no_ids(browser: Browser, hidden: set[str], where: str) -> str:
    words = page_words(browser)
    found = ids_in(words, hidden)
    assert found == {}, f"ids on the {where}: {found}"
    return words


def into_view(browser: Browser, element: WebElement) -> WebElement:
    """Scrolled to the middle of the window (the action bar covers the bottom)."""
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def figures_drawn(browser: Browser) -> int:
    """How many figures are on the page, once every one of them is drawn (else 0)."""
    plots = browser.find(".js-plotly-plot")
    drawn = [p for p in plots if p.find_elements("css selector", ".main-svg")]
    return len(plots) if plots and len(drawn) == len(plots) else 0


# ---------------------------------------------------------------- each scenario


def offered(stem: str) -> tuple[Any, list[str]]:
    """A bundled scenario and the policies its page offers (``dashboard.policy_offer``)."""
    model = model_of_source(stem)
    scenario = model.load(stem)
    if isinstance(scenario, UnitScenario):
        return scenario, list(unit_specs(model.registry))
    return scenario, list(clinic_specs(model.registry, books=scenario.booking is not None))


def short_copy(stem: str, folder: Path, number: int) -> Path:
    """The bundled file with a horizon of two days (a unit keeps its weeks: its run is
    short already), under a name that is no scenario's stem."""
    path = bundled_path(stem)
    assert path is not None
    text = re.sub(r"(?m)^(  days:)\s*\d+", r"\1 2", path.read_text(encoding="utf-8"))
    copy = folder / f"escenario-{number}.yaml"
    copy.write_text(text, encoding="utf-8")
    return copy


def a_change(scenario: Any) -> tuple[str, str]:
    """One what-if: a unit's beds, or the first resource's staff on the first weekday."""
    if isinstance(scenario, UnitScenario):
        return "unit.beds", str(scenario.unit.beds - 1)
    key = next(iter(scenario.resources))
    day = scenario.horizon.weekdays[0]
    count = scenario.resources[key].roster.get(day, scenario.resources[key].base_count)
    return f"resources.{key}.roster.{day}", str(count + 1)


def make_change(browser: Browser, key: str, value: str) -> None:
    """Type a value into a what-if field until the list of changes has it (typed again if
    the upload's fresh fields replaced it meanwhile)."""

    def listed() -> bool:
        if f"{key}={value}" in browser.text("#change-list"):  # the override, as code
            return True
        if browser.field(key).get_attribute("value") != value:
            browser.type_into(key, value)
        return False

    browser.wait(listed, message=f"the change {key}={value} listed")


def show_scenario_page(browser: Browser, server: DashboardServer, stem: str) -> None:
    browser.driver.get(server.url + "/")
    browser.wait(lambda: browser.find("#scenario-pick"), message="the scenario picker")
    pick_scenario(browser, stem)
    browser.wait_text("#scenario-title", scenario_title(stem))


def checklist_labels(browser: Browser) -> list[str]:
    return [label.text.strip() for label in browser.find("#policies label")]


def open_policy_help(browser: Browser) -> None:
    summary = browser.wait(lambda: browser.find("#t-policy-help")[0], message="the help")
    details = summary.find_element("xpath", "..")
    if details.get_attribute("open") is None:
        into_view(browser, summary).click()
    browser.wait(lambda: browser.text("#policy-help"), message="what each policy does")


def choose(browser: Browser, specs: list[str]) -> None:
    """Tick exactly ``specs`` in the policy checklist (each box scrolled into view)."""
    for box in browser.find("#policies input[type='checkbox']"):
        if box.is_selected() != (box.get_attribute("value") in specs):
            into_view(browser, box).click()
    browser.wait(
        lambda: (
            [b.get_attribute("value") for b in browser.find("#policies input:checked")] == specs
        ),
        message=f"{specs} ticked",
    )


def open_picker(browser: Browser, css: str) -> None:
    """Open a policy picker, so that its options are on the page to be read."""
    into_view(browser, browser.find(css)[0]).click()
    browser.wait(lambda: browser.find("[role='option']"), message=f"the options of {css}")


@pytest.mark.parametrize("stem", bundled_names())
def test_a_spanish_page_shows_no_labelled_id(
    stem: str,
    browser: Browser,
    server: DashboardServer,
    tmp_path: Path,
    every_hidden_id: set[str],
) -> None:
    scenario, specs = offered(stem)
    hidden = hidden_ids(scenario)
    every_hidden_id.update(hidden)
    names = [spec_title(spec, model_of_source(stem).registry, "es") for spec in specs]

    # 1. the scenario page, picked by its name: the checklist by the policies' names
    show_scenario_page(browser, server, stem)
    browser.wait(lambda: checklist_labels(browser) == names, message=f"{names} offered")
    browser.wait(lambda: browser.text("#glance"), message="the scenario at a glance")
    open_policy_help(browser)
    assert_no_ids(browser, hidden, f"scenario page of {stem}")

    # 2. a two-day copy uploaded, one value changed
    copy = short_copy(stem, tmp_path, bundled_names().index(stem))
    browser.find("#upload input[type='file']")[0].send_keys(str(copy))
    browser.wait_text("#upload-message", copy.name)
    make_change(browser, *a_change(scenario))
    open_policy_help(browser)
    assert_no_ids(browser, hidden, f"changed scenario page of {stem}")

    # 3. one replication of two policies: the results, every figure drawn
    choose(browser, specs[:2])
    set_reps(browser, "1")
    browser.click("#run")
    landed = "table.admissions" if isinstance(scenario, UnitScenario) else ".card"
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find(landed),
        timeout=RUN_TIMEOUT_S,
        message=f"the results of {stem}",
    )
    browser.wait(lambda: figures_drawn(browser) >= 5, timeout=60, message="every figure drawn")
    words = assert_no_ids(browser, hidden, f"results page of {stem}")
    assert all(name in words for name in names[:2]), names[:2]  # the policies by their names
    picker = "#unit-block-policy" if isinstance(scenario, UnitScenario) else "#gantt-policy"
    open_picker(browser, picker)
    assert_no_ids(browser, hidden, f"results page of {stem}, {picker} open")
    browser.driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def test_the_stored_runs_page_shows_no_labelled_id(
    browser: Browser, server: DashboardServer, every_hidden_id: set[str]
) -> None:
    assert every_hidden_id, "the scenarios' pages come first"
    browser.driver.get(server.url + "/runs")
    browser.wait(
        lambda: len(browser.find("table.runs tbody tr")) == len(bundled_names()),
        message="a stored run per scenario",
    )
    words = assert_no_ids(browser, every_hidden_id, "stored-runs page")
    assert "Orden de llegada" in words
