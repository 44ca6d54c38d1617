"""Ctrl-C: the whole command stops, keeps its finished tasks and takes back its new outputs.

- a real ``clinicsim run`` on a pool of two workers, interrupted (SIGINT to its
  process group, as a terminal sends it, or to the main process alone) while its
  workers are in MIP solves: exit status 130 with the ``interrupted`` line and no
  traceback, the command and every worker gone, the new ``--out`` folder (and the
  parent it created) removed, a folder that was there before left as it was with
  the user's file; the store holds whole tasks only, its index names only folders
  that exist, and running again reuses them;
- the pool's own guarantees, in this process: a worker ignores SIGINT, and
  ``close`` terminates a worker in the middle of a long task;
- ``interrupts.deferred`` runs a block whole and then raises the interrupt;
- an interrupted command removes the files and folders it created and only those.

How fast the command stops is measured by ``benchmarks/interrupt.py``; the bounds
here (10 s) are about stopping at all, on a loaded machine.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import pytest

from sim import interrupts
from sim.cli.interrupted import outputs_removed_if_interrupted
from sim.cli.options import check_out_dir
from sim.experiments.executors import Lost, PoolExecutor
from sim.experiments.store import RECORD_TABLES
from sim.files import write_text_atomically
from tests.support.cli import SCRIPT, TIMEOUT_S, environment
from tests.support.sessions import mip_command, session_processes, start_in_session

# 8 tasks: the fifo ones take a tenth of a second, the mip ones about 5 s each, so
# once a task is stored both workers are in the middle of MIP solves for seconds
COMMAND = mip_command("run", reps=4, workers=2)
TASKS = 8
STOP_BOUND_S = 10.0  # correctness, not speed: benchmarks/interrupt.py measures that
TASK_FILES = {"result.json", "observations.npz"} | {
    f"{name}.parquet" for name in (*RECORD_TABLES, "plan")
}
INTERRUPTED_LINE = "interrupted: finished tasks are stored; run again to resume"


# ---------------------------------------------------------------- a real clinicsim


def start(args: Sequence[str], store: Path, cwd: Path) -> subprocess.Popen[str]:
    """``clinicsim args`` in a session of its own (its workers join it), with a private
    store."""
    cwd.mkdir(parents=True, exist_ok=True)
    return start_in_session(
        [str(SCRIPT), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**environment(), "CLINICSIM_STORE": str(store)},
    )


def stored_tasks(store: Path) -> list[Path]:
    return sorted(p for p in (store / "tasks").glob("*/*") if not p.name.startswith("."))


def wait_until_running(store: Path, process: subprocess.Popen[str]) -> None:
    """Until a first task is in the store: the pool is up and its workers busy."""
    deadline = time.monotonic() + TIMEOUT_S
    while not any((folder / "result.json").is_file() for folder in stored_tasks(store)):
        if process.poll() is not None:
            pytest.fail(f"clinicsim ended before storing a task: {process.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no task stored after {TIMEOUT_S} s")
        time.sleep(0.05)


@contextmanager
def session_killed_after(process: subprocess.Popen[str]) -> Iterator[None]:
    """Whatever the test asserts, leave no process of the session behind."""
    try:
        yield
    finally:
        for pid in session_processes(process.pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait()


def interrupt(process: subprocess.Popen[str], whole_group: bool) -> tuple[int, str]:
    """SIGINT as Ctrl-C sends it (the process group), or to the main process alone; the
    exit status and stderr, once the command and all its workers are gone."""
    if whole_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=STOP_BOUND_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"clinicsim still running {STOP_BOUND_S} s after SIGINT")
    deadline = time.monotonic() + STOP_BOUND_S
    while session_processes(process.pid):
        if time.monotonic() > deadline:
            pytest.fail(
                f"processes left {STOP_BOUND_S} s after SIGINT: {session_processes(process.pid)}"
            )
        time.sleep(0.05)
    return process.returncode, stderr


def assert_interrupted(status: int, stderr: str) -> None:
    assert status == 130, stderr
    assert INTERRUPTED_LINE in stderr
    assert "Traceback" not in stderr


def assert_whole_tasks(store: Path) -> list[Path]:
    """Every task folder whole, no staging folder or temporary file, and an index that
    names only folders that exist; the task folders."""
    leftovers = [p for p in (store / "tasks").rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    kept = stored_tasks(store)
    for folder in kept:
        assert {p.name for p in folder.iterdir()} == TASK_FILES, folder
    with closing(sqlite3.connect(store / "index.sqlite")) as db:
        indexed = [key for (key,) in db.execute("SELECT key FROM tasks")]
    assert {folder.name for folder in kept} >= set(indexed)
    return kept


# ---------------------------------------------------------------- the command


def test_ctrl_c_stops_the_pool_removes_the_new_out_and_the_run_resumes(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "new" / "out"
    process = start([*COMMAND, "--out", str(out)], store, tmp_path / "cwd")
    with session_killed_after(process):
        wait_until_running(store, process)
        status, stderr = interrupt(process, whole_group=True)
    assert_interrupted(status, stderr)
    assert not (tmp_path / "new").exists()  # --out, and the parent the command made
    kept = assert_whole_tasks(store)
    assert 1 <= len(kept) < TASKS

    resumed_out = tmp_path / "resumed"
    resumed = start([*COMMAND, "--json", "--out", str(resumed_out)], store, tmp_path / "cwd")
    with session_killed_after(resumed):
        _, stderr = resumed.communicate(timeout=TIMEOUT_S)
    assert resumed.returncode == 0, stderr
    counts = json.loads((resumed_out / "run.json").read_text(encoding="utf-8"))["tasks"]
    assert counts["computed"] + counts["stored"] == TASKS
    assert counts["stored"] >= len(kept)  # the interrupted run's tasks, reused


def test_sigint_to_the_main_process_alone_keeps_an_existing_out(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    process = start([*COMMAND, "--out", str(out)], store, tmp_path / "cwd")
    with session_killed_after(process):
        wait_until_running(store, process)
        status, stderr = interrupt(process, whole_group=False)
    assert_interrupted(status, stderr)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert_whole_tasks(store)


# ---------------------------------------------------------------- the pool


def _interrupt_myself(seconds: float) -> str:
    """A task that sends SIGINT to its own worker, then works on."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(seconds)
    return "finished"


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_worker_ignores_sigint() -> None:
    pool = PoolExecutor(2)
    try:
        with default_sigint():  # as in a terminal, whatever this process inherited
            outcomes = dict(pool.imap(_interrupt_myself, [0.2, 0.2]))
    finally:
        pool.close()
    assert outcomes == {0: "finished", 1: "finished"}


