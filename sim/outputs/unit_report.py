"""The one-page HTML report of a unit run: a note when the unit was not congested, the
comparison over replications, the admissions table per policy, each policy's monthly
calendar of admissions, beds, chairs and studies per block over the replications, and
the daily timetables of the last policy's plan (the document's Figs. 4–7).

Same page as the outpatient report (``sim.outputs.report.page``): self-contained, plotly.js
inlined, in Spanish or English.
"""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go

from sim.experiments.unit_runner import UnitRun
from sim.files import write_text_atomically
from sim.outputs.i18n import t
from sim.outputs.names import Names, labelled_instance
from sim.outputs.report import (
    check_report_path,
    comparison_html,
    page,
    plot_html,
    policy_cell,
    section,
)
from sim.outputs.unit_figures import (
    admissions_calendar,
    daily_timetable,
    occupancy_per_block,
    planned_days,
    studies_per_block,
    timetable_title,
)
from sim.outputs.unit_tables import admission_cell, comparison_rows, quiet_note
from sim.unit.instance import UnitInstance


def write_unit_report(path: Path, run: UnitRun, lang: str, names: Names | None = None) -> Path:
    check_report_path(path)
    return write_text_atomically(path, render_unit(run, lang, names))


def render_unit(run: UnitRun, lang: str, names: Names | None = None) -> str:
    """The unit's page; ``names`` gives the policies' display names and explanations (the
    studies are named by the scenario's labels either way)."""
    names = names or Names()
    inst = labelled_instance(run.instance, run.scenario, lang)
    summary = run.summary
    title = t("unit_title", lang, scenario=summary["scenario"], reps=run.reps, seed=summary["seed"])
    last = run.policies[-1]
    body = [
        f"<header><h1>{html.escape(title)}</h1></header>",
        *_guard_notes(summary, lang, names),
        *_quiet_note(run, lang),
        section(
            t("report_table", lang),
            comparison_html(
                comparison_rows(run, lang),
                run.policies,
                run.baseline,
                lang,
                "unit_footer",
                names,
            ),
        ),
        section(t("admissions_title", lang), _admissions(inst, run, lang, names)),
        *[
            section(
                t("calendar_title", lang, policy=names.policy(spec)),
                plot_html(admissions_calendar(inst, run.plans[spec], spec, lang)),
            )
            for spec in run.policies
        ],
        section(
            t("block_view", lang),
            "".join(
                _titled(
                    occupancy_per_block(inst, run.tables["blocks"], spec, run.reps, lang, names)
                )
                + _titled(studies_per_block(inst, run.tables["blocks"], spec, lang, names))
                for spec in run.policies
            ),
        ),
        section(
            t("timetables", lang, policy=names.policy(last)),
            "".join(
                f"<h3>{html.escape(timetable_title(day, lang))}</h3>"
                + plot_html(daily_timetable(inst, run.plans[last], day, lang))
                for day in planned_days(inst, run.plans[last])
            ),
        ),
    ]
    return page(f"clinicsim — {summary['scenario']}", lang, "\n".join(body))


def _guard_notes(summary: dict, lang: str, names: Names) -> list[str]:
    """A note for each policy whose plans the solver's wall-clock guard stopped: those
    plans depend on the machine's speed, not on the work limits."""
    notes = [
        t("unit_guard_note", lang, policy=names.policy(spec), n=n)
        for spec, stats in summary.get("solver", {}).items()
        if (n := stats["time_guard_plans"])
    ]
    return [f'<p class="warning">{html.escape(note)}</p>' for note in notes]


def _quiet_note(run: UnitRun, lang: str) -> list[str]:
    """The note that the unit was not congested (``sim.outputs.unit_tables``)."""
    note = quiet_note(run, lang)
    return [] if note is None else [f'<p class="note">{html.escape(note)}</p>']


def _titled(fig: go.Figure) -> str:
    """A figure under its own title as a heading (``plot_html`` drops figure titles)."""
    return f"<h3>{html.escape(fig.layout.title.text or '')}</h3>" + plot_html(fig)


def _admissions(inst: UnitInstance, run: UnitRun, lang: str, names: Names) -> str:
    head = "".join(policy_cell(p, names) for p in run.policies)
    rows = [
        f"<tr><th>{html.escape(t('patient', lang))}</th><th>w</th><th>nb</th><th>l</th>{head}</tr>"
    ]
    for p, patient in enumerate(inst.patients):
        cells = "".join(
            f"<td>{html.escape(admission_cell(plan, p, lang))}</td>" for plan in run.plans.values()
        )
        rows.append(
            f"<tr><th>{html.escape(patient.name)}</th><td>{patient.priority}</td>"
            f"<td>{patient.min_stay}</td><td>B{patient.first_block + 1}</td>{cells}</tr>"
        )
    return f"<table>{''.join(rows)}</table>"
