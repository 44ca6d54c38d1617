"""A clinic's event log dropped on the dashboard: kept on the server, fitted, checked.

A log dropped on the scenario page is written as it came, under its own suffix, into a
folder of its own beside the result store's runs (``<store>/dashboard-logs/<ID>/log.csv``;
``store_log``). The browser only ever holds ``ID``, a hash of the file's name and bytes
(the same file dropped twice is one folder), never a path; ``find_log`` turns an id
back into a folder only if it has that shape and exists.

``fit_stored`` reads the log (``sim.eventlog.read``) and fits it (``sim.eventlog.fit``),
and keeps beside it the fitted scenario (``scenario.yaml``) and what the fit found
(``fit.json``: its warnings and a short summary); the scenario becomes the tab's base as
an uploaded one does (a ``ScenarioChoice`` with the log's id). A log that cannot be read
is removed again, and its problems name the file as the user knows it, not the server's
path. ``check_stored`` checks that fitted scenario, as fitted (never a tab's what-ifs),
against the log (``sim.eventlog.check``) and keeps the result by its replications, so
that reopening the check or switching language simulates nothing again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import pickle
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import diskcache

from dashboard.runs import MAX_REPS
from dashboard.whatif import ScenarioChoice
from sim.eventlog.check import MIN_REPS, CheckResult, check_fit
from sim.eventlog.fit import FitChoices, fit_log
from sim.eventlog.log import EventLog
from sim.eventlog.read import SUFFIXES, read_log
from sim.files import write_atomically, write_text_atomically
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario, from_text

# A year of a 200-patients-a-day service (300 000 step rows) is about 50 MB as clinicsim
# writes it in CSV, a tenth of that in Parquet. The browser sends a file as base64 (4/3
# of its size) in one request, which dashboard.app.MAX_REQUEST_BYTES lets through.
MB = 1024 * 1024
LOG_UPLOAD_LIMIT_BYTES = 64 * MB
LOGS_FOLDER = "dashboard-logs"
LOG_ID = re.compile(r"[0-9a-f]{24}")
# a stored log's folder holds:
LOG_FILE = "log"  # the file as dropped, with its suffix: log.csv, log.parquet, log.pq
NAME_FILE = "name.txt"  # its name as the user knows it
SCENARIO_FILE = "scenario.yaml"  # the fitted scenario
FIT_FILE = "fit.json"  # the fit's warnings and summary
CHECKS = "checks"  # the checks made, by replications (a diskcache)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StoredLog:
    """A dropped log's folder on the server, and the file's name as the user dropped it."""

    id: str
    folder: Path
    filename: str

    @property
    def path(self) -> Path:
        """The log as dropped (``log.csv``, ``log.parquet`` or ``log.pq``)."""
        return self.folder / f"{LOG_FILE}{Path(self.filename).suffix.lower()}"

    @property
    def scenario_path(self) -> Path:
        return self.folder / SCENARIO_FILE

    def fitted_name(self) -> str:
        """How the fitted scenario's file is named (its download, its messages)."""
        return f"{Path(self.filename).stem}-fitted.yaml"


@dataclass(frozen=True)
class FitSummary:
    """What was fitted: the log's size and the scenario's shape."""

    visits: int
    days: int
    first: str  # the log's first and last dates, ISO
    last: str
    step_rows: int
    protocols: int
    steps: int  # distinct step ids over the protocols
    resources: int


@dataclass(frozen=True)
class FitReport:
    """A fit as the page shows it: the log, the fit's warnings (English, as the fit says
    them) and its summary."""

    log: str
    filename: str
    warnings: list[str]
    summary: FitSummary


# ---------------------------------------------------------------- keeping a log


def logs_root(store_root: Path) -> Path:
    return store_root / LOGS_FOLDER


def log_id(filename: str, content: bytes) -> str:
    digest = hashlib.sha256(filename.encode("utf-8") + b"\0" + content)
    return digest.hexdigest()[:24]


def keep_dropped(store_root: Path, dropped: Mapping[str, Any]) -> str:
    """Keep the log the browser sent (``{"filename", "contents"}``: a data URL; or
    ``{"filename", "size"}`` for a file too large to send); its id, or ``ScenarioError``
    naming the file."""
    filename = Path(str(dropped.get("filename") or "log")).name
    _check_suffix(filename)
    size = dropped.get("size")
    if isinstance(size, int) and not isinstance(size, bool):
        raise ScenarioError(filename, [Problem("", too_large(size))])
    try:
        content = base64.b64decode(str(dropped.get("contents")).partition(",")[2], validate=True)
    except binascii.Error:
        raise ScenarioError(filename, [Problem("", "not a file upload")]) from None
    return store_log(store_root, filename, content)


def store_log(store_root: Path, filename: str, content: bytes) -> str:
    """Keep a dropped log on the server; its id. ``ScenarioError`` naming the file when
    its suffix is not a log's or it is too large (nothing is kept then)."""
    _check_suffix(filename)
    if len(content) > LOG_UPLOAD_LIMIT_BYTES:
        raise ScenarioError(filename, [Problem("", too_large(len(content)))])
    wanted = log_id(filename, content)
    folder = logs_root(store_root) / wanted
    folder.mkdir(parents=True, exist_ok=True)
    stored = StoredLog(wanted, folder, filename)
    write_atomically(stored.path, lambda tmp: Path(tmp).write_bytes(content))
    write_text_atomically(folder / NAME_FILE, filename)
    return wanted


