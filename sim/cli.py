"""The ``clinicsim`` command line: ``run``, ``compare``, ``report``, ``validate``, and the
thesis's ``generate-instance``, ``greedy`` and ``grasp`` (``cli_thesis``).

Bad input (a scenario file, an override, a policy name or parameter, an
output path) prints one line per problem naming the file and dotted path and
exits with status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim import cli_experiments, cli_thesis, cli_unit, metrics
from sim import scenario as scenario_module
from sim.argtypes import non_negative_int, port_number, positive_int
from sim.formatting import comparison_rows, headline
from sim.i18n import LANGUAGES, language, t
from sim.problems import Problem, ScenarioError
from sim.replications import Precision, run_until_precise
from sim.report import (
    REPORT_NAME,
    check_report_path,
    is_sweep,
    load_run,
    load_sweep,
    render_sweep,
    run_data,
    write_report,
)
from sim.resultstore import ResultStore
from sim.runner import (
    Execution,
    RunResult,
    TaskFailures,
    check_policies,
    run_experiment,
    warnings_of,
)
from sim.runner import (
    Progress as RunProgress,
)
from sim.scenario import Scenario
from sim.store import run_info, summary_json, write_run, write_text_atomically
from sim.sweep import resolve, run_sweep, short_name, variants_from
from sim.unit_report import write_unit_report
from sim.unit_scenario import is_unit, load_unit
from sim.unit_store import is_unit_run, load_unit_run

EXIT_BAD_INPUT = 2
EXIT_TASK_FAILED = 1
DEFAULT_SCENARIO = "ophthalmology"
DEFAULT_REPS = 30
AUTO_START = 10  # replications --reps auto starts with
COMPARE_POLICIES = ("fifo", "fifo:appointment", "mip")
# a scenario with a booking process compares the ways of booking, walk-in as baseline
BOOKING_COMPARE_POLICIES = ("fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TaskFailures as exc:
        for failure in exc.failures:
            print(f"error: task failed: {failure.task}: {failure.error}", file=sys.stderr)
        print(
            "error: the other tasks were run and stored; run the command again to retry",
            file=sys.stderr,
        )
        return EXIT_TASK_FAILED
    except KeyboardInterrupt:
        print("interrupted: finished tasks are stored; run again to resume", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinicsim",
        description="Simulate outpatient appointment scheduling and compare policies.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="simulate a scenario under one or more policies")
    run.add_argument("scenario", help="scenario file, or a bundled name (ophthalmology)")
    _experiment_options(run)
    run.add_argument("--report", type=Path, metavar="FILE", help="also write the HTML report")
    run.set_defaults(handler=cmd_run, default_policies=("fifo",), with_report=False)

    compare = commands.add_parser(
        "compare", help="run several policies and show the paired comparison (the headline)"
    )
    compare.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        help=f"scenario file or bundled name (default: {DEFAULT_SCENARIO})",
    )
    _experiment_options(compare)
    compare.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help=f"write the HTML report here (default: {REPORT_NAME} in --out, or here)",
    )
    compare.add_argument("--no-report", action="store_true", help="write no HTML report")
    compare.set_defaults(handler=cmd_run, default_policies=COMPARE_POLICIES, with_report=True)

    report = commands.add_parser("report", help="write the HTML report of a run directory")
    report.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    report.add_argument("--out", type=Path, metavar="FILE", help=f"default: RUN_DIR/{REPORT_NAME}")
    report.add_argument("--lang", choices=LANGUAGES, help="language of the report (es|en)")
    report.set_defaults(handler=cmd_report)

    validate = commands.add_parser("validate", help="check a scenario file and list its problems")
    validate.add_argument("scenario")
    validate.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="dotted override, e.g. demand.requests_per_day=80",
    )
    validate.add_argument("-p", "--policy", dest="policies", action="append", default=[])
    validate.add_argument("--lang", choices=LANGUAGES)
    validate.set_defaults(handler=cmd_validate)
    dashboard = commands.add_parser("dashboard", help="serve the dashboard in the browser")
    dashboard.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    dashboard.add_argument("--port", type=port_number, default=8050, help="default: 8050")
    dashboard.add_argument("--store", type=Path, metavar="DIR", help="result store (see `runs`)")
    dashboard.add_argument(
        "--runs",
        type=Path,
        metavar="DIR",
        help="where the dashboard writes runs (default: STORE/runs)",
    )
    dashboard.add_argument(
        "--workers", type=positive_int, help="processes per run (default: all cores)"
    )
    dashboard.set_defaults(handler=cmd_dashboard)
    cli_experiments.add_commands(commands, _experiment_options)
    cli_thesis.add_commands(commands)
    return parser


def _experiment_options(parser: argparse.ArgumentParser) -> None:
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


def load_scenario(args: argparse.Namespace) -> Scenario:
    overrides = list(args.overrides)
    if getattr(args, "seed", None) is not None:
        overrides.append(f"seed={args.seed}")
    return scenario_module.load(args.scenario, overrides)


def cmd_validate(args: argparse.Namespace) -> int:
    if is_unit(scenario_module.read_yaml(scenario_module.resolve_source(args.scenario))):
        load_unit(args.scenario, args.overrides)
    else:
        check_policies(load_scenario(args), args.policies)
    print(t("valid", language(args.lang), source=args.scenario))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    if is_unit(scenario_module.read_yaml(scenario_module.resolve_source(args.scenario))):
        out, report = _check_out_dir(args.out), _report_path(args, args.out)
        return cli_unit.cmd_unit(args, language(args.lang), out, report)
    if args.sweep or args.grid:
        return cmd_sweep(args)
    lang = language(args.lang)
    scenario = load_scenario(args)
    specs = list(dict.fromkeys(args.policies or default_policies(args, scenario)))
    check_policies(scenario, specs)
    precision = precision_of(args, scenario)
    report_path = _report_path(args, args.out)
    out = _check_out_dir(args.out)
    result = _run_with_progress(
        scenario, specs, args, lang, keep=bool(out or report_path), precision=precision
    )
    command = ["clinicsim", *sys.argv[1:]]
    if out is not None:
        write_run(out, result, command)
        ResultStore(args.store).record_run(out, run_info(result, command))
    if report_path is not None:
        write_report(report_path, run_data(result, run_info(result, command)), lang)
    _print_warnings(warnings_of(result))
    if args.json:
        sys.stdout.write(summary_json(result.summary))
        return 0
    print_summary(result, lang)
    if "reps_auto" in result.info:
        print(_reps_auto_line(result.info["reps_auto"], lang))
    if out is not None:
        print(t("written", lang, path=out))
    if report_path is not None:
        print(t("report_written", lang, path=report_path))
    return 0


def default_policies(args: argparse.Namespace, scenario: Scenario) -> tuple[str, ...]:
    """``compare``'s policies, or the ways of booking for a scenario that books."""
    if scenario.booking is not None and args.default_policies == COMPARE_POLICIES:
        return BOOKING_COMPARE_POLICIES
    return tuple(args.default_policies)


