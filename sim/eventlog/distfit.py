"""Choosing and fitting the distribution of a sample, in the scenario format's families.

``fit_duration`` (support ≥ 0) and ``fit_signed`` (any sign, e.g. punctuality) fit every
candidate family by SciPy's maximum likelihood, choose the least AIC (2k − 2 log L, k the
family's free parameters) and test the choice by Kolmogorov–Smirnov. A sample whose
values are all equal becomes a fixed value; one of fewer than ``MIN_OBSERVATIONS``
values an empirical distribution. ``fit_rate`` fits a Poisson rate to counts per day and
tests their dispersion; ``fit_share`` estimates a probability with its Wilson interval.
Every result carries a ``provenance()``: a plain dict a scenario file can hold.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from sim.distributions import Distribution

MIN_OBSERVATIONS = 30  # below this no parametric fit: an empirical distribution
CRITERION = "AIC"
TEST = "Kolmogorov–Smirnov"
P_VALUE_CAVEAT = "approximate: parameters estimated from the same sample (conservative)"
DURATION_FAMILIES = ("exponential", "lognormal", "gamma", "normal", "triangular", "uniform")
SIGNED_FAMILIES = ("normal", "triangular", "uniform")

# A log keeps whole seconds: values within a second of their median are one fixed value.
SAME_VALUE_MINUTES = 1 / 60
SAME_VALUE_RELATIVE = 1e-6
# The resolutions (minutes) a log may be rounded to; see ``_rounding_grid``.
GRIDS = (5.0, 1.0, 1 / 60)
EMPIRICAL_DECIMALS = 2

# SciPy's triangular fit is a general optimiser, about 1 s on 40 000 values; it runs on a
# fixed-seed subsample of this size (plus the sample's extremes, so that the fitted
# support holds every value) and its AIC is computed on the whole sample.
TRIANGULAR_SUBSAMPLE = 5_000
SUBSAMPLE_SEED = 20_261_121
JITTER_SEED = 20_261_122

_SCENARIO_DISTRIBUTION: TypeAdapter[Any] = TypeAdapter(Distribution)

OVERDISPERSION_LEVEL = 0.01
DISPERSION_TEST = "index of dispersion, (n − 1)·s²/mean against χ²(n − 1), upper tail"
WEEKDAY_TEST = "one rate for every weekday, Σ n_w (m_w − m)²/m against χ²(k − 1)"
SHARE_INTERVAL = "Wilson score, 95 %"


@dataclass(frozen=True)
class FittedDistribution:
    """A sample's distribution in the scenario format, and how it was chosen."""

    spec: Any  # the scenario format's value: a bare float for fixed, else {"dist": ..., ...}
    family: str  # one of DURATION_FAMILIES, or "fixed" or "empirical"
    n: int  # observations used
    aic: dict[str, float]  # AIC of every family tried (empty when none was)
    ks_statistic: float | None
    ks_p_value: float | None
    note: str | None  # why a family was not tried, or why no family was
    grid: float | None = None  # the rounding (minutes) the KS test undid, if any

    def provenance(self) -> dict[str, Any]:
        """The fit's record for a scenario's ``provenance:`` block (plain, YAML-safe)."""
        record: dict[str, Any] = {"n": self.n, "family": self.family}
        if self.aic:
            record["criterion"] = CRITERION
            record["aic"] = {name: round(value, 1) for name, value in self.aic.items()}
        if self.ks_statistic is not None and self.ks_p_value is not None:
            record["test"] = TEST
            record["statistic"] = round(self.ks_statistic, 4)
            record["p_value"] = _significant(self.ks_p_value, 3)
            record["p_value_note"] = _p_value_note(self.grid)
        if self.note:
            record["note"] = self.note
        return record


