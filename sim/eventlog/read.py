"""Reading a clinic's event log file into an ``EventLog``, checking it on the way.

The file is CSV (comma, semicolon or tab separated, as its header shows; UTF-8, or
Windows-1252 as Excel saves it) or Parquet, told by its suffix. It has one row per step
done, its columns found as ``sim.eventlog.columns`` says and its cells read as
``sim.eventlog.cells`` says; a lifecycle log's events are paired into steps, the k-th
start of an activity in a visit with its k-th complete. A row with no step is a visit
with no step: a no-show when it has no arrival either.

A visit's date is its ``day``, else the date of its arrival, of its first start, of its
appointment; its times become minutes after that date's midnight (a step past midnight
ends after minute 1440), clock times being of its day. The log's dates are the visits'
dates in order, day ``d`` being ``dates[d]``.

Checked, each problem naming the row (as a spreadsheet counts them: the header is row
1) and the column: unreadable times and dates, empty required cells, a step that ends
before it starts, a visit whose day, class, protocol, appointment or arrival differs
between its rows, a patient in two steps with a resource at once (a step with no
resource, such as drops working, runs beside the others), a member of staff in two
places at once, a member with no resource, unpaired lifecycle events. Steps that only
touch do not overlap. The checks sort and compare whole columns of integers and
minutes, never loop over rows: a year of a large service (300 000 rows) reads in
seconds.

Tables come out in the order ``export`` gives them: visits by day, appointment and
case; steps by day, start and case (then as the file has them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from pyarrow import ArrowException

from sim.eventlog.cells import DAY_MINUTES, Labels, dates, labels, times
from sim.eventlog.columns import (
    LIFECYCLE,
    TIMESTAMP,
    FileColumns,
    check_mapping,
    find_columns,
    read_mapping,
)
from sim.eventlog.log import (
    APPOINTMENT,
    ARRIVAL,
    CASE,
    CLASS,
    DAY,
    END,
    MEMBER,
    PROTOCOL,
    RESOURCE,
    START,
    STEP,
    STEP_COLUMNS,
    VISIT_COLUMNS,
    EventLog,
)
from sim.problems import Problem, ScenarioError
from sim.scenario import WEEKDAYS

__all__ = ["MAX_PROBLEMS", "SUFFIXES", "read_log", "read_mapping"]

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
MAX_PROBLEMS = 20
SEPARATORS = (",", ";", "\t")
ENCODINGS = ("utf-8-sig", "cp1252")  # Excel on Windows saves "CSV" in the latter
SAME_TIME_MIN = 1e-6  # a clock time and a timestamp of one instant may differ by rounding
EPOCH_DATE = date(1970, 1, 1)
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday
KINDS = {"start": 0, "complete": 1}  # lifecycle transitions, in lower case
TEXTS = (CASE, STEP, RESOURCE, MEMBER, CLASS, PROTOCOL, LIFECYCLE)
VISIT_RULE = "a visit's day, class, protocol, appointment and arrival are the same on all its rows"
TIME_FORMS = "expected a timestamp (2026-01-05 07:41:12) or a clock time of the day (07:41)"


def read_log(source: str | Path, columns: Mapping[str, str] | None = None) -> EventLog:
    """The log in ``source`` (a CSV or Parquet file), checked; ``columns`` maps
    clinicsim's names to the file's (``{"case": "VisitID", "step": "Activity"}``).
    Bad input is a ``ScenarioError`` naming the row and column of each problem."""
    name = str(source)
    if columns:
        check_mapping(columns, name)
    raw = _read_table(Path(source), name)
    found = find_columns(list(raw.columns), columns, name)
    problems = _Problems(name)
    rows = _rows(raw, found, problems)
    steps = _lifecycle_steps(rows, problems) if found.lifecycle else _interval_steps(rows, problems)
    visit_day = _visit_days(rows, steps, problems)
    _check_steps(rows, steps, problems)
    problems.raise_any()
    return _event_log(name, rows, steps, visit_day)


# ---------------------------------------------------------------- problems


class _Problems:
    """Problems found at rows of the file; the first ``MAX_PROBLEMS`` in file order are
    shown, and how many more there are."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[tuple[int, Problem]] = []
        self.unshown = 0

    def add(self, rows: np.ndarray, column: str, describe: Callable[[int], str]) -> None:
        """A problem at each of ``rows`` (positions among the file's rows) in ``column``;
        ``describe(i)`` says what is wrong at ``rows[i]``."""
        rows = np.asarray(rows, dtype=np.int64)
        shown = np.argsort(rows, kind="stable")[:MAX_PROBLEMS]
        self.unshown += len(rows) - len(shown)
        for i in shown:
            where = f"row {rows[i] + 2}, column {column!r}"
            self.found.append((int(rows[i]), Problem(where, describe(int(i)))))

    def raise_any(self) -> None:
        if not self.found:
            return
        self.found.sort(key=lambda item: item[0])
        shown = [problem for _, problem in self.found[:MAX_PROBLEMS]]
        more = self.unshown + len(self.found) - len(shown)
        if more:
            shown.append(Problem("", f"… and {more} more"))
        raise ScenarioError(self.source, shown)