def cmd_sweep(args: argparse.Namespace) -> int:
    lang = language(args.lang)
    if args.reps == "auto":
        raise ScenarioError(
            "--reps", [Problem("auto", "not with --sweep or --grid: give a number")]
        )
    variants = variants_from(args.sweep, args.grid)
    overrides = [*args.overrides, *([f"seed={args.seed}"] if args.seed is not None else [])]
    scenarios = resolve(args.scenario, overrides, variants)
    specs = list(dict.fromkeys(args.policies or args.default_policies))
    report_path = _report_path(args, args.out)
    out = _check_out_dir(args.out)
    with progress_bar(args, lang) as progress:
        execution = execution_of(args, progress)
        result = run_sweep(scenarios, variants, specs, args.reps, execution, out is not None)
    command = ["clinicsim", *sys.argv[1:]]
    if out is not None:
        cli_experiments.write_sweep(out, result, command)
        ResultStore(args.store).record_run(out, cli_experiments.sweep_info(result, command))
    if report_path is not None:
        write_sweep_report(report_path, result.summary, lang)
    for run in result.runs.values():
        _print_warnings(warnings_of(run))
    cli_experiments.emit(result, args, lang)
    if not args.json:
        if out is not None:
            print(t("written", lang, path=out))
        if report_path is not None:
            print(t("report_written", lang, path=report_path))
    return 0


def write_sweep_report(path: Path, sweep: dict[str, Any], lang: str) -> Path:
    labels = {name: short_name(name) for name in sweep["variants"]}
    return write_text_atomically(path, render_sweep(sweep, lang, labels))


