"""The event log on the command line: ``fit``, ``export-log``, ``check-fit``, and the
column options every command that reads a log shares (``--column NAME=COLUMN``,
``--columns FILE``).

``clinicsim fit LOG --out scenario.yaml`` reads a clinic's log and writes the scenario it
shows (``sim.eventlog.fit``), validated, with its ``provenance:`` block; the fit's
warnings (a closing time read from the end of work, overdispersed daily counts, thin
samples) go to standard error. ``--open``/``--close`` give the clinic's hours when they
are known; ``--name`` its name. Without ``--out`` the scenario goes to standard output.

``clinicsim export-log RUN --out LOG`` writes one policy's replication of a run as an
event log, CSV or Parquet by LOG's suffix, in clinicsim's columns: the log a clinic's
records would give, for ``fit`` or a process-mining tool. RUN is a run directory or a
stored run's id (as ``report`` takes it); the run's baseline policy and replication 0
unless ``--policy`` and ``--rep`` say otherwise. Working day 0 is given the first date
on or after ``--start-date`` (by default Monday 2026-01-05) that falls on its weekday,
and day d the d-th date of the horizon's weekdays from there: each simulated day keeps
its weekday.

RUN may also be a log file (``.csv``, ``.parquet``, ``.pq``): it is read and checked
(in any column names ``--column``/``--columns`` map) and written again in clinicsim's
columns, so a clinic's own log can be checked and normalised before it is fitted.

``clinicsim check-fit LOG SCENARIO`` simulates the log's period under the practice the
log shows with the scenario's durations, staff and behaviour (``sim.eventlog.check``),
prints the table of figures (observed, simulated mean, prediction interval, verdict) and
writes the page with the observed against the simulated distributions
(``sim.outputs.checkfit_report``): ``--out``, by default ``LOG-check.html`` beside the
log (``clinic.csv`` → ``clinic-check.html``). Exit 0 when every figure agrees, 1 when
one differs; ``--json`` prints the figures as JSON instead of the table.

Bad input (an unknown policy or replication, an output that is no log file, a log with
problems, a log the scenario cannot take) is exit 2 with every problem named, and
nothing written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.cli.argtypes import clock_time, iso_date, non_negative_int, positive_int
from sim.cli.options import progress_bar
from sim.cli.runs import find_run
from sim.clinic import Clinic
from sim.eventlog.check import DEFAULT_REPS, CheckResult, check_fit
from sim.eventlog.columns import NAMES, check_mapping, read_mapping
from sim.eventlog.export import START_DATE, run_event_log
from sim.eventlog.fit import FitChoices, fit_log
from sim.eventlog.log import EventLog
from sim.eventlog.read import SUFFIXES, read_log
from sim.eventlog.write import write_log
from sim.files import write_text_atomically
from sim.jsontext import finite_json
from sim.models import model_of_run
from sim.models.unit import UNIT
from sim.outputs.checkfit_report import (
    table_headers,
    verdict_line,
    verdict_rows,
    write_check_page,
)
from sim.outputs.i18n import LANGUAGES, language, t
from sim.outputs.names import Names
from sim.outputs.report import check_report_path
from sim.outputs.rundir import RunData, is_staffing, is_sweep, load_run
from sim.problems import Problem, ScenarioError
from sim.scenario import WEEKDAYS, Scenario, from_text, load

EXIT_DIFFERS = 1
PAGE_SUFFIX = "-check.html"


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fit = commands.add_parser("fit", help="fit a scenario to a clinic's event log (CSV or Parquet)")
    fit.add_argument("log", type=Path, metavar="LOG", help="the log: .csv, .parquet or .pq")
    fit.add_argument(
        "--out", type=Path, metavar="SCENARIO", help="the scenario to write (default: print it)"
    )
    fit.add_argument("--name", help="the scenario's name (default: after the log's file)")
    fit.add_argument("--open", type=clock_time, metavar="HH:MM", help="opening time, when known")
    fit.add_argument(
        "--close",
        type=clock_time,
        metavar="HH:MM",
        help="closing time, when known (a log shows when work ended, not when shifts did)",
    )
    add_column_options(fit)
    fit.set_defaults(handler=cmd_fit)

    export = commands.add_parser(
        "export-log",
        help="write a run's event log (CSV or Parquet), as a clinic's own records would be",
    )
    export.add_argument(
        "run",
        type=Path,
        metavar="RUN",
        help="a run directory, a stored run's id (`clinicsim runs`), or a log file to check "
        "and write again in clinicsim's columns",
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="LOG", help="the log: .csv, .parquet or .pq"
    )
    export.add_argument("--policy", help="the policy whose log to write (default: the baseline)")
    export.add_argument(
        "--rep", type=non_negative_int, default=0, help="the replication (default: 0)"
    )
    export.add_argument(
        "--start-date",
        type=iso_date,
        default=START_DATE,
        metavar="YYYY-MM-DD",
        help="working day 0 is the first date on or after it on its weekday "
        f"(default: {START_DATE})",
    )
    export.add_argument("--store", type=Path, metavar="DIR", help="where to look up an id")
    add_column_options(export)
    export.set_defaults(handler=cmd_export_log)
    _add_check_fit(commands)


def _add_check_fit(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = commands.add_parser(
        "check-fit",
        help="simulate a log's period under a scenario and compare it with what happened "
        "(exit 0: every figure agrees, 1: one differs)",
    )
    check.add_argument("log", type=Path, metavar="LOG", help="the clinic's log: .csv or .parquet")
    check.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a bundled name")
    check.add_argument(
        "--reps",
        type=positive_int,
        default=DEFAULT_REPS,
        help=f"replications of the logged period (default: {DEFAULT_REPS})",
    )
    check.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="dotted override of the scenario, e.g. resources.technician.count=3",
    )
    check.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=f"the HTML page (default: beside LOG, named LOG{PAGE_SUFFIX})",
    )
    check.add_argument("--lang", choices=LANGUAGES, help="language of the table and page (es|en)")
    check.add_argument("--json", action="store_true", help="print the figures as JSON")
    add_column_options(check)
    check.set_defaults(handler=cmd_check_fit)


def add_column_options(parser: argparse.ArgumentParser) -> None:
    """``--column NAME=COLUMN`` (repeatable) and ``--columns FILE``: a log's column names."""
    parser.add_argument(
        "--column",
        dest="column_names",
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help=f"the log's column for one of clinicsim's names ({', '.join(NAMES)}), "
        "e.g. --column case=VisitID",
    )
    parser.add_argument(
        "--columns",
        dest="columns_file",
        type=Path,
        metavar="FILE",
        help="a YAML mapping of clinicsim's names to the log's columns, e.g. "
        "{case: VisitID, step: Activity}",
    )


