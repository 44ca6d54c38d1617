"""A simulated day replayed: where each patient is at any moment, and the animation of it.

Built from a run's records only (the ``patients`` and ``steps`` tables of one
policy, replication and day). A patient's day is a set of *episodes*: waiting
for a resource before a step (``ready`` to ``start`` of the step's row), in a
step with a member of staff (``start`` to ``end``), or in a step that needs
nobody, such as waiting for drops to act (``start`` to ``end`` of a row without
a resource), which runs while the patient goes on with other steps. At time
``t`` a patient who came (no-shows never arrive) has not arrived yet
(``t < arrival``), has left (``departure ≤ t``), or is in the episode that holds
``t``; a staffed step outranks a wait, and a wait outranks a step that needs
nobody. A patient the day never saw to the end (``unserved``: no departure)
waits from their last step on for the next staffed step of their protocol,
until the end of the replay.

``state_at`` gives every patient's state at a time, ``resource_load`` the
queue and the busy members of each resource; ``replay_figure`` draws the day
as a Plotly animation (play, pause, a time slider, the clock), a lane per
resource and per step without staff, each with a queue zone and a service
zone, beside the queue-length bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.clinic import resource_keys
from sim.outputs.figures import STEP_PALETTE, clock
from sim.outputs.i18n import t
from sim.scenario import Scenario

NOT_ARRIVED, WAITING, IN_STEP, LEFT = "not_arrived", "waiting", "in_step", "left"
STATES = (NOT_ARRIVED, WAITING, IN_STEP, LEFT)
FRAME_MINUTES = 5
NO_MEMBER = -1
EPISODE_COLUMNS = ["patient", "state", "step", "resource", "member", "begin", "end", "rank"]
# which episode a patient is shown in when several hold the same time
_STAFFED, _QUEUED, _UNSTAFFED = 0, 1, 2


@dataclass(frozen=True)
class DayRecords:
    """One day of one policy and replication: who came, and the episodes of their day.

    ``arrivals``: ``patient, arrival, departure`` (NaN: not seen to the end), by arrival.
    ``episodes``: ``EPISODE_COLUMNS``, ``resource`` None for a step that needs nobody,
    ``member`` ``NO_MEMBER`` unless a member serves the step, ``end`` infinite for a
    wait that never ended.
    """

    arrivals: pd.DataFrame
    episodes: pd.DataFrame
    resources: list[str]  # the lanes with staff, in the scenario's resource order
    free_steps: list[str]  # the lanes of steps that need nobody, in protocol order
    on_duty: dict[str, int]  # members of each resource at work that day

    @property
    def first_arrival(self) -> float:
        return float(self.arrivals["arrival"].min()) if len(self.arrivals) else np.nan

    @property
    def last_event(self) -> float:
        """The last departure or end of a step (the replay ends there)."""
        ends = self.episodes["end"].to_numpy(dtype=float)
        times = np.concatenate(
            [self.arrivals["departure"].to_numpy(dtype=float), ends[np.isfinite(ends)]]
        )
        times = times[np.isfinite(times)]
        return float(times.max()) if len(times) else self.first_arrival


def day_records(
    patients: pd.DataFrame,
    steps: pd.DataFrame,
    scenario: Scenario,
    policy: str,
    rep: int,
    day: int,
    members: pd.DataFrame | None = None,
) -> DayRecords:
    """The records of ``policy``'s day ``day`` in replication ``rep`` (``members``: the
    run's ``resources`` table, for the staff at work that day)."""
    chosen = patients[
        (patients["policy"] == policy)
        & (patients["rep"] == rep)
        & (patients["day"] == day)
        & patients["arrival"].notna()
    ]
    arrivals = chosen[["patient", "arrival", "departure"]].sort_values(["arrival", "patient"])
    rows = steps[(steps["policy"] == policy) & (steps["rep"] == rep) & (steps["day"] == day)]
    pending = _pending_waits(chosen, rows, scenario)
    episodes = pd.concat(
        [_step_episodes(rows), *([pending] if len(pending) else [])], ignore_index=True
    )
    episodes = episodes.sort_values(["patient", "rank", "begin"], kind="stable")
    episodes = episodes.reset_index(drop=True).astype({"member": np.int64})
    staffed = set(episodes.loc[episodes["resource"].notna(), "resource"])
    free = set(episodes.loc[episodes["resource"].isna(), "step"])
    return DayRecords(
        arrivals=arrivals.reset_index(drop=True),
        episodes=episodes,
        resources=[r for r in resource_keys(scenario) if r in staffed],
        free_steps=[s for s in scenario.step_ids() if s in free],
        on_duty=_on_duty(members, policy, rep, day),
    )


