"""The thesis's data generator (chapter 6, section 2): random instances by Table 6.1.

``DISEASE_BURDEN`` is the table of Figure 6.2: per cause of disease, the
healthy years of life lost (AVISA, thousands) the thesis uses as a returning
patient's disease burden. ``generate_instance`` draws patients and doctors by
the rules of Table 6.1 from one seeded NumPy generator, so a seed gives the
same instance on every run.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from policies.grasp.instance import WEEKDAYS, Instance

DISEASE_BURDEN: dict[str, int] = {
    "Enf. Neuropsiquiátricas": 810,
    "No intencionales": 660,
    "Condiciones perinatales": 490,
    "Enf. Cardiovasculares": 390,
    "Tumores malignos": 380,
    "Enf. Osteomusculares": 310,
    "Deficiencias nutricionales": 260,
    "Infecciones respiratorias": 260,
    "Infecciosas y parasitarias": 240,
    "Enf. del aparato respiratorio": 230,
    "Enf. del aparato digestivo": 210,
    "Diabetes": 150,
    "Enf. genitourinarias": 110,
    "Anomalías congénitas": 110,
    "Enf. cavidad oral": 95,
    "Condiciones maternas": 70,
    "Intencionales": 65,
    "Enf. endocrinas y de la sangre": 60,
    "Enf. órganos de los sentidos": 50,
    "Otros tumores": 5,
    "Enf. de la piel": 5,
}
FIRST_VISIT_BURDEN = 1

# Table 6.1; every range includes both ends.
MAX_AGE = 82
ADULT_AGE = 18  # younger: a minor
ELDERLY_AGE = 65  # older: an elderly patient ("mayor de 65 años")
MINOR_INCOME = 1  # the thesis says 0 but its own files store 1: FOP divides by income
ELDERLY_INCOME = (200, 600)
ADULT_INCOME = (750, 5000)
MAX_FAMILY_LOAD = 5
MAX_APPOINTMENTS = 15  # MINSA's yearly visits per patient, taken as the maximum
MAX_EXPERIENCE = 40


def _count(value: int, name: str, minimum: int) -> int:
    try:
        count = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if count < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {count}")
    return count


def _check_arguments(
    patients: int,
    doctors: int,
    specialties: int,
    min_shifts: int,
    max_shifts: int,
    diagnosed_share: float,
) -> None:
    _count(patients, "patients", 1)
    if _count(doctors, "doctors", 1) < _count(specialties, "specialties", 1):
        raise ValueError(
            f"every specialty needs a doctor: doctors ({doctors}) must be at least "
            f"specialties ({specialties})"
        )
    if _count(max_shifts, "max_shifts", 0) < _count(min_shifts, "min_shifts", 0):
        raise ValueError(f"min_shifts ({min_shifts}) must not exceed max_shifts ({max_shifts})")
    share = float(diagnosed_share)
    if math.isnan(share) or not 0.0 <= share <= 1.0:
        raise ValueError(f"diagnosed_share must be between 0 and 1, got {diagnosed_share!r}")


def _between(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Integers uniform on low..high, both included."""
    return rng.integers(low, high + 1, size=size, dtype=np.int64)


def _income_and_family(rng: np.random.Generator, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monthly income and family load by age band (Table 6.1)."""
    n = len(age)
    minor, elderly = age < ADULT_AGE, age > ELDERLY_AGE
    adult_income = _between(rng, *ADULT_INCOME, n)
    elderly_income = _between(rng, *ELDERLY_INCOME, n)
    income = np.where(minor, MINOR_INCOME, np.where(elderly, elderly_income, adult_income))
    family = np.where(minor | elderly, 0, _between(rng, 0, MAX_FAMILY_LOAD, n))
    return income.astype(np.float64), family.astype(np.int64)


def _doctor_specialties(rng: np.random.Generator, doctors: int, specialties: int) -> np.ndarray:
    """Round robin over a shuffled order of the specialties: each gets a doctor."""
    order = rng.permutation(specialties) + 1
    return order[np.arange(doctors) % specialties].astype(np.int64)


def _diagnoses(
    rng: np.random.Generator,
    specialty: np.ndarray,
    doctor_specialty: np.ndarray,
    diagnosed_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Disease burden and treating doctor: a returning patient has both, a first visit
    has burden 1 and no doctor (-1)."""
    n = len(specialty)
    diagnosed = rng.random(n) < diagnosed_share
    values = np.array(list(DISEASE_BURDEN.values()), dtype=np.float64)
    burden = np.where(diagnosed, values[rng.integers(0, len(values), size=n)], FIRST_VISIT_BURDEN)
    staff = {s: np.flatnonzero(doctor_specialty == s) for s in np.unique(doctor_specialty)}
    counts = np.array([len(staff[s]) for s in specialty])
    pick = rng.integers(0, counts)  # one draw per patient, so the stream is the same length
    chosen = np.array([staff[s][k] for s, k in zip(specialty, pick, strict=True)], dtype=np.int64)
    treating = np.where(diagnosed, chosen, -1)
    return burden.astype(np.float64), treating.astype(np.int64)


def generate_instance(
    patients: int,
    doctors: int,
    specialties: int,
    min_shifts: int,
    max_shifts: int,
    seed: int,
    diagnosed_share: float = 0.5,
) -> Instance:
    """A random instance by the rules of Table 6.1; the same seed gives the same one.

    Shifts per weekday (all seven days) are uniform on ``min_shifts..max_shifts``;
    with probability ``diagnosed_share`` a patient is returning: the burden of a
    uniformly chosen cause of Figure 6.2 and a treating doctor chosen uniformly
    among the doctors of the patient's specialty.
    """
    _check_arguments(patients, doctors, specialties, min_shifts, max_shifts, diagnosed_share)
    rng = np.random.default_rng(seed)
    experience = _between(rng, 0, MAX_EXPERIENCE, doctors)
    doctor_specialty = _doctor_specialties(rng, doctors, specialties)
    shifts = _between(rng, min_shifts, max_shifts, doctors * WEEKDAYS).reshape(doctors, WEEKDAYS)
    age = _between(rng, 0, MAX_AGE, patients)
    income, family_load = _income_and_family(rng, age)
    appointments = _between(rng, 0, MAX_APPOINTMENTS, patients)
    specialty = _between(rng, 1, specialties, patients)
    burden, treating = _diagnoses(rng, specialty, doctor_specialty, diagnosed_share)
    return Instance(
        specialties=specialties,
        doctor_names=tuple(f"Medico{j}" for j in range(doctors)),
        doctor_cmp=tuple(f"M-{j}" for j in range(doctors)),
        experience=experience,
        doctor_specialty=doctor_specialty,
        shifts=shifts,
        patient_names=tuple(f"Paciente{i}" for i in range(patients)),
        age=age,
        family_load=family_load,
        income=income,
        patient_specialty=specialty,
        disease_burden=burden,
        treating=treating,
        appointments=appointments,
    )
