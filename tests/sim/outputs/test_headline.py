"""The headline figures: the service level from a run's patients, and each figure's
change against the baseline policy or against the clinic as it is, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.outputs.headline import (
    SERVICE_LEVEL,
    Headline,
    headline_metrics,
    policy_headlines,
    service_level_values,
    variant_headlines,
)

PATIENTS = pd.DataFrame(
    {
        "policy": ["fifo"] * 5 + ["mip"] * 4,
        "rep": [0, 0, 0, 1, 2, 0, 0, 1, 1],
        "status": ["served", "served", "no_show", "served", "no_show"] + ["served"] * 4,
        "los": [100.0, 121.0, math.nan, 90.0, math.nan, 60.0, 119.9, 130.0, 40.0],
    }
)


def summary(reps: int = 3, access: float = 0.0) -> dict:
    def entry(mean: float) -> dict:
        return {"mean": mean, "ci95": [mean - 1, mean + 1], "p50": mean, "p90": mean}

    figures = {"los": 100.0, "wait": 50.0, "overtime": 12.0, "utilisation": 0.6}
    return {
        "reps": reps,
        "baseline": "fifo",
        "policies": {
            spec: {
                **{m: entry(v * scale) for m, v in figures.items()},
                "access_days": entry(access),
            }
            for spec, scale in (("fifo", 1.0), ("mip", 0.5))
        },
        "paired": {
            "mip": {
                m: {"diff": -v / 2, "ci95": [-v, -v / 4], "p_value": 0.01}
                for m, v in figures.items()
            }
        },
    }


def test_service_level_counts_the_served_within_the_target_per_replication() -> None:
    fifo = service_level_values(PATIENTS, "fifo", 3, 120)
    # rep 0: 100 within, 121 not (the no-show is not served); rep 1: 90 within; rep 2: nobody
    assert fifo[:2] == pytest.approx([0.5, 1.0])
    assert math.isnan(fifo[2])
    assert service_level_values(PATIENTS, "mip", 2, 120) == pytest.approx([1.0, 0.5])


def test_days_to_appointment_only_when_the_clinic_books_ahead() -> None:
    assert headline_metrics(summary()) == ["los", "wait", "overtime", "utilisation", SERVICE_LEVEL]
    assert headline_metrics(summary(access=3.5))[-1] == "access_days"
    # a mean that a card would write as 0 days is no booking ahead
    assert headline_metrics(summary(access=0.04))[-1] == SERVICE_LEVEL
    assert headline_metrics(summary(access=0.06))[-1] == "access_days"


def test_policy_headlines_pair_against_the_baseline() -> None:
    shown = policy_headlines(summary(reps=2), PATIENTS, 120)
    fifo, mip = shown["los"]
    assert (fifo.policy, fifo.mean, fifo.change) == ("fifo", 100.0, None)
    assert (mip.mean, mip.change["diff"], mip.reference) == (50.0, -50.0, 100.0)
    assert mip.better is True  # a shorter stay, its interval [−100, −25] without 0
    level_fifo, level_mip = shown[SERVICE_LEVEL]
    assert level_fifo.mean == pytest.approx(0.75)
    assert level_mip.mean == pytest.approx(0.75)
    assert level_mip.change["diff"] == pytest.approx(0.0)  # +0.5 and −0.5
    assert level_mip.better is None
    assert shown["utilisation"][1].better is None  # neither side is better


def test_variant_headlines_pair_each_policy_with_itself_as_it_is() -> None:
    base, changed = summary(reps=2), summary(reps=2)
    paired = {
        spec: {m: {"diff": 1.0, "ci95": [0.5, 1.5], "p_value": 0.02} for m in figures}
        for spec, figures in changed["policies"].items()
    }
    slower = PATIENTS.assign(los=PATIENTS["los"] + 30)
    shown = variant_headlines(base, changed, paired, PATIENTS, slower, 120)
    assert [h.policy for h in shown["los"]] == ["fifo", "mip"]
    assert all(h.change["diff"] == 1.0 for h in shown["los"])
    assert shown["los"][0].better is False  # a longer stay
    fifo_level = shown[SERVICE_LEVEL][0]
    # as it is: 0.5 and 1.0; as changed (30 min longer): 130, 151 → 0; 120 → 1
    assert fifo_level.reference == pytest.approx(0.75)
    assert fifo_level.mean == pytest.approx(0.5)
    assert fifo_level.change["diff"] == pytest.approx(-0.25)


def test_better_needs_an_interval_without_zero() -> None:
    def headline(diff: float, lo: float, hi: float, metric: str = "wait") -> Headline:
        change = {"diff": diff, "ci95": [lo, hi]}
        return Headline(metric, "x", 1.0, (0.5, 1.5), change)

    assert headline(-2, -3, -1).better is True
    assert headline(-2, -3, 1).better is None
    assert headline(2, 1, 3).better is False
    assert headline(0.1, 0.05, 0.2, SERVICE_LEVEL).better is True
    assert Headline("los", "x", None, (None, None)).better is None
    assert np.isnan(service_level_values(PATIENTS, "nobody", 1, 120)[0])