def _step_episodes(rows: pd.DataFrame) -> pd.DataFrame:
    """A wait and a service per staffed step row; a stay per row that needs nobody."""
    staffed = rows[rows["resource"].notna()]
    free = rows[rows["resource"].isna()]
    patient, step = staffed["patient"].to_numpy(), staffed["step"].astype(str).to_numpy()
    resource = staffed["resource"].astype(str).to_numpy()
    waits = pd.DataFrame(
        {
            "patient": patient,
            "state": WAITING,
            "step": step,
            "resource": resource,
            "member": NO_MEMBER,
            "begin": staffed["ready"].to_numpy(dtype=float),
            "end": staffed["start"].to_numpy(dtype=float),
            "rank": _QUEUED,
        }
    )
    services = pd.DataFrame(
        {
            "patient": patient,
            "state": IN_STEP,
            "step": step,
            "resource": resource,
            "member": staffed["member"].to_numpy(dtype=np.int64),
            "begin": staffed["start"].to_numpy(dtype=float),
            "end": staffed["end"].to_numpy(dtype=float),
            "rank": _STAFFED,
        }
    )
    stays = pd.DataFrame(
        {
            "patient": free["patient"].to_numpy(),
            "state": IN_STEP,
            "step": free["step"].astype(str).to_numpy(),
            "resource": None,
            "member": NO_MEMBER,
            "begin": free["start"].to_numpy(dtype=float),
            "end": free["end"].to_numpy(dtype=float),
            "rank": _UNSTAFFED,
        }
    )
    return pd.concat([waits, services, stays], ignore_index=True)[EPISODE_COLUMNS]


