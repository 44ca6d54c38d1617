"""Upper bounds of the scenario format (the size checks that use them: ``sim.problems``).

Every size a scenario file can give has a bound here, so a value that validates can
also be run; the bounds come from what one replication holds in memory:

- **patients.** A replication draws every request of the horizon up front and keeps,
  per patient, its outcomes, the plan, one row per step done and one visit row.
  Measured in the process that plays the replication: on the bundled ophthalmology
  scenario (7 steps) about 2.5 kB a patient (517 MB for 120 000 patients), on a
  one-step M/M/1 queue about 1.2 kB (922 MB for 777 000), so about 1 kB a patient
  and 0.22 kB a step of its longest protocol. ``MAX_REPLICATION_BYTES`` = 1.3 GB,
  what a worker of a laptop with a few cores can hold, then allows about 510 000
  patients of seven steps a replication, or a million of one step
  (``horizon.days × demand.requests_per_day``);
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

MAX_SEED = 2**63 - 1
MAX_DAYS = 3_660
MAX_STAFF = 1_000
MAX_DAILY_SLOTS = 1_440
MAX_REQUESTS_PER_DAY = 100_000
MAX_MAGNITUDE = 1e9
MAX_REPLICATION_BYTES = 1.3e9
MAX_KEPT_PATIENTS = 2_000_000
BYTES_PER_PATIENT = 1_000  # measured, see above
BYTES_PER_STEP = 220
BYTES_PER_KEPT_PATIENT = 1_000
