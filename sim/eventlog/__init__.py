"""A clinic's event log: the door from its own records to a scenario, and back.

- ``log``: the log as the rest of clinicsim sees it once read (``EventLog``: visits and
  steps, times in minutes after midnight of the visit's date);
- ``columns``, ``cells``, ``read``: a log file (CSV or Parquet) read and checked, in
  clinicsim's column names, mapped ones or the process-mining conventions; ``write``:
  a log written in clinicsim's columns; ``export``: a simulated run's records as a log;
- ``distfit``: a sample's distribution chosen (AIC) and fitted (SciPy), with its test;
- ``structure``: the protocols a log shows (steps, order, waits, optional and assigned
  steps); ``staffing``: staff per weekday, weekdays and hours; ``members``: the members,
  their specialties and daily slots;
- ``fit``: the scenario a log shows, every value with its provenance;
- ``practice``: a log's visits as a scenario's patients (the logged practice);
  ``check``: a scenario simulated under that practice against what the log shows.
"""
