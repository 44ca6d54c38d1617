"""What a run shows people and leaves on disk.

- ``catalogue``: every metric's name, unit, labels, order and how it is shown.
- ``rundir``, ``unit_rundir``: a run directory, written atomically and read back.
- ``report``, ``unit_report``: the one-page HTML reports.
- ``figures``, ``unit_figures``: Plotly figures, pure functions of a run's tables.
- ``formatting``: numbers as people read them (hours, intervals, comparison rows).
- ``i18n``: the words in Spanish and English.
- ``names``: a run's ids by the words people read (policies, steps, resources).
"""
