"""``clinicsim run/compare`` on a unit scenario (a day or week hospital planned in blocks):
the admissions table per policy and the comparison of the replications; the run is
written to ``--out``, or to a folder of the result store (``sim.cli.runs``).

The admissions table is the document's Fig. 4 for every policy side by side:
each patient of the waiting list with its priority, bed or chair, first
admissible block, and the block each policy admits it in (or "pending").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sim.cli.options import check_out_dir, progress_bar, scenario_overrides
from sim.cli.runs import written_line
from sim.cli.tables import print_comparison
from sim.experiments.store import ResultStore
from sim.experiments.unit_runner import UnitRun
from sim.models.unit import UNIT
from sim.outputs.figures import clock
from sim.outputs.i18n import t
from sim.outputs.rundir import summary_json
from sim.outputs.unit_figures import DAY_NAMES, calendar_cells, planned_days, timetable_rows
from sim.outputs.unit_tables import admission_cell, comparison_rows, quiet_note
from sim.problems import Problem, ScenarioError
from sim.unit.instance import UnitInstance
from sim.unit.plan import UnitPlan


def cmd_unit(args: argparse.Namespace, lang: str, run_dir: Path, report: Path | None) -> int:
    """Run a unit scenario, write its run directory (``--out``'s, or one in the store:
    ``run_dir``) and the report if asked, and print its tables."""
    if args.reps == "auto" or getattr(args, "sweep", None) or getattr(args, "grid", None):
        message = "a unit scenario takes a number of replications, without --sweep or --grid"
        raise ScenarioError("--reps", [Problem("", message)])
    scenario = UNIT.load(args.scenario, scenario_overrides(args))
    specs = list(dict.fromkeys(args.policies or UNIT.run_policies))
    with progress_bar(args, lang) as progress:
        run = UNIT.run(scenario, specs, args.reps, progress=progress)
    check_out_dir(run_dir)  # the run's folder in the store, made now that it has run
    info = UNIT.write(run_dir, run, ["clinicsim", *sys.argv[1:]])
    ResultStore(args.store).record_run(run_dir, info)
    if report is not None:
        UNIT.report(report, run, lang)
    if args.json:
        sys.stdout.write(summary_json(run.summary))
        return 0
    inst = run.instance
    console = Console()
    console.print(admissions_table(inst, run.plans, lang))
    for spec, plan in run.plans.items():
        console.print(calendar_table(inst, plan, t("calendar_title", lang, policy=spec), lang))
    last = run.policies[-1]
    console.print(t("timetables", lang, policy=last))
    for line in timetable_lines(inst, run.plans[last], lang):
        console.print(line, highlight=False)
    print_comparison_of(console, run, lang)
    note = quiet_note(run, lang)
    if note is not None:
        console.print(note, highlight=False)
    print(written_line(run_dir, args.out is not None, args.store, lang))
    if report is not None:
        print(t("report_written", lang, path=report))
    return 0


def calendar_table(inst: UnitInstance, plan: UnitPlan, title: str, lang: str) -> Table:
    """The month as the document's Fig. 5: weeks down, days across, who is admitted."""
    table = Table(title=title, show_lines=True)
    table.add_column("")
    for day in DAY_NAMES[lang]:
        table.add_column(day[:3])
    for week, days in enumerate(calendar_cells(inst, plan), start=1):
        table.add_row(t("calendar_week", lang, week=week), *["\n".join(d) for d in days])
    return table


def timetable_lines(inst: UnitInstance, plan: UnitPlan, lang: str) -> list[str]:
    """One line per day with studies: each patient's studies at their times (Figs. 6–7)."""
    lines = []
    for day in planned_days(inst, plan):
        week, weekday = divmod(day, 7)
        by_patient: dict[str, list[str]] = {}
        for row in timetable_rows(inst, plan, day):
            by_patient.setdefault(row.patient, []).append(f"{clock(row.start)} {row.study}")
        studies = "; ".join(f"{p}: {', '.join(s)}" for p, s in by_patient.items())
        lines.append(f"  {DAY_NAMES[lang][weekday][:3]} {week + 1}: {studies}")
    return lines


def admissions_table(inst: UnitInstance, plans: dict[str, UnitPlan], lang: str) -> Table:
    table = Table(title=t("admissions_title", lang))
    for key in ("patient", "priority_axis", "place_chair", "first_block"):
        table.add_column(t(key, lang).split(" (")[0].capitalize())
    for spec in plans:
        table.add_column(spec)
    for p, patient in enumerate(inst.patients):
        place = (
            t("place_bed", lang, blocks=patient.min_stay)
            if patient.in_bed
            else t("place_chair", lang)
        )
        admissions = [admission_cell(plan, p, lang) for plan in plans.values()]
        table.add_row(
            patient.name, str(patient.priority), place, f"B{patient.first_block + 1}", *admissions
        )
    return table


def print_comparison_of(console: Console, run: UnitRun, lang: str) -> None:
    summary = run.summary
    title = t("unit_title", lang, scenario=summary["scenario"], reps=run.reps, seed=summary["seed"])
    caption = t("unit_footer", lang, baseline=summary["baseline"])
    print_comparison(console, title, caption, run.policies, comparison_rows(run, lang), lang)
