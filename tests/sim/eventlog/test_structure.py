"""Protocols, staff and hours read back from the logs of simulated clinics."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from sim.eventlog.fit import FitChoices, fit_log
from sim.eventlog.log import EventLog
from sim.eventlog.staffing import closing_at, opening_of, staff_of, weekdays_of
from sim.eventlog.structure import ONE_PROTOCOL, infer_protocols
from sim.scenario import Scenario
from tests.support.eventlogs import simulated_log

OUTPATIENT = [
    "ophthalmology",
    "ophthalmology_service",
    "essalud_outpatient",
    "health_centre_realtime",
]
DAYS = 20


def _truth(scenario: Scenario) -> dict[str, list[tuple[str, str | None, bool, frozenset[str]]]]:
    """Per protocol: each step's id, resource, whether assigned, and what it waits for."""
    truth = {}
    for name, protocol in scenario.protocols.items():
        preds = protocol.predecessors()
        truth[name] = [
            (s.id, s.resource, s.assigned, frozenset(protocol.steps[p].id for p in preds[i]))
            for i, s in enumerate(protocol.steps)
        ]
    return truth


@pytest.mark.parametrize("name", OUTPATIENT)
def test_protocols_are_read_back_as_written(name: str) -> None:
    scenario, log = simulated_log(name, DAYS)
    shapes = infer_protocols(log)
    used = {scenario.demand.classes[c].protocol for c in scenario.demand.classes}
    assert set(shapes) == used
    for protocol, steps in _truth(scenario).items():
        if protocol not in shapes:
            continue
        shape = shapes[protocol]
        read = [(s.step, s.resource, s.assigned, frozenset(s.waits_for)) for s in shape.steps]
        assert read == steps, protocol


@pytest.mark.parametrize("name", ["ophthalmology", "ophthalmology_service"])
def test_optional_steps_occur_as_often_as_written(name: str) -> None:
    """Each step's share of visits is within 4 standard errors of its probability."""
    scenario, log = simulated_log(name, DAYS)
    shapes = infer_protocols(log)
    checked = 0
    for protocol, shape in shapes.items():
        written = {s.id: s.probability for s in scenario.protocols[protocol].steps}
        for step in shape.steps:
            p = written[step.step]
            error = math.sqrt(p * (1 - p) / step.of_cases)
            assert abs(step.probability - p) <= 4 * error + 1e-12, (protocol, step.step)
            checked += p < 1
    assert checked >= 1  # at least one optional step was tested


def test_without_members_no_step_is_assigned_and_staff_is_what_ran_at_once() -> None:
    scenario, log = simulated_log("ophthalmology", DAYS)
    anonymous = EventLog(log.source, log.visits, log.steps.assign(member=None), log.dates)
    assert not any(s.assigned for p in infer_protocols(anonymous).values() for s in p.steps)
    staff = staff_of(anonymous)
    for resource, fit in staff.items():
        assert not fit.from_members
        # at once never more than were at work, and a busy clinic keeps them all busy
        assert 1 <= fit.count <= scenario.resources[resource].base_count


@pytest.mark.parametrize("name", OUTPATIENT)
def test_staff_and_weekdays_are_read_back(name: str) -> None:
    scenario, log = simulated_log(name, DAYS)
    assert weekdays_of(log) == scenario.horizon.weekdays
    for resource, fit in staff_of(log).items():
        written = scenario.resources[resource]
        expected = {d: written.roster.get(d, written.base_count) for d in fit.per_weekday}
        assert fit.per_weekday == expected, resource


def test_opening_is_the_first_appointment_and_closing_the_end_of_work() -> None:
    scenario, log = simulated_log("ophthalmology", DAYS)
    opening, read_from = opening_of(log, 5)
    assert opening == scenario.horizon.open
    assert "appointment" in read_from
    last_ends = log.steps.groupby("day")["end"].max()
    closing = closing_at(log, 5)
    assert closing % 5 == 0
    assert (last_ends <= closing).mean() >= 0.9


def _hand_log(rows: list[tuple[str, str, str | None, str | None, float, float]]) -> EventLog:
    steps = pd.DataFrame(rows, columns=["case", "step", "resource", "member", "start", "end"])
    steps.insert(1, "day", 0)
    cases = sorted(set(steps["case"]))
    visits = pd.DataFrame(
        {
            "case": cases,
            "day": 0,
            "weekday": "mon",
            "class": None,
            "protocol": None,
            "appointment": np.nan,
            "arrival": [steps.loc[steps["case"] == c, "start"].min() for c in cases],
            "no_show": False,
        }
    )
    return EventLog("hand.csv", visits, steps, (date(2026, 1, 5),))