def _bad(source: str, message: str, where: str = "") -> ScenarioError:
    return ScenarioError(source, [Problem(where, message)])


# ---------------------------------------------------------------- the file


def _read_table(path: Path, source: str) -> pd.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        got = repr(path.suffix) if path.suffix else "no suffix"
        raise _bad(source, f"expected a .csv, .parquet or .pq file, got {got}")
    if not path.is_file():
        raise _bad(source, "no such file" if not path.exists() else "is not a file")
    table = _read_parquet(path, source) if kind == "parquet" else _read_csv(path, source)
    if table.empty:
        message = "no rows: a log has a row per step done (and one per visit with no step)"
        raise _bad(source, message, "row 2")
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    for encoding in ENCODINGS:
        try:
            with path.open(encoding=encoding) as file:
                header = file.readline()
            return pd.read_csv(
                path,
                sep=max(SEPARATORS, key=header.count),  # a tie (none) is a comma
                dtype=str,
                keep_default_na=False,  # a case or step named "NA" is a name
                na_values=[""],
                encoding=encoding,
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            message = "the file is empty: expected a header row and a row per step"
            raise _bad(source, message) from None
        except (pd.errors.ParserError, OSError, ValueError) as exc:
            raise _bad(source, f"cannot be read as CSV: {' '.join(str(exc).split())}") from None
    raise _bad(source, "cannot be read as text (neither UTF-8 nor Windows-1252)")


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, ArrowException) as exc:
        raise _bad(source, f"cannot be read as Parquet: {' '.join(str(exc).split())}") from None


# ---------------------------------------------------------------- rows


@dataclass
class _Rows:
    """The file's rows in clinicsim's names: texts as labels (the case's codes number
    the visits), each visit's day (epoch days) and attributes, and the times of each
    row as epoch minutes."""

    raw: pd.DataFrame
    columns: FileColumns
    labels: dict[str, Labels]
    case_day: np.ndarray = field(default_factory=lambda: np.zeros(0))
    times: dict[str, np.ndarray] = field(default_factory=dict)
    given: dict[str, np.ndarray] = field(default_factory=dict)  # time cells holding anything
    firsts: dict[str, np.ndarray] = field(default_factory=dict)  # visit attributes per visit
    misdated: set[int] = field(default_factory=set)  # visits with a date or time flagged

    @property
    def code(self) -> np.ndarray:
        """Each row's visit (-1 for a row with no case)."""
        return self.labels[CASE].codes

    @property
    def visits(self) -> int:
        return len(self.labels[CASE].values)

    def label(self, name: str) -> Labels:
        """A text column, all empty if the file has none."""
        empty = Labels(np.full(len(self.raw), -1), pd.array([], dtype="str"))
        return self.labels.get(name, empty)

    def case(self, row: int) -> str:
        return str(self.labels[CASE].text(row))

    def cell(self, name: str, row: int) -> str:
        """What the file holds at ``row`` (a position) of ``name``'s column, as text."""
        return str(self.raw[self.columns[name]].iloc[row])

    def of_visit(self, per_visit: np.ndarray) -> np.ndarray:
        """A value per visit spread over the rows (NaN for rows with no case)."""
        return np.append(per_visit.astype(float), np.nan)[self.code]


