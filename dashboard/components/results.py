"""The headline cards and the paired comparison table of a run."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.i18n import tr
from sim.formatting import (
    P90_METRICS,
    format_paired,
    format_summary,
    hours,
    metric_label,
    number,
    relative_change,
    table_metrics,
)
from sim.report import RunData


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
    summary, policies = data.summary, data.policies
    present = summary["policies"][data.baseline]
    rows = [html.Tr([html.Th(tr("metric", lang)), *[html.Th(p) for p in policies]])]
    for metric in [m for m in table_metrics(data.scenario) if m in present]:
        cells = []
        for spec in policies:
            cell: list = [format_summary(metric, summary["policies"][spec][metric], lang)]
            if spec != data.baseline:
                paired = format_paired(metric, summary["paired"][spec][metric], lang)
                cell.append(html.Div(f"Δ {paired}", className="delta"))
            cells.append(html.Td(cell))
        label = metric_label(metric, lang)
        sub = "sub" if label.startswith(" ") else ""  # a row under the one above
        rows.append(html.Tr([html.Th(label.strip(), className=sub), *cells]))
        if metric in P90_METRICS:
            p90 = [number(metric, summary["policies"][s][metric]["p90"], lang) for s in policies]
            rows.append(html.Tr([html.Th("p90", className="sub"), *[html.Td(v) for v in p90]]))
    caption = html.Caption(tr("footer", lang, baseline=data.baseline))
    return html.Table([caption, html.Tbody(rows)], className="comparison")
