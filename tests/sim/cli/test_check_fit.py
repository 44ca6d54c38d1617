"""``clinicsim check-fit LOG SCENARIO``: the table and the page, exit 0 when every figure
agrees and 1 when one differs; bad input is exit 2 naming the problem, and no page.

The log is ten working days of the bundled ophthalmology clinic with seed 1
(replication 0 of ``fifo``), written as a CSV file and read back as a clinic's log
would be. Ten replications per check: the right scenario agrees on every figure (at
least 95 % of the time on any seed, by construction; every time on this fixed seed,
where no figure is more than 1.5 standard deviations from its simulated mean; the
default seed's first ten days are a 1-in-300 run of long consults), and half the
technicians (two instead of four) put the simulated stay over two hours above the
logged one, with intervals about ±23 minutes wide. The verdicts themselves are tested on 60
days and 30 replications in ``tests/sim/eventlog/test_check.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.eventlog.log import EventLog
from sim.eventlog.write import log_frame, write_log
from sim.scenario import Scenario
from tests.support.cli import assert_ok, clinicsim
from tests.support.eventlogs import simulated_log

DAYS = 10
REPS = "10"
BAD_INPUT, DIFFERS = 2, 1
SEED = 1
PERIOD = ["--set", f"horizon.days={DAYS}", "--set", f"seed={SEED}"]


@pytest.fixture(scope="module")
def clinic() -> tuple[Scenario, EventLog]:
    return simulated_log("ophthalmology", DAYS, overrides=(f"seed={SEED}",))


@pytest.fixture
def log_file(clinic: tuple[Scenario, EventLog], tmp_path: Path) -> Path:
    return write_log(clinic[1], tmp_path / "clinic.csv")


def test_the_right_scenario_agrees_and_the_page_is_written_beside_the_log(log_file: Path) -> None:
    result = clinicsim("check-fit", str(log_file), "ophthalmology", *PERIOD, "--reps", REPS)
    assert_ok(result)
    page = log_file.with_name("clinic-check.html")
    assert f"Check page written to {page}" in result.stdout
    assert "The scenario agrees with the log on all 12 figures." in result.stdout
    assert "Mean stay (min)" in result.stdout
    assert "differs" not in result.stdout
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
    assert "Q–Q" in text and "Plotly.newPlot" in text


def test_half_the_technicians_differ_with_exit_1(log_file: Path, tmp_path: Path, capsys) -> None:
    page = tmp_path / "check.html"
    wrong = [*PERIOD, "--set", "resources.technician.count=2", "--out", str(page)]
    status = main(["check-fit", str(log_file), "ophthalmology", *wrong, "--reps", REPS])
    assert status == DIFFERS
    out = capsys.readouterr().out
    assert "The scenario differs from the log on" in out
    assert "Mean stay (min)" in out.split("differs from the log on", 1)[1]
    assert page.is_file()


def test_json_gives_the_figures_and_the_page(log_file: Path, tmp_path: Path, capsys) -> None:
    page = tmp_path / "page.html"
    args = ["check-fit", str(log_file), "ophthalmology", *PERIOD, "--reps", REPS, "--json"]
    assert main([*args, "--out", str(page), "--lang", "es"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["agrees"] is True and summary["differing"] == []
    assert summary["reps"] == int(REPS) and summary["days"] == DAYS
    assert summary["page"] == str(page)
    names = [f["figure"] for f in summary["figures"]]
    assert names[0] == "stay" and "utilisation.technician" in names
    for row in summary["figures"]:
        assert row["low"] <= row["observed"] <= row["high"]
    text = page.read_text(encoding="utf-8")
    assert '<html lang="es">' in text and "concuerda" in text and "Estancia media" in text


def test_mapped_columns_are_read(clinic: tuple[Scenario, EventLog], tmp_path: Path, capsys) -> None:
    frame = log_frame(clinic[1]).rename(columns={"case": "VisitID", "step": "Activity"})
    path = tmp_path / "his.csv"
    frame.to_csv(path, index=False)
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("step: Activity\n", encoding="utf-8")
    args = ["check-fit", str(path), "ophthalmology", *PERIOD, "--reps", "3", "--json"]
    assert main([*args, "--column", "case=VisitID", "--columns", str(mapping)]) == 0
    assert json.loads(capsys.readouterr().out)["visits"] == len(clinic[1].visits)


@pytest.mark.parametrize(
    ("change", "extra", "said"),
    [
        ("class", [], "(and 1 more), column 'class': class 'glaucoma' is not in the scenario"),
        (None, ["--reps", "1"], "--reps: 1: must be at least 2"),
        (None, ["--out", "missing/check.html"], "report: its folder does not exist"),
        (None, ["--set", "resources.technician.count=-1"], "resources.technician.count"),
    ],
)
def test_bad_input_is_exit_2_and_no_page(
    clinic: tuple[Scenario, EventLog],
    tmp_path: Path,
    capsys,
    change: str | None,
    extra: list[str],
    said: str,
) -> None:
    frame = log_frame(clinic[1])
    if change == "class":
        first = frame["case"].drop_duplicates().iloc[:2]
        frame.loc[frame["case"].isin(first), "class"] = "glaucoma"
    path = tmp_path / "clinic.csv"
    frame.to_csv(path, index=False)
    extra = [str(tmp_path / e) if e.endswith(".html") else e for e in extra]
    assert main(["check-fit", str(path), "ophthalmology", *PERIOD, *extra]) == BAD_INPUT
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.csv"]


def test_a_missing_log_is_exit_2(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.csv"
    assert main(["check-fit", str(missing), "ophthalmology"]) == BAD_INPUT
    assert str(missing) in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
