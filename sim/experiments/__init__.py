"""Experiments: replications of policies over common random numbers, run anywhere.

- ``tasks``: one task (a policy planning and playing one replication), its key.
- ``runner``: the tasks of a run, executed, stored and summarised.
- ``executors``: where tasks run (this process, a process pool, Dask).
- ``store``: the result store (every task computed, kept under its key; the runs).
- ``replications``: ``--reps auto``, until an interval is narrow enough.
- ``sweep``: one experiment on variants of a scenario; ``staffing``: the fewest staff
  that meet a target.
- ``unit_runner``: the same for a day-hospital unit.

The composition layer of the simulation: it finds policies by name in the registry.
"""
