"""Experiments as tasks: executors, the result store, caching, sweeps, failures, Ctrl-C.

- serial, a process pool and a real Dask cluster print the same ``--json`` bytes
  (and write the same tables) for the same experiment;
- a sweep's ``base`` variant is the plain run; ``--grid`` names its variants;
  a bad grid file or ``--sweep`` exits 2 naming the file or variant;
- the store serves repeated tasks: an identical command computes nothing, a new
  policy or sweep variant computes only its own tasks, ``--no-cache`` everything;
- a task's key follows its inputs and is the same in another process;
- a failing task is reported and the others are stored; running again computes
  only the failed one;
- Ctrl-C exits 130 leaving only whole tasks; running again finishes the run with
  the numbers of an uninterrupted one;
- ``ResultStore`` keeps values, observations and records exactly, once per key.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim.experiments.store
import sim.experiments.tasks
from sim.cli.main import main
from sim.experiments import runner
from sim.experiments.runner import Execution, TaskFailures, execute, experiment_tasks
from sim.experiments.store import RECORD_TABLES, ResultStore
from sim.experiments.sweep import BASE
from sim.experiments.tasks import Task, play, run_task
from sim.scenario import load
from tests.support.cli import TIMEOUT_S, CliResult, environment, finish
from tests.support.cli import start as start_in
from tests.support.sessions import mip_command

ROOT = Path(__file__).resolve().parents[3]

SCENARIO = "ophthalmology"
SETTINGS = ("--set", "horizon.days=3")
REPS = 4
POLICIES = ("fifo", "fifo:appointment")
TECHNICIANS = "resources.technician.count"
TASK_FILES = {"result.json", "observations.npz"} | {
    f"{name}.parquet" for name in (*RECORD_TABLES, "plan")
}


def start(args: Sequence[str], cwd: Path) -> subprocess.Popen[str]:
    """The ``clinicsim`` console script with ``args``, run in ``cwd`` (made if needed)."""
    cwd.mkdir(parents=True, exist_ok=True)
    return start_in(args, cwd)


def clinicsim(args: Sequence[str], cwd: Path) -> CliResult:
    return finish(start(args, cwd))


def in_process(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> CliResult:
    """``clinicsim args`` run by ``sim.cli.main.main`` here (no interpreter to start: faster)."""
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return CliResult(status, out, err)


def assert_ok(result: CliResult) -> None:
    assert result.status == 0, result.stderr
    assert "Traceback" not in result.stderr


def experiment(*extra: str, policies: Sequence[str] = POLICIES, reps: int = REPS) -> list[str]:
    """``run`` of the small experiment, one worker unless ``extra`` says otherwise."""
    args = ["run", SCENARIO, *SETTINGS, "--reps", str(reps)]
    for spec in policies:
        args += ["-p", spec]
    if "--workers" not in extra and "--cluster" not in extra:
        args += ["--workers", "1"]
    return [*args, *extra]


def run_json(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def task_folders(store: Path) -> list[Path]:
    return sorted(p for p in (store / "tasks").glob("*/*") if not p.name.startswith("."))


# ---------------------------------------------------------------- executors


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """A real Dask cluster of two worker processes, for this module (``make test``
    installs Dask: a missing one fails the test, it is not skipped)."""
    import distributed

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_serial_pool_and_dask_give_the_same_results(tmp_path: Path, dask_scheduler: str) -> None:
    where = {
        "serial": ("--workers", "1"),
        "pool": ("--workers", "2"),
        "dask": ("--cluster", dask_scheduler),
    }
    started = {
        name: start(
            experiment(
                *options,
                "--no-cache",
                "--store",
                str(tmp_path / f"store-{name}"),
                "--out",
                str(tmp_path / f"out-{name}"),
                "--json",
            ),
            tmp_path / name,
        )
        for name, options in where.items()
    }
    results = {name: finish(process) for name, process in started.items()}
    for result in results.values():
        assert_ok(result)
    assert results["serial"].stdout == results["pool"].stdout == results["dask"].stdout
    summary = json.loads(results["serial"].stdout)
    assert list(summary["policies"]) == list(POLICIES)
    assert summary["reps"] == REPS

    infos = {name: run_json(tmp_path / f"out-{name}") for name in where}
    assert [infos[name]["workers"] for name in where] == [1, 2, "dask"]
    for name, info in infos.items():
        assert info["tasks"] == {"computed": REPS * len(POLICIES), "stored": 0}, name
        assert info["task_keys"] == infos["serial"]["task_keys"]
        assert ResultStore(tmp_path / f"store-{name}").task_count() == REPS * len(POLICIES)
    for table in ("patients", "steps", "resources", "plans"):
        serial = pd.read_parquet(tmp_path / "out-serial" / f"{table}.parquet")
        for name in ("pool", "dask"):
            other = pd.read_parquet(tmp_path / f"out-{name}" / f"{table}.parquet")
            pd.testing.assert_frame_equal(other, serial, check_exact=True, obj=f"{name} {table}")


# ---------------------------------------------------------------- sweeps


def test_sweep_base_is_the_plain_run_and_variants_are_paired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sweep = ("--sweep", f"{TECHNICIANS}=3,5")
    plain = in_process(experiment("--store", str(tmp_path / "plain"), "--json"), capsys)
    swept = in_process(experiment(*sweep, "--store", str(tmp_path / "sweep"), "--json"), capsys)
    assert_ok(plain)
    assert_ok(swept)
    summary = json.loads(plain.stdout)
    result = json.loads(swept.stdout)

    names = [BASE, f"{TECHNICIANS}=3", f"{TECHNICIANS}=5"]
    assert list(result["variants"]) == names
    assert result["variants"][BASE] == {"overrides": [], "summary": summary}
    assert result["variants"][names[1]]["overrides"] == [names[1]]
    assert result["reps"] == REPS and result["baseline"] == POLICIES[0]
    metrics = set(summary["policies"][POLICIES[0]])
    assert list(result["paired_to_base"]) == names[1:]
    for name in names[1:]:
        variant = result["variants"][name]["summary"]
        assert variant != summary  # the override changed the numbers
        paired = result["paired_to_base"][name]
        assert list(paired) == list(POLICIES)
        for spec in POLICIES:
            assert set(paired[spec]) == metrics, (name, spec)
            for metric, entry in paired[spec].items():
                assert {"diff", "ci95", "p_value"} <= set(entry), (name, spec, metric)
            los = (
                variant["policies"][spec]["los"]["mean"] - summary["policies"][spec]["los"]["mean"]
            )
            assert paired[spec]["los"]["diff"] == pytest.approx(los)


def test_grid_variants_come_after_the_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "variants:\n"
        f"  more_technicians: {{{TECHNICIANS}: 5}}\n"
        "  fewer_specialists: {resources.ophthalmologist.count: 2, demand.requests_per_day: 50}\n",
        encoding="utf-8",
    )
    args = ["--grid", str(grid), "--store", str(tmp_path / "store"), "--json"]
    result = in_process(experiment(*args, policies=["fifo"], reps=2), capsys)
    assert_ok(result)
    variants = json.loads(result.stdout)["variants"]
    assert list(variants) == [BASE, "more_technicians", "fewer_specialists"]
    assert variants["more_technicians"]["overrides"] == [f"{TECHNICIANS}=5"]
    assert variants["fewer_specialists"]["overrides"] == [
        "resources.ophthalmologist.count=2",
        "demand.requests_per_day=50",
    ]


BAD_GRIDS = {
    "not_a_mapping": ("- more_technicians\n- fewer_specialists\n", ["variants"]),
    "no_variants": ("other: {a: 1}\n", ["variants"]),
    "variant_not_a_mapping": (
        f"variants:\n  good: {{{TECHNICIANS}: 5}}\n  bad: 7\n",
        ["variants.bad", "mapping"],
    ),
    "unreadable_yaml": ("variants: [unclosed\n  more: {\n", ["line 2", "invalid YAML"]),
    "bad_value": (f"variants:\n  negative: {{{TECHNICIANS}: -1}}\n", ["[negative]", "≥ 0"]),
    "named_base": (f"variants:\n  base: {{{TECHNICIANS}: 5}}\n", ["base", "twice"]),
}


@pytest.mark.parametrize("case", sorted(BAD_GRIDS))
def test_bad_grid_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, expected = BAD_GRIDS[case]
    grid = tmp_path / f"{case}.yaml"
    grid.write_text(text, encoding="utf-8")
    args = experiment("--grid", str(grid), "--store", str(tmp_path / "store"), "--json")
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert all(line.startswith("error: ") for line in err.splitlines()), err
    if case not in ("bad_value", "named_base"):  # those name the variant
        assert str(grid) in err
    for word in expected:
        assert word in err, (word, err)
    assert ResultStore(tmp_path / "store").task_count() == 0


def test_missing_grid_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "nowhere.yaml"
    assert main(experiment("--grid", str(grid), "--store", str(tmp_path / "store"))) == 2
    err = capsys.readouterr().err
    assert f"{grid}: no such file" in err


BAD_SWEEPS = {
    "nokey": ["nokey", "expected key=v1,v2"],
    "=3,5": ["=3,5", "expected key=v1,v2"],
    f"{TECHNICIANS}=3,": [f"{TECHNICIANS}=3,", "expected key=v1,v2"],
    f"{TECHNICIANS}=-1": [f"[{TECHNICIANS}=-1] {TECHNICIANS}", "≥ 0"],
    f"{TECHNICIANS}=3,many": [f"[{TECHNICIANS}=many]"],
}


@pytest.mark.parametrize("sweep", list(BAD_SWEEPS))
def test_bad_sweep_exits_2_naming_the_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sweep: str
) -> None:
    args = experiment("--sweep", sweep, "--store", str(tmp_path / "store"), "--json")
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    for word in BAD_SWEEPS[sweep]:
        assert word in err, (word, err)
    # a valid variant beside the bad one is not named as a problem
    assert f"[{TECHNICIANS}=3]" not in err
    assert ResultStore(tmp_path / "store").task_count() == 0


@pytest.mark.parametrize("bad", ["sweep", "grid"])
def test_bad_variants_exit_2_without_traceback_as_a_process(tmp_path: Path, bad: str) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "variants:\n  good: {resources.technician.count: 5}\n  bad: [5]\n", encoding="utf-8"
    )
    options = {
        "sweep": ("--sweep", f"{TECHNICIANS}=3,-1"),
        "grid": ("--grid", str(grid)),
    }[bad]
    result = clinicsim(experiment(*options, "--store", str(tmp_path / "s")), tmp_path)
    assert result.status == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines(), "an error is printed"
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    if bad == "sweep":
        assert f"[{TECHNICIANS}=-1] {TECHNICIANS}" in result.stderr
    else:
        assert f"{grid}: variants.bad: expected a mapping" in result.stderr
    assert not (tmp_path / "s" / "tasks").exists() or task_folders(tmp_path / "s") == []


# ---------------------------------------------------------------- the cache


def test_stored_tasks_are_not_computed_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ("--store", str(tmp_path / "store"))
    tasks = REPS * len(POLICIES)

    first = in_process(experiment(*store, "--out", str(tmp_path / "one")), capsys)
    assert_ok(first)
    assert run_json(tmp_path / "one")["tasks"] == {"computed": tasks, "stored": 0}

    again = in_process(experiment(*store, "--out", str(tmp_path / "two")), capsys)
    assert_ok(again)
    info = run_json(tmp_path / "two")
    assert info["tasks"] == {"computed": 0, "stored": tasks}
    summary = (tmp_path / "one" / "summary.json").read_bytes()
    assert (tmp_path / "two" / "summary.json").read_bytes() == summary
    for table in ("patients", "steps", "resources", "plans"):  # records come back from the store
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "two" / f"{table}.parquet"),
            pd.read_parquet(tmp_path / "one" / f"{table}.parquet"),
            check_exact=True,
        )
    scenario = load(SCENARIO, ["horizon.days=3"])
    assert info["task_keys"] == {
        spec: [Task(scenario, spec, rep).key() for rep in range(REPS)] for spec in POLICIES
    }
    assert ResultStore(tmp_path / "store").task_count() == tasks

    three = [*POLICIES, "fifo:walk_in"]
    more = in_process(experiment(*store, "--out", str(tmp_path / "three"), policies=three), capsys)
    assert_ok(more)
    assert run_json(tmp_path / "three")["tasks"] == {"computed": REPS, "stored": tasks}
    before = json.loads(summary)
    after = json.loads((tmp_path / "three" / "summary.json").read_text(encoding="utf-8"))
    for spec in POLICIES:
        assert after["policies"][spec] == before["policies"][spec]
    assert after["paired"][POLICIES[1]] == before["paired"][POLICIES[1]]

    fresh = ("--out", str(tmp_path / "fresh"), "--no-cache")
    recomputed = in_process(experiment(*store, *fresh, policies=three), capsys)
    assert_ok(recomputed)
    assert run_json(tmp_path / "fresh")["tasks"] == {"computed": REPS * 3, "stored": 0}
    assert (tmp_path / "fresh" / "summary.json").read_bytes() == (
        tmp_path / "three" / "summary.json"
    ).read_bytes()
    assert ResultStore(tmp_path / "store").task_count() == REPS * 3


def test_a_new_sweep_variant_computes_only_its_tasks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = tmp_path / "store"
    per_variant = REPS * len(POLICIES)

    def sweep(values: str, out: str) -> dict[str, Any]:
        args = ["--sweep", f"{TECHNICIANS}={values}", "--store", str(store_dir)]
        result = in_process(experiment(*args, "--out", str(tmp_path / out)), capsys)
        assert_ok(result)
        return json.loads((tmp_path / out / "sweep.json").read_text(encoding="utf-8"))

    first = sweep("3,5", "first")
    assert ResultStore(store_dir).task_count() == 3 * per_variant
    assert run_json(tmp_path / "first" / first["folders"][BASE])["tasks"] == {
        "computed": per_variant,
        "stored": 0,
    }

    second = sweep("3,5,6", "second")
    assert ResultStore(store_dir).task_count() == 4 * per_variant
    new = f"{TECHNICIANS}=6"
    assert list(second["variants"]) == [BASE, f"{TECHNICIANS}=3", f"{TECHNICIANS}=5", new]
    # each variant's run.json counts its own tasks: only the new one was computed
    assert run_json(tmp_path / "second" / second["folders"][new])["tasks"] == {
        "computed": per_variant,
        "stored": 0,
    }
    for name in first["variants"]:
        assert run_json(tmp_path / "second" / second["folders"][name])["tasks"] == {
            "computed": 0,
            "stored": per_variant,
        }
        assert second["variants"][name] == first["variants"][name]
        assert second["paired_to_base"].get(name) == first["paired_to_base"].get(name)
        folder = second["folders"][name]
        assert (tmp_path / "second" / folder / "summary.json").read_bytes() == (
            tmp_path / "first" / first["folders"][name] / "summary.json"
        ).read_bytes()


# ---------------------------------------------------------------- task keys

KEY_SCRIPT = """
from sim.scenario import load
from sim.experiments.tasks import Task
print(Task(load("ophthalmology", ["horizon.days=3"]), "fifo:appointment", 2).key())
"""


def test_task_keys_follow_the_inputs_and_not_the_process() -> None:
    scenario = load(SCENARIO, ["horizon.days=3"])
    more = load(SCENARIO, ["horizon.days=3", f"{TECHNICIANS}=5"])
    key = Task(scenario, "fifo:appointment", 2).key()
    assert len(key) == 32 and int(key, 16) >= 0
    assert Task(load(SCENARIO, ["horizon.days=3"]), "fifo:appointment", 2).key() == key
    same = load(SCENARIO, ["horizon.days=3", f"{TECHNICIANS}=4"])  # the file's own value
    assert Task(same, "fifo:appointment", 2).key() == key
    others = {
        "rep": Task(scenario, "fifo:appointment", 3).key(),
        "spec": Task(scenario, "fifo", 2).key(),
        "parameter": Task(scenario, "fifo:walk_in", 2).key(),
        "override": Task(more, "fifo:appointment", 2).key(),
        "seed": Task(load(SCENARIO, ["horizon.days=3", "seed=1"]), "fifo:appointment", 2).key(),
        "horizon": Task(load(SCENARIO, ["horizon.days=4"]), "fifo:appointment", 2).key(),
    }
    assert key not in others.values()
    assert len(set(others.values())) == len(others)

    elsewhere = []
    for hash_seed in ("0", "12345"):  # sets and dicts iterate differently in each
        result = subprocess.run(
            [sys.executable, "-c", KEY_SCRIPT],
            cwd=ROOT,
            env={**environment(), "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        elsewhere.append(result.stdout.strip())
    assert elsewhere == [key, key]


# ---------------------------------------------------------------- failures


def test_a_failing_task_does_not_take_the_others_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load(SCENARIO, ["horizon.days=3"])
    tasks = experiment_tasks(scenario, list(POLICIES), REPS)
    store = ResultStore(tmp_path / "store")

    def failing_play(scenario: Any, spec: str, rep: int) -> Any:
        if spec == "fifo" and rep == 2:
            raise RuntimeError("boom")
        return play(scenario, spec, rep)

    monkeypatch.setattr(sim.experiments.tasks, "play", failing_play)
    first = Execution(workers=1, store=store)
    with pytest.raises(TaskFailures) as caught:
        execute(tasks, first, keep_records=False)
    (failure,) = caught.value.failures
    assert failure.task == f"{scenario.name}, fifo, replication 2"
    assert "boom" in failure.error and "RuntimeError" in failure.error
    assert "Traceback" in failure.details and "boom" in failure.details
    assert first.counts == {"computed": len(tasks) - 1, "stored": 0}
    failed = Task(scenario, "fifo", 2)
    assert store.get(failed.key(), False) is None
    for task in tasks:
        if task != failed:
            assert store.get(task.key(), False) is not None, task.describe()
    assert store.task_count() == len(tasks) - 1

    monkeypatch.undo()
    second = Execution(workers=1, store=store)
    results = execute(tasks, second, keep_records=False)
    assert second.counts == {"computed": 1, "stored": len(tasks) - 1}
    assert len(results) == len(tasks)
    assert results[tasks.index(failed)].values == play(scenario, "fifo", 2).values
    assert store.task_count() == len(tasks)


# ---------------------------------------------------------------- Ctrl-C

INTERRUPTED = mip_command("compare", reps=12, workers=1)


def wait_for_tasks(store: Path, count: int, process: subprocess.Popen[str]) -> list[Path]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # pathlib's "*" also matches the staging folders (".key.…"): only whole tasks count
        found = [p for p in task_folders(store) if (p / "result.json").is_file()]
        if len(found) >= count:
            return found
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"clinicsim ended before {count} tasks were stored: {stderr}")
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"fewer than {count} tasks stored after 120 s")


def test_ctrl_c_leaves_whole_tasks_and_the_run_resumes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    reference = start(
        [*INTERRUPTED, "--store", str(tmp_path / "fresh"), "--no-cache", "--json"],
        tmp_path / "reference",
    )
    # A shell running the suite in the background ignores Ctrl-C, and a child would
    # inherit that; a handler here is reset to the default in the child, as in a terminal.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        interrupted = start(
            [*INTERRUPTED, "--store", str(store), "--json"], tmp_path / "interrupted"
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        wait_for_tasks(store, 2, interrupted)
        interrupted.send_signal(signal.SIGINT)
        result = finish(interrupted)
    finally:
        if interrupted.poll() is None:
            interrupted.kill()
    assert result.status == 130, result.stderr
    assert "interrupted" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""

    staging = [p for p in (store / "tasks").rglob("*") if p.name.startswith(".")]
    assert staging == []
    kept = task_folders(store)
    assert 2 <= len(kept) < 24
    results = ResultStore(store)
    for folder in kept:
        assert {p.name for p in folder.iterdir()} == TASK_FILES, folder
        stored = results.get(folder.name, True)
        assert stored is not None and stored.records is not None and stored.plan is not None
        assert stored.values and stored.observations

    out = tmp_path / "resumed-out"
    resumed = clinicsim(
        [*INTERRUPTED, "--store", str(store), "--json", "--out", str(out)], tmp_path / "resumed"
    )
    assert_ok(resumed)
    counts = run_json(out)["tasks"]
    assert counts["computed"] + counts["stored"] == 24
    assert counts["stored"] >= len(kept)
    assert counts["computed"] < 24
    assert ResultStore(store).task_count() <= 24
    assert len(task_folders(store)) == 24

    fresh = finish(reference)
    assert_ok(fresh)
    assert resumed.stdout == fresh.stdout
    assert (out / "summary.json").read_text(encoding="utf-8") == fresh.stdout


# ---------------------------------------------------------------- the store itself


def assert_same_float(a: float, b: float) -> None:
    assert (math.isnan(a) and math.isnan(b)) or a == b, (a, b)


def test_result_store_round_trip_once_per_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load(SCENARIO, ["horizon.days=3"])
    task = Task(scenario, "fifo:appointment", 1)
    key = task.key()
    result = play(scenario, task.spec, task.rep)
    assert result.records is not None and result.plan is not None
    store = ResultStore(tmp_path)
    assert store.get(key, True) is None

    store.put(key, task, result)
    back = store.get(key, True)
    assert back is not None and back.records is not None and back.plan is not None
    assert back.values.keys() == result.values.keys()
    for name, value in result.values.items():
        assert_same_float(back.values[name], float(value))
    plain = json.dumps(result.info, default=lambda v: v.item())  # NumPy numbers as JSON
    assert json.dumps(back.info) == plain
    assert back.observations.keys() == result.observations.keys()
    for name, array in result.observations.items():
        assert back.observations[name].dtype == array.dtype, name
        assert np.array_equal(back.observations[name], array, equal_nan=True), name
    for name in RECORD_TABLES:
        original, stored = getattr(result.records, name), getattr(back.records, name)
        pd.testing.assert_frame_equal(stored, original, check_exact=True, obj=name)
        assert stored.dtypes.to_dict() == original.dtypes.to_dict(), name
    pd.testing.assert_frame_equal(back.plan, result.plan, check_exact=True)
    categorical = [
        (name, column)
        for name in RECORD_TABLES
        for column, dtype in getattr(result.records, name).dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype)
    ]
    assert categorical, "the records have categorical columns"
    for name, column in categorical:
        assert isinstance(getattr(back.records, name)[column].dtype, pd.CategoricalDtype)
    without = store.get(key, False)
    assert without is not None and without.records is None and without.plan is None
    assert without.values.keys() == result.values.keys()

    folder = tmp_path / "tasks" / key[:2] / key
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(written) == TASK_FILES
    store.put(key, task, result)  # the same task again: kept once, untouched
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == written
    assert store.task_count() == 1

    # a true race: another writer renames the same task into place first
    other = ResultStore(tmp_path)
    rename = os.rename
    raced = []

    def rename_after_the_other(source: Any, target: Any) -> None:
        if not raced:
            raced.append(Path(target))
            other.put(key, task, result)  # wins
        rename(source, target)

    store.forget(key)
    assert store.task_count() == 0
    monkeypatch.setattr(sim.experiments.store.os, "rename", rename_after_the_other)
    store.put(key, task, result)  # loses, harmlessly
    monkeypatch.undo()
    assert raced == [folder]
    assert {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "tasks").rglob("*")} == {
        f"tasks/{key[:2]}",
        f"tasks/{key[:2]}/{key}",
        *(f"tasks/{key[:2]}/{key}/{name}" for name in TASK_FILES),
    }
    assert store.task_count() == 1
    again = store.get(key, True)
    assert again is not None and again.values.keys() == result.values.keys()

    store.forget(key)
    assert not folder.exists()
    assert store.get(key, True) is None
    assert store.task_count() == 0
    store.forget(key)  # forgetting twice is harmless


def test_variants_that_are_the_same_task_are_computed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sweep value equal to the base's gives the base's tasks: computed once, not twice."""
    store_dir = tmp_path / "store"
    args = ["--sweep", f"{TECHNICIANS}=4", "--store", str(store_dir), "--out", str(tmp_path / "o")]
    assert_ok(in_process(experiment(*args), capsys))
    sweep = json.loads((tmp_path / "o" / "sweep.json").read_text(encoding="utf-8"))
    assert ResultStore(store_dir).task_count() == REPS * len(POLICIES)
    assert sweep["variants"][f"{TECHNICIANS}=4"]["summary"] == sweep["variants"][BASE]["summary"]


