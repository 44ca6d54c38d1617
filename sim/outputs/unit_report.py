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
from sim.outputs.report import check_report_path, comparison_html, page, plot_html, section
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


def write_unit_report(path: Path, run: UnitRun, lang: str) -> Path:
    check_report_path(path)
    return write_text_atomically(path, render_unit(run, lang))


def render_unit(run: UnitRun, lang: str) -> str:
    inst = run.instance
    summary = run.summary
    title = t("unit_title", lang, scenario=summary["scenario"], reps=run.reps, seed=summary["seed"])
    last = run.policies[-1]
    body = [
        f"<header><h1>{html.escape(title)}</h1></header>",
        *_guard_notes(summary, lang),
        *_quiet_note(run, lang),
        section(
            t("report_table", lang),
            comparison_html(
                comparison_rows(run, lang), run.policies, run.baseline, lang, "unit_footer"
            ),
        ),
        section(t("admissions_title", lang), _admissions(inst, run, lang)),
        *[
            section(
                t("calendar_title", lang, policy=spec),
                plot_html(admissions_calendar(inst, run.plans[spec], spec, lang)),
            )
            for spec in run.policies
        ],
        section(
            t("block_view", lang),
            "".join(
                _titled(occupancy_per_block(inst, run.tables["blocks"], spec, run.reps, lang))
                + _titled(studies_per_block(inst, run.tables["blocks"], spec, lang))
                for spec in run.policies
            ),
        ),
        section(
            t("timetables", lang, policy=last),
            "".join(
                f"<h3>{html.escape(timetable_title(day, lang))}</h3>"
                + plot_html(daily_timetable(inst, run.plans[last], day, lang))
                for day in planned_days(inst, run.plans[last])
            ),
        ),
    ]
    return page(f"clinicsim — {summary['scenario']}", lang, "\n".join(body))


def _guard_notes(summary: dict, lang: str) -> list[str]:
    """A note for each policy whose plans the solver's wall-clock guard stopped: those
    plans depend on the machine's speed, not on the work limits."""
    return [
        f'<p class="warning">{html.escape(t("unit_guard_note", lang, policy=spec, n=n))}</p>'
        for spec, stats in summary.get("solver", {}).items()
        if (n := stats["time_guard_plans"])
    ]


def _quiet_note(run: UnitRun, lang: str) -> list[str]:
    """The note that the unit was not congested (``sim.outputs.unit_tables``)."""
    note = quiet_note(run, lang)
    return [] if note is None else [f'<p class="note">{html.escape(note)}</p>']


def _titled(fig: go.Figure) -> str:
    """A figure under its own title as a heading (``plot_html`` drops figure titles)."""
    return f"<h3>{html.escape(fig.layout.title.text or '')}</h3>" + plot_html(fig)


def _admissions(inst: UnitInstance, run: UnitRun, lang: str) -> str:
    head = "".join(f"<th>{html.escape(p)}</th>" for p in run.policies)
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
