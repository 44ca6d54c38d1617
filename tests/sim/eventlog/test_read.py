"""Reading a log file: every convention reads the same log, and every bad input is named.

The same simulated log (a bundled scenario's, with no-shows, steps that need nobody and
members of staff) is written in clinicsim's names, pm4py's (interval and lifecycle),
the common tools' and a Spanish spreadsheet's (semicolons, Windows-1252, a mapping
file), with clock times of a day column, without a day column, and as Parquet: each
reads back as the same ``EventLog``. A small hand-written log then goes wrong one way at
a time; each problem names its row (the header is row 1) and column, through
``read_log`` and through the command line (exit 2, nothing written).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.eventlog.columns import read_mapping
from sim.eventlog.log import COLUMNS, EventLog
from sim.eventlog.read import MAX_PROBLEMS, read_log
from sim.eventlog.write import log_frame
from sim.problems import ScenarioError
from tests.support.eventlogs import simulated_log
from tests.support.logfiles import (
    assert_same_log,
    clock_times,
    lifecycle_events,
    pm4py_interval,
)

BAD_INPUT = 2


@pytest.fixture(scope="module")
def log() -> EventLog:
    return simulated_log("ophthalmology", 3)[1]


def test_the_simulated_log_has_what_the_conventions_must_carry(log: EventLog) -> None:
    """No-shows, steps needing nobody, members of staff, appointments."""
    assert log.visits["no_show"].any()
    assert log.steps["resource"].isna().any()
    assert log.steps["member"].notna().any()
    assert log.visits["appointment"].notna().all()


# ---------------------------------------------------------------- the same log, every way


def test_clinicsim_names_in_any_case_spacing_and_underscores(log: EventLog, tmp_path: Path):
    frame = log_frame(log)
    frame.columns = [
        f" {name.upper()}_ " if i % 2 else name.title() for i, name in enumerate(COLUMNS)
    ]
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    assert_same_log(read_log(path), log)


def test_pm4py_interval_log(log: EventLog, tmp_path: Path) -> None:
    """pm4py's names, with the lifecycle column it writes saying complete on every row."""
    path = tmp_path / "pm4py.csv"
    pm4py_interval(log).to_csv(path, index=False)
    assert_same_log(read_log(path), log)


def test_pm4py_lifecycle_log_pairs_starts_with_completes(log: EventLog, tmp_path: Path):
    path = tmp_path / "events.csv"
    events = lifecycle_events(log)
    assert len(events) == 2 * len(log.steps) + int(
        (~log.visits["case"].isin(log.steps["case"])).sum()
    )
    events.to_csv(path, index=False)
    assert_same_log(read_log(path), log)


def test_common_tool_names_with_a_flag_for_the_rest(log: EventLog, tmp_path: Path) -> None:
    names = {
        "case": "Case ID",
        "step": "Activity",
        "resource": "Resource",
        "start": "Start Timestamp",
        "end": "Complete Timestamp",
        "member": "Staff",
    }
    path = tmp_path / "disco.csv"
    log_frame(log).rename(columns=names).to_csv(path, index=False)
    assert_same_log(read_log(path, {"member": "Staff"}), log)


def test_semicolon_windows_spreadsheet_with_a_mapping_file(log: EventLog, tmp_path: Path):
    """A Spanish Excel export: semicolons, Windows-1252, the clinic's own column names."""
    spanish = ["Visita", "Fecha", "Clase", "Protocolo", "Cita", "Llegada", "Actividad"]
    spanish += ["Recurso", "Profesional", "Inicio", "Fin"]
    path = tmp_path / "registro.csv"
    log_frame(log).set_axis(spanish, axis=1).to_csv(path, index=False, sep=";", encoding="cp1252")
    assert "ó".encode("cp1252") in path.read_bytes()  # the members' names are not UTF-8 here
    mapping_file = tmp_path / "columnas.yaml"
    mapping_file.write_text(
        "\n".join(f"{name}: {column}" for name, column in zip(COLUMNS, spanish, strict=True)),
        encoding="utf-8",
    )
    mapping = read_mapping(mapping_file)
    assert mapping == dict(zip(COLUMNS, spanish, strict=True))
    assert_same_log(read_log(path, mapping), log)