def _reps_auto_line(info: dict[str, Any], lang: str) -> str:
    widths = [w for w in info["relative_half_width"].values() if w is not None]
    worst = f"{100 * max(widths):.1f} %" if widths else "–"
    key = "reps_auto_reached" if info["reached"] else "reps_auto_capped"
    return t(
        key,
        lang,
        reps=info["reps"],
        metric=info["metric"],
        worst=worst,
        target=f"{100 * info['target']:.1f} %",
    )


def _report_path(args: argparse.Namespace, out: Path | None) -> Path | None:
    """Where the HTML report goes, checked before any replication is run."""
    if getattr(args, "report", None) is not None:
        path = args.report
    elif args.with_report and not args.no_report:
        path = (out or Path.cwd()) / REPORT_NAME
        if out is not None:
            return path  # its folder is --out, checked and created next
    else:
        return None
    check_report_path(path)
    return path


def cmd_dashboard(args: argparse.Namespace) -> int:
    from dashboard.app import serve
    from dashboard.runs import default_settings

    settings = replace(default_settings(args.store, args.runs), workers=args.workers)
    try:
        settings.runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(
            "--runs", [Problem(str(settings.runs_dir), f"cannot create: {exc}")]
        ) from None
    try:
        serve(args.host, args.port, settings)
    except OSError as exc:  # the port is taken, or the host is not this machine's
        raise ScenarioError("--port", [Problem(f"{args.host}:{args.port}", str(exc))]) from None
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    lang = language(args.lang)
    path = args.out if args.out is not None else args.run_dir / REPORT_NAME
    if args.run_dir.is_dir() and is_sweep(args.run_dir):
        sweep = load_sweep(args.run_dir)
        check_report_path(path)
        write_sweep_report(path, sweep, lang)
        print(t("report_written", lang, path=path))
        return 0
    if args.run_dir.is_dir() and is_unit_run(args.run_dir):
        run = load_unit_run(args.run_dir)
        check_report_path(path)
        write_unit_report(path, run, lang)
        print(t("report_written", lang, path=path))
        return 0
    data = load_run(args.run_dir)
    check_report_path(path)
    write_report(path, data, lang)
    print(t("report_written", lang, path=path))
    return 0


def _print_warnings(warnings: list[str], shown: int = 10) -> None:
    for text in warnings[:shown]:
        print(f"warning: {text}", file=sys.stderr)
    if len(warnings) > shown:
        print(f"warning: ... and {len(warnings) - shown} more (see run.json)", file=sys.stderr)


def _check_out_dir(out: Path | None) -> Path | None:
    if out is None:
        return None
    if out.exists() and not out.is_dir():
        raise ScenarioError(str(out), [Problem("--out", "exists and is not a directory")])
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(
            str(out), [Problem("--out", f"cannot create it: {exc.strerror}")]
        ) from None
    return out


def _run_with_progress(
    scenario: Scenario,
    specs: list[str],
    args: argparse.Namespace,
    lang: str,
    keep: bool,
    precision: Precision | None,
) -> RunResult:
    with progress_bar(args, lang) as progress:
        execution = execution_of(args, progress)
        if precision is not None:
            return run_until_precise(scenario, specs, precision, execution, keep)
        return run_experiment(scenario, specs, args.reps, keep_records=keep, execution=execution)


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


# ---------------------------------------------------------------- terminal table


def print_summary(result: RunResult, lang: str) -> None:
    """The comparison table (a row per metric, a column per policy, the paired difference
    against the baseline under each value), then the mean stay of each policy."""
    summary = result.summary
    console = Console()
    title = t(
        "title", lang, scenario=summary["scenario"], reps=summary["reps"], seed=summary["seed"]
    )
    table = Table(title=title, caption=t("footer", lang, baseline=result.baseline))
    table.add_column(t("metric", lang))
    for spec in result.policies:
        table.add_column(spec, justify="right")
    for row in comparison_rows(summary, result.scenario, lang):
        cells = [
            value if paired is None else f"{value}\n[dim]Δ {paired}[/]"
            for value, paired in row.cells
        ]
        table.add_row(f"  {row.label}" if row.sub else row.label, *cells)
    console.print(table)
    for spec in result.policies:
        console.print(headline(summary, spec, lang))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
