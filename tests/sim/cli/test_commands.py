"""End-to-end tests of the ``clinicsim`` command line, run as real processes.

- ``clinicsim compare --reps 5 --json`` on the bundled scenario (one worker, and
  the default pool) prints ``summary.json`` with the keys of DESIGN.md, and both
  worker settings print the same bytes;
- ``clinicsim run --out DIR`` writes every file of a run directory, atomically
  (no temporary ``.name`` files left), ``--json`` prints exactly ``summary.json``,
  the written ``scenario.yaml`` is itself a valid scenario that reproduces the
  summary byte for byte, and ``patients.parquet`` accounts for every booked
  patient (booked = served + no_show + cancelled + unserved);
- ``--out`` naming an existing regular file is refused with exit 2 and a clear
  message, leaving the file untouched;
- runs without ``--out`` are written in the store and listed by ``clinicsim runs``;
  ``compare`` without ``--out`` writes its report there, never ``./report.html``;
  the list fits 80 columns with every id and scenario whole, ``--wide`` adds each
  directory; ``report`` takes an id or a prefix of it, and an unknown, too short or
  ambiguous one is exit 2 naming it; an index written before ids existed still
  lists; a run too big to keep its records keeps its summary and says so.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from scenarios import bundled_path
from sim.cli import main as cli_main
from sim.cli.main import COMPARE_POLICIES, main
from sim.cli.runs import SHORT_ID, records_fit
from sim.experiments.runner import run_experiment
from sim.experiments.store import ResultStore, run_id
from sim.limits import MAX_KEPT_PATIENTS
from sim.outputs.rundir import summary_json
from sim.scenario import load
from tests.support.cli import CliResult, assert_ok, clinicsim, finish, start

METRICS = (
    "los",
    "wait",
    "wait_first",
    "access_days",
    "utilisation",
    "overtime",
    "unserved",
    "no_show",
    "cancelled",
)
SUMMARY_KEYS = {"mean", "ci95", "p50", "p90"}
PAIRED_KEYS = {"diff", "ci95", "p_value"}
RUN_FILES = {
    "summary.json",
    "patients.parquet",
    "steps.parquet",
    "resources.parquet",
    "plans.parquet",
    "scenario.yaml",
    "run.json",
}
FINISHED = ("served", "no_show", "cancelled", "unserved")

OUT_RUN_POLICIES = ("fifo", "fifo:walk_in")
OUT_RUN_REPS = 2
OUT_RUN_SEED = 11
OUT_RUN_ARGS = (
    "run",
    "ophthalmology",
    "--reps",
    str(OUT_RUN_REPS),
    "--seed",
    str(OUT_RUN_SEED),
    "--set",
    "horizon.days=5",
    "-p",
    OUT_RUN_POLICIES[0],
    "-p",
    OUT_RUN_POLICIES[1],
    "--workers",
    "1",
    "--json",
)


# ---------------------------------------------------------------- compare --json


@pytest.fixture(scope="module")
def compare_runs() -> dict[str, CliResult]:
    """``compare --reps 5 --json`` with one worker and with the default pool, started together
    (on a week of the bundled scenario: its month takes four times as long)."""
    week = ["compare", "--reps", "5", "--json", "--set", "horizon.days=5"]
    started = {
        "one_worker": start([*week, "--workers", "1"]),
        "default_workers": start(week),
    }
    return {name: finish(process) for name, process in started.items()}


def bundled_raw() -> dict[str, Any]:
    path = bundled_path("ophthalmology")
    assert path is not None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def is_number_or_none(value: Any) -> bool:
    return value is None or (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    )


def check_summary_shape(
    summary: dict[str, Any], reps: int, seed: int, policies: Sequence[str]
) -> None:
    """The keys of DESIGN.md's ``summary.json`` for every policy, metric and pair."""
    assert {"scenario", "reps", "seed", "baseline", "policies", "paired"} <= set(summary)
    assert summary["scenario"] == bundled_raw()["name"]
    assert summary["reps"] == reps
    assert summary["seed"] == seed
    assert summary["baseline"] == policies[0]
    assert list(summary["policies"]) == list(policies)
    assert list(summary["paired"]) == list(policies[1:])
    for name in policies:
        for metric in METRICS:
            entry = summary["policies"][name][metric]
            assert set(entry) >= SUMMARY_KEYS, (name, metric, entry)
            assert len(entry["ci95"]) == 2
            assert all(is_number_or_none(entry[k]) for k in ("mean", "p50", "p90"))
            assert all(is_number_or_none(v) for v in entry["ci95"])
            lo, hi = entry["ci95"]
            if lo is not None and hi is not None:
                assert lo <= entry["mean"] <= hi, (name, metric, entry)
        stay = summary["policies"][name]["los"]
        assert stay["mean"] is not None and stay["mean"] > 0
        assert stay["p50"] <= stay["p90"]
    for name in policies[1:]:
        for metric in METRICS:
            entry = summary["paired"][name][metric]
            assert set(entry) >= PAIRED_KEYS, (name, metric, entry)
            assert len(entry["ci95"]) == 2
            assert is_number_or_none(entry["diff"]) and is_number_or_none(entry["p_value"])
            if entry["p_value"] is not None:
                assert 0 <= entry["p_value"] <= 1
        stay = summary["paired"][name]["los"]
        base = summary["policies"][policies[0]]["los"]["mean"]
        other = summary["policies"][name]["los"]["mean"]
        assert stay["diff"] == pytest.approx(other - base)


