"""Tests for ``sim.eventlog.distfit``: a sample's family and parameters, rates and shares.

Samples are drawn with the scenario format's own samplers (``sim.distributions``) from
fixed seeds, N = 5 000 values. Every returned spec must validate as a scenario
distribution (and, for durations, be one a step may take: minimum ≥ 0).

Family choice: the true family must win by AIC. The parameters are chosen where the
families differ at this N: lognormal and gamma with sd/mean = 0.5 (at small sd/mean both
look normal and AIC cannot tell them apart), a normal far from 0. The exponential is
the one exception: gamma nests it (shape 1), so under an exponential truth AIC picks
gamma whenever the likelihood ratio exceeds 2, with probability P(χ²₁ > 2) ≈ 16 % at
any N; then the gamma found must be the exponential (sd = mean, within tolerance).

Parameter tolerance: 4 standard errors, the standard error of each fitted parameter
estimated by a parametric bootstrap: the same fit repeated on BOOTSTRAP fresh samples
of N from the true distribution (with 30 replicates the estimated SE is within ±26 %
of the true one at 2 sd, so 4 estimated SE are at least 3 true SE). A uniform's ends
are the exception: their MLE is the sample's extreme, whose error is exponential, not
normal (P(error > t) = exp(−N·t/range), sd = range/N), so 4 sd would miss 1.8 % of the
time per end; they get 10 sd (miss 4.5e-5).

KS: under the true family the p-value (conservative, parameters being estimated) is
above 0.01 except with probability < 1 %; a clearly wrong forced family gives p < 1e-6.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import TypeAdapter
from scipy import stats

from sim.distributions import Distribution
from sim.eventlog.distfit import (
    DURATION_FAMILIES,
    MIN_OBSERVATIONS,
    SIGNED_FAMILIES,
    FittedDistribution,
    fit_duration,
    fit_rate,
    fit_share,
    fit_signed,
    fit_weekday_rates,
)
from sim.scenario import Provenance

N = 5_000
SEED = 20261121
Z = 4.0
UNIFORM_END_Z = 10.0
BOOTSTRAP = 30
ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)

DURATIONS: dict[str, dict[str, Any]] = {
    "exponential": {"dist": "exponential", "mean": 10.0},
    "lognormal": {"dist": "lognormal", "mean": 12.0, "sd": 6.0},
    "gamma": {"dist": "gamma", "mean": 12.0, "sd": 6.0},
    "normal": {"dist": "normal", "mean": 20.0, "sd": 4.0, "min": 0.0},
    "triangular": {"dist": "triangular", "low": 5.0, "mode": 8.0, "high": 15.0},
    "uniform": {"dist": "uniform", "low": 2.0, "high": 6.0},
}
SIGNED: dict[str, dict[str, Any]] = {
    "normal": {"dist": "normal", "mean": -10.0, "sd": 12.0},
    "triangular": {"dist": "triangular", "low": -20.0, "mode": -5.0, "high": 30.0},
    "uniform": {"dist": "uniform", "low": -15.0, "high": 15.0},
}


def validated(spec: Any) -> Any:
    return ADAPTER.validate_python(spec)


def duration_model(fit: FittedDistribution) -> Any:
    model = validated(fit.spec)
    assert model.minimum >= 0, fit.spec
    return model


def draws(spec: dict[str, Any], seed: int | list[int] = SEED, n: int = N) -> np.ndarray:
    return validated(spec).sample(np.random.default_rng(seed), n)


def parameters(spec: dict[str, Any]) -> dict[str, float]:
    return {key: value for key, value in spec.items() if key not in ("dist", "min")}


def bootstrap_se(truth: dict[str, Any], family: str, fitter: Any) -> dict[str, float]:
    """The sd of each fitted parameter of ``family`` over fresh samples of the truth."""
    fits = [fitter(draws(truth, [SEED, r]), families=(family,)) for r in range(BOOTSTRAP)]
    table = {key: [parameters(f.spec)[key] for f in fits] for key in parameters(fits[0].spec)}
    return {key: float(np.std(values, ddof=1)) for key, values in table.items()}


def assert_recovered(fit: FittedDistribution, truth: dict[str, Any], fitter: Any) -> None:
    expected = parameters(truth)
    if truth["dist"] == "exponential" and fit.family == "gamma":
        expected = {"mean": truth["mean"], "sd": truth["mean"]}  # gamma of shape 1
    se = bootstrap_se(truth, fit.family, fitter)
    z = UNIFORM_END_Z if fit.family == "uniform" else Z
    for key, value in expected.items():
        assert abs(fit.spec[key] - value) <= z * se[key], (key, fit.spec, truth, se)


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize("family", DURATION_FAMILIES)
def test_a_duration_sample_is_fitted_in_its_own_family_with_its_parameters(family: str) -> None:
    truth = DURATIONS[family]
    fit = fit_duration(draws(truth))
    duration_model(fit)
    assert fit.family == family or (family, fit.family) == ("exponential", "gamma")
    assert set(fit.aic) == set(DURATION_FAMILIES)
    assert fit.aic[fit.family] == min(fit.aic.values())
    assert fit.n == N and fit.note is None
    assert_recovered(fit, truth, fit_duration)
    assert fit.ks_p_value is not None and fit.ks_p_value > 0.01


def test_a_normal_duration_is_written_with_a_minimum_of_zero() -> None:
    fit = fit_duration(draws(DURATIONS["normal"]))
    assert fit.spec["min"] == 0.0


@pytest.mark.parametrize(
    ("truth", "wrong"),
    [(DURATIONS["lognormal"], "uniform"), (DURATIONS["normal"], "exponential")],
)
def test_a_clearly_wrong_forced_family_fails_the_ks_test(truth: dict[str, Any], wrong: str) -> None:
    fit = fit_duration(draws(truth), families=(wrong,))
    duration_model(fit)
    assert fit.family == wrong and set(fit.aic) == {wrong}
    assert fit.ks_p_value is not None and fit.ks_p_value < 1e-6


def test_equal_values_within_a_second_are_a_fixed_value() -> None:
    sample = 30 + np.random.default_rng(SEED).uniform(-0.9 / 60, 0.9 / 60, 200)
    fit = fit_duration(sample)
    assert fit.family == "fixed" and isinstance(fit.spec, float)
    assert fit.spec == pytest.approx(float(np.median(sample)))
    assert duration_model(fit).dist == "fixed"
    assert fit.aic == {} and fit.ks_p_value is None and "fixed" in (fit.note or "")


def test_values_two_seconds_apart_are_not_fixed() -> None:
    sample = np.tile([30.0, 30.0 + 2.5 / 60], MIN_OBSERVATIONS)
    assert fit_duration(sample).family != "fixed"


def test_fewer_than_the_minimum_observations_give_an_empirical_distribution() -> None:
    sample = draws(DURATIONS["lognormal"], n=MIN_OBSERVATIONS - 18)
    fit = fit_duration(sample)
    assert fit.family == "empirical" and fit.n == 12
    assert fit.spec["values"] == sorted(np.round(sample, 2).tolist())
    assert "weights" not in fit.spec
    duration_model(fit)
    assert fit.note == "12 observations (fewer than 30): empirical distribution"
    assert fit.aic == {} and fit.ks_statistic is None


def test_an_empirical_distribution_weighs_repeated_values() -> None:
    fit = fit_signed([-3.0, 2.0, 2.0, 5.0, 2.0])
    model = validated(fit.spec)
    assert fit.spec["values"] == [-3.0, 2.0, 5.0]
    assert model.probabilities.tolist() == pytest.approx([0.2, 0.6, 0.2])


def test_zero_durations_exclude_the_families_that_cannot_hold_them() -> None:
    sample = np.round(draws({"dist": "lognormal", "mean": 3.0, "sd": 2.0}))  # whole minutes
    assert (sample == 0).sum() > 0
    fit = fit_duration(sample)
    duration_model(fit)
    assert set(fit.aic) == {"exponential", "normal", "triangular", "uniform"}
    zeros = int((sample == 0).sum())
    assert fit.note == (
        f"{zeros} of {N} observations are 0: lognormal, gamma cannot hold them, not tried"
    )


def test_negative_durations_are_refused() -> None:
    sample = np.append(draws(DURATIONS["lognormal"]), [-1.0, 0.0])
    with pytest.raises(ValueError, match="1 of 5002 observations are"):
        fit_duration(sample)


def test_a_signed_sample_with_negatives_is_not_fitted_by_a_positive_family() -> None:
    sample = np.append(draws(DURATIONS["lognormal"]), [-1.0, 0.0])
    fit = fit_signed(sample, families=("lognormal", "normal"))
    assert set(fit.aic) == {"normal"}
    assert fit.note == (
        "1 of 5002 observations are 0 and 1 of 5002 observations are negative: "
        "lognormal cannot hold them, not tried"
    )


def test_a_triangular_duration_never_starts_below_zero() -> None:
    fit = fit_duration(draws(DURATIONS["exponential"]), families=("triangular",))
    assert duration_model(fit).low >= 0


def test_values_rounded_to_the_minute_keep_a_fair_ks_test() -> None:
    sample = np.round(draws(DURATIONS["lognormal"]))
    fit = fit_duration(sample)
    assert fit.family == "lognormal" and fit.grid == 1.0
    assert fit.ks_p_value is not None and fit.ks_p_value > 0.01
    assert "1-minute grid" in fit.provenance()["p_value_note"]
    # without spreading the rounded values, their ties alone reject the right family
    s, _, scale = stats.lognorm.fit(sample, floc=0)
    assert stats.kstest(sample, stats.lognorm(s, 0, scale).cdf).pvalue < 0.01


# ---------------------------------------------------------------- signed


@pytest.mark.parametrize("family", SIGNED_FAMILIES)
def test_a_signed_sample_is_fitted_in_its_own_family_with_its_parameters(family: str) -> None:
    truth = SIGNED[family]
    fit = fit_signed(draws(truth))
    validated(fit.spec)
    assert fit.family == family and set(fit.aic) == set(SIGNED_FAMILIES)
    assert "min" not in fit.spec
    assert_recovered(fit, truth, fit_signed)
    assert fit.ks_p_value is not None and fit.ks_p_value > 0.01


def test_signed_equal_values_are_fixed() -> None:
    fit = fit_signed(np.full(40, -5.0))
    assert fit.spec == -5.0 and validated(fit.spec).value == -5.0


@pytest.mark.parametrize("bad", [[], [1.0, math.nan, 2.0], [1.0, math.inf]])
def test_an_empty_or_non_finite_sample_is_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        fit_duration(bad)


def test_values_beyond_the_scenario_format_s_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="no scenario distribution"):
        fit_signed(np.linspace(-3e9, 3e9, MIN_OBSERVATIONS))


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="weibull"):
        fit_duration(draws(DURATIONS["gamma"]), families=("weibull",))


# ---------------------------------------------------------------- rates


def test_poisson_counts_are_not_overdispersed() -> None:
    days, rate = 250, 20.0
    counts = np.random.default_rng(SEED).poisson(rate, days)
    fit = fit_rate(counts)
    assert fit.n == days and abs(fit.rate - rate) <= Z * math.sqrt(rate / days)
    assert fit.p_value is not None and fit.p_value >= 0.01  # false alarm: 1 %
    assert not fit.overdispersed and fit.warning is None


def test_negative_binomial_counts_are_flagged_overdispersed() -> None:
    # mean n(1 − p)/p = 20, variance mean/p = 40: index 2, about 11 sd above 1 at 250 days
    counts = np.random.default_rng(SEED).negative_binomial(20, 0.5, 250)
    fit = fit_rate(counts)
    assert fit.overdispersed and fit.p_value is not None and fit.p_value < 0.001
    assert fit.dispersion_index == pytest.approx(fit.variance / fit.rate)
    assert fit.warning == (
        f"daily counts vary more than a Poisson process would (variance {fit.variance:.1f} "
        f"against mean {fit.rate:.1f}, p < 0.001): the rate is a mean, and busy days will "
        f"be busier than simulated"
    )


@pytest.mark.parametrize("counts", [[7], [0, 0, 0]])
def test_a_rate_with_nothing_to_test_has_no_dispersion_test(counts: list[int]) -> None:
    fit = fit_rate(counts)
    assert fit.rate == np.mean(counts) and fit.p_value is None and not fit.overdispersed


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        fit_rate([3, -1, 4])


# ---------------------------------------------------------------- shares


def test_a_share_has_the_wilson_interval_from_its_formula() -> None:
    trials = 1_000
    successes = int(np.random.default_rng(SEED).binomial(trials, 0.06))
    fit = fit_share(successes, trials)
    assert fit.p == successes / trials and fit.n == trials and fit.note is None
    z = stats.norm.ppf(0.975)
    centre = (fit.p + z**2 / (2 * trials)) / (1 + z**2 / trials)
    spread = math.sqrt(fit.p * (1 - fit.p) / trials + z**2 / (4 * trials**2))
    half = z / (1 + z**2 / trials) * spread
    assert fit.ci95 == pytest.approx((centre - half, centre + half), abs=1e-9)


def test_a_share_interval_holds_the_truth_95_times_in_100() -> None:
    # coverage over 1 000 samples: 0.95 within 4 binomial sd, √(0.95·0.05/1 000) ≈ 0.007
    truth, trials, samples = 0.06, 1_000, 1_000
    successes = np.random.default_rng(SEED).binomial(trials, truth, samples)
    intervals = [fit_share(int(s), trials).ci95 for s in successes]
    coverage = np.mean([low < truth < high for low, high in intervals])
    assert abs(coverage - 0.95) <= Z * math.sqrt(0.95 * 0.05 / samples)


def test_a_share_of_few_trials_says_so() -> None:
    fit = fit_share(0, 10)
    assert fit.ci95[0] == 0.0 and fit.ci95[1] > 0.2
    assert fit.note is not None and fit.note.startswith("10 observations (fewer than 30)")


@pytest.mark.parametrize(("successes", "trials"), [(1, 0), (5, 3), (-1, 4)])
def test_an_impossible_share_is_refused(successes: int, trials: int) -> None:
    with pytest.raises(ValueError):
        fit_share(successes, trials)


# ---------------------------------------------------------------- provenance


def test_every_provenance_is_plain_json_and_yaml_and_a_scenario_provenance_entry() -> None:
    records = [
        fit_duration(np.round(draws(DURATIONS["gamma"]), 2)).provenance(),
        fit_duration(np.full(5, 4.0)).provenance(),
        fit_signed(draws(SIGNED["normal"], n=10)).provenance(),
        fit_rate(np.random.default_rng(SEED).negative_binomial(20, 0.5, 60)).provenance(),
        fit_share(17, 300).provenance(),
    ]
    for record in records:
        assert json.loads(json.dumps(record)) == record
        assert yaml.safe_load(yaml.safe_dump(record, allow_unicode=True)) == record
        statistics = {k: v for k, v in record.items() if k not in ("n", "note")}
        entry = {"source": "event log", "n": record["n"], "note": record.get("note")}
        assert Provenance.model_validate(entry | {"fit": statistics}).fit == statistics
    fitted = records[0]
    assert fitted["criterion"] == "AIC" and fitted["test"] == "Kolmogorov–Smirnov"
    assert set(fitted["aic"]) == set(DURATION_FAMILIES)
    assert fitted["p_value_note"].startswith("approximate")
    assert records[3]["warning"].startswith("daily counts vary more")


def test_weekday_rates_differ_only_when_the_weekdays_do() -> None:
    """Twelve weeks of Poisson days: one rate for every weekday passes the test, Mondays
    half again as busy fail it (seed 3)."""
    rng = np.random.default_rng(3)
    weekdays = ["mon", "tue", "wed", "thu", "fri"] * 12
    same = rng.poisson(60, len(weekdays))
    busy_monday = rng.poisson([90 if w == "mon" else 60 for w in weekdays])
    flat = fit_weekday_rates(same, weekdays)
    assert not flat.differ and list(flat.per_weekday) == ["mon", "tue", "wed", "thu", "fri"]
    monday = fit_weekday_rates(busy_monday, weekdays)
    assert monday.differ and monday.per_weekday["mon"] > 80
    assert monday.provenance()["weekday_p_value"] < 0.01
