"""What-if experiments on the command line: sweeps, ``staff`` and ``runs``.

``run``/``compare`` with ``--sweep`` or ``--grid`` compare variants: a table per
policy, a row per headline metric, a column per variant (mean and its 95 %
interval), each variant's paired difference from the base under it.
``--json`` prints the sweep's summary; ``--out DIR`` writes ``sweep.json`` and a
run directory per variant under ``DIR/variants/``. ``staff`` searches the fewest
staff meeting a target (``sim.experiments.staffing``); ``runs`` lists the stored runs
(``sim.cli.runs``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim import metrics
from sim import scenario as scenario_module
from sim.cli.options import execution_of, progress_bar, scenario_overrides
from sim.cli.runs import add_runs_command
from sim.cli.tables import print_comparison
from sim.experiments import staffing
from sim.experiments.sweep import BASE, SweepResult, short_name
from sim.jsontext import finite_json
from sim.outputs.catalogue import Metric, sweep_metrics
from sim.outputs.formatting import ComparisonRow, format_paired, format_summary
from sim.outputs.i18n import language, t
from sim.outputs.rundir import sweep_json
from sim.problems import Problem, ScenarioError


def print_sweep(result: SweepResult, lang: str) -> None:
    """A table per policy: a row per headline metric, a column per variant (the base
    first), each variant's paired difference from the base under its value."""
    summary = result.summary
    names = [v.name for v in result.variants]
    specs = list(summary["variants"][BASE]["summary"]["policies"])
    console = Console()
    for spec in specs:
        title = t("sweep_title", lang, variants=len(names), reps=summary["reps"])
        rows = [
            _sweep_row(summary, names, spec, metric, lang) for metric in sweep_metrics("terminal")
        ]
        labels = [short_name(name) for name in names]
        caption = t("sweep_footer", lang)
        print_comparison(console, f"{title} · {spec}", caption, labels, rows, lang)


def _sweep_row(
    summary: dict[str, Any], names: list[str], spec: str, metric: Metric, lang: str
) -> ComparisonRow:
    cells: list[tuple[str, str | None]] = []
    for name in names:
        value = format_summary(
            metric, summary["variants"][name]["summary"]["policies"][spec][metric.name], lang
        )
        paired = None
        if name != BASE:
            paired = format_paired(metric, summary["paired_to_base"][name][spec][metric.name], lang)
        cells.append((value, paired))
    return ComparisonRow(metric.label[lang], False, cells)


def emit(result: SweepResult, args: argparse.Namespace, lang: str) -> None:
    if args.json:
        sys.stdout.write(sweep_json(result))
    else:
        print_sweep(result, lang)


# ---------------------------------------------------------------- clinicsim staff


def add_commands(commands: argparse._SubParsersAction, experiment_options: Any) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser(
        "staff", help="the fewest staff of a resource that meet a target, with confidence"
    )
    staff.add_argument("scenario")
    staff.add_argument("--resource", required=True, help="resource key, e.g. technician")
    staff.add_argument("--range", required=True, metavar="LOW..HIGH", help="counts to try")
    staff.add_argument(
        "--target", required=True, metavar="METRIC<=VALUE", help='e.g. "wait.p90<=30"'
    )
    staff.add_argument("--weekday", help="staff this weekday only (its roster), e.g. mon")
    staff.add_argument("--confidence", type=float, default=0.95)
    experiment_options(staff)
    staff.set_defaults(handler=cmd_staff, default_policies=("fifo",))

    add_runs_command(commands)


def cmd_staff(args: argparse.Namespace) -> int:
    lang = language(args.lang)
    target = staffing.parse_target(args.target)
    counts = staffing.parse_range(args.range)
    overrides = scenario_overrides(args)
    base = scenario_module.load(args.scenario, overrides)
    _check_staff_arguments(args, base, target)
    policy = (args.policies or list(args.default_policies))[0]
    reps = args.reps
    with progress_bar(args, lang) as progress:
        execution = execution_of(args, progress)
        evidence, answer = staffing.search(
            args.scenario,
            overrides,
            args.resource,
            counts,
            target,
            policy,
            reps,
            execution,
            args.weekday,
            args.confidence,
        )
    result = staffing.as_json(evidence, answer, target, args.resource, policy)
    if args.json:
        sys.stdout.write(finite_json(result, "--json"))
        return 0
    _print_staffing(result, args, reps, lang)
    return 0


def _check_staff_arguments(args: argparse.Namespace, scenario: Any, target: Any) -> None:
    problems = []
    if args.resource not in scenario.resources:
        known = ", ".join(sorted(scenario.resources))
        problems.append(
            Problem("--resource", f"{args.resource!r} is not a resource; one of: {known}")
        )
    names = metrics.scenario_metric_names(scenario)
    if target.metric not in names:
        problems.append(
            Problem("--target", f"unknown metric {target.metric!r}; one of: {', '.join(names)}")
        )
    if args.weekday and args.weekday not in scenario.horizon.weekdays:
        problems.append(
            Problem("--weekday", f"{args.weekday!r} is not a working day of the scenario")
        )
    if args.reps == "auto" or args.reps < 2:
        problems.append(Problem("--reps", "expected a number of replications ≥ 2"))
    if len(args.policies) > 1:
        problems.append(Problem("--policy", "one policy: staffing is searched for one at a time"))
    if not 0.5 <= args.confidence < 1:
        problems.append(Problem("--confidence", "expected a level between 0.5 and 1, e.g. 0.95"))
    if problems:
        raise ScenarioError(args.scenario, problems)


def _print_staffing(result: dict[str, Any], args: argparse.Namespace, reps: int, lang: str) -> None:
    title = t("staff_title", lang, resource=result["resource"], target=result["target"], reps=reps)
    table = Table(
        title=escape(title),  # a resource key is text, not rich markup
        caption=t("staff_footer", lang, confidence=round(100 * args.confidence)),
    )
    for key in ("staff_count", "staff_estimate", "staff_ci", "staff_bound", "staff_meets"):
        table.add_column(t(key, lang), justify="right")
    for c in result["candidates"]:
        lo, hi = c["ci95"]
        interval = "–" if lo is None else f"[{lo:.1f}, {hi:.1f}]"
        table.add_row(
            str(c["count"]),
            "–" if c["estimate"] is None else f"{c['estimate']:.1f}",
            interval,
            "–" if c["bound"] is None else f"{c['bound']:.1f}",
            t("yes", lang) if c["meets"] else t("no", lang),
        )
    Console().print(table)
    if result["answer"] is None:
        print(t("staff_none", lang, resource=result["resource"], range=args.range))
    else:
        print(t("staff_answer", lang, resource=result["resource"], count=result["answer"]))
