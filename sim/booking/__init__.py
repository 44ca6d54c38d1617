"""The booking process: how requests become appointments over the horizon.

- ``book``: the appointment book (hold, confirm, release, cancel, move; never two
  patients in a slot).
- ``process``: one replication's booking process (real time, end of day, walk-in,
  cancellations, refills, moves), asking a policy's rule for each batch.
- ``metrics``: the numbers of a booking process (time to a slot, slots wasted, refill).

It knows the core and no policy: a policy's booking rule is handed in as a function.
"""
