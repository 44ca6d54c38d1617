"""The paired comparison table of a run and its download buttons (the headline cards are
``dashboard.components.headlines``)."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.i18n import tr
from sim.outputs.formatting import ComparisonRow, comparison_rows
from sim.outputs.rundir import RunData


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
