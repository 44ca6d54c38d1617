"""Ctrl-C: seconds from SIGINT to a ``clinicsim compare`` and all its workers gone.

``clinicsim compare ophthalmology --reps 10 --workers 2 --out DIR`` (fifo,
three rules and mip: MIP tasks of about ten seconds), each try a fresh process
with a store of its own. Once the first task is in the store (the pool is busy,
a MIP replication among the running tasks), SIGINT goes to the command's
process group, as a terminal's Ctrl-C sends it, or to the main process alone
(``kill -INT``); the time is until the main process has exited and no process
of its session is left. Five tries each, the median; target: under 1 s. Each
try also checks what the interrupt leaves: exit status 130, and no ``--out``
directory (the command created it, and it holds nothing finished).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' session helpers

from tests.support.sessions import session_processes, start_in_session

TRIES = 5
TARGET_SECONDS = 1.0
SETTLE_SECONDS = 0.5  # after the first stored task, so that the next ones are mid-way
GIVE_UP_SECONDS = 120
COMMAND = ("compare", "ophthalmology", "--reps", "10", "--workers", "2")


def start(command: list[str]) -> subprocess.Popen[bytes]:
    return start_in_session(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_stored_task(store: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not any((store / "tasks").glob("*/*/result.json")):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"clinicsim stopped or stalled before a task was stored: {process}")
        time.sleep(0.05)


def one_try(whole_group: bool) -> float:
    """Seconds from SIGINT until the command and every process it started are gone."""
    script = Path(sys.executable).with_name("clinicsim")
    with tempfile.TemporaryDirectory() as scratch:
        store, out = Path(scratch) / "store", Path(scratch) / "out"
        command = [str(script), *COMMAND, "--store", str(store), "--out", str(out)]
        process = start(command)
        wait_for_stored_task(store, process)
        time.sleep(SETTLE_SECONDS)
        started = time.perf_counter()
        if whole_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=GIVE_UP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise SystemExit(f"clinicsim still running {GIVE_UP_SECONDS} s after SIGINT") from None
        while session_processes(process.pid):
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        problems = check_leftovers(process.returncode, stderr.decode(), out)
        if problems:
            print(f"    try of {seconds:.2f} s: {'; '.join(problems)}")
        return seconds


def check_leftovers(returncode: int, stderr: str, out: Path) -> list[str]:
    problems = []
    if returncode != 130:
        problems.append(f"exit status {returncode}, not 130")
    if "Traceback" in stderr:
        problems.append("a traceback on stderr")
    if out.exists():
        problems.append(f"--out left behind ({len(list(out.iterdir()))} entries)")
    return problems


def main() -> None:
    print(f"clinicsim {' '.join(COMMAND)}: SIGINT to exit, {TRIES} tries")
    for whole_group, label in ((True, "Ctrl-C (process group)"), (False, "main process alone")):
        times = [one_try(whole_group) for _ in range(TRIES)]
        median = statistics.median(times)
        verdict = "meets" if median < TARGET_SECONDS else "misses"
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"  {label:24} median {median:5.2f} s ({verdict} the {TARGET_SECONDS:.0f} s target); "
            f"tries {shown}"
        )


if __name__ == "__main__":
    main()
