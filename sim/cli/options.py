"""What the command groups share: the experiment options, where tasks run, the
progress bar, ``--out`` and report paths, ``--reps auto``, warnings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim import metrics
from sim import scenario as scenario_module
from sim.cli.argtypes import non_negative_int, positive_int
from sim.cli.interrupted import missing_folders, note_new_folders
from sim.experiments.replications import Precision
from sim.experiments.runner import Execution
from sim.experiments.runner import Progress as RunProgress
from sim.experiments.store import ResultStore
from sim.outputs.i18n import LANGUAGES, t
from sim.outputs.report import REPORT_NAME, check_report_path
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario

DEFAULT_REPS = 30


AUTO_START = 10  # replications --reps auto starts with


def experiment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p",
        "--policy",
        dest="policies",
        action="append",
        default=[],
        metavar="NAME",
        help="policy, e.g. fifo, fifo:walk_in, grasp@end_of_day (repeatable; the first is "
        "the baseline; @MODE: the way of booking, on a scenario with a booking: block)",
    )
    parser.add_argument(
        "--reps",
        type=_reps,
        default=DEFAULT_REPS,
        help=f"replications (default {DEFAULT_REPS}), or auto: until --reps-precision is reached",
    )
    parser.add_argument("--reps-metric", help="metric --reps auto watches (los)")
    parser.add_argument(
        "--reps-precision",
        type=float,
        help="relative half-width of its 95 %% interval to reach (0.05)",
    )
    parser.add_argument("--reps-cap", type=positive_int, help="at most (200)")
    parser.add_argument("--seed", type=non_negative_int, help="override the scenario's seed")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="dotted override, e.g. resources.technician.count=5",
    )
    parser.add_argument(
        "--workers", type=positive_int, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--cluster", metavar="ADDRESS", help="run on a Dask scheduler, e.g. tcp://host:8786"
    )
    parser.add_argument(
        "--store", type=Path, metavar="DIR", help="result store (default: $CLINICSIM_STORE)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="recompute tasks already in the store"
    )
    parser.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="what-if values of a key (repeatable: every combination), against the base",
    )
    parser.add_argument("--grid", type=Path, metavar="FILE", help="YAML file of named variants")
    parser.add_argument("--out", type=Path, help="write the run's files to this directory")
    parser.add_argument("--json", action="store_true", help="print summary.json to stdout")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the table (es|en)")


def _reps(text: str) -> int | str:
    return "auto" if text.strip() == "auto" else positive_int(text)


def scenario_overrides(args: argparse.Namespace) -> list[str]:
    """The ``--set`` overrides, and ``--seed`` as one."""
    seed = getattr(args, "seed", None)
    return [*args.overrides, *([f"seed={seed}"] if seed is not None else [])]


def load_scenario(args: argparse.Namespace) -> Scenario:
    return scenario_module.load(args.scenario, scenario_overrides(args))


def report_path_of(args: argparse.Namespace, run_dir: Path) -> Path | None:
    """Where the HTML report goes, checked before any replication is run: ``--report``,
    or ``compare``'s in the run's directory (``--out``, or the run's folder in the store)."""
    if getattr(args, "report", None) is not None:
        path = args.report
    elif args.with_report and not args.no_report:
        return run_dir / REPORT_NAME  # its folder is checked and created with the run
    else:
        return None
    check_report_path(path)
    return path


def print_warnings(warnings: list[str], shown: int = 10) -> None:
    for text in warnings[:shown]:
        print(f"warning: {text}", file=sys.stderr)
    if len(warnings) > shown:
        print(f"warning: ... and {len(warnings) - shown} more (see run.json)", file=sys.stderr)


def check_out_dir(out: Path | None) -> Path | None:
    if out is None:
        return None
    if out.exists() and not out.is_dir():
        raise ScenarioError(str(out), [Problem("--out", "exists and is not a directory")])
    created = missing_folders(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(
            str(out), [Problem("--out", f"cannot create it: {exc.strerror}")]
        ) from None
    note_new_folders(created)  # removed again if the command is interrupted
    return out


def precision_of(args: argparse.Namespace, scenario: Scenario) -> Precision | None:
    """``--reps auto``'s settings (None for a number of replications); checked before any
    work, and refused where they would be ignored."""
    given = {
        "--reps-metric": args.reps_metric,
        "--reps-precision": args.reps_precision,
        "--reps-cap": args.reps_cap,
    }
    if args.reps != "auto":
        ignored = [
            Problem(option, "only with --reps auto") for option, v in given.items() if v is not None
        ]
        if ignored:
            raise ScenarioError("--reps", ignored)
        return None
    default = Precision()
    precision = Precision(
        args.reps_metric or default.metric,
        default.relative if args.reps_precision is None else args.reps_precision,
        min(AUTO_START, args.reps_cap or default.cap),
        args.reps_cap or default.cap,
    )
    problems = []
    names = metrics.scenario_metric_names(scenario)
    if precision.metric not in names:
        problems.append(Problem("--reps-metric", f"unknown metric; one of: {', '.join(names)}"))
    if not 0 < precision.relative < 1:
        problems.append(Problem("--reps-precision", "expected a fraction, e.g. 0.05"))
    if problems:
        raise ScenarioError("--reps auto", problems)
    return precision


def execution_of(args: argparse.Namespace, progress: RunProgress | None) -> Execution:
    """Where tasks run and where their results are kept, from the command line."""
    try:
        store = ResultStore(args.store)
    except OSError as exc:
        where = str(args.store or "$CLINICSIM_STORE")
        raise ScenarioError(where, [Problem("--store", f"cannot use it: {exc}")]) from None
    return Execution(
        workers=args.workers,
        cluster=args.cluster,
        store=store,
        refresh=args.no_cache,
        progress=progress,
    )


@contextmanager
def progress_bar(args: argparse.Namespace, lang: str) -> Iterator[RunProgress | None]:
    """A bar of tasks done on a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or getattr(args, "json", False):
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("progress", lang), total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
