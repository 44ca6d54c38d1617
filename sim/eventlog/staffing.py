"""Staff, hours and calendar a log shows: who worked on which weekday, and when.

- **Staff per weekday.** The members of a resource at work on a date are those the log
  names doing its steps; on a weekday, the median of that over the log's dates of that
  weekday. A log without members gives the most steps of the resource under way at
  once instead (what a day needed, at least).
- **Hours.** A member's working day runs from their first start to their last end; a
  resource's hours are the medians of those, to the slot. The clinic opens at the
  median day's first appointment (or first start, without appointments) and closes when
  work had ended on 9 days in 10, rounded to the slot: a log shows when work ended, not
  when shifts did, so a known closing time should be given instead (``--close``).
- **Shift starts.** When on most days the first patient of a resource waited for it
  (ready before its first start), its members start later than the clinic opens: at
  the median day's first start, to the slot. A resource whose first patient never
  waited was there when needed: its shift is the clinic's.
- **Weekdays.** The weekdays of the log's dates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.eventlog.log import EventLog
from sim.scenario import WEEKDAYS

CLOSED_BY_SHARE = 0.9
SHIFT_WAITED = 0.5  # minutes the first patient of a day must have waited for a resource


@dataclass(frozen=True)
class StaffFit:
    """A resource's members at work per weekday, from ``dates`` dates each."""

    resource: str
    per_weekday: dict[str, int]
    dates: dict[str, int]
    seen: dict[str, tuple[int, int]]  # fewest and most at work on a date of that weekday
    from_members: bool  # counted members (else: most steps under way at once)

    @property
    def count(self) -> int:
        """The most common weekday value (the others go in the roster)."""
        values = list(self.per_weekday.values())
        return max(sorted(set(values)), key=values.count)

    @property
    def roster(self) -> dict[str, int]:
        return {d: n for d, n in self.per_weekday.items() if n != self.count}


@dataclass(frozen=True)
class HoursFit:
    start: int  # minutes after midnight
    end: int
    member_days: int


def weekdays_of(log: EventLog) -> list[str]:
    seen = {WEEKDAYS[d.weekday()] for d in log.dates}
    return [w for w in WEEKDAYS if w in seen]


def staff_of(log: EventLog) -> dict[str, StaffFit]:
    """Each resource's staff per weekday."""
    staffed = log.steps.dropna(subset=["resource"])
    weekday = pd.Series([WEEKDAYS[d.weekday()] for d in log.dates])
    fits = {}
    for resource, rows in staffed.groupby("resource", sort=True, observed=True):
        has_members = rows["member"].notna().all() if "member" in rows else False
        per_day = _members_per_day(rows) if has_members else _most_at_once(rows)
        # a date with no doing of the resource had nobody at work on it
        per_day = per_day.reindex(range(log.days), fill_value=0)
        by_weekday = dict(list(per_day.groupby(weekday.to_numpy())))
        order = [w for w in WEEKDAYS if w in by_weekday]
        fits[str(resource)] = StaffFit(
            resource=str(resource),
            per_weekday={w: _median_count(by_weekday[w]) for w in order},
            dates={w: len(by_weekday[w]) for w in order},
            seen={w: (int(by_weekday[w].min()), int(by_weekday[w].max())) for w in order},
            from_members=bool(has_members),
        )
    return fits


def _members_per_day(rows: pd.DataFrame) -> pd.Series:
    return rows.groupby("day")["member"].nunique()


def _most_at_once(rows: pd.DataFrame) -> pd.Series:
    """The most doings of a resource under way at once, per day (a sweep over starts and
    ends; an end at the moment of a start frees its member first)."""
    events = pd.DataFrame(
        {
            "day": np.concatenate([rows["day"], rows["day"]]),
            "time": np.concatenate([rows["start"], rows["end"]]),
            "change": np.concatenate([np.ones(len(rows)), -np.ones(len(rows))]),
        }
    ).sort_values(["day", "time", "change"], kind="stable")
    events["under_way"] = events.groupby("day")["change"].cumsum()
    return events.groupby("day")["under_way"].max().astype(int)


def _median_count(values: pd.Series) -> int:
    return math.floor(float(np.median(values)) + 0.5)


def hours_of(log: EventLog, slot: int) -> dict[str, HoursFit]:
    """Each resource's working hours, from its members' working days."""
    staffed = log.steps.dropna(subset=["resource"])
    if "member" not in staffed or staffed["member"].isna().any():
        keys = ["resource", "day"]
    else:
        keys = ["resource", "day", "member"]
    days = staffed.groupby(keys, observed=True).agg(first=("start", "min"), last=("end", "max"))
    fits = {}
    for resource, rows in days.groupby(level="resource", observed=True):
        fits[str(resource)] = HoursFit(
            start=floor_to(float(rows["first"].median()), slot),
            end=ceil_to(float(rows["last"].median()), slot),
            member_days=len(rows),
        )
    return fits


@dataclass(frozen=True)
class ShiftStart:
    """When a resource's members start work, read from the days its first patient
    waited for it: a member who was there would have started at once."""

    start: int  # minutes after midnight, to the slot
    days_waited: int
    days: int


def shift_starts(doings: pd.DataFrame, slot: int) -> dict[str, ShiftStart]:
    """Per resource whose first patient of the day waited for it on most days: the
    median day's first start. ``doings`` has ``ready`` (``structure.ready_times``)."""
    staffed = doings.dropna(subset=["resource"])
    first = (
        staffed.sort_values("start", kind="stable")
        .groupby(["resource", "day"], observed=True)
        .head(1)
    )
    starts = {}
    for resource, rows in first.groupby("resource", observed=True):
        waited = int((rows["start"] - rows["ready"] > SHIFT_WAITED).sum())
        if waited > len(rows) / 2:
            start = floor_to(float(rows["start"].median()), slot)
            starts[str(resource)] = ShiftStart(start, waited, len(rows))
    return starts


def opening_of(log: EventLog, slot: int) -> tuple[int, str]:
    """When the clinic opens, and what it was read from."""
    appointments = log.visits.dropna(subset=["appointment"])
    if len(appointments):
        first = appointments.groupby("day")["appointment"].min()
        return floor_to(float(first.median()), slot), "the median day's first appointment"
    first = log.steps.groupby("day")["start"].min()
    return floor_to(float(first.median()), slot), "the median day's first start of a step"


def closing_at(log: EventLog, slot: int) -> int:
    """When work had ended on ``CLOSED_BY_SHARE`` of the days, to the slot."""
    last = log.steps.groupby("day")["end"].max()
    return ceil_to(float(last.quantile(CLOSED_BY_SHARE)), slot)


def floor_to(minutes: float, slot: int) -> int:
    return math.floor(minutes / slot + 1e-9) * slot


def ceil_to(minutes: float, slot: int) -> int:
    return math.ceil(minutes / slot - 1e-9) * slot
