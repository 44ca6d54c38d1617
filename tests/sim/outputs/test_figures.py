"""``sim.outputs.figures``: the histograms, access by priority, and what keeps charts honest.

- on hand-made patients tables (two policies, two replications) whose bins, shares,
  means, replication means and t intervals are worked out in the comments;
- on a small real run (``run_experiment``: ophthalmology, 2 days, 2 replications,
  fifo against fifo:appointment), against its tables recomputed with pandas, and in
  the HTML report: the two sections in place, and left out for a patients table
  without their columns;
- honest charts: no error bar of a figure that cannot be negative reaches below zero
  (summaries of replications whose t interval does, cut by ``sim.bounds`` or stored
  uncut), the priority axis lists the scenario's priorities with words only where
  there are several, mean lines name the policy and the value, and clock axes span
  the clinic's hours and the day's events;
- the Gantt chart of a day marks the closing time, each member's shift end that day
  (a roster's Tuesday has its own) and shades the work after closing only when
  there is some: by hand, and on a real run with shorter technician shifts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import metrics
from sim.bounds import UNBOUNDED, Bounds, metric_bounds, t_interval
from sim.experiments.runner import RunResult, run_experiment
from sim.outputs import figures
from sim.outputs.catalogue import figure_metrics, sweep_metrics
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


# ---------------------------------------------------------------- error bars never below zero

# Four replications of 0, 0, 0 and 4 (a share: 0 … 0.04): mean 1, s = 2, so the t interval
# reaches 3.18 below the mean, to −2.18; a figure that cannot be negative cuts it at zero.
SPARSE = [0.0, 0.0, 0.0, 4.0]
RESOURCES = ["doctor", "nurse"]


def sparse_entry(name: str, bounds: Bounds) -> dict[str, Any]:
    """The summary entry of ``SPARSE`` (scaled into [0, 1] for a share) within ``bounds``."""
    share = metric_bounds(name) == (0.0, 1.0)
    values = np.asarray(SPARSE) / (100 if share else 1)
    return metrics.summarise(values, values, bounds)


def sparse_summary(cut: bool) -> dict[str, Any]:
    """Two policies' summaries of ``SPARSE`` for every metric the figures draw with an
    interval; ``cut=False`` gives the uncut t intervals a summary stored before intervals
    were cut at a figure's bounds has."""
    names = [
        "los",
        "overtime",
        *(f"utilisation.{r}" for r in RESOURCES),
        *(m.name for m in figure_metrics("booking")),
        *(m.name for m in sweep_metrics("dashboard")),
    ]
    entry = {name: sparse_entry(name, metric_bounds(name) if cut else UNBOUNDED) for name in names}
    return {"baseline": "a", "policies": {"a": entry, "b": entry}}


def lower_ends(fig: Any) -> list[float]:
    """The low end of every error bar of the figure (the value less its reach below)."""
    ends = []
    for trace in fig.data:
        for axis in ("x", "y"):
            bars = getattr(trace, f"error_{axis}", None)
            if bars is None or bars.arrayminus is None:
                continue
            values = getattr(trace, axis)
            ends += [v - m for v, m in zip(values, bars.arrayminus, strict=True) if m is not None]
    return ends


def summary_figures(summary: dict[str, Any]) -> list[Any]:
    """Every figure of the clinic and of its sweeps that draws a summary's intervals."""
    sweep = {"variants": {v: {"summary": summary} for v in ("x=1", "x=2")}}
    labels = {"x=1": "1", "x=2": "2"}
    return [
        figures.utilisation_by_resource(summary, ["a", "b"], RESOURCES, "en"),
        figures.booking_outcomes(summary, ["a", "b"], "en"),
        figures.stay_overtime_frontier(sweep, labels, "en"),
        *(figures.sweep_metric(sweep, m, labels, "en") for m in sweep_metrics("dashboard")),
    ]


