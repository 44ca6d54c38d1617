"""A booking of the thesis's problem (who sees whom, on which day) and its summary.

The summary is what ``clinicsim greedy`` and ``clinicsim grasp`` print: FS, how
many patients were booked, the mean waiting days overall and by priority band
(quintiles of patient goodness, band 1 the highest), and each doctor's load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policies.grasp.instance import Instance

BANDS = 5


@dataclass
class Booking:
    doctor: np.ndarray  # per patient: index of the doctor, -1 if not booked
    day: np.ndarray  # per patient: T, days to the appointment; 0 if not booked
    order: np.ndarray  # per patient: place in the doctor's list (1 = first); 0 if not booked
    patient_goodness: np.ndarray  # BP
    doctor_goodness: np.ndarray  # BM: the doctor's goodness when the patient was booked
    value: float  # FS
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def booked(self) -> np.ndarray:
        return self.doctor >= 0


def priority_bands(goodness: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """Band 1..``bands`` of every patient by goodness, 1 the highest (quantile bands)."""
    if len(goodness) == 0:
        return np.zeros(0, dtype=int)
    rank = np.argsort(np.argsort(-goodness, kind="stable"), kind="stable")
    return 1 + (rank * bands) // len(goodness)


def summarise(booking: Booking, instance: Instance, weeks: int) -> dict[str, Any]:
    booked = booking.booked
    bands = priority_bands(booking.patient_goodness)
    by_band = {}
    for band in range(1, BANDS + 1):
        chosen = booked & (bands == band)
        by_band[str(band)] = _mean(booking.day[chosen])
    return {
        "fs": booking.value,
        "patients": instance.n_patients,
        "booked": int(booked.sum()),
        "not_booked": int((~booked).sum()),
        "mean_days": _mean(booking.day[booked]),
        "mean_days_by_band": by_band,
        "doctors": [_doctor_load(booking, instance, d, weeks) for d in range(instance.n_doctors)],
        **booking.info,
    }


def _doctor_load(booking: Booking, instance: Instance, d: int, weeks: int) -> dict[str, Any]:
    patients = booking.doctor == d
    return {
        "name": instance.doctor_names[d],
        "cmp": instance.doctor_cmp[d],
        "specialty": int(instance.doctor_specialty[d]),
        "patients": int(patients.sum()),
        "shifts": int(instance.shifts[d].sum()) * weeks,
        "mean_days": _mean(booking.day[patients]),
    }


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None
