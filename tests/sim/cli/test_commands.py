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
  message, leaving the file untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from scenarios import bundled_path
from sim.cli.main import COMPARE_POLICIES
from sim.experiments.runner import run_experiment
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
    """``compare --reps 5 --json`` with one worker and with the default pool, started together."""
    started = {
        "one_worker": start(["compare", "--reps", "5", "--json", "--workers", "1"]),
        "default_workers": start(["compare", "--reps", "5", "--json"]),
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