def _rows(raw: pd.DataFrame, found: FileColumns, problems: _Problems) -> _Rows:
    rows = _Rows(raw, found, {n: labels(raw[found[n]]) for n in TEXTS if found.has(n)})
    blank = raw.isna().to_numpy().all(axis=1)  # a spreadsheet's trailing ";;;;" rows
    no_case = np.flatnonzero((rows.code < 0) & ~blank)
    problems.add(no_case, found[CASE], lambda i: "empty: every row names its visit (case)")
    rows.case_day = _case_days(rows, problems)
    named = (APPOINTMENT, ARRIVAL, *((TIMESTAMP,) if found.lifecycle else (START, END)))
    for name in named:
        if found.has(name):
            rows.times[name] = _absolute(rows, name, problems)
    for name in (CLASS, PROTOCOL):
        if found.has(name):
            codes = rows.labels[name].codes
            rows.firsts[name] = _per_visit(
                rows, name, np.where(codes >= 0, codes, np.nan), problems
            )
    for name in (APPOINTMENT, ARRIVAL):
        if found.has(name):
            rows.firsts[name] = _per_visit(rows, name, rows.times[name], problems)
    return rows


def _case_days(rows: _Rows, problems: _Problems) -> np.ndarray:
    """Each visit's day from the day column (NaN for a visit that gives none)."""
    if not rows.columns.has(DAY):
        return np.full(rows.visits, np.nan)
    days, unreadable = dates(rows.raw[rows.columns[DAY]])
    rows.misdated.update(rows.code[unreadable].tolist())
    problems.add(
        unreadable,
        rows.columns[DAY],
        lambda i: f"not a date: {rows.cell(DAY, unreadable[i])!r}; expected e.g. 2026-01-05",
    )
    return _per_visit(rows, DAY, days, problems)


def _per_visit(rows: _Rows, name: str, values: np.ndarray, problems: _Problems) -> np.ndarray:
    """Each visit's value of an attribute (the first its rows give, NaN if none),
    flagging the rows that give another."""
    given = np.flatnonzero(~np.isnan(values) & (rows.code >= 0))
    code = rows.code[given]
    visits, first = np.unique(code, return_index=True)  # ``given`` is in file order
    per_visit = np.full(rows.visits, np.nan)
    per_visit[visits] = values[given[first]]
    first_row = np.full(rows.visits, -1)
    first_row[visits] = given[first]
    same = np.isclose(values[given], per_visit[code], rtol=0, atol=SAME_TIME_MIN)
    differing = given[~same]

    def describe(i: int) -> str:
        here = differing[i]
        there = first_row[rows.code[here]]
        return (
            f"visit {rows.case(here)!r} gives {rows.cell(name, here)!r} here but "
            f"{rows.cell(name, there)!r} on row {there + 2}: {VISIT_RULE}"
        )

    problems.add(differing, rows.columns[name], describe)
    return per_visit


def _absolute(rows: _Rows, name: str, problems: _Problems) -> np.ndarray:
    """A time column as epoch minutes: timestamps as they are, clock times on the
    visit's day; flagging unreadable cells and clock times of visits with no day."""
    column = rows.columns[name]
    read = times(rows.raw[column])
    rows.given[name] = read.given
    at = read.stamps.copy()
    clock = ~np.isnan(read.clock)
    day = rows.of_visit(rows.case_day)
    at[clock] = day[clock] * DAY_MINUTES + read.clock[clock]
    problems.add(
        read.unreadable,
        column,
        lambda i: f"not a time: {rows.cell(name, read.unreadable[i])!r}; {TIME_FORMS}",
    )
    undated = np.flatnonzero(clock & np.isnan(day) & (rows.code >= 0))
    rows.misdated.update(rows.code[np.concatenate([read.unreadable, undated])].tolist())
    needs = "the visit's day" if rows.columns.has(DAY) else "a day column"
    problems.add(
        undated,
        column,
        lambda i: f"a clock time ({rows.cell(name, undated[i])}) needs {needs} (2026-01-05)",
    )
    return at


# ---------------------------------------------------------------- steps


def _steps_frame(
    rows: _Rows, start_row: np.ndarray, end_row: np.ndarray, start: np.ndarray, end: np.ndarray
) -> pd.DataFrame:
    """Steps as codes (visit, step, resource, member) of the rows they start on, their
    times (epoch minutes) and the rows they start and end on."""
    return pd.DataFrame(
        {
            "code": rows.code[start_row],
            "step": rows.label(STEP).codes[start_row],
            "resource": rows.label(RESOURCE).codes[start_row],
            "member": rows.label(MEMBER).codes[start_row],
            "start": start,
            "end": end,
            "start_row": start_row,
            "end_row": end_row,
        }
    )


