"""What-if experiments on the command line: sweeps, ``staff`` and ``runs``.

``run``/``compare`` with ``--sweep`` or ``--grid`` compare variants: a row per
variant and policy, a column per headline metric (mean ± half-width of the
95 % interval), each variant's paired difference from the base under it.
``--json`` prints the sweep's summary; ``--out DIR`` writes ``sweep.json`` and a
run directory per variant under ``DIR/variants/``. ``staff`` searches the fewest
staff meeting a target (``sim.experiments.staffing``); ``runs`` lists the stored runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sim import metrics
from sim import scenario as scenario_module
from sim.cli.options import execution_of, progress_bar, scenario_overrides
from sim.experiments import staffing
from sim.experiments.store import ResultStore
from sim.experiments.sweep import BASE, SweepResult, short_name
from sim.jsontext import finite_json
from sim.outputs.catalogue import sweep_metrics
from sim.outputs.formatting import format_paired, format_summary
from sim.outputs.i18n import language, t
from sim.outputs.rundir import sweep_json
from sim.problems import Problem, ScenarioError

TABLE_WIDTH = 120


def print_sweep(result: SweepResult, lang: str) -> None:
    summary = result.summary
    title = t("sweep_title", lang, variants=len(result.variants), reps=summary["reps"])
    table = Table(title=title, caption=t("sweep_footer", lang))
    names = [short_name(v.name) for v in result.variants]
    specs = list(summary["variants"][BASE]["summary"]["policies"])
    shown = sweep_metrics("terminal")
    table.add_column(t("variant", lang), no_wrap=True, min_width=max(map(len, names)))
    table.add_column(t("policy", lang), no_wrap=True, min_width=max(map(len, specs)))
    for metric in shown:
        table.add_column(metric.label[lang], justify="right")
    for variant in result.variants:
        entry = summary["variants"][variant.name]["summary"]
        for spec in entry["policies"]:
            cells = []
            for metric in shown:
                cell = format_summary(metric, entry["policies"][spec][metric.name])
                if variant.name != BASE:
                    paired = summary["paired_to_base"][variant.name][spec][metric.name]
                    cell += f"\n[dim]Δ {format_paired(metric, paired)}[/]"
                cells.append(cell)
            table.add_row(short_name(variant.name), spec, *cells)
    console = Console()
    Console(width=max(console.width, TABLE_WIDTH)).print(table)


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

    runs = commands.add_parser("runs", help="list the runs kept in the result store")
    runs.add_argument("--store", type=Path, metavar="DIR")
    runs.add_argument("--json", action="store_true")
    runs.set_defaults(handler=cmd_runs)


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
    table = Table(
        title=t(
            "staff_title", lang, resource=result["resource"], target=result["target"], reps=reps
        ),
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


def cmd_runs(args: argparse.Namespace) -> int:
    runs = ResultStore(args.store).runs()
    if args.json:
        sys.stdout.write(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
        return 0
    table = Table(title=f"{ResultStore(args.store).root}")
    for column in ("created", "dir", "scenario", "policies", "reps", "variants"):
        table.add_column(column)
    for run in runs:
        folder = run["dir"] if run["exists"] else f"{run['dir']} (gone)"
        table.add_row(
            run["created"],
            folder,
            run["scenario"],
            run["policies"],
            str(run["reps"]),
            run["variants"],
        )
    Console().print(table)
    return 0
