"""``sim.outputs.figures.waiting_distributions`` and ``sim.outputs.figures.access_by_priority``.

- on hand-made patients tables (two policies, two replications) whose bins, shares,
  means, replication means and t intervals are worked out in the comments;
- on a small real run (``run_experiment``: ophthalmology, 2 days, 2 replications,
  fifo against fifo:appointment), against its tables recomputed with pandas, and in
  the HTML report: the two sections in place, and left out for a patients table
  without their columns.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.experiments.runner import RunResult, run_experiment
from sim.outputs import figures
from sim.outputs.report import render
from sim.outputs.rundir import run_data
from sim.scenario import load
from tests.support.report_html import HEADINGS, as_str, plots, section, sections

T_975_1 = 12.706204736174707  # Student t, 97.5 % quantile, one degree of freedom
RUN_POLICIES = ["fifo", "fifo:appointment"]


def patients(rows: list[tuple[str, int, str, int, float, float]]) -> pd.DataFrame:
    """A patients table of ``(policy, rep, status, priority, wait, access_days)`` rows."""
    table = pd.DataFrame(
        rows, columns=["policy", "rep", "status", "priority", "wait", "access_days"]
    )
    table["los"] = table["wait"] + 30
    return table


def bars(fig: Any) -> list[Any]:
    return [trace for trace in fig.data if trace.type == "bar"]


def mean_lines(fig: Any) -> dict[str, float]:
    """The x of each dashed vertical line, by the x axis it is drawn on."""
    return {shape.xref: shape.x0 for shape in fig.layout.shapes if shape.line.dash == "dash"}


# ---------------------------------------------------------------- the total wait, by hand

NAN = math.nan
WAITS = patients(
    [
        # a: served waits 0, 5 (rep 0) and 12, 25 (rep 1); mean 42 / 4 = 10.5
        ("a", 0, "served", 1, 0.0, 0.0),
        ("a", 0, "served", 1, 5.0, 0.0),
        ("a", 1, "served", 2, 12.0, 1.0),
        ("a", 1, "served", 2, 25.0, 1.0),
        # not served: never counted, whatever the wait column holds
        ("a", 0, "no_show", 1, 60.0, 0.0),
        ("a", 1, "unbooked", 1, NAN, NAN),
        # b: served waits 3, 8 (rep 0) and 14, 40 (rep 1); mean 65 / 4 = 16.25
        ("b", 0, "served", 1, 3.0, 0.0),
        ("b", 0, "served", 1, 8.0, 0.0),
        ("b", 1, "served", 1, 14.0, 0.0),
        ("b", 1, "served", 1, 40.0, 0.0),
        ("b", 1, "cancelled", 1, 70.0, 0.0),
    ]
)
# Pooled served waits 0 3 5 8 12 14 25 40: the 99.5 % quantile is 25 + 0.965 · 15 =
# 39.475, so the 10-minute edges are 0 10 20 30 40 (four bins, 40 in the last).
WAIT_CENTRES = [5.0, 15.0, 25.0, 35.0]
WAIT_SHARES = {"a": [50.0, 25.0, 25.0, 0.0], "b": [50.0, 25.0, 0.0, 25.0]}


def test_waiting_distributions_are_shares_of_served_in_common_bins() -> None:
    fig = figures.waiting_distributions(WAITS, ["a", "b"], "en")
    traces = bars(fig)
    assert [trace.name for trace in traces] == ["a", "b"]
    assert [trace.xaxis for trace in traces] == ["x", "x2"]  # side by side
    for trace in traces:
        np.testing.assert_allclose(trace.x, WAIT_CENTRES)
        np.testing.assert_allclose(trace.y, WAIT_SHARES[trace.name])
        assert trace.width == figures.WAIT_BIN_MINUTES == 10
        np.testing.assert_allclose(trace.customdata, [[0, 10], [10, 20], [20, 30], [30, 40]])
    assert mean_lines(fig) == {"x": pytest.approx(10.5), "x2": pytest.approx(16.25)}
    assert fig.layout.title.text == "Distribution of the total wait"
    assert fig.layout.xaxis.title.text == fig.layout.xaxis2.title.text == "Total wait (min)"
    assert fig.layout.yaxis.title.text == "% of patients served"
    assert [a.text for a in fig.layout.annotations][:2] == ["a", "b"]  # the panels' titles


def test_waiting_distributions_in_spanish() -> None:
    fig = figures.waiting_distributions(WAITS, ["a", "b"], "es")
    assert fig.layout.title.text == "Distribución de la espera total"
    assert fig.layout.xaxis.title.text == "Espera total (min)"
    assert fig.layout.yaxis.title.text == "% de pacientes atendidos"


def test_waiting_distributions_with_nobody_waiting_or_served() -> None:
    """Every served patient of a waited 0 minutes: one bin [0, 10) holds them all (not an
    empty figure); b served nobody: zero bars and no mean line."""
    table = patients(
        [
            ("a", 0, "served", 1, 0.0, 0.0),
            ("a", 1, "served", 1, 0.0, 0.0),
            ("b", 0, "no_show", 1, NAN, 0.0),
        ]
    )
    fig = figures.waiting_distributions(table, ["a", "b"], "en")
    a, b = bars(fig)
    np.testing.assert_allclose(a.x, [5.0])
    np.testing.assert_allclose(a.y, [100.0])
    np.testing.assert_allclose(b.y, [0.0])
    assert mean_lines(fig) == {"x": 0.0}


def test_stay_distributions_keep_their_quarter_hour_bins() -> None:
    """The shared histogram code still bins stays (wait + 30 here) by 15 minutes: pooled
    stays 30 … 70, 99.5 % quantile 69.475, edges 0 15 … 75."""
    fig = figures.stay_distributions(WAITS, ["a", "b"], "en")
    a, b = bars(fig)
    np.testing.assert_allclose(a.x, [7.5, 22.5, 37.5, 52.5, 67.5])
    np.testing.assert_allclose(a.y, [0.0, 0.0, 75.0, 25.0, 0.0])  # 30 35 42 | 55
    np.testing.assert_allclose(b.y, [0.0, 0.0, 75.0, 0.0, 25.0])  # 33 38 44 | 70
    assert mean_lines(fig) == {"x": pytest.approx(40.5), "x2": pytest.approx(46.25)}
    assert fig.layout.title.text == "Distribution of the stay"
    assert fig.layout.xaxis.title.text == "Stay (min)"


# ---------------------------------------------------------------- access by priority, by hand

ACCESS = patients(
    [
        # a, priority 1: rep 0 booked 2 and 4 days (a no-show is booked too), rep 1 5 days.
        # Replication means 3 and 5: mean 4 (not the pooled 11 / 3), s = √2,
        # half-width t · √2 / √2 = t.
        ("a", 0, "served", 1, 0.0, 2.0),
        ("a", 0, "no_show", 1, NAN, 4.0),
        ("a", 1, "served", 1, 0.0, 5.0),
        # a, priority 2: nobody booked, so no bar
        ("a", 0, "unbooked", 2, NAN, NAN),
        ("a", 1, "unbooked", 2, NAN, NAN),
        # a, priority 3: booked in rep 0 only: mean 1, no interval
        ("a", 0, "served", 3, 0.0, 1.0),
        ("a", 1, "unbooked", 3, NAN, NAN),
        # b, priority 1: replication means 0 and 3: mean 1.5, s = 3 / √2, half-width 1.5 t
        ("b", 0, "served", 1, 0.0, 0.0),
        ("b", 1, "served", 1, 0.0, 3.0),
        ("b", 1, "served", 1, 0.0, 3.0),
        ("b", 1, "cancelled", 1, NAN, 3.0),
        # b, priority 2: replication means 6 and 10: mean 8, s = 2 √2, half-width 2 t
        ("b", 0, "served", 2, 0.0, 6.0),
        ("b", 1, "served", 2, 0.0, 10.0),
        # b, priority 3: no patient at all
    ]
)
# Each bar: labels, means, the interval's reach above the mean and below it (cut at zero:
# days to appointment cannot be negative, so every low end here is 0). Priorities 1 to 3
# are booked: the lowest and the highest say so.
LOW, MIDDLE, HIGH = "Priority 1 (low)", "Priority 2", "Priority 3 (high)"
EXPECTED_ACCESS = {
    "a": ([LOW, HIGH], [4.0, 1.0], [T_975_1, None], [4.0, None]),
    "b": ([LOW, MIDDLE], [1.5, 8.0], [1.5 * T_975_1, 2 * T_975_1], [1.5, 8.0]),
}


def test_access_by_priority_is_the_mean_of_replication_means() -> None:
    fig = figures.access_by_priority(ACCESS, ["a", "b"], "en")
    assert [(trace.type, trace.name) for trace in fig.data] == [("bar", "a"), ("bar", "b")]
    for trace in fig.data:
        labels, means, above, below = EXPECTED_ACCESS[trace.name]
        assert list(trace.x) == labels
        np.testing.assert_allclose(trace.y, means)
        assert trace.error_y.type == "data" and trace.error_y.symmetric is False
        assert list(trace.error_y.array) == [
            None if h is None else pytest.approx(h, rel=1e-12) for h in above
        ]
        assert list(trace.error_y.arrayminus) == below
    assert list(fig.data[0].customdata) == [2, 1]  # replications behind each bar
    assert fig.layout.barmode == "group"
    # Priority 2 appears only for b: the axis keeps the priorities in order anyway.
    assert fig.layout.xaxis.categoryarray == (LOW, MIDDLE, HIGH)
    assert fig.layout.title.text == "Days to appointment by priority"
    assert fig.layout.xaxis.title.text == "Priority"
    assert fig.layout.yaxis.title.text == "Days to appointment (mean)"


def test_access_by_priority_in_spanish() -> None:
    fig = figures.access_by_priority(ACCESS, ["a", "b"], "es")
    assert list(fig.data[1].x) == ["Prioridad 1 (baja)", "Prioridad 2"]
    assert fig.layout.title.text == "Días hasta la cita por prioridad"
    assert fig.layout.xaxis.title.text == "Prioridad"
    assert fig.layout.yaxis.title.text == "Días hasta la cita (media)"


def test_access_by_priority_with_one_replication_has_no_error_bars() -> None:
    fig = figures.access_by_priority(ACCESS[ACCESS["rep"] == 0], ["a", "b"], "en")
    a, b = fig.data
    assert list(a.x) == [LOW, HIGH]
    np.testing.assert_allclose(a.y, [3.0, 1.0])  # 2 and 4 days; 1 day
    np.testing.assert_allclose(b.y, [0.0, 6.0])
    assert a.error_y.array is None and b.error_y.array is None


def test_access_by_priority_draws_a_zero_width_interval() -> None:
    """Two replications with the same mean: the interval is known, and zero wide."""
    table = patients([("a", 0, "served", 1, 0.0, 2.0), ("a", 1, "served", 1, 0.0, 2.0)])
    (trace,) = figures.access_by_priority(table, ["a"], "en").data
    np.testing.assert_allclose(trace.y, [2.0])
    assert list(trace.error_y.array) == [0.0]


def test_access_by_priority_skips_a_policy_nobody_was_booked_with() -> None:
    table = ACCESS[ACCESS["policy"] == "b"]
    fig = figures.access_by_priority(table, ["a", "b"], "en")
    assert [trace.name for trace in fig.data] == ["b"]
    assert figures.access_by_priority(table.iloc[:0], ["a", "b"], "en").data == ()


# ---------------------------------------------------------------- a small real run


@pytest.fixture(scope="module")
def run() -> RunResult:
    """Two days of the bundled clinic, its follow-up class made priority 3: no priority 1."""
    scenario = load(
        "ophthalmology", ["horizon.days=2", "demand.classes.cataract_followup.priority=3"]
    )
    return run_experiment(scenario, RUN_POLICIES, reps=2, workers=1)


def test_figures_of_a_real_run(run: RunResult) -> None:
    table = as_str(run.tables["patients"], "policy", "status")
    served = table[table["status"] == "served"]
    assert set(table["status"]) > {"served"}  # someone not served, left out below

    waiting = figures.waiting_distributions(run.tables["patients"], RUN_POLICIES, "en")
    traces = bars(waiting)
    assert [trace.name for trace in traces] == RUN_POLICIES
    for trace in traces:
        assert sum(trace.y) == pytest.approx(100)
    means = served.groupby("policy")["wait"].mean()
    assert mean_lines(waiting) == {
        "x": pytest.approx(means["fifo"]),
        "x2": pytest.approx(means["fifo:appointment"]),
    }

    booked = table[table["access_days"].notna()]
    assert set(booked["priority"]) == {2, 3}
    per_rep = booked.groupby(["policy", "priority", "rep"])["access_days"].mean()
    access = figures.access_by_priority(run.tables["patients"], RUN_POLICIES, "en")
    assert [trace.name for trace in access.data] == RUN_POLICIES
    for trace in access.data:
        assert list(trace.x) == ["Priority 2 (low)", "Priority 3 (high)"]
        expected = [per_rep[(trace.name, p)].mean() for p in (2, 3)]
        np.testing.assert_allclose(trace.y, expected)
        assert len(trace.error_y.array) == 2


def test_report_of_a_real_run_shows_both_figures(run: RunResult) -> None:
    page = render(run_data(run), "en")
    assert [heading for heading, _ in sections(page)] == HEADINGS["en"]
    (waiting,) = plots(section(page, "Distribution of the total wait"))
    assert [trace["name"] for trace in waiting] == RUN_POLICIES
    (access,) = plots(section(page, "Days to appointment by priority"))
    assert [trace["name"] for trace in access] == RUN_POLICIES
    assert access[0]["x"] == ["Priority 2 (low)", "Priority 3 (high)"]


def test_report_of_a_run_without_the_columns_leaves_the_sections_out(run: RunResult) -> None:
    data = run_data(run)
    tables = dict(data.tables)
    tables["patients"] = tables["patients"].drop(columns=["wait", "access_days"])
    data.tables = tables
    page = render(data, "en")
    missing = {"Distribution of the total wait", "Days to appointment by priority"}
    assert [heading for heading, _ in sections(page)] == [
        heading for heading in HEADINGS["en"] if heading not in missing
    ]
