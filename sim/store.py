"""Writes a run directory: every file to a temporary name first, then renamed.

A run directory holds ``summary.json``, ``patients.parquet``, ``steps.parquet``,
``resources.parquet``, ``plans.parquet``, ``scenario.yaml`` (the resolved
scenario) and ``run.json`` (versions, seed, command, timings, plan statistics).
An interrupted run leaves the previous file whole or the new one, never half.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.runner import RunResult

TABLES = ("patients", "steps", "resources", "plans")


def summary_json(summary: dict[str, Any]) -> str:
    """The canonical text of ``summary.json`` (same seed → same bytes)."""
    return json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_run(out_dir: Path, result: RunResult, command: list[str]) -> list[Path]:
    """Write every file of a run into ``out_dir`` (created if needed); return the paths."""
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
    written.append(
        write_text_atomically(
            out_dir / "run.json",
            json.dumps(run_info(result, command), indent=2, ensure_ascii=False, default=str) + "\n",
        )
    )
    written.append(write_text_atomically(out_dir / "summary.json", summary_json(result.summary)))
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


def versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("clinicsim", "simpy", "numpy", "pandas", "pydantic", "pyarrow", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def write_text_atomically(path: Path, text: str) -> Path:
    return write_atomically(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_atomically(path: Path, write: Callable[[str], Any]) -> Path:
    """Write through ``write(tmp_path)`` then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
