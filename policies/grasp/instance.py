"""The thesis's problem instance: patients to book with doctors over a month of shifts.

An ``Instance`` holds, as NumPy arrays, what the thesis's text files hold
(Figures 6.3–6.6): per doctor a name, a CMP (the doctor's registration number,
which patients use to name their treating doctor), years of experience, a
specialty (1..S) and shifts per weekday, Monday to Sunday (the 7 × m matrix of
chapter 3); per patient a name, age, family load, monthly income, required
specialty, disease burden (CEDX: 1 for a first visit) and treating doctor
(index into the doctors, -1 for none), and appointments a year.

The calendar: a doctor's weekly shifts repeat for ``weeks`` weeks (the thesis
books a month). A doctor's k-th appointment of the month falls on
``slot_days(...)[k]``: shifts fill in calendar order, and the day is counted as
the thesis's T = 7·week + first free weekday, with weeks counted from 0 and
weekdays from 1, so a Monday of the first week is day 1 (its worked example has
T = 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEKDAYS = 7
DEFAULT_WEEKS = 4

Calendar = list[np.ndarray]  # per doctor, the day (T ≥ 1) of each appointment, nondecreasing


@dataclass(frozen=True)
class Instance:
    specialties: int
    doctor_names: tuple[str, ...]
    doctor_cmp: tuple[str, ...]
    experience: np.ndarray  # years, per doctor
    doctor_specialty: np.ndarray  # 1..specialties, per doctor
    shifts: np.ndarray  # (doctors, 7): shifts per weekday, Monday first
    patient_names: tuple[str, ...]
    age: np.ndarray
    family_load: np.ndarray
    income: np.ndarray
    patient_specialty: np.ndarray  # 1..specialties, per patient
    disease_burden: np.ndarray  # CEDX; 1 for a first visit
    treating: np.ndarray  # index of the patient's treating doctor, -1 for none
    appointments: np.ndarray  # appointments a year
    eligible: np.ndarray | None = None  # (patients, doctors): who may see whom; None: all

    def may_see(self, patient: int, doctor: int) -> bool:
        """Whether ``doctor`` may see ``patient`` (beyond having the patient's specialty)."""
        return self.eligible is None or bool(self.eligible[patient, doctor])

    @property
    def n_patients(self) -> int:
        return len(self.patient_names)

    @property
    def n_doctors(self) -> int:
        return len(self.doctor_names)


def slot_days(instance: Instance, weeks: int = DEFAULT_WEEKS) -> Calendar:
    """Per doctor, the day (T) of each appointment of the month in calendar order. The
    algorithms take any such calendar (the simulation's are the free daily slots)."""
    days = []
    for shifts in instance.shifts:
        week = np.repeat(np.arange(1, WEEKDAYS + 1), shifts)
        days.append(np.concatenate([7 * w + week for w in range(weeks)]).astype(np.int64))
    return days
