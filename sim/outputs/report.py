"""The one-page HTML report of a run: the headline, the comparison table and the figures.

``load_run(run_dir)`` reads a run directory (checking every file it needs and
naming the one that is missing or unreadable); ``run_data(result)`` takes a run
still in memory. ``render(data, lang, names)`` returns the page as one self-contained
HTML string: plotly.js is inlined once, so the file opens without a network. Policies,
steps and resources are shown by their display names (``sim.outputs.names``), a
policy's explanation as the tooltip of its name.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.clinic import resource_keys
from sim.files import write_text_atomically
from sim.outputs import figures
from sim.outputs.catalogue import find, sweep_metrics
from sim.outputs.formatting import (
    ComparisonRow,
    comparison_rows,
    format_paired,
    format_summary,
    hours,
    localised,
    relative_change,
    signed_interval,
    signed_percent,
)
from sim.outputs.i18n import t
from sim.outputs.names import Names
from sim.outputs.replay import day_records, replay_figure
from sim.outputs.rundir import TABLES, RunData
from sim.problems import Problem, ScenarioError

REPORT_NAME = "report.html"
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def check_report_path(path: Path) -> None:
    """Refuse, before any work, a report path that cannot be written."""
    if path.is_dir():
        raise ScenarioError(str(path), [Problem("report", "is a directory, expected a file")])
    if not path.parent.is_dir():
        raise ScenarioError(str(path), [Problem("report", "its folder does not exist")])


def render_sweep(
    sweep: dict[str, Any], lang: str, labels: dict[str, str], names: Names | None = None
) -> str:
    """A sweep's page: the table of every variant and policy, and each metric against
    the variants, a line per policy (policies by their display names in ``names``)."""
    names = names or Names()
    base = sweep["variants"]["base"]["summary"]
    shown = sweep_metrics("report")
    title = t("sweep_title", lang, variants=len(sweep["variants"]), reps=sweep["reps"])
    rows = [
        "<tr><th>"
        + html.escape(t("variant", lang))
        + "</th><th>"
        + html.escape(t("policy", lang))
        + "</th>"
        + "".join(f"<th>{_named(m.label[lang], m.help[lang])}</th>" for m in shown)
        + "</tr>"
    ]
    for name, entry in sweep["variants"].items():
        for spec, values in entry["summary"]["policies"].items():
            cells = []
            for metric in shown:
                cell = html.escape(format_summary(metric, values[metric.name], lang))
                if name != "base":
                    paired = sweep["paired_to_base"][name][spec][metric.name]
                    delta = html.escape(format_paired(metric, paired, lang))
                    cell += f"<div class='delta'>Δ {delta}</div>"
                cells.append(f"<td>{cell}</td>")
            rows.append(
                f"<tr><th>{html.escape(labels[name])}</th>{policy_cell(spec, names, 'td')}"
                + "".join(cells)
                + "</tr>"
            )
    explained = t("table_help", lang, reference=t("variant_base", lang))
    caption = _named(t("sweep_footer", lang), explained)
    table = f"<table><caption>{caption}</caption>{''.join(rows)}</table>"
    frontier = ""
    if figures.has_frontier(sweep):
        figure = figures.stay_overtime_frontier(sweep, labels, lang, names)
        frontier = section(t("frontier_title", lang), plot_html(figure))
    plots = frontier + "".join(
        section(m.label[lang], plot_html(figures.sweep_metric(sweep, m, labels, lang, names=names)))
        for m in shown
    )
    header = f"<header><h1>{html.escape(base['scenario'])} — {html.escape(title)}</h1></header>"
    return page(f"clinicsim — {base['scenario']}", lang, header + section(title, table) + plots)


def write_report(path: Path, data: RunData, lang: str, names: Names | None = None) -> Path:
    """Write the report atomically (a previous report stays whole if this fails)."""
    check_report_path(path)
    return write_text_atomically(path, render(data, lang, names))


# ---------------------------------------------------------------- the page


def render(data: RunData, lang: str, names: Names | None = None) -> str:
    """The report's page; ``names`` gives the policies' display names and explanations
    (the scenario's labels name its steps and resources either way)."""
    summary = data.summary
    given = names or Names()
    names = Names.of(data.scenario, lang, given.policies, given.explanations)
    sections = [
        _header(data, lang),
        _headlines(summary, lang, names),
        _decomposition(summary, lang, names),
        section(t("report_table", lang), _comparison_table(data, lang, names)),
        *_figure_sections(data, lang, names),
        _footer(data, lang),
    ]
    return page(f"clinicsim — {summary['scenario']}", lang, "\n".join(sections))


def page(title: str, lang: str, body: str) -> str:
    """One self-contained HTML page: plotly.js inlined, so it opens without a network."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n'
        + body
        + "\n</body>\n</html>\n"
    )


def _header(data: RunData, lang: str) -> str:
    s = data.summary
    line = t("title", lang, scenario=s["scenario"], reps=s["reps"], seed=s["seed"])
    created = html.escape(data.info.get("created", ""))
    command = html.escape(" ".join(data.info.get("command", [])))
    meta = f"{created} · <code>{command}</code>" if command else created
    return f"<header><h1>{html.escape(line)}</h1><p class='meta'>{meta}</p></header>"


def _headlines(summary: dict[str, Any], lang: str, names: Names) -> str:
    baseline = summary["baseline"]
    cards = [
        _headline_card(summary, baseline, spec, lang, names)
        for spec in summary["policies"]
        if spec != baseline
    ]
    if not cards:
        cards = [_single_card(summary, baseline, lang, names)]
    return f"<section class='headlines'>{''.join(cards)}</section>"


def _headline_card(
    summary: dict[str, Any], baseline: str, spec: str, lang: str, names: Names
) -> str:
    base = summary["policies"][baseline]["los"]
    los = summary["policies"][spec]["los"]
    change = relative_change(summary, spec)
    lo, hi = change["ci95"]
    change_text = "–" if change["change"] is None else signed_percent(change["change"], lang)
    separator = "; " if lang == "es" else ", "
    change_ci = (
        "" if lo is None else f"[{signed_percent(lo, lang)}{separator}{signed_percent(hi, lang)}]"
    )
    return (
        "<div class='card'>"
        f"<div class='label'>{html.escape(t('report_mean_stay', lang))}: "
        f"{policy_name(baseline, names)} → {policy_name(spec, names)}</div>"
        f"<div class='big'>{hours(base['mean'])} → {hours(los['mean'])}</div>"
        f"<div class='change {_direction(change['change'])}'>{change_text}</div>"
        f"<div class='ci'>{html.escape(t('report_ci', lang))}: {_ci_hours(base)} → "
        f"{_ci_hours(los)} · {html.escape(t('report_change_ci', lang))} {change_ci}</div>"
        "</div>"
    )


def _decomposition(summary: dict[str, Any], lang: str, names: Names) -> str:
    """Where the gain comes from: a row per step (today's practice → the best simple
    rule → the optimised plan), its paired difference on stay, waiting, overtime and
    cost, so that no step's cost is hidden behind its saving."""
    steps = summary.get("decomposition", [])
    if not steps:
        return ""
    metric_names = list(steps[0]["paired"])
    head = "".join(
        f"<th>Δ {_named(find(m).label[lang], find(m).help[lang])}</th>" for m in metric_names
    )
    rows = [f"<tr><th>{html.escape(t('decomposition_step', lang))}</th>{head}</tr>"]
    for step in steps:
        cells = "".join(
            f"<td>{html.escape(signed_interval(step['paired'][m], lang))}</td>"
            for m in metric_names
        )
        label = f"{policy_name(step['from'], names)} → {policy_name(step['to'], names)}"
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    note = f"<p class='note'>{html.escape(t('decomposition_note', lang))}</p>"
    table = f"<table class='decomposition'>{''.join(rows)}</table>"
    return section(t("decomposition_heading", lang), table + note)


def _direction(change: float | None) -> str:
    """A shorter stay is good news (green), a longer one bad news (red)."""
    return "better" if change is not None and change < 0 else "worse"


def _single_card(summary: dict[str, Any], spec: str, lang: str, names: Names) -> str:
    los = summary["policies"][spec]["los"]
    return (
        "<div class='card'>"
        f"<div class='label'>{html.escape(t('report_mean_stay', lang))}: "
        f"{policy_name(spec, names)}</div>"
        f"<div class='big'>{hours(los['mean'])}</div>"
        f"<div class='ci'>{html.escape(t('report_ci', lang))}: {_ci_hours(los)}</div></div>"
    )


def _ci_hours(entry: dict[str, Any]) -> str:
    lo, hi = entry["ci95"]
    return "–" if lo is None else f"[{hours(lo)}, {hours(hi)}]"


def _comparison_table(data: RunData, lang: str, names: Names) -> str:
    rows = comparison_rows(data.summary, data.scenario, lang)
    return comparison_html(rows, data.policies, data.baseline, lang, names=names)


def comparison_html(
    rows: list[ComparisonRow],
    policies: list[str],
    baseline: str,
    lang: str,
    footer: str = "footer",
    names: Names | None = None,
) -> str:
    """A comparison table as HTML: a row per metric, the paired difference under each value;
    ``footer`` is the phrase of its caption; policies by their names in ``names``."""
    names = names or Names()
    head = "".join(policy_cell(p, names) for p in policies)
    lines = [f"<tr><th>{html.escape(t('metric', lang))}</th>{head}</tr>"]
    for row in rows:
        cells = "".join(
            f"<td>{html.escape(value)}"
            + ("" if paired is None else f"<div class='delta'>Δ {html.escape(paired)}</div>")
            + "</td>"
            for value, paired in row.cells
        )
        css = " class='sub'" if row.sub else ""
        lines.append(f"<tr><th{css}>{_named(row.label, row.help)}</th>{cells}</tr>")
    reference = names.policy(baseline)
    caption = _named(
        t(footer, lang, baseline=reference), t("table_help", lang, reference=reference)
    )
    return f"<table><caption>{caption}</caption>{''.join(lines)}</table>"


def _named(name: str, help_text: str) -> str:
    """A metric's name with its help marker: hovering it shows what the metric measures."""
    if not help_text:
        return html.escape(name)
    marker = f"<span class='help' title='{html.escape(help_text, quote=True)}'>?</span>"
    return f"{html.escape(name)} {marker}"


def policy_name(spec: str, names: Names) -> str:
    """A policy's display name as HTML, its explanation as the tooltip."""
    help_text = names.explanation(spec)
    title = f" title='{html.escape(help_text, quote=True)}'" if help_text else ""
    return f"<span class='policy'{title}>{html.escape(names.policy(spec))}</span>"


def policy_cell(spec: str, names: Names, tag: str = "th") -> str:
    return f"<{tag}>{policy_name(spec, names)}</{tag}>"


def _figure_sections(data: RunData, lang: str, names: Names) -> list[str]:
    tables, policies = data.tables, data.policies
    if not all(name in tables for name in TABLES):
        return [f"<p class='note'>{html.escape(t('report_no_tables', lang))}</p>"]
    steps = data.scenario.step_ids()
    hours = figures.clinic_hours(data.scenario)
    priorities = figures.scenario_priorities(data.scenario)
    sections = [
        section(
            t("fig_stay", lang),
            plot_html(figures.stay_distributions(tables["patients"], policies, lang, names)),
        ),
        *_patients_section(data, "fig_wait", figures.waiting_distributions, {"wait"}, lang, names),
        section(
            t("fig_wait_step", lang),
            plot_html(figures.waiting_by_step(tables["steps"], policies, steps, lang, names)),
        ),
        *_patients_section(
            data,
            "fig_access_priority",
            partial(figures.access_by_priority, priorities=priorities),
            {"priority", "access_days"},
            lang,
            names,
        ),
        section(
            t("fig_queue", lang),
            plot_html(
                figures.queue_through_day(
                    tables["steps"], policies, resource_keys(data.scenario), lang, hours, names
                )
            ),
        ),
        *_booking_section(data, lang, names),
        section(t("report_gantt", lang), _gantts(data, steps, lang, names)),
        section(t("report_replay", lang), _replays(data, steps, lang, names)),
        section(t("fig_plan", lang), _plan_section(data, lang, names)),
        section(
            t("fig_utilisation", lang),
            plot_html(
                figures.utilisation_by_resource(
                    data.summary, policies, resource_keys(data.scenario), lang, names
                )
            )
            + "".join(
                f"<h3>{policy_name(spec, names)}</h3>"
                + plot_html(
                    figures.utilisation_heatmap(
                        tables["steps"], tables["resources"], spec, lang, hours, names
                    )
                )
                for spec in policies
            ),
        ),
    ]
    return sections


def _booking_section(data: RunData, lang: str, names: Names) -> list[str]:
    """The booking process's figure, for a run whose summary has its metrics."""
    if not figures.has_booking(data.summary):
        return []
    return [
        section(
            t("fig_booking", lang),
            plot_html(figures.booking_outcomes(data.summary, data.policies, lang, names)),
        )
    ]


PatientsFigure = Callable[..., go.Figure]  # (patients, policies, lang, names=...)


def _patients_section(
    data: RunData, key: str, draw: PatientsFigure, needs: set[str], lang: str, names: Names
) -> list[str]:
    """The section of a figure of the patients table, or none when the table lacks a
    column it ``needs`` (``TABLE_COLUMNS`` does not require them: older runs still load)."""
    patients = data.tables["patients"]
    if not needs <= set(patients.columns):
        return []
    return [section(t(key, lang), plot_html(draw(patients, data.policies, lang, names=names)))]


def _gantts(data: RunData, steps: list[str], lang: str, names: Names) -> str:
    tables = data.tables
    day = figures.busiest_day(tables["patients"], data.baseline)
    if day is None:
        none = t("headline_none", lang, policy=names.policy(data.baseline))
        return f"<p class='note'>{html.escape(none)}</p>"
    intro = f"<p class='note'>{html.escape(t('report_gantt_note', lang, day=day + 1))}</p>"
    hours = figures.clinic_hours(data.scenario)
    plots = [
        plot_html(
            figures.day_gantt(
                tables["steps"], tables["resources"], spec, 0, day, steps, lang, hours, names
            )
        )
        for spec in data.policies
    ]
    return intro + "".join(plots)


def _replays(data: RunData, steps: list[str], lang: str, names: Names) -> str:
    """The Gantt charts' day replayed, one animation per policy (paused until Play)."""
    tables = data.tables
    day = figures.busiest_day(tables["patients"], data.baseline)
    if day is None:
        none = t("headline_none", lang, policy=names.policy(data.baseline))
        return f"<p class='note'>{html.escape(none)}</p>"
    intro = f"<p class='note'>{html.escape(t('report_replay_note', lang, day=day + 1))}</p>"
    plots = [
        f"<h3>{policy_name(spec, names)}</h3>"
        + plot_html(
            replay_figure(
                day_records(
                    tables["patients"],
                    tables["steps"],
                    data.scenario,
                    spec,
                    0,
                    day,
                    tables["resources"],
                ),
                steps,
                "",
                lang,
                names.places(),
            )
        )
        for spec in data.policies
    ]
    return intro + "".join(plots)


def _plan_section(data: RunData, lang: str, names: Names) -> str:
    days = figures.planned_vs_simulated_days(data.tables["patients"], data.tables["plans"])
    rows = [
        "<tr>"
        + "".join(
            f"<th>{html.escape(t(key, lang))}</th>"
            for key in (
                "policy",
                "mean_planned_stay",
                "mean_simulated_stay",
                "solver_status",
                "plan_kept",
                "solver_seconds",
                "time_guard_days",
            )
        )
        + "</tr>"
    ]
    for spec in data.policies:
        rows.append(_plan_row(data, spec, days[days["policy"] == spec], lang, names))
    table = f"<table>{''.join(rows)}</table>"
    note = f"<p class='note'>{html.escape(t('report_plan_note', lang))}</p>"
    plot = (
        ""
        if days.empty
        else plot_html(
            figures.planned_and_simulated(
                data.tables["patients"], data.tables["plans"], data.policies, lang, names
            )
        )
    )
    return note + table + plot


def _plan_row(data: RunData, spec: str, days: pd.DataFrame, lang: str, names: Names) -> str:
    if days.empty:
        planned = simulated = "–"
    else:
        weights = days["patients"]
        planned = hours(float((days["planned"] * weights).sum() / weights.sum()))
        simulated = hours(float((days["simulated"] * weights).sum() / weights.sum()))
    solver = data.summary.get("solver", {}).get(spec)
    if solver is None:
        status = kept = seconds = guarded = "–"
    else:
        status = ", ".join(f"{name} × {count}" for name, count in solver["statuses"].items())
        kept = ", ".join(f"{name} × {count}" for name, count in solver["origins"].items())
        seconds = _solver_seconds(data.info, spec, lang)
        guarded = str(solver["time_guard_days"])
    cells = [planned, simulated, status, kept, seconds, guarded]
    return (
        "<tr>"
        + policy_cell(spec, names, "td")
        + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        + "</tr>"
    )


def _solver_seconds(info: dict[str, Any], spec: str, lang: str) -> str:
    """Build + solve seconds over the run (cached days cost nothing), from ``run.json``."""
    plans = info.get("plans", {}).get(spec, [])
    stats = [p["solver"] for p in plans if isinstance(p, dict) and "solver" in p]
    if not stats:
        return "–"
    build = sum(s.get("build_seconds", 0.0) for s in stats)
    solve = sum(s.get("solve_seconds", 0.0) for s in stats)
    return f"{localised(f'{build:.1f}', lang)} + {localised(f'{solve:.1f}', lang)} s"


def _footer(data: RunData, lang: str) -> str:
    versions = data.info.get("versions", {})
    text = ", ".join(f"{k} {v}" for k, v in versions.items())
    method = html.escape(t("report_method", lang))
    return f"<footer><p>{method}</p><p class='meta'>{html.escape(text)}</p></footer>"


def section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{body}</section>"


def plot_html(fig: go.Figure) -> str:
    fig.update_layout(title=None)
    return fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, auto_play=False)


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 1.5rem; color: #1b1f24; }
h1 { font-size: 1.6rem; margin: 0; }
h3 { font-size: 1rem; margin: .8rem 0 0; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
.meta { color: #57606a; font-size: .85rem; }
.headlines { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; }
.card { flex: 1 1 420px; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem; }
.card .label { color: #57606a; font-size: 1rem; }
.card .big { font-size: 2.2rem; font-weight: 700; margin: .3rem 0; }
.card .change { font-size: 2.2rem; font-weight: 700; }
.card .better { color: #1a7f37; }
.card .worse { color: #cf222e; }
.card .ci { color: #57606a; font-size: .9rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #eaeef2; padding: .3rem .7rem; text-align: right; }
th:first-child { text-align: left; }
th.sub { font-weight: normal; padding-left: 1.5rem; color: #57606a; }
caption { caption-side: bottom; color: #57606a; font-size: .8rem; text-align: left; }
.delta { color: #57606a; font-size: .8rem; }
.help { display: inline-block; width: 1.15em; height: 1.15em; line-height: 1.15em;
        margin-left: .2em; border: 1px solid #57606a; border-radius: 50%; color: #57606a;
        font-size: .72em; font-weight: 600; text-align: center; cursor: help; }
.note { color: #57606a; }
code { font-size: .8rem; }
footer { margin-top: 2rem; color: #57606a; font-size: .85rem; }
"""
