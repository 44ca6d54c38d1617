"""The result store: every task computed, kept under its key, and the runs that used them.

A store is a folder (``$CLINICSIM_STORE``, or ``--store DIR``; by default
``~/.cache/clinicsim``) holding

- ``tasks/ab/abcdef…/``, one folder per task: ``result.json`` (the metric values
  and the plan's info), ``observations.npz`` (every observation, exactly) and
  the records as Parquet (``visits``, ``steps``, ``members``, ``plan``);
- ``index.sqlite``: a table of tasks (key, scenario, policy, replication, seed)
  and one of runs (run directory, time, command, scenario, policies,
  replications, variants), which ``clinicsim runs`` lists;
- ``runs/``: the run directories of runs given no folder of their own (``run`` and
  ``compare`` without ``--out``, the dashboard's by default).

A run is named by ``run_id``, a hash of its directory (the dashboard's URLs and
``clinicsim report ID`` use it; any unique prefix finds it, ``find_runs``). It is
computed, not stored, so an index written before ids existed has them too.

A task folder is written under a temporary name and renamed into place, so a
task is in the store whole or not at all, whatever interrupts the run; the
index only ever names folders that exist. Several processes may share a store
(SQLite serialises the index; two writers of the same task write the same
bytes, and the second rename loses harmlessly). To share results between
machines, point ``CLINICSIM_STORE`` at a shared folder (NFS, SMB).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine import SimRecords
from sim.experiments.tasks import PolicyRep, Task

ENVIRONMENT = "CLINICSIM_STORE"
RECORD_TABLES = ("visits", "steps", "members")
RUNS_FOLDER = "runs"  # STORE/runs: run directories kept in the store
SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    key TEXT PRIMARY KEY, scenario TEXT, policy TEXT, rep INTEGER, seed INTEGER, created TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    dir TEXT PRIMARY KEY, created TEXT, command TEXT, scenario TEXT, policies TEXT,
    reps INTEGER, variants TEXT
);
"""


def run_id(run_dir: str | Path) -> str:
    """A run's id: a hash of its resolved directory, stable for as long as the run is."""
    return hashlib.sha256(str(Path(run_dir).resolve()).encode()).hexdigest()[:16]


def new_run_folder(runs_dir: Path) -> Path:
    """A fresh folder name under ``runs_dir`` for a run (not created)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return runs_dir / f"{stamp}-{secrets.token_hex(3)}"


def default_root() -> Path:
    if os.environ.get(ENVIRONMENT):
        return Path(os.environ[ENVIRONMENT]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "clinicsim"


class ResultStore:
    def __init__(self, root: Path | None = None):
        self.root = (root or default_root()).expanduser()
        (self.root / "tasks").mkdir(parents=True, exist_ok=True)
        with self._index() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _index(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.root / "index.sqlite", timeout=30)) as db, db:
            yield db

    def _folder(self, key: str) -> Path:
        return self.root / "tasks" / key[:2] / key

    def get(self, key: str, with_records: bool) -> PolicyRep | None:
        folder = self._folder(key)
        if not (folder / "result.json").is_file():
            return None
        stored = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        with np.load(folder / "observations.npz") as arrays:
            observations = {name: arrays[name] for name in arrays.files}
        records, plan = None, None
        if with_records:
            tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in RECORD_TABLES}
            records = SimRecords(tables["visits"], tables["steps"], tables["members"])
            plan = pd.read_parquet(folder / "plan.parquet")
        return PolicyRep(stored["values"], observations, records, plan, stored["info"])

    def put(self, key: str, task: Task, result: PolicyRep) -> None:
        """Keep a task's result whole: written aside, then renamed into place."""
        folder = self._folder(key)
        if folder.is_dir():
            self._index_task(key, task, "INSERT OR IGNORE")  # if a crash came before indexing
            return
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder.parent))
        try:
            _write(staging, result)
            os.rename(staging, folder)
        except OSError:
            if not folder.is_dir():  # not another writer's rename that came first
                raise
            return
        finally:  # whatever interrupts the write (Ctrl-C too), no half task is left
            shutil.rmtree(staging, ignore_errors=True)
        self._index_task(key, task, "INSERT OR REPLACE")

    def _index_task(self, key: str, task: Task, verb: str) -> None:
        with self._index() as db:
            db.execute(
                f"{verb} INTO tasks VALUES (?, ?, ?, ?, ?, ?)",
                (key, task.scenario.name, task.spec, task.rep, task.scenario.seed, _now()),
            )

    def forget(self, key: str) -> None:
        shutil.rmtree(self._folder(key), ignore_errors=True)
        with self._index() as db:
            db.execute("DELETE FROM tasks WHERE key = ?", (key,))

    def record_run(self, run_dir: Path, info: dict[str, Any]) -> None:
        with self._index() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    str(run_dir.resolve()),
                    info.get("created", _now()),
                    " ".join(info.get("command", [])),
                    info.get("scenario", ""),
                    ", ".join(info.get("policies", [])),
                    info.get("reps", 0),
                    ", ".join(info.get("variants", [])),
                ),
            )

    def runs(self) -> list[dict[str, Any]]:
        """Every run of the index, newest first, with its ``id`` and whether its
        directory still ``exists``."""
        with self._index() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM runs ORDER BY created DESC").fetchall()
        return [
            {"id": run_id(row["dir"]), **dict(row), "exists": Path(row["dir"]).is_dir()}
            for row in rows
        ]

    def find_runs(self, prefix: str) -> list[dict[str, Any]]:
        """The runs whose id starts with ``prefix`` (case-insensitive)."""
        return [run for run in self.runs() if run["id"].startswith(prefix.lower())]

    def new_run_dir(self) -> Path:
        """A fresh folder under ``STORE/runs`` for a run given none (not created)."""
        return new_run_folder(self.root / RUNS_FOLDER)

    def task_count(self) -> int:
        with self._index() as db:
            return int(db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0])


def _write(folder: Path, result: PolicyRep) -> None:
    payload = {"values": result.values, "info": result.info}
    (folder / "result.json").write_text(
        json.dumps(payload, default=_plain, allow_nan=True), encoding="utf-8"
    )
    np.savez(folder / "observations.npz", **result.observations)
    assert result.records is not None and result.plan is not None, "tasks keep their records"
    for name in RECORD_TABLES:
        getattr(result.records, name).to_parquet(folder / f"{name}.parquet", index=False)
    result.plan.to_parquet(folder / "plan.parquet", index=False)


def _plain(value: Any) -> Any:
    """NumPy numbers in plan info, as plain JSON numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in result.json")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