@dataclass(frozen=True)
class RateFit:
    """A Poisson rate fitted to counts per day, and whether the counts vary more."""

    rate: float  # mean count a day
    n: int  # days
    variance: float  # sample variance (n − 1), NaN for one day
    dispersion_index: float | None  # variance / mean; None when untestable
    p_value: float | None  # upper tail of the index-of-dispersion test
    overdispersed: bool  # p_value < OVERDISPERSION_LEVEL
    warning: str | None  # for the user when overdispersed

    def provenance(self) -> dict[str, Any]:
        record: dict[str, Any] = {"n": self.n, "rate": _significant(self.rate, 6)}
        if self.dispersion_index is not None and self.p_value is not None:
            record["variance"] = _significant(self.variance, 4)
            record["dispersion_index"] = _significant(self.dispersion_index, 3)
            record["test"] = DISPERSION_TEST
            record["p_value"] = _significant(self.p_value, 3)
        if self.warning:
            record["warning"] = self.warning
        return record


@dataclass(frozen=True)
class ShareFit:
    """A probability estimated from successes in trials, with its 95 % interval."""

    p: float
    n: int  # trials
    successes: int
    ci95: tuple[float, float]  # Wilson score interval
    note: str | None

    def provenance(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "n": self.n,
            "successes": self.successes,
            "p": _significant(self.p, 6),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
            "interval": SHARE_INTERVAL,
        }
        if self.note:
            record["note"] = self.note
        return record


# ---------------------------------------------------------------- families


@dataclass(frozen=True)
class _Family:
    """A scenario family as SciPy fits it, and its spec from SciPy's parameters."""

    scipy: Any  # a scipy.stats continuous distribution
    parameters: int  # free parameters: the k of the AIC
    fixed: dict[str, float]  # SciPy parameters the scenario format has not (no shift)
    holds: Callable[[np.ndarray], bool]  # whether its support holds every value
    spec: Callable[[tuple[float, ...]], dict[str, Any]]


def _lognormal_spec(params: tuple[float, ...]) -> dict[str, Any]:
    s, _, scale = params
    mean = scale * math.exp(s**2 / 2)
    return {"dist": "lognormal", "mean": mean, "sd": mean * math.sqrt(math.expm1(s**2))}


def _gamma_spec(params: tuple[float, ...]) -> dict[str, Any]:
    a, _, scale = params
    return {"dist": "gamma", "mean": a * scale, "sd": math.sqrt(a) * scale}


def _triangular_spec(params: tuple[float, ...]) -> dict[str, Any]:
    c, low, width = params
    return {"dist": "triangular", "low": low, "mode": low + c * width, "high": low + width}


def _any(x: np.ndarray) -> bool:
    return True


_FAMILIES: dict[str, _Family] = {
    "exponential": _Family(
        stats.expon,
        1,
        {"floc": 0.0},
        lambda x: bool(x.min() >= 0),
        lambda p: {"dist": "exponential", "mean": p[1]},
    ),
    "lognormal": _Family(
        stats.lognorm, 2, {"floc": 0.0}, lambda x: bool(x.min() > 0), _lognormal_spec
    ),
    "gamma": _Family(stats.gamma, 2, {"floc": 0.0}, lambda x: bool(x.min() > 0), _gamma_spec),
    "normal": _Family(
        stats.norm, 2, {}, _any, lambda p: {"dist": "normal", "mean": p[0], "sd": p[1]}
    ),
    "triangular": _Family(stats.triang, 3, {}, _any, _triangular_spec),
    "uniform": _Family(
        stats.uniform, 2, {}, _any, lambda p: {"dist": "uniform", "low": p[0], "high": p[0] + p[1]}
    ),
}


@dataclass(frozen=True)
class _Fit:
    family: str
    params: tuple[float, ...]
    aic: float


# ---------------------------------------------------------------- samples


def fit_duration(
    sample: ArrayLike, families: Sequence[str] = DURATION_FAMILIES
) -> FittedDistribution:
    """The distribution of durations (minutes, ≥ 0) among ``families``, by least AIC.

    A normal is written with ``min: 0`` (its AIC is the unclipped normal's) and a triangular
    kept at ``low ≥ 0``: a scenario's durations cannot be negative, and a negative duration
    is refused. The families that
    cannot hold a duration of 0 (lognormal, gamma) are not tried when the sample has one,
    and the note says so.
    """
    x = _values(sample)
    negatives = int((x < 0).sum())
    if negatives:
        raise ValueError(f"durations cannot be negative: {negatives} of {x.size} observations are")
    return _fit_sample(x, families, durations=True)


