"""The day-hospital model (document seed 002): admissions planned in half-day blocks.

- ``scenario``: the unit's scenario file model and loading.
- ``instance``: the block-planning problem as plain data, and a scenario as one.
- ``plan``: admission plans (itineraries, the capacity they use, objective (26)).
- ``demand``: a replication's waiting list (fixed, plus sampled patients).
- ``engine``: one replication of a plan under uncertainty, as records and numbers.
- ``document``: the document's own case (Table 3); ``generator``: larger random lists.

The planners themselves (fifo, GRASP, the MIP) are decisions: ``policies.dayhospital``.
"""
