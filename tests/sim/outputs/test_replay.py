"""``sim.outputs.replay``: the state of a simulated day at a time, and its animation.

On real runs of the runner (the bundled clinics, two days, one replication), the
replay's patients at many times of a day (a grid across the day and the exact
start and end of steps, where the half-open intervals matter) are checked against
what the step rows say directly, patient by patient and row by row: a patient is in
a step while ``start ≤ t < end``, waits for its resource while ``ready ≤ t <
start``, has not arrived before ``arrival`` and is gone from ``departure``; each
resource's queue is the number of rows waiting and its busy members those of the
rows in service. A clinic too short of staff to see everyone checks the patients the
day never saw to the end. The figure: frames in time order covering the day, each
frame's markers, ``+N`` and bars adding up to the patients in each zone, the clock in
each frame, and its size.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.experiments.runner import RunResult, run_experiment
from sim.outputs import replay
from sim.outputs.figures import busiest_day, clock
from sim.scenario import Scenario, load

POLICIES = ["fifo", "fifo:appointment"]


@pytest.fixture(scope="module", params=["ophthalmology", "ophthalmology_service"])
def run(request: pytest.FixtureRequest) -> tuple[Scenario, RunResult]:
    scenario = load(request.param, ["horizon.days=2"])
    return scenario, run_experiment(scenario, POLICIES, reps=1, workers=1)


def records_of(scenario: Scenario, result: RunResult, policy: str) -> replay.DayRecords:
    day = busiest_day(result.tables["patients"], policy, 0)
    assert day is not None
    tables = result.tables
    return replay.day_records(
        tables["patients"], tables["steps"], scenario, policy, 0, day, tables["resources"]
    )


def day_rows(result: RunResult, records: replay.DayRecords, policy: str) -> pd.DataFrame:
    steps = result.tables["steps"]
    day = steps[(steps["policy"] == policy) & (steps["rep"] == 0)]
    patients = set(records.arrivals["patient"])
    return day[day["patient"].isin(patients)]


def rows_by_patient(rows: pd.DataFrame) -> dict[int, list[Any]]:
    by_patient: dict[int, list[Any]] = {}
    for row in rows.itertuples():
        by_patient.setdefault(int(row.patient), []).append(row)
    return by_patient


def expected_states(
    patients: pd.DataFrame, by_patient: dict[int, list[Any]], time: float
) -> dict[int, tuple[str, str | None]]:
    """Each patient's state at ``time`` from the records alone, one row at a time: a
    staffed step holding ``time``, else a wait holding it, else a step needing nobody."""
    expected: dict[int, tuple[str, str | None]] = {}
    for p in patients.itertuples():
        mine = by_patient.get(int(p.patient), [])
        serving = [r for r in mine if pd.notna(r.resource) and r.start <= time < r.end]
        waiting = [r for r in mine if pd.notna(r.resource) and r.ready <= time < r.start]
        unstaffed = [r for r in mine if pd.isna(r.resource) and r.start <= time < r.end]
        assert len(serving) <= 1 and len(waiting) <= 1, (p.patient, time)
        if time < p.arrival:
            expected[p.patient] = (replay.NOT_ARRIVED, None)
        elif p.departure <= time:
            expected[p.patient] = (replay.LEFT, None)
        elif serving:
            expected[p.patient] = (replay.IN_STEP, str(serving[0].step))
        elif waiting:
            expected[p.patient] = (replay.WAITING, str(waiting[0].step))
        else:
            assert len(unstaffed) >= 1, (p.patient, time)  # the engine leaves no gap
            expected[p.patient] = (replay.IN_STEP, str(unstaffed[0].step))
    return expected


def probe_times(records: replay.DayRecords, rows: pd.DataFrame) -> list[float]:
    """A grid across the day (every 7 minutes, so off the frames' grid too) and the
    exact starts and ends of some steps and of some arrivals and departures."""
    first, last = records.first_arrival, records.last_event
    picked = rows.sample(n=min(8, len(rows)), random_state=3)
    exact = [*picked["start"], *picked["end"], *picked["ready"]]
    exact += [*records.arrivals["arrival"].iloc[::20], *records.arrivals["departure"].iloc[::20]]
    return [first - 1, *np.arange(first, last + 7, 7), *exact, last + 1]


@pytest.mark.parametrize("policy", POLICIES)
def test_the_replay_is_what_the_step_rows_say(run: tuple[Scenario, RunResult], policy: str) -> None:
    scenario, result = run
    records = records_of(scenario, result, policy)
    rows = day_rows(result, records, policy)
    patients = records.arrivals
    resources = sorted(set(rows["resource"].dropna().astype(str)))
    assert records.resources == [r for r in sorted(scenario.resources) if r in resources]
    by_patient = rows_by_patient(rows)
    for time in probe_times(records, rows):
        states = replay.state_at(records, time)
        shown = {
            int(s.patient): (s.state, None if pd.isna(s.step) else str(s.step))
            for s in states.itertuples()
        }
        assert shown == expected_states(patients, by_patient, time), clock(time)
        loads = replay.resource_load(states, resources)
        for resource in resources:
            mine = rows[rows["resource"] == resource]
            queued = mine[(mine["ready"] <= time) & (time < mine["start"])]
            serving = mine[(mine["start"] <= time) & (time < mine["end"])]
            assert loads[resource].queue == len(queued), (resource, clock(time))
            assert loads[resource].busy == tuple(sorted(serving["member"])), (resource, time)
            waiting_here = states[(states["resource"] == resource) & (states["state"] == "waiting")]
            assert set(waiting_here["patient"]) == set(queued["patient"])


def test_only_patients_who_came_are_replayed(run: tuple[Scenario, RunResult]) -> None:
    scenario, result = run
    records = records_of(scenario, result, "fifo")
    table = result.tables["patients"]
    day = table[
        (table["policy"] == "fifo")
        & (table["rep"] == 0)
        & (table["day"] == busiest_day(table, "fifo", 0))
    ]
    came = day[day["status"].isin(["served", "unserved"])]
    assert day["status"].isin(["no_show", "cancelled"]).any()  # there, and never drawn
    assert set(records.arrivals["patient"]) == set(came["patient"])
    assert list(records.arrivals["arrival"]) == sorted(records.arrivals["arrival"])


# ---------------------------------------------------------------- patients never seen to the end


@pytest.fixture(scope="module")
def short_of_staff() -> tuple[Scenario, RunResult]:
    """Follow-ups only (registration, refraction, consult: no optional step), everyone
    told to come at opening, one technician and no overtime: many are never seen."""
    scenario = load(
        "ophthalmology",
        [
            "horizon.days=1",
            "horizon.max_overtime=0",
            "resources.technician.count=1",
            "demand.classes.cataract_new.share=0",
            "demand.classes.cataract_followup.share=1",
        ],
    )
    return scenario, run_experiment(scenario, ["fifo"], reps=1, workers=1)


def test_a_patient_never_seen_waits_for_the_next_step_to_the_end(
    short_of_staff: tuple[Scenario, RunResult],
) -> None:
    scenario, result = short_of_staff
    records = records_of(scenario, result, "fifo")
    rows = day_rows(result, records, "fifo")
    unserved = records.arrivals[records.arrivals["departure"].isna()]
    assert len(unserved) >= 5
    next_step = {"registration": "refraction", "refraction": "consult"}
    resource_of = {"registration": "admissions", "refraction": "technician"}
    resource_of["consult"] = "ophthalmologist"
    expected_queue: Counter[str] = Counter()
    after = records.last_event + 1
    states = replay.state_at(records, after).set_index("patient")
    for p in unserved.itertuples():
        mine = rows[rows["patient"] == p.patient].sort_values("step_index")
        done = [str(s) for s in mine["step"]]
        step = next_step[done[-1]] if done else "registration"
        since = float(mine["end"].iloc[-1]) if done else p.arrival
        shown = states.loc[p.patient]
        assert (shown["state"], shown["step"], shown["resource"]) == (
            "waiting",
            step,
            resource_of[step],
        )
        assert shown["since"] == pytest.approx(since)
        expected_queue[resource_of[step]] += 1
        # and not before: at the end of their last step they were still in it
        if done:
            before = replay.state_at(records, since - 1e-6).set_index("patient")
            assert before.loc[p.patient, "state"] == "in_step"
    loads = replay.resource_load(replay.state_at(records, after), records.resources)
    assert {r: load.queue for r, load in loads.items() if load.queue} == dict(expected_queue)
    assert all(load.busy == () for load in loads.values())
    served = records.arrivals["departure"].notna()
    assert (states.loc[records.arrivals.loc[served, "patient"], "state"] == "left").all()


# ---------------------------------------------------------------- the figure


def frame_counts(frame: Any) -> tuple[int, int, list[int], list[int]]:
    """Markers drawn, patients beyond the places (``+N``), and the two bars."""
    patients, overflow, _clock, queued, serving = frame.data
    hidden = sum(int(text[1:]) for text in overflow.text or [])
    return len(patients.x or []), hidden, list(queued.x), list(serving.x)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_frames_follow_the_day_in_order(run: tuple[Scenario, RunResult], lang: str) -> None:
    scenario, result = run
    records = records_of(scenario, result, "fifo")
    fig = replay.replay_figure(records, scenario.step_ids(), "day", lang)
    times = replay.frame_times(records)
    assert np.all(np.diff(times) == replay.FRAME_MINUTES)
    assert times[0] <= records.first_arrival < times[0] + replay.FRAME_MINUTES
    assert times[-1] >= records.last_event > times[-1] - replay.FRAME_MINUTES
    assert [f.name for f in fig.frames] == [clock(t) for t in times]
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == [f.name for f in fig.frames]
    assert [list(s.args[0]) for s in slider.steps] == [[f.name] for f in fig.frames]
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.method == pause.method == "animate"
    assert play.label.endswith({"es": "Reproducir", "en": "Play"}[lang])
    assert slider.currentvalue.prefix.startswith({"es": "Hora", "en": "Time"}[lang])
    lanes = [*records.resources, *records.free_steps]
    assert list(fig.layout.yaxis.ticktext) == lanes
    for time, frame in zip(times, fig.frames, strict=True):
        states = replay.state_at(records, time)
        inside = states[states["state"].isin(["waiting", "in_step"])]
        drawn, hidden, queued, serving = frame_counts(frame)
        assert drawn + hidden == len(inside) == sum(queued) + sum(serving)
        loads = replay.resource_load(states, records.resources)
        assert queued[: len(records.resources)] == [loads[r].queue for r in records.resources]
        assert serving[: len(records.resources)] == [len(loads[r].busy) for r in records.resources]
        assert frame.data[2].text[0].startswith(f"<b>{clock(time)}</b>")
        drawn_ids = set(frame.data[0].ids or [])
        assert drawn_ids <= {str(p) for p in inside["patient"]} and len(drawn_ids) == drawn


def test_the_figure_stays_light(run: tuple[Scenario, RunResult]) -> None:
    """A day of the clinic (60 to 200 patients, a frame every 5 minutes) stays well under
    the size of the page's other figures together."""
    scenario, result = run
    for policy in POLICIES:
        fig = replay.replay_figure(
            records_of(scenario, result, policy), scenario.step_ids(), "", "en"
        )
        size = len(fig.to_json())
        assert size < 250_000, (policy, size)
        assert json.loads(fig.to_json())["frames"]


def test_the_legend_names_the_steps_with_labels(run: tuple[Scenario, RunResult]) -> None:
    scenario, result = run
    records = records_of(scenario, result, "fifo")
    labels = {"technician": "Técnico", "registration": "Registro"}
    fig = replay.replay_figure(records, scenario.step_ids(), "", "es", labels)
    assert "Técnico" in fig.layout.yaxis.ticktext
    names = [trace.name for trace in fig.data if trace.name]
    assert "Registro" in names and "registration" not in names
    assert not re.search(r"\bnan\b", fig.to_json())
