"""The random distributions a scenario may name, each a small pydantic model.

A scenario writes a distribution as a bare number (fixed) or as a mapping with
``dist`` naming the family: ``fixed``, ``exponential``, ``normal``, ``lognormal``,
``gamma``, ``triangular``, ``uniform``, ``empirical``. Every family checks its
parameters, knows its ``mean`` and draws a vector with ``sample(rng, size)``.
``lognormal`` and ``gamma`` take the mean and standard deviation of the variable
itself, not of its logarithm or shape/scale.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    model_validator,
)

from sim.limits import MAX_MAGNITUDE

QUANTILE_DRAWS = 20_000
QUANTILE_SEED = 20_261_121


# Parameters bounded so that no draw, mean, square or sum of them overflows to infinity
# (see ``sim.limits``); "far beyond any clinic": minutes, days, ages, incomes.
# One Annotated type per sign: pydantic keeps only the last ``ge`` of a field, so a
# field's own ``Field(ge=0)`` cannot be added to a bounded type.
Param = Annotated[StrictFloat, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
NonNegativeParam = Annotated[StrictFloat, Field(ge=0, le=MAX_MAGNITUDE)]
PositiveParam = Annotated[StrictFloat, Field(gt=0, le=MAX_MAGNITUDE)]


class _Dist(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @property
    def mean(self) -> float:  # pragma: no cover - every family overrides
        raise NotImplementedError

    @property
    def minimum(self) -> float:
        """The smallest value the distribution can produce."""
        return -math.inf

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def quantile(self, level: float, draws: int = QUANTILE_DRAWS) -> float:
        """The ``level`` quantile, estimated from a fixed-seed sample (so the same for every
        call); one method for all families, exact enough for planning in 5-minute windows."""
        sample = self.sample(np.random.default_rng(QUANTILE_SEED), draws)
        return float(np.quantile(sample, level))


class Fixed(_Dist):
    dist: Literal["fixed"] = "fixed"
    value: Param

    @property
    def mean(self) -> float:
        return self.value

    @property
    def minimum(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value, dtype=float)


class _PositiveWithMean(_Dist):
    """A positive variable given by its mean (the families below add their spread)."""

    mean_: PositiveParam = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def minimum(self) -> float:
        return 0.0


class Exponential(_PositiveWithMean):
    dist: Literal["exponential"]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)


class Normal(_Dist):
    """Normal, optionally clipped to ``[min, max]`` (clipped, not resampled)."""

    dist: Literal["normal"]
    mean_: Param = Field(alias="mean")
    sd: NonNegativeParam
    min: Param | None = None
    max: Param | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Normal:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min must be ≤ max, got min={self.min}, max={self.max}")
        return self

    @property
    def mean(self) -> float:
        """Mean of the clipped variable (equal to ``mean`` when unclipped)."""
        if self.sd == 0:
            return float(np.clip(self.mean_, self.minimum, self.maximum))
        from scipy import stats  # lazily: scipy costs half a second at start-up

        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        z_lo, z_hi = (lo - self.mean_) / self.sd, (hi - self.mean_) / self.sd
        mass_inside = stats.norm.cdf(z_hi) - stats.norm.cdf(z_lo)
        inside = self.mean_ * mass_inside + self.sd * (stats.norm.pdf(z_lo) - stats.norm.pdf(z_hi))
        below = lo * stats.norm.cdf(z_lo) if math.isfinite(lo) else 0.0
        above = hi * stats.norm.sf(z_hi) if math.isfinite(hi) else 0.0
        return float(inside + below + above)

    @property
    def minimum(self) -> float:
        return -math.inf if self.min is None else self.min

    @property
    def maximum(self) -> float:
        return math.inf if self.max is None else self.max

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        values = rng.normal(self.mean_, self.sd, size)
        if self.min is not None or self.max is not None:
            values = np.clip(values, self.min, self.max)
        return values


class Lognormal(_PositiveWithMean):
    dist: Literal["lognormal"]
    sd: NonNegativeParam

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        mu = math.log(self.mean_) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


class Gamma(_PositiveWithMean):
    dist: Literal["gamma"]
    sd: PositiveParam

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean_ / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mean_, size)


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: Param
    mode: Param
    high: Param

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"must have low ≤ mode ≤ high and low < high, "
                f"got low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def minimum(self) -> float:
        return self.low

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: Param
    high: Param

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"must have low ≤ high, got low={self.low}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def minimum(self) -> float:
        return self.low

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Empirical(_Dist):
    """Draws from listed values, with optional weights (normalised)."""

    dist: Literal["empirical"]
    values: list[Param] = Field(min_length=1)
    weights: list[Param] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is None:
            return self
        if len(self.weights) != len(self.values):
            raise ValueError(
                f"weights must have one entry per value: {len(self.values)} values, "
                f"{len(self.weights)} weights"
            )
        if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
            raise ValueError("weights must be ≥ 0 with a positive sum")
        return self

    @property
    def probabilities(self) -> np.ndarray:
        if self.weights is None:
            return np.full(len(self.values), 1 / len(self.values))
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    @property
    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    @property
    def minimum(self) -> float:
        return min(self.values)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self.probabilities)


def _number_means_fixed(value: Any) -> Any:
    """A bare number in a scenario file is a fixed value."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


Distribution = Annotated[
    Fixed | Exponential | Normal | Lognormal | Gamma | Triangular | Uniform | Empirical,
    Field(discriminator="dist"),
    BeforeValidator(_number_means_fixed),
]

DISTRIBUTION_NAMES = (
    "fixed",
    "exponential",
    "normal",
    "lognormal",
    "gamma",
    "triangular",
    "uniform",
    "empirical",
)
