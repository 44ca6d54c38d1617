"""clinicsim's simulation: the engine core here, and one sub-package per role.

The core (imports nothing of the packages below, nor ``policies`` or ``dashboard``):

- ``scenario``: the scenario file model (pydantic), loading, cross-reference checks.
- ``labels``: the words shown for a scenario's steps, resources, classes (``display_name``).
- ``distributions``: the random distributions a scenario may name.
- ``overrides``: dotted ``key=value`` overrides (``--set``).
- ``problems``: what is wrong with an input, as file + dotted path + expectation.
- ``clinic``: the calendar and staffing view of a scenario (who works which day, when).
- ``sampling``: per-replication random streams; every request and outcome drawn up front.
- ``plan``: the ``Plan`` a policy returns (booked day, member, appointment time, order).
- ``slotbook``: the slot book and booking batch that policies and the booking process share.
- ``need``: a patient's need (the thesis's FOP inputs).
- ``engine``: SimPy plays one day of a plan and returns records.
- ``metrics``: records to numbers: per replication, across replications, paired.
- ``files``: writing a file atomically.
- ``interrupts``: Ctrl-C at a safe moment (held over short writes, ignored by workers).

The rooms above it:

- ``booking``: the appointment book, the booking process, its metrics.
- ``unit``: the day-hospital model (scenario, planning instance, plan, demand, engine).
- ``experiments``: tasks, runners, executors, the result store, sweeps, staffing search.
- ``outputs``: run directories, HTML reports, figures, formatting, the metric catalogue, i18n.
- ``cli``: the ``clinicsim`` command line, one module per command group.

Imports point one way (checked by ``lint-imports`` in ``make test``):
cli → dashboard → outputs → experiments → policies → booking, unit → core.
"""
