"""The ``clinicsim`` command line, one module per command group.

- ``main``: the parser, ``run``, ``compare``, ``validate``, ``report``, ``dashboard``.
- ``experiments``: sweeps, ``staff`` and ``runs``.
- ``unit``: ``run``/``compare`` on a day-hospital unit.
- ``thesis``: the thesis's ``generate-instance``, ``greedy`` and ``grasp``.
- ``argtypes``: argument types with clear messages.
- ``interrupted``: what an interrupted command takes back (its new outputs).
"""
