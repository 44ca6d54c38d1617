"""Check a scenario against a clinic's log: simulate the logged period under the logged
practice, and compare what the simulation gives with what happened.

``check_fit(log, scenario, reps)`` plays the log's period ``reps`` times under the
practice the log shows (``sim.eventlog.practice``: the log's days and visits, their
appointment times or everyone at opening, their members; durations, optional steps,
punctuality and no-shows drawn from the scenario) and reads the same figures from the
log and from each replication's records, by one definition for both sides:

- ``stay``: mean of last step's end − arrival over the visits served (a visit is served
  when it has a step); when the log has no arrival times, both sides measure the stay
  from the first step's start and leave out the waits for first steps;
- ``wait.STEP``: mean of start − ready over the doings of each step that needs a
  resource, where ready is the latest end of the steps it waits for in the scenario's
  protocol (``ProtocolModel.predecessors``; a step not done is done when it is ready),
  or the arrival for a first step; on the simulated side too it is read from the step
  rows, not taken from the engine's ``ready``;
- ``utilisation.RESOURCE``: minutes busy within the shift over minutes available over
  the period, the available ones from the scenario's staff each day times its shift
  (the same for both sides);
- ``throughput``: visits served per day;
- ``no_show``: the share of visits with no-show.

A figure's verdict: the observed value is set against a prediction interval for one
period's value, ``mean ± t · sd · √(1 + 1/R)`` over the ``R`` replications' values
(Student's t, ``R − 1`` degrees of freedom). With ``K`` figures each interval has level
``1 − 0.05 / K`` (Bonferroni), so that a right scenario passes on every figure at once
with at least 95 % probability (given values roughly normal across periods, which
sixty-day periods are: the skew of the bundled ophthalmology clinic's figures over 200
replications stays below 0.4). The scenario fails when one figure falls outside its
interval. A figure the log gives and no replication does (a step the simulation never
does), or the other way round, differs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.clinic import resource_keys
from sim.engine import SimRecords
from sim.eventlog.log import EventLog
from sim.eventlog.practice import LoggedPractice
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario

DEFAULT_REPS = 30
MIN_REPS = 2  # a prediction interval needs a standard deviation
FAMILY_CONFIDENCE = 0.95  # the chance a right scenario passes on every figure at once
FIGURE_COLUMNS = (
    "figure",
    "kind",
    "subject",
    "observed",
    "simulated",
    "low",
    "high",
    "agrees",
)
_SAME = 1e-9  # relative room for a figure no replication varies (a rate of zero)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CheckResult:
    """A scenario checked against a log: a row per figure, and what the rows come from.

    ``figures`` has the columns of ``FIGURE_COLUMNS``: the figure's name (``stay``,
    ``wait.STEP``, ``utilisation.RESOURCE``, ``throughput``, ``no_show``), its kind and
    subject (step or resource, else empty), the observed value, the simulated mean, the
    prediction interval ``[low, high]`` and whether the observed value is in it.
    ``observed`` and ``simulated`` give by figure name the values the figure summarises:
    stays and waits per visit or step done, utilisation and throughput per day, no-show
    per visit (0 or 1); the simulated ones pooled over the replications. ``replications``
    has a row per replication, a column per figure.
    """

    scenario: str
    log: str
    reps: int
    days: int
    visits: int
    confidence: float  # the level of each figure's interval
    figures: pd.DataFrame
    observed: dict[str, np.ndarray]
    simulated: dict[str, np.ndarray]
    replications: pd.DataFrame

    @property
    def agrees(self) -> bool:
        """Whether every figure agrees: the scenario passes."""
        return bool(self.figures["agrees"].all())

    @property
    def differing(self) -> list[str]:
        """The figures that differ, in table order."""
        return self.figures.loc[~self.figures["agrees"], "figure"].tolist()

    def to_dict(self) -> dict[str, object]:
        """The check as plain data (for ``--json``): an undefined number is ``None``."""
        figures = [
            {k: _plain(v) for k, v in row.items()} for row in self.figures.to_dict(orient="records")
        ]
        return {
            "scenario": self.scenario,
            "log": self.log,
            "reps": self.reps,
            "days": self.days,
            "visits": self.visits,
            "confidence": self.confidence,
            "agrees": self.agrees,
            "differing": self.differing,
            "figures": figures,
        }


def check_fit(
    log: EventLog,
    scenario: Scenario,
    reps: int = DEFAULT_REPS,
    progress: Progress | None = None,
) -> CheckResult:
    """Simulate ``log``'s period ``reps`` times under the practice it shows, with
    ``scenario``'s durations, staff and behaviour, and compare the figures."""
    if reps < MIN_REPS:
        message = f"must be at least {MIN_REPS} (an interval needs a spread), got {reps}"
        raise ScenarioError("--reps", [Problem(str(reps), message)])
    practice = LoggedPractice.of(log, scenario)
    observed = _measure(practice, _observed_trace(practice))
    simulated = []
    for r in range(reps):
        simulated.append(_measure(practice, _simulated_trace(practice, practice.simulate(r))))
        if progress is not None:
            progress(r + 1, reps)
    return _compare(log, scenario, practice, observed, simulated)


