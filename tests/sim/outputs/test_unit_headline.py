"""A unit run's headline figures and its congestion note.

The figures are the unit summary's own numbers (means, intervals, paired changes
against the baseline); the note says the unit was not congested exactly when the
most beds and chairs ever taken stay below 85 % of each, in Spanish and English.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.experiments.unit_runner import UnitRun, run_unit
from sim.outputs.headline import UNIT_HEADLINES, unit_headlines
from sim.outputs.unit_tables import QUIET_PEAK, Peak, is_quiet, peaks, quiet_note
from sim.unit.scenario import load_unit

QUICK = ["policies.grasp.iterations=5"]


@pytest.fixture(scope="module")
def quiet_run() -> UnitRun:
    """The bundled unit: Table 3's 16 patients for 17 beds and 23 chairs."""
    return run_unit(load_unit("day_hospital", QUICK), ["fifo", "grasp"], 2)


def test_the_unit_figures_are_the_summarys(quiet_run: UnitRun) -> None:
    summary = quiet_run.summary
    shown = unit_headlines(summary)
    assert list(shown) == list(UNIT_HEADLINES)  # the bundled unit has beds and chairs
    for metric, rows in shown.items():
        assert [row.policy for row in rows] == ["fifo", "grasp"]
        fifo, grasp = rows
        assert fifo.mean == summary["policies"]["fifo"][metric]["mean"]
        assert list(fifo.ci95) == summary["policies"]["fifo"][metric]["ci95"]
        assert fifo.change is None and fifo.reference is None
        assert grasp.mean == summary["policies"]["grasp"][metric]["mean"]
        assert grasp.change == summary["paired"]["grasp"][metric]
        assert grasp.reference == fifo.mean


def test_a_unit_without_chairs_has_no_chair_card() -> None:
    beds_only = load_unit("day_hospital", [*QUICK, "unit.chairs=0"])
    summary = run_unit(beds_only, ["fifo"], 1).summary
    assert "chair_occupancy" not in unit_headlines(summary)
    assert "bed_occupancy" in unit_headlines(summary)


def test_better_and_worse_follow_the_figures_side() -> None:
    def row(metric: str, diff: float) -> bool | None:
        summary = {
            "baseline": "fifo",
            "policies": {
                spec: {metric: {"mean": 1.0, "ci95": [0.5, 1.5]}} for spec in ("fifo", "mip")
            },
            "paired": {"mip": {metric: {"diff": diff, "ci95": [diff - 0.1, diff + 0.1]}}},
        }
        return unit_headlines(summary)[metric][1].better

    assert row("wait_blocks.p3", -1.0) is True and row("wait_blocks", 1.0) is False
    assert row("admitted", 1.0) is True and row("pending", 1.0) is False
    assert row("bed_occupancy", 0.3) is None  # fuller beds are neither better nor worse
    assert row("admitted", 0.05) is None  # an interval that holds zero


# ---------------------------------------------------------------- the congestion note


def blocks(beds: list[int], chairs: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"beds": beds, "chairs": chairs})


def test_peaks_are_the_most_places_taken_of_each_kind_the_unit_has() -> None:
    table = blocks([0, 3, 1], [5, 2, 0])
    assert peaks(table, beds=17, chairs=23) == [Peak("beds", 3, 17), Peak("chairs", 5, 23)]
    assert peaks(table, beds=0, chairs=10) == [Peak("chairs", 5, 10)]
    assert peaks(table, beds=0, chairs=0) == []


def test_quiet_means_every_peak_below_the_threshold() -> None:
    assert QUIET_PEAK == 0.85
    assert is_quiet([Peak("beds", 16, 20), Peak("chairs", 0, 5)])  # 80 %
    assert not is_quiet([Peak("beds", 17, 20), Peak("chairs", 0, 5)])  # 85 % is congested
    assert not is_quiet([Peak("beds", 1, 20), Peak("chairs", 5, 5)])  # one full is enough
    assert not is_quiet([])  # no beds nor chairs: nothing to say


def test_the_bundled_unit_says_it_is_not_congested(quiet_run: UnitRun) -> None:
    table = quiet_run.tables["blocks"]
    beds, chairs = int(table["beds"].max()), int(table["chairs"].max())
    assert beds / 17 < QUIET_PEAK and chairs / 23 < QUIET_PEAK
    spanish, english = quiet_note(quiet_run, "es"), quiet_note(quiet_run, "en")
    assert spanish is not None and english is not None
    assert spanish.startswith("La unidad no está congestionada")
    assert f"{beds} de 17 camas" in spanish and f"{chairs} de 23 sillones" in spanish
    assert "las políticas no pueden diferir" in spanish and "85 %" in spanish
    assert english.startswith("The unit is not congested")
    assert f"{beds} of 17 beds" in english and f"{chairs} of 23 chairs" in english
    assert "the policies cannot differ" in english


def test_a_unit_whose_beds_fill_has_no_note() -> None:
    full = run_unit(load_unit("day_hospital", [*QUICK, "unit.beds=2"]), ["fifo"], 2)
    assert int(full.tables["blocks"]["beds"].max()) == 2
    assert quiet_note(full, "es") is None and quiet_note(full, "en") is None