def test_a_step_that_overlaps_a_background_step_does_not_wait_for_it() -> None:
    """b runs during a background wait w (which follows a); c waits for both."""
    rows = []
    for k in range(5):
        case, t0 = f"v{k}", 480.0 + 60 * k
        rows += [
            (case, "a", "desk", "x", t0, t0 + 5),
            (case, "w", None, None, t0 + 5, t0 + 35),
            (case, "b", "desk", "x", t0 + 6, t0 + 12),
            (case, "c", "doctor", "d", t0 + 36, t0 + 50),
        ]
    shape = infer_protocols(_hand_log(rows))[ONE_PROTOCOL]
    assert [s.step for s in shape.steps] == ["a", "w", "b", "c"]
    assert [s.waits_for for s in shape.steps] == [(), ("a",), ("a",), ("w", "b")]
    assert shape.after_of(1) is None  # w after a: the default
    assert shape.after_of(2) == ["a"]
    assert shape.after_of(3) == ["w", "b"]


def test_a_patient_waiting_beside_an_idle_colleague_makes_the_step_assigned() -> None:
    """Doctor d1 sees everyone in turn while d2, at work all morning, sits idle."""
    rows = [("warmup", "consult", "doctor", "d2", 470.0, 475.0)]
    rows += [("late", "consult", "doctor", "d2", 700.0, 705.0)]
    for k in range(12):
        case = f"v{k}"
        rows += [(case, "consult", "doctor", "d1", 480.0 + 10 * k, 490.0 + 10 * k)]
    log = _hand_log(rows)
    log.visits["arrival"] = 480.0  # all arrive together: all but the first wait for d1
    (consult,) = infer_protocols(log)[ONE_PROTOCOL].steps
    assert consult.assigned
    # v1..v11 waited beside idle d2; "late" waited for d2 while d1 was busy at 480
    assert consult.assigned_evidence == (11, 12)


def test_a_log_rounded_to_the_minute_gives_the_same_protocols() -> None:
    scenario, log = simulated_log("ophthalmology", DAYS)
    rounded = log.steps.assign(start=np.floor(log.steps["start"]), end=np.floor(log.steps["end"]))
    visits = log.visits.assign(arrival=np.floor(log.visits["arrival"]))
    shapes = infer_protocols(EventLog(log.source, visits, rounded, log.dates))
    for protocol, steps in _truth(scenario).items():
        read = [
            (s.step, s.resource, s.assigned, frozenset(s.waits_for)) for s in shapes[protocol].steps
        ]
        assert read == steps, protocol


def test_a_log_that_mixes_protocols_lists_steps_in_order_and_flags_them() -> None:
    """Without class or protocol, new patients' and follow-ups' visits are one protocol:
    the steps keep their order, and the steps only new patients have come together."""
    _, log = simulated_log("ophthalmology", DAYS)
    mixed = EventLog(
        log.source, log.visits.assign(**{"class": None, "protocol": None}), log.steps, log.dates
    )
    (shape,) = infer_protocols(mixed).values()
    order = [s.step for s in shape.steps]
    assert order.index("fundus") < order.index("consult")
    assert order.index("refraction") < order.index("lens_calculation")
    assert {"dilation", "lens_calculation", "fundus"} <= set(shape.together[0])


def test_a_resource_that_starts_after_opening_gets_its_shift_start() -> None:
    """Ophthalmologists who start at 09:00 keep their first patients waiting every day;
    the others were there when needed and keep the clinic's hours."""
    start = 9 * 60
    overrides = ('resources.ophthalmologist.hours={start: "09:00", end: "15:30"}',)
    scenario, log = simulated_log("ophthalmology", DAYS, overrides=overrides)
    fitted = fit_log(log, FitChoices(close=scenario.horizon.close)).scenario
    hours = fitted.resources["ophthalmologist"].hours
    assert hours is not None and hours.start == start and hours.end == scenario.horizon.close
    assert fitted.resources["technician"].hours is None
    assert fitted.resources["admissions"].hours is None


def test_a_thin_log_fits_empirical_durations_and_says_so() -> None:
    """One day of the clinic: 22 follow-up visits, fewer than distfit's 30 observations."""
    _, log = simulated_log("ophthalmology", 1)
    fitted = fit_log(log)
    followup = fitted.scenario.protocols["cataract_followup"]
    assert all(step.duration.dist == "empirical" for step in followup.steps)
    thin = [w for w in fitted.warnings if "fewer than 30" in w]
    assert len(thin) == len(followup.steps)