def test_clock_times_of_a_day_column(log: EventLog, tmp_path: Path) -> None:
    path = tmp_path / "clock.csv"
    frame = clock_times(log)
    assert frame["start"].dropna().str.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}").all()
    frame.to_csv(path, index=False)
    assert_same_log(read_log(path), log)


def test_timestamps_without_a_day_column_date_each_visit(log: EventLog, tmp_path: Path):
    """A visit's date from its arrival, else its first start, else its appointment (a
    no-show's)."""
    path = tmp_path / "no-day.csv"
    log_frame(log).drop(columns="day").to_csv(path, index=False)
    assert_same_log(read_log(path), log)


@pytest.mark.parametrize("suffix", [".parquet", ".pq"])
def test_parquet_with_text_or_typed_timestamps(log: EventLog, tmp_path: Path, suffix: str):
    text = tmp_path / f"text{suffix}"
    log_frame(log).to_parquet(text, index=False)
    typed = tmp_path / f"typed{suffix}"
    frame = log_frame(log)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    for name in ("appointment", "arrival", "start", "end"):
        frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    frame.to_parquet(typed, index=False)
    assert pd.api.types.is_datetime64_any_dtype(pd.read_parquet(typed)["start"])
    assert_same_log(read_log(text), log)
    assert_same_log(read_log(typed), log)


# ---------------------------------------------------------------- a small log, by hand

HEADER = "case,day,arrival,step,resource,member,start,end"
GOOD = [
    "v1,2026-01-05,07:30,registration,admissions,Ana,07:35,07:40",  # row 2
    "v1,2026-01-05,07:30,drops,,,07:40,08:10",  # 3: needs nobody, beside acuity
    "v1,2026-01-05,07:30,acuity,technician,Luis,07:40,07:50",  # 4: touches registration
    "v2,2026-01-05,07:45,registration,admissions,Ana,07:45,07:50",  # 5
    "v3,2026-01-06,,,,,,",  # 6: a no-show
    "v4,2026-01-06,07:30,registration,admissions,Ana,07:35,07:40",  # 7: Ana, the next day
    "v5,2026-01-06,07:20,,,,,",  # 8: came, was never seen
]


def _write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _with(row: int, column: str, value: str, lines: list[str] = GOOD) -> list[str]:
    """``lines`` with the cell at spreadsheet ``row`` of ``column`` changed."""
    changed = list(lines)
    cells = changed[row - 2].split(",")
    cells[HEADER.split(",").index(column)] = value
    changed[row - 2] = ",".join(cells)
    return changed


def test_a_good_log_reads_into_visits_and_steps(tmp_path: Path) -> None:
    log = read_log(_write(tmp_path, GOOD))
    assert log.dates == (date(2026, 1, 5), date(2026, 1, 6))
    visits = log.visits.set_index("case")
    assert list(log.visits["case"]) == ["v1", "v2", "v3", "v4", "v5"]
    assert list(visits["day"]) == [0, 0, 1, 1, 1]
    assert list(visits["weekday"]) == ["mon", "mon", "tue", "tue", "tue"]
    assert list(visits["no_show"]) == [False, False, True, False, False]
    assert visits.loc["v1", "arrival"] == 7 * 60 + 30
    assert np.isnan(visits.loc["v3", "arrival"])
    steps = log.steps
    assert list(zip(steps["case"], steps["step"], strict=True)) == [
        ("v1", "registration"),
        ("v1", "drops"),
        ("v1", "acuity"),
        ("v2", "registration"),
        ("v4", "registration"),
    ]
    assert list(steps["start"]) == [455, 460, 460, 465, 455]
    assert pd.isna(steps.loc[1, "resource"]) and pd.isna(steps.loc[1, "member"])


def test_blank_rows_and_one_instant_in_two_forms_are_no_problem(tmp_path: Path) -> None:
    """A spreadsheet's trailing empty rows, and a visit's arrival given as a clock time on
    one row and as a timestamp on another."""
    lines = [*GOOD, "v1,2026-01-05,2026-01-05 07:30:00.000,,,,,", ",,,,,,,", ",,,,,,,"]
    assert_same_log(read_log(_write(tmp_path, lines)), read_log(_write(tmp_path, GOOD)))


