"""Where each figure can lie, and the one home of the intervals and tests across replications.

Every interval the tool reports, for a policy's mean, a paired difference, a sweep's
figure or the staffing search, is Student's t interval over replication values,
computed here (``t_half_width``, ``t_interval``, ``one_sided_margin``), then
**intersected with the bounds of the figure** (``metric_bounds``): a stay, a count or
days to appointment cannot be negative, a share lies in [0, 1], and a paired
difference of two figures in ``[lo, hi]`` lies in ``[lo − hi, hi − lo]``
(``paired_bounds``).

Why intersect rather than transform (a log or logit scale) or bootstrap: the true
mean always lies within the figure's bounds, so the intersected interval contains it
exactly when the t interval does: its coverage is the t interval's, on every sample,
while it never shows an impossible value (an unbooked count of −1.9). A transformed
interval cannot take the zeros these figures often are (no patient unbooked in a
replication), and a bootstrap percentile interval covers less than 95 % at the 10 to
30 replications of a run. ``tests/sim/test_bounds.py`` measures the coverage of both
on simulated cases with a known mean.

An interval cut by a bound is not symmetric around the mean any more; the terminal,
the report and the figures show its two ends then (``sim.outputs.formatting``).

Differences within numerical noise (``NOISE_RTOL`` of the figures compared, as two
sums of the same values in another order give) are differences of zero: their
interval is [0, 0] and their p-value 1, not the 0 a t test of 4.4e−16 over a spread
of 1e−17 would give.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

Bounds = tuple[float, float]

UNBOUNDED: Bounds = (-math.inf, math.inf)
NON_NEGATIVE: Bounds = (0.0, math.inf)
SHARE: Bounds = (0.0, 1.0)
LEVEL = 0.95
NOISE_RTOL = 1e-9

# Figures in [0, 1]: the share of the working time staff are busy within their shifts
# (``utilisation_all`` counts work after closing too, so it can pass 1), the booking's
# acceptance and refill rates, the day hospital's share of studies done late.
_SHARES = frozenset({"utilisation", "offer_acceptance", "refill_rate", "late_studies"})
# Figures of either sign: the day-hospital model's objective.
_SIGNED = frozenset({"objective"})


def metric_bounds(name: str) -> Bounds:
    """The bounds of a metric of the summary; ``utilisation.doctor`` and ``access_days.p3``
    take their base metric's. Every other figure the tool reports (minutes, days,
    counts, costs, FS) is non-negative."""
    base = name.split(".", 1)[0]
    if base in _SHARES:
        return SHARE
    if base in _SIGNED:
        return UNBOUNDED
    return NON_NEGATIVE


def paired_bounds(bounds: Bounds) -> Bounds:
    """Where a difference of two figures within ``bounds`` can lie."""
    low, high = bounds
    return (low - high, high - low)


def finite_sample(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """The values that are numbers (a replication where a figure is undefined is NaN)."""
    sample = np.asarray(values, dtype=float)
    return sample[~np.isnan(sample)]


@functools.lru_cache(maxsize=256)
def t_quantile(probability: float, freedom: int) -> float:
    """Student's t quantile (a run asks for the same few many times)."""
    from scipy import stats  # lazily: scipy costs half a second at start-up

    return float(stats.t.ppf(probability, freedom))


def t_half_width(sample: np.ndarray, level: float = LEVEL) -> float:
    """Half-width of the two-sided t interval of the sample's mean (NaN below two values)."""
    return one_sided_margin(sample, 0.5 + level / 2)


def one_sided_margin(sample: np.ndarray, confidence: float) -> float:
    """The margin of a one-sided t bound at ``confidence`` (NaN below two values)."""
    if len(sample) < 2:
        return math.nan
    quantile = t_quantile(confidence, len(sample) - 1)
    return quantile * float(sample.std(ddof=1)) / math.sqrt(len(sample))


def t_interval(
    sample: np.ndarray, bounds: Bounds = UNBOUNDED, level: float = LEVEL
) -> tuple[float, float]:
    """The t interval of the sample's mean intersected with ``bounds`` (NaN below two)."""
    half = t_half_width(sample, level)
    if math.isnan(half):
        return (math.nan, math.nan)
    mean = float(sample.mean())
    low, high = bounds
    return (max(mean - half, low), min(mean + half, high))


def within_noise(differences: np.ndarray, scale: float) -> bool:
    """Whether every difference is rounding noise next to figures of size ``scale``."""
    tolerance = NOISE_RTOL * max(abs(scale), 1.0)
    return bool(np.all(np.abs(differences) <= tolerance))


def paired_p_value(differences: np.ndarray) -> float:
    """Two-sided p of the paired t test that the mean difference is zero."""
    if len(differences) < 2:
        return math.nan
    spread = float(differences.std(ddof=1))
    mean = float(differences.mean())
    if spread == 0:
        return 1.0 if mean == 0 else 0.0
    from scipy import stats

    statistic = mean / (spread / math.sqrt(len(differences)))
    return float(2 * stats.t.sf(abs(statistic), len(differences) - 1))
