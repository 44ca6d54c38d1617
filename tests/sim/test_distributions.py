"""Tests for ``sim.distributions``: every family's draws agree with its stated moments.

For each family a scenario file may name (fixed, exponential, normal — plain and
clipped with ``min``/``max`` — lognormal, gamma, triangular, uniform, empirical
with and without weights) the mean of N = 200 000 draws from a fixed-seed
generator must lie within 4 standard errors of the model's ``.mean``, the
standard error being the sample sd / √N. For lognormal and gamma, which take the
mean and sd of the variable itself, the sample sd must also lie within 4
standard errors of the given ``sd`` (standard error of a sample sd by the delta
method: √(m4 − s⁴) / (2 s √N), with m4 the sample fourth central moment).
Four standard errors is loose enough for any honest seed (a two-sided miss has
probability about 6e-5) and tight enough to catch a wrong parameterisation
(e.g. passing the sd of the log, or shape and scale swapped).

Also: a bare number parses as ``fixed``, and bad parameters are rejected.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.distributions import (
    DISTRIBUTION_NAMES,
    Distribution,
    Empirical,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
)

N = 200_000
SEED = 20261121
Z = 4.0  # tolerance in standard errors

ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)


def parse(spec: Any) -> Any:
    """A distribution as a scenario file would give it (mapping or bare number)."""
    return ADAPTER.validate_python(spec)


def draws(spec: Any, seed: int = SEED) -> tuple[Any, np.ndarray]:
    """The parsed distribution and N draws from a generator with a fixed seed."""
    dist = parse(spec)
    values = dist.sample(np.random.default_rng(seed), N)
    assert values.shape == (N,)
    return dist, values


def mean_standard_error(values: np.ndarray) -> float:
    """Standard error of the sample mean: sample sd / √N."""
    return float(values.std(ddof=1) / math.sqrt(len(values)))


def sd_standard_error(values: np.ndarray) -> float:
    """Standard error of the sample sd (delta method): √(m4 − s⁴) / (2 s √N)."""
    centred = values - values.mean()
    s2 = float(np.mean(centred**2))
    m4 = float(np.mean(centred**4))
    return math.sqrt(max(m4 - s2**2, 0.0)) / (2 * math.sqrt(s2) * math.sqrt(len(values)))


def std_normal_pdf(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def std_normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


MEAN_CASES: list[tuple[str, dict[str, Any]]] = [
    ("exponential", {"dist": "exponential", "mean": 7.5}),
    ("normal", {"dist": "normal", "mean": -10, "sd": 12}),
    ("normal_clipped_both", {"dist": "normal", "mean": 0, "sd": 10, "min": -5, "max": 20}),
    ("normal_clipped_min", {"dist": "normal", "mean": 2, "sd": 4, "min": 0}),
    ("normal_clipped_max", {"dist": "normal", "mean": 2, "sd": 4, "max": 1}),
    ("lognormal", {"dist": "lognormal", "mean": 15, "sd": 6}),
    ("lognormal_wide", {"dist": "lognormal", "mean": 4, "sd": 2}),
    ("gamma", {"dist": "gamma", "mean": 10, "sd": 3}),
    ("gamma_wide", {"dist": "gamma", "mean": 5, "sd": 8}),
    ("triangular", {"dist": "triangular", "low": 5, "mode": 8, "high": 15}),
    ("triangular_mode_at_low", {"dist": "triangular", "low": 3, "mode": 3, "high": 9}),
    ("uniform", {"dist": "uniform", "low": 25, "high": 35}),
    ("empirical", {"dist": "empirical", "values": [1, 2, 10]}),
    ("empirical_weighted", {"dist": "empirical", "values": [1, 2, 10], "weights": [1, 1, 2]}),
]


@pytest.mark.parametrize(("spec"), [c[1] for c in MEAN_CASES], ids=[c[0] for c in MEAN_CASES])
def test_sample_mean_within_four_standard_errors(spec: dict[str, Any]) -> None:
    dist, values = draws(spec)
    se = mean_standard_error(values)
    assert se > 0
    assert abs(values.mean() - dist.mean) <= Z * se, (
        f"{spec}: sample mean {values.mean():.5f}, model mean {dist.mean:.5f}, 4 SE = {Z * se:.5f}"
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "normal", "mean": 0, "sd": 10, "min": -5, "max": 20},
        {"dist": "normal", "mean": 2, "sd": 4, "min": 0},
        {"dist": "normal", "mean": 2, "sd": 4, "max": 1},
    ],
    ids=["both", "min", "max"],
)
def test_clipped_normal_mean_is_not_the_unclipped_mean(spec: dict[str, Any]) -> None:
    """The clipped cases above are meaningful: clipping moves the mean by far more than 4 SE."""
    dist, values = draws(spec)
    assert abs(dist.mean - spec["mean"]) > 10 * Z * mean_standard_error(values)
    assert values.min() >= spec.get("min", -math.inf)
    assert values.max() <= spec.get("max", math.inf)
    # clipped, not resampled: the bounds themselves carry probability mass
    for bound in ("min", "max"):
        if bound in spec:
            assert np.count_nonzero(values == spec[bound]) > N // 100


def test_clipped_normal_mean_matches_closed_form() -> None:
    """Mean of normal(0, 10) clipped to [−5, 20], computed independently of the model."""
    mu, sd, lo, hi = 0.0, 10.0, -5.0, 20.0
    a, b = (lo - mu) / sd, (hi - mu) / sd
    expected = (
        lo * std_normal_cdf(a)
        + hi * (1 - std_normal_cdf(b))
        + mu * (std_normal_cdf(b) - std_normal_cdf(a))
        + sd * (std_normal_pdf(a) - std_normal_pdf(b))
    )
    dist = parse({"dist": "normal", "mean": mu, "sd": sd, "min": lo, "max": hi})
    assert dist.mean == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "lognormal", "mean": 15, "sd": 6},
        {"dist": "lognormal", "mean": 4, "sd": 2},
        {"dist": "gamma", "mean": 10, "sd": 3},
        {"dist": "gamma", "mean": 5, "sd": 8},
    ],
    ids=["lognormal", "lognormal_wide", "gamma", "gamma_wide"],
)
def test_sample_sd_of_mean_sd_families(spec: dict[str, Any]) -> None:
    """Lognormal and gamma take the sd of the variable itself: the draws must have it."""
    _, values = draws(spec)
    se = sd_standard_error(values)
    assert abs(values.std(ddof=1) - spec["sd"]) <= Z * se, (
        f"{spec}: sample sd {values.std(ddof=1):.5f}, expected {spec['sd']}, 4 SE = {Z * se:.5f}"
    )


def test_lognormal_and_gamma_are_positive() -> None:
    for spec in ({"dist": "lognormal", "mean": 4, "sd": 2}, {"dist": "gamma", "mean": 5, "sd": 8}):
        dist, values = draws(spec)
        assert values.min() > 0
        assert dist.minimum == 0


@pytest.mark.parametrize("number", [30, 2.5, 0])
def test_bare_number_parses_as_fixed(number: float) -> None:
    dist, values = draws(number)
    assert isinstance(dist, Fixed)
    assert dist.value == number
    assert dist.mean == number
    assert np.all(values == number)


def test_fixed_mapping_equals_bare_number() -> None:
    assert parse({"dist": "fixed", "value": 12}) == parse(12)


def test_parsed_families_have_the_named_types() -> None:
    assert isinstance(parse({"dist": "normal", "mean": 1, "sd": 1}), Normal)
    assert isinstance(parse({"dist": "lognormal", "mean": 1, "sd": 1}), Lognormal)
    assert isinstance(parse({"dist": "gamma", "mean": 1, "sd": 1}), Gamma)
    assert isinstance(parse({"dist": "empirical", "values": [1]}), Empirical)
    assert set(DISTRIBUTION_NAMES) == {
        "fixed",
        "exponential",
        "normal",
        "lognormal",
        "gamma",
        "triangular",
        "uniform",
        "empirical",
    }


def test_empirical_draws_only_listed_values_in_weighted_proportion() -> None:
    _, values = draws({"dist": "empirical", "values": [1, 2, 10], "weights": [1, 1, 2]})
    assert set(np.unique(values)) == {1.0, 2.0, 10.0}
    share_of_ten = float(np.mean(values == 10))
    se = math.sqrt(0.5 * 0.5 / N)
    assert abs(share_of_ten - 0.5) <= Z * se


def test_same_seed_same_draws() -> None:
    spec = {"dist": "lognormal", "mean": 15, "sd": 6}
    _, first = draws(spec, seed=1)
    _, again = draws(spec, seed=1)
    _, other = draws(spec, seed=2)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


BAD: list[tuple[str, Any, str]] = [
    ("normal_negative_sd", {"dist": "normal", "mean": 5, "sd": -1}, "sd"),
    ("lognormal_negative_sd", {"dist": "lognormal", "mean": 5, "sd": -1}, "sd"),
    ("gamma_negative_sd", {"dist": "gamma", "mean": 5, "sd": -1}, "sd"),
    ("gamma_zero_sd", {"dist": "gamma", "mean": 5, "sd": 0}, "sd"),
    ("lognormal_zero_mean", {"dist": "lognormal", "mean": 0, "sd": 1}, "mean"),
    ("exponential_negative_mean", {"dist": "exponential", "mean": -2}, "mean"),
    (
        "normal_min_above_max",
        {"dist": "normal", "mean": 5, "sd": 1, "min": 9, "max": 3},
        "min must be ≤ max",
    ),
    (
        "triangular_mode_below_low",
        {"dist": "triangular", "low": 5, "mode": 3, "high": 8},
        "low ≤ mode ≤ high",
    ),
    (
        "triangular_mode_above_high",
        {"dist": "triangular", "low": 1, "mode": 9, "high": 8},
        "low ≤ mode ≤ high",
    ),
    ("triangular_degenerate", {"dist": "triangular", "low": 4, "mode": 4, "high": 4}, "low < high"),
    ("uniform_low_above_high", {"dist": "uniform", "low": 9, "high": 3}, "low ≤ high"),
    (
        "empirical_weights_length",
        {"dist": "empirical", "values": [1, 2], "weights": [1]},
        "one entry per value",
    ),
    (
        "empirical_negative_weight",
        {"dist": "empirical", "values": [1, 2], "weights": [1, -1]},
        "weights must be ≥ 0",
    ),
    ("empirical_no_values", {"dist": "empirical", "values": []}, "values"),
    ("unknown_dist", {"dist": "weibull", "mean": 3}, "weibull"),
    ("missing_dist", {"mean": 3, "sd": 1}, "dist"),
    ("unknown_parameter", {"dist": "normal", "mean": 3, "sd": 1, "shape": 2}, "shape"),
    ("missing_parameter", {"dist": "lognormal", "mean": 3}, "sd"),
    ("not_a_distribution", "five", "five"),
]


@pytest.mark.parametrize(("spec", "needle"), [(b[1], b[2]) for b in BAD], ids=[b[0] for b in BAD])
def test_bad_parameters_raise(spec: Any, needle: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse(spec)
    assert needle in str(caught.value)


# ---------------------------------------------------------------- quantiles (mip planning)


@pytest.mark.parametrize(
    ("spec", "level", "expected"),
    [
        ({"dist": "fixed", "value": 7}, 0.8, 7.0),
        ({"dist": "uniform", "low": 10, "high": 20}, 0.8, 18.0),
        ({"dist": "exponential", "mean": 10}, 0.5, 10 * math.log(2)),
        ({"dist": "triangular", "low": 0, "mode": 0, "high": 10}, 0.75, 5.0),
    ],
)
def test_quantile_matches_the_analytic_value(
    spec: dict[str, Any], level: float, expected: float
) -> None:
    """From 20 000 fixed-seed draws: within 2 % of the range of the analytic quantile."""
    dist = TypeAdapter(Distribution).validate_python(spec)
    assert dist.quantile(level) == pytest.approx(expected, abs=0.2)
    assert dist.quantile(level) == dist.quantile(level)  # the same every call
