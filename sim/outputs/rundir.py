"""A run directory, both halves: writing it (every file atomically) and reading it back.

A run directory holds ``summary.json``, ``patients.parquet``, ``steps.parquet``,
``resources.parquet``, ``plans.parquet``, ``scenario.yaml`` (the resolved
scenario) and ``run.json`` (versions, seed, command, timings, plan statistics).
An interrupted run leaves the previous file whole or the new one, never half.
``load_run`` reads one back, checking every file it needs and naming the one that
is missing or unreadable; ``run_data`` takes a run still in memory. A sweep's
directory holds ``sweep.json`` and a run directory per variant; a staffing search's
(the dashboard keeps its searches as runs) holds ``staffing.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.runner import RunResult
from sim.experiments.sweep import BASE, SweepResult, folder_name
from sim.experiments.tasks import versions
from sim.files import write_atomically, write_text_atomically
from sim.jsontext import finite_json
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario
from sim.scenario import load as load_scenario

TABLES = ("patients", "steps", "resources", "plans")


def summary_json(summary: dict[str, Any]) -> str:
    """The canonical text of ``summary.json`` (same seed → same bytes)."""
    return finite_json(summary, "summary.json")


def write_run(out_dir: Path, result: RunResult, command: list[str]) -> list[Path]:
    """Write every file of a run into ``out_dir`` (created if needed); return the paths."""
    # the texts first: a figure that cannot be written as JSON stops before any file
    info_text = finite_json(run_info(result, command), "run.json", default=str)
    summary_text = summary_json(result.summary)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        if name in result.tables:
            table = result.tables[name]
            written.append(
                write_atomically(
                    out_dir / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False)
                )
            )
    written.append(write_text_atomically(out_dir / "scenario.yaml", result.scenario.to_yaml()))
    written.append(write_text_atomically(out_dir / "run.json", info_text))
    written.append(write_text_atomically(out_dir / "summary.json", summary_text))
    return written


def run_info(result: RunResult, command: list[str]) -> dict[str, Any]:
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "scenario": result.scenario.name,
        "seed": result.scenario.seed,
        "reps": result.reps,
        "policies": result.policies,
        "baseline": result.baseline,
        "versions": versions(),
        **result.info,
    }


SUMMARY_KEYS = ("scenario", "reps", "seed", "baseline", "policies")


TABLE_COLUMNS = {  # what the figures read of each table
    "patients": {"policy", "rep", "patient", "day", "status", "los"},
    "steps": {
        "policy",
        "rep",
        "patient",
        "day",
        "member",
        "start",
        "end",
        "resource",
        "step",
        "wait",
    },
    "resources": {"policy", "rep", "day", "resource", "member", "member_name"},
    "plans": {"policy", "rep", "patient", "appointment"},
}


@dataclass
class RunData:
    """What a report needs of a run: its summary, its tables and its resolved scenario."""

    summary: dict[str, Any]
    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def policies(self) -> list[str]:
        return list(self.summary["policies"])

    @property
    def baseline(self) -> str:
        return str(self.summary["baseline"])


def run_data(result: RunResult, info: dict[str, Any] | None = None) -> RunData:
    return RunData(result.summary, result.scenario, result.tables, info or result.info)


def load_run(run_dir: Path) -> RunData:
    """Read a run directory written by ``clinicsim run/compare --out``."""
    source = str(run_dir)
    if not run_dir.is_dir():
        raise ScenarioError(source, [Problem("RUN_DIR", "is not a directory")])
    missing = [
        name
        for name in ("summary.json", "scenario.yaml", *(f"{table}.parquet" for table in TABLES))
        if not (run_dir / name).is_file()
    ]
    if missing:
        message = f"not a complete run directory: missing {', '.join(missing)}"
        raise ScenarioError(source, [Problem("RUN_DIR", message)])
    summary = read_json(run_dir / "summary.json", required=True)
    check_summary(run_dir / "summary.json", summary)
    info = read_json(run_dir / "run.json", required=False)
    scenario = load_scenario(run_dir / "scenario.yaml")
    tables = {name: _read_table(run_dir / f"{name}.parquet", name) for name in TABLES}
    return RunData(summary, scenario, tables, info)


def check_summary(path: Path, summary: dict[str, Any]) -> None:
    missing = [key for key in SUMMARY_KEYS if key not in summary]
    if missing:
        problem = f"not a clinicsim summary: missing {', '.join(missing)}"
    elif (
        not isinstance(summary["policies"], dict) or summary["baseline"] not in summary["policies"]
    ):
        problem = "not a clinicsim summary: the baseline is not among its policies"
    else:
        return
    raise ScenarioError(str(path), [Problem("", problem)])


def read_json(path: Path, required: bool) -> dict[str, Any]:
    if not path.is_file() and not required:
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(str(path), [Problem("", f"cannot be read as JSON: {exc}")]) from None
    if not isinstance(value, dict):
        raise ScenarioError(str(path), [Problem("", "expected a JSON object")])
    return value


def _read_table(path: Path, name: str) -> pd.DataFrame:
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        message = f"cannot be read as Parquet: {type(exc).__name__}"
        raise ScenarioError(str(path), [Problem("", message)]) from None
    missing = sorted(TABLE_COLUMNS[name] - set(table.columns))
    if missing:
        message = f"not a clinicsim {name} table: missing columns {', '.join(missing)}"
        raise ScenarioError(str(path), [Problem("", message)])
    return table


SWEEP_FILE = "sweep.json"


def is_sweep(run_dir: Path) -> bool:
    return (run_dir / SWEEP_FILE).is_file()


def load_sweep(run_dir: Path) -> dict[str, Any]:
    sweep = read_json(run_dir / SWEEP_FILE, required=True)
    if not isinstance(sweep.get("variants"), dict) or "base" not in sweep["variants"]:
        raise ScenarioError(
            str(run_dir / SWEEP_FILE), [Problem("", "not a clinicsim sweep: no base variant")]
        )
    return sweep


def sweep_json(result: SweepResult) -> str:
    return summary_json(result.summary)


def write_sweep(out: Path, result: SweepResult, command: list[str]) -> list[Path]:
    """``sweep.json`` and one run directory per variant under ``variants/``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    index: dict[str, Any] = {}
    for variant in result.variants:
        folder = out / "variants" / folder_name(variant.name)
        written += write_run(folder, result.runs[variant.name], command)
        index[variant.name] = folder.relative_to(out).as_posix()
    summary = {**result.summary, "folders": index}
    written.append(write_text_atomically(out / "sweep.json", summary_json(summary)))
    return written


