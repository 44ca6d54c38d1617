"""The thesis's three goodness functions (chapter 3) and the relaxation threshold.

- FOP, a patient's goodness: (α·f(E) + β·CEDX + γ·CF) / (ω·IM), with
  f(E) = 0.015·E² − E + 20, so the very young and the old come first. An
  income below 1 counts as 1: minors have no income, and the thesis's own file
  stores 1 for them to avoid dividing by zero.
- FOM, a doctor's goodness: (α·EX) / (β·TC) · θ·(TD / TT): experience, over the
  days to the doctor's next free appointment, times the share of the doctor's
  shifts still free (recomputed as the shifts fill).
- FS, a solution's value: Σ (α·BP_i · β·BM_i) / (θ·T_i) over booked patients,
  BM_i the goodness of patient i's doctor when i was booked.

The constants are the thesis's, each 1 by default. The functions take NumPy
arrays or plain numbers alike; the reference and fast implementations both
call them, so they compute the same floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from policies.grasp.instance import Instance
from sim.need import age_factor, patient_need

Number = TypeVar("Number", float, np.ndarray)
__all__ = ["UNIT", "Weights", "age_factor", "booking_weight", "doctor_goodness", "threshold"]


@dataclass(frozen=True)
class Weights:
    """The configurable constants of FOP, FOM and FS (all 1 in the thesis's runs)."""

    fop_alpha: float = 1.0
    fop_beta: float = 1.0
    fop_gamma: float = 1.0
    fop_omega: float = 1.0
    fom_alpha: float = 1.0
    fom_beta: float = 1.0
    fom_theta: float = 1.0
    fs_alpha: float = 1.0
    fs_beta: float = 1.0
    fs_theta: float = 1.0


UNIT = Weights()


def patient_goodness(instance: Instance, weights: Weights = UNIT) -> np.ndarray:
    """FOP of every patient (``sim.need``: the simulation weighs patients by it too)."""
    w = weights
    return patient_need(
        instance.age.astype(float),
        instance.disease_burden.astype(float),
        instance.family_load.astype(float),
        instance.income.astype(float),
        (w.fop_alpha, w.fop_beta, w.fop_gamma, w.fop_omega),
    )


def doctor_goodness(
    experience: Number, next_day: Number, free: Number, total: Number, weights: Weights = UNIT
) -> Number:
    """FOM of doctors with ``free`` of ``total`` shifts left, the next on ``next_day``."""
    w = weights
    return (w.fom_alpha * experience) / (w.fom_beta * next_day) * (w.fom_theta * (free / total))


def booking_weight(bp: Number, bm: Number, weights: Weights = UNIT) -> Number:
    """α·BP · β·BM: a booked patient's contribution to FS before dividing by θ·T."""
    return (weights.fs_alpha * bp) * (weights.fs_beta * bm)


def solution_value(
    bp: np.ndarray, bm: np.ndarray, day: np.ndarray, weights: Weights = UNIT
) -> float:
    """FS of a booking; ``day`` is 0 for patients not booked, who add nothing. Summed
    exactly rounded, so equal bookings in any order have equal FS."""
    booked = day > 0
    terms = booking_weight(bp[booked], bm[booked], weights) / (weights.fs_theta * day[booked])
    return math.fsum(terms)


def threshold(best: Number, worst: Number, alpha: float) -> Number:
    """The restricted candidate list keeps goodness ≥ best − α·(best − worst)."""
    return best - alpha * (best - worst)
