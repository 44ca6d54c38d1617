"""Plotly figures of a run, as pure functions from its tables to a ``go.Figure``.

Each function takes the run's tables (``patients``, ``steps``, ``resources``,
``plans``, as written to a run directory) and the language, and draws nothing
else: the HTML report and the dashboard use the same functions, and the tests
check their traces without a browser. Figures carry aggregated data (bin
counts, means), never one point per patient, so a report stays small. Policies,
steps and resources are shown by the display names of ``names``
(``sim.outputs.names``); without it, by their ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.bounds import UNBOUNDED, Bounds, metric_bounds, t_interval
from sim.outputs.catalogue import Metric, figure_metrics, find
from sim.outputs.formatting import number
from sim.outputs.i18n import t
from sim.outputs.names import PLAIN, Names
from sim.scenario import Scenario

STAY_BIN_MINUTES = 15
WAIT_BIN_MINUTES = 10
PALETTE = ("#636e7b", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf")
STEP_PALETTE = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)


def policy_colours(policies: Sequence[str]) -> dict[str, str]:
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(policies)}


def clock(minutes: float) -> str:
    """510 → ``"08:30"`` (minutes after midnight)."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class ClinicHours(NamedTuple):
    """When the clinic opens and closes (minutes after midnight): every time-of-day axis
    spans them, and the Gantt chart marks the closing."""

    open: float
    close: float


def clinic_hours(scenario: Scenario) -> ClinicHours:
    return ClinicHours(scenario.horizon.open, scenario.horizon.close)


def clock_span(times: Iterable[float], hours: ClinicHours | None = None) -> tuple[float, float]:
    """A time-of-day axis's range: from the earlier of opening and the first of ``times``
    to the later of closing and the last, rounded out to the hour (``times`` alone
    without ``hours``; the clinic's hours alone without times)."""
    known = [float(v) for v in times if v is not None and not np.isnan(v)]
    if hours is not None:
        known += [float(hours.open), float(hours.close)]
    if not known:
        return (0.0, 24 * 60.0)
    first, last = 60 * np.floor(min(known) / 60), 60 * np.ceil(max(known) / 60)
    return (float(first), float(max(last, first + 60)))


def hour_ticks(span: tuple[float, float]) -> np.ndarray:
    """Every hour of a ``clock_span``."""
    return np.arange(span[0], span[1] + 1, 60)


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def stay_distributions(
    patients: pd.DataFrame, policies: Sequence[str], lang: str, names: Names = PLAIN
) -> go.Figure:
    """The stay of served patients, one histogram per policy side by side, common bins,
    as a share of the policy's served patients, with the mean marked."""
    return _served_histograms(patients, policies, "los", STAY_BIN_MINUTES, "fig_stay", lang, names)


def waiting_distributions(
    patients: pd.DataFrame, policies: Sequence[str], lang: str, names: Names = PLAIN
) -> go.Figure:
    """The total wait (``wait``: minutes waited before every staffed step) of served
    patients, one histogram per policy side by side, common bins of ``WAIT_BIN_MINUTES``,
    as a share of the policy's served patients, with the mean marked."""
    return _served_histograms(patients, policies, "wait", WAIT_BIN_MINUTES, "fig_wait", lang, names)