def _pending_waits(chosen: pd.DataFrame, rows: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """For each patient who came and never left: the wait for the next staffed step of
    their protocol, from when the engine asked for it, without end.

    The engine walks a protocol's steps in listed order and records a step when it is
    done (or, needing nobody, when it begins), so the step it waits for is the first
    staffed one after the last recorded; steps before it with no row were skipped.
    An optional step that was in fact skipped too cannot be told from the records: the
    wait is then shown before it rather than before the step after it."""
    unserved = chosen[chosen["departure"].isna()]
    waits = [
        wait
        for p in unserved.to_dict("records")
        if (wait := _pending_wait(p, rows[rows["patient"] == p["patient"]], scenario)) is not None
    ]
    return pd.DataFrame(waits, columns=EPISODE_COLUMNS)


def _pending_wait(patient: dict[str, Any], rows: pd.DataFrame, scenario: Scenario) -> tuple | None:
    protocol = scenario.protocols[scenario.demand.classes[str(patient["class"])].protocol]
    recorded = {int(r.step_index): r for r in rows.itertuples()}
    last = max(recorded, default=-1)
    pending = next(
        (j for j in range(last + 1, len(protocol.steps)) if protocol.steps[j].resource), None
    )
    if pending is None:
        return None
    preds = protocol.predecessors()
    arrival = float(patient["arrival"])
    done: list[float] = []
    for j in range(pending):
        row = recorded.get(j)
        done.append(float(row.end) if row is not None else _ready(preds[j], done, arrival))
    reached = max(
        [arrival]
        + [float(r.end) if pd.notna(r.resource) else float(r.start) for r in recorded.values()]
    )
    step = protocol.steps[pending]
    begin = max(_ready(preds[pending], done, arrival), reached)
    return (patient["patient"], WAITING, step.id, step.resource, NO_MEMBER, begin, np.inf, _QUEUED)


def _ready(preds: Sequence[int], done: Sequence[float], arrival: float) -> float:
    return max(done[q] for q in preds) if preds else arrival


def _on_duty(members: pd.DataFrame | None, policy: str, rep: int, day: int) -> dict[str, int]:
    if members is None or members.empty:
        return {}
    roster = members[
        (members["policy"] == policy) & (members["rep"] == rep) & (members["day"] == day)
    ]
    return {str(r): int(n) for r, n in roster.groupby("resource", observed=True).size().items()}


# ---------------------------------------------------------------- the state at a time


def shown_episodes(records: DayRecords, time: float) -> np.ndarray:
    """Per patient of ``records.arrivals`` (in its order), the row of ``records.episodes``
    that holds ``time`` and ranks first (-1: none holds it)."""
    episodes = records.episodes
    holding = np.flatnonzero(
        (episodes["begin"].to_numpy() <= time) & (time < episodes["end"].to_numpy())
    )
    # episodes are sorted by patient, rank, begin: a patient's first holding row is shown
    patients, first = np.unique(episodes["patient"].to_numpy()[holding], return_index=True)
    arrived = records.arrivals["patient"].to_numpy()
    order = np.argsort(arrived, kind="stable")
    where = order[np.searchsorted(arrived[order], patients)]
    shown = np.full(len(arrived), -1)
    shown[where] = holding[first]
    return shown


def state_codes(records: DayRecords, time: float, shown: np.ndarray) -> np.ndarray:
    """Per patient of ``records.arrivals``, the index in ``STATES`` of their state."""
    arrival = records.arrivals["arrival"].to_numpy()
    departure = records.arrivals["departure"].to_numpy()
    kind = np.where(records.episodes["state"].to_numpy() == WAITING, 1, 2)
    codes = np.where(shown >= 0, kind[np.maximum(shown, 0)], 2)
    codes = np.where(arrival <= time, codes, 0)
    return np.where(departure <= time, 3, codes)  # NaN (never left) compares False


def state_at(records: DayRecords, time: float) -> pd.DataFrame:
    """Every patient who came that day, by arrival: ``patient, state, step, resource,
    member, since`` at ``time`` (``since``: when the episode began; step, resource and
    since are missing, and member ``NO_MEMBER``, unless the patient waits or is in a
    step; resource is missing too in a step that needs nobody)."""
    shown = shown_episodes(records, time)
    codes = state_codes(records, time, shown)
    inside = (codes == 1) | (codes == 2)
    rows = records.episodes.iloc[np.maximum(shown, 0)]
    return pd.DataFrame(
        {
            "patient": records.arrivals["patient"].to_numpy(),
            "state": np.array(STATES, dtype=object)[codes],
            "step": np.where(inside, rows["step"].to_numpy(), None),
            "resource": np.where(inside, rows["resource"].to_numpy(), None),
            "member": np.where(inside, rows["member"].to_numpy(), NO_MEMBER).astype(int),
            "since": np.where(inside, rows["begin"].to_numpy(), np.nan),
        }
    )


@dataclass(frozen=True)
class Load:
    """One resource at one time: the patients queued for it, and the members serving."""

    queue: int
    busy: tuple[int, ...]


def resource_load(states: pd.DataFrame, resources: Sequence[str]) -> dict[str, Load]:
    """Queue length and busy members (sorted) of each resource, from ``state_at``."""
    loads = {}
    for resource in resources:
        mine = states[states["resource"] == resource]
        busy = mine.loc[mine["state"] == IN_STEP, "member"]
        loads[resource] = Load(int((mine["state"] == WAITING).sum()), tuple(sorted(busy)))
    return loads


def frame_times(records: DayRecords, minutes: int = FRAME_MINUTES) -> np.ndarray:
    """Every ``minutes`` from the first arrival (rounded down) to the last event
    (rounded up), both included; empty for a day nobody came."""
    if records.arrivals.empty:
        return np.array([])
    first = minutes * np.floor(records.first_arrival / minutes)
    last = minutes * np.ceil(records.last_event / minutes)
    return np.arange(first, last + minutes / 2, minutes)


# ---------------------------------------------------------------- the figure

QUEUE_COLUMNS, SERVICE_COLUMNS, ROWS = 12, 8, 4
ROW_OFFSETS = np.linspace(-0.3, 0.3, ROWS)
SERVICE_LEFT = QUEUE_COLUMNS + 2  # x of the first service place
X_RANGE = (-0.8, SERVICE_LEFT + SERVICE_COLUMNS - 0.2)
WAITING_COLOUR, SERVING_COLOUR = "#f5c07a", "#8fb8e8"  # deeper shades of the zones
FRAME_DURATION_MS, TRANSITION_MS = 450, 300
QUEUE_ZONE, SERVICE_ZONE = 0, 1
CAPACITY = {QUEUE_ZONE: QUEUE_COLUMNS * ROWS, SERVICE_ZONE: SERVICE_COLUMNS * ROWS}


@dataclass(frozen=True)
class _Places:
    """Where each episode is drawn: its lane, its zone, its colour (the step's code)."""

    lanes: list[str]  # names shown, a lane per staffed resource then per step needing nobody
    staffed: int  # the first ``staffed`` lanes are resources
    lane: np.ndarray
    zone: np.ndarray
    colour: np.ndarray

    @classmethod
    def of(
        cls, records: DayRecords, step_order: Sequence[str], labels: Mapping[str, str]
    ) -> _Places:
        episodes = records.episodes
        keys = [*records.resources, *records.free_steps]
        index = {key: k for k, key in enumerate(keys)}
        has_resource = episodes["resource"].notna().to_numpy()
        lane_key = np.where(has_resource, episodes["resource"], episodes["step"])
        codes = {s: k for k, s in enumerate(step_order)}
        return cls(
            lanes=[labels.get(key, key) for key in keys],
            staffed=len(records.resources),
            lane=np.array([index[k] for k in lane_key], dtype=int),
            zone=np.where(episodes["state"].to_numpy() == WAITING, QUEUE_ZONE, SERVICE_ZONE),
            colour=np.array([codes.get(s, 0) for s in episodes["step"]], dtype=int),
        )


def replay_figure(
    records: DayRecords,
    step_order: Sequence[str],
    title: str,
    lang: str,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """The day as an animation: a frame every ``FRAME_MINUTES``, play and pause buttons,
    a slider showing the clock. Left, a lane per resource (its queue, head at the right,
    then a place per member) and per step that needs nobody; right, the patients queued
    for and in a step of each lane. Patients are coloured by their step as in the Gantt
    chart; ``labels`` names resources and steps (their ids otherwise)."""
    places = _Places.of(records, step_order, labels or {})
    times = frame_times(records)
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.74, 0.26],
        shared_yaxes=True,
        horizontal_spacing=0.02,
    )
    built = [_frame(records, places, time, lang) for time in times]
    frames = [frame for frame, _ in built]
    for trace in _base_traces(frames[0]["data"] if frames else None, places, step_order, lang):
        fig.add_trace(trace, row=1, col=2 if trace.type == "bar" else 1)
    fig.add_trace(_staff_places(records, places, lang), row=1, col=1)
    for trace in _step_legend(records, step_order, labels or {}):
        fig.add_trace(trace, row=1, col=1)
    _axes(fig, places, max([most for _, most in built], default=0))
    _zones(fig, places, lang)
    _controls(fig, times, lang)
    fig.update_layout(
        title=title,
        height=230 + 95 * max(1, len(places.lanes)),
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 90, "b": 40},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
    )
    # the frames are plain data built above: checking them again trace by trace would
    # take most of the figure's time
    return go.Figure({**fig.to_plotly_json(), "frames": frames}, _validate=False)