@pytest.mark.parametrize("cut", [True, False], ids=["summary", "summary-stored-before-cutting"])
def test_no_error_bar_reaches_below_zero(cut: bool) -> None:
    """The t interval of ``SPARSE`` goes below zero; drawn, every bar stops at zero
    exactly (its low end the bound), whether the summary cut it or not."""
    assert t_interval(np.asarray(SPARSE))[0] == pytest.approx(1 - 3.182446 * 2 / 2)
    drawn = summary_figures(sparse_summary(cut))
    assert len(drawn) == 3 + len(sweep_metrics("dashboard"))
    for fig in drawn:
        ends = lower_ends(fig)
        assert ends, fig.layout.title.text
        assert ends == pytest.approx([0.0] * len(ends), abs=1e-12), fig.layout.title.text


def test_access_error_bars_stop_at_zero() -> None:
    """Replication means 0 and 3 (b, priority 1) have a t interval down to 1.5 − 19;
    drawn, the bar stops at zero."""
    fig = figures.access_by_priority(ACCESS, ["a", "b"], "en")
    ends = lower_ends(fig)
    assert len(ends) == 3  # a: priority 1; b: priorities 1 and 2
    assert min(ends) == 0.0
    assert all(end >= 0 for end in ends)


def test_a_bar_within_bounds_keeps_its_interval() -> None:
    """Cutting changes nothing where the interval is inside the bounds."""
    entry = {"mean": 5.0, "ci95": [3.0, 8.0]}
    bars = figures.interval_bars([entry], 2.0, (0.0, math.inf))
    assert bars["arrayminus"] == [4.0] and bars["array"] == [6.0]
    share = figures.interval_bars([{"mean": 0.9, "ci95": [0.7, 1.3]}], 100, (0.0, 1.0))
    assert share["array"] == [pytest.approx(10.0)]  # a share stops at 100 %


# ---------------------------------------------------------------- only the scenario's priorities


def test_the_priority_axis_lists_the_scenarios_priorities(run: RunResult) -> None:
    """The run's scenario moved its follow-ups from priority 1 to 3: priorities 2 and 3."""
    scenario = run.scenario
    assert figures.scenario_priorities(load("ophthalmology")) == [1, 2]
    assert figures.scenario_priorities(scenario) == [2, 3]
    fig = figures.access_by_priority(
        run.tables["patients"], RUN_POLICIES, "es", figures.scenario_priorities(scenario)
    )
    assert fig.layout.xaxis.categoryarray == ("Prioridad 2 (baja)", "Prioridad 3 (alta)")
    assert {x for trace in fig.data for x in trace.x} == set(fig.layout.xaxis.categoryarray)
    assert fig.layout.xaxis.title.text == "Prioridad"


def test_a_priority_nobody_was_booked_with_stays_on_the_axis() -> None:
    only_b = ACCESS[ACCESS["policy"] == "b"]  # priorities 1 and 2 booked
    fig = figures.access_by_priority(only_b, ["a", "b"], "en", [1, 2, 3])
    assert fig.layout.xaxis.categoryarray == (LOW, MIDDLE, HIGH)
    assert list(fig.data[0].x) == [LOW, MIDDLE]


def test_one_priority_has_no_words_and_other_priorities_are_left_out() -> None:
    fig = figures.access_by_priority(ACCESS, ["a", "b"], "en", [2])
    assert fig.layout.xaxis.categoryarray == ("Priority 2",)
    assert [(trace.name, list(trace.x)) for trace in fig.data] == [("b", ["Priority 2"])]
    two = figures.priority_labels([3, 1], "en")
    assert two == {1: "Priority 1 (low)", 3: "Priority 3 (high)"}


# ---------------------------------------------------------------- labelled mean lines


