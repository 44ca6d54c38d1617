"""The simulation core of clinicsim.

- ``distributions``: the random distributions a scenario may name.
- ``scenario``: the scenario file model (pydantic), loading, cross-reference checks.
- ``overrides``: dotted ``key=value`` overrides (``--set``).
- ``problems``: what is wrong with an input, as file + dotted path + expectation.
- ``clinic``: the calendar and staffing view of a scenario (who works which day, when).
- ``sampling``: per-replication random streams; every request and outcome drawn up front.
- ``plan``: the ``Plan`` a policy returns (booked day, member, appointment time, order).
- ``engine``: SimPy plays one day of a plan and returns records.
- ``metrics``: records to numbers: per replication, across replications, paired.
- ``runner``: replications of several policies over common random numbers.
- ``store``: writes a run directory atomically.
- ``i18n``: the command line's words in Spanish and English.
- ``cli``: the ``clinicsim`` command line.

The core (everything but ``runner`` and ``cli``) knows nothing of any policy.
"""
