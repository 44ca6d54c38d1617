"""GRASP with double relaxation for booking patients with doctors (the thesis, seed 003).

``instance`` (the problem's data), ``textformat`` (its text files),
``generator`` (chapter 6's instance generator), ``goodness`` (FOP, FOM, FS),
``reference`` (greedy and GRASP written plainly), ``fast`` (GRASP vectorised
across iterations), ``booking`` (a solution and its summary).
"""