def test_close_terminates_a_worker_in_the_middle_of_a_task() -> None:
    pool = PoolExecutor(2)
    results = pool.imap(_sleep, [0.0, 600.0])
    try:
        assert next(results) == (0, 0.0)
        busy = [worker.process for worker in pool.running]
        assert len(busy) == 1 and busy[0].is_alive()
    finally:
        started = time.monotonic()
        pool.close()
    assert time.monotonic() - started < STOP_BOUND_S
    assert not busy[0].is_alive()
    assert pool.running == {} and pool.idle == []


def _die_on_one(item: int) -> int:
    if item == 1:
        os._exit(3)
    return item


def test_a_dead_worker_loses_its_task_only() -> None:
    pool = PoolExecutor(2)
    try:
        outcomes = dict(pool.imap(_die_on_one, [0, 1, 2, 3]))
    finally:
        pool.close()
    assert outcomes[0] == 0 and outcomes[2] == 2 and outcomes[3] == 3
    assert isinstance(outcomes[1], Lost) and "exit status 3" in outcomes[1].error


# ---------------------------------------------------------------- safe moments


@contextmanager
def default_sigint() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_interrupt_in_a_deferred_block_comes_after_it() -> None:
    steps = []
    with default_sigint(), pytest.raises(KeyboardInterrupt):
        with interrupts.deferred():
            signal.raise_signal(signal.SIGINT)
            steps.append("after the signal")
        steps.append("after the block")  # never: the interrupt comes first
    assert steps == ["after the signal"]


def test_an_interrupted_command_removes_only_what_it_created(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine\n", encoding="utf-8")
    (existing / "summary.json").write_text("{}\n", encoding="utf-8")
    new = tmp_path / "new" / "out"
    shared = tmp_path / "shared" / "out"
    with pytest.raises(KeyboardInterrupt), outputs_removed_if_interrupted():
        for out in (existing, new, shared):
            check_out_dir(out)
            write_text_atomically(out / "summary.json", '{"new": true}\n')
        (new / "variants" / "base").mkdir(parents=True)
        write_text_atomically(new / "variants" / "base" / "run.json", "{}\n")
        (shared / "theirs.txt").write_text("someone else's\n", encoding="utf-8")
        raise KeyboardInterrupt
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt", "summary.json"]
    assert (existing / "summary.json").read_text(encoding="utf-8") == '{"new": true}\n'
    assert [p.name for p in shared.iterdir()] == ["theirs.txt"]
