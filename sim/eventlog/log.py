"""The event log as every part of clinicsim sees it once read: visits and steps in minutes.

A clinic's log file has one row per step done (``sim.eventlog.read`` reads it, in the
column names of ``COLUMNS`` or mapped to them). Once read and checked it becomes an
``EventLog`` of two tables, with every time in minutes after midnight of the visit's
date, the unit scenarios use:

``visits``, one row per visit (a no-show is a visit with no step):
    ``case`` (str), ``day`` (int, the working day: 0 for the log's first date, counting
    only the dates in ``dates``), ``weekday`` (``mon`` … ``sun``), ``class`` and
    ``protocol`` (str, or missing), ``appointment`` and ``arrival`` (minutes, or NaN),
    ``no_show`` (bool: the visit has no step).

``steps``, one row per step done:
    ``case``, ``day``, ``step`` (the activity), ``resource`` (str, or missing for a
    step that needs nobody, such as waiting for drops to work), ``member`` (str, or
    missing), ``start`` and ``end`` (minutes, ``end ≥ start``).

``dates`` lists the log's working dates in order: day ``d`` happened on ``dates[d]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

# The columns of a log file, in the order clinicsim writes them. ``day`` is the date of
# the visit; the times are timestamps (``2026-01-05 07:41:12``) or clock times of ``day``.
CASE, DAY, CLASS, PROTOCOL = "case", "day", "class", "protocol"
APPOINTMENT, ARRIVAL = "appointment", "arrival"
STEP, RESOURCE, MEMBER, START, END = "step", "resource", "member", "start", "end"
COLUMNS: tuple[str, ...] = (
    CASE,
    DAY,
    CLASS,
    PROTOCOL,
    APPOINTMENT,
    ARRIVAL,
    STEP,
    RESOURCE,
    MEMBER,
    START,
    END,
)
REQUIRED: tuple[str, ...] = (CASE, STEP, START, END)  # the rest may be absent

VISIT_COLUMNS: tuple[str, ...] = (
    "case",
    "day",
    "weekday",
    "class",
    "protocol",
    "appointment",
    "arrival",
    "no_show",
)
STEP_COLUMNS: tuple[str, ...] = ("case", "day", "step", "resource", "member", "start", "end")


@dataclass(frozen=True)
class EventLog:
    """A clinic's log, read and checked: one row per visit, one per step done."""

    source: str  # the file it was read from, for messages and provenance
    visits: pd.DataFrame
    steps: pd.DataFrame
    dates: tuple[date, ...]

    @property
    def days(self) -> int:
        return len(self.dates)

    def has(self, column: str) -> bool:
        """Whether the log gave ``column`` for at least one visit or step."""
        for table in (self.visits, self.steps):
            if column in table.columns:
                return bool(table[column].notna().any())
        return False

    def compact(self) -> EventLog:
        """The same log with its texts as categories: a year's log repeats a few step,
        resource and member names 300 000 times, and joins on codes are fast."""
        return EventLog(
            source=self.source,
            visits=_categorised(self.visits, ("case", "weekday", "class", "protocol")),
            steps=_categorised(self.steps, ("case", "step", "resource", "member")),
            dates=self.dates,
        )


def _categorised(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    changed = {
        c: table[c].astype("category")
        for c in columns
        if c in table.columns and not isinstance(table[c].dtype, pd.CategoricalDtype)
    }
    return table.assign(**changed) if changed else table
