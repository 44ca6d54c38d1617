"""A scenario that books, in the dashboard without a browser: its what-if controls of
re-booking and moves, its booking at a glance, the ways of booking offered as policies,
and the booking figure of a stored run.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from dashboard import figures
from dashboard.components.glance import clinic_glance
from dashboard.runs import Settings, open_run, run_whatif
from dashboard.whatif import ScenarioChoice, evaluate
from sim.scenario import load
from tests.support.components import dashboard_app, text

CENTRE = ScenarioChoice("health_centre_realtime")


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "booking-dashboard-store")


@pytest.fixture(scope="module")
def scenario_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.scenario")


def test_re_booking_and_moves_are_what_ifs() -> None:
    controls = {c.key: c for c in CENTRE.controls() if c.group == "booking"}
    assert {k: c.base for k, c in controls.items()} == {
        "booking.refill.min_notice_days": "1",
        "booking.refill.answer_hours": "2",
        "booking.refill.max_offers": "5",
        "booking.moves.probability": "0.05",
    }
    changed = evaluate(CENTRE, {"booking.refill.min_notice_days": "0,5"}, "es")
    assert changed.valid and changed.scenario.booking.refill.min_notice_days == 0.5
    refused = evaluate(CENTRE, {"booking.refill.answer_hours": "100"}, "en")
    assert "booking.refill.answer_hours" in refused.messages  # above its 72 hours


def test_the_booking_at_a_glance() -> None:
    shown = text(clinic_glance(load("health_centre_realtime"), "en"))
    assert "Booking" in shown and "Scenario's mode: real-time booking" in shown  # in words
    assert "end-of-day booking at 18:00" in shown and "at least 1 days of notice" in shown
    assert "Desk" in shown and "06:30–12:00" in shown and "lognormal: mean 20, sd 15" in shown
    assert "desk" not in shown and "realtime" not in shown  # channels by their labels
    spanish = text(clinic_glance(load("health_centre_realtime"), "es"))
    assert "Modo del escenario: reserva en tiempo real" in spanish and "Ventanilla" in spanish
    plain = text(clinic_glance(load("ophthalmology"), "en"))
    assert "Scenario's mode" not in plain


def test_the_ways_of_booking_are_the_policies(scenario_page: ModuleType) -> None:
    options, picked, _help = scenario_page.offer_policies(CENTRE.to_store(), "en", ["fifo", "mip"])
    choices = [o["value"] for o in options]
    assert choices[:4] == ["fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day"]
    assert picked == ["fifo@walk_in", "fifo@realtime", "grasp@end_of_day"]


def test_a_stored_booking_run_has_its_figure(app_settings: Settings) -> None:
    folder: Path = run_whatif(app_settings, CENTRE, {}, ["fifo@walk_in", "fifo@realtime"], 2)
    data = open_run(folder)
    figure = figures.booking(data, "en")
    assert figure is not None
    bars = [trace for trace in figure.data]
    assert len(bars) == 4 and list(bars[0].x) == ["fifo@walk_in", "fifo@realtime"]
    walk_in_delay, realtime_delay = bars[0].y
    assert walk_in_delay == 0 and 0 < realtime_delay < 1  # hours to a confirmed slot
    wasted = bars[1].y
    assert wasted[0] == 0 < wasted[1]  # walk-in reserves no slot
    ophthalmology = run_whatif(app_settings, ScenarioChoice("ophthalmology"), {}, ["fifo"], 1)
    assert figures.booking(open_run(ophthalmology), "en") is None