def columns_of(args: argparse.Namespace) -> dict[str, str] | None:
    """The column mapping ``--columns`` and ``--column`` give (the latter wins)."""
    mapping = read_mapping(args.columns_file) if args.columns_file is not None else {}
    for item in args.column_names:
        name, equals, column = item.partition("=")
        if not equals or not name.strip() or not column.strip():
            message = f"expected NAME=COLUMN (e.g. case=VisitID), got {item!r}"
            raise ScenarioError("--column", [Problem(item, message)])
        mapping[name.strip()] = column.strip()
    check_mapping(mapping, "--column")
    return mapping or None


def cmd_fit(args: argparse.Namespace) -> int:
    out = None if args.out is None else _checked_out(args.out, SCENARIO_SUFFIXES)
    log = read_log(args.log, columns_of(args))
    choices = FitChoices(name=args.name, open=args.open, close=args.close)
    fitted = fit_log(log, choices)
    text = fitted.to_yaml()
    from_text(text, str(out or "<the fitted scenario>"))  # what is written reads back
    for warning in fitted.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if out is None:
        sys.stdout.write(text)
        return 0
    write_text_atomically(out, text)
    scenario = fitted.scenario
    steps = sum(len(p.steps) for p in scenario.protocols.values())
    print(
        f"wrote {out}: {len(scenario.protocols)} protocols, {steps} steps, "
        f"{len(scenario.resources)} resources, {len(scenario.demand.classes)} classes, "
        f"from {_counts(log)}"
    )
    return 0


def cmd_export_log(args: argparse.Namespace) -> int:
    out = _checked_out(args.out)
    if args.run.suffix.lower() in SUFFIXES and not args.run.is_dir():
        log = read_log(args.run, columns_of(args))
        described = "read and checked"
    else:
        run_dir = find_run(args.run, args.store)
        run = _clinic_run(run_dir)
        policy, rep = _policy(run, args.policy), _rep(run, args.rep)
        start = first_working_date(run.scenario, args.start_date)
        log = run_event_log(run.tables, run.scenario, policy, rep, source=str(run_dir), start=start)
        described = f"policy {policy}, replication {rep}"
    write_log(log, out)
    print(f"wrote {out}: {_counts(log)} ({described})")
    return 0