@dataclass(frozen=True)
class _Trace:
    """One period, observed or simulated, in the shape every figure is read from.

    ``visits``: one row per visit, indexed ``0..n-1``: ``day``, ``arrival`` (NaN when
    unknown), ``no_show`` (bool), ``protocol`` (str or None). ``steps``: one row per
    step done: ``visit``, ``day``, ``step``, ``resource`` (None for a step that needs
    nobody), ``start``, ``end``.
    """

    visits: pd.DataFrame
    steps: pd.DataFrame


@dataclass(frozen=True)
class _Measures:
    """A period's figures (one value each) and the values behind them."""

    values: dict[str, float]
    samples: dict[str, np.ndarray]


# ---------------------------------------------------------------- reading figures


def figures_of_log(practice: LoggedPractice) -> dict[str, float]:
    """The figures the log shows, by name."""
    return _measure(practice, _observed_trace(practice)).values


def figures_of_records(practice: LoggedPractice, records: SimRecords) -> dict[str, float]:
    """The figures a simulation of the logged period gives, by name."""
    return _measure(practice, _simulated_trace(practice, records)).values


def _observed_trace(practice: LoggedPractice) -> _Trace:
    visits = practice.log.visits
    number = pd.Series(np.arange(len(visits)), index=visits["case"].astype(str).to_numpy())
    steps = practice.log.steps
    step_ids = steps["step"].astype(str)
    visit = number.loc[steps["case"].astype(str).to_numpy()].to_numpy()
    resource = _observed_resources(practice, steps, visit)
    return _Trace(
        visits=pd.DataFrame(
            {
                "day": visits["day"].to_numpy(dtype=np.int64),
                "arrival": visits["arrival"].to_numpy(dtype=float),
                "no_show": visits["no_show"].to_numpy(dtype=bool),
                "protocol": practice.visit_protocol,
            }
        ),
        steps=pd.DataFrame(
            {
                "visit": visit,
                "day": steps["day"].to_numpy(dtype=np.int64),
                "step": step_ids.to_numpy(),
                "resource": resource,
                "start": steps["start"].to_numpy(dtype=float),
                "end": steps["end"].to_numpy(dtype=float),
            }
        ),
    )


def _observed_resources(
    practice: LoggedPractice, steps: pd.DataFrame, visit: np.ndarray
) -> list[str | None]:
    """The log's resource of each step row, or the scenario's when the log has none."""
    if practice.log.has("resource"):
        return [None if pd.isna(r) else str(r) for r in steps["resource"]]
    resources = []
    for v, step in zip(visit, steps["step"].astype(str), strict=True):
        protocol = practice.scenario.protocols[str(practice.visit_protocol[v])]
        resources.append(next(s.resource for s in protocol.steps if s.id == step))
    return resources


def _simulated_trace(practice: LoggedPractice, records: SimRecords) -> _Trace:
    visits, steps = records.visits, records.steps
    protocol_of = {c: practice.scenario.demand.classes[c].protocol for c in practice.class_names}
    resource = steps["resource"].astype(object)
    return _Trace(
        visits=pd.DataFrame(
            {
                "day": visits["day"].to_numpy(dtype=np.int64),
                "arrival": visits["arrival"].to_numpy(dtype=float),
                "no_show": (visits["status"] == "no_show").to_numpy(),
                "protocol": visits["class"].astype(str).map(protocol_of).to_numpy(),
            }
        ),
        steps=pd.DataFrame(
            {
                "visit": steps["patient"].to_numpy(),
                "day": steps["day"].to_numpy(dtype=np.int64),
                "step": steps["step"].astype(str).to_numpy(),
                "resource": resource.where(resource.notna(), None).to_numpy(),
                "start": steps["start"].to_numpy(dtype=float),
                "end": steps["end"].to_numpy(dtype=float),
            }
        ),
    )


