"""Reproducibility: the same inputs give the same bytes, and random streams are keyed by name.

Through the real ``clinicsim run --out`` (bundled scenario shortened to 5 days,
3 replications, policies ``fifo`` and ``fifo:walk_in`` so a policy's own random
stream is exercised too):

- the same seed twice → byte-identical ``summary.json``;
- a different ``--seed`` → a different ``summary.json``;
- ``--workers 1`` and ``--workers 2`` → identical ``summary.json`` bytes and tables;
- the scenario file with every mapping's keys in another order (top level,
  resources, classes, protocols, …; lists untouched) → identical ``summary.json``.

Through ``sim.sampling.realise`` directly: changing one step's duration changes
only that step's sampled durations; every other step, every other outcome and
every request stay the same (and so does a step of the same id in another
protocol); inserting a new step leaves the other steps' durations alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from scenarios import bundled_path
from sim.sampling import Realisation, realise
from sim.scenario import Scenario, from_mapping, load

SCRIPT = Path(sys.executable).with_name("clinicsim")
TIMEOUT_S = 300
REPS = 3
COMMON = ("--reps", str(REPS), "--set", "horizon.days=5", "-p", "fifo", "-p", "fifo:walk_in")
OTHER_SEED = 12345


def bundled_file() -> Path:
    path = bundled_path("ophthalmology")
    assert path is not None
    return path


def bundled_raw() -> dict[str, Any]:
    return yaml.safe_load(bundled_file().read_text(encoding="utf-8"))


def reversed_keys(value: Any) -> Any:
    """Every mapping with its keys in reverse order; lists (step order) kept as they are."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "utf-8",
    }


