"""The ``clinicsim`` command line: ``run``, ``compare``, ``validate``.

Bad input (a scenario file, an override, a policy name or parameter, an
output path) prints one line per problem naming the file and dotted path and
exits with status 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim import scenario as scenario_module
from sim.clinic import resource_keys
from sim.i18n import LANGUAGES, language, t
from sim.problems import Problem, ScenarioError
from sim.runner import RunResult, check_policies, run_experiment, warnings_of
from sim.scenario import Scenario
from sim.store import summary_json, write_run

EXIT_BAD_INPUT = 2
DEFAULT_SCENARIO = "ophthalmology"
DEFAULT_REPS = 30
COMPARE_POLICIES = ("fifo", "fifo:appointment", "mip")
P90_METRICS = ("los", "wait")
TABLE_METRICS = (
    "los",
    "wait",
    "wait_first",
    "access_days",
    "utilisation",
    "overtime",
    "served",
    "unserved",
    "no_show",
    "cancelled",
    "unbooked",
)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
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
    run.set_defaults(handler=cmd_run, default_policies=("fifo",))

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
    compare.set_defaults(handler=cmd_run, default_policies=COMPARE_POLICIES)

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
    return parser


def _experiment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p",
        "--policy",
        dest="policies",
        action="append",
        default=[],
        metavar="NAME",
        help="policy, e.g. fifo, fifo:walk_in (repeatable; the first is the baseline)",
    )
    parser.add_argument(
        "--reps",
        type=_positive_int,
        default=DEFAULT_REPS,
        help=f"replications (default {DEFAULT_REPS})",
    )
    parser.add_argument("--seed", type=_non_negative_int, help="override the scenario's seed")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="dotted override, e.g. resources.technician.count=5",
    )
    parser.add_argument(
        "--workers", type=_positive_int, help="worker processes (default: all cores)"
    )
    parser.add_argument("--out", type=Path, help="write the run's files to this directory")
    parser.add_argument("--json", action="store_true", help="print summary.json to stdout")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the table (es|en)")


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {text}")
    return value


def load_scenario(args: argparse.Namespace) -> Scenario:
    overrides = list(args.overrides)
    if getattr(args, "seed", None) is not None:
        overrides.append(f"seed={args.seed}")
    return scenario_module.load(args.scenario, overrides)


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args)
    check_policies(scenario, args.policies)
    print(t("valid", language(args.lang), source=args.scenario))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    lang = language(args.lang)
    scenario = load_scenario(args)
    specs = list(dict.fromkeys(args.policies or args.default_policies))
    check_policies(scenario, specs)
    out = _check_out_dir(args.out)
    result = _run_with_progress(scenario, specs, args, lang)
    if out is not None:
        write_run(out, result, ["clinicsim", *sys.argv[1:]])
    _print_warnings(warnings_of(result))
    if args.json:
        sys.stdout.write(summary_json(result.summary))
    else:
        print_summary(result, lang)
        if out is not None:
            print(t("written", lang, path=out))
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
    scenario: Scenario, specs: list[str], args: argparse.Namespace, lang: str
) -> RunResult:
    keep = args.out is not None
    if not sys.stderr.isatty() or args.json:
        return run_experiment(scenario, specs, args.reps, args.workers, keep_records=keep)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("progress", lang), total=args.reps)
        return run_experiment(
            scenario,
            specs,
            args.reps,
            args.workers,
            keep_records=keep,
            progress=lambda done, _total: bar.update(task, completed=done),
        )


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
    for metric in _table_metrics(result):
        row = [_metric_label(metric, lang)]
        for spec in result.policies:
            cell = _format_summary(metric, summary["policies"][spec][metric])
            if spec != result.baseline:
                cell += f"\n[dim]Δ {_format_paired(metric, summary['paired'][spec][metric])}[/]"
            row.append(cell)
        table.add_row(*row)
        if metric in P90_METRICS:
            p90 = [_number(metric, summary["policies"][s][metric]["p90"]) for s in result.policies]
            table.add_row("  p90", *p90)
    console.print(table)
    for spec in result.policies:
        console.print(_headline(summary, spec, result.baseline, lang))


def _headline(summary: dict[str, Any], spec: str, baseline: str, lang: str) -> str:
    los = summary["policies"][spec]["los"]
    if los["mean"] is None:
        return t("headline_none", lang, policy=spec)
    lo, hi = los["ci95"]
    key = "headline" if lo is not None else "headline_no_ci"
    line = t(key, lang, policy=spec, value=hours(los["mean"]), lo=hours(lo), hi=hours(hi))
    base = summary["policies"][baseline]["los"]["mean"]
    if spec != baseline and base:
        line += f" ({100 * (los['mean'] - base) / base:+.0f} %)"
    return line


def _table_metrics(result: RunResult) -> list[str]:
    resources = resource_keys(result.scenario)
    return [*TABLE_METRICS[:5], *[f"utilisation.{r}" for r in resources], *TABLE_METRICS[5:]]


def _metric_label(metric: str, lang: str) -> str:
    base, _, resource = metric.partition(".")
    return f"  {resource}" if resource else t(base, lang)


def _number(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric.startswith("utilisation"):
        return f"{100 * value:.0f}%"
    return f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"


def _interval(metric: str, bounds: list[float | None]) -> str:
    """The 95 % interval as ``±half-width`` (t intervals are symmetric)."""
    lo, hi = bounds
    if lo is None or hi is None:
        return ""
    return f" ±{_number(metric, (hi - lo) / 2)}"


def _format_summary(metric: str, s: dict[str, Any]) -> str:
    if s["mean"] is None:
        return "–"
    return f"{_number(metric, s['mean'])}{_interval(metric, s['ci95'])}"


def _format_paired(metric: str, p: dict[str, Any]) -> str:
    if p["diff"] is None:
        return "–"
    return f"{_number(metric, p['diff'])}{_interval(metric, p['ci95'])}"


def hours(minutes: float | None) -> str:
    """215.4 → ``"3 h 35 min"``."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d} min"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