def _measure(practice: LoggedPractice, trace: _Trace) -> _Measures:
    """Every figure of one period, by the same definitions on either side."""
    visits = trace.visits
    arrival = visits["arrival"].to_numpy(dtype=float)
    if not practice.log.has("arrival"):
        arrival = np.full(len(visits), np.nan)
    samples: dict[str, np.ndarray] = {}
    values: dict[str, float] = {}
    samples["stay"] = _stays(trace.steps, arrival)
    for step, waits in _waits(practice, trace, arrival).items():
        samples[f"wait.{step}"] = waits
    for name, sample in samples.items():
        values[name] = _mean(sample)
    for resource in resource_keys(practice.scenario):
        busy, available = _busy_and_available(practice, trace.steps, resource)
        if available.sum() > 0:
            values[f"utilisation.{resource}"] = float(busy.sum() / available.sum())
            with np.errstate(invalid="ignore", divide="ignore"):
                samples[f"utilisation.{resource}"] = (busy / available)[available > 0]
    served = np.bincount(
        visits["day"].to_numpy()[trace.steps["visit"].unique()], minlength=practice.clinic.days
    )
    samples["throughput"] = served.astype(float)
    values["throughput"] = float(served.mean()) if len(served) else math.nan
    no_show = visits["no_show"].to_numpy(dtype=float)
    samples["no_show"] = no_show
    values["no_show"] = _mean(no_show)
    return _Measures(values, samples)


def _waits(practice: LoggedPractice, trace: _Trace, arrival: np.ndarray) -> dict[str, np.ndarray]:
    """Per step id that needs a resource, start − ready of every doing of it."""
    found: dict[str, list[np.ndarray]] = {}
    protocols = trace.visits["protocol"].to_numpy()
    for name, model in practice.scenario.protocols.items():
        following = np.flatnonzero(protocols == name)
        if len(following) == 0:
            continue
        rows = trace.steps[np.isin(trace.steps["visit"].to_numpy(), following)]
        step_ids = [s.id for s in model.steps]
        times = rows.groupby(["visit", "step"]).agg(start=("start", "min"), end=("end", "max"))
        start = _matrix(times["start"], following, step_ids)
        end = _matrix(times["end"], following, step_ids)
        waits = _step_waits(start, end, arrival[following], model.predecessors())
        for j, step in enumerate(model.steps):
            if step.resource is not None:
                found.setdefault(step.id, []).append(waits[:, j][~np.isnan(waits[:, j])])
    return {step: np.concatenate(parts) for step, parts in found.items()}