def start_run(scenario: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    """Start ``clinicsim run SCENARIO --out OUT`` with the common options and ``extra``."""
    assert SCRIPT.is_file(), f"console script not installed: {SCRIPT}"
    args: Sequence[str] = [str(SCRIPT), "run", scenario, *COMMON, "--out", str(out), *extra]
    return subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment(),
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every run directory these tests compare, all started at once."""
    root = tmp_path_factory.mktemp("repro")
    reordered = root / "reordered.yaml"
    reordered.write_text(
        yaml.safe_dump(reversed_keys(bundled_raw()), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    plans: dict[str, tuple[str, tuple[str, ...]]] = {
        "first": ("ophthalmology", ("--workers", "1")),
        "again": ("ophthalmology", ("--workers", "1")),
        "other_seed": ("ophthalmology", ("--workers", "1", "--seed", str(OTHER_SEED))),
        "two_workers": ("ophthalmology", ("--workers", "2")),
        "reordered": (str(reordered), ("--workers", "1")),
    }
    started = {
        name: start_run(scenario, root / name, *extra) for name, (scenario, extra) in plans.items()
    }
    for name, process in started.items():
        _, stderr = process.communicate(timeout=TIMEOUT_S)
        assert process.returncode == 0, f"{name}: {stderr}"
        assert "Traceback" not in stderr
    return {name: root / name for name in plans}


def summary_bytes(run_dir: Path) -> bytes:
    return (run_dir / "summary.json").read_bytes()


def test_reordered_file_really_is_reordered() -> None:
    raw = bundled_raw()
    moved = reversed_keys(raw)
    assert list(moved) != list(raw)
    for section in ("resources", "protocols"):
        assert list(moved[section]) != list(raw[section])
    assert list(moved["demand"]["classes"]) != list(raw["demand"]["classes"])
    assert moved == raw  # same content: dict equality ignores order


def test_same_seed_gives_byte_identical_summary(runs: dict[str, Path]) -> None:
    assert summary_bytes(runs["first"]) == summary_bytes(runs["again"])


def test_different_seed_gives_different_summary(runs: dict[str, Path]) -> None:
    first, other = summary_bytes(runs["first"]), summary_bytes(runs["other_seed"])
    assert first != other
    assert f'"seed": {OTHER_SEED}'.encode() in other


def test_worker_count_does_not_change_summary(runs: dict[str, Path]) -> None:
    assert summary_bytes(runs["first"]) == summary_bytes(runs["two_workers"])


@pytest.mark.parametrize("table", ["patients", "steps", "resources", "plans"])
def test_worker_count_does_not_change_tables(runs: dict[str, Path], table: str) -> None:
    one = pd.read_parquet(runs["first"] / f"{table}.parquet")
    two = pd.read_parquet(runs["two_workers"] / f"{table}.parquet")
    pd.testing.assert_frame_equal(one, two)


def test_key_order_in_file_does_not_change_summary(runs: dict[str, Path]) -> None:
    assert summary_bytes(runs["first"]) == summary_bytes(runs["reordered"])


def test_key_order_does_not_change_realisation() -> None:
    raw = bundled_raw()
    straight = realise(from_mapping(raw), 0)
    moved = realise(from_mapping(reversed_keys(raw)), 0)
    assert_same_requests(straight, moved)
    for name in ("punctuality", "no_show", "cancelled", "notice_days", "duration", "occurs"):
        assert np.array_equal(getattr(straight.outcomes, name), getattr(moved.outcomes, name)), name


# ---------------------------------------------------------------- per-step streams


def assert_same_requests(a: Realisation, b: Realisation) -> None:
    assert np.array_equal(a.requests.request_day, b.requests.request_day)
    assert np.array_equal(a.requests.class_index, b.requests.class_index)
    assert a.requests.class_names == b.requests.class_names
    assert sorted(a.requests.attributes) == sorted(b.requests.attributes)
    for name, values in a.requests.attributes.items():
        assert np.array_equal(values, b.requests.attributes[name], equal_nan=True), name


def step_columns(scenario: Scenario, protocol: str) -> dict[str, int]:
    return {step.id: j for j, step in enumerate(scenario.protocols[protocol].steps)}


def rows_of(realisation: Realisation, protocol: str) -> np.ndarray:
    names = realisation.requests.class_protocol
    protocols = np.asarray(names, dtype=object)[realisation.requests.class_index]
    return np.flatnonzero(protocols == protocol)


@pytest.mark.parametrize("rep", [0, 3])
def test_changing_one_step_duration_changes_only_that_step(rep: int) -> None:
    base = load("ophthalmology")
    changed = load("ophthalmology", ["protocols.cataract_new.steps.refraction.duration.mean=14"])
    before, after = realise(base, rep), realise(changed, rep)
    assert_same_requests(before, after)
    for name in ("punctuality", "no_show", "cancelled", "notice_days", "occurs"):
        assert np.array_equal(getattr(before.outcomes, name), getattr(after.outcomes, name)), name

    new_rows = rows_of(before, "cataract_new")
    followup_rows = rows_of(before, "cataract_followup")
    assert len(new_rows) > 100 and len(followup_rows) > 100
    target = step_columns(base, "cataract_new")["refraction"]
    width = before.outcomes.duration.shape[1]
    for j in range(width):
        same = np.array_equal(
            before.outcomes.duration[new_rows, j], after.outcomes.duration[new_rows, j]
        )
        assert same == (j != target), f"cataract_new column {j}"
    # the follow-up protocol's own 'refraction' step (same id, other protocol) is untouched
    assert np.array_equal(
        before.outcomes.duration[followup_rows], after.outcomes.duration[followup_rows]
    )
    # and the changed step really follows its new mean (lognormal, mean 10 → 14)
    assert after.outcomes.duration[new_rows, target].mean() > (
        before.outcomes.duration[new_rows, target].mean() + 2
    )


def test_inserting_a_step_leaves_other_steps_draws_alone() -> None:
    raw = bundled_raw()
    base = from_mapping(raw)
    steps = raw["protocols"]["cataract_new"]["steps"]
    position = next(i for i, s in enumerate(steps) if s["id"] == "refraction") + 1
    steps.insert(
        position,
        {
            "id": "tonometry",
            "resource": "technician",
            "duration": {"dist": "uniform", "low": 2, "high": 4},
        },
    )
    extended = from_mapping(raw)
    before, after = realise(base, 1), realise(extended, 1)
    assert_same_requests(before, after)
    rows = rows_of(before, "cataract_new")
    old_columns = step_columns(base, "cataract_new")
    new_columns = step_columns(extended, "cataract_new")
    for step_id, j in old_columns.items():
        k = new_columns[step_id]
        for name in ("duration", "occurs"):
            old, new = getattr(before.outcomes, name), getattr(after.outcomes, name)
            assert np.array_equal(old[rows, j], new[rows, k]), (step_id, name)
    inserted = after.outcomes.duration[rows, new_columns["tonometry"]]
    assert inserted.min() >= 2 and inserted.max() <= 4