def test_a_step_past_midnight_ends_after_minute_1440(tmp_path: Path) -> None:
    lines = ["v1,,2026-01-05 23:30,surgery,surgeon,Eva,2026-01-05 23:40,2026-01-06 00:25"]
    log = read_log(_write(tmp_path, lines))
    assert log.dates == (date(2026, 1, 5),)
    assert log.steps.loc[0, "start"] == 23 * 60 + 40
    assert log.steps.loc[0, "end"] == 24 * 60 + 25


def test_time_forms_iso_t_fractions_and_offsets(tmp_path: Path) -> None:
    """``T``, fractions of a second and a UTC offset (ignored: the wall clock counts)."""
    lines = [
        "v1,,,a,room,,2026-01-05T07:41:12.500,2026-01-05 07:50+01:00",
        "v1,,,b,room,,2026-01-05 08:00:00Z,08:30",
        "v1,2026-01-05,,,,,,",
    ]
    log = read_log(_write(tmp_path, lines))
    assert log.steps["start"].tolist() == pytest.approx([7 * 60 + 41.2 + 1 / 120, 480])
    assert log.steps["end"].tolist() == pytest.approx([470, 510])


BAD_CASES = {
    "unreadable time": (
        _with(4, "start", "07:4x"),
        "row 4, column 'start'",
        "not a time: '07:4x'",
    ),
    "ends before it starts": (
        _with(4, "end", "07:39"),
        "row 4, column 'end'",
        "ends before it starts (07:39 < 07:40)",
    ),
    "a patient in two steps": (
        _with(4, "start", "07:38"),
        "row 4, column 'start'",
        "visit 'v1' is in two steps at once: 'acuity' starts at 07:38, before "
        "'registration' (row 2) ends at 07:40",
    ),
    "a member in two places": (
        _with(5, "start", "07:36"),
        "row 5, column 'member'",
        "'Ana' (admissions) is in two places at once: 'registration' of visit 'v2' starts "
        "at 07:36, before 'registration' of visit 'v1' (row 2) ends at 07:40",
    ),
    "a member without a resource": (
        _with(4, "resource", ""),
        "row 4, column 'resource'",
        "a member ('Luis') but no resource",
    ),
    "a visit's arrival differs": (
        _with(3, "arrival", "07:31"),
        "row 3, column 'arrival'",
        "visit 'v1' gives '07:31' here but '07:30' on row 2",
    ),
    "a visit's day differs": (
        _with(3, "day", "2026-01-06"),
        "row 3, column 'day'",
        "visit 'v1' gives '2026-01-06' here but '2026-01-05' on row 2",
    ),
    "an empty start": (_with(4, "start", ""), "row 4, column 'start'", "empty: a step needs"),
    "a time with no step": (
        _with(8, "start", "09:00"),
        "row 8, column 'step'",
        "a time but no step",
    ),
    "no case": (_with(5, "case", ""), "row 5, column 'case'", "empty: every row names its visit"),
    "an unreadable day": (
        _with(6, "day", "06/01/2026"),
        "row 6, column 'day'",
        "not a date: '06/01/2026'",
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_each_bad_log_names_the_row_and_column(case: str, tmp_path: Path, capsys) -> None:
    lines, where, message = BAD_CASES[case]
    path = _write(tmp_path, lines)
    with pytest.raises(ScenarioError) as raised:
        read_log(path)
    assert f"{path}: {where}: {message}" in str(raised.value)
    assert len(raised.value.problems) == 1, str(raised.value)
    out = tmp_path / "checked.csv"
    assert main(["export-log", str(path), "--out", str(out)]) == BAD_INPUT
    assert f"error: {path}: {where}: {message}" in capsys.readouterr().err
    assert not out.exists()


def test_the_good_log_passes_the_command_line_too(tmp_path: Path, capsys) -> None:
    """The control of the cases above: the same command writes the good log."""
    out = tmp_path / "checked.csv"
    assert main(["export-log", str(_write(tmp_path, GOOD)), "--out", str(out)]) == 0
    assert "5 visits (1 no-shows), 5 steps, 2 days from 2026-01-05" in capsys.readouterr().out
    assert_same_log(read_log(out), read_log(_write(tmp_path, GOOD)))


def test_an_overlap_is_found_past_a_shorter_step_in_between(tmp_path: Path) -> None:
    """A long step overlaps two later ones, the second of which starts after the first
    ends: both are named, each against the long one."""
    lines = [
        "v1,2026-01-05,07:30,consult,doctor,,07:35,08:30",
        "v1,2026-01-05,07:30,acuity,technician,,07:40,07:50",
        "v1,2026-01-05,07:30,biometry,technician,,08:00,08:10",
    ]
    with pytest.raises(ScenarioError) as raised:
        read_log(_write(tmp_path, lines))
    lines_said = str(raised.value).splitlines()
    assert len(lines_said) == 2
    assert "row 3, column 'start'" in lines_said[0] and "'consult' (row 2)" in lines_said[0]
    assert "row 4, column 'start'" in lines_said[1] and "'consult' (row 2)" in lines_said[1]


def test_clock_times_need_a_day(tmp_path: Path) -> None:
    header = "case,arrival,step,resource,member,start,end"
    path = _write(tmp_path, ["v1,07:30,acuity,technician,Luis,07:40,07:50"], header)
    with pytest.raises(ScenarioError) as raised:
        read_log(path)
    said = str(raised.value)
    assert "row 2, column 'start': a clock time (07:40) needs a day column" in said
    assert "row 2, column 'arrival'" in said


def test_missing_columns_are_listed_with_those_found_and_the_flag(tmp_path: Path) -> None:
    path = _write(tmp_path, ["v1,Acuity,2026-01-05 07:40"], "VisitID,Activity,Begin")
    with pytest.raises(ScenarioError) as raised:
        read_log(path)
    said = str(raised.value)
    assert "row 1: no column for 'case', 'start', 'end'" in said
    assert "the file's columns are 'VisitID', 'Activity', 'Begin'" in said
    assert "--column" in said and "--columns FILE" in said
    mapped = read_log(
        path.with_name("log.csv"), {"case": "VisitID", "start": "Begin", "end": "Begin"}
    )
    assert mapped.steps.loc[0, "step"] == "Acuity"


def test_a_mapping_naming_no_column_or_an_unknown_name(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    with pytest.raises(ScenarioError, match=r"row 1: no column 'Fin' \(mapped to 'end'\)"):
        read_log(path, {"end": "Fin"})
    with pytest.raises(ScenarioError, match=r"ending: unknown column name; expected one of"):
        read_log(path, {"ending": "end"})
    mapping = tmp_path / "map.yaml"
    mapping.write_text("case: VisitID\nfinish: Fin\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"map.yaml: finish: unknown column name"):
        read_mapping(mapping)


def test_lifecycle_events_unpaired_or_unknown(tmp_path: Path) -> None:
    header = "case:concept:name,concept:name,org:role,lifecycle:transition,time:timestamp"
    lines = [
        "v1,acuity,technician,start,2026-01-05 07:40",  # 2: never completes
        "v1,consult,doctor,start,2026-01-05 08:00",  # 3
        "v1,consult,doctor,complete,2026-01-05 08:10",  # 4
        "v1,consult,doctor,suspend,2026-01-05 08:05",  # 5
        "v2,consult,doctor,complete,2026-01-05 09:10",  # 6: never started
    ]
    with pytest.raises(ScenarioError) as raised:
        read_log(_write(tmp_path, lines, header))
    said = str(raised.value)
    column = "column 'lifecycle:transition'"
    assert f"row 2, {column}: 'acuity' of visit 'v1' has no complete" in said
    assert f"row 5, {column}: expected start or complete" in said
    assert f"row 6, {column}: 'consult' of visit 'v2' has no start" in said
    assert "row 3" not in said and "row 4" not in said


def test_many_problems_show_the_first_and_count_the_rest(tmp_path: Path) -> None:
    lines = [f"v{i},2026-01-05,07:30,acuity,technician,,07:40,07:3{i % 10}" for i in range(30)]
    with pytest.raises(ScenarioError) as raised:
        read_log(_write(tmp_path, lines))
    problems = raised.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].path == "row 2, column 'end'"
    assert problems[-1].message == f"… and {30 - MAX_PROBLEMS} more"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "absent.csv", "no such file"),
        ("", "empty.csv", "the file is empty"),
        (HEADER + "\n", "header.csv", "row 2: no rows"),
        ("a,b\n", "log.txt", "expected a .csv, .parquet or .pq file, got '.txt'"),
        ("not parquet", "log.parquet", "cannot be read as Parquet"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: str | None, name: str, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        read_log(path)