def test_variants_sharing_an_output_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        'variants:\n  "a b": {resources.technician.count: 5}\n'
        "  a_b: {resources.technician.count: 3}\n",
        encoding="utf-8",
    )
    result = in_process(experiment("--grid", str(grid), "--out", str(tmp_path / "o")), capsys)
    assert result.status == 2
    assert f"--grid {grid}" in result.stderr and "share its output folder" in result.stderr


def test_an_override_into_a_misspelt_resource_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = in_process(
        ["validate", "ophthalmology", "--set", "resources.technican.count=5"], capsys
    )
    assert result.status == 2
    assert "resources.technican: no such entry in resources" in result.stderr


def _die_on_replication_one(task: Task) -> Any:
    """A worker that dies (as when killed or out of memory) on replication 1."""
    if task.rep == 1:
        os._exit(3)
    return run_task(task)


def test_a_killed_worker_is_reported_and_finished_tasks_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "run_task", _die_on_replication_one)
    scenario = load(SCENARIO, list(SETTINGS[1::2]))
    tasks = experiment_tasks(scenario, ["fifo"], 4)
    with pytest.raises(TaskFailures) as caught:
        execute(tasks, Execution(workers=2, store=ResultStore(tmp_path)), keep_records=False)
    failed = [failure.task for failure in caught.value.failures]
    assert any("replication 1" in task for task in failed)
    assert all("Traceback" not in failure.error for failure in caught.value.failures)
    monkeypatch.undo()
    again = Execution(workers=1, store=ResultStore(tmp_path))
    results = execute(tasks, again, keep_records=False)
    assert len(results) == 4
    assert again.counts["computed"] == len(failed)  # only what was lost is run again


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (
            ["--cluster", "tcp://127.0.0.1:9"],
            "--cluster: tcp://127.0.0.1:9: cannot reach the scheduler",
        ),
        (["--store", "FILE"], "--store: cannot use it"),
    ],
)
def test_an_unusable_cluster_or_store_exits_2(
    option: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    option = [str(a_file) if part == "FILE" else part for part in option]
    result = in_process(experiment(*option, "--no-cache"), capsys)
    assert result.status == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert said in result.stderr


def test_task_keys_follow_the_installed_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    task = Task(load(SCENARIO, ["horizon.days=3"]), "mip", 0)
    key = task.key()
    installed = sim.experiments.tasks.versions()
    assert {"python", "clinicsim", "numpy", "highspy", "pyomo"} <= set(installed)
    upgraded = {**installed, "highspy": installed["highspy"] + ".post1"}
    monkeypatch.setattr(sim.experiments.tasks, "versions", lambda: upgraded)
    assert task.key() != key  # a solver upgrade never serves the old plans as its own