def _interval_steps(rows: _Rows, problems: _Problems) -> pd.DataFrame:
    """A step per row that names one, flagging empty times and times with no step."""
    is_step = rows.label(STEP).given
    for name in (START, END):
        empty = np.flatnonzero(is_step & ~rows.given[name])
        problems.add(empty, rows.columns[name], lambda i, n=name: f"empty: a step needs its {n}")
    stray = np.flatnonzero(~is_step & (rows.given[START] | rows.given[END]))
    message = "a time but no step: name the step, or leave the times empty for a visit with no step"
    problems.add(stray, rows.columns[STEP], lambda i: message)
    picked = np.flatnonzero(is_step & (rows.code >= 0))
    return _steps_frame(rows, picked, picked, rows.times[START][picked], rows.times[END][picked])


def _lifecycle_steps(rows: _Rows, problems: _Problems) -> pd.DataFrame:
    """Steps from a lifecycle log's events: the k-th start of an activity in a visit
    with its k-th complete (in time order), flagging events that are neither or unpaired."""
    step, lifecycle = rows.label(STEP), rows.label(LIFECYCLE)
    kind_of = pd.Series(lifecycle.values).str.lower().map(KINDS).to_numpy(dtype=float)
    kind = np.append(kind_of, np.nan)[lifecycle.codes]
    time, column = rows.times[TIMESTAMP], rows.columns[LIFECYCLE]
    unknown = np.flatnonzero(step.given & np.isnan(kind))

    def transition(i: int) -> str:
        given = lifecycle.text(unknown[i])
        return f"expected start or complete (the event's lifecycle transition), got {given!r}"

    problems.add(unknown, column, transition)
    stray = np.flatnonzero(lifecycle.given & ~step.given)
    problems.add(stray, rows.columns[STEP], lambda i: "an event with no step (activity)")
    empty = np.flatnonzero(step.given & ~rows.given[TIMESTAMP])
    problems.add(empty, rows.columns[TIMESTAMP], lambda i: "empty: every event has its time")
    usable = np.flatnonzero(step.given & ~np.isnan(kind) & ~np.isnan(time) & (rows.code >= 0))
    events = pd.DataFrame(
        {
            "code": rows.code[usable],
            "step": step.codes[usable],
            "kind": kind[usable],
            "time": time[usable],
            "row": usable,
        }
    ).sort_values(["code", "step", "kind", "time", "row"])
    events["occurrence"] = events.groupby(["code", "step", "kind"]).cumcount()
    starts, completes = events[events["kind"] == 0], events[events["kind"] == 1]
    paired = starts.merge(
        completes, on=["code", "step", "occurrence"], how="outer", suffixes=("_start", "_end")
    )
    _flag_unpaired(rows, paired, problems)
    paired = paired.dropna(subset=["row_start", "row_end"])
    start_row = paired["row_start"].to_numpy(dtype=np.int64)
    end_row = paired["row_end"].to_numpy(dtype=np.int64)
    start, end = paired["time_start"].to_numpy(), paired["time_end"].to_numpy()
    frame = _steps_frame(rows, start_row, end_row, start, end)
    for name in (RESOURCE, MEMBER):  # said on the start, or else on the complete
        at_end = rows.label(name).codes[end_row]
        frame[name] = np.where(frame[name] >= 0, frame[name], at_end)
    return frame


def _flag_unpaired(rows: _Rows, paired: pd.DataFrame, problems: _Problems) -> None:
    for mine, other, missing in (("start", "end", "complete"), ("end", "start", "start")):
        alone = paired[paired[f"row_{other}"].isna()][f"row_{mine}"].to_numpy(dtype=np.int64)

        def describe(i: int, alone: np.ndarray = alone, missing: str = missing) -> str:
            row = alone[i]
            step = rows.label(STEP).text(row)
            return f"{step!r} of visit {rows.case(row)!r} has no {missing} to pair this event with"

        problems.add(alone, rows.columns[LIFECYCLE], describe)


# ---------------------------------------------------------------- visits


def _visit_days(rows: _Rows, steps: pd.DataFrame, problems: _Problems) -> np.ndarray:
    """Each visit's date (epoch days): its day, else the date of its arrival, of its
    first start, of its appointment; flagging the visits with none of them (but those
    whose date or times were flagged already)."""
    first_start = np.full(rows.visits, np.inf)
    np.fmin.at(first_start, steps["code"].to_numpy(), steps["start"].to_numpy())
    first_start[np.isinf(first_start)] = np.nan
    day = rows.case_day.copy()
    for minutes in (rows.firsts.get(ARRIVAL), first_start, rows.firsts.get(APPOINTMENT)):
        if minutes is not None:
            undated = np.isnan(day)
            day[undated] = np.floor(minutes[undated] / DAY_MINUTES)
    undated_visits = np.setdiff1d(np.flatnonzero(np.isnan(day)), list(rows.misdated))
    if len(undated_visits):
        given = np.flatnonzero(rows.code >= 0)
        visits, first = np.unique(rows.code[given], return_index=True)
        first_row = np.full(rows.visits, -1)
        first_row[visits] = given[first]
        message = "a visit with no date: give its day, or its arrival, a start or its appointment"
        problems.add(first_row[undated_visits], rows.columns[CASE], lambda i: message)
    return day


