"""Writing a log: the file's rows, and reading them back gives the same ``EventLog``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.eventlog.log import COLUMNS, STEP_COLUMNS, VISIT_COLUMNS, EventLog
from sim.eventlog.read import read_log
from sim.eventlog.write import log_frame, write_log
from sim.problems import ScenarioError
from tests.support.eventlogs import simulated_log
from tests.support.logfiles import assert_same_log

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}"


@pytest.fixture(scope="module")
def log() -> EventLog:
    return simulated_log("ophthalmology", 3)[1]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".pq"])
def test_a_run_s_log_reads_back_the_same(log: EventLog, tmp_path: Path, suffix: str) -> None:
    path = write_log(log, tmp_path / f"log{suffix}")
    assert path == tmp_path / f"log{suffix}"
    assert_same_log(read_log(path), log)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_the_file_has_a_row_per_step_and_per_visit_with_none(log: EventLog) -> None:
    frame = log_frame(log)
    assert tuple(frame.columns) == COLUMNS
    without_steps = ~log.visits["case"].isin(log.steps["case"])
    assert without_steps.sum() > 0
    assert len(frame) == len(log.steps) + without_steps.sum()
    alone = frame[frame["step"].isna()]
    assert set(alone["case"]) == set(log.visits.loc[without_steps, "case"])
    assert alone[["resource", "member", "start", "end"]].isna().all().all()
    for name in ("appointment", "arrival", "start", "end"):
        assert frame[name].dropna().str.fullmatch(STAMP).all(), name
    assert frame["day"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()


def test_rows_go_by_day_then_visit_then_start(log: EventLog) -> None:
    frame = log_frame(log)
    visit_order = {case: i for i, case in enumerate(log.visits["case"])}
    keys = pd.DataFrame(
        {
            "day": frame["day"],
            "visit": frame["case"].map(visit_order),
            "start": pd.to_datetime(frame["start"], format="ISO8601"),
        }
    )
    expected = keys.sort_values(["day", "visit", "start"], kind="stable", na_position="last")
    assert keys.index.equals(expected.index)
    assert (keys["visit"].diff().fillna(1) != 0).sum() == len(log.visits)  # each visit together


def _small_log(steps: list[tuple[str, str, float, float]], visits: list[dict]) -> EventLog:
    visit_rows = pd.DataFrame(
        [
            {"case": v["case"], "day": v.get("day", 0), "weekday": "mon", "class": "c"}
            | {"protocol": "p", "appointment": v.get("appointment", np.nan)}
            | {"arrival": v.get("arrival", np.nan), "no_show": v.get("no_show", False)}
            for v in visits
        ],
        columns=list(VISIT_COLUMNS),
    )
    step_rows = pd.DataFrame(
        [(case, 0, step, "room", None, start, end) for case, step, start, end in steps],
        columns=list(STEP_COLUMNS),
    )
    return EventLog("small.csv", visit_rows, step_rows, (date(2026, 1, 5),))


def test_a_step_past_midnight_is_on_the_next_date(tmp_path: Path) -> None:
    log = _small_log([("v1", "surgery", 1400.0, 1450.5)], [{"case": "v1", "arrival": 1380.0}])
    frame = log_frame(log)
    assert frame.loc[0, "start"] == "2026-01-05 23:20:00.000"
    assert frame.loc[0, "end"] == "2026-01-06 00:10:30.000"
    back = read_log(write_log(log, tmp_path / "night.csv"))
    assert back.steps.loc[0, "end"] == pytest.approx(1450.5)
    assert back.dates == (date(2026, 1, 5),)


def test_who_came_and_was_not_seen_is_no_no_show(tmp_path: Path) -> None:
    log = _small_log(
        [("v1", "consult", 480.0, 490.0)],
        [
            {"case": "v1", "arrival": 470.0, "appointment": 480.0},
            {"case": "v2", "arrival": 475.0, "appointment": 490.0},
            {"case": "v3", "appointment": 500.0, "no_show": True},
        ],
    )
    back = read_log(write_log(log, tmp_path / "small.parquet"))
    assert back.visits.set_index("case")["no_show"].to_dict() == {
        "v1": False,
        "v2": False,
        "v3": True,
    }


def test_parquet_holds_dates_and_timestamps_typed(log: EventLog, tmp_path: Path) -> None:
    table = pd.read_parquet(write_log(log, tmp_path / "log.parquet"))
    for name in ("appointment", "arrival", "start", "end"):
        assert pd.api.types.is_datetime64_any_dtype(table[name]), name
    assert isinstance(table["day"].iloc[0], date)


def test_an_unknown_suffix_writes_nothing(log: EventLog, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"expected a file ending \.csv, \.parquet or \.pq"):
        write_log(log, tmp_path / "log.xlsx")
    assert list(tmp_path.iterdir()) == []
