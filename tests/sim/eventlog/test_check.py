"""``check_fit``: a scenario checked against the log of its own simulated period passes;
the same log against a wrong scenario (a step 30 % slower, one technician fewer) fails,
naming the figures that differ.

The log is one replication (seed 20261121, replication 0) of the bundled ophthalmology
clinic over 60 working days under ``fifo`` (everyone at opening), exported with
``run_event_log``: 3 444 visits. Each check plays that period 30 times (the default),
and the verdict of each of its 12 figures is a prediction interval at level
1 − 0.05/12 (Bonferroni), ±3.2 standard deviations of a period's value. So the right
scenario passes with at least 95 % probability whatever the seed, and, the seeds being
fixed, every time here. The wrong scenarios are far outside that noise: a refraction
30 % slower puts the simulated mean stay 30 minutes above the logged one, one technician
fewer 58 minutes, against intervals ±6 to ±7 minutes wide, so they fail on any
seed, not only on this one. The other tests use 5-day logs and a few replications:
they check how the practice is built and how the figures are read, not the verdict.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.eventlog.check import (
    DEFAULT_REPS,
    FIGURE_COLUMNS,
    CheckResult,
    check_fit,
    figure_names,
    figures_of_log,
    figures_of_records,
    prediction_interval,
)
from sim.eventlog.export import run_event_log
from sim.eventlog.log import EventLog
from sim.eventlog.practice import LoggedPractice
from sim.experiments.runner import gather_tables, run_replication
from sim.problems import ScenarioError
from sim.scenario import WEEKDAYS, Scenario, load

PERIOD = ["horizon.days=60"]
SHORT = ["horizon.days=5"]
SLOWER = 1.3


def scenario_of(overrides: list[str]) -> Scenario:
    return load("ophthalmology", overrides)


def exported_log(scenario: Scenario, rep: int = 0) -> EventLog:
    """One replication of ``fifo`` (everyone at opening) as its event log."""
    tables = gather_tables([run_replication(scenario, ["fifo"], rep)], ["fifo"])
    return run_event_log(tables, scenario, "fifo", rep, source="ophthalmology.csv")


def slower_step(scenario: Scenario, step: str, factor: float) -> list[str]:
    """Overrides scaling ``step``'s mean duration by ``factor`` in every protocol."""
    return [
        f"protocols.{name}.steps.{step}.duration.mean={factor * s.duration.mean}"
        for name, protocol in scenario.protocols.items()
        for s in protocol.steps
        if s.id == step
    ]


@pytest.fixture(scope="module")
def period() -> Scenario:
    return scenario_of(PERIOD)


@pytest.fixture(scope="module")
def period_log(period: Scenario) -> EventLog:
    return exported_log(period)


@pytest.fixture(scope="module")
def short() -> Scenario:
    return scenario_of(SHORT)


@pytest.fixture(scope="module")
def short_log(short: Scenario) -> EventLog:
    return exported_log(short)


def figure(result: CheckResult, name: str) -> pd.Series:
    return result.figures.set_index("figure").loc[name]


# ---------------------------------------------------------------- the verdicts


def test_the_right_scenario_agrees_on_every_figure(period: Scenario, period_log: EventLog) -> None:
    result = check_fit(period_log, period)
    assert result.reps == DEFAULT_REPS
    assert result.figures["figure"].tolist() == figure_names(period)
    assert result.confidence == pytest.approx(1 - 0.05 / len(figure_names(period)))
    assert result.differing == []
    assert result.agrees
    stay = figure(result, "stay")
    assert stay["low"] <= stay["observed"] <= stay["high"]
    assert 180 < stay["observed"] < 300  # the traditional practice's long stays


def test_a_step_30_percent_slower_differs_on_the_stay_and_the_technicians(
    period: Scenario, period_log: EventLog
) -> None:
    wrong = scenario_of(PERIOD + slower_step(period, "refraction", SLOWER))
    result = check_fit(period_log, wrong)
    assert not result.agrees
    expected = {"stay", "wait.refraction", "utilisation.technician"}
    assert expected <= set(result.differing)
    for name in expected:
        row = figure(result, name)
        assert row["observed"] < row["low"]  # the log is faster than the slow scenario
    assert figure(result, "utilisation.admissions")["agrees"]  # registration is untouched


def test_one_technician_fewer_differs_on_the_stay_and_the_technicians_steps(
    period: Scenario, period_log: EventLog
) -> None:
    fewer = period.resources["technician"].count - 1
    wrong = scenario_of([*PERIOD, f"resources.technician.count={fewer}"])
    result = check_fit(period_log, wrong)
    assert not result.agrees
    expected = {"stay", "wait.refraction", "wait.lens_calculation", "wait.fundus"}
    assert expected <= set(result.differing)
    for name in expected:
        row = figure(result, name)
        assert row["observed"] < row["low"]  # fewer technicians: longer queues than logged