def sweep_info(result: SweepResult, command: list[str]) -> dict[str, Any]:
    base = result.runs[BASE]
    return {**run_info(base, command), "variants": [v.name for v in result.variants]}


STAFFING_FILE = "staffing.json"
STAFFING_KEYS = ("scenario", "resource", "policy", "target", "answer", "candidates", "reps")


@dataclass
class StaffingData:
    """A staffing search kept as a run (``staffing.json``): what was searched, the
    answer, and every count tried (``sim.experiments.staffing.as_json``'s fields, with
    the scenario, weekday, range, replications, confidence, command and time)."""

    search: dict[str, Any]


def is_staffing(run_dir: Path) -> bool:
    return (run_dir / STAFFING_FILE).is_file()


def write_staffing(out: Path, search: dict[str, Any]) -> Path:
    """``staffing.json`` in ``out`` (created if needed)."""
    text = finite_json(search, STAFFING_FILE)
    out.mkdir(parents=True, exist_ok=True)
    return write_text_atomically(out / STAFFING_FILE, text)


def load_staffing(run_dir: Path) -> StaffingData:
    path = run_dir / STAFFING_FILE
    search = read_json(path, required=True)
    missing = [key for key in STAFFING_KEYS if key not in search]
    if missing:
        problem = f"not a clinicsim staffing search: missing {', '.join(missing)}"
        raise ScenarioError(str(path), [Problem("", problem)])
    return StaffingData(search)


def staffing_info(search: dict[str, Any]) -> dict[str, Any]:
    """What the store's index keeps of a staffing search."""
    keys = ("created", "command", "scenario", "reps")
    return {**{k: search[k] for k in keys if k in search}, "policies": [search["policy"]]}
