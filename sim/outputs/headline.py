"""The figures a manager reads first, and their change against a reference.

Stay, waiting, overtime, utilisation, a service level (the share of the patients
served whose stay is at most a target the manager sets, two hours unless told)
and, where the clinic books ahead, days to appointment. Each is taken from a
run's summary (``summary.json``), except the service level, which depends on the
target and is computed here from the run's patients, one share per replication,
with its interval and paired differences by ``sim.metrics`` like every other
figure.

``policy_headlines`` compares the policies of one run with its baseline policy;
``variant_headlines`` compares each policy of a changed clinic with the same
policy in the clinic as it is (a sweep's variant against its base: the same
seeds, so the differences are paired replication by replication).
``unit_headlines`` does for a day or week hospital what ``policy_headlines`` does
for a clinic, with the unit's own figures (``UNIT_HEADLINES``), read from its summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import metrics
from sim.bounds import SHARE

DEFAULT_TARGET_MINUTES = 120.0
SERVICE_LEVEL = "service_level"
LOWER_IS_BETTER = {"los": True, "wait": True, "overtime": True, "access_days": True}
LOWER_IS_BETTER |= {SERVICE_LEVEL: False}  # utilisation is neither: not in the mapping
# a unit's figures (sim.unit.engine): occupancy and the use of studies are neither
UNIT_HEADLINES = (
    "admitted",
    "pending",
    "wait_blocks",
    "wait_blocks.p3",
    "bed_occupancy",
    "chair_occupancy",
    "study_use",
    "late_studies",
)
LOWER_IS_BETTER |= {"admitted": False, "pending": True, "late_studies": True}
LOWER_IS_BETTER |= {"wait_blocks": True, "wait_blocks.p3": True}


@dataclass(frozen=True)
class Headline:
    """One figure of one policy: its mean and interval, and the paired change against
    the reference (``None`` for the reference itself)."""

    metric: str
    policy: str
    mean: float | None
    ci95: tuple[float | None, float | None]
    change: Mapping[str, Any] | None = None  # sim.metrics.paired: diff, ci95, p_value
    reference: float | None = None  # the reference's mean, when compared with one

    @property
    def better(self) -> bool | None:
        """Whether the change is an improvement; ``None`` when there is no change, it is
        not significant (its interval holds 0), or the figure has no better side."""
        if self.change is None or self.change.get("diff") is None:
            return None
        lower = LOWER_IS_BETTER.get(self.metric)
        lo, hi = self.change["ci95"]
        if lower is None or lo is None or hi is None or lo <= 0 <= hi:
            return None
        return (self.change["diff"] < 0) == lower


def headline_metrics(summary: Mapping[str, Any]) -> list[str]:
    """The headline figures a run has, in the order they are shown: days to appointment
    only when patients waited days for one (the clinic books ahead: a mean that
    shows as more than 0.0 days)."""
    present = next(iter(summary["policies"].values()))
    wanted = ["los", "wait", "overtime", "utilisation", SERVICE_LEVEL]
    if _books_ahead(summary):
        wanted.append("access_days")
    return [m for m in wanted if m == SERVICE_LEVEL or m in present]


def _books_ahead(summary: Mapping[str, Any]) -> bool:
    means = [p.get("access_days", {}).get("mean") for p in summary["policies"].values()]
    return any(m is not None and round(m, 1) > 0 for m in means)  # a card would show 0 days


def service_level_values(
    patients: pd.DataFrame, policy: str, reps: int, target_minutes: float
) -> np.ndarray:
    """Per replication 0..reps−1, the share of the patients served whose stay is at most
    ``target_minutes`` (NaN for a replication that served nobody)."""
    served = patients[(patients["policy"] == policy) & (patients["status"] == "served")]
    within = (served["los"] <= target_minutes).groupby(served["rep"]).mean()
    return within.reindex(range(reps)).to_numpy(dtype=float)


def service_level(values: np.ndarray) -> dict[str, Any]:
    """The mean share across replications with its 95 % interval within [0, 1]."""
    return metrics.summarise(values, np.array([]), SHARE)


def policy_headlines(
    summary: Mapping[str, Any],
    patients: pd.DataFrame,
    target_minutes: float = DEFAULT_TARGET_MINUTES,
) -> dict[str, list[Headline]]:
    """Per headline metric, a ``Headline`` per policy, each policy but the baseline with
    its paired change against the baseline."""
    baseline, reps = summary["baseline"], int(summary["reps"])
    levels = {
        spec: service_level_values(patients, spec, reps, target_minutes)
        for spec in summary["policies"]
    }
    shown: dict[str, list[Headline]] = {}
    for metric in headline_metrics(summary):
        row = []
        for spec, figures in summary["policies"].items():
            if metric == SERVICE_LEVEL:
                entry = service_level(levels[spec])
                change = None
                if spec != baseline:
                    change = metrics.paired(levels[spec], levels[baseline], SHARE)
            else:
                entry = figures[metric]
                change = summary["paired"].get(spec, {}).get(metric) if spec != baseline else None
            reference = None if spec == baseline else _mean(summary, baseline, metric, levels)
            row.append(_headline(metric, spec, entry, change, reference))
        shown[metric] = row
    return shown


def variant_headlines(
    base: Mapping[str, Any],
    changed: Mapping[str, Any],
    paired_to_base: Mapping[str, Mapping[str, Any]],
    base_patients: pd.DataFrame,
    changed_patients: pd.DataFrame,
    target_minutes: float = DEFAULT_TARGET_MINUTES,
) -> dict[str, list[Headline]]:
    """Per headline metric, a ``Headline`` per policy of the changed clinic with its
    paired change against the same policy in the clinic as it is."""
    reps = int(changed["reps"])
    shown: dict[str, list[Headline]] = {}
    for metric in headline_metrics(changed):
        row = []
        for spec, figures in changed["policies"].items():
            if metric == SERVICE_LEVEL:
                after = service_level_values(changed_patients, spec, reps, target_minutes)
                before = service_level_values(base_patients, spec, reps, target_minutes)
                entry, change = service_level(after), metrics.paired(after, before, SHARE)
                reference = service_level(before)["mean"]
            else:
                entry, change = figures[metric], paired_to_base[spec][metric]
                reference = base["policies"][spec][metric]["mean"]
            row.append(_headline(metric, spec, entry, change, reference))
        shown[metric] = row
    return shown


def _mean(
    summary: Mapping[str, Any], spec: str, metric: str, levels: Mapping[str, np.ndarray]
) -> float | None:
    if metric == SERVICE_LEVEL:
        return service_level(levels[spec])["mean"]
    return summary["policies"][spec][metric]["mean"]


def _headline(
    metric: str,
    spec: str,
    entry: Mapping[str, Any],
    change: Mapping[str, Any] | None,
    reference: float | None,
) -> Headline:
    lo, hi = entry["ci95"]
    return Headline(metric, spec, entry["mean"], (lo, hi), change, reference)


def unit_headlines(summary: Mapping[str, Any]) -> dict[str, list[Headline]]:
    """Per figure of ``UNIT_HEADLINES`` that some policy of the unit's run has (a unit
    without chairs has no chair occupancy), a ``Headline`` per policy, each policy but the
    baseline with its paired change against the baseline: the summary's own numbers."""
    baseline = summary["baseline"]
    shown: dict[str, list[Headline]] = {}
    for metric in UNIT_HEADLINES:
        entries = {spec: figures.get(metric) for spec, figures in summary["policies"].items()}
        if all(entry is None or entry["mean"] is None for entry in entries.values()):
            continue
        reference = entries[baseline]
        shown[metric] = [
            _headline(
                metric,
                spec,
                entry,
                None if spec == baseline else summary["paired"][spec][metric],
                None if spec == baseline or reference is None else reference["mean"],
            )
            for spec, entry in entries.items()
            if entry is not None
        ]
    return shown
