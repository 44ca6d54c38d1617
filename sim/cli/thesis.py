"""The thesis's problem on the command line: ``generate-instance``, ``greedy``, ``grasp``.

These work on the thesis's own instance files (patients to doctors over a
month of shifts, chapter 6's format), outside the simulation: they reproduce
its experiment. ``--json`` prints the booking's summary (FS, patients booked,
mean waiting days overall and by priority band, each doctor's load, seconds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from policies.grasp.booking import summarise
from policies.grasp.fast import grasp
from policies.grasp.generator import generate_instance
from policies.grasp.instance import DEFAULT_WEEKS
from policies.grasp.reference import greedy
from policies.grasp.textformat import format_instance, read_instance, write_instance
from sim.cli.argtypes import fraction, non_negative_int, positive_int
from sim.jsontext import finite_json
from sim.outputs.i18n import LANGUAGES, language, t
from sim.problems import Problem, ScenarioError

THESIS_ITERATIONS = 6500
THESIS_ALPHA_P = 0.203
THESIS_ALPHA_M = 0.261


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    generate = commands.add_parser(
        "generate-instance", help="write an instance of the thesis's problem (chapter 6 rules)"
    )
    generate.add_argument("--patients", type=positive_int, default=800)
    generate.add_argument("--doctors", type=positive_int, default=15)
    generate.add_argument("--specialties", type=positive_int, default=5)
    generate.add_argument("--min-shifts", type=non_negative_int, default=5)
    generate.add_argument("--max-shifts", type=non_negative_int, default=15)
    generate.add_argument("--diagnosed-share", type=fraction, default=0.5)
    generate.add_argument("--seed", type=non_negative_int, default=0)
    generate.add_argument("--out", type=Path, help="file to write (default: standard output)")
    generate.set_defaults(handler=cmd_generate)

    greedy_parser = commands.add_parser(
        "greedy", help="book an instance first come, first served (the thesis's chapter 4)"
    )
    _solver_options(greedy_parser)
    greedy_parser.set_defaults(handler=cmd_greedy)

    grasp_parser = commands.add_parser(
        "grasp", help="book an instance by need with GRASP (the thesis's chapter 5)"
    )
    _solver_options(grasp_parser)
    grasp_parser.add_argument("--iterations", type=positive_int, default=THESIS_ITERATIONS)
    grasp_parser.add_argument("--alpha-p", type=fraction, default=THESIS_ALPHA_P)
    grasp_parser.add_argument("--alpha-m", type=fraction, default=THESIS_ALPHA_M)
    grasp_parser.add_argument("--seed", type=non_negative_int, default=0)
    grasp_parser.set_defaults(handler=cmd_grasp)


def _solver_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("instance", type=Path, metavar="INSTANCE.txt")
    parser.add_argument("--weeks", type=positive_int, default=DEFAULT_WEEKS, help="weeks booked")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--lang", choices=LANGUAGES)


def cmd_generate(args: argparse.Namespace) -> int:
    try:
        instance = generate_instance(
            args.patients,
            args.doctors,
            args.specialties,
            args.min_shifts,
            args.max_shifts,
            args.seed,
            args.diagnosed_share,
        )
    except ValueError as exc:
        raise ScenarioError("generate-instance", [Problem("arguments", str(exc))]) from None
    if args.out is None:
        sys.stdout.write(format_instance(instance))
        return 0
    if not args.out.parent.is_dir() or args.out.is_dir():
        raise ScenarioError(str(args.out), [Problem("--out", "cannot write a file there")])
    write_instance(args.out, instance)
    return 0


def cmd_greedy(args: argparse.Namespace) -> int:
    instance = read_instance(args.instance)
    booking = greedy(instance, args.weeks)
    _report(summarise(booking, instance, args.weeks), args)
    return 0


def cmd_grasp(args: argparse.Namespace) -> int:
    instance = read_instance(args.instance)
    booking = grasp(instance, args.iterations, args.alpha_p, args.alpha_m, args.seed, args.weeks)
    summary = summarise(booking, instance, args.weeks)
    summary.update(alpha_p=args.alpha_p, alpha_m=args.alpha_m, seed=args.seed)
    _report(summary, args)
    return 0


def _report(summary: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        sys.stdout.write(finite_json(summary, "--json"))
        return
    lang = language(args.lang)
    console = Console()
    console.print(_overview(summary, lang))
    console.print(_doctors(summary, lang))


def _overview(summary: dict[str, Any], lang: str) -> Table:
    table = Table(title=t("thesis_title", lang, algorithm=summary["algorithm"]))
    table.add_column(t("metric", lang))
    table.add_column("", justify="right")
    table.add_row("FS", f"{summary['fs']:,.2f}")
    table.add_row(t("thesis_booked", lang), f"{summary['booked']} / {summary['patients']}")
    table.add_row(t("thesis_mean_days", lang), _days(summary["mean_days"]))
    for band, days in summary["mean_days_by_band"].items():
        table.add_row(t("thesis_band", lang, band=band), _days(days))
    table.add_row(t("thesis_seconds", lang), f"{summary['seconds']:.2f}")
    return table


def _doctors(summary: dict[str, Any], lang: str) -> Table:
    table = Table(title=t("thesis_doctors", lang))
    for key in (
        "thesis_doctor",
        "thesis_specialty",
        "thesis_booked",
        "thesis_shifts",
        "thesis_mean_days",
    ):
        table.add_column(t(key, lang), justify="left" if key == "thesis_doctor" else "right")
    for doctor in summary["doctors"]:
        table.add_row(
            f"{doctor['name']} ({doctor['cmp']})",
            str(doctor["specialty"]),
            str(doctor["patients"]),
            str(doctor["shifts"]),
            _days(doctor["mean_days"]),
        )
    return table


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