def _frame(
    records: DayRecords, places: _Places, time: float, lang: str
) -> tuple[dict[str, Any], int]:
    """The frame at ``time`` (only what changes: the patients' places and colours, the
    ``+N`` of full zones, the clock and the bars), and its largest zone count."""
    shown = shown_episodes(records, time)
    codes = state_codes(records, time, shown)
    inside = (codes == 1) | (codes == 2)
    rows = shown[inside]
    patients = records.arrivals["patient"].to_numpy()[inside]
    lane, zone = places.lane[rows], places.zone[rows]
    member = records.episodes["member"].to_numpy()[rows]
    since = records.episodes["begin"].to_numpy()[rows]
    position = _positions(lane, zone, member, since, patients)
    visible = position < np.vectorize(CAPACITY.get)(zone) if len(zone) else position > 0
    x, y = _xy(position[visible], lane[visible], zone[visible])
    counts = np.bincount(2 * lane + zone, minlength=2 * len(places.lanes)).reshape(-1, 2)
    drawn = np.bincount(2 * lane[visible] + zone[visible], minlength=2 * len(places.lanes))
    coming = int((codes == 0).sum())
    left = int((codes == 3).sum())
    frame = {
        "name": clock(time),
        "data": [
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "ids": [str(p) for p in patients[visible]],
                "marker": {"color": places.colour[rows][visible].tolist()},
            },
            _overflow(counts.ravel() - drawn),
            {"type": "scatter", "text": [_status(time, coming, int(inside.sum()), left, lang)]},
            _bar_values(counts[:, QUEUE_ZONE]),
            _bar_values(counts[:, SERVICE_ZONE]),
        ],
        "traces": [0, 1, 2, 3, 4],
    }
    return frame, int(counts.max()) if counts.size else 0


