"""A health centre that books, in the dashboard and a real browser (Chromium through
Selenium against ``clinicsim dashboard``): the ways of booking are offered as policies,
the booking process is shown at a glance, a run of walk-in against real time lands on
results with the booking figure and the booking rows of the comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import Browser, DashboardServer, choose_policies, pick_scenario, set_reps

CENTRE = "health_centre_realtime"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    running = DashboardServer(tmp_path_factory.mktemp("booking-dashboard"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def dora(server: DashboardServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    browser = Browser(tmp_path_factory.mktemp("dora-downloads"))
    yield browser
    browser.quit()


def open_centre(browser: Browser, server: DashboardServer) -> None:
    browser.driver.get(server.url + "/")
    browser.wait(lambda: browser.find("#scenario-pick"), message="the scenario picker")
    pick_scenario(browser, CENTRE)
    browser.wait_text("#scenario-title", "Centro de salud")
    browser.field("booking.refill.max_offers")


@pytest.fixture(scope="module")
def booking_run(dora: Browser, server: DashboardServer) -> dict[str, Any]:
    open_centre(dora, server)
    dora.type_into("booking.refill.max_offers", "2")
    dora.wait_text("#change-list", "booking.refill.max_offers=2")
    choose_policies(dora, ["fifo@walk_in", "fifo@realtime"])
    set_reps(dora, "2")
    dora.click("#run")
    dora.wait(
        lambda: "/results" in dora.driver.current_url and dora.find("#booking"),
        timeout=240,
        message="the results with the booking figure",
    )
    return {"url": dora.driver.current_url}


def test_the_ways_of_booking_are_offered(dora: Browser, server: DashboardServer) -> None:
    open_centre(dora, server)
    offered = [b.get_attribute("value") for b in dora.find("#policies input[type='checkbox']")]
    assert offered[:4] == ["fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day"]
    glance = dora.text("#glance")
    assert "Reserva de citas" in glance and "Ventanilla" in glance and "Web" in glance
    assert "Modo del escenario: reserva en tiempo real" in glance  # the mode in words
    assert dora.console_errors() == []


def test_walk_in_against_real_time(booking_run: dict[str, Any], dora: Browser) -> None:
    table = dora.text("table.comparison")
    assert "Citas dobles" in table and "Cupos perdidos" in table
    assert "prioridad 3" in table
    dora.wait_text("#booking", "Reserva de citas por política")
    assert dora.console_errors() == []
