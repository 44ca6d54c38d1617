"""A task: one policy planning and playing one replication of one resolved scenario.

A task's result depends only on ``(resolved scenario, policy spec, rep)``: the
replication's patients and luck come from the scenario's seed and the rep index
(``sampling``), the policy's own stream from the spec. So a task can run
anywhere (this process, a pool worker, a Dask worker) and be stored under its
key, the hash of those three, of the code that computes it and of the versions
of Python and of the packages that compute it (``versions``: an upgraded solver
or NumPy never serves results computed before as its own), and never be
computed twice.

``run_task`` never raises for a failing policy or engine: it returns a
``TaskFailure`` naming the scenario, policy and replication, so one bad task
does not take the others down.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import policies
import sim
from policies import REGISTRY, make_policy
from policies.base import SchedulingPolicy, booking_mode_of
from sim import metrics
from sim.booking.metrics import booking_values
from sim.booking.process import BatchRule, run_booking
from sim.clinic import Clinic, resource_keys
from sim.costs import costs_of
from sim.engine import SimRecords, simulate
from sim.plan import at_opening
from sim.sampling import Realisation, realise, stream
from sim.scenario import Scenario

CODE_PACKAGES = (sim, policies)


@dataclass(frozen=True)
class Task:
    scenario: Scenario
    spec: str
    rep: int

    def key(self) -> str:
        """The hash of everything the result depends on, code included."""
        text = "\n".join(
            [
                self.scenario.content_json(),
                self.spec,
                str(self.rep),
                code_fingerprint(),
                json.dumps(versions(), sort_keys=True),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def describe(self) -> str:
        return f"{self.scenario.name}, {self.spec}, replication {self.rep}"


@dataclass
class PolicyRep:
    """One policy in one replication: its plan, what happened, and the numbers."""

    values: dict[str, float]
    observations: dict[str, np.ndarray]
    records: SimRecords | None
    plan: pd.DataFrame | None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskFailure:
    task: str  # what failed: scenario, policy, replication
    error: str  # the exception, one line
    details: str  # the traceback, for the log


def run_task(task: Task) -> PolicyRep | TaskFailure:
    try:
        return play(task.scenario, task.spec, task.rep)
    except Exception as exc:  # any policy or engine failure becomes a reported result
        return TaskFailure(task.describe(), f"{type(exc).__name__}: {exc}", traceback.format_exc())


def play(scenario: Scenario, spec: str, rep: int) -> PolicyRep:
    """Plan replication ``rep`` with policy ``spec`` and play it; with a booking mode
    (``spec@mode`` or the scenario's ``booking.mode``) the booking process books first
    (``sim.booking.process``) and the policy plans the days of that booking."""
    clinic = Clinic(scenario)
    realisation = realise(scenario, rep)
    policy = make_policy(spec, scenario, REGISTRY)
    _name, mode = booking_mode_of(spec, scenario)
    rng = stream(scenario.seed, rep, "policy", spec)
    started = time.perf_counter()
    booking = None
    if mode is None:
        plan = policy.plan(realisation.requests, clinic, rng)
    else:
        booking = run_booking(
            scenario, realisation, mode, _batch_rule(policy, mode, realisation, clinic, rng)
        )
        if mode == "walk_in":
            plan = at_opening(booking.day, booking.member, clinic.open, spec)
        else:
            plan = policy.sequence(realisation.requests, clinic, booking.day, booking.member, rng)
        plan.info["booking"] = booking.stats
    plan_seconds = time.perf_counter() - started
    records = simulate(plan, realisation, clinic)
    info = {"plan_seconds": plan_seconds, **plan.info}
    result = evaluate(records, plan.to_frame(), info, scenario)
    if booking is not None:
        result.values.update(booking_values(booking, realisation))
    return result


def _batch_rule(
    policy: SchedulingPolicy,
    mode: str,
    realisation: Realisation,
    clinic: Clinic,
    rng: np.random.Generator,
) -> BatchRule | None:
    """The policy's own way of booking requests (a day's together at the end of the day,
    one at a time in real time), if it ``books_in_batches``; walk-in has no booking."""
    if mode == "walk_in" or not policy.books_in_batches:
        return None
    return lambda batch: policy.book_batch(realisation.requests, clinic, batch, rng)


def evaluate(
    records: SimRecords, plan: pd.DataFrame, info: dict[str, Any], scenario: Scenario
) -> PolicyRep:
    """The numbers of a played replication (also for records read back from a store)."""
    observations = metrics.observations(records, resource_keys(scenario), costs_of(scenario))
    values = metrics.replication_values(records, observations)
    return PolicyRep(values, observations, records, plan, info)


@cache
def code_fingerprint() -> str:
    """A hash of clinicsim's source: results computed by other code are not reused."""
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        folder = Path(package.__file__).resolve().parent
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# what a result depends on besides clinicsim's code: the simulation's stack and the
# solver's (a HiGHS release can change a MIP's plan); run.json records them too
VERSIONED = ("simpy", "numpy", "pandas", "pydantic", "pyarrow", "scipy", "pyomo", "highspy")


@cache
def versions() -> dict[str, str]:
    """The versions of Python, clinicsim and the packages its numbers depend on."""
    found = {"python": platform.python_version()}
    for package in ("clinicsim", *VERSIONED):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
