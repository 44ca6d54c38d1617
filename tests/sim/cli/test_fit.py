"""``clinicsim fit LOG --out scenario.yaml``, run as a user would.

The log of a simulated week (``export-log`` of a real run) fits into a scenario that
``clinicsim validate`` accepts and ``clinicsim run`` runs, with a provenance entry for
its values; known hours given on the command line are recorded as given; bad input
(a broken log, a wrong output name) is exit 2 with the row or option named, and an
existing output file is left untouched.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.eventlog.write import write_log
from tests.support.cli import assert_ok, clinicsim
from tests.support.eventlogs import simulated_log


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, log = simulated_log("ophthalmology", 5)
    return write_log(log, tmp_path_factory.mktemp("fit") / "week.csv")


def test_fit_writes_a_scenario_that_validates_and_runs(log_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.yaml"
    result = clinicsim("fit", str(log_file), "--out", str(out), "--close", "15:30")
    assert_ok(result)
    assert f"wrote {out}" in result.stdout
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["horizon"]["close"] == "15:30"
    assert data["provenance"]["horizon.close"]["source"] == "given on the command line (--close)"
    duration = data["provenance"]["protocols.cataract_new.steps.consult.duration"]
    assert duration["n"] > 0 and duration["fit"]["criterion"] == "AIC"
    assert_ok(clinicsim("validate", str(out)))
    assert_ok(clinicsim("run", str(out), "-p", "fifo", "--reps", "1", "--set", "horizon.days=2"))


def test_without_a_closing_time_the_fit_says_where_it_read_it(log_file: Path) -> None:
    result = clinicsim("fit", str(log_file))
    assert_ok(result)
    assert "closing time read from the end of work" in result.stderr
    data = yaml.safe_load(result.stdout)  # without --out, the scenario on standard output
    assert "when work ended" in data["provenance"]["horizon.close"]["note"]


def test_a_broken_log_is_exit_2_naming_the_row_and_nothing_is_written(
    log_file: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(log_file, dtype=str, keep_default_na=False)
    frame.loc[3, "end"] = "yesterday"
    broken = tmp_path / "broken.csv"
    frame.to_csv(broken, index=False)
    out = tmp_path / "fitted.yaml"
    out.write_text("kept\n", encoding="utf-8")
    result = clinicsim("fit", str(broken), "--out", str(out))
    assert result.status == 2
    assert "row 5, column 'end'" in result.stderr  # header is row 1, frame row 3 is row 5
    assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.parametrize(
    ("args", "named"),
    [(["--out", "fitted.csv"], "--out"), (["--close", "7pm"], "--close")],
)
def test_bad_options_are_refused(log_file: Path, args: list[str], named: str) -> None:
    result = clinicsim("fit", str(log_file), *args)
    assert result.status == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("mapping", "args", "said"),
    [
        (None, ["--column", "case"], "--column: case: expected NAME=COLUMN"),
        ("case: VisitID\ncolour: Activity\n", [], "colour: unknown column name"),
        ("- case\n- step\n", [], "expected a mapping of clinicsim's names"),
    ],
)
def test_a_bad_column_mapping_is_refused_naming_it(
    log_file: Path, tmp_path: Path, mapping: str | None, args: list[str], said: str
) -> None:
    if mapping is not None:
        path = tmp_path / "columns.yaml"
        path.write_text(mapping, encoding="utf-8")
        args = ["--columns", str(path)]
    out = tmp_path / "fitted.yaml"
    result = clinicsim("fit", str(log_file), "--out", str(out), *args)
    assert result.status == 2
    assert said in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
