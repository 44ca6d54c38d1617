"""Fitting a year of a 200-patients-a-day service: ``clinicsim fit`` on one core, its
seconds and peak memory (target: within 15 s).

The log is a simulated year: the bundled ``ophthalmology`` clinic scaled to 200
requests a day, most of them new patients with the full work-up, and staff to match
(250 working days, one replication under ``fifo``): about 50 000 visits and 300 000
step rows, written as CSV. ``clinicsim fit`` then runs in a process pinned to one core;
its wall seconds and peak resident memory come from the operating system (``wait4``).
The reference measured in the same run is the same process reading the same file with
``pandas.read_csv`` alone: the ratio says what fitting adds to reading.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.eventlog.export import run_event_log
from sim.eventlog.write import write_log
from sim.experiments.runner import run_experiment
from sim.scenario import load

TARGET_SECONDS = 15.0
YEAR = [
    "horizon.days=250",
    "demand.requests_per_day=215",
    "demand.booking_window_days=30",
    "demand.classes.cataract_new.share=0.85",
    "demand.classes.cataract_followup.share=0.15",
    "resources.admissions.count=3",
    "resources.technician.count=16",
    "resources.ophthalmologist.count=10",
    "resources.ophthalmologist.daily_slots=25",
]
CLINICSIM = Path(sys.executable).with_name("clinicsim")


def simulated_year(folder: Path) -> Path:
    scenario = load("ophthalmology", YEAR)
    result = run_experiment(scenario, ["fifo"], 1, workers=1)
    log = run_event_log(result.tables, scenario, "fifo", 0, source="year.csv")
    path = write_log(log, folder / "year.csv")
    print(
        f"log: {len(log.visits)} visits, {len(log.steps)} step rows, {log.days} days, "
        f"{path.stat().st_size / 1e6:.1f} MB of CSV"
    )
    return path


def on_one_core(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``command``, run on one core."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}),
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="clinicsim-fit-bench-") as tmp:
        folder = Path(tmp)
        log = simulated_year(folder)
        read = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(log)!r})"]
        read_seconds, read_mb = on_one_core(read)
        fit = [str(CLINICSIM), "fit", str(log), "--out", str(folder / "fitted.yaml")]
        fit_seconds, fit_mb = on_one_core(fit)
    verdict = "within" if fit_seconds <= TARGET_SECONDS else "OVER"
    print(f"read_csv alone: {read_seconds:.1f} s, peak {read_mb:.0f} MB")
    print(
        f"clinicsim fit: {fit_seconds:.1f} s on one core ({verdict} the {TARGET_SECONDS:.0f} s "
        f"target), peak {fit_mb:.0f} MB; {fit_seconds / read_seconds:.1f}× reading the CSV"
    )


if __name__ == "__main__":
    main()