# ---------------------------------------------------------------- checks


def _time_names(rows: _Rows) -> tuple[str, str]:
    return (TIMESTAMP, TIMESTAMP) if rows.columns.lifecycle else (START, END)


def _check_steps(rows: _Rows, steps: pd.DataFrame, problems: _Problems) -> None:
    start, end = steps["start"].to_numpy(), steps["end"].to_numpy()
    start_row, end_row = steps["start_row"].to_numpy(), steps["end_row"].to_numpy()
    start_name, end_name = _time_names(rows)
    backwards = np.flatnonzero(end < start)
    problems.add(
        end_row[backwards],
        rows.columns[end_name],
        lambda i: (
            f"ends before it starts ({rows.cell(end_name, end_row[backwards[i]])} < "
            f"{rows.cell(start_name, start_row[backwards[i]])})"
        ),
    )
    resource, member = steps["resource"].to_numpy() >= 0, steps["member"].to_numpy() >= 0
    _check_unassigned(rows, steps, np.flatnonzero(member & ~resource), problems)
    sound = end >= start
    _check_patient_overlaps(rows, steps, np.flatnonzero(sound & resource), problems)
    _check_member_overlaps(rows, steps, np.flatnonzero(sound & resource & member), problems)


def _check_unassigned(
    rows: _Rows, steps: pd.DataFrame, picked: np.ndarray, problems: _Problems
) -> None:
    if not len(picked):  # a file with no member column among them
        return
    member_column = rows.columns[MEMBER]
    column = rows.columns[RESOURCE] if rows.columns.has(RESOURCE) else member_column
    at = steps["start_row"].to_numpy()[picked]
    hint = f"or map this column as the resource (--column resource={member_column})"
    problems.add(
        at,
        column,
        lambda i: (
            f"a member ({rows.label(MEMBER).text(at[i])!r}) but no resource: say what they "
            f"worked as (e.g. technician), {hint}"
        ),
    )


def _overlaps(group: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, ...]:
    """The intervals that start before an earlier-starting one of their group ends
    (strictly: touching is fine), and for each the one it overlaps (indices)."""
    order = np.lexsort((end, start, group))
    g, s, e = group[order], start[order], end[order]
    reach = pd.Series(e).groupby(g).cummax().to_numpy()  # the latest end so far
    holder = np.maximum.accumulate(np.where(e == reach, np.arange(len(g)), -1))
    same = np.r_[False, g[1:] == g[:-1]]
    hit = np.flatnonzero(same & (s < np.r_[np.inf, reach[:-1]]))
    return order[hit], order[holder[hit - 1]]


