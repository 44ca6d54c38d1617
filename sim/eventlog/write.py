"""Writing an ``EventLog`` as a log file, the rows ``sim.eventlog.read`` reads back.

One row per step, in ``COLUMNS`` order; a visit with no step is one row with no step,
resource, member, start or end. ``day`` is the visit's date (``dates[day]``) and every
time a timestamp with milliseconds, that date plus the minutes
(``2026-01-05 07:41:12.345``: a step past midnight is on the next date). Rows go by day,
then visit (in the order of ``visits``), then start. A CSV file holds the texts; a
Parquet file the same values typed (dates and timestamps), as process-mining tools read
them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sim.eventlog.log import APPOINTMENT, ARRIVAL, COLUMNS, DAY, END, START, EventLog
from sim.eventlog.read import SUFFIXES
from sim.files import write_atomically
from sim.problems import Problem, ScenarioError

TIMES = (APPOINTMENT, ARRIVAL, START, END)
VISIT_ATTRIBUTES = ("case", "class", "protocol", APPOINTMENT, ARRIVAL)
MS_PER_MINUTE = 60_000


def log_frame(log: EventLog) -> pd.DataFrame:
    """The file's rows: texts in ``COLUMNS`` order, empty cells missing."""
    visits, steps = log.visits.reset_index(drop=True), log.steps.reset_index(drop=True)
    visit_of_step = pd.Index(visits["case"]).get_indexer(steps["case"])
    if (visit_of_step < 0).any():
        unknown = steps["case"].to_numpy()[visit_of_step < 0][0]
        message = f"a step of visit {unknown!r}, which is not among the visits"
        raise ScenarioError(log.source, [Problem("steps", message)])
    alone = np.setdiff1d(np.arange(len(visits)), visit_of_step)  # visits with no step
    visit = np.concatenate([visit_of_step, alone])
    step = np.concatenate([np.arange(len(steps)), np.full(len(alone), -1)])
    start = np.append(steps[START].to_numpy(dtype=float), np.nan)[step]
    day = visits[DAY].to_numpy(dtype=np.int64)[visit]
    order = np.lexsort((start, visit, day))  # by day, visit, start (a visit alone last)
    visit, step, day = visit[order], step[order], day[order]
    columns = {
        name: _taken(visits[name], visit) if name in VISIT_ATTRIBUTES else _taken(steps[name], step)
        for name in COLUMNS
        if name != DAY
    }
    return _as_text(pd.DataFrame(columns), day, log)


def _taken(column: pd.Series, at: np.ndarray) -> pd.Series:
    """``column``'s values at positions ``at`` (missing where -1)."""
    if isinstance(column.dtype, pd.StringDtype) or pd.api.types.is_float_dtype(column):
        return pd.Series(column.array.take(at, allow_fill=True))
    return pd.Series(pd.array(column.to_numpy(dtype=object), dtype="str").take(at, allow_fill=True))


def _as_text(rows: pd.DataFrame, day: np.ndarray, log: EventLog) -> pd.DataFrame:
    dates = np.array(log.dates, dtype="datetime64[D]")
    frame = rows.copy()
    frame.insert(
        COLUMNS.index(DAY),
        DAY,
        pd.array(np.datetime_as_string(dates, unit="D"), dtype="str").take(day),
    )
    midnight = dates.astype("datetime64[ms]")[day]
    for name in TIMES:
        frame[name] = _timestamps(midnight, rows[name].to_numpy(dtype=float))
    return frame


def _timestamps(midnight: np.ndarray, minutes: np.ndarray) -> pd.Series:
    """``2026-01-05 07:41:12.345`` for each date and minutes after its midnight."""
    missing = np.isnan(minutes)
    offset = np.round(np.where(missing, 0, minutes) * MS_PER_MINUTE).astype(np.int64)
    at = pa.array(midnight + offset.astype("timedelta64[ms]"), mask=missing)
    return pd.Series(pc.cast(at, pa.string()), dtype="str")  # with its milliseconds


def write_log(log: EventLog, path: Path) -> Path:
    """Write ``log`` to ``path``, CSV or Parquet by its suffix, atomically."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        message = f"expected a file ending .csv, .parquet or .pq, got {path.suffix or 'none'}"
        raise ScenarioError(str(path), [Problem("", message)])
    frame = log_frame(log)
    if kind == "csv":
        return write_atomically(path, lambda tmp: frame.to_csv(tmp, index=False))
    typed = _typed(frame)
    return write_atomically(path, lambda tmp: typed.to_parquet(tmp, index=False))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The file's rows with dates and timestamps as such (for Parquet)."""
    typed = frame.copy()
    typed[DAY] = pd.to_datetime(frame[DAY], format="ISO8601").dt.date
    for name in TIMES:
        typed[name] = pd.to_datetime(frame[name], format="ISO8601").astype("datetime64[ms]")
    return typed
