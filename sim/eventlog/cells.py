"""A log file's cells read as values: texts as labels, times as minutes, days as dates.

Each function reads a whole column at once (a year of a large service is 300 000 rows),
and says which cells it could not read rather than raising: ``sim.eventlog.read`` turns
those into problems naming the row.

- Texts are stripped, an empty cell is missing, a whole number has no ``.0``; a column
  becomes ``Labels``, a code per cell into its distinct texts, so later steps compare
  and group integers and build the log's text columns by one ``take``.
- Times are timestamps (``2026-01-05 07:41:12``; a ``T``, fractions of a second and a UTC
  offset allowed, the offset ignored: the clinic's wall clock is what counts), read as
  minutes since 1970-01-01 (``epoch minutes``), or clock times (``07:41``, ``07:41:12``,
  hours past 23 allowed), read as minutes after midnight of a day given elsewhere.
- Dates (``2026-01-05``) are read as days since 1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY_MINUTES = 1440
EPOCH = pd.Timestamp("1970-01-01")
CLOCK = r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?$"
LONGEST_CLOCK = len("07:41:12.345678")
UTC_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True)
class Labels:
    """A text column: per cell a code into ``values`` (its distinct texts), -1 if empty."""

    codes: np.ndarray
    values: pd.api.extensions.ExtensionArray

    @property
    def given(self) -> np.ndarray:
        return self.codes >= 0

    def texts(self, rows: np.ndarray | slice = slice(None)) -> pd.api.extensions.ExtensionArray:
        """The texts at ``rows`` (positions), missing where empty."""
        return self.values.take(self.codes[rows], allow_fill=True)

    def text(self, row: int) -> str | None:
        code = int(self.codes[row])
        return None if code < 0 else str(self.values[code])


def labels(values: pd.Series) -> Labels:
    """A column's cells as labels: stripped texts, empty cells missing."""
    codes, distinct = pd.factorize(values.reset_index(drop=True))
    texts = _plain_texts(pd.Series(distinct)).str.strip()
    texts = texts.mask(texts == "")
    merged, values_ = pd.factorize(texts)  # " a" and "a" are one label
    codes = np.where(codes >= 0, np.append(merged, -1)[codes], -1)
    return Labels(codes.astype(np.int64), pd.array(values_, dtype="str"))


def _plain_texts(values: pd.Series) -> pd.Series:
    """Values as texts, a whole number (a Parquet column of ids) without ``.0``."""
    if pd.api.types.is_float_dtype(values) and np.all(np.mod(values.dropna(), 1) == 0):
        values = values.astype("Int64")
    return values.astype("str")


@dataclass(frozen=True)
class Times:
    """A time column: epoch minutes of its timestamps and minutes after midnight of its
    clock times (each NaN where the cell holds the other or nothing), whether each cell
    holds anything, and the cells that are neither (positions)."""

    stamps: np.ndarray
    clock: np.ndarray
    given: np.ndarray
    unreadable: np.ndarray


def times(values: pd.Series) -> Times:
    """A column of timestamps or clock times (a Parquet column may hold timestamps)."""
    values = values.reset_index(drop=True)
    if not (pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)):
        nothing = np.full(len(values), np.nan)
        return Times(_stamps(values), nothing, values.notna().to_numpy(), np.zeros(0, np.int64))
    cells = labels(values)
    texts = pd.Series(cells.values)
    clock = _clock_minutes(texts)
    stamps = _stamps(texts.where(np.isnan(clock)))
    unreadable_value = np.isnan(clock) & np.isnan(stamps) & texts.notna().to_numpy()
    return Times(
        stamps=_spread(stamps, cells.codes),
        clock=_spread(clock, cells.codes),
        given=cells.given,
        unreadable=np.flatnonzero(np.append(unreadable_value, False)[cells.codes]),
    )


def dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Epoch days of a date column (NaN where empty), and the cells that are no date."""
    values = values.reset_index(drop=True)
    if pd.api.types.is_string_dtype(values):
        cells = labels(values)
        days = _spread(_stamps(pd.Series(cells.values)), cells.codes)
    else:
        days = _stamps(values)
    unreadable = np.flatnonzero(values.notna().to_numpy() & np.isnan(days))
    return np.floor(days / DAY_MINUTES), unreadable


def _spread(per_value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Values of the distinct texts spread over the cells (NaN where empty)."""
    return np.append(per_value.astype(float), np.nan)[codes]


def _stamps(values: pd.Series) -> np.ndarray:
    """Epoch minutes of the timestamps among ``values`` (NaN where none is read)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return _epoch_minutes(values)
    if not pd.api.types.is_string_dtype(values):  # dates and times as Parquet objects
        return _epoch_minutes(pd.to_datetime(values, errors="coerce"))
    try:
        return _epoch_minutes(pd.to_datetime(values, format="ISO8601", errors="coerce"))
    except ValueError:  # UTC offsets that differ between rows
        local = values.str.replace(UTC_OFFSET, "", regex=True)
        return _epoch_minutes(pd.to_datetime(local, format="ISO8601", errors="coerce"))


def _epoch_minutes(stamps: pd.Series) -> np.ndarray:
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)  # the clock on the clinic's wall
    minutes = (stamps - EPOCH) / pd.Timedelta(minutes=1)
    return minutes.to_numpy(dtype=float, na_value=np.nan)


def _clock_minutes(texts: pd.Series) -> np.ndarray:
    """Minutes after midnight of the clock times (``07:41[:12]``), NaN elsewhere."""
    minutes = np.full(len(texts), np.nan)
    short = (texts.str.len() <= LONGEST_CLOCK).to_numpy(dtype=bool, na_value=False)
    if short.any():
        parts = texts[short].str.extract(CLOCK).astype(float).to_numpy()
        minutes[short] = parts[:, 0] * 60 + parts[:, 1] + np.nan_to_num(parts[:, 2]) / 60
    return minutes
