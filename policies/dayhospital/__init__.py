"""Block planning of a minimal-care unit (day and week hospital), the document seed 002.

``instance`` (blocks, studies, availability μ, beds, chairs, patients),
``plan`` (itineraries, the capacity left, a plan and its objective (26)),
``heuristics`` (``fifo`` and ``grasp`` admissions), ``mip`` (the document's
model, constraints (1)–(25) and objective (26), in Pyomo with HiGHS).
"""