def _check_suffix(filename: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        message = f"expected a .csv, .parquet or .pq file, got {suffix or 'no suffix'}"
        raise ScenarioError(filename, [Problem("", message)])


def too_large(size: int) -> str:
    """The message for a log of ``size`` bytes, above the limit."""
    return (
        f"the file is {math.ceil(size / MB)} MB; a log may be at most "
        f"{LOG_UPLOAD_LIMIT_BYTES // MB} MB"
    )


def find_log(store_root: Path, wanted: Any) -> StoredLog | None:
    """The stored log ``wanted`` names, if it is an id and the log is there."""
    if not isinstance(wanted, str) or not LOG_ID.fullmatch(wanted):
        return None
    folder = logs_root(store_root) / wanted
    try:
        filename = (folder / NAME_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    stored = StoredLog(wanted, folder, filename)
    return stored if stored.path.is_file() else None


def read_stored(stored: StoredLog) -> EventLog:
    """The log, read and checked, named as the user named it; ``ScenarioError`` naming
    the file (never the server's path) and the row and column of each problem."""
    try:
        log = read_log(stored.path)
    except ScenarioError as exc:
        raise _as_dropped(exc, stored) from None
    return replace(log, source=stored.filename)


def _as_dropped(exc: ScenarioError, stored: StoredLog) -> ScenarioError:
    hidden = str(stored.path)
    problems = [
        Problem(p.path, p.message.replace(hidden, stored.filename), None) for p in exc.problems
    ]
    return ScenarioError(stored.filename, problems)


# ---------------------------------------------------------------- fitting


def fit_stored(store_root: Path, wanted: str, name: str) -> tuple[ScenarioChoice, FitReport]:
    """Fit the stored log ``wanted`` into a scenario called ``name``; keep the scenario
    and the fit's report beside the log, and give the tab's new base and the report. A
    log that cannot be read is removed and its ``ScenarioError`` raised."""
    stored = find_log(store_root, wanted)
    if stored is None:
        raise ScenarioError("log", [Problem("", "the dropped log is no longer on the server")])
    try:
        log = read_stored(stored)
    except ScenarioError:
        shutil.rmtree(stored.folder, ignore_errors=True)
        raise
    fitted = fit_log(log, FitChoices(name=name))
    text = fitted.to_yaml()
    report = FitReport(
        stored.id, stored.filename, fitted.warnings, summary_of(log, fitted.scenario)
    )
    write_text_atomically(stored.scenario_path, text)
    write_text_atomically(stored.folder / FIT_FILE, json.dumps(asdict(report), indent=1))
    return ScenarioChoice(stored.fitted_name(), text, stored.id), report


def summary_of(log: EventLog, scenario: Scenario) -> FitSummary:
    steps = {step.id for protocol in scenario.protocols.values() for step in protocol.steps}
    return FitSummary(
        visits=len(log.visits),
        days=log.days,
        first=log.dates[0].isoformat(),
        last=log.dates[-1].isoformat(),
        step_rows=len(log.steps),
        protocols=len(scenario.protocols),
        steps=len(steps),
        resources=len(scenario.resources),
    )


def fit_report(store_root: Path, wanted: Any) -> FitReport | None:
    """The report of the stored log's fit, if it was fitted and is still there."""
    stored = find_log(store_root, wanted)
    if stored is None:
        return None
    try:
        data = json.loads((stored.folder / FIT_FILE).read_text(encoding="utf-8"))
        return FitReport(
            data["log"], data["filename"], list(data["warnings"]), FitSummary(**data["summary"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def fitted_scenario(stored: StoredLog) -> Scenario:
    """The scenario fitted to the stored log, as fitted (``ScenarioError`` if it is not
    there or no longer valid)."""
    try:
        text = stored.scenario_path.read_text(encoding="utf-8")
    except OSError:
        raise ScenarioError(stored.fitted_name(), [Problem("", "not fitted yet")]) from None
    return from_text(text, stored.fitted_name())


# ---------------------------------------------------------------- checking


def check_replications(text: Any) -> int | None:
    """The replications typed for a check, or ``None`` if not a whole number in
    ``MIN_REPS``..``MAX_REPS``."""
    try:
        reps = float(str(text).strip())
    except ValueError:
        return None
    return int(reps) if reps.is_integer() and MIN_REPS <= reps <= MAX_REPS else None


def check_stored(
    store_root: Path, wanted: Any, reps: int, progress: Progress | None = None
) -> CheckResult:
    """The fitted scenario checked against its log with ``reps`` replications, computed
    once per replications and kept beside the log."""
    stored = find_log(store_root, wanted)
    if stored is None:
        raise ScenarioError("log", [Problem("", "the dropped log is no longer on the server")])
    scenario = fitted_scenario(stored)
    kept = kept_check(store_root, wanted, reps)
    if kept is not None:
        return kept
    result = check_fit(read_stored(stored), scenario, reps, progress)
    with diskcache.Cache(str(stored.folder / CHECKS)) as cache:
        cache.set(_check_key(stored, reps), result)
    return result


def kept_check(store_root: Path, wanted: Any, reps: int) -> CheckResult | None:
    """A check ``check_stored`` made and kept, if any."""
    stored = find_log(store_root, wanted)
    if stored is None or not (stored.folder / CHECKS).is_dir():
        return None
    try:
        with diskcache.Cache(str(stored.folder / CHECKS)) as cache:
            kept = cache.get(_check_key(stored, reps))
    except (OSError, pickle.UnpicklingError, AttributeError, ImportError, EOFError):
        return None  # kept by another version of clinicsim: checked again
    return kept if isinstance(kept, CheckResult) else None


def _check_key(stored: StoredLog, reps: int) -> str:
    """A check is of one fitted scenario (the log refitted by another version may differ)
    with a number of replications."""
    digest = hashlib.sha256(stored.scenario_path.read_bytes()).hexdigest()[:16]
    return f"{digest}-{reps}"