def cmd_check_fit(args: argparse.Namespace) -> int:
    lang = language(args.lang)
    log = read_log(args.log, columns_of(args))
    scenario = load(args.scenario, args.overrides)
    page = args.out if args.out is not None else page_beside(args.log)
    check_report_path(page)
    with progress_bar(args, lang) as progress:
        result = check_fit(log, scenario, args.reps, progress)
    names = Names.of(scenario, lang)
    write_check_page(page, result, lang, names)
    if args.json:
        sys.stdout.write(finite_json({**result.to_dict(), "page": str(page)}, "--json"))
    else:
        print_check(Console(), result, lang, names)
        print(t("checkfit_written", lang, path=page))
    return 0 if result.agrees else EXIT_DIFFERS


def page_beside(log: Path) -> Path:
    """``clinic.csv`` → ``clinic-check.html`` in the log's folder."""
    return log.with_name(log.stem + PAGE_SUFFIX)


def print_check(console: Console, result: CheckResult, lang: str, names: Names) -> None:
    """The table of figures, the verdict of each coloured, and the verdict as a whole."""
    title = t("checkfit_title", lang, scenario=result.scenario, log=result.log)
    meta = t("checkfit_meta", lang, days=result.days, visits=result.visits, reps=result.reps)
    table = Table(title=escape(f"{title}\n{meta}"), box=box.SIMPLE_HEAD, show_edge=False)
    rows = verdict_rows(result, lang, names)
    label, *values = table_headers(lang)
    table.add_column(label, ratio=1)  # labels wrap at words; numbers are never cut
    for k, header in enumerate(values):
        width = max(len(header), *(len(cells[k + 1]) for cells in rows))
        table.add_column(header, justify="right", no_wrap=True, min_width=width)
    for cells, agrees in zip(rows, result.figures["agrees"], strict=True):
        *shown, verdict = (escape(c) for c in cells)
        colour = "green" if agrees else "bold red"
        table.add_row(*shown, f"[{colour}]{verdict}[/]")
    console.print(table)
    console.print(escape(verdict_line(result, lang, names)), highlight=False)


def first_working_date(scenario: Scenario, start: date) -> date:
    """The first date on or after ``start`` on the weekday of the run's working day 0,
    so that every simulated day is given a date of its own weekday."""
    weekday = WEEKDAYS.index(Clinic(scenario).weekday_of_day[0])
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _counts(log: EventLog) -> str:
    no_shows = int(log.visits["no_show"].sum())
    dates = f" from {log.dates[0]}" if log.dates else ""
    return (
        f"{len(log.visits)} visits ({no_shows} no-shows), {len(log.steps)} steps, "
        f"{log.days} days{dates}"
    )


SCENARIO_SUFFIXES = (".yaml", ".yml")


def _checked_out(path: Path, suffixes: tuple[str, ...] = tuple(SUFFIXES)) -> Path:
    """The file to write (a log, or a scenario), refused before any work if it cannot be."""
    if path.suffix.lower() not in suffixes:
        got = repr(path.suffix) if path.suffix else "no suffix"
        message = f"expected a file ending {_either(suffixes)}, got {got}"
    elif path.is_dir():
        message = "is a directory, expected a file"
    elif not path.parent.is_dir():
        message = "its folder does not exist"
    else:
        return path
    raise ScenarioError(str(path), [Problem("--out", message)])


def _either(suffixes: tuple[str, ...]) -> str:
    """``(".csv", ".parquet", ".pq")`` → ``.csv, .parquet or .pq``."""
    return ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]


def _clinic_run(run_dir: Path) -> RunData:
    """A clinic run's data; a sweep, a staffing search or a unit's run has no one log."""
    if run_dir.is_dir():
        if is_sweep(run_dir):
            message = "a sweep: give one of its variants, e.g. RUN/variants/base"
        elif is_staffing(run_dir):
            message = "a staffing search has no event log"
        elif model_of_run(run_dir) is UNIT:
            message = "a day-hospital unit's run is planned in blocks: it has no event log"
        else:
            return load_run(run_dir)
        raise ScenarioError(str(run_dir), [Problem("RUN", message)])
    return load_run(run_dir)


def _policy(run: RunData, wanted: str | None) -> str:
    policies = list(run.summary["policies"])
    if wanted is None:
        return str(run.summary["baseline"])
    if wanted not in policies:
        message = f"not a policy of this run; it has {', '.join(policies)}"
        raise ScenarioError("--policy", [Problem(wanted, message)])
    return wanted


def _rep(run: RunData, wanted: int) -> int:
    reps = int(run.summary["reps"])
    if wanted >= reps:
        shown = "replication 0 only" if reps == 1 else f"replications 0 to {reps - 1}"
        message = f"the run has {shown}"
        raise ScenarioError("--rep", [Problem(str(wanted), message)])
    return wanted
