"""The engine against queueing theory: M/M/c waiting times (Erlang C) and utilisation.

Scenario: one pool of ``c`` identical members, one class, one protocol of a
single exponential step, ``fifo`` with ``arrival: walk_in`` (the day's Poisson
count of patients at uniform times over the opening hours, i.e. a Poisson
process of rate λ) and one long day, 00:00 to 23:59, with overtime so large
that everyone is served. Each simulated day starts with an empty clinic, and
days are independent, so the days of one replication are independent samples.

Units. Queues are scale-free, so the mean service time is 0.1 min: a 1439-minute
day then holds about 14 000 mean service times and, at ρ = 0.9, 13 000 (c = 1)
to 39 000 (c = 3) patients. What matters is how many service times the day
lasts compared with the queue's relaxation time, not the clinical realism.

Start-up transient. The queue starts empty at 00:00, so early arrivals wait
less than in steady state. We discard patients arriving in the first hour (600
mean service times). The exact transient (the forward equations of the
birth-death chain, integrated offline with ``scipy.sparse.linalg.expm_multiply``)
puts the remaining bias of the mean wait of the kept arrivals at -0.04 % for
M/M/1 at ρ = 0.9 and below 0.001 % for the other cases; without the discard
it would be -0.7 %. Under FCFS a patient's wait depends only on earlier
arrivals, so the end of arrivals at closing needs no discard.

Tolerance. The simulated mean wait in queue must lie within 10 % (relative) of
Erlang C. That is honest only if the estimate's standard error is well below
10 %, so each case has enough days for a standard error (from the independent
daily means) of about 2.5 %, and the test asserts 3 SE < 10 % too: the
tolerance is then three standard errors or more, and an engine off by more
than ~10 % fails. Waiting times are strongly autocorrelated near saturation,
hence M/M/1 at ρ = 0.9 needs about 780 000 patients (60 days); 2.7 million in all.

Besides the statistics, the start times of the first three days are checked
exactly against an independent first-come-first-served recursion over the same
arrivals and realised service times (each patient, in order of arrival, takes
the earliest free member), and each service lasts its realised duration.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from scipy import stats

from sim.experiments.runner import run_replication
from sim.sampling import realise
from sim.scenario import WEEKDAYS, Scenario, from_mapping

SERVICE_MEAN = 0.1  # minutes
OPEN, CLOSE = 0, 23 * 60 + 59  # the longest day a scenario can describe
WARM_UP = 60.0  # minutes of arrivals discarded at the start of each day
TOLERANCE = 0.10  # relative, on the mean wait in queue
CHECKED_DAYS = 3  # days whose start times are checked one by one against the recursion
SEED = 20260501

# (c, ρ, days): days chosen from pilot runs so that the standard error is about 2.5 %
CASES = [
    (1, 0.5, 10),
    (1, 0.8, 30),
    (1, 0.9, 60),
    (3, 0.5, 16),
    (3, 0.8, 12),
    (3, 0.9, 20),
]


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` = λ·E[S] < c."""
    terms = sum(a**k / math.factorial(k) for k in range(c))
    last = a**c / math.factorial(c) * c / (c - a)
    return last / (terms + last)


def erlang_c_wait(c: int, rho: float, service_mean: float) -> float:
    """Mean wait in queue: Wq = C(c, a)·E[S]/(c − a) with a = λ·E[S] = ρ·c."""
    a = rho * c
    return erlang_c(c, a) * service_mean / (c - a)


def mmc_scenario(c: int, rho: float, days: int) -> Scenario:
    arrival_rate = rho * c / SERVICE_MEAN  # λ per minute
    return from_mapping(
        {
            "name": f"M/M/{c} at ρ = {rho}",
            "seed": SEED + 100 * c + round(10 * rho),  # independent luck per case
            "horizon": {
                "days": days,
                "weekdays": list(WEEKDAYS),
                "open": "00:00",
                "close": "23:59",
                "max_overtime": 24 * 60,  # the most the format allows: the queue drains
            },
            "resources": {"server": {"count": c}},
            "demand": {
                "requests_per_day": arrival_rate * (CLOSE - OPEN),
                "classes": {"only": {"share": 1, "protocol": "one_step"}},
            },
            "protocols": {
                "one_step": {
                    "steps": [
                        {
                            "id": "service",
                            "resource": "server",
                            "duration": {"dist": "exponential", "mean": SERVICE_MEAN},
                        },
                    ]
                }
            },
            "policies": {"fifo": {"arrival": "walk_in"}},
        }
    )


@dataclass(frozen=True)
class Outcome:
    """What the tests need of one M/M/c run (small: the full records are dropped)."""

    patients: int
    statuses: frozenset[str]
    daily_wait: np.ndarray  # per day, mean wait in queue of the patients kept after warm-up
    utilisation: float
    daily_utilisation: np.ndarray
    # every patient of the first CHECKED_DAYS days, for the exact recursion
    day: np.ndarray
    arrival: np.ndarray
    wait: np.ndarray
    start: np.ndarray
    service: np.ndarray
    drawn: np.ndarray


