"""The dashboard's figures: pure functions from a stored run to Plotly figures.

Each takes a run's data (``sim.outputs.report.RunData``: summary, tables, scenario)
and the language, and returns a figure; none reads a file or touches the
page, so the tests check their traces without a browser. The drawing itself
is shared with the HTML report (``sim.outputs.figures``); here the figures are picked
for the dashboard's sections and their numbers written the way the language
writes them (a decimal comma in Spanish), policies, steps and resources by the
display names of ``names`` (``sim.outputs.names``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import tr
from sim.bounds import SHARE
from sim.clinic import resource_keys
from sim.experiments.sweep import BASE, short_name
from sim.outputs import figures
from sim.outputs.catalogue import find, sweep_metrics
from sim.outputs.headline import (
    DEFAULT_TARGET_MINUTES,
    SERVICE_LEVEL,
    headline_metrics,
    service_level,
    service_level_values,
)
from sim.outputs.i18n import t
from sim.outputs.names import PLAIN, Names
from sim.outputs.replay import day_records, replay_figure
from sim.outputs.rundir import RunData


def localise(fig: go.Figure, lang: str) -> go.Figure:
    """Decimal and thousands separators of the language (``0,5`` and ``1.000`` in Spanish)."""
    fig.update_layout(separators=",." if lang == "es" else ".,")
    return fig


def stay(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    patients = data.tables["patients"]
    return localise(figures.stay_distributions(patients, data.policies, lang, names), lang)


def waiting(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    patients = data.tables["patients"]
    return localise(figures.waiting_distributions(patients, data.policies, lang, names), lang)


def waiting_steps(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    steps = data.tables["steps"]
    order = data.scenario.step_ids()
    return localise(figures.waiting_by_step(steps, data.policies, order, lang, names), lang)


def access(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    patients = data.tables["patients"]
    priorities = figures.scenario_priorities(data.scenario)
    fig = figures.access_by_priority(patients, data.policies, lang, priorities, names)
    return localise(fig, lang)


def heatmap(data: RunData, policy: str, lang: str, names: Names = PLAIN) -> go.Figure:
    steps, members = data.tables["steps"], data.tables["resources"]
    hours = figures.clinic_hours(data.scenario)
    return localise(figures.utilisation_heatmap(steps, members, policy, lang, hours, names), lang)


def queue(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    resources = resource_keys(data.scenario)
    hours = figures.clinic_hours(data.scenario)
    steps = data.tables["steps"]
    fig = figures.queue_through_day(steps, data.policies, resources, lang, hours, names)
    return localise(fig, lang)


def utilisation(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure:
    resources = resource_keys(data.scenario)
    fig = figures.utilisation_by_resource(data.summary, data.policies, resources, lang, names)
    return localise(fig, lang)


def plan_against_outcome(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure | None:
    """Planned against simulated stay per day, for runs whose plans predict a stay."""
    if "planned_end" not in data.tables["plans"].columns:
        return None
    fig = figures.planned_and_simulated(
        data.tables["patients"], data.tables["plans"], data.policies, lang, names
    )
    return localise(fig, lang)


def booking(data: RunData, lang: str, names: Names = PLAIN) -> go.Figure | None:
    """The booking process per policy, for runs that book (``sim.booking.process``)."""
    if not figures.has_booking(data.summary):
        return None
    return localise(figures.booking_outcomes(data.summary, data.policies, lang, names), lang)


@dataclass(frozen=True)
class DayChoice:
    """The days a Gantt chart may show: replications, and days of each."""

    reps: list[int]
    days: dict[int, list[int]]
    default: tuple[int, int] | None  # (rep, day): the baseline's busiest day of rep 0


def day_choices(data: RunData) -> DayChoice:
    patients = data.tables["patients"]
    served = patients[patients["status"] == "served"]
    days = {
        int(rep): sorted(int(d) for d in group["day"].dropna().unique())
        for rep, group in served.groupby("rep")
    }
    busiest = figures.busiest_day(patients, data.baseline, 0)
    default = None if busiest is None else (0, busiest)
    if default is None and days:
        rep = min(days)
        default = (rep, days[rep][0]) if days[rep] else None
    return DayChoice(sorted(days), days, default)


def gantt(
    data: RunData, policy: str, rep: int, day: int, lang: str, names: Names = PLAIN
) -> go.Figure:
    steps, members = data.tables["steps"], data.tables["resources"]
    order, hours = data.scenario.step_ids(), figures.clinic_hours(data.scenario)
    fig = figures.day_gantt(steps, members, policy, rep, day, order, lang, hours, names)
    return localise(fig, lang)


def replay(
    data: RunData, policy: str, rep: int, day: int, lang: str, names: Names = PLAIN
) -> go.Figure:
    """The animated replay of one simulated day (``sim.outputs.replay``): its lanes and
    steps, and the policy in the title, by their display names."""
    tables = data.tables
    records = day_records(
        tables["patients"], tables["steps"], data.scenario, policy, rep, day, tables["resources"]
    )
    title = t("fig_replay", lang, policy=names.policy(policy), day=day + 1, rep=rep + 1)
    order = data.scenario.step_ids()
    return localise(replay_figure(records, order, title, lang, names.places()), lang)


def sweep_figures(sweep: dict[str, Any], lang: str, names: Names = PLAIN) -> list[go.Figure]:
    """Stay against overtime by variant (the frontier), then each metric against the
    swept values, a line per policy."""
    labels = {name: short_name(name) for name in sweep["variants"]}
    frontier = [figures.stay_overtime_frontier(sweep, labels, lang, names)]
    return [
        localise(fig, lang)
        for fig in [
            *(frontier if figures.has_frontier(sweep) else []),
            *(
                figures.sweep_metric(sweep, m, labels, lang, names=names)
                for m in sweep_metrics("dashboard")
            ),
        ]
    ]


def variant_figures(
    sweep: dict[str, Any],
    order: list[str],
    labels: dict[str, str],
    current: str,
    patients: Mapping[str, pd.DataFrame],
    lang: str,
    names: Names = PLAIN,
) -> list[go.Figure]:
    """Each headline figure of a sweep of one setting against its values (``order``,
    labelled by ``labels``, ``current`` marked), a line per policy (by its display name
    in ``names``) with 95 % intervals:
    stay, waiting, overtime, utilisation, days to appointment where the clinic books
    ahead, and the service level (within the default target stay) where every value's
    patients were kept."""
    base = sweep["variants"][BASE]["summary"]
    shown = []
    for name in headline_metrics(base):
        if name == SERVICE_LEVEL:
            if all(v in patients for v in order):
                shown.append(
                    _service_level_figure(sweep, order, labels, current, patients, lang, names)
                )
            continue
        metric = find(name)
        shown.append(figures.sweep_metric(sweep, metric, labels, lang, order, current, names))
    return [localise(fig, lang) for fig in shown]


def _service_level_figure(
    sweep: dict[str, Any],
    order: list[str],
    labels: dict[str, str],
    current: str,
    patients: Mapping[str, pd.DataFrame],
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    reps = int(sweep["reps"])
    policies = list(sweep["variants"][BASE]["summary"]["policies"])
    series = {
        policy: [
            service_level(service_level_values(patients[v], policy, reps, DEFAULT_TARGET_MINUTES))
            for v in order
        ]
        for policy in policies
    }
    target = f"{DEFAULT_TARGET_MINUTES / 60:g} h"
    title = tr("card_service_level", lang, target=target)
    marked = order.index(current) if current in order else None
    x = [labels[v] for v in order]
    return figures.against_values(series, x, title, 100.0, marked, SHARE, names)


def summary_table(summary: dict[str, Any]) -> pd.DataFrame:
    """The comparison as a flat table (one row per policy and metric), for the CSV download:
    mean, 95 % interval, p50, p90, and the paired difference against the baseline."""
    rows = []
    for policy, metrics in summary["policies"].items():
        for metric, entry in metrics.items():
            paired = summary.get("paired", {}).get(policy, {}).get(metric, {})
            lo, hi = entry.get("ci95", [None, None])
            diff_lo, diff_hi = paired.get("ci95", [None, None])
            rows.append(
                {
                    "policy": policy,
                    "metric": metric,
                    "mean": entry.get("mean"),
                    "ci95_low": lo,
                    "ci95_high": hi,
                    "p50": entry.get("p50"),
                    "p90": entry.get("p90"),
                    "diff_vs_baseline": paired.get("diff"),
                    "diff_ci95_low": diff_lo,
                    "diff_ci95_high": diff_hi,
                    "p_value": paired.get("p_value"),
                }
            )
    return pd.DataFrame(rows)
