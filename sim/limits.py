"""Upper bounds of the scenario format, and the size check of a run before it starts.

Every size a scenario file can give has a bound here, so a value that validates can
also be run; the bounds come from what one replication holds in memory:

- **patients.** A replication draws every request of the horizon up front and keeps,
  per patient, its outcomes, the plan, one row per step done and one visit row.
  Measured on the bundled ophthalmology scenario (7 steps): about 2.5 kB a patient
  in the process that plays the replication (210 MB for 1 200 patients, 245 MB for
  12 000, 517 MB for 120 000). ``MAX_PATIENTS`` = 500 000 expected requests a
  replication (``horizon.days × demand.requests_per_day``) is then about 1.3 GB, what
  a worker of a laptop with a few cores can hold;
- **kept records.** With ``--out`` or a report every replication's visit and step
  rows are kept until written, about 1 kB a patient; ``MAX_KEPT_PATIENTS`` =
  2 000 000 patient rows over all policies and replications is about 2 GB;
- **one field at a time.** ``MAX_DAYS`` (14 years of working days), ``MAX_STAFF``
  members of one resource (the engine keeps a queue per member and a row per member
  and day), ``MAX_DAILY_SLOTS`` (one patient a minute of a day),
  ``MAX_REQUESTS_PER_DAY``, and ``MAX_MAGNITUDE`` for the parameters of
  distributions: far beyond any clinic, small enough that no sum or square of them
  (the need of ``sim.need``, FS) overflows a float to infinity;
- **seeds** below 2⁶³: the result store indexes them as SQLite INTEGER (signed 64-bit)
  and the tables write them as int64.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sim.problems imports sim.distributions, which reads the bounds here
    from sim.problems import Problem

MAX_SEED = 2**63 - 1
MAX_DAYS = 3_660
MAX_STAFF = 1_000
MAX_DAILY_SLOTS = 1_440
MAX_REQUESTS_PER_DAY = 100_000
MAX_MAGNITUDE = 1e9
MAX_PATIENTS = 500_000
MAX_KEPT_PATIENTS = 2_000_000
BYTES_PER_PATIENT = 2_500  # measured, see above
BYTES_PER_KEPT_PATIENT = 1_000


def _spaced(number: float) -> str:
    return f"{number:,.0f}".replace(",", " ")


def patients_problems(days: int, requests_per_day: float) -> list[Problem]:
    """A replication's expected requests against ``MAX_PATIENTS``, naming both fields."""
    from sim.problems import Problem

    expected = days * requests_per_day
    if expected <= MAX_PATIENTS:
        return []
    memory = expected * BYTES_PER_PATIENT / 1e9
    message = (
        f"horizon.days × demand.requests_per_day = {_spaced(expected)} patients a "
        f"replication (about {memory:.1f} GB in memory); at most {_spaced(MAX_PATIENTS)}: "
        "shorten the horizon or lower the requests a day"
    )
    return [Problem("demand.requests_per_day", message)]


def kept_records_problems(kept: float, tasks: int) -> list[Problem]:
    """The patient rows a run keeps for ``--out`` or a report (the expected patients of
    each of its ``tasks``, a policy's replication, summed) against ``MAX_KEPT_PATIENTS``."""
    from sim.problems import Problem

    if kept <= MAX_KEPT_PATIENTS:
        return []
    memory = kept * BYTES_PER_KEPT_PATIENT / 1e9
    message = (
        f"{tasks} replications × policies keep {_spaced(kept)} expected patient records "
        f"for the run's files (about {memory:.1f} GB); at most {_spaced(MAX_KEPT_PATIENTS)}: "
        "fewer replications or policies, or a smaller horizon.days × "
        "demand.requests_per_day"
    )
    return [Problem("--reps", message)]
