"""The page of ``clinicsim check-fit``: a scenario against a clinic's log.

``render_check(result, lang, names)`` returns one self-contained HTML page (plotly.js
inlined, like the run report, ``sim.outputs.report.page``): the verdict, the table of
figures (observed, simulated mean, prediction interval, verdict), and, for the stay, the
wait before each step and the utilisation of each resource, the observed distribution
against the simulated one: histograms side by side and a Q–Q plot. Figures carry
aggregated data (bin shares, 99 percentiles), never one point per visit, so the page
stays small however long the log. ``verdict_rows`` gives the table's cells, which the
command line prints too; ``distribution_figures`` the plots by group, which the
dashboard's check-fit page draws too.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.eventlog.check import CheckResult
from sim.files import write_text_atomically
from sim.outputs.formatting import localised
from sim.outputs.i18n import t
from sim.outputs.names import PLAIN, Names
from sim.outputs.report import page, plot_html, section

CHECK_PAGE_NAME = "check.html"
PERCENTILES = np.arange(1, 100)
BINS = 30
LOG_COLOUR, SIMULATION_COLOUR = "#d62728", "#1f77b4"
PERCENT_KINDS = ("utilisation", "no_show")
STYLE = """
.verdict { font-size: 1.2rem; font-weight: 600; margin: 1rem 0; }
.better { color: #1a7f37; }
.worse { color: #cf222e; }
td.better, td.worse { font-weight: 600; }
"""


def figure_label(name: str, lang: str, names: Names = PLAIN) -> str:
    """``wait.consult`` → ``Wait before Consultation (min)``."""
    kind, _, subject = name.partition(".")
    if kind == "wait":
        return t("checkfit_wait", lang, step=names.step(subject))
    if kind == "utilisation":
        return t("checkfit_utilisation", lang, resource=names.resource(subject))
    return t(f"checkfit_{kind}", lang)


def format_value(name: str, value: float, lang: str) -> str:
    """A figure's value as people read it: a share in %, the rest with one decimal."""
    if value is None or np.isnan(value):
        return "–"
    if name.partition(".")[0] in PERCENT_KINDS:
        return localised(f"{100 * value:.1f}", lang) + " %"
    return localised(f"{value:.1f}", lang)


def verdict_rows(result: CheckResult, lang: str, names: Names = PLAIN) -> list[list[str]]:
    """Per figure: its label, observed value, simulated mean, interval and verdict."""
    rows = []
    for row in result.figures.itertuples(index=False):
        low, high = (format_value(row.figure, end, lang) for end in (row.low, row.high))
        interval = f"{low} – {high}"
        rows.append(
            [
                figure_label(row.figure, lang, names),
                format_value(row.figure, row.observed, lang),
                format_value(row.figure, row.simulated, lang),
                interval,
                t("checkfit_agrees" if row.agrees else "checkfit_differs", lang),
            ]
        )
    return rows


def verdict_line(result: CheckResult, lang: str, names: Names = PLAIN) -> str:
    """One sentence: the scenario agrees on every figure, or on which it differs."""
    total = len(result.figures)
    if result.agrees:
        return t("checkfit_agrees_all", lang, total=total)
    differing = ", ".join(figure_label(n, lang, names) for n in result.differing)
    return t(
        "checkfit_differs_some", lang, count=len(result.differing), total=total, figures=differing
    )


def table_headers(lang: str) -> list[str]:
    keys = ("figure", "observed", "simulated", "interval", "verdict")
    return [t(f"checkfit_{key}", lang) for key in keys]


def write_check_page(path: Path, result: CheckResult, lang: str, names: Names = PLAIN) -> Path:
    """Write the page atomically (a previous page stays whole if this fails)."""
    return write_text_atomically(path, render_check(result, lang, names))


def render_check(result: CheckResult, lang: str, names: Names = PLAIN) -> str:
    title = t("checkfit_title", lang, scenario=result.scenario, log=result.log)
    sections = [
        _header(result, title, lang, names),
        section(t("checkfit_table", lang), _table(result, lang, names)),
        *_distributions(result, lang, names),
    ]
    return page(f"clinicsim — {title}", lang, f"<style>{STYLE}</style>\n" + "\n".join(sections))


def _header(result: CheckResult, title: str, lang: str, names: Names) -> str:
    meta = t("checkfit_meta", lang, days=result.days, visits=result.visits, reps=result.reps)
    tone = "better" if result.agrees else "worse"
    return (
        f"<header><h1>{html.escape(title)}</h1><p class='meta'>{html.escape(meta)}</p>"
        f"<p class='verdict {tone}'>{html.escape(verdict_line(result, lang, names))}</p>"
        "</header>"
    )


def _table(result: CheckResult, lang: str, names: Names) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table_headers(lang))
    body = []
    for cells, agrees in zip(
        verdict_rows(result, lang, names), result.figures["agrees"], strict=True
    ):
        tone = "better" if agrees else "worse"
        *values, verdict = (html.escape(c) for c in cells)
        row = f"<th>{values[0]}</th>" + "".join(f"<td>{v}</td>" for v in values[1:])
        body.append(f"<tr>{row}<td class='{tone}'>{verdict}</td></tr>")
    level = localised(f"{100 * result.confidence:.2f}", lang) + " %"
    note = t("checkfit_method", lang, level=level, total=len(result.figures))
    caption = f"<caption>{html.escape(note)}</caption>"
    return f"<table>{caption}<tr>{head}</tr>{''.join(body)}</table>"


def _distributions(result: CheckResult, lang: str, names: Names) -> list[str]:
    """A section for the stay, one for the waits, one for utilisation; a plot each."""
    note = f"<p class='note'>{html.escape(t('checkfit_fig_note', lang))}</p>"
    return [
        section(
            title,
            (note if i == 0 else "")
            + "".join(f"<h3>{html.escape(label)}</h3>{plot_html(fig)}" for label, fig in plots),
        )
        for i, (title, plots) in enumerate(distribution_figures(result, lang, names))
    ]


def distribution_figures(
    result: CheckResult, lang: str, names: Names = PLAIN
) -> list[tuple[str, list[tuple[str, go.Figure]]]]:
    """The observed against simulated distributions of a check, grouped as the page shows
    them: per group (the stay, the waits, utilisation) its title in ``lang`` and, per
    figure with values on both sides, its label and ``distribution_figure``. Groups with
    no figure are left out."""
    groups: dict[str, tuple[str, list[tuple[str, go.Figure]]]] = {
        "stay": (t("checkfit_fig_stay", lang), []),
        "wait": (t("checkfit_fig_wait", lang), []),
        "utilisation": (t("checkfit_fig_utilisation", lang), []),
    }
    for name in result.figures["figure"]:
        kind = name.partition(".")[0]
        if kind not in groups or not len(result.observed[name]) or not len(result.simulated[name]):
            continue
        scale = 100.0 if kind in PERCENT_KINDS else 1.0
        axis = "%" if kind in PERCENT_KINDS else t("checkfit_minutes", lang)
        figure = distribution_figure(
            scale * result.observed[name], scale * result.simulated[name], axis, lang
        )
        groups[kind][1].append((figure_label(name, lang, names), figure))
    return [(title, plots) for title, plots in groups.values() if plots]


def distribution_figure(
    observed: np.ndarray, simulated: np.ndarray, axis: str, lang: str
) -> go.Figure:
    """Histograms of both samples on common bins (each in % of its own values, the
    values' axis titled ``axis``) and the Q–Q plot of their percentiles 1 to 99, with the
    diagonal where they would match."""
    observed, simulated = _finite(observed), _finite(simulated)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.1)
    edges = _bin_edges(np.concatenate([observed, simulated]))
    centres, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    for sample, key, colour in (
        (observed, "checkfit_log", LOG_COLOUR),
        (simulated, "checkfit_simulation", SIMULATION_COLOUR),
    ):
        counts, _ = np.histogram(np.clip(sample, edges[0], edges[-1]), bins=edges)
        fig.add_trace(
            go.Bar(
                x=centres,
                y=100 * counts / len(sample),
                width=width,
                name=t(key, lang),
                marker_color=colour,
                opacity=0.55,
                hovertemplate="%{x:.1f}: %{y:.1f} %<extra>" + t(key, lang) + "</extra>",
            ),
            row=1,
            col=1,
        )
    logged, simulated_q = (np.percentile(s, PERCENTILES) for s in (observed, simulated))
    span = [float(min(logged[0], simulated_q[0])), float(max(logged[-1], simulated_q[-1]))]
    fig.add_trace(
        go.Scatter(x=span, y=span, mode="lines", line={"color": "#8c959f", "dash": "dot"}),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=logged,
            y=simulated_q,
            mode="markers",
            marker={"color": "#1b1f24", "size": 5},
            customdata=PERCENTILES,
            hovertemplate="p%{customdata}: %{x:.1f} / %{y:.1f}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.data[2].showlegend = fig.data[3].showlegend = False
    fig.update_layout(
        barmode="overlay",
        height=340,
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.25},
    )
    fig.update_xaxes(title_text=axis, row=1, col=1)
    fig.update_yaxes(title_text=t("checkfit_share", lang), row=1, col=1)
    fig.update_xaxes(title_text=t("checkfit_quantile_log", lang), row=1, col=2)
    fig.update_yaxes(title_text=t("checkfit_quantile_sim", lang), row=1, col=2)
    return fig


def _finite(sample: np.ndarray) -> np.ndarray:
    sample = np.asarray(sample, dtype=float)
    return sample[np.isfinite(sample)]


def _bin_edges(values: np.ndarray) -> np.ndarray:
    """``BINS`` equal bins from the 0.5 % to the 99.5 % quantile of both samples (values
    beyond count in the end bins); one bin around a sample that does not vary."""
    low, high = np.quantile(values, [0.005, 0.995])
    if high <= low:
        return np.array([low - 0.5, low + 0.5])
    return np.linspace(low, high, BINS + 1)