def fit_signed(sample: ArrayLike, families: Sequence[str] = SIGNED_FAMILIES) -> FittedDistribution:
    """The distribution of a quantity of any sign (e.g. punctuality minutes), by least AIC."""
    return _fit_sample(_values(sample), families, durations=False)


def _values(sample: ArrayLike) -> np.ndarray:
    x = np.asarray(sample, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("no observations to fit")
    if not np.isfinite(x).all():
        raise ValueError("the sample holds missing or infinite values")
    return x


def _fit_sample(x: np.ndarray, families: Sequence[str], durations: bool) -> FittedDistribution:
    unknown = sorted(set(families) - set(_FAMILIES))
    if unknown:
        raise ValueError(f"unknown families {unknown}; known: {sorted(_FAMILIES)}")
    if _all_equal(x):
        note = f"all {x.size} observations equal within 1 second: a fixed value"
        spec = _valid(float(np.median(x)))
        return FittedDistribution(spec, "fixed", x.size, {}, None, None, note)
    if x.size < MIN_OBSERVATIONS:
        note = f"{x.size} observations (fewer than {MIN_OBSERVATIONS}): empirical distribution"
        return FittedDistribution(_valid(_empirical(x)), "empirical", x.size, {}, None, None, note)
    tried = [name for name in families if _FAMILIES[name].holds(x)]
    if not tried:
        raise ValueError(f"none of {list(families)} can hold the sample's values")
    fits = [fit for name in tried if (fit := _fit_family(name, x, durations)) is not None]
    if not fits:
        raise ValueError(f"no family of {tried} could be fitted")
    best = min(fits, key=lambda fit: fit.aic)
    grid = _rounding_grid(x)
    ks = stats.kstest(_undo_rounding(x, grid), _FAMILIES[best.family].scipy(*best.params).cdf)
    return FittedDistribution(
        spec=_valid(_spec(best, x, durations)),
        family=best.family,
        n=x.size,
        aic={fit.family: fit.aic for fit in fits},
        ks_statistic=float(ks.statistic),
        ks_p_value=float(ks.pvalue),
        note=_untried_note(x, families, tried, fits),
        grid=grid,
    )


def _valid(spec: Any) -> Any:
    """``spec`` once checked as a scenario distribution (values beyond its bounds fail)."""
    try:
        _SCENARIO_DISTRIBUTION.validate_python(spec)
    except ValidationError as error:
        raise ValueError(f"the fitted {spec!r} is no scenario distribution: {error}") from None
    return spec


def _all_equal(x: np.ndarray) -> bool:
    median = float(np.median(x))
    tolerance = max(SAME_VALUE_MINUTES, SAME_VALUE_RELATIVE * abs(median))
    return bool(np.abs(x - median).max() <= tolerance + 1e-12)


def _empirical(x: np.ndarray) -> dict[str, Any]:
    values, counts = np.unique(np.round(x, EMPIRICAL_DECIMALS), return_counts=True)
    spec: dict[str, Any] = {"dist": "empirical", "values": [float(v) for v in values]}
    if counts.max() > 1:
        spec["weights"] = [float(c) for c in counts]
    return spec


def _fit_family(name: str, x: np.ndarray, durations: bool) -> _Fit | None:
    """SciPy's maximum-likelihood fit of one family; None when it fails."""
    family = _FAMILIES[name]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            if name == "triangular":
                params = _fit_triangular(x, durations)
            else:
                params = tuple(float(p) for p in family.scipy.fit(x, **family.fixed))
        except (ValueError, RuntimeError, FloatingPointError):
            return None
        log_likelihood = -float(family.scipy.nnlf(params, x))
    if not math.isfinite(log_likelihood):
        return None
    return _Fit(name, params, 2 * family.parameters - 2 * log_likelihood)


def _fit_triangular(x: np.ndarray, durations: bool) -> tuple[float, ...]:
    """The triangular MLE on a subsample holding the extremes (see TRIANGULAR_SUBSAMPLE).

    For durations ``low`` may not go below 0: when the free fit does, the fit is redone
    with ``low = 0``, and with the mode at 0 too when the sample holds a 0 (a triangle
    with ``low < mode`` gives 0 no density at its low end).
    """
    fitted = x
    if x.size > TRIANGULAR_SUBSAMPLE:
        rng = np.random.default_rng(SUBSAMPLE_SEED)
        chosen = rng.choice(x, TRIANGULAR_SUBSAMPLE, replace=False)
        fitted = np.concatenate([chosen, [x.min(), x.max()]])
    params = stats.triang.fit(fitted)
    if durations and params[1] < 0:
        params = stats.triang.fit(fitted, floc=0.0, **({"fc": 0.0} if x.min() == 0 else {}))
    return tuple(float(p) for p in params)


def _spec(fit: _Fit, x: np.ndarray, durations: bool) -> dict[str, Any]:
    spec = _FAMILIES[fit.family].spec(fit.params)
    numbers = {key: value for key, value in spec.items() if key != "dist"}
    decimals = _decimals(float(np.std(x)), numbers.values())
    spec = {"dist": spec["dist"]} | {key: round(float(v), decimals) for key, v in numbers.items()}
    if durations and fit.family == "normal":
        spec["min"] = 0.0
    return spec


def _decimals(scale: float, values: Any) -> int:
    """Decimals that round a fitted parameter by at most 1/20 000 of the sample's sd, below
    its standard error up to n ≈ 70 000 (a uniform's ends, whose standard error is about
    range/n = 3.5·sd/n, are the tightest), keeping 5 significant digits of the smallest
    parameter so that a positive mean stays positive. One count for a whole spec keeps its
    order (low ≤ mode ≤ high)."""
    smallest = min((abs(v) for v in values if v != 0), default=scale)
    wanted = [4 - math.floor(math.log10(v)) for v in (scale, smallest) if v > 0]
    return max(0, *wanted)


def _untried_note(
    x: np.ndarray, families: Sequence[str], tried: list[str], fits: list[_Fit]
) -> str | None:
    notes = []
    untried = [name for name in families if name not in tried]
    if untried:
        zeros, negatives = int((x == 0).sum()), int((x < 0).sum())
        counts = [
            f"{count} of {x.size} observations are {what}"
            for count, what in ((zeros, "0"), (negatives, "negative"))
            if count
        ]
        notes.append(f"{' and '.join(counts)}: {', '.join(untried)} cannot hold them, not tried")
    failed = [name for name in tried if name not in {fit.family for fit in fits}]
    if failed:
        notes.append(f"{', '.join(failed)}: SciPy's fit failed")
    return "; ".join(notes) or None


# ---------------------------------------------------------------- goodness of fit


def _rounding_grid(x: np.ndarray) -> float | None:
    """The coarsest of ``GRIDS`` every value is a multiple of (a log's rounding), if any."""
    for grid in GRIDS:
        steps = x / grid
        if np.allclose(steps, np.round(steps), rtol=0, atol=1e-6):
            return grid
    return None


def _undo_rounding(x: np.ndarray, grid: float | None) -> np.ndarray:
    """Values spread uniformly within their rounding interval (fixed seed), for the KS
    test: against a continuous model, rounded values' ties alone would reject any fit of a
    large sample. A duration of 0 was in [0, grid/2): its spread is folded back above 0."""
    if grid is None:
        return x
    spread = x + np.random.default_rng(JITTER_SEED).uniform(-grid / 2, grid / 2, x.size)
    return np.abs(spread) if x.min() >= 0 else spread


def _p_value_note(grid: float | None) -> str:
    if grid is None:
        return P_VALUE_CAVEAT
    step = "1-second" if grid == 1 / 60 else f"{grid:g}-minute"
    return f"{P_VALUE_CAVEAT}; values on a {step} grid spread within it first"


# ---------------------------------------------------------------- rates and shares


def fit_rate(counts: ArrayLike) -> RateFit:
    """The Poisson rate of counts per day, and the index-of-dispersion test of their
    variance: (n − 1)·s²/mean ~ χ²(n − 1) under Poisson, upper tail (the warning is about
    days busier than a Poisson process would make them)."""
    x = _values(counts)
    if (x < 0).any():
        raise ValueError("counts cannot be negative")
    rate, n = float(x.mean()), int(x.size)
    variance = float(x.var(ddof=1)) if n > 1 else math.nan
    if n < 2 or rate == 0:
        return RateFit(rate, n, variance, None, None, False, None)
    index = variance / rate
    p_value = float(stats.chi2.sf((n - 1) * index, n - 1))
    overdispersed = p_value < OVERDISPERSION_LEVEL
    warning = _overdispersion_warning(variance, rate, p_value) if overdispersed else None
    return RateFit(rate, n, variance, index, p_value, overdispersed, warning)


def _overdispersion_warning(variance: float, rate: float, p_value: float) -> str:
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    return (
        f"daily counts vary more than a Poisson process would (variance {variance:.1f} "
        f"against mean {rate:.1f}, {p_text}): the rate is a mean, and busy days will be "
        f"busier than simulated"
    )


@dataclass(frozen=True)
class WeekdayRates:
    """The mean count a day per weekday, and whether they differ more than Poisson days
    of one rate would: Σ n_w (m_w − m)² / m ~ χ²(k − 1) (the between-weekdays part of the
    index of dispersion)."""

    per_weekday: dict[str, float]
    days: dict[str, int]
    p_value: float | None  # None with fewer than two weekdays or no count
    differ: bool

    def provenance(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "per_weekday": {w: _significant(r, 4) for w, r in self.per_weekday.items()}
        }
        if self.p_value is not None:
            record["weekday_test"] = WEEKDAY_TEST
            record["weekday_p_value"] = _significant(self.p_value, 3)
        return record


def fit_weekday_rates(counts: ArrayLike, weekdays: Sequence[str]) -> WeekdayRates:
    """Per weekday (``weekdays[i]`` is day i's), the mean count, and the test that they
    are one Poisson rate."""
    x = _values(counts)
    frame = pd.DataFrame({"weekday": list(weekdays), "count": x})
    order = {w: k for k, w in enumerate(dict.fromkeys(sorted(weekdays, key=_weekday_rank)))}
    frame = frame.sort_values("weekday", key=lambda w: w.map(order), kind="stable")
    groups = frame.groupby("weekday", sort=False)["count"]
    means, sizes = groups.mean(), groups.size()
    rate = float(x.mean()) if x.size else 0.0
    if len(means) < 2 or rate == 0:
        return WeekdayRates(means.to_dict(), sizes.to_dict(), None, False)
    statistic = float((sizes * (means - rate) ** 2).sum() / rate)
    p_value = float(stats.chi2.sf(statistic, len(means) - 1))
    return WeekdayRates(
        {str(w): float(m) for w, m in means.items()},
        {str(w): int(n) for w, n in sizes.items()},
        p_value,
        p_value < OVERDISPERSION_LEVEL,
    )


def _weekday_rank(weekday: str) -> tuple[int, str]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return (days.index(weekday) if weekday in days else len(days), weekday)


def fit_share(successes: int, trials: int) -> ShareFit:
    """A probability (no-show, optional step, class share) with its Wilson 95 % interval."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 ≤ successes ≤ trials and trials > 0, got {successes}/{trials}")
    result = stats.binomtest(int(successes), int(trials))
    interval = result.proportion_ci(confidence_level=0.95, method="wilson")
    low, high = float(interval.low), float(interval.high)
    note = None
    if trials < MIN_OBSERVATIONS:
        note = (
            f"{trials} observations (fewer than {MIN_OBSERVATIONS}): "
            f"95 % interval {low:.2f}–{high:.2f}"
        )
    return ShareFit(successes / trials, int(trials), int(successes), (low, high), note)


def _significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")
