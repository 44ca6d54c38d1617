"""``clinicsim export-log``: a run's log as a file, by directory or stored id; bad
arguments are exit 2 naming what exists, and nothing written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.eventlog.export import START_DATE, run_event_log
from sim.eventlog.read import read_log
from sim.outputs.rundir import RunData, load_run
from tests.support.cli import assert_ok, clinicsim
from tests.support.logfiles import assert_same_log

POLICIES = ("fifo", "fifo:appointment")
REPS = 2
BAD_INPUT = 2


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "run"
    args = ["run", "ophthalmology", "--reps", str(REPS), "--workers", "1"]
    args += ["--set", "horizon.days=3", "-p", POLICIES[0], "-p", POLICIES[1], "--out", str(out)]
    assert_ok(clinicsim(*args))
    return out


@pytest.fixture(scope="module")
def run(run_dir: Path) -> RunData:
    return load_run(run_dir)


def test_the_baseline_s_first_replication_by_default(run_dir: Path, run: RunData, tmp_path):
    out = tmp_path / "log.csv"
    result = clinicsim("export-log", str(run_dir), "--out", str(out))
    assert_ok(result)
    expected = run_event_log(run.tables, run.scenario, POLICIES[0], 0)
    visits, steps = len(expected.visits), len(expected.steps)
    no_shows = int(expected.visits["no_show"].sum())
    assert result.stdout.strip() == (
        f"wrote {out}: {visits} visits ({no_shows} no-shows), {steps} steps, 3 days from "
        f"{START_DATE} (policy {POLICIES[0]}, replication 0)"
    )
    assert_same_log(read_log(out), expected)


def test_a_policy_replication_and_start_date_to_parquet(
    run_dir: Path, run: RunData, tmp_path: Path, capsys
) -> None:
    """A start on a Wednesday moves to the next Monday: working day 0 was a Monday."""
    out = tmp_path / "log.parquet"
    args = ["--policy", POLICIES[1], "--rep", "1", "--start-date", "2026-03-04"]
    assert main(["export-log", str(run_dir), "--out", str(out), *args]) == 0
    monday = date(2026, 3, 9)
    assert "3 days from 2026-03-09 (policy fifo:appointment, replication 1)" in (
        capsys.readouterr().out
    )
    log = read_log(out)
    assert log.dates[0] == monday
    assert_same_log(log, run_event_log(run.tables, run.scenario, POLICIES[1], 1, start=monday))
    other = run_event_log(run.tables, run.scenario, POLICIES[0], 1, start=monday)
    assert len(log.steps) != len(other.steps) or not log.steps.equals(other.steps)


def test_a_stored_run_by_its_id(run_dir: Path, run: RunData, tmp_path: Path, capsys) -> None:
    assert main(["runs", "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    (ident,) = [r["id"] for r in stored if Path(r["dir"]) == run_dir]
    out = tmp_path / "log.csv"
    assert main(["export-log", ident[:8], "--out", str(out)]) == 0
    assert_same_log(read_log(out), run_event_log(run.tables, run.scenario, POLICIES[0], 0))


@pytest.mark.parametrize(
    ("extra", "out_name", "said"),
    [
        (["--policy", "mip"], "log.csv", "--policy: mip: not a policy of this run; it has "),
        (["--rep", "2"], "log.csv", "--rep: 2: the run has replications 0 to 1"),
        ([], "log.xlsx", "--out: expected a file ending .csv, .parquet or .pq, got '.xlsx'"),
        ([], "missing/log.csv", "--out: its folder does not exist"),
    ],
)
def test_bad_arguments_name_what_exists_and_write_nothing(
    run_dir: Path, tmp_path: Path, capsys, extra: list[str], out_name: str, said: str
) -> None:
    out = tmp_path / out_name
    assert main(["export-log", str(run_dir), "--out", str(out), *extra]) == BAD_INPUT
    err = capsys.readouterr().err
    assert said in err
    if "--policy" in extra:
        assert ", ".join(POLICIES) in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_not_a_run(tmp_path: Path, capsys) -> None:
    out = tmp_path / "log.csv"
    assert main(["export-log", str(tmp_path / "nowhere"), "--out", str(out)]) == BAD_INPUT
    assert "RUN_DIR: is not a directory" in capsys.readouterr().err
    assert not out.exists()
