"""Records to numbers: per replication, across replications, and paired against a baseline.

Per replication, each metric has one value (``replication_values``) and a set
of observations (``observations``): days for ``cost`` (``sim.costs``, the
scale on which ``mip`` optimises, for every policy); patient visits for ``los``, ``wait``,
``wait_first`` and ``access_days``; resource-days for ``utilisation`` and
``overtime``; member-days for ``idle``; the replication's count for
``served``, ``unserved``, ``no_show``, ``cancelled``, ``unbooked`` and
``booked``. Across replications a metric's ``mean`` and t-based ``ci95`` (within
the metric's bounds, ``sim.bounds``) are those of the replication values; ``p50``
and ``p90`` are quantiles of all observations pooled. ``paired`` is the policy minus
the baseline over the same replications (common random numbers): mean difference,
t interval, p-value.

``access_days_vulnerable`` are the access days of the fifth of requests of
highest need (``sim.need``), ``fs`` the thesis's solution value with the
doctor's goodness reduced to years of experience (its other factors depend on
the state of the booking when each patient was booked, which only the booking
policy sees).

``utilisation`` is the share of the staff's working minutes they are busy within
their shifts (at most 1); ``utilisation_all`` counts the work done after closing
too, against the same working minutes, so a policy that pushes work past closing
does not look less busy for it (it passes 1 when the overtime outweighs the idle
time). Both are pooled over the replication's resource-days.

Stays (``los``), waits and first waits count served patients only; access
days count booked patients. Minutes unless the name says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.bounds import (
    UNBOUNDED,
    Bounds,
    finite_sample,
    paired_bounds,
    paired_p_value,
    t_interval,
    within_noise,
)
from sim.clinic import resource_keys
from sim.costs import Costs
from sim.engine import SimRecords
from sim.scenario import Scenario

PATIENT_METRICS = ("los", "wait", "wait_first", "access_days")
NEED_METRICS = ("access_days_vulnerable", "fs")
COUNT_METRICS = ("booked", "served", "unserved", "no_show", "cancelled", "unbooked")
VULNERABLE_SHARE = 0.2  # the most vulnerable quintile: the fifth of requests of highest need


BOOKING_METRICS = (
    "access_days.p1",
    "access_days.p2",
    "access_days.p3",
    "booking_delay_h",
    "offers",
    "offer_acceptance",
    "refill_rate",
    "slots_wasted",
    "moves_per_patient",
    "double_bookings",
)


def scenario_metric_names(scenario: Scenario) -> list[str]:
    """The metrics of a scenario's summary: the booking process's too when it has one."""
    names = metric_names(resource_keys(scenario))
    return names + list(BOOKING_METRICS) if scenario.booking is not None else names


def metric_names(resources: Sequence[str]) -> list[str]:
    """Every metric in the summary, in display order."""
    per_resource = [f"{m}.{r}" for m in ("utilisation", "overtime") for r in resources]
    return [
        "cost",
        *PATIENT_METRICS,
        *NEED_METRICS,
        "utilisation",
        "utilisation_all",
        "overtime",
        "idle",
        *per_resource,
        *COUNT_METRICS,
    ]


def observations(
    records: SimRecords, resources: Sequence[str], costs: Costs
) -> dict[str, np.ndarray]:
    """Every observation of every metric in one replication."""
    visits = records.visits
    obs: dict[str, np.ndarray] = {"cost": day_costs(records, costs)}
    obs.update({m: visits[m].dropna().to_numpy() for m in PATIENT_METRICS})
    obs.update(need_observations(visits))
    members = records.members
    by_resource_day = members.groupby(["resource", "day"], observed=True)[
        ["busy", "available", "overtime"]
    ].sum()
    obs["utilisation"] = _ratio(by_resource_day["busy"], by_resource_day["available"])
    all_work = by_resource_day["busy"] + by_resource_day["overtime"]
    obs["utilisation_all"] = _ratio(all_work, by_resource_day["available"])
    obs["overtime"] = members.groupby("day")["overtime"].sum().to_numpy()
    obs["idle"] = members["idle"].to_numpy()
    for resource in resources:
        if resource in by_resource_day.index.get_level_values(0):
            part = by_resource_day.loc[resource]
            obs[f"utilisation.{resource}"] = _ratio(part["busy"], part["available"])
            obs[f"overtime.{resource}"] = part["overtime"].to_numpy()
        else:
            obs[f"utilisation.{resource}"] = np.array([])
            obs[f"overtime.{resource}"] = np.array([])
    status_counts = visits["status"].value_counts()
    for status in ("served", "unserved", "no_show", "cancelled", "unbooked"):
        obs[status] = np.array([float(status_counts.get(status, 0))])
    obs["booked"] = np.array([float(len(visits) - status_counts.get("unbooked", 0))])
    return obs


def day_costs(records: SimRecords, costs: Costs) -> np.ndarray:
    """Per day with staff at work, the cost of ``sim.costs``: stay of the patients
    served, overtime and idle minutes of the staff, patients left unserved."""
    members, visits = records.members, records.visits
    days = np.unique(members["day"].to_numpy())
    if len(days) == 0:
        return np.array([])
    width = int(days.max()) + 1
    staff = members.groupby("day")[["overtime", "idle"]].sum().reindex(range(width), fill_value=0)
    day = visits["day"].to_numpy()
    served = (visits["status"] == "served").to_numpy()
    unserved = (visits["status"] == "unserved").to_numpy()
    stay = np.bincount(day[served], visits["los"].to_numpy()[served], minlength=width)
    left = np.bincount(day[unserved], minlength=width)
    total = (
        costs.stay * stay[:width]
        + costs.overtime * staff["overtime"].to_numpy()
        + costs.idle * staff["idle"].to_numpy()
        + costs.unserved * left[:width]
    )
    return total[days]


def need_observations(visits: pd.DataFrame) -> dict[str, np.ndarray]:
    """Access days of the most vulnerable quintile of requests (by need), and the
    replication's FS in the thesis's form: Σ over booked patients of need × the booked
    member's years of experience (1 where not given) / (access days + 1)."""
    need = visits["need"].to_numpy()
    access = visits["access_days"].to_numpy()
    cut = np.quantile(need, 1 - VULNERABLE_SHARE) if len(need) else np.inf
    vulnerable = access[(need >= cut) & ~np.isnan(access)]
    booked = ~np.isnan(access)
    experience = np.nan_to_num(visits["experience"].to_numpy(), nan=1.0)
    fs = float(np.sum(need[booked] * experience[booked] / (access[booked] + 1)))
    return {"access_days_vulnerable": vulnerable, "fs": np.array([fs])}


