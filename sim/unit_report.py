"""The one-page HTML report of a unit run: the comparison over replications, the
admissions table per policy, each policy's monthly calendar of admissions and the
daily timetables of the last policy's plan (the document's Figs. 4–7).

Same page as the outpatient report (``sim.report.page``): self-contained, plotly.js
inlined, in Spanish or English.
"""

from __future__ import annotations

import html
from pathlib import Path

from policies.dayhospital.instance import UnitInstance
from policies.dayhospital.scenario import instance_of
from sim.cli_unit import block_name, unit_metric_label, unit_paired, unit_value
from sim.i18n import t
from sim.report import check_report_path, page, plot_html, section
from sim.store import write_text_atomically
from sim.unit_engine import UNIT_METRICS
from sim.unit_figures import (
    admissions_calendar,
    daily_timetable,
    planned_days,
    timetable_title,
)
from sim.unit_runner import UnitRun


def write_unit_report(path: Path, run: UnitRun, lang: str) -> Path:
    check_report_path(path)
    return write_text_atomically(path, render_unit(run, lang))


def render_unit(run: UnitRun, lang: str) -> str:
    inst = instance_of(run.scenario)
    summary = run.summary
    title = t("unit_title", lang, scenario=summary["scenario"], reps=run.reps, seed=summary["seed"])
    last = run.policies[-1]
    body = [
        f"<header><h1>{html.escape(title)}</h1></header>",
        section(t("report_table", lang), _comparison(run, lang)),
        section(t("admissions_title", lang), _admissions(inst, run, lang)),
        *[
            section(
                t("calendar_title", lang, policy=spec),
                plot_html(admissions_calendar(inst, run.plans[spec], spec, lang)),
            )
            for spec in run.policies
        ],
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


def _comparison(run: UnitRun, lang: str) -> str:
    summary = run.summary
    head = "".join(f"<th>{html.escape(p)}</th>" for p in run.policies)
    rows = [f"<tr><th>{html.escape(t('metric', lang))}</th>{head}</tr>"]
    for metric in UNIT_METRICS:
        cells = []
        for spec in run.policies:
            cell = html.escape(unit_value(metric, summary["policies"][spec][metric], lang))
            if spec != summary["baseline"]:
                paired = unit_paired(metric, summary["paired"][spec][metric], lang)
                cell += f"<div class='delta'>Δ {html.escape(paired)}</div>"
            cells.append(f"<td>{cell}</td>")
        label = unit_metric_label(metric, lang)
        css = " class='sub'" if label.startswith(" ") else ""
        rows.append(f"<tr><th{css}>{html.escape(label.strip())}</th>{''.join(cells)}</tr>")
    caption = html.escape(t("footer", lang, baseline=summary["baseline"]))
    return f"<table><caption>{caption}</caption>{''.join(rows)}</table>"


def _admissions(inst: UnitInstance, run: UnitRun, lang: str) -> str:
    head = "".join(f"<th>{html.escape(p)}</th>" for p in run.policies)
    rows = [
        f"<tr><th>{html.escape(t('patient', lang))}</th><th>w</th><th>nb</th><th>l</th>{head}</tr>"
    ]
    for p, patient in enumerate(inst.patients):
        cells = "".join(
            "<td>"
            + html.escape(
                t("pending_plan", lang)
                if plan.admission(p) is None
                else block_name(inst, int(plan.admission(p)), lang)
            )
            + "</td>"
            for plan in run.plans.values()
        )
        rows.append(
            f"<tr><th>{html.escape(patient.name)}</th><td>{patient.priority}</td>"
            f"<td>{patient.min_stay}</td><td>B{patient.first_block + 1}</td>{cells}</tr>"
        )
    return f"<table>{''.join(rows)}</table>"
