"""A simulated run's records as an event log: what ``clinicsim export-log`` writes.

One policy and replication of a run becomes an ``EventLog`` (``sim.eventlog.log``), the
same thing a clinic's own log becomes once read: a simulated clinic can be fitted back,
and process-mining tools can read clinicsim's output. Working day ``d`` of the run is
given a calendar date: the horizon's weekdays in turn from ``START_DATE`` (a Monday) on.
Visits that were cancelled or never booked are no visits; a no-show is a visit with no
step and no arrival; a patient who came but was not seen has an arrival and no step.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from sim.clinic import Clinic
from sim.eventlog.log import STEP_COLUMNS, VISIT_COLUMNS, EventLog
from sim.plan import NO_MEMBER
from sim.scenario import WEEKDAYS, Scenario

START_DATE = date(2026, 1, 5)  # a Monday
VISIT_STATUSES = ("served", "unserved", "no_show")


def working_dates(weekdays: list[str], days: int, start: date = START_DATE) -> tuple[date, ...]:
    """The first ``days`` dates on or after ``start`` that fall on one of ``weekdays``."""
    wanted = {WEEKDAYS.index(w) for w in weekdays}
    dates: list[date] = []
    current = start
    while len(dates) < days:
        if current.weekday() in wanted:
            dates.append(current)
        current += timedelta(days=1)
    return tuple(dates)


def run_event_log(
    tables: dict[str, pd.DataFrame],
    scenario: Scenario,
    policy: str,
    rep: int,
    source: str = "<run>",
    start: date = START_DATE,
) -> EventLog:
    """The log of ``policy``'s replication ``rep`` in a run's ``patients`` and ``steps``."""
    clinic = Clinic(scenario)
    patients = _chosen(tables["patients"], policy, rep)
    patients = patients[patients["status"].isin(VISIT_STATUSES)]
    steps = _chosen(tables["steps"], policy, rep)
    steps = steps[steps["patient"].isin(patients["patient"])]
    dates = working_dates(scenario.horizon.weekdays, scenario.horizon.days, start)
    return EventLog(
        source=source,
        visits=_visits(patients, scenario, clinic),
        steps=_steps(steps, clinic),
        dates=dates,
    )


def _chosen(table: pd.DataFrame, policy: str, rep: int) -> pd.DataFrame:
    rows = table[(table["policy"].astype(str) == policy) & (table["rep"] == rep)]
    return rows.reset_index(drop=True)


def _visits(patients: pd.DataFrame, scenario: Scenario, clinic: Clinic) -> pd.DataFrame:
    classes = patients["class"].astype(str)
    protocol_of = {key: cls.protocol for key, cls in scenario.demand.classes.items()}
    no_show = (patients["status"] == "no_show").to_numpy()
    visits = pd.DataFrame(
        {
            "case": patients["patient"].astype(str),
            "day": patients["day"].astype(np.int64),
            "weekday": [clinic.weekday_of_day[d] for d in patients["day"]],
            "class": classes,
            "protocol": classes.map(protocol_of),
            "appointment": patients["appointment"].astype(float),
            "arrival": np.where(no_show, np.nan, patients["arrival"].astype(float)),
            "no_show": no_show,
        }
    )
    return visits.sort_values(["day", "appointment", "case"], kind="stable")[
        list(VISIT_COLUMNS)
    ].reset_index(drop=True)


def _steps(steps: pd.DataFrame, clinic: Clinic) -> pd.DataFrame:
    resource = steps["resource"].astype(object).where(steps["resource"].notna(), None)
    member = [
        None if r is None or m == NO_MEMBER else clinic.member_names(str(r))[m]
        for r, m in zip(resource, steps["member"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "case": steps["patient"].astype(str),
            "day": steps["day"].astype(np.int64),
            "step": steps["step"].astype(str),
            "resource": resource,
            "member": member,
            "start": steps["start"].astype(float),
            "end": steps["end"].astype(float),
        }
    )
    return frame.sort_values(["day", "start", "case"], kind="stable")[
        list(STEP_COLUMNS)
    ].reset_index(drop=True)
