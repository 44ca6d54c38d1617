"""A clinic's event log: the door from its own records to a scenario, and back.

``log`` is the log as the rest of clinicsim sees it once read (``EventLog``: visits and
steps in minutes); ``read`` reads and checks a log file (CSV or Parquet), finding its
columns as ``columns`` says (clinicsim's names, mapped ones or the process-mining
conventions) and reading its cells as ``cells`` says; ``write`` writes an ``EventLog``
as such a file; ``export`` makes a run's records an ``EventLog``; ``distfit`` chooses
and fits the distribution of a sample; ``infer`` reads protocols, staff, hours and
demand from a log; ``fit`` assembles a scenario with its provenance; ``practice`` turns
a log's visits into a scenario's patients and plan over the log's days; ``check``
simulates a scenario under the practice a log shows and compares it with what happened.
"""
