"""Event logs of simulated clinics, for the tests of ``sim.eventlog``: one replication of
a bundled scenario's first policy, exported as ``clinicsim export-log`` does."""

from __future__ import annotations

from functools import lru_cache

from sim.eventlog.export import run_event_log
from sim.eventlog.log import EventLog
from sim.experiments.runner import run_experiment
from sim.scenario import Scenario, load


@lru_cache(maxsize=8)
def simulated_log(
    name: str, days: int, policy: str = "fifo", overrides: tuple[str, ...] = ()
) -> tuple[Scenario, EventLog]:
    """The scenario (``days`` working days, ``overrides`` applied) and its log."""
    scenario = load(name, [f"horizon.days={days}", *overrides])
    result = run_experiment(scenario, [policy], 1, workers=1)
    log = run_event_log(result.tables, scenario, policy, 0, source=f"{name}.csv")
    return scenario, log
