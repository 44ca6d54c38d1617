"""A unit's plan as the document shows it: the monthly calendar of admissions (its
Fig. 5) and the daily timetable of studies per patient (its Figs. 6 and 7).

``calendar_cells`` and ``timetable_rows`` are the data (the command line prints
them as text); ``admissions_calendar`` and ``daily_timetable`` draw them with
Plotly for the report and the dashboard. Pure functions of the instance and
the plan. ``occupancy_per_block`` and ``studies_per_block`` draw what the
replications did, block by block: beds and chairs taken against D1 and D2,
studies done against μ.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from sim.outputs.figures import STEP_PALETTE, clock, clock_span, hour_ticks
from sim.outputs.i18n import t
from sim.outputs.names import PLAIN, Names
from sim.unit.instance import BLOCKS_PER_WEEK, WEEKDAYS, UnitInstance
from sim.unit.plan import UnitPlan

DAY_NAMES = {
    "es": ("Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def calendar_cells(inst: UnitInstance, plan: UnitPlan) -> list[list[list[str]]]:
    """Per week and weekday, the names of the patients admitted that day, in block
    order (a bed patient's name is followed by its stay in blocks, ``p1 (2)``)."""
    cells: list[list[list[str]]] = [[[] for _ in WEEKDAYS] for _ in range(inst.weeks)]
    for p, itinerary in sorted(plan.itineraries.items(), key=lambda e: e[1].admission):
        patient = inst.patients[p]
        week, day = divmod(itinerary.admission // 2, len(WEEKDAYS))
        label = f"{patient.name} ({patient.min_stay})" if patient.in_bed else patient.name
        cells[week][day].append(label)
    return cells


def admissions_calendar(inst: UnitInstance, plan: UnitPlan, title: str, lang: str) -> go.Figure:
    """Weeks down, weekdays across; each day shows who is admitted, shaded by how many."""
    cells = calendar_cells(inst, plan)
    counts = [[len(day) for day in week] for week in cells]
    text = [["<br>".join(day) for day in week] for week in cells]
    weeks = [t("calendar_week", lang, week=w + 1) for w in range(inst.weeks)]
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=list(DAY_NAMES[lang]),
            y=weeks,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            showscale=False,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title=title, template="plotly_white", height=120 + 90 * inst.weeks, margin={"t": 50}
    )
    return fig


@dataclass(frozen=True)
class Booked:
    """One study planned: who, what, from and to (minutes after midnight)."""

    patient: str
    study: str
    start: int
    end: int


def timetable_rows(inst: UnitInstance, plan: UnitPlan, day: int) -> list[Booked]:
    """Every study planned on ``day`` (0-based day of the horizon), in time order."""
    rows = []
    for p, itinerary in plan.itineraries.items():
        for i, b, k in itinerary.studies:
            if b // 2 == day:
                start = inst.division_start(b, k)
                name, study = inst.patients[p].name, inst.study_names[i]
                rows.append(Booked(name, study, start, start + inst.division_minutes))
    return sorted(rows, key=lambda r: (r.start, r.patient))


def planned_days(inst: UnitInstance, plan: UnitPlan) -> list[int]:
    """The days (0-based) with at least one study planned."""
    return sorted({b // 2 for it in plan.itineraries.values() for _i, b, _k in it.studies})


def timetable_title(day: int, lang: str) -> str:
    week, weekday = divmod(day, len(WEEKDAYS))
    return t("timetable_title", lang, day=DAY_NAMES[lang][weekday], week=week + 1)


def daily_timetable(inst: UnitInstance, plan: UnitPlan, day: int, lang: str) -> go.Figure:
    """One day's studies: a row per patient, a bar per study in its division."""
    rows = timetable_rows(inst, plan, day)
    studies = list(dict.fromkeys(r.study for r in rows))
    colours = {s: STEP_PALETTE[n % len(STEP_PALETTE)] for n, s in enumerate(studies)}
    fig = go.Figure()
    for study in studies:
        chosen = [r for r in rows if r.study == study]
        fig.add_trace(
            go.Bar(
                x=[r.end - r.start for r in chosen],
                base=[r.start for r in chosen],
                y=[r.patient for r in chosen],
                orientation="h",
                name=study,
                marker_color=colours[study],
                customdata=[[clock(r.start), clock(r.end)] for r in chosen],
                hovertemplate="%{y}: "
                + study
                + " %{customdata[0]}–%{customdata[1]}<extra></extra>",
            )
        )
    title = timetable_title(day, lang)
    if rows:
        # From the unit's opening (its morning block) to the last study, out to the hour.
        times = [inst.block_starts[0], *(r.start for r in rows), *(r.end for r in rows)]
        span = clock_span(times)
        ticks = hour_ticks(span)
        fig.update_xaxes(tickvals=ticks, ticktext=[clock(v) for v in ticks], range=list(span))
    patients = list(dict.fromkeys(r.patient for r in rows))
    fig.update_layout(
        title=title,
        barmode="overlay",
        template="plotly_white",
        height=160 + 40 * len(patients),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def block_means(blocks: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Per block, the mean over replications of beds and chairs taken and studies done
    (``offered`` is μ's total, the same every replication)."""
    chosen = blocks[blocks["policy"] == policy]
    return (
        chosen.groupby("block", as_index=False)[["beds", "chairs", "studies", "offered"]]
        .mean()
        .sort_values("block")
    )


def _weekends(fig: go.Figure, inst: UnitInstance) -> None:
    """Shade the closed blocks (Saturday afternoon and Sunday) of each week."""
    for week in range(inst.weeks):
        first = week * BLOCKS_PER_WEEK + 11  # Saturday afternoon, 0-based
        fig.add_vrect(
            x0=f"B{first + 1}",
            x1=f"B{first + 3}",
            fillcolor="#d9d9d9",
            opacity=0.35,
            line_width=0,
            layer="below",
        )


def _block_axis(fig: go.Figure, inst: UnitInstance, lang: str) -> None:
    labels = [f"B{b + 1}" for b in range(inst.blocks)]
    fig.update_xaxes(
        title=t("block_axis", lang),
        categoryorder="array",
        categoryarray=labels,
        tickvals=labels[::2],
    )


def occupancy_per_block(
    inst: UnitInstance,
    blocks: pd.DataFrame,
    policy: str,
    reps: int,
    lang: str,
    names: Names = PLAIN,
) -> go.Figure:
    """Mean beds and chairs taken in each block against D1 and D2."""
    means = block_means(blocks, policy)
    x = [f"B{b}" for b in means["block"]]
    fig = go.Figure(
        [
            go.Bar(x=x, y=means["beds"], name=t("beds_taken", lang), marker_color="#1f77b4"),
            go.Bar(x=x, y=means["chairs"], name=t("chairs_taken", lang), marker_color="#ff7f0e"),
        ]
    )
    for n, key, colour in (
        (inst.beds, "beds_capacity", "#1f77b4"),
        (inst.chairs, "chairs_capacity", "#ff7f0e"),
    ):
        fig.add_hline(
            y=n,
            line_dash="dash",
            line_color=colour,
            annotation_text=t(key, lang, n=n),
            annotation_position="top left",
        )
    _weekends(fig, inst)
    _block_axis(fig, inst, lang)
    fig.update_layout(
        title=t("occupancy_title", lang, policy=names.policy(policy), reps=reps),
        barmode="group",
        template="plotly_white",
        yaxis_title=t("places_axis", lang),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def studies_per_block(
    inst: UnitInstance, blocks: pd.DataFrame, policy: str, lang: str, names: Names = PLAIN
) -> go.Figure:
    """Mean studies done in each block against the places μ offers."""
    means = block_means(blocks, policy)
    x = [f"B{b}" for b in means["block"]]
    fig = go.Figure(
        [
            go.Bar(
                x=x, y=means["offered"], name=t("studies_offered", lang), marker_color="#c7dcef"
            ),
            go.Bar(x=x, y=means["studies"], name=t("studies_done", lang), marker_color="#2ca02c"),
        ]
    )
    _weekends(fig, inst)
    _block_axis(fig, inst, lang)
    fig.update_layout(
        title=t("studies_block_title", lang, policy=names.policy(policy)),
        barmode="overlay",
        template="plotly_white",
        yaxis_title=t("studies_axis", lang),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
