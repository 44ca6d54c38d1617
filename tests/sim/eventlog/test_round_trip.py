"""Round trip: simulate each bundled outpatient scenario for 60 days, export its log, fit
it, and get the scenario back.

Tolerances come from each value's sampling error in the 60 days' log: a share within
4 standard errors (√(p(1−p)/n)), a mean within 4 standard errors (σ/√n), a standard
deviation within 4 of its standard errors (√((μ₄ − σ⁴)/(4nσ²)), μ₄ the true fourth
central moment). Counts of staff, weekdays, opening time and protocol structure come
back exactly. The closing time is given (``--close``): a log shows when work ended,
not when shifts did. Key figures of the refitted scenario (mean stay, waiting, overtime,
utilisation per resource) agree with the original's: the 99 % interval of their
difference over 8 replications each contains 0. A clinic that books through a booking
process (the health centre: channels, cancelled slots left empty) is checked under the
practice its log shows instead (``check-fit``: the logged appointment times), since a log
shows neither when requests came in nor which slots were freed: fitted with the fifo
rule, its visits fill the first slots of the morning where the original's spread over
it (mean appointment 97 against 106 minutes after opening), and its overtime halves.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
from pydantic import TypeAdapter
from scipy import stats

from sim.clinic import Clinic
from sim.distributions import Distribution
from sim.eventlog.check import check_fit
from sim.eventlog.fit import FitChoices, fit_log
from sim.eventlog.log import EventLog
from sim.experiments.runner import run_experiment
from sim.scenario import Scenario, from_mapping
from tests.support.eventlogs import simulated_log

OUTPATIENT = [
    "ophthalmology",
    "ophthalmology_service",
    "essalud_outpatient",
    "health_centre_realtime",
]
DAYS = 60
ERRORS = 4.0
DRAWS = 200_000
FIGURE_REPS = 8

_distribution = TypeAdapter(Distribution)


WITHOUT_BOOKING = ["ophthalmology", "ophthalmology_service", "essalud_outpatient"]


@lru_cache(maxsize=4)
def _trip(name: str) -> tuple[Scenario, EventLog, Scenario]:
    """The scenario, the log of its 60 days, and the scenario fitted to that log."""
    scenario, log = simulated_log(name, DAYS)
    fitted = fit_log(log, FitChoices(close=scenario.horizon.close))
    return scenario, log, fitted.scenario


@pytest.fixture(params=OUTPATIENT)
def trip(request: pytest.FixtureRequest) -> tuple[Scenario, EventLog, Scenario]:
    return _trip(request.param)


def _moments(spec: object) -> tuple[float, float, float]:
    """Mean, standard deviation and fourth central moment, from a fixed-seed sample."""
    draws = _distribution.validate_python(spec).sample(np.random.default_rng(7), DRAWS)
    draws = np.maximum(draws, 0.0)  # the engine's durations are never negative
    centred = draws - draws.mean()
    return float(draws.mean()), float(draws.std()), float(np.mean(centred**4))


def _close(fitted: float, true: float, error: float, what: str) -> None:
    assert abs(fitted - true) <= ERRORS * error + 1e-9, (
        f"{what}: fitted {fitted:.4g}, true {true:.4g}, allowed ±{ERRORS * error:.3g}"
    )


def test_the_fitted_scenario_validates_as_written(trip: tuple[Scenario, EventLog, Scenario]):
    _, _, fitted = trip
    again = from_mapping(fitted.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert again.content_json() == fitted.content_json()
    assert fitted.provenance  # every fitted value says where it comes from


def test_protocol_structure_comes_back(trip: tuple[Scenario, EventLog, Scenario]) -> None:
    scenario, log, fitted = trip
    for key, cls in fitted.demand.classes.items():
        assert scenario.demand.classes[key].protocol == cls.protocol
    for name, protocol in fitted.protocols.items():
        true = scenario.protocols[name]
        assert [s.id for s in protocol.steps] == [s.id for s in true.steps]
        assert protocol.predecessors() == true.predecessors()
        assert [(s.resource, s.assigned) for s in protocol.steps] == [
            (s.resource, s.assigned) for s in true.steps
        ]
        visits = log.steps[log.steps["step"] == protocol.steps[0].id]["case"].nunique()
        for step, written in zip(protocol.steps, true.steps, strict=True):
            p = written.probability
            _close(step.probability, p, math.sqrt(p * (1 - p) / visits), f"{name}.{step.id}")


def test_durations_come_back(trip: tuple[Scenario, EventLog, Scenario]) -> None:
    scenario, log, fitted = trip
    protocol_of = log.visits.set_index("case")["protocol"]
    for name, protocol in fitted.protocols.items():
        for step, written in zip(protocol.steps, scenario.protocols[name].steps, strict=True):
            rows = log.steps[(log.steps["step"] == step.id)]
            n = int((rows["case"].map(protocol_of) == name).sum())
            mean, sd, fourth = _moments(written.duration.model_dump(by_alias=True))
            got_mean, got_sd, _ = _moments(step.duration.model_dump(by_alias=True))
            what = f"{name}.{step.id} ({n} durations)"
            if sd == 0:
                assert got_sd == 0 and got_mean == pytest.approx(mean, abs=1e-3), what
                continue
            _close(got_mean, mean, sd / math.sqrt(n), f"{what} mean")
            _close(got_sd, sd, math.sqrt((fourth - sd**4) / (4 * n * sd**2)), f"{what} sd")


def test_behaviour_and_class_shares_come_back(trip: tuple[Scenario, EventLog, Scenario]):
    scenario, log, fitted = trip
    visits = len(log.visits)
    p = scenario.behaviour.no_show
    _close(fitted.behaviour.no_show, p, math.sqrt(p * (1 - p) / visits), "no-show")
    for key, cls in scenario.demand.classes.items():
        share = fitted.demand.classes[key].share if key in fitted.demand.classes else 0.0
        p = cls.share
        _close(share, p, math.sqrt(p * (1 - p) / visits), f"share of {key}")
    came = log.visits.dropna(subset=["arrival"])
    mean, sd, fourth = _moments(scenario.behaviour.punctuality.model_dump(by_alias=True))
    got_mean, got_sd, _ = _moments(fitted.behaviour.punctuality.model_dump(by_alias=True))
    _close(got_mean, mean, sd / math.sqrt(len(came)), "punctuality mean")
    _close(got_sd, sd, math.sqrt((fourth - sd**4) / (4 * len(came) * sd**2)), "punctuality sd")


def test_visits_a_day_come_back(trip: tuple[Scenario, EventLog, Scenario]) -> None:
    """The fitted rate is the original's expected visits a day (requests that were booked
    and not cancelled), measured over five other replications of the original."""
    scenario, _, fitted = trip
    others = run_experiment(scenario, ["fifo"], 6, workers=1).tables["patients"]
    others = others[(others["rep"] > 0) & others["status"].isin(["served", "unserved", "no_show"])]
    per_day = others.groupby(["rep", "day"]).size()
    error = math.sqrt(per_day.var() / DAYS + per_day.var() / len(per_day))
    _close(fitted.demand.requests_per_day, float(per_day.mean()), error, "visits a day")


def test_staff_calendar_and_slots_come_back(trip: tuple[Scenario, EventLog, Scenario]) -> None:
    scenario, _, fitted = trip
    assert fitted.horizon.days == DAYS
    assert fitted.horizon.weekdays == scenario.horizon.weekdays
    assert fitted.horizon.open == scenario.horizon.open
    for key, resource in fitted.resources.items():
        true = scenario.resources[key]
        for day in scenario.horizon.weekdays:
            assert resource.roster.get(day, resource.base_count) == true.roster.get(
                day, true.base_count
            ), (key, day)
    for key, cls in scenario.demand.classes.items():
        got, true = _eligible(fitted, key), _eligible(scenario, key)
        assert len(got) == len(true), key
        resource = scenario.protocols[cls.protocol].booking_resource()
        if resource is not None and fitted.resources[resource].members:
            assert got == true, key  # named members (specialties): the same people


def _eligible(scenario: Scenario, key: str) -> set[str]:
    """The members who may see a class at its assigned step (by name)."""
    cls = scenario.demand.classes[key]
    resource = scenario.protocols[cls.protocol].booking_resource()
    if resource is None:
        return set()
    clinic = Clinic(scenario)
    members = zip(clinic.member_names(resource), clinic.member_specialties(resource), strict=True)
    return {name for name, has in members if cls.specialty is None or cls.specialty in has}


_FIGURES = ("los", "wait", "overtime")


def _figures(scenario: Scenario) -> dict[str, dict]:
    """The summary of 8 replications of the log's 60 days under fifo (the period the fit
    saw, ramp-up of the booking included): stay, wait, overtime, utilisation per resource."""
    result = run_experiment(scenario, ["fifo"], FIGURE_REPS, workers=1, keep_records=False)
    values = result.summary["policies"]["fifo"]
    return {k: v for k, v in values.items() if k in _FIGURES or k.startswith("utilisation.")}


@pytest.mark.parametrize("name", WITHOUT_BOOKING)
def test_key_figures_of_the_refitted_scenario_agree(name: str) -> None:
    scenario, _, fitted = _trip(name)
    assert scenario.booking is None
    original, refitted = _figures(scenario), _figures(fitted)
    assert set(_FIGURES) <= set(original)
    for name, entry in original.items():
        if name not in refitted:
            continue
        low, high = entry["ci95"]
        fit_low, fit_high = refitted[name]["ci95"]
        # standard errors from the 95 % intervals, and the 99 % interval of the difference
        error = math.hypot((high - low) / 3.92, (fit_high - fit_low) / 3.92)
        z = stats.norm.ppf(0.995)
        difference = refitted[name]["mean"] - entry["mean"]
        assert abs(difference) <= z * error + 1e-9, (name, entry["mean"], refitted[name]["mean"])


def test_a_booking_clinic_refitted_passes_check_fit_against_its_log() -> None:
    """The health centre's key figures under the practice its log shows (the logged
    appointment times): the refitted scenario agrees with what happened on every one."""
    _, log, fitted = _trip("health_centre_realtime")
    result = check_fit(log, fitted)
    assert result.agrees, result.differing
