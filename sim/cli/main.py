"""The ``clinicsim`` command line: ``run``, ``compare``, ``report``, ``validate``, the
thesis's ``generate-instance``, ``greedy`` and ``grasp`` (``cli_thesis``), and the event
log's ``export-log`` (``cli_eventlog``).

Every run and compare is kept as a run directory, ``--out``'s or, without it, one in
the result store (``sim.cli.runs``), where ``compare`` also writes its report; ``report``
takes a run directory or a stored run's id.

Bad input (a scenario file, an override, a policy name or parameter, an
output path) prints one line per problem naming the file and dotted path and
exits with status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console

from policies.base import policy_words
from sim.cli import eventlog as cli_eventlog
from sim.cli import experiments as cli_experiments
from sim.cli import thesis as cli_thesis
from sim.cli import unit as cli_unit
from sim.cli.argtypes import port_number, positive_int
from sim.cli.interrupted import outputs_removed_if_interrupted
from sim.cli.options import (
    check_out_dir,
    execution_of,
    experiment_options,
    load_scenario,
    precision_of,
    print_warnings,
    progress_bar,
    report_path_of,
    scenario_overrides,
)
from sim.cli.runs import (
    find_run,
    print_summary_only,
    records_fit,
    stored_run_dir,
    written_line,
)
from sim.cli.tables import print_comparison
from sim.experiments.replications import Precision, run_until_precise
from sim.experiments.runner import (
    RunResult,
    TaskFailures,
    check_policies,
    run_experiment,
    warnings_of,
)
from sim.experiments.store import ResultStore
from sim.experiments.sweep import resolve, run_sweep, short_name, variants_from
from sim.files import write_text_atomically
from sim.models import model_of_run, model_of_source
from sim.models.clinic import CLINIC
from sim.models.names import run_names
from sim.models.unit import UNIT
from sim.outputs.formatting import comparison_rows, decomposition_lines, headline
from sim.outputs.i18n import LANGUAGES, language, t
from sim.outputs.names import Names
from sim.outputs.report import REPORT_NAME, check_report_path, render_sweep, write_report
from sim.outputs.rundir import (
    is_staffing,
    is_sweep,
    load_sweep,
    run_data,
    run_info,
    summary_json,
    sweep_info,
    write_run,
    write_sweep,
)
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario
from sim.sources import STDIN_NAME, is_stdin

EXIT_BAD_INPUT = 2
EXIT_TASK_FAILED = 1
DEFAULT_SCENARIO = "ophthalmology"
COMPARE_POLICIES = ("fifo", "fifo:appointment", "fifo:bailey_welch", "mip")
# a scenario with a booking process compares the ways of booking, walk-in as baseline
BOOKING_COMPARE_POLICIES = ("fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with outputs_removed_if_interrupted():
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
    experiment_options(run)
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
    experiment_options(compare)
    compare.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help=f"write the HTML report here (default: {REPORT_NAME} in the run's directory)",
    )
    compare.add_argument("--no-report", action="store_true", help="write no HTML report")
    compare.set_defaults(handler=cmd_run, default_policies=COMPARE_POLICIES, with_report=True)

    report = commands.add_parser("report", help="write the HTML report of a run directory")
    report.add_argument(
        "run",
        type=Path,
        metavar="RUN",
        help="a run directory, or a stored run's id (`clinicsim runs`; 4 characters or more)",
    )
    report.add_argument("--out", type=Path, metavar="FILE", help=f"default: RUN/{REPORT_NAME}")
    report.add_argument("--lang", choices=LANGUAGES, help="language of the report (es|en)")
    report.add_argument("--store", type=Path, metavar="DIR", help="where to look up an id")
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
    cli_experiments.add_commands(commands, experiment_options)
    cli_thesis.add_commands(commands)
    cli_eventlog.add_commands(commands)
    return parser


def cmd_validate(args: argparse.Namespace) -> int:
    model = model_of_source(args.scenario)
    model.check_policies(model.load(args.scenario, scenario_overrides(args)), args.policies)
    source = STDIN_NAME if is_stdin(args.scenario) else args.scenario
    print(t("valid", language(args.lang), source=source))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    model = model_of_source(args.scenario)
    if model.kind == UNIT.kind:
        run_dir = args.out or stored_run_dir(args.store)
        report = report_path_of(args, run_dir)
        check_out_dir(args.out)
        return cli_unit.cmd_unit(args, language(args.lang), run_dir, report)
    if args.sweep or args.grid:
        return cmd_sweep(args)
    lang = language(args.lang)
    scenario = load_scenario(args)
    specs = list(dict.fromkeys(args.policies or default_policies(args, scenario)))
    check_policies(scenario, specs)
    precision = precision_of(args, scenario)
    run_dir = args.out or stored_run_dir(args.store)
    report_path = report_path_of(args, run_dir)
    out = check_out_dir(args.out)
    reps = args.reps if precision is None else precision.cap
    keep = bool(out or report_path) or records_fit([scenario], len(specs), reps)
    result = _run_with_progress(scenario, specs, args, lang, keep=keep, precision=precision)
    command = ["clinicsim", *sys.argv[1:]]
    check_out_dir(run_dir)  # the run's folder in the store, made now that it has run
    write_run(run_dir, result, command)
    ResultStore(args.store).record_run(run_dir, run_info(result, command))
    if not keep:
        print_summary_only(lang)
    if report_path is not None:
        names = run_names(scenario, specs, lang)
        write_report(report_path, run_data(result, run_info(result, command)), lang, names)
    print_warnings(warnings_of(result))
    if args.json:
        sys.stdout.write(summary_json(result.summary))
        return 0
    print_summary(result, lang)
    if "reps_auto" in result.info:
        print(_reps_auto_line(result.info["reps_auto"], lang))
    print(written_line(run_dir, out is not None, args.store, lang))
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
    overrides = scenario_overrides(args)
    scenarios = resolve(args.scenario, overrides, variants)
    specs = list(dict.fromkeys(args.policies or args.default_policies))
    run_dir = args.out or stored_run_dir(args.store)
    report_path = report_path_of(args, run_dir)
    out = check_out_dir(args.out)
    keep = out is not None or records_fit(scenarios.values(), len(specs), args.reps)
    with progress_bar(args, lang) as progress:
        execution = execution_of(args, progress)
        result = run_sweep(scenarios, variants, specs, args.reps, execution, keep)
    command = ["clinicsim", *sys.argv[1:]]
    check_out_dir(run_dir)  # the sweep's folder in the store, made now that it has run
    write_sweep(run_dir, result, command)
    ResultStore(args.store).record_run(run_dir, sweep_info(result, command))
    if not keep:
        print_summary_only(lang)
    if report_path is not None:
        write_sweep_report(report_path, result.summary, lang)
    for run in result.runs.values():
        print_warnings(warnings_of(run))
    cli_experiments.emit(result, args, lang)
    if not args.json:
        print(written_line(run_dir, out is not None, args.store, lang))
        if report_path is not None:
            print(t("report_written", lang, path=report_path))
    return 0


def write_sweep_report(path: Path, sweep: dict[str, Any], lang: str) -> Path:
    labels = {name: short_name(name) for name in sweep["variants"]}
    specs = next(iter(sweep["variants"].values()))["summary"]["policies"]
    names = Names(*policy_words(specs, CLINIC.registry, lang))
    return write_text_atomically(path, render_sweep(sweep, lang, labels, names))


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
    run_dir = find_run(args.run, args.store)
    path = args.out if args.out is not None else run_dir / REPORT_NAME
    if run_dir.is_dir() and is_staffing(run_dir):  # the dashboard's staffing searches
        message = "a staffing search has no report: its answer and evidence are in staffing.json"
        raise ScenarioError(str(run_dir), [Problem("RUN", message)])
    if run_dir.is_dir() and is_sweep(run_dir):
        sweep = load_sweep(run_dir)
        check_report_path(path)
        write_sweep_report(path, sweep, lang)
        print(t("report_written", lang, path=path))
        return 0
    model = model_of_run(run_dir) if run_dir.is_dir() else CLINIC
    run = model.read(run_dir)
    check_report_path(path)
    model.report(path, run, lang)
    print(t("report_written", lang, path=path))
    return 0


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


# ---------------------------------------------------------------- terminal table


def print_summary(result: RunResult, lang: str) -> None:
    """The comparison table (a row per metric, a column per policy, the paired difference
    against the baseline under each value), then the mean stay of each policy."""
    summary = result.summary
    console = Console()
    title = t(
        "title", lang, scenario=summary["scenario"], reps=summary["reps"], seed=summary["seed"]
    )
    rows = comparison_rows(summary, result.scenario, lang)
    caption = t("footer", lang, baseline=result.baseline)
    print_comparison(console, title, caption, result.policies, rows, lang)
    for spec in result.policies:
        console.print(headline(summary, spec, lang))
    steps = decomposition_lines(summary, lang)
    if steps:
        console.print(t("decomposition_title", lang))
        for line in steps:
            console.print(f"  {line}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