def test_mean_lines_say_which_policy_and_what_value() -> None:
    """Each dashed line carries an annotation on its own panel, at its x, naming the
    policy and its mean (waits: 10.5 and 16.25 minutes, shown whole)."""
    for lang, words in (("en", "mean {} min"), ("es", "media {} min")):
        fig = figures.waiting_distributions(WAITS, ["a", "b"], lang)
        notes = {a.xref: (a.x, a.text) for a in fig.layout.annotations if a.xref != "paper"}
        assert notes == {
            "x": (pytest.approx(10.5), words.format("a: 10")),
            "x2": (pytest.approx(16.25), words.format("b: 16")),
        }
        assert notes.keys() == mean_lines(fig).keys()
    stay = figures.stay_distributions(WAITS, ["a", "b"], "en")
    assert [a.text for a in stay.layout.annotations if a.xref != "paper"] == [
        "mean a: 40 min",  # 40.5
        "mean b: 46 min",  # 46.25
    ]


# ---------------------------------------------------------------- the Gantt chart, by hand

OPHTHALMOLOGY_HOURS = figures.ClinicHours(450, 930)  # 07:30–15:30
# Day 0: the doctor works until 15:50, past closing; two nurses, shifts until 14:00.
# Day 1: the roster has one nurse; everything ends by 15:00.
GANTT_STEPS = pd.DataFrame(
    [
        # (day, resource, member, step, patient, start, end)
        (0, "doctor", 0, "consult", 0, 450.0, 600.0),
        (0, "doctor", 0, "consult", 1, 880.0, 950.0),
        (0, "nurse", 0, "triage", 0, 440.0, 450.0),
        (0, "nurse", 1, "triage", 1, 860.0, 870.0),
        (1, "doctor", 0, "consult", 2, 500.0, 900.0),
        (1, "nurse", 0, "triage", 2, 480.0, 490.0),
    ],
    columns=["day", "resource", "member", "step", "patient", "start", "end"],
).assign(policy="p", rep=0)
GANTT_ROSTER = pd.DataFrame(
    [
        # (day, resource, member, member_name, shift_start, shift_end)
        (0, "doctor", 0, "Dr A", 450, 930),
        (0, "nurse", 0, "N 1", 450, 840),
        (0, "nurse", 1, "N 2", 450, 840),
        (1, "doctor", 0, "Dr A", 450, 930),
        (1, "nurse", 0, "N 1", 450, 840),
    ],
    columns=["day", "resource", "member", "member_name", "shift_start", "shift_end"],
).assign(policy="p", rep=0)
ORDER = ["triage", "consult"]


def gantt(day: int, lang: str = "en", hours: Any = OPHTHALMOLOGY_HOURS) -> Any:
    return figures.day_gantt(GANTT_STEPS, GANTT_ROSTER, "p", 0, day, ORDER, lang, hours)


def shift_marks(fig: Any) -> list[tuple[str, float]]:
    (marks,) = [trace for trace in fig.data if trace.type == "scatter"]
    return list(zip(marks.y, marks.x, strict=True))


def closing_lines(fig: Any) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]