@pytest.mark.parametrize("run", ["one_worker", "default_workers"])
def test_compare_json_has_design_keys(compare_runs: dict[str, CliResult], run: str) -> None:
    result = compare_runs[run]
    assert_ok(result)
    summary = json.loads(result.stdout)
    check_summary_shape(
        summary, reps=5, seed=bundled_raw()["seed"], policies=list(COMPARE_POLICIES)
    )


def test_compare_json_same_whatever_the_workers(compare_runs: dict[str, CliResult]) -> None:
    assert_ok(compare_runs["one_worker"])
    assert_ok(compare_runs["default_workers"])
    assert compare_runs["one_worker"].stdout == compare_runs["default_workers"].stdout


def test_compare_json_prints_only_json(compare_runs: dict[str, CliResult]) -> None:
    """Standard output is exactly the canonical summary.json text (no table, no bar)."""
    result = compare_runs["one_worker"]
    assert_ok(result)
    assert result.stdout == summary_json(json.loads(result.stdout))


# ---------------------------------------------------------------- run --out


@pytest.fixture(scope="module")
def out_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliResult]:
    out = tmp_path_factory.mktemp("run") / "results"
    result = clinicsim(*OUT_RUN_ARGS, "--out", str(out))
    assert_ok(result)
    return out, result


def test_run_out_writes_every_file(out_run: tuple[Path, CliResult]) -> None:
    out, _ = out_run
    names = {p.name for p in out.iterdir()}
    assert names == RUN_FILES
    for name in RUN_FILES:
        assert (out / name).stat().st_size > 0, name


def test_run_out_leaves_no_temporary_files(out_run: tuple[Path, CliResult]) -> None:
    out, _ = out_run
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert hidden == []


def test_run_json_stdout_is_summary_file(out_run: tuple[Path, CliResult]) -> None:
    out, result = out_run
    assert result.stdout == (out / "summary.json").read_text(encoding="utf-8")
    summary = json.loads(result.stdout)
    assert summary["seed"] == OUT_RUN_SEED
    assert summary["reps"] == OUT_RUN_REPS
    assert list(summary["policies"]) == list(OUT_RUN_POLICIES)


def test_run_info_file(out_run: tuple[Path, CliResult]) -> None:
    out, _ = out_run
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["seed"] == OUT_RUN_SEED
    assert info["reps"] == OUT_RUN_REPS
    assert info["policies"] == list(OUT_RUN_POLICIES)
    assert info["command"][0] == "clinicsim"
    assert "--out" in info["command"]
    assert {"python", "numpy", "simpy", "pyomo", "highspy"} <= set(info["versions"])
    assert "not installed" not in info["versions"].values()