# ---------------------------------------------------------------- the figures


def test_both_sides_read_the_figures_by_one_definition(short: Scenario) -> None:
    """A simulated replication, exported as a log, shows the figures the check read
    from its records."""
    log = exported_log(short)
    practice = LoggedPractice.of(log, short)
    records = practice.simulate(0)
    tables = {
        "patients": records.visits.assign(policy="check", rep=0),
        "steps": records.steps.assign(policy="check", rep=0),
    }
    again = run_event_log(tables, practice.scenario, "check", 0)
    from_log = figures_of_log(LoggedPractice.of(again, short))
    from_records = figures_of_records(practice, records)
    assert from_log.keys() == from_records.keys()
    for name, value in from_records.items():
        assert from_log[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name


def test_observed_figures_follow_their_definitions(short: Scenario, short_log: EventLog) -> None:
    observed = figures_of_log(LoggedPractice.of(short_log, short))
    visits, steps = short_log.visits, short_log.steps
    served = visits[visits["case"].isin(steps["case"])]
    last_end = steps.groupby("case")["end"].max()
    stays = last_end.loc[served["case"]].to_numpy() - served["arrival"].to_numpy()
    assert observed["stay"] == pytest.approx(stays.mean())
    assert observed["throughput"] == pytest.approx(len(served) / short_log.days)
    assert observed["no_show"] == pytest.approx(visits["no_show"].mean())
    # registration is every protocol's first step: its wait is start − arrival
    registration = steps[steps["step"] == "registration"].merge(visits, on="case")
    waits = registration["start"] - registration["arrival"]
    assert observed["wait.registration"] == pytest.approx(waits.mean())
    # the clerk's minutes within the shift over one clerk's shift a day
    desk = steps[steps["resource"] == "admissions"]
    opening, closing = short.horizon.open, short.horizon.close
    busy = (desk["end"].clip(upper=closing) - desk["start"].clip(lower=opening)).clip(lower=0)
    available = short_log.days * (closing - opening)
    assert observed["utilisation.admissions"] == pytest.approx(busy.sum() / available)


def test_the_wait_for_a_step_after_parallel_ones_starts_at_the_latest_of_them(
    short: Scenario, short_log: EventLog
) -> None:
    """fundus waits for dilation and pachymetry (or, when pachymetry is skipped, for what
    pachymetry waits for: lens calculation)."""
    observed = figures_of_log(LoggedPractice.of(short_log, short))
    steps = short_log.steps
    ends = steps.pivot_table(index="case", columns="step", values="end", aggfunc="max")
    fundus = steps[steps["step"] == "fundus"].set_index("case")["start"]
    pachymetry = ends["pachymetry"].fillna(ends["lens_calculation"])
    ready = np.maximum(ends.loc[fundus.index, "dilation"], pachymetry.loc[fundus.index])
    assert observed["wait.fundus"] == pytest.approx((fundus - ready).mean())


def test_without_arrival_times_stays_start_at_the_first_step_and_first_waits_go(
    short: Scenario, short_log: EventLog
) -> None:
    visits = short_log.visits.assign(arrival=np.nan)
    log = replace(short_log, visits=visits)
    result = check_fit(log, short, reps=3)
    assert "wait.registration" not in result.figures["figure"].tolist()
    first_start = short_log.steps.groupby("case")["start"].min()
    last_end = short_log.steps.groupby("case")["end"].max()
    assert figure(result, "stay")["observed"] == pytest.approx((last_end - first_start).mean())


def test_prediction_interval_is_t_times_sd_times_root_of_one_plus_one_over_r() -> None:
    values = np.array([10.0, 12.0, 11.0, 13.0, 9.0])
    low, mean, high = prediction_interval(values, 0.99)
    half = stats.t.ppf(0.995, df=4) * values.std(ddof=1) * math.sqrt(1 + 1 / 5)
    assert mean == pytest.approx(11.0)
    assert (low, high) == pytest.approx((11.0 - half, 11.0 + half))
    assert math.isnan(prediction_interval(values[:1], 0.99)[0])


def test_the_check_is_deterministic(short: Scenario, short_log: EventLog) -> None:
    first = check_fit(short_log, short, reps=3)
    second = check_fit(short_log, short, reps=3)
    pd.testing.assert_frame_equal(first.figures, second.figures)
    assert list(first.figures.columns) == list(FIGURE_COLUMNS)
    np.testing.assert_array_equal(first.simulated["stay"], second.simulated["stay"])


# ---------------------------------------------------------------- the logged practice


def test_the_logged_calendar_keeps_each_dates_weekday(short: Scenario) -> None:
    """A holiday: the log's dates skip a Wednesday, so day 2 is a Thursday, whose roster
    (two technicians) the simulation uses."""
    skipping = scenario_of([*SHORT, "resources.technician.roster={thu: 2}"])
    log = exported_log(short)
    start = date(2026, 1, 5)  # a Monday
    dates = (start, start + timedelta(1), start + timedelta(3), start + timedelta(4))
    dates += (start + timedelta(7),)
    practice = LoggedPractice.of(replace(log, dates=dates), skipping)
    weekdays = [WEEKDAYS[d.weekday()] for d in dates]
    assert practice.clinic.weekday_of_day == weekdays == ["mon", "tue", "thu", "fri", "mon"]
    technicians = [practice.clinic.staff("technician", d) for d in range(5)]
    assert technicians == [4, 4, 2, 4, 4]


def test_patients_are_the_logged_visits_at_their_times_with_their_members(
    short: Scenario, short_log: EventLog
) -> None:
    practice = LoggedPractice.of(short_log, short)
    visits = short_log.visits
    plan = practice.plan(practice.class_index)
    np.testing.assert_array_equal(plan.day, visits["day"].to_numpy())
    np.testing.assert_array_equal(plan.appointment, visits["appointment"].to_numpy())
    assert [practice.class_names[k] for k in practice.class_index] == visits["class"].tolist()
    consults = short_log.steps[short_log.steps["step"] == "consult"].set_index("case")
    names = practice.clinic.member_names("ophthalmologist")
    position = {case: i for i, case in enumerate(visits["case"])}
    for case, member in consults["member"].items():
        assert plan.member[position[case]] == names.index(member)
    # no-shows, in turn, are booked with a member of their day who has the fewest visits
    day, no_show = visits["day"].to_numpy(), visits["no_show"].to_numpy()
    assert no_show.any()
    for d in np.unique(day):
        counts = np.bincount(plan.member[(day == d) & ~no_show], minlength=len(names))
        for i in np.flatnonzero((day == d) & no_show):
            assert counts[plan.member[i]] == counts.min()
            counts[plan.member[i]] += 1


def test_without_appointment_times_everyone_comes_at_opening(
    short: Scenario, short_log: EventLog
) -> None:
    log = replace(short_log, visits=short_log.visits.assign(appointment=np.nan))
    practice = LoggedPractice.of(log, short)
    plan = practice.plan(practice.class_index)
    assert (plan.appointment == short.horizon.open).all()


def test_a_visit_without_class_or_protocol_follows_the_smallest_protocol_of_its_steps(
    short: Scenario, short_log: EventLog
) -> None:
    visits = short_log.visits.assign(**{"class": None, "protocol": None})
    practice = LoggedPractice.of(replace(short_log, visits=visits), short)
    shown = ~short_log.visits["no_show"].to_numpy()
    decided = [practice.class_names[k] for k in practice.class_index[shown]]
    assert decided == short_log.visits["class"][shown].tolist()
    assert (practice.class_index[~shown] == -1).all()  # drawn by share in each replication
    drawn = practice.requests(0).class_index
    assert (drawn >= 0).all()


# ---------------------------------------------------------------- bad input


def test_a_class_the_scenario_lacks_is_named(short: Scenario, short_log: EventLog) -> None:
    visits = short_log.visits.copy()
    visits.loc[3:5, "class"] = "glaucoma"
    with pytest.raises(ScenarioError) as raised:
        check_fit(replace(short_log, visits=visits), short, reps=2)
    message = str(raised.value)
    assert "ophthalmology.csv" in message
    assert f"case '{visits['case'].iloc[3]}' (and 2 more), column 'class'" in message
    assert "class 'glaucoma' is not in the scenario" in message


def test_a_step_its_protocol_lacks_is_named(short: Scenario, short_log: EventLog) -> None:
    steps = short_log.steps.copy()
    followup = short_log.visits.loc[short_log.visits["class"] == "cataract_followup", "case"]
    row = steps.index[steps["case"] == followup.iloc[0]][0]
    steps.loc[row, "step"] = "fundus"
    with pytest.raises(ScenarioError) as raised:
        check_fit(replace(short_log, steps=steps), short, reps=2)
    message = str(raised.value)
    assert f"case '{followup.iloc[0]}', column 'step'" in message
    assert "'fundus' is not a step of protocol 'cataract_followup'" in message


def test_a_resource_the_scenario_lacks_is_named(short: Scenario, short_log: EventLog) -> None:
    steps = short_log.steps.copy()
    steps.loc[0, "resource"] = "nurse"
    with pytest.raises(ScenarioError, match="resource 'nurse' is not in the scenario"):
        check_fit(replace(short_log, steps=steps), short, reps=2)


def test_one_replication_is_refused(short: Scenario, short_log: EventLog) -> None:
    with pytest.raises(ScenarioError, match="at least 2"):
        check_fit(short_log, short, reps=1)
