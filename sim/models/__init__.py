"""One facade per model, with the same verbs, so that the command line and the dashboard
ask "which model?" once and then speak to either the same way.

- ``contract``: the verbs every model offers (load, validate, run, write, read, report).
- ``clinic``: the outpatient clinic (``sim`` core, ``sim.experiments.runner``, run dirs).
- ``unit``: the day-hospital unit planned in blocks (``sim.unit``, its runner and run dirs).
- ``which``: the one place that decides which model a file, mapping or run directory is.
- ``names``: a run's display names (its policies by the words of its model's registry).
"""

from sim.models.contract import Model
from sim.models.which import model_of_mapping, model_of_run, model_of_scenario, model_of_source

__all__ = ["Model", "model_of_mapping", "model_of_run", "model_of_scenario", "model_of_source"]
