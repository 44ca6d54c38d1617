"""The headline cards and the paired comparison table of a run."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.i18n import tr
from sim.outputs.formatting import ComparisonRow, comparison_rows, hours, relative_change
from sim.outputs.rundir import RunData


def headline_cards(summary: dict[str, Any], lang: str) -> html.Div:
    """Mean stay per policy with its interval, and the paired change against the baseline."""
    baseline = summary["baseline"]
    return html.Div(
        [_card(summary, spec, spec == baseline, lang) for spec in summary["policies"]],
        className="headlines",
    )


def _card(summary: dict[str, Any], spec: str, is_baseline: bool, lang: str) -> html.Div:
    los = summary["policies"][spec]["los"]
    lo, hi = los["ci95"]
    parts = [
        html.Div(f"{tr('headline_stay', lang)} · {spec}", className="label"),
        html.Div(hours(los["mean"]), className="big"),
        html.Div(
            f"{tr('ci95', lang)}: " + ("–" if lo is None else f"[{hours(lo)}, {hours(hi)}]"),
            className="ci",
        ),
    ]
    if not is_baseline:
        change = relative_change(summary, spec)
        parts.append(_change(change, summary["baseline"], lang))
    return html.Div(parts, className="card", **{"data-policy": spec})


def _change(change: dict[str, Any], baseline: str, lang: str) -> html.Div:
    value = change["change"]
    if value is None:
        return html.Div("–", className="change")
    lo, hi = change["ci95"]
    bounds = "" if lo is None else f" [{_percent(lo, lang)}, {_percent(hi, lang)}]"
    return html.Div(
        [
            html.Span(_percent(value, lang), className="big-change"),
            html.Span(f" {tr('change_ci', lang)} vs {baseline}{bounds}", className="ci"),
        ],
        className="change " + ("better" if value < 0 else "worse"),
    )


def _percent(fraction: float, lang: str) -> str:
    return f"{100 * fraction:+.0f} %".replace("-", "−")


def comparison_table(data: RunData, lang: str) -> html.Table:
    """Every metric per policy (mean ± half-width of the 95 % interval) with the paired
    difference against the baseline beneath."""
    rows = comparison_rows(data.summary, data.scenario, lang)
    return rows_table(rows, data.policies, tr("footer", lang, baseline=data.baseline), lang)


def rows_table(
    rows: list[ComparisonRow], policies: list[str], caption: str, lang: str
) -> html.Table:
    """Comparison rows (``sim.outputs.formatting.ComparisonRow``) as the page's table, under
    ``caption``."""
    head = [html.Tr([html.Th(tr("metric", lang)), *[html.Th(p) for p in policies]])]
    body = [
        html.Tr(
            [
                html.Th(row.label, className="sub" if row.sub else ""),
                *[
                    html.Td(
                        [value]
                        if paired is None
                        else [value, html.Div(f"Δ {paired}", className="delta")]
                    )
                    for value, paired in row.cells
                ],
            ]
        )
        for row in rows
    ]
    return html.Table([html.Caption(caption), html.Tbody(head + body)], className="comparison")


def downloads(lang: str, patients: str = "download_patients") -> html.Div:
    """The download buttons of a run: comparison CSV, patients CSV, HTML report."""
    return html.Div(
        [
            html.Span(tr("downloads", lang) + ":"),
            html.Button(tr("download_summary", lang), id=ids.DOWNLOAD_SUMMARY, n_clicks=0),
            html.Button(tr(patients, lang), id=ids.DOWNLOAD_PATIENTS, n_clicks=0),
            html.Button(tr("download_report", lang), id=ids.DOWNLOAD_REPORT, n_clicks=0),
        ],
        className="buttons",
    )