@cache
def simulate_mmc(c: int, rho: float, days: int) -> Outcome:
    """One replication through the whole pipeline: scenario, sampling, fifo, engine, metrics."""
    scenario = mmc_scenario(c, rho, days)
    result = run_replication(scenario, ["fifo"], rep=0).policies["fifo"]
    records = result.records
    assert records is not None
    visits = records.visits
    kept = visits[visits["arrival"] >= OPEN + WARM_UP]
    daily_wait = kept.groupby("day")["wait"].mean().reindex(range(days)).to_numpy()
    per_day = records.members.groupby("day")[["busy", "available"]].sum()
    first = visits["day"].to_numpy() < CHECKED_DAYS
    steps = records.steps.set_index("patient").reindex(visits["patient"][first])
    return Outcome(
        patients=len(visits),
        statuses=frozenset(visits["status"].astype(str)),
        daily_wait=daily_wait,
        utilisation=result.values["utilisation"],
        daily_utilisation=(per_day["busy"] / per_day["available"]).to_numpy(),
        day=visits["day"].to_numpy()[first],
        arrival=visits["arrival"].to_numpy()[first],
        wait=visits["wait"].to_numpy()[first],
        start=steps["start"].to_numpy(),
        service=steps["service"].to_numpy(),
        drawn=realise(scenario, 0).outcomes.duration[first, 0],
    )


def case_id(case: tuple[int, float, int]) -> str:
    c, rho, _ = case
    return f"M/M/{c}-rho{rho}"


def test_erlang_c_formula_against_textbook_values() -> None:
    # M/M/1: C = ρ, Wq = ρ/(μ − λ); M/M/2 at a = 1: C = 1/3 (both by hand)
    assert math.isclose(erlang_c(1, 0.9), 0.9)
    assert math.isclose(erlang_c_wait(1, 0.9, 1.0), 9.0)
    assert math.isclose(erlang_c(2, 1.0), 1 / 3)
    # scipy's Erlang-B, converted: C = c·B / (c − a·(1 − B))
    for c, a in [(3, 2.4), (5, 4.5), (10, 8.0)]:
        b = stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a)
        assert math.isclose(erlang_c(c, a), c * b / (c - a * (1 - b)), rel_tol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_mean_wait_matches_erlang_c(case: tuple[int, float, int]) -> None:
    c, rho, days = case
    out = simulate_mmc(c, rho, days)
    assert out.statuses == {"served"}, "max_overtime is large: everyone must be served"
    expected_arrivals = rho * c / SERVICE_MEAN * (CLOSE - OPEN) * days
    assert abs(out.patients - expected_arrivals) < 4 * math.sqrt(expected_arrivals)

    daily = out.daily_wait
    assert len(daily) == days and np.isfinite(daily).all()
    simulated = float(daily.mean())
    standard_error = float(daily.std(ddof=1) / math.sqrt(days))
    theory = erlang_c_wait(c, rho, SERVICE_MEAN)
    assert 3 * standard_error < TOLERANCE * theory, (
        f"too few patients for an honest test: SE {standard_error / theory:.1%} of Wq"
    )
    assert abs(simulated / theory - 1) <= TOLERANCE, (
        f"M/M/{c} at ρ = {rho}: simulated Wq {simulated:.5f} min, Erlang C {theory:.5f} min "
        f"({simulated / theory - 1:+.1%}, SE {standard_error / theory:.1%})"
    )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_utilisation_matches_offered_load(case: tuple[int, float, int]) -> None:
    # busy / available minutes ≈ ρ; the work left at closing is a few service times, and the
    # standard error over ~10^5 exponential services is well under 1 %, hence 2 %.
    c, rho, days = case
    out = simulate_mmc(c, rho, days)
    assert abs(out.utilisation / rho - 1) <= 0.02, (
        f"M/M/{c}: utilisation {out.utilisation:.4f}, offered load ρ = {rho}"
    )
    assert len(out.daily_utilisation) == days
    assert (np.abs(out.daily_utilisation / rho - 1) <= 0.06).all(), out.daily_utilisation


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_start_times_equal_first_come_first_served_recursion(case: tuple[int, float, int]) -> None:
    c, rho, days = case
    out = simulate_mmc(c, rho, days)
    for d in range(min(days, CHECKED_DAYS)):
        today = np.flatnonzero(out.day == d)
        today = today[np.argsort(out.arrival[today], kind="stable")]
        free_at = [float(OPEN)] * c  # when each member is next free
        expected = np.empty(len(today))
        for k, p in enumerate(today):
            earliest = heapq.heappop(free_at)
            expected[k] = max(out.arrival[p], earliest)
            heapq.heappush(free_at, expected[k] + out.drawn[p])
        np.testing.assert_allclose(out.start[today], expected, rtol=0, atol=1e-7)
        np.testing.assert_allclose(out.service[today], out.drawn[today], rtol=0, atol=1e-9)
        np.testing.assert_allclose(out.wait[today], expected - out.arrival[today], atol=1e-7)
