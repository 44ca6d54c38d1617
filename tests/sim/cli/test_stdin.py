"""``-`` reads standard input wherever a command reads a file, as real processes.

A scenario piped into ``validate -`` and ``run -`` (read twice by the command line:
which model, then the scenario; a pipe holds it once), a ``--grid -`` of variants,
a thesis instance piped into ``greedy -``; an empty or oversized standard input is
refused with exit 2 naming ``<stdin>``, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from scenarios import bundled_path
from tests.support.cli import SCRIPT, TIMEOUT_S, CliResult, environment

BAD_INPUT = 2
SHORT_RUN = ("--reps", "1", "--workers", "1", "--set", "horizon.days=2", "--json")


def piped(args: list[str], text: str | bytes, cwd: Path) -> CliResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    done = subprocess.run(
        [str(SCRIPT), *args], input=data, capture_output=True, cwd=cwd,
        env=environment(), timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    return CliResult(done.returncode, done.stdout.decode(), done.stderr.decode())


def bundled_text(name: str) -> str:
    path = bundled_path(name)
    assert path is not None
    return path.read_text(encoding="utf-8")


def assert_refused(result: CliResult, needle: str) -> None:
    assert result.status == BAD_INPUT, result
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("error: <stdin>: ") for line in lines), lines
    assert any(needle in line for line in lines), lines


def test_a_scenario_piped_in_validates_and_runs_as_its_file_does(tmp_path: Path) -> None:
    text = bundled_text("ophthalmology")
    assert piped(["validate", "-"], text, tmp_path).status == 0
    store = ("--store", str(tmp_path / "store"))
    from_pipe = piped(["run", "-", *SHORT_RUN, *store], text, tmp_path)
    file = tmp_path / "ophthalmology.yaml"
    file.write_text(text, encoding="utf-8")
    from_file = piped(["run", str(file), *SHORT_RUN, *store], "", tmp_path)
    assert from_pipe.status == 0, from_pipe.stderr
    assert from_pipe.stdout == from_file.stdout
    assert json.loads(from_pipe.stdout)["reps"] == 1


def test_a_grid_piped_in_gives_its_variants(tmp_path: Path) -> None:
    grid = "variants:\n  more_technicians: {resources.technician.count: 3}\n"
    args = ["run", "ophthalmology", "--grid", "-", *SHORT_RUN, "--store", str(tmp_path / "s")]
    result = piped(args, grid, tmp_path)
    assert result.status == 0, result.stderr
    assert "more_technicians" in json.loads(result.stdout)["variants"]


def test_a_thesis_instance_piped_in_is_booked(tmp_path: Path) -> None:
    instance = piped(
        ["generate-instance", "--patients", "20", "--doctors", "3", "--specialties", "2"],
        "",
        tmp_path,
    )
    assert instance.status == 0, instance.stderr
    result = piped(["greedy", "-", "--json"], instance.stdout, tmp_path)
    assert result.status == 0, result.stderr
    assert json.loads(result.stdout)["patients"] == 20


def test_an_empty_standard_input_is_refused_by_name(tmp_path: Path) -> None:
    assert_refused(piped(["validate", "-"], "", tmp_path), "expected a mapping of keys")
    assert_refused(piped(["greedy", "-"], "", tmp_path), "")


def test_an_oversized_standard_input_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    huge = b"a" * 5_000_000
    assert_refused(piped(["validate", "-"], huge, tmp_path), "at most 1 000 000 are read")
