"""Log files for the tests of ``sim.eventlog.read``: one log written in the conventions a
clinic's system or a process-mining tool uses, and the comparison of two logs read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.eventlog.log import EventLog
from sim.eventlog.write import log_frame

TRANSITION = "lifecycle:transition"
TOLERANCE_MIN = 1e-3  # the file keeps milliseconds: 1.7e-5 minutes
PM4PY_NAMES = {
    "case": "case:concept:name",
    "day": "day",
    "class": "case:class",
    "protocol": "case:protocol",
    "appointment": "case:appointment",
    "arrival": "case:arrival",
    "step": "concept:name",
    "resource": "org:role",
    "member": "org:resource",
    "start": "start_timestamp",
    "end": "time:timestamp",
}


def assert_same_log(read: EventLog, expected: EventLog) -> None:
    """The same dates, visits and steps (times within ``TOLERANCE_MIN``), texts compared
    as texts whatever their pandas type."""
    assert read.dates == expected.dates
    for got, want in ((read.visits, expected.visits), (read.steps, expected.steps)):
        pd.testing.assert_frame_equal(
            _plain(got), _plain(want), check_exact=False, atol=TOLERANCE_MIN, rtol=0
        )


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    plain = table.reset_index(drop=True).copy()
    for name in plain.columns:
        if plain[name].dtype == object or isinstance(plain[name].dtype, pd.StringDtype):
            plain[name] = plain[name].astype("str")
    return plain


def pm4py_interval(log: EventLog) -> pd.DataFrame:
    """The log as pm4py writes an interval log: its names, and a lifecycle column that
    says ``complete`` on every row."""
    frame = log_frame(log).rename(columns=PM4PY_NAMES)
    frame[TRANSITION] = "complete"
    return frame


def lifecycle_events(log: EventLog) -> pd.DataFrame:
    """The log as one row per event (start, complete) in time order, pm4py's names; a
    visit with no step keeps its one row, with no step, transition or time."""
    frame = log_frame(log)
    visit = ["case", "day", "class", "protocol", "appointment", "arrival"]
    step = [*visit, "step", "resource", "member"]
    starts = frame[step].assign(**{TRANSITION: "start", "time:timestamp": frame["start"]})
    ends = frame[step].assign(**{TRANSITION: "complete", "time:timestamp": frame["end"]})
    events = pd.concat([starts, ends[frame["step"].notna()]], ignore_index=True)
    events.loc[events["step"].isna(), TRANSITION] = np.nan
    events = events.sort_values("time:timestamp", kind="stable", na_position="last")
    return events.rename(columns=PM4PY_NAMES)


def clock_times(log: EventLog) -> pd.DataFrame:
    """The log with its times as clock times of the ``day`` column (``07:41:12.345``;
    past midnight, hours past 23)."""
    frame = log_frame(log)
    for name in ("appointment", "arrival", "start", "end"):
        stamps = pd.to_datetime(frame[name], format="ISO8601")
        days = (stamps.dt.normalize() - pd.to_datetime(frame["day"])).dt.days
        hours = stamps.dt.hour + 24 * days
        text = (
            hours.map(lambda h: f"{h:02.0f}", na_action="ignore")
            + stamps.dt.strftime(":%M:%S.%f").str[:-3]
        )
        frame[name] = text
    return frame