def test_written_scenario_is_valid_and_reproduces_the_summary(
    out_run: tuple[Path, CliResult],
) -> None:
    out, _ = out_run
    scenario = load(out / "scenario.yaml")
    assert scenario.seed == OUT_RUN_SEED
    assert scenario.horizon.days == 5  # the override was applied before writing
    again = run_experiment(
        scenario, list(OUT_RUN_POLICIES), OUT_RUN_REPS, workers=1, keep_records=False
    )
    assert summary_json(again.summary) == (out / "summary.json").read_text(encoding="utf-8")


def test_tables_have_policy_and_rep_columns(out_run: tuple[Path, CliResult]) -> None:
    out, _ = out_run
    for name in ("patients", "steps", "resources", "plans"):
        table = pd.read_parquet(out / f"{name}.parquet")
        assert list(table.columns[:2]) == ["policy", "rep"], name
        assert set(table["policy"].astype(str)) == set(OUT_RUN_POLICIES), name
        assert set(table["rep"]) == set(range(OUT_RUN_REPS)), name


def test_every_booked_patient_is_accounted_for(out_run: tuple[Path, CliResult]) -> None:
    """booked = served + no_show + cancelled + unserved, per policy and replication.

    "Booked" is read from ``plans.parquet`` (a day was given), independently of the
    statuses in ``patients.parquet``; ``unbooked`` patients are the rest.
    """
    out, _ = out_run
    patients = pd.read_parquet(out / "patients.parquet")
    plans = pd.read_parquet(out / "plans.parquet")
    patients["policy"] = patients["policy"].astype(str)
    plans["policy"] = plans["policy"].astype(str)
    assert set(patients["status"].astype(str)) <= {*FINISHED, "unbooked"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    groups = 0
    for (policy, rep), visits in patients.groupby(["policy", "rep"]):
        plan = plans[(plans["policy"] == policy) & (plans["rep"] == rep)]
        assert sorted(plan["patient"]) == sorted(visits["patient"])
        booked = int((plan["day"] >= 0).sum())
        counts = visits["status"].astype(str).value_counts()
        finished = sum(int(counts.get(s, 0)) for s in FINISHED)
        assert booked == finished, (policy, rep, counts.to_dict())
        assert int(counts.get("unbooked", 0)) == len(plan) - booked
        assert int(counts.get("served", 0)) > 0
        groups += 1
    assert groups == len(OUT_RUN_POLICIES) * OUT_RUN_REPS
    for policy in OUT_RUN_POLICIES:
        mine = patients[patients["policy"] == policy]
        per_rep = mine.groupby("rep")["status"].apply(lambda s: float((s == "no_show").sum()))
        assert summary["policies"][policy]["no_show"]["mean"] == pytest.approx(per_rep.mean())


# ---------------------------------------------------------------- bad --out


def test_out_pointing_at_a_file_is_refused_and_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "results.txt"
    content = "precious results, do not overwrite\n"
    target.write_text(content, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = clinicsim(
        "run",
        "ophthalmology",
        "--reps",
        "1",
        "--set",
        "horizon.days=1",
        "--workers",
        "1",
        "--out",
        str(target),
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.status == 2, result.stderr
    assert f"{target}: --out: exists and is not a directory" in result.stderr
    assert result.stdout.strip() == ""
    assert target.read_text(encoding="utf-8") == content
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# ---------------------------------------------------------------- runs in the store

SMALL = ("ophthalmology", "--reps", "2", "--set", "horizon.days=2", "--workers", "1")
STORED_POLICIES = ("fifo", "fifo:appointment", "fifo:bailey_welch", "fifo:walk_in")
STORED_LINE = re.compile(r"^Run (?P<id>[0-9a-f]{8,}) stored in (?P<dir>.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A ``run`` and a ``compare`` without ``--out``, in an empty folder, with their own
    store: what they printed, and the store's runs by command."""
    base = tmp_path_factory.mktemp("stored")
    store, cwd = base / "store", base / "cwd"
    cwd.mkdir()
    policies = [arg for spec in STORED_POLICIES for arg in ("-p", spec)]
    started = {
        "run": start(["run", *SMALL, "-p", "fifo", "--store", str(store)], cwd=cwd),
        "compare": start(["compare", *SMALL, *policies, "--store", str(store)], cwd=cwd),
    }
    results = {name: finish(process) for name, process in started.items()}
    for result in results.values():
        assert_ok(result)
    runs = ResultStore(store).runs()
    by_command = {name: next(r for r in runs if f" {name} " in r["command"]) for name in results}
    return {"store": store, "cwd": cwd, "results": results, "runs": by_command}


def store_args(stored: dict[str, Any]) -> tuple[str, str]:
    return "--store", str(stored["store"])


def test_runs_without_out_are_written_in_the_store_and_listed(stored: dict[str, Any]) -> None:
    listed = clinicsim("runs", "--json", *store_args(stored))
    assert_ok(listed)
    runs = json.loads(listed.stdout)
    assert len(runs) == 2
    for name, run in stored["runs"].items():
        folder = Path(run["dir"])
        assert folder.parent == (stored["store"] / "runs").resolve()
        assert run["exists"] and (folder / "summary.json").is_file()
        assert (folder / "patients.parquet").is_file()  # the records, for `report`
        assert run["id"] == run_id(folder) and re.fullmatch(r"[0-9a-f]{16}", run["id"])
        said = STORED_LINE.search(stored["results"][name].stdout)
        assert said is not None, stored["results"][name].stdout
        assert run["id"].startswith(said["id"]) and said["dir"] == str(folder)


def test_compare_without_out_writes_its_report_in_the_store(stored: dict[str, Any]) -> None:
    assert list(stored["cwd"].iterdir()) == []  # no ./report.html, nothing at all
    report = Path(stored["runs"]["compare"]["dir"]) / "report.html"
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"Report written to {report}" in stored["results"]["compare"].stdout


def runs_lines(stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch, *more: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", "80")
    listed = clinicsim("runs", *store_args(stored), *more)
    assert_ok(listed)
    return listed.stdout.splitlines()


def test_runs_fit_80_columns_with_nothing_cut(
    stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = runs_lines(stored, monkeypatch)
    assert all(len(line) <= 80 for line in lines), lines
    assert not any("…" in line for line in lines), lines
    scenario = load("ophthalmology").name
    for run in stored["runs"].values():
        (row,) = [line for line in lines if line.startswith(run["id"][:SHORT_ID] + " ")]
        assert scenario in row and re.search(r"\b2$", row.rstrip()), row
        assert run["dir"] not in row  # the directory is --wide's
    compared = stored["runs"]["compare"]["id"][:SHORT_ID]
    (row,) = [line for line in lines if line.startswith(compared)]
    assert re.search(r"fifo(, fifo:appointment)?(, fifo:bailey_welch)? \+[1-3]\b", row), row


def test_runs_wide_shows_each_directory_and_command(
    stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = runs_lines(stored, monkeypatch, "--wide")
    for run in stored["runs"].values():
        (row,) = [line for line in lines if line.startswith(run["id"][:SHORT_ID] + " ")]
        assert run["dir"] in row and run["command"] in row
    compared = stored["runs"]["compare"]
    assert ", ".join(STORED_POLICIES) in next(line for line in lines if compared["dir"] in line)


def test_report_takes_an_id_or_a_prefix_of_it(stored: dict[str, Any], tmp_path: Path) -> None:
    run = stored["runs"]["run"]
    page = tmp_path / "by_id.html"
    by_id = clinicsim("report", run["id"][:SHORT_ID], "--out", str(page), *store_args(stored))
    assert_ok(by_id)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    by_prefix = clinicsim("report", run["id"][:5].upper(), *store_args(stored))
    assert_ok(by_prefix)
    assert (Path(run["dir"]) / "report.html").is_file()
    assert f"Report written to {Path(run['dir']) / 'report.html'}" in by_prefix.stdout


def assert_refused(result: CliResult, *named: str) -> None:
    assert result.status == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert all(text in result.stderr for text in named), result.stderr


def test_report_refuses_an_unknown_or_too_short_id(stored: dict[str, Any]) -> None:
    ids = [run["id"] for run in stored["runs"].values()]
    taken = {i[:4] for i in ids}
    unknown = next(p for p in (f"{n:04x}" for n in range(2**16)) if p not in taken)
    assert_refused(
        clinicsim("report", unknown, *store_args(stored)),
        f"error: {unknown}: RUN: no such run directory, nor a stored run with this id",
    )
    assert_refused(
        clinicsim("report", ids[0][:3], *store_args(stored)),
        f"error: {ids[0][:3]}: RUN: a run id needs at least 4 characters",
    )


def colliding_folders(base: Path) -> tuple[Path, Path]:
    """Two folders whose run ids share their first 4 characters."""
    seen: dict[str, Path] = {}
    for n in range(2**20):
        folder = base / f"run{n}"
        prefix = run_id(folder)[:4]
        if prefix in seen:
            return seen[prefix], folder
        seen[prefix] = folder
    raise AssertionError("no two ids share 4 characters")  # pragma: no cover


def test_report_refuses_an_ambiguous_id_and_a_gone_run(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "store")
    first, second = colliding_folders(tmp_path)
    for folder in (first, second):
        store.record_run(folder, {"command": ["clinicsim", "run", "x"], "scenario": "x"})
    prefix = run_id(first)[:4]
    assert_refused(
        clinicsim("report", prefix, "--store", str(store.root)),
        f"error: {prefix}: RUN: ambiguous run id:",
        run_id(first),
        run_id(second),
    )
    assert_refused(
        clinicsim("report", run_id(first)[:SHORT_ID], "--store", str(store.root)),
        "directory is gone",
        str(first),
    )


OLD_SCHEMA = """
CREATE TABLE tasks (
    key TEXT PRIMARY KEY, scenario TEXT, policy TEXT, rep INTEGER, seed INTEGER, created TEXT
);
CREATE TABLE runs (
    dir TEXT PRIMARY KEY, created TEXT, command TEXT, scenario TEXT, policies TEXT,
    reps INTEGER, variants TEXT
);
"""


def test_an_index_written_before_ids_still_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, folder = tmp_path / "old store", tmp_path / "an old run"
    root.mkdir()
    folder.mkdir()
    row = (str(folder.resolve()), "2025-01-02T03:04:05+00:00", "clinicsim run x")
    row += ("Old clinic", "fifo, mip", 5, "")
    with closing(sqlite3.connect(root / "index.sqlite")) as db, db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    listed = clinicsim("runs", "--json", "--store", str(root))
    assert_ok(listed)
    (run,) = json.loads(listed.stdout)
    assert run["id"] == run_id(folder) and run["exists"] and run["scenario"] == "Old clinic"
    monkeypatch.setenv("COLUMNS", "80")
    table = clinicsim("runs", "--store", str(root))
    assert_ok(table)
    (line,) = [x for x in table.stdout.splitlines() if x.startswith(run["id"][:SHORT_ID])]
    assert "Old clinic" in line and "fifo, mip" in line


def test_records_fit_the_bound_kept_records_are_held_to() -> None:
    scenario = load("ophthalmology")
    patients = scenario.horizon.days * scenario.demand.requests_per_day
    reps = int(MAX_KEPT_PATIENTS // patients)
    assert records_fit([scenario], 1, reps)
    assert not records_fit([scenario], 1, reps + 1)
    assert not records_fit([scenario, scenario], 1, reps)


def test_a_run_too_big_to_keep_its_records_keeps_its_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_main, "records_fit", lambda *_: False)
    store = tmp_path / "store"
    assert main(["run", *SMALL, "-p", "fifo", "--store", str(store), "--lang", "en"]) == 0
    _, err = capsys.readouterr()
    assert "note: too many records to keep its tables" in err
    (run,) = ResultStore(store).runs()
    kept = {p.name for p in Path(run["dir"]).iterdir()}
    assert kept == {"summary.json", "run.json", "scenario.yaml"}
    assert main(["report", run["id"][:SHORT_ID], "--store", str(store)]) == 2
    assert "missing patients.parquet" in capsys.readouterr().err
