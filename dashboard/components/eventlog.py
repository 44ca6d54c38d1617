"""The event log's parts of the pages: the drop zone and the fit's panel on the scenario
page, and the check of the fit (its verdict table and distributions) on the check page.

The words of the check are the check-fit page's (``sim.outputs.checkfit_report``: its
labels, table cells and Plotly figures), so the command line's page and the dashboard
say the same; the fit's warnings and the reader's messages come through
``dashboard.messages`` in the page's language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.components.help import help_marker
from dashboard.eventlogs import FitReport
from dashboard.i18n import tr
from dashboard.messages import localise_warning
from sim.eventlog.check import CheckResult
from sim.outputs.checkfit_report import (
    distribution_figures,
    table_headers,
    verdict_line,
    verdict_rows,
)
from sim.outputs.formatting import localised
from sim.outputs.names import Names

PLOT_CONFIG = {"displaylogo": False}
THIN_SPACE = "\u202f"  # between thousands, as both languages may write them (50 000)


def log_drop_zone() -> html.Div:
    """The drop zone, its help, the busy note while a log is fitted, its messages and the
    fit's panel (texts filled in the page's language by the page's callbacks)."""
    return html.Div(
        [
            html.Div(
                [
                    dcc.Upload(
                        id=ids.LOG_UPLOAD,
                        className="upload log-upload",
                        children=html.Div(id="t-log-upload"),
                        accept=".csv,.parquet,.pq",
                    ),
                    help_marker("", "t-log-help"),
                ],
                className="log-drop",
            ),
            dcc.Store(id=ids.LOG_DROPPED),
            dcc.Store(id=ids.LOG_JOB),
            dcc.Store(id=ids.LOG_FITTED),
            html.Div(
                [html.Span(className="spinner"), html.Span(id="t-log-fitting")],
                id=ids.LOG_BUSY,
                className="busy",
                hidden=True,
            ),
            html.Div(id=ids.LOG_MESSAGE, className="upload-message"),
            html.Div(id=ids.LOG_PANEL),
        ]
    )


def check_href(log: str, reps: int | None = None) -> str:
    """The check page of a stored log (``reps`` replications, or the page's default)."""
    query = {"log": log} | ({"reps": str(reps)} if reps else {})
    return f"/check?{urlencode(query)}"


def fit_panel(report: FitReport, lang: str) -> html.Div:
    """What the fit gave: the base's origin, a summary, the warnings, the fitted file's
    download and the way to the check."""
    summary = report.summary
    numbers = {
        key: f"{value:,}".replace(",", THIN_SPACE)
        for key, value in (
            ("visits", summary.visits),
            ("days", summary.days),
            ("rows", summary.step_rows),
            ("protocols", summary.protocols),
            ("steps", summary.steps),
            ("resources", summary.resources),
        )
    }
    parts: list[Any] = [
        html.P(tr("log_fitted", lang, file=report.filename), className="log-fitted"),
        html.P(
            tr("log_summary", lang, first=summary.first, last=summary.last, **numbers),
            className="meta log-summary",
        ),
    ]
    if report.warnings:
        parts.append(
            html.Div(
                [
                    html.H4(tr("log_warnings", lang)),
                    html.Ul([html.Li(localise_warning(w, lang)) for w in report.warnings]),
                ],
                className="callout log-warnings",
            )
        )
    parts.append(
        html.Div(
            [
                html.Button(tr("download_fitted", lang), id=ids.LOG_DOWNLOAD, n_clicks=0),
                dcc.Link(
                    tr("check_fit", lang),
                    href=check_href(report.log),
                    id=ids.LOG_CHECK,
                    className="button-link",
                ),
            ],
            className="buttons",
        )
    )
    return html.Div(parts, className="log-panel")


def refused(title: str, lines: list[str]) -> html.Div:
    """A refusal: what could not be done, and each reason."""
    return html.Div([html.P(title), html.Ul([html.Li(x) for x in lines])], className="message")


# ---------------------------------------------------------------- the check


def check_view(result: CheckResult, lang: str, names: Names) -> html.Div:
    """The verdict, the table of figures and the observed against simulated
    distributions."""
    meta = tr("checkfit_meta", lang, days=result.days, visits=result.visits, reps=result.reps)
    tone = "better" if result.agrees else "worse"
    sections: list[Any] = [
        html.P(meta, className="meta"),
        html.P(verdict_line(result, lang, names), className=f"verdict {tone}"),
        html.H3(tr("checkfit_table", lang)),
        verdict_table(result, lang, names),
    ]
    groups = distribution_figures(result, lang, names)
    if groups:
        sections.append(html.P(tr("checkfit_fig_note", lang), className="note"))
    for title, plots in groups:
        sections.append(html.H3(title))
        for label, figure in plots:
            sections += [html.H4(label), dcc.Graph(figure=figure, config=PLOT_CONFIG)]
    return html.Div(sections, className="check")


def verdict_table(result: CheckResult, lang: str, names: Names) -> html.Table:
    """Per figure: observed, simulated mean, interval and whether they agree."""
    head = html.Tr([html.Th(h) for h in table_headers(lang)])
    rows = [
        _verdict_row(cells, bool(agrees), str(figure))
        for cells, agrees, figure in zip(
            verdict_rows(result, lang, names),
            result.figures["agrees"],
            result.figures["figure"],
            strict=True,
        )
    ]
    level = localised(f"{100 * result.confidence:.2f}", lang) + " %"
    caption = html.Caption(tr("checkfit_method", lang, level=level, total=len(result.figures)))
    return html.Table([caption, html.Thead(head), html.Tbody(rows)], className="verdicts")


def _verdict_row(cells: list[str], agrees: bool, figure: str) -> html.Tr:
    label, *values, verdict = cells
    tone = "better" if agrees else "worse"
    return html.Tr(
        [html.Th(label), *[html.Td(v) for v in values], html.Td(verdict, className=tone)],
        **{"data-figure": figure},
    )