def _busy_and_available(
    practice: LoggedPractice, steps: pd.DataFrame, resource: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per day, minutes ``resource`` was busy within its shift, and minutes available."""
    shift = practice.clinic.shift(resource)
    days = practice.clinic.days
    available = np.array(
        [practice.clinic.staff(resource, d) * (shift.end - shift.start) for d in range(days)],
        dtype=float,
    )
    rows = steps[steps["resource"].to_numpy() == resource]
    inside = np.clip(
        np.minimum(rows["end"].to_numpy(), shift.end)
        - np.maximum(rows["start"].to_numpy(), shift.start),
        0.0,
        None,
    )
    busy = np.bincount(rows["day"].to_numpy(), inside, minlength=days)[:days]
    return busy, available


def figure_names(scenario: Scenario) -> list[str]:
    """Every figure, in table order: stay, waits by step, utilisation by resource,
    throughput, no-shows."""
    waited = {s.id for p in scenario.protocols.values() for s in p.steps if s.resource}
    return [
        "stay",
        *[f"wait.{s}" for s in scenario.step_ids() if s in waited],
        *[f"utilisation.{r}" for r in resource_keys(scenario)],
        "throughput",
        "no_show",
    ]


def _stays(steps: pd.DataFrame, arrival: np.ndarray) -> np.ndarray:
    """Last step's end − arrival (or first step's start) of every visit with a step."""
    if steps.empty:
        return np.array([])
    per_visit = steps.groupby("visit").agg(first=("start", "min"), last=("end", "max"))
    came = arrival[per_visit.index.to_numpy()]
    since = np.where(np.isnan(came), per_visit["first"].to_numpy(), came)
    return per_visit["last"].to_numpy() - since


def _matrix(times: pd.Series, visits: np.ndarray, step_ids: Sequence[str]) -> np.ndarray:
    """A (visit, step) series as a visits × steps array, NaN where a step was not done."""
    if times.empty:
        return np.full((len(visits), len(step_ids)), np.nan)
    table = times.unstack("step").reindex(index=visits, columns=list(step_ids))
    return table.to_numpy(dtype=float)


def _step_waits(
    start: np.ndarray, end: np.ndarray, arrival: np.ndarray, predecessors: list[list[int]]
) -> np.ndarray:
    """start − ready per visit and step of a protocol: ready is the latest end of the
    steps it waits for, a step not done being done when it is ready, or the arrival."""
    done = np.full(start.shape, np.nan)
    waits = np.full(start.shape, np.nan)
    for j, preds in enumerate(predecessors):
        ready = arrival if not preds else np.max(done[:, preds], axis=1)
        done[:, j] = np.where(np.isnan(end[:, j]), ready, end[:, j])
        waits[:, j] = start[:, j] - ready
    return waits


def _mean(sample: np.ndarray) -> float:
    sample = sample[~np.isnan(sample)]
    return float(sample.mean()) if len(sample) else math.nan


# ---------------------------------------------------------------- the verdicts


def _compare(
    log: EventLog,
    scenario: Scenario,
    practice: LoggedPractice,
    observed: _Measures,
    simulated: list[_Measures],
) -> CheckResult:
    reps = len(simulated)
    replications = pd.DataFrame([m.values for m in simulated])
    names = [
        n
        for n in figure_names(practice.scenario)
        if _defined(observed.values.get(n)) or _reps_defined(replications, n) > 0
    ]
    confidence = 1 - (1 - FAMILY_CONFIDENCE) / max(len(names), 1)
    rows = [
        _figure_row(name, observed.values.get(name, math.nan), replications, confidence)
        for name in names
    ]
    return CheckResult(
        scenario=scenario.name,
        log=log.source,
        reps=reps,
        days=log.days,
        visits=len(log.visits),
        confidence=confidence,
        figures=pd.DataFrame(rows, columns=list(FIGURE_COLUMNS)),
        observed={n: observed.samples.get(n, np.array([])) for n in names},
        simulated={
            n: np.concatenate([m.samples.get(n, np.array([])) for m in simulated]) for n in names
        },
        replications=replications.reindex(columns=names),
    )


def _figure_row(
    name: str, observed: float, replications: pd.DataFrame, confidence: float
) -> tuple[object, ...]:
    kind, _, subject = name.partition(".")
    values = replications[name].to_numpy(dtype=float) if name in replications else np.array([])
    low, mean, high = prediction_interval(values[~np.isnan(values)], confidence)
    room = _SAME * max(1.0, abs(mean)) if _defined(mean) else 0.0
    agrees = _defined(observed) and _defined(low) and low - room <= observed <= high + room
    return (name, kind, subject, observed, mean, low, high, bool(agrees))


def prediction_interval(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """``(low, mean, high)``: where one more period's value falls with ``confidence``,
    from ``values`` of independent periods (Student's t; NaN ends with fewer than two)."""
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(np.mean(values))
    if len(values) < MIN_REPS:
        return math.nan, mean, math.nan
    n = len(values)
    quantile = stats.t.ppf(1 - (1 - confidence) / 2, df=n - 1)
    half = float(quantile * np.std(values, ddof=1) * math.sqrt(1 + 1 / n))
    return mean - half, mean, mean + half


def _plain(value: object) -> object:
    """A table cell as JSON holds it: Python numbers and booleans, NaN as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _defined(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _reps_defined(replications: pd.DataFrame, name: str) -> int:
    return int(replications[name].notna().sum()) if name in replications else 0