def _overlapping(
    steps: pd.DataFrame, picked: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Of the ``picked`` steps grouped by ``group``, the overlapping ones and those they
    overlap, as positions in ``steps``; times are epoch minutes, so days never mix."""
    start, end = steps["start"].to_numpy()[picked], steps["end"].to_numpy()[picked]
    later, earlier = _overlaps(group, start, end)
    return picked[later], picked[earlier]


def _check_patient_overlaps(
    rows: _Rows, steps: pd.DataFrame, picked: np.ndarray, problems: _Problems
) -> None:
    later, earlier = _overlapping(steps, picked, steps["code"].to_numpy()[picked])
    start_name, end_name = _time_names(rows)
    start_row, end_row = steps["start_row"].to_numpy(), steps["end_row"].to_numpy()
    step = rows.label(STEP)

    def describe(i: int) -> str:
        a, b = later[i], earlier[i]
        return (
            f"visit {rows.case(start_row[a])!r} is in two steps at once: "
            f"{step.text(start_row[a])!r} starts at {rows.cell(start_name, start_row[a])}, "
            f"before {step.text(start_row[b])!r} (row {start_row[b] + 2}) ends at "
            f"{rows.cell(end_name, end_row[b])}; only a step with no resource (such as "
            "waiting for drops) runs beside others"
        )

    problems.add(start_row[later], rows.columns[start_name], describe)


def _check_member_overlaps(
    rows: _Rows, steps: pd.DataFrame, picked: np.ndarray, problems: _Problems
) -> None:
    if not len(picked):  # a file with no member column among them
        return
    members = len(rows.label(MEMBER).values) + 1
    pair = steps["resource"].to_numpy()[picked] * members + steps["member"].to_numpy()[picked]
    later, earlier = _overlapping(steps, picked, pair)
    start_name, end_name = _time_names(rows)
    start_row, end_row = steps["start_row"].to_numpy(), steps["end_row"].to_numpy()
    step, member, resource = rows.label(STEP), rows.label(MEMBER), rows.label(RESOURCE)

    def describe(i: int) -> str:
        a, b = start_row[later[i]], start_row[earlier[i]]
        return (
            f"{member.text(a)!r} ({resource.text(a)}) is in two places at once: "
            f"{step.text(a)!r} of visit {rows.case(a)!r} starts at {rows.cell(start_name, a)}, "
            f"before {step.text(b)!r} of visit {rows.case(b)!r} (row {b + 2}) ends at "
            f"{rows.cell(end_name, end_row[earlier[i]])}"
        )

    problems.add(start_row[later], rows.columns[MEMBER], describe)


# ---------------------------------------------------------------- the log


def _event_log(source: str, rows: _Rows, steps: pd.DataFrame, visit_day: np.ndarray) -> EventLog:
    epoch_days = np.unique(visit_day).astype(np.int64)
    day = np.searchsorted(epoch_days, visit_day.astype(np.int64))
    midnight = visit_day * DAY_MINUTES
    return EventLog(
        source=source,
        visits=_visits(rows, steps, visit_day, day, midnight),
        steps=_steps(rows, steps, day, midnight),
        dates=tuple(EPOCH_DATE + timedelta(days=int(d)) for d in epoch_days),
    )


def _visits(
    rows: _Rows, steps: pd.DataFrame, visit_day: np.ndarray, day: np.ndarray, midnight: np.ndarray
) -> pd.DataFrame:
    n = rows.visits
    nothing = np.full(n, np.nan)
    appointment = rows.firsts.get(APPOINTMENT, nothing) - midnight
    arrival = rows.firsts.get(ARRIVAL, nothing) - midnight
    has_step = np.bincount(steps["code"].to_numpy(), minlength=n) > 0
    weekday = (visit_day.astype(np.int64) + EPOCH_WEEKDAY) % 7
    visits = pd.DataFrame(
        {
            "case": rows.labels[CASE].values,
            "day": day.astype(np.int64),
            "weekday": pd.array(WEEKDAYS, dtype="str").take(weekday),
            "class": _texts_of(rows.label(CLASS), rows.firsts.get(CLASS, nothing)),
            "protocol": _texts_of(rows.label(PROTOCOL), rows.firsts.get(PROTOCOL, nothing)),
            "appointment": appointment,
            "arrival": arrival,
            "no_show": ~has_step & np.isnan(arrival),
        }
    )
    visits = visits.sort_values(["day", "appointment", "case"], kind="stable")
    return visits[list(VISIT_COLUMNS)].reset_index(drop=True)


def _texts_of(label: Labels, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The texts of codes given as floats (NaN for none)."""
    return label.values.take(np.nan_to_num(codes, nan=-1).astype(np.int64), allow_fill=True)


def _steps(rows: _Rows, steps: pd.DataFrame, day: np.ndarray, midnight: np.ndarray) -> pd.DataFrame:
    code = steps["code"].to_numpy()
    frame = pd.DataFrame(
        {
            "case": rows.labels[CASE].values.take(code),
            "day": day[code].astype(np.int64),
            "step": rows.label(STEP).values.take(steps["step"].to_numpy()),
            "resource": _texts_of(rows.label(RESOURCE), steps["resource"].to_numpy(float)),
            "member": _texts_of(rows.label(MEMBER), steps["member"].to_numpy(float)),
            "start": steps["start"].to_numpy(dtype=float) - midnight[code],
            "end": steps["end"].to_numpy(dtype=float) - midnight[code],
            "row": steps["start_row"].to_numpy(),
        }
    )
    frame = frame.sort_values(["day", "start", "case", "row"], kind="stable")
    return frame[list(STEP_COLUMNS)].reset_index(drop=True)