def _positions(
    lane: np.ndarray, zone: np.ndarray, member: np.ndarray, since: np.ndarray, patient: np.ndarray
) -> np.ndarray:
    """Each patient's place number in their zone: a queue in order of joining it (0, the
    head, nearest the service places); a step with staff at the member's number; a step
    that needs nobody in order of starting it."""
    group = 2 * lane + zone
    order = np.lexsort((patient, since, group))
    first_of_group = np.r_[True, group[order][1:] != group[order][:-1]]
    starts = np.maximum.accumulate(np.where(first_of_group, np.arange(len(order)), 0))
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(len(order)) - starts
    return np.where(member >= 0, member, position)


def _xy(position: np.ndarray, lane: np.ndarray, zone: np.ndarray) -> tuple[list, list]:
    queued = zone == QUEUE_ZONE
    columns = np.where(queued, QUEUE_COLUMNS, SERVICE_COLUMNS)
    column, row = position % columns, position // columns
    x = np.where(queued, QUEUE_COLUMNS - 1 - column, SERVICE_LEFT + column)
    y = np.round(lane + ROW_OFFSETS[np.minimum(row, ROWS - 1)], 2)
    return x.tolist(), y.tolist()


def _overflow(hidden: np.ndarray) -> dict[str, Any]:
    """``+N`` at the far end of a zone with more patients than places."""
    x, y, text = [], [], []
    for group in np.flatnonzero(hidden > 0):
        lane, zone = divmod(int(group), 2)
        x.append(-0.5 if zone == QUEUE_ZONE else SERVICE_LEFT + SERVICE_COLUMNS - 0.5)
        y.append(lane - 0.42)
        text.append(f"+{int(hidden[group])}")
    return {"type": "scatter", "x": x, "y": y, "text": text}


def _status(time: float, coming: int, inside: int, left: int, lang: str) -> str:
    counts = t("replay_status", lang, coming=coming, inside=inside, left=left)
    return f"<b>{clock(time)}</b>   {counts}"


def _bar_values(counts: np.ndarray) -> dict[str, Any]:
    return {"type": "bar", "x": counts.tolist(), "text": [str(c) if c else "" for c in counts]}


def _base_traces(
    first: list[dict[str, Any]] | None, places: _Places, step_order: Sequence[str], lang: str
) -> list[Any]:
    """The animated traces as the first frame shows them (empty for a day nobody came),
    with what no frame changes."""
    lanes = len(places.lanes)
    patients, overflow, status, queued, serving = first or [
        {"x": [], "y": [], "ids": [], "marker": {"color": []}},
        {"x": [], "y": [], "text": []},
        {"text": [""]},
        _bar_values(np.zeros(lanes, dtype=int)),
        _bar_values(np.zeros(lanes, dtype=int)),
    ]
    count = max(1, len(step_order))
    scale = [
        [edge, STEP_PALETTE[k % len(STEP_PALETTE)]]
        for k in range(count)
        for edge in (k / count, (k + 1) / count)
    ]
    return [
        go.Scatter(
            x=patients["x"],
            y=patients["y"],
            ids=patients["ids"],
            mode="markers",
            marker={
                "color": patients["marker"]["color"],
                "colorscale": scale,
                "cmin": -0.5,
                "cmax": count - 0.5,
                "size": 11,
                "line": {"width": 1, "color": "white"},
            },
            hovertemplate=t("patient", lang) + " %{id}<extra></extra>",
            showlegend=False,
        ),
        go.Scatter(
            x=overflow["x"],
            y=overflow["y"],
            text=overflow["text"],
            mode="text",
            textfont={"color": "#5f6368"},
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            x=[X_RANGE[0]],
            y=[-0.85],
            text=status["text"],
            mode="text",
            textposition="middle right",
            textfont={"size": 15},
            hoverinfo="skip",
            showlegend=False,
        ),
        *(
            go.Bar(
                x=bars["x"],
                y=list(range(lanes)),
                text=bars["text"],
                orientation="h",
                name=t(name, lang),
                marker_color=colour,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}<extra>" + t(name, lang) + "</extra>",
            )
            for bars, name, colour in (
                (queued, "replay_waiting", WAITING_COLOUR),
                (serving, "replay_served", SERVING_COLOUR),
            )
        ),
    ]


