"""Which of a log file's columns is each of clinicsim's: by name, or by a mapping.

A column is found by its name, compared ignoring case, spaces and underscores, among the
names that mean it (``ALIASES``): clinicsim's own (``COLUMNS``); pm4py's and XES's
(``case:concept:name``, ``concept:name``, ``org:role`` for the resource, ``org:resource``
for the member who did the step, ``start_timestamp``, ``time:timestamp``,
``lifecycle:transition``, ``case:…`` for a visit's attributes); and the common tools'
(``Case ID``, ``Activity``, ``Start Timestamp``, ``Complete Timestamp``). A mapping
``{clinicsim's name: the file's}``, given on the command line or in a small YAML file
(``read_mapping``), names any other; what it names wins.

A lifecycle log has one row per event instead of one per step: its ``lifecycle`` column
says ``start`` or ``complete``, its ``timestamp`` column when (``time:timestamp``); a
file with a start column is read as one row per step whatever else it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.eventlog.log import (
    APPOINTMENT,
    ARRIVAL,
    CASE,
    CLASS,
    COLUMNS,
    DAY,
    END,
    MEMBER,
    PROTOCOL,
    RESOURCE,
    START,
    STEP,
)
from sim.problems import Problem, ScenarioError
from sim.yamlread import read_document

LIFECYCLE, TIMESTAMP = "lifecycle", "timestamp"
NAMES: tuple[str, ...] = (*COLUMNS, LIFECYCLE, TIMESTAMP)  # what a mapping may name
INTERVAL_REQUIRED: tuple[str, ...] = (CASE, STEP, START, END)
LIFECYCLE_REQUIRED: tuple[str, ...] = (CASE, STEP, LIFECYCLE, TIMESTAMP)

# Names as ``normalised`` leaves them, the first found wins.
ALIASES: dict[str, tuple[str, ...]] = {
    CASE: ("case", "caseid", "case:concept:name"),
    DAY: ("day", "date"),
    CLASS: ("class", "case:class"),
    PROTOCOL: ("protocol", "case:protocol"),
    APPOINTMENT: ("appointment", "case:appointment"),
    ARRIVAL: ("arrival", "case:arrival"),
    STEP: ("step", "activity", "concept:name"),
    RESOURCE: ("resource", "org:role", "role"),
    MEMBER: ("member", "org:resource"),
    START: ("start", "starttimestamp", "starttime"),
    END: ("end", "completetimestamp", "endtimestamp", "endtime", "time:timestamp"),
    LIFECYCLE: ("lifecycle:transition", "lifecycle"),
    TIMESTAMP: ("timestamp", "time:timestamp"),
}
MAPPING_HINT = (
    "name them so (any case, spaces or underscores), or map them: "
    "--column NAME=COLUMN (e.g. --column start='Start Time') or --columns FILE "
    "(a YAML mapping such as {case: VisitID, step: Activity})"
)


@dataclass(frozen=True)
class FileColumns:
    """The file's column behind each of clinicsim's names it has, and the log's shape."""

    names: dict[str, str]  # clinicsim's name → the file's column

    @property
    def lifecycle(self) -> bool:
        """Whether the file has one row per event (start, complete) rather than per step:
        a lifecycle column and no start column (an interval log may carry a lifecycle
        column that says ``complete`` on every row, as pm4py writes them)."""
        return LIFECYCLE in self.names and START not in self.names

    def has(self, name: str) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> str:
        return self.names[name]


def normalised(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("_", "")


def read_mapping(path: str | Path) -> dict[str, str]:
    """A mapping file's ``{clinicsim's name: the file's column}``, checked."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem("", f"cannot be read: {exc}")]) from None
    raw = read_document(text, source)
    if not isinstance(raw, dict):
        message = "expected a mapping of clinicsim's names to the file's, e.g. {case: VisitID}"
        raise ScenarioError(source, [Problem("", message)])
    mapping = {str(key): value for key, value in raw.items()}
    check_mapping(mapping, source)
    return mapping


def check_mapping(mapping: Mapping[str, object], source: str) -> None:
    """Every key one of ``NAMES`` and every value a column name (a non-empty text)."""
    problems = []
    for key, value in mapping.items():
        if key not in NAMES:
            message = f"unknown column name; expected one of {', '.join(NAMES)}"
            problems.append(Problem(str(key), message))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(key, f"expected the file's column name, got {value!r}"))
    if problems:
        raise ScenarioError(source, problems)


def find_columns(
    found: Sequence[str], mapping: Mapping[str, str] | None, source: str
) -> FileColumns:
    """The file's columns (``found``, its header) behind clinicsim's names, or a
    ``ScenarioError`` naming a mapped column that is not there, a name two columns
    answer to, or the required columns missing."""
    problems: list[Problem] = []
    names = _mapped(found, mapping or {}, problems)
    claimed = set(names.values())
    for name, aliases in ALIASES.items():
        if name not in names:
            column = _by_alias(found, aliases, claimed, name, problems)
            if column is not None:
                names[name] = column
    columns = FileColumns(names)
    if not problems:
        problems = _missing(columns, found)
    if problems:
        raise ScenarioError(source, problems)
    return columns


def _mapped(
    found: Sequence[str], mapping: Mapping[str, str], problems: list[Problem]
) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, wanted in mapping.items():
        matches = [c for c in found if c == wanted] or [
            c for c in found if normalised(c) == normalised(wanted)
        ]
        if len(matches) == 1:
            names[name] = matches[0]
            continue
        message = (
            f"no column {wanted!r} (mapped to {name!r}); the file's columns are {_listed(found)}"
            if not matches
            else f"columns {_listed(matches)} all match {wanted!r} (mapped to {name!r})"
        )
        problems.append(Problem("row 1", message))
    return names


def _by_alias(
    found: Sequence[str],
    aliases: tuple[str, ...],
    claimed: set[str],
    name: str,
    problems: list[Problem],
) -> str | None:
    for alias in aliases:
        matches = [c for c in found if normalised(c) == alias and c not in claimed]
        if len(matches) == 1:
            return matches[0]
        if matches:
            message = f"columns {_listed(matches)} are all read as {name!r}: map one of them"
            problems.append(Problem("row 1", f"{message} (--column {name}=COLUMN)"))
            return None
    return None


def _missing(columns: FileColumns, found: Sequence[str]) -> list[Problem]:
    if columns.lifecycle and not columns.has(TIMESTAMP) and columns.has(END):
        columns.names[TIMESTAMP] = columns[END]  # one time per event: the end's names
    required = LIFECYCLE_REQUIRED if columns.lifecycle else INTERVAL_REQUIRED
    missing = [name for name in required if not columns.has(name)]
    if not missing:
        return []
    shape = "a lifecycle log (a row per event) needs" if columns.lifecycle else "a log needs"
    message = (
        f"no column for {_listed(missing)}: {shape} {_listed(required)}; "
        f"the file's columns are {_listed(found)}; {MAPPING_HINT}"
    )
    return [Problem("row 1", message)]


def _listed(names: Sequence[str]) -> str:
    return ", ".join(repr(str(n)) for n in names)
