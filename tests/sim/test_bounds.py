"""Tests of ``sim.bounds``: intervals that keep within a figure's bounds, their coverage
measured against the t interval where the true mean is known, and p-values of noise.

Coverage is counted over ``TRIALS`` simulated runs per case, with a fixed seed, so each
figure is the same on every machine. With 3 000 trials a coverage's standard error is
0.4 points; the stated tolerance is 3 points around 95 %, at the 10 and 30
replications runs use. The zero-inflated case (a figure that is zero in most
replications, as days to appointment at a quiet clinic) is where the t interval covers
less, and the bounded interval with it: the test records that limit, not hides it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from sim import metrics
from sim.bounds import (
    NON_NEGATIVE,
    SHARE,
    UNBOUNDED,
    Bounds,
    metric_bounds,
    paired_bounds,
    t_interval,
)
from sim.outputs.catalogue import OUTPATIENT, UNIT, entries

TRIALS = 3_000
TOLERANCE = 0.03
SEED = 20_261_206

Draw = Callable[[np.random.Generator, int], np.ndarray]


def _poisson(mean: float) -> Draw:
    return lambda rng, n: rng.poisson(mean, n).astype(float)


def _zero_inflated(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < 0.7, 0.0, rng.exponential(1.0, n))


# name: (draw of n replication values, true mean, bounds)
CASES: dict[str, tuple[Draw, float, Bounds]] = {
    "count, mean 2 (unbooked)": (_poisson(2.0), 2.0, NON_NEGATIVE),
    "count, mean 0.5 (double bookings)": (_poisson(0.5), 0.5, NON_NEGATIVE),
    "skewed minutes (gamma)": (lambda rng, n: rng.gamma(2.0, 0.5, n), 1.0, NON_NEGATIVE),
    "share near 1 (utilisation)": (lambda rng, n: rng.beta(40, 2, n), 40 / 42, SHARE),
    "share, wide (acceptance)": (lambda rng, n: rng.beta(8, 1, n), 8 / 9, SHARE),
}


def coverage(draw: Draw, truth: float, bounds: Bounds, reps: int) -> tuple[float, float, float]:
    """Shares of trials whose t interval, and bounded interval, hold the truth; and the
    share whose t interval leaves the bounds."""
    rng = np.random.default_rng(SEED)
    plain = bounded = outside = 0
    for _ in range(TRIALS):
        sample = draw(rng, reps)
        low, high = t_interval(sample, UNBOUNDED)
        cut_low, cut_high = t_interval(sample, bounds)
        plain += low <= truth <= high
        bounded += cut_low <= truth <= cut_high
        outside += low < bounds[0] or high > bounds[1]
        assert bounds[0] <= cut_low <= cut_high <= bounds[1]
    return plain / TRIALS, bounded / TRIALS, outside / TRIALS


@pytest.mark.parametrize("reps", [10, 30])
@pytest.mark.parametrize("case", list(CASES))
def test_bounded_interval_covers_as_the_t_interval_does(case: str, reps: int) -> None:
    draw, truth, bounds = CASES[case]
    plain, bounded, _ = coverage(draw, truth, bounds, reps)
    assert bounded == plain  # the truth is within the bounds: cutting never loses it
    assert abs(bounded - 0.95) <= TOLERANCE, f"{case}: coverage {bounded:.3f} at {reps} reps"


def test_a_rare_count_leaves_the_bounds_often_and_is_cut() -> None:
    """At 10 replications the t interval of a count of mean 0.5 goes below zero in
    about half the trials; the bounded one never does, and covers as often."""
    draw, truth, bounds = CASES["count, mean 0.5 (double bookings)"]
    plain, bounded, outside = coverage(draw, truth, bounds, 10)
    assert outside > 0.4
    assert bounded == plain


def test_zero_inflated_figures_are_the_t_intervals_limit() -> None:
    """Zero in 70 % of replications: the t interval covers about 80 % at 10 replications
    and about 89 % at 30. Cutting at zero does not make it worse (nor better); more
    replications do."""
    at_10 = coverage(_zero_inflated, 0.3, NON_NEGATIVE, 10)
    at_30 = coverage(_zero_inflated, 0.3, NON_NEGATIVE, 30)
    assert at_10[0] == at_10[1] and at_30[0] == at_30[1]
    assert 0.75 < at_10[1] < 0.85 < at_30[1] < 0.93
    assert at_10[2] > 0.8  # and its t interval went below zero in most trials


def test_bounds_of_the_metrics() -> None:
    assert metric_bounds("utilisation") == SHARE
    assert metric_bounds("utilisation.doctor") == SHARE
    assert metric_bounds("utilisation_all") == NON_NEGATIVE  # work after closing passes 1
    assert metric_bounds("access_days.p3") == NON_NEGATIVE
    assert metric_bounds("offer_acceptance") == SHARE
    assert metric_bounds("objective") == UNBOUNDED
    assert paired_bounds(SHARE) == (-1.0, 1.0)
    assert paired_bounds(NON_NEGATIVE) == UNBOUNDED


def test_every_share_shown_in_percent_is_bounded_below() -> None:
    for metric in entries(OUTPATIENT + UNIT):
        low, high = metric_bounds(metric.name)
        if metric.name != "objective":
            assert low == 0.0, metric.name
        if high == 1.0:
            assert metric.percent, metric.name


def test_summary_interval_is_cut_at_zero_and_keeps_its_mean() -> None:
    values = [0.0, 0.0, 0.0, 0.0, 9.0]
    summary = metrics.summarise(values, np.asarray(values), metric_bounds("unbooked"))
    low, high = summary["ci95"]
    assert summary["mean"] == pytest.approx(1.8)
    assert low == 0.0 and high == pytest.approx(1.8 + 2.776445 * math.sqrt(16.2 / 5), rel=1e-6)


def test_identical_figures_up_to_rounding_have_p_one_and_zero_difference() -> None:
    """Sums of the same values in another order differ in the last bits."""
    rng = np.random.default_rng(SEED)
    baseline = [float(sum(rng.random(50) * 100)) for _ in range(10)]
    noisy = [value * (1 + 4.4e-16 * (-1) ** i) for i, value in enumerate(baseline)]
    assert noisy != baseline
    result = metrics.paired(noisy, baseline, NON_NEGATIVE)
    assert result == {"diff": 0.0, "ci95": [0.0, 0.0], "p_value": 1.0}


def test_a_real_small_difference_is_not_noise() -> None:
    baseline = [10.0, 11.0, 12.0, 13.0, 14.0]
    better = [v - 0.01 + 0.001 * i for i, v in enumerate(baseline)]
    result = metrics.paired(better, baseline, NON_NEGATIVE)
    assert result["diff"] == pytest.approx(-0.008)
    assert result["p_value"] < 0.01


def test_paired_difference_of_shares_stays_within_minus_one_and_one() -> None:
    policy = [1.0, 1.0, 1.0, 0.0]
    baseline = [0.0, 0.0, 0.0, 1.0]
    result = metrics.paired(policy, baseline, SHARE)
    low, high = result["ci95"]
    assert (low, high) == (-1.0, 1.0)  # the t interval, [-1.09, 2.09], cut at both ends
