"""``fifo``'s days: the Bailey–Welch rule (``fifo:bailey_welch``) worked by hand, against
equally spaced times, and played through the runner."""

from __future__ import annotations

from typing import Any

import numpy as np

from policies import REGISTRY, make_policy
from policies.fifo import bailey_welch_times, book_first_come, expected_service
from sim.clinic import Clinic
from sim.experiments.runner import run_experiment
from sim.plan import UNBOOKED
from sim.sampling import realise
from sim.scenario import Scenario, from_mapping

OPEN = 8 * 60


def clinic_mapping(consults: dict[str, float], requests_per_day: float = 9) -> dict[str, Any]:
    """One doctor, 20 slots a day, 08:00–12:00 on a 5-minute grid; a class per consult
    length, each consult followed half the time by a 10-minute test at the same doctor."""
    share = 1 / len(consults)
    return {
        "name": "Bailey–Welch",
        "seed": 7,
        "horizon": {"days": 3, "open": "08:00", "close": "12:00", "slot_minutes": 5},
        "resources": {"doctor": {"count": 1, "daily_slots": 20}},
        "demand": {
            "requests_per_day": requests_per_day,
            "booking_window_days": 2,
            "classes": {name: {"share": share, "protocol": name} for name in sorted(consults)},
        },
        "protocols": {
            name: {
                "steps": [
                    {"id": "consult", "resource": "doctor", "assigned": True, "duration": minutes},
                    {"id": "test", "resource": "doctor", "probability": 0.5, "duration": 10},
                ]
            }
            for name, minutes in consults.items()
        },
    }


def times_of(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    requests = realise(scenario, 0).requests
    clinic = Clinic(scenario)
    day, member = book_first_come(requests, clinic)
    return bailey_welch_times(requests, clinic, day, member), day, member, requests


def test_a_patients_mean_service_counts_each_step_at_the_resource_by_its_probability() -> None:
    scenario = from_mapping(clinic_mapping({"visit": 12}))
    assert expected_service(scenario.protocols["visit"], "doctor") == 12 + 0.5 * 10
    assert expected_service(scenario.protocols["visit"], "nurse") == 0


def test_two_at_opening_then_one_every_mean_service_on_the_grid() -> None:
    """17 expected minutes a patient: 0, 0, 17, 34, 51, 68, 85 ... rounded down to 5."""
    times, day, member, _requests = times_of(from_mapping(clinic_mapping({"visit": 12})))
    by_hand = [0, 0, 15, 30, 50, 65, 85, 100, 115, 135, 150, 170, 185, 200, 220, 235, 255, 270]
    by_hand += [285, 305]  # 20 slots a day
    checked = 0
    for d in np.unique(day[day != UNBOOKED]):
        patients = np.flatnonzero((day == d) & (member == 0))  # in order of request
        assert len(patients) <= len(by_hand)
        assert list(times[patients] - OPEN) == by_hand[: len(patients)]
        checked += len(patients) >= 5
    assert checked >= 2, "days with enough patients to test the spacing"


def test_each_gap_is_the_service_of_the_patient_before() -> None:
    """Consults of 10 and 30 minutes (+ half a 10-minute test): a gap of 15 after a short
    visit, 35 after a long one, summed before rounding to the grid."""
    scenario = from_mapping(clinic_mapping({"long": 30, "short": 10}, requests_per_day=8))
    times, day, member, requests = times_of(scenario)
    service = {"long": 35.0, "short": 15.0}
    for d in np.unique(day[day != UNBOOKED]):
        patients = np.flatnonzero((day == d) & (member == 0))
        gaps = [0.0, 0.0] + [service[requests.protocol_of(p)] for p in patients[1:-1]]
        expected = np.floor(np.cumsum(gaps)[: len(patients)] / 5) * 5
        np.testing.assert_array_equal(times[patients] - OPEN, expected)
    kinds = {requests.protocol_of(p) for p in np.flatnonzero(day != UNBOOKED)}
    assert kinds == {"long", "short"}


def test_the_rule_is_a_fifo_variant_that_runs_and_books_like_fifo() -> None:
    scenario = from_mapping(clinic_mapping({"visit": 12}))
    policy = make_policy("fifo:bailey_welch", scenario, REGISTRY)
    realisation = realise(scenario, 0)
    plan = policy.plan(realisation.requests, Clinic(scenario), np.random.default_rng(0))
    day, _member = book_first_come(realisation.requests, Clinic(scenario))
    np.testing.assert_array_equal(plan.day, day)
    assert np.isnan(plan.appointment[plan.day == UNBOOKED]).all()
    result = run_experiment(scenario, ["fifo:appointment", "fifo:bailey_welch"], 2)
    assert set(result.summary["paired"]) == {"fifo:bailey_welch"}
    assert result.summary["policies"]["fifo:bailey_welch"]["los"]["mean"] > 0