def replication_values(records: SimRecords, obs: Mapping[str, np.ndarray]) -> dict[str, float]:
    """One number per metric for a replication (utilisation pooled: busy / available)."""
    values = {name: _mean(sample) for name, sample in obs.items()}
    members = records.members
    available = members["available"].sum()
    busy, overtime = members["busy"].sum(), members["overtime"].sum()
    values["utilisation"] = float(busy / available) if available else math.nan
    values["utilisation_all"] = float((busy + overtime) / available) if available else math.nan
    for resource, part in members.groupby("resource", observed=True):
        total = part["available"].sum()
        values[f"utilisation.{resource}"] = float(part["busy"].sum() / total) if total else math.nan
    return values


def summarise(
    values: Sequence[float], pooled: np.ndarray, bounds: Bounds = UNBOUNDED
) -> dict[str, object]:
    """Mean and 95 % t interval (within ``bounds``, ``sim.bounds``) across replications;
    p50 and p90 of pooled observations."""
    reps = finite_sample(values)
    mean = float(reps.mean()) if len(reps) else math.nan
    pooled = pooled[~np.isnan(pooled)] if len(pooled) else pooled
    p50, p90 = np.quantile(pooled, [0.5, 0.9]) if len(pooled) else (math.nan, math.nan)
    return {
        "mean": _clean(mean),
        "ci95": [_clean(x) for x in t_interval(reps, bounds)],
        "p50": _clean(float(p50)),
        "p90": _clean(float(p90)),
    }


def paired(
    policy: Sequence[float], baseline: Sequence[float], bounds: Bounds = UNBOUNDED
) -> dict[str, object]:
    """Policy minus baseline over the same replications: mean, t interval (within the
    bounds of a difference of figures in ``bounds``), two-sided p. Differences within
    rounding noise are zero (``sim.bounds.within_noise``)."""
    after, before = np.asarray(policy, dtype=float), np.asarray(baseline, dtype=float)
    diffs = after - before
    defined = ~np.isnan(diffs)
    diffs = diffs[defined]
    if len(diffs) == 0:
        return {"diff": None, "ci95": [None, None], "p_value": None}
    scale = float(np.max(np.abs(np.concatenate([after[defined], before[defined]]))))
    if within_noise(diffs, scale):
        diffs = np.zeros_like(diffs)
    return {
        "diff": _clean(float(diffs.mean())),
        "ci95": [_clean(x) for x in t_interval(diffs, paired_bounds(bounds))],
        "p_value": _clean(paired_p_value(diffs)),
    }


def _ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    den_values = den.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den_values > 0, num.to_numpy(dtype=float) / den_values, np.nan)


def _mean(sample: np.ndarray) -> float:
    sample = sample[~np.isnan(sample)] if len(sample) else sample
    return float(sample.mean()) if len(sample) else math.nan


def _clean(value: float) -> float | None:
    """JSON has no NaN: an undefined number is ``null``."""
    return None if value is None or math.isnan(value) else value
