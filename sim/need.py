"""A patient's need: the thesis's patient goodness FOP, from the scenario's class attributes.

FOP = (α·f(E) + β·CEDX + γ·CF) / (ω·IM), f(E) = 0.015·E² − E + 20 (seed 003,
chapter 3), from the attributes ``age`` (E), ``disease_burden`` (CEDX, 1 for a
first visit), ``family_load`` (CF) and ``income`` (IM, below 1 counted as 1:
minors have none). A scenario whose classes lack an attribute gets its default
here. The ``grasp`` policy books by it, and the ``access_days_vulnerable`` and
``fs`` metrics weigh patients by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import numpy as np

Number = TypeVar("Number", float, np.ndarray)

NEED_DEFAULTS = {"age": 40.0, "disease_burden": 1.0, "family_load": 0.0, "income": 1.0}
MIN_INCOME = 1.0


def age_factor(age: Number) -> Number:
    """f(E) = 0.015·E² − E + 20: high for infants and the old, lowest near 33."""
    return 0.015 * age * age - age + 20


def patient_need(
    age: np.ndarray,
    disease_burden: np.ndarray,
    family_load: np.ndarray,
    income: np.ndarray,
    weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
) -> np.ndarray:
    """FOP with constants (α, β, γ, ω)."""
    alpha, beta, gamma, omega = weights
    numerator = alpha * age_factor(age) + beta * disease_burden + gamma * family_load
    return numerator / (omega * np.maximum(income, MIN_INCOME))


def need_attributes(attributes: Mapping[str, np.ndarray], patients: int) -> dict[str, np.ndarray]:
    """The four attributes of the need for every patient, defaults where a class has none."""
    values = {}
    for name, default in NEED_DEFAULTS.items():
        drawn = np.asarray(attributes.get(name, np.full(patients, np.nan)), dtype=float)
        values[name] = np.where(np.isnan(drawn), default, drawn)
    return values


def need_of(attributes: Mapping[str, np.ndarray], patients: int) -> np.ndarray:
    """FOP of every patient from drawn class attributes (defaults where a class has none)."""
    return patient_need(**need_attributes(attributes, patients))