def overtime_shades(fig: Any) -> list[tuple[float, float]]:
    return [(s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect"]


def test_gantt_marks_closing_shift_ends_and_the_work_after_closing() -> None:
    fig = gantt(0)
    assert closing_lines(fig) == [930]
    assert shift_marks(fig) == [("Dr A (doctor)", 930), ("N 1 (nurse)", 840), ("N 2 (nurse)", 840)]
    assert overtime_shades(fig) == [(930, 950)]  # from closing to the last work, 15:50
    names = {s.name for s in fig.layout.shapes if s.showlegend}
    assert names == {"Closing 15:30", "Work after closing (overtime), until 15:50"}
    notes = {a.text for a in fig.layout.annotations}
    assert notes == names
    assert [t.name for t in fig.data] == ["triage", "consult", "Shift end"]
    assert fig.layout.xaxis.range == (420, 960)  # 07:00 (first work 07:20) to 16:00
    assert list(fig.layout.xaxis.ticktext) == [f"{h:02d}:00" for h in range(7, 17)]


def test_gantt_without_work_after_closing_has_no_shade() -> None:
    """Day 1 ends at 15:00: the closing line, no overtime; one nurse on the roster, one
    mark for her."""
    fig = gantt(1)
    assert closing_lines(fig) == [930]
    assert overtime_shades(fig) == []
    assert shift_marks(fig) == [("Dr A (doctor)", 930), ("N 1 (nurse)", 840)]
    assert fig.layout.xaxis.range == (420, 960)  # closing at 15:30 still in view


def test_gantt_marks_in_spanish_and_without_the_clinics_hours() -> None:
    fig = gantt(0, "es")
    assert {a.text for a in fig.layout.annotations} == {
        "Cierre 15:30",
        "Trabajo tras el cierre (horas extra), hasta 15:50",
    }
    assert fig.data[-1].name == "Fin de turno"
    bare = gantt(0, hours=None)  # the shifts are in the tables, the closing is not
    assert bare.layout.shapes == () and len(shift_marks(bare)) == 3


# ---------------------------------------------------------------- clock axes of a real day


@pytest.fixture(scope="module")
def shifted_run() -> RunResult:
    """Two days (Monday, Tuesday) of the bundled clinic under fifo, its technicians on
    shift 07:30–14:00 and three of them on Tuesdays."""
    overrides = [
        "horizon.days=2",
        "resources.technician.roster.tue=3",
        "resources.technician.hours.start=07:30",
        "resources.technician.hours.end=14:00",
    ]
    return run_experiment(load("ophthalmology", overrides), ["fifo"], reps=1, workers=1)


def test_gantt_of_the_clinic_fits_its_hours_and_marks_each_days_shifts(
    shifted_run: RunResult,
) -> None:
    steps, resources = (
        as_str(shifted_run.tables["steps"], "policy", "resource"),
        as_str(shifted_run.tables["resources"], "policy", "resource"),
    )
    hours = figures.clinic_hours(shifted_run.scenario)
    assert hours == (450, 930)
    order = shifted_run.scenario.step_ids()
    lasts = []
    for day, technicians in ((0, 4), (1, 3)):
        fig = figures.day_gantt(steps, resources, "fifo", 0, day, order, "en", hours)
        work = steps[(steps["day"] == day) & steps["resource"].notna()]
        first, last = work["start"].min(), work["end"].max()
        assert first >= 450 and last < 17 * 60  # the day's events: 07:30 to 16:xx at most
        # from 07:00 to the hour after the later of closing (15:30) and the last work
        assert fig.layout.xaxis.range == (420, 60 * math.ceil(max(last, 930) / 60))
        marks = shift_marks(fig)
        ends = {label.split(" (")[1]: x for label, x in marks}
        assert ends == {"admissions)": 930, "technician)": 840, "ophthalmologist)": 930}
        assert sum(label.endswith("(technician)") for label, _ in marks) == technicians
        assert closing_lines(fig) == [930]
        shaded = [(930, pytest.approx(last))] if last > 930 else []
        assert overtime_shades(fig) == shaded
        lasts.append(last)
    assert lasts[0] > 930 > lasts[1]  # Monday runs past closing, Tuesday does not


def test_queue_and_heatmap_axes_span_opening_to_the_last_event(shifted_run: RunResult) -> None:
    steps = shifted_run.tables["steps"]
    staffed = steps[steps["resource"].notna()]
    hours = figures.clinic_hours(shifted_run.scenario)
    queue = figures.queue_through_day(steps, ["fifo"], ["technician"], "en", hours)
    first = min(450, staffed["ready"].min())  # patients ready before opening are waiting
    last = max(930, staffed["start"].max())
    assert queue.layout.xaxis.range == (60 * (first // 60), 60 * math.ceil(last / 60))
    assert queue.data[0].x[0] == queue.layout.xaxis.range[0]
    assert queue.data[0].x[-1] >= queue.layout.xaxis.range[1]

    heatmap = figures.utilisation_heatmap(
        steps, shifted_run.tables["resources"], "fifo", "en", hours
    )
    columns = list(heatmap.data[0].x)
    assert columns[0] == "07:00"  # work and shifts start at 07:30
    assert columns[-1] == f"{math.ceil(staffed['end'].max() / 60) - 1:02d}:00"
