"""The paired comparison table of a run and its download buttons (the headline cards are
``dashboard.components.headlines``).

Each metric's name carries its help marker (the catalogue's help), each paired
difference says what Δ is, and the caption explains ± (the half-width of the 95 %
interval), p90 and Δ."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.components.help import named
from dashboard.i18n import tr
from sim.outputs.formatting import ComparisonRow, comparison_rows
from sim.outputs.names import PLAIN, Names
from sim.outputs.rundir import RunData


def comparison_table(data: RunData, lang: str, names: Names = PLAIN) -> html.Table:
    """Every metric per policy (mean ± half-width of the 95 % interval) with the paired
    difference against the baseline beneath."""
    rows = comparison_rows(data.summary, data.scenario, lang)
    reference = names.policy(data.baseline)
    caption = tr("footer", lang, baseline=reference)
    return rows_table(rows, data.policies, caption, reference, lang, names)


def rows_table(
    rows: list[ComparisonRow],
    policies: list[str],
    caption: str,
    reference: str,
    lang: str,
    names: Names = PLAIN,
) -> html.Table:
    """Comparison rows (``sim.outputs.formatting.ComparisonRow``) as the page's table, under
    ``caption``; ``reference`` names what the differences Δ are against; a column per
    policy, by its display name in ``names``, its explanation as the tooltip."""
    head = [
        html.Tr(
            [
                html.Th(tr("metric", lang)),
                *[html.Th(names.policy(p), title=names.explanation(p)) for p in policies],
            ]
        )
    ]
    delta_help = tr("delta_help", lang, reference=reference)
    body = [
        html.Tr(
            [
                html.Th(named(row.label, row.help), className="sub" if row.sub else ""),
                *[
                    html.Td(
                        [value]
                        if paired is None
                        else [value, html.Div(f"Δ {paired}", className="delta", title=delta_help)]
                    )
                    for value, paired in row.cells
                ],
            ]
        )
        for row in rows
    ]
    explained = html.Caption(named(caption, tr("table_help", lang, reference=reference)))
    return html.Table([explained, html.Tbody(head + body)], className="comparison")


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