def _served_histograms(
    patients: pd.DataFrame,
    policies: Sequence[str],
    column: str,
    bin_minutes: float,
    title_key: str,
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    """``column`` (minutes) of served patients, a panel per policy sharing the bins (from
    zero to the pooled 99.5 % quantile; longer values count in the last bin): each bar the
    share of the policy's served patients, a dashed line at the policy's mean; the x axis
    is titled by the metric's label, the figure by the phrase ``title_key``."""
    served = patients[patients["status"] == "served"]
    edges = _bin_edges(served[column].dropna(), bin_minutes)
    fig = make_subplots(
        rows=1,
        cols=max(1, len(policies)),
        shared_yaxes=True,
        subplot_titles=[names.policy(p) for p in policies],
    )
    colours = policy_colours(policies)
    for col, policy in enumerate(policies, start=1):
        minutes = served.loc[served["policy"] == policy, column].dropna().to_numpy()
        counts, _ = np.histogram(np.clip(minutes, 0, edges[-1]), bins=edges)
        share = 100 * counts / max(1, len(minutes))
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=share,
                width=bin_minutes,
                name=names.policy(policy),
                marker_color=colours[policy],
                customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                hovertemplate="%{customdata[0]:.0f}–%{customdata[1]:.0f} min: %{y:.1f} %"
                "<extra>" + names.policy(policy) + "</extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        if len(minutes):
            _mean_line(fig, names.policy(policy), float(minutes.mean()), col, lang)
        fig.update_xaxes(title_text=find(column).label[lang], row=1, col=col)
    fig.update_yaxes(title_text=t("share_patients", lang), row=1, col=1)
    return _layout(fig, t(title_key, lang))


def _mean_line(fig: go.Figure, policy: str, mean: float, col: int, lang: str) -> None:
    """A dashed line at a policy's mean, labelled with the policy and the value."""
    text = t("mean_line", lang, policy=policy, value=number(find("los"), mean, lang))
    fig.add_vline(
        x=mean,
        line_dash="dash",
        line_color="black",
        annotation_text=text,
        annotation_position="top right",
        annotation_font_size=11,
        annotation_bgcolor="rgba(255,255,255,0.8)",
        row=1,
        col=col,
    )


def _bin_edges(minutes: pd.Series, bin_minutes: float) -> np.ndarray:
    """Edges every ``bin_minutes`` from 0 past the 99.5 % quantile; at least one bin
    (all values zero, as waits can be, would otherwise give a single edge)."""
    top = float(minutes.quantile(0.995)) if len(minutes) else bin_minutes
    edges = np.arange(0, top + bin_minutes, bin_minutes)
    return edges if len(edges) > 1 else np.array([0.0, bin_minutes])


def waiting_by_step(
    steps: pd.DataFrame,
    policies: Sequence[str],
    step_order: Sequence[str],
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    """Mean wait before each staffed step, a bar per policy."""
    staffed = steps[steps["resource"].notna()]
    order = [s for s in step_order if s in set(staffed["step"].astype(str))]
    means = staffed.groupby(["policy", "step"], observed=True)["wait"].mean()
    fig = go.Figure()
    colours = policy_colours(policies)
    for policy in policies:
        values = [float(means.get((policy, step), np.nan)) for step in order]
        fig.add_trace(
            go.Bar(
                x=[names.step(step) for step in order],
                y=values,
                name=names.policy(policy),
                marker_color=colours[policy],
                hovertemplate="%{x}: %{y:.1f} min<extra>" + names.policy(policy) + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("mean_wait_minutes", lang))
    return _layout(fig, t("fig_wait_step", lang))


def access_by_priority(
    patients: pd.DataFrame,
    policies: Sequence[str],
    lang: str,
    priorities: Sequence[int] | None = None,
    names: Names = PLAIN,
) -> go.Figure:
    """Days from request to booked day by priority, a bar per policy and priority: the
    mean over replications of each replication's mean access days of its booked patients
    of that priority, with the 95 % t interval over those replication means (cut at zero,
    ``sim.bounds``) as error bars where at least two replications booked a patient of that
    priority (none otherwise). The axis lists ``priorities`` (the scenario's,
    ``scenario_priorities``; those booked when not given), the lowest and highest named so
    where there are several; a priority nobody of a policy was booked with has no bar."""
    table = access_days_by_priority(patients)
    shown = sorted(set(table["priority"]) if priorities is None else set(priorities))
    table = table[table["priority"].isin(shown)]
    axis = priority_labels(shown, lang)
    fig = go.Figure()
    colours = policy_colours(policies)
    for policy in policies:
        part = table[table["policy"] == policy]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=[axis[int(p)] for p in part["priority"]],
                y=part["mean"].to_numpy(),
                name=names.policy(policy),
                marker_color=colours[policy],
                error_y=_access_bars(part),
                customdata=part["reps"].to_numpy(),
                hovertemplate="%{x}: %{y:.2f} ("
                + t("replications", lang)
                + ": %{customdata})<extra>"
                + names.policy(policy)
                + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(
        title_text=t("priority_axis", lang),
        categoryorder="array",
        categoryarray=[axis[p] for p in shown],
        type="category",
    )
    fig.update_yaxes(title_text=t("mean_access_days", lang), rangemode="tozero")
    return _layout(fig, t("fig_access_priority", lang))


def _access_bars(part: pd.DataFrame) -> dict[str, Any] | None:
    """A policy's error bars by priority; none where no priority has an interval."""
    if not part["low"].notna().any():
        return None
    return interval_bars(
        [
            {"mean": m, "ci95": [None if np.isnan(lo) else lo, None if np.isnan(hi) else hi]}
            for m, lo, hi in zip(part["mean"], part["low"], part["high"], strict=True)
        ],
        bounds=metric_bounds("access_days"),
    )


def scenario_priorities(scenario: Scenario) -> list[int]:
    """The priorities the scenario's patient classes have, in order."""
    return sorted({c.priority for c in scenario.demand.classes.values()})


def priority_labels(priorities: Sequence[int], lang: str) -> dict[int, str]:
    """Each priority's tick: ``Priority 2``; with several, the lowest and the highest say
    so (``Priority 1 (low)``, ``Priority 3 (high)``); words where one priority stands
    alone would mean nothing."""
    ordered = sorted(set(priorities))
    labels = {p: _priority_label(p, lang) for p in ordered}
    if len(ordered) > 1:
        labels[ordered[0]] = t("priority_lowest", lang, label=labels[ordered[0]])
        labels[ordered[-1]] = t("priority_highest", lang, label=labels[ordered[-1]])
    return labels


def access_days_by_priority(patients: pd.DataFrame) -> pd.DataFrame:
    """Booked patients (``access_days`` known) per policy and priority: the mean over
    replications of the replication means, the ends of its 95 % t interval, cut at zero
    (NaN with fewer than two replications), and the replications counted (columns
    ``policy, priority, mean, low, high, reps``), sorted by policy and priority."""
    columns = ["policy", "priority", "mean", "low", "high", "reps"]
    booked = patients[patients["access_days"].notna()]
    per_rep = booked.groupby(["policy", "priority", "rep"], observed=True)["access_days"].mean()
    if per_rep.empty:
        return pd.DataFrame(columns=columns)
    grouped = per_rep.groupby(level=["policy", "priority"], observed=True)
    table = grouped.agg(mean="mean", reps="size", low=_low_end, high=_high_end)
    return table.reset_index()[columns]


def _low_end(sample: pd.Series) -> float:
    return t_interval(sample.to_numpy(dtype=float), metric_bounds("access_days"))[0]


def _high_end(sample: pd.Series) -> float:
    return t_interval(sample.to_numpy(dtype=float), metric_bounds("access_days"))[1]


def _priority_label(priority: int, lang: str) -> str:
    return t("priority_value", lang, priority=int(priority))


def busiest_day(patients: pd.DataFrame, policy: str, rep: int = 0) -> int | None:
    """The day of replication ``rep`` with the most served patients under ``policy``."""
    served = patients[
        (patients["policy"] == policy) & (patients["rep"] == rep) & (patients["status"] == "served")
    ]
    if served.empty:
        return None
    counts = served.groupby("day").size()
    return int(counts.idxmax())


CLOSING_COLOUR = "#d62728"


def day_gantt(
    steps: pd.DataFrame,
    resources: pd.DataFrame,
    policy: str,
    rep: int,
    day: int,
    step_order: Sequence[str],
    lang: str,
    hours: ClinicHours | None = None,
    names: Names = PLAIN,
) -> go.Figure:
    """One simulated day under ``policy``: a row per staff member, a bar per step served,
    coloured by step; hover gives the patient and the clock times. Each member's shift end
    that day (from the resources table, so a roster's day shows its own) is marked on
    their row; with the clinic's ``hours``, the closing time is a line and the work after
    it (overtime) is shaded, each named in the legend."""
    chosen = steps[
        (steps["policy"] == policy)
        & (steps["rep"] == rep)
        & (steps["day"] == day)
        & steps["resource"].notna()
    ]
    roster = resources[
        (resources["policy"] == policy) & (resources["rep"] == rep) & (resources["day"] == day)
    ]
    rows_of = {
        (str(r.resource), int(r.member)): f"{r.member_name} ({names.resource(str(r.resource))})"
        for r in roster.itertuples()
    }
    rows = [rows_of[key] for key in sorted(rows_of)]
    fig = go.Figure()
    colours = {s: STEP_PALETTE[i % len(STEP_PALETTE)] for i, s in enumerate(step_order)}
    for step in [s for s in step_order if s in set(chosen["step"].astype(str))]:
        part = chosen[chosen["step"] == step]
        labels = [
            rows_of.get((str(r), int(m)), f"{names.resource(str(r))} {m}")
            for r, m in zip(part["resource"], part["member"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=labels,
                x=(part["end"] - part["start"]).to_numpy(),
                base=part["start"].to_numpy(),
                name=names.step(step),
                marker_color=colours[step],
                customdata=np.stack(
                    [
                        part["patient"].to_numpy(),
                        [clock(v) for v in part["start"]],
                        [clock(v) for v in part["end"]],
                    ],
                    axis=1,
                ),
                hovertemplate=t("patient", lang)
                + " %{customdata[0]}: %{customdata[1]}–%{customdata[2]}<extra>"
                + names.step(step)
                + "</extra>",
            )
        )
    _shift_ends(fig, roster, rows_of, lang)
    if hours is not None:
        _closing(fig, hours.close, float(chosen["end"].max()) if len(chosen) else None, lang)
    span = clock_span([*chosen["start"], *chosen["end"], *roster["shift_end"]], hours)
    _clock_axis(fig, span)
    fig.update_yaxes(categoryorder="array", categoryarray=rows[::-1], automargin=True)
    fig.update_layout(barmode="overlay", bargap=0.25)
    title = t("fig_gantt", lang, policy=names.policy(policy), day=day + 1, rep=rep + 1)
    return _layout(fig, title, height=max(300, 60 + 28 * len(rows)))


def _shift_ends(
    fig: go.Figure, roster: pd.DataFrame, names: dict[tuple[str, int], str], lang: str
) -> None:
    """A tick on each member's row at the end of their shift that day."""
    if roster.empty:
        return
    ends = roster["shift_end"].to_numpy(dtype=float)
    fig.add_trace(
        go.Scatter(
            x=ends,
            y=[names[(str(r.resource), int(r.member))] for r in roster.itertuples()],
            mode="markers",
            name=t("gantt_shift_end", lang),
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "black"}},
            customdata=[clock(v) for v in ends],
            hovertemplate=t("gantt_shift_end", lang) + " %{customdata}<extra>%{y}</extra>",
        )
    )


def _closing(fig: go.Figure, close: float, last_end: float | None, lang: str) -> None:
    """The closing time as a dashed line, and the work after it shaded as overtime."""
    fig.add_vline(
        x=close,
        line_dash="dash",
        line_color=CLOSING_COLOUR,
        line_width=2,
        name=t("gantt_closing", lang, time=clock(close)),
        showlegend=True,
        annotation_text=t("gantt_closing", lang, time=clock(close)),
        annotation_position="top left",
        annotation_font_color=CLOSING_COLOUR,
    )
    if last_end is None or last_end <= close:
        return
    fig.add_vrect(
        x0=close,
        x1=last_end,
        fillcolor=CLOSING_COLOUR,
        opacity=0.12,
        line_width=0,
        layer="below",
        name=t("gantt_overtime", lang, time=clock(last_end)),
        showlegend=True,
        annotation_text=t("gantt_overtime", lang, time=clock(last_end)),
        annotation_position="bottom right",
        annotation_font_color=CLOSING_COLOUR,
    )


def _clock_axis(fig: go.Figure, span: tuple[float, float]) -> None:
    """Hours of the day as ``HH:MM`` ticks over ``span`` (``clock_span``)."""
    ticks = hour_ticks(span)
    fig.update_xaxes(tickvals=ticks, ticktext=[clock(v) for v in ticks], range=list(span))


def planned_and_simulated(
    patients: pd.DataFrame,
    plans: pd.DataFrame,
    policies: Sequence[str],
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    """Per policy whose plan predicts a stay: each day's mean planned stay (appointment to
    planned end) against its mean simulated stay, one point per replication and day."""
    days = planned_vs_simulated_days(patients, plans)
    fig = go.Figure()
    colours = policy_colours(policies)
    for policy in policies:
        part = days[days["policy"] == policy]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["planned"],
                y=part["simulated"],
                mode="markers",
                name=names.policy(policy),
                marker={"color": colours[policy], "size": 6, "opacity": 0.6},
                customdata=np.stack([part["rep"] + 1, part["day"] + 1], axis=1),
                hovertemplate=t("rep_day", lang)
                + ": %{x:.0f} → %{y:.0f} min<extra>"
                + names.policy(policy)
                + "</extra>",
            )
        )
    if not days.empty:
        low = float(min(days["planned"].min(), days["simulated"].min()))
        top = float(max(days["planned"].max(), days["simulated"].max()))
        fig.add_trace(
            go.Scatter(
                x=[low, top],
                y=[low, top],
                mode="lines",
                name=t("as_planned", lang),
                line={"color": "black", "dash": "dot"},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=t("planned_stay", lang))
    fig.update_yaxes(title_text=t("simulated_stay", lang))
    return _layout(fig, t("fig_plan", lang))


def planned_vs_simulated_days(patients: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Served patients with a planned end: mean planned and simulated stay per policy,
    replication and day (columns ``policy, rep, day, planned, simulated, patients``)."""
    columns = ["policy", "rep", "day", "planned", "simulated", "patients"]
    if "planned_end" not in plans.columns:
        return pd.DataFrame(columns=columns)
    keys = ["policy", "rep", "patient"]
    joined = patients[patients["status"] == "served"][[*keys, "day", "los"]].merge(
        plans[[*keys, "appointment", "planned_end"]], on=keys
    )
    joined = joined[joined["planned_end"].notna()]
    joined["planned"] = joined["planned_end"] - joined["appointment"]
    grouped = joined.groupby(["policy", "rep", "day"], observed=True)
    days = grouped.agg(
        planned=("planned", "mean"), simulated=("los", "mean"), patients=("los", "size")
    )
    return days.reset_index()[columns]


def utilisation_by_resource(
    summary: dict,
    policies: Sequence[str],
    resources: Sequence[str],
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    """Mean utilisation of each resource per policy, with its 95 % interval."""
    fig = go.Figure()
    colours = policy_colours(policies)
    for policy in policies:
        entries = [summary["policies"][policy][f"utilisation.{r}"] for r in resources]
        means = [100 * (e["mean"] or 0.0) for e in entries]
        fig.add_trace(
            go.Bar(
                x=[names.resource(r) for r in resources],
                y=means,
                name=names.policy(policy),
                marker_color=colours[policy],
                error_y=interval_bars(entries, 100, metric_bounds("utilisation")),
                hovertemplate="%{x}: %{y:.0f} %<extra>" + names.policy(policy) + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("utilisation_percent", lang), rangemode="tozero")
    return _layout(fig, t("fig_utilisation", lang))


def has_booking(summary: dict) -> bool:
    """Whether a summary has every metric of the booking figure (a run that books)."""
    present = summary["policies"][summary["baseline"]]
    return all(m.name in present for m in figure_metrics("booking"))


def booking_outcomes(
    summary: dict, policies: Sequence[str], lang: str, names: Names = PLAIN
) -> go.Figure:
    """The booking process per policy: hours to a confirmed slot, slots wasted, the share
    of cancelled slots refilled and moves per patient, each mean with its 95 % interval."""
    panels = figure_metrics("booking")
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[m.label[lang] for m in panels])
    colours = policy_colours(policies)
    for column, metric in enumerate(panels, start=1):
        scale = 100 if metric.percent else 1
        entries = [summary["policies"][p][metric.name] for p in policies]
        means = [scale * (e["mean"] or 0.0) for e in entries]
        fig.add_trace(
            go.Bar(
                x=[names.policy(p) for p in policies],
                y=means,
                marker_color=[colours[p] for p in policies],
                error_y=interval_bars(entries, scale, metric_bounds(metric.name)),
                showlegend=False,
                hovertemplate="%{x}: %{y:.2f}<extra></extra>",
            ),
            row=1,
            col=column,
        )
    return _layout(fig, t("fig_booking", lang), height=420)


def sweep_metric(
    sweep: dict,
    metric: Metric,
    labels: dict[str, str],
    lang: str,
    order: Sequence[str] | None = None,
    current: str | None = None,
    names: Names = PLAIN,
) -> go.Figure:
    """One metric against the sweep's variants (those of ``order``, in its order; all by
    default), a line per policy, with 95 % intervals; ``current`` is marked."""
    variants = list(order or sweep["variants"])
    policies = list(sweep["variants"][variants[0]]["summary"]["policies"])
    series = {
        policy: [sweep["variants"][v]["summary"]["policies"][policy][metric.name] for v in variants]
        for policy in policies
    }
    marked = variants.index(current) if current in variants else None
    scale = 100.0 if metric.percent else 1.0
    x = [labels[v] for v in variants]
    bounds = metric_bounds(metric.name)
    return against_values(series, x, metric.label[lang], scale, marked, bounds, names)


def against_values(
    series: dict[str, Sequence[dict]],
    values: Sequence[str],
    title: str,
    scale: float = 1.0,
    marked: int | None = None,
    bounds: Bounds = UNBOUNDED,
    names: Names = PLAIN,
) -> go.Figure:
    """Summary entries (mean, ci95) against values on a category axis, a line per
    policy (by its display name in ``names``) with the 95 % intervals as error bars cut
    at the figure's ``bounds``; the value at ``marked`` (the clinic as it is) drawn
    larger, as a diamond, on a shaded band."""
    colours = policy_colours(list(series))
    fig = go.Figure()
    for policy, entries in series.items():
        marker: dict[str, Any] = {"color": colours[policy]}
        if marked is not None:
            marker["symbol"] = ["diamond" if i == marked else "circle" for i in range(len(values))]
            marker["size"] = [13 if i == marked else 7 for i in range(len(values))]
        fig.add_trace(
            go.Scatter(
                x=list(values),
                y=[scale * _number(e["mean"]) for e in entries],
                mode="lines+markers",
                name=names.policy(policy),
                marker=marker,
                error_y=interval_bars(entries, scale, bounds),
            )
        )
    if marked is not None:
        fig.add_vrect(
            x0=marked - 0.45, x1=marked + 0.45, fillcolor="#9aa5b1", opacity=0.18, line_width=0
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=title, rangemode="tozero", ticksuffix=" %" if scale == 100 else "")
    return _layout(fig, title, height=340)


def has_frontier(sweep: dict) -> bool:
    """Whether a sweep's summaries have a stay and an overtime (the clinic's do)."""
    base = next(iter(sweep["variants"].values()))["summary"]["policies"]
    return all("los" in m and "overtime" in m for m in base.values())


def stay_overtime_frontier(
    sweep: dict, labels: dict[str, str], lang: str, names: Names = PLAIN
) -> go.Figure:
    """Mean stay against mean overtime, a point per variant and policy with its 95 %
    intervals, a line per policy through the variants in order: swept over
    ``policies.mip.costs.overtime``, the frontier ``mip`` traces, each simple rule a
    point (its plans do not depend on the weights)."""
    variants = list(sweep["variants"])
    policies = list(sweep["variants"][variants[0]]["summary"]["policies"])
    colours = policy_colours(policies)
    fig = go.Figure()
    for policy in policies:
        entries = [sweep["variants"][v]["summary"]["policies"][policy] for v in variants]
        stay, overtime = [e["los"] for e in entries], [e["overtime"] for e in entries]
        fig.add_trace(
            go.Scatter(
                x=[_number(o["mean"]) for o in overtime],
                y=[_number(s["mean"]) for s in stay],
                mode="lines+markers+text",
                text=[labels[v] for v in variants],
                textposition="top center",
                name=names.policy(policy),
                marker_color=colours[policy],
                error_x=interval_bars(overtime, bounds=metric_bounds("overtime")),
                error_y=interval_bars(stay, bounds=metric_bounds("los")),
            )
        )
    fig.update_xaxes(title_text=t("overtime_axis", lang), rangemode="tozero")
    fig.update_yaxes(title_text=t("stay_axis", lang), rangemode="tozero")
    return _layout(fig, t("frontier_title", lang), height=420)


def _number(value: float | None) -> float:
    return np.nan if value is None else float(value)


def interval_bars(
    entries: Sequence[dict], scale: float = 1.0, bounds: Bounds = UNBOUNDED
) -> dict[str, Any]:
    """Plotly error bars of summary entries' 95 % intervals: from the mean down to the
    interval's low end and up to its high end, apart (an interval cut at a bound,
    ``sim.bounds``, is not symmetric); none where an entry has no interval. The ends are
    cut at the figure's ``bounds`` (``sim.bounds.metric_bounds``) here too, so a summary
    stored before intervals were cut draws no impossible value either."""
    below: list[float | None] = []
    above: list[float | None] = []
    low_bound, high_bound = bounds
    for entry in entries:
        mean, (low, high) = entry["mean"], entry["ci95"]
        defined = mean is not None and low is not None and high is not None
        if defined:
            low, high = max(low, low_bound), min(high, high_bound)
        below.append(scale * max(mean - low, 0.0) if defined else None)
        above.append(scale * max(high - mean, 0.0) if defined else None)
    return {"type": "data", "symmetric": False, "array": above, "arrayminus": below}


QUEUE_GRID_MINUTES = 5


def queue_through_day(
    steps: pd.DataFrame,
    policies: Sequence[str],
    resources: Sequence[str],
    lang: str,
    hours: ClinicHours | None = None,
    names: Names = PLAIN,
) -> go.Figure:
    """Patients waiting for each resource through the day (mean over days and
    replications), a panel per resource and a line per policy, from the earlier of
    opening and the first patient ready to the later of closing and the last start."""
    fig = make_subplots(
        rows=max(1, len(resources)),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[names.resource(r) for r in resources],
    )
    colours = policy_colours(policies)
    staffed = steps[steps["resource"].notna()]
    if staffed.empty:
        return _layout(fig, t("fig_queue", lang))
    span = clock_span([staffed["ready"].min(), staffed["start"].max()], hours)
    grid = np.arange(span[0], span[1] + QUEUE_GRID_MINUTES, QUEUE_GRID_MINUTES)
    for row, resource in enumerate(resources, start=1):
        for policy in policies:
            mean = queue_length(staffed, policy, resource, grid)
            fig.add_trace(
                go.Scatter(
                    x=grid,
                    y=mean,
                    mode="lines",
                    name=names.policy(policy),
                    legendgroup=policy,
                    showlegend=row == 1,
                    line={"color": colours[policy]},
                    customdata=[clock(v) for v in grid],
                    hovertemplate="%{customdata}: %{y:.1f}<extra>"
                    + names.policy(policy)
                    + "</extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(title_text=t("waiting_patients", lang), row=row, col=1)
    _clock_axis(fig, span)
    return _layout(fig, t("fig_queue", lang), height=max(300, 220 * len(resources)))


def queue_length(steps: pd.DataFrame, policy: str, resource: str, grid: np.ndarray) -> np.ndarray:
    """Mean number of patients ready for ``resource`` and not yet started at each time of
    ``grid`` (minutes after midnight), over the days and replications ``policy`` played."""
    days = steps.loc[steps["policy"] == policy, ["rep", "day"]].drop_duplicates()
    part = steps[(steps["policy"] == policy) & (steps["resource"] == resource)]
    if days.empty:
        return np.zeros(len(grid))
    ready = np.sort(part["ready"].to_numpy())
    start = np.sort(part["start"].to_numpy())
    waiting = np.searchsorted(ready, grid, side="right") - np.searchsorted(
        start, grid, side="right"
    )
    return waiting / len(days)


def utilisation_heatmap(
    steps: pd.DataFrame,
    members: pd.DataFrame,
    policy: str,
    lang: str,
    hours: ClinicHours | None = None,
    names: Names = PLAIN,
) -> go.Figure:
    """Busy share of each resource's staff in each hour of the day under ``policy``: busy
    minutes in the hour over the staff minutes on shift in it, over all days and
    replications (work past the shifts shows above 100 %), over the clinic's ``hours``
    and any work or shift outside them."""
    table = hourly_utilisation(steps, members, policy, hours)
    fig = go.Figure(
        go.Heatmap(
            z=100 * table.to_numpy(),
            x=[clock(60 * h) for h in table.columns],
            y=[names.resource(str(r)) for r in table.index],
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar={"title": "%"},
            hovertemplate="%{y} %{x}: %{z:.0f} %<extra>" + names.policy(policy) + "</extra>",
        )
    )
    title = t("fig_heatmap", lang, policy=names.policy(policy))
    return _layout(fig, title, height=140 + 40 * len(table))


def hourly_utilisation(
    steps: pd.DataFrame,
    members: pd.DataFrame,
    policy: str,
    clinic: ClinicHours | None = None,
) -> pd.DataFrame:
    """Resource × hour of the day: busy minutes / staff minutes on shift (NaN: nobody),
    every hour from the earlier of opening, the first work and the first shift start to
    the later of closing, the last work and the last shift end (``clock_span``)."""
    work = steps[(steps["policy"] == policy) & steps["resource"].notna()]
    shifts = members[members["policy"] == policy]
    if work.empty or shifts.empty:
        return pd.DataFrame()
    times = [work["start"].min(), shifts["shift_start"].min()]
    span = clock_span([*times, work["end"].max(), shifts["shift_end"].max()], clinic)
    hours = np.arange(int(span[0]) // 60, int(span[1]) // 60)
    rows = {}
    for resource in sorted(set(work["resource"].astype(str))):
        busy = _minutes_per_hour(work[work["resource"] == resource], "start", "end", hours)
        on_shift = shifts[shifts["resource"] == resource]
        staffed = _minutes_per_hour(on_shift, "shift_start", "shift_end", hours)
        with np.errstate(divide="ignore", invalid="ignore"):
            rows[resource] = np.where(staffed > 0, busy / staffed, np.nan)
    return pd.DataFrame(rows, index=hours).T


def _minutes_per_hour(
    intervals: pd.DataFrame, start: str, end: str, hours: np.ndarray
) -> np.ndarray:
    """Σ over the intervals of their minutes inside each hour ``[60h, 60h + 60)``."""
    lo = intervals[start].to_numpy(dtype=float)[:, None]
    hi = intervals[end].to_numpy(dtype=float)[:, None]
    edges = 60.0 * hours[None, :]
    overlap = np.clip(np.minimum(hi, edges + 60) - np.maximum(lo, edges), 0, None)
    return overlap.sum(axis=0)