def _staff_places(records: DayRecords, places: _Places, lang: str) -> go.Scatter:
    """An open square per member at work (drawn once: the frames move the patients)."""
    x, y = [], []
    for lane, key in enumerate(records.resources):
        on_duty = min(records.on_duty.get(key, 0), CAPACITY[SERVICE_ZONE])
        members = np.arange(on_duty)
        xs, ys = _xy(members, np.full(on_duty, lane), np.full(on_duty, SERVICE_ZONE))
        x += xs
        y += ys
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        marker={"symbol": "square-open", "size": 18, "color": "#9aa0a6"},
        hoverinfo="skip",
        name=t("replay_staff", lang),
    )


def _step_legend(
    records: DayRecords, step_order: Sequence[str], labels: Mapping[str, str]
) -> list[go.Scatter]:
    """A legend entry per step of the day, in the colour its patients are drawn."""
    steps = set(records.episodes["step"])
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"color": STEP_PALETTE[k % len(STEP_PALETTE)], "size": 11},
            name=labels.get(step, step),
        )
        for k, step in enumerate(step_order)
        if step in steps
    ]


def _axes(fig: go.Figure, places: _Places, most: int) -> None:
    count = max(1, len(places.lanes))
    fig.update_yaxes(
        tickvals=list(range(len(places.lanes))),
        ticktext=places.lanes,
        range=[count - 0.5, -1.2],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    fig.update_xaxes(range=X_RANGE, visible=False, row=1, col=1)
    # fixed, so that bars compare from frame to frame
    fig.update_xaxes(range=[0, max(5, 1.25 * most)], row=1, col=2)
    fig.update_layout(barmode="group")


def _zones(fig: go.Figure, places: _Places, lang: str) -> None:
    """A band per lane: a queue zone (lanes of a resource) and a service zone, titled at
    the top."""
    for lane in range(len(places.lanes)):
        bands = [(-0.5, QUEUE_COLUMNS - 0.5, "#fff4e5")] if lane < places.staffed else []
        bands.append((SERVICE_LEFT - 0.5, SERVICE_LEFT + SERVICE_COLUMNS - 0.5, "#e8f1fb"))
        for x0, x1, colour in bands:
            fig.add_shape(
                type="rect",
                x0=x0,
                x1=x1,
                y0=lane - 0.45,
                y1=lane + 0.45,
                fillcolor=colour,
                line_width=0,
                layer="below",
                row=1,
                col=1,
            )
    titles = (
        (QUEUE_COLUMNS / 2 - 0.5, "replay_queue_zone"),
        (SERVICE_LEFT + SERVICE_COLUMNS / 2 - 0.5, "replay_service_zone"),
    )
    for x, key in titles:
        fig.add_annotation(
            x=x, y=-0.5, text=t(key, lang), showarrow=False, font={"color": "#5f6368"}, row=1, col=1
        )


def _controls(fig: go.Figure, times: np.ndarray, lang: str) -> None:
    """Play and pause (Plotly's own animation) and a slider whose current value is the
    clock; the slider's own labels are hidden (a label every few minutes would overlap)."""
    play = {
        "frame": {"duration": FRAME_DURATION_MS, "redraw": False},
        "transition": {"duration": TRANSITION_MS, "easing": "linear"},
        "fromcurrent": True,
        "mode": "immediate",
    }
    still = {
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    buttons = [
        {"label": "▶ " + t("replay_play", lang), "method": "animate", "args": [None, play]},
        {"label": "❚❚ " + t("replay_pause", lang), "method": "animate", "args": [[None], still]},
    ]
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 40, "r": 10},
                "showactive": False,
                "buttons": buttons,
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.22,
                "len": 0.78,
                "y": 0,
                "yanchor": "top",
                "pad": {"t": 30},
                "currentvalue": {
                    "prefix": t("replay_clock", lang) + " ",
                    "font": {"size": 14, "color": "#2a3f5f"},
                },
                "font": {"color": "rgba(0,0,0,0)"},
                "transition": {"duration": 0},
                "steps": [
                    {"label": clock(time), "method": "animate", "args": [[clock(time)], still]}
                    for time in times
                ],
            }
        ],
    )
