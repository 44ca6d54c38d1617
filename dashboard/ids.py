"""Every component id of the dashboard, in one place, so no id string is typed twice.

Plain ids are strings; the what-if controls use pattern-matching ids built by
the functions at the end (``{"type": ..., "key": <override key>}``).
"""

from __future__ import annotations

# app-wide: the language and navigation
LANG = "lang"  # "es" | "en", kept in the browser's local storage
URL = "url"
LANG_SWITCH = "lang-switch"
NAV = "nav"

# scenario page; its stores are kept in the tab's session storage
SCENARIO_PAGE = "scenario-page"
SCENARIO_LANG = "scenario-lang"  # the page's copy of LANG (see dashboard.context.page_language)
SCENARIO = "scenario"  # the chosen scenario (bundled name or uploaded text)
CHANGES = "changes"  # {override key: value text}, the what-ifs of this tab
SCENARIO_PICK = "scenario-pick"
UPLOAD = "upload"
UPLOAD_MESSAGE = "upload-message"
SCENARIO_TITLE = "scenario-title"
GLANCE = "glance"
CONTROLS = "controls"
CHANGE_LIST = "change-list"
RESET_ALL = "reset-all"
RUN_PANEL = "run-panel"
POLICIES = "policies"
POLICY_HELP = "policy-help"  # what each offered policy does
REPS = "reps"
REPS_MESSAGE = "reps-message"
RUN = "run"
CANCEL = "cancel"
PROGRESS = "progress"
PROGRESS_TEXT = "progress-text"
RUN_MESSAGE = "run-message"
ACTION_BAR = "action-bar"  # Run, Cancel and the progress, kept in view
# the run panel's modes (dashboard.modes): compare policies, vary a value, fewest staff
RUN_MODE = "run-mode"
POLICY_BLOCK = "policy-block"  # the policies and their help (compare and vary)
VARY_FORM = "vary-form"
VARY_KEY = "vary-key"  # the setting varied: a what-if control's key
VARY_VALUES = "vary-values"
VARY_HINT = "vary-hint"
VARY_MESSAGE = "vary-message"
STAFF_FORM = "staff-form"
STAFF_RESOURCE = "staff-resource"
STAFF_WEEKDAY = "staff-weekday"  # "" for every day
STAFF_STATISTIC = "staff-statistic"
STAFF_METRIC = "staff-metric"
STAFF_OPERATOR = "staff-operator"
STAFF_VALUE = "staff-value"
STAFF_UNIT = "staff-unit"
STAFF_LOW = "staff-low"
STAFF_HIGH = "staff-high"
STAFF_POLICY = "staff-policy"
STAFF_MESSAGE = "staff-message"  # what is wrong with the staffing form, field by field
# the scenario page's event log drop (dashboard.pages.scenario_log)
LOG_UPLOAD = "log-upload"
LOG_DROPPED = "log-dropped"  # the browser's check of a dropped file: its contents, or its size
LOG_JOB = "log-job"  # {"log": ID}: a log kept on the server, to be fitted
LOG_FITTED = "log-fitted"  # the fitted scenario's choice, which becomes the tab's base
LOG_MESSAGE = "log-message"
LOG_BUSY = "log-busy"
LOG_PANEL = "log-panel"  # the fit's summary, warnings, download and check link
LOG_DOWNLOAD = "log-download"
LOG_CHECK = "log-check"

# results page
RESULTS_PAGE = "results-page"
RESULTS_LANG = "results-lang"
RUN_REF = "results-run"  # {"run": ID, "variant": NAME | None} the page shows
RESULTS = "results"
HEADLINES = "headlines"  # the headline cards
TARGET_STAY = "target-stay"  # the service level's target stay, in hours
TARGET_MESSAGE = "target-message"
GANTT_POLICY = "gantt-policy"
GANTT_REP = "gantt-rep"
GANTT_DAY = "gantt-day"
GANTT = "gantt"
REPLAY = "replay"  # the animated replay of the Gantt's day
HEATMAP_POLICY = "heatmap-policy"
HEATMAP = "heatmap"
DOWNLOAD_SUMMARY = "download-summary"
DOWNLOAD_PATIENTS = "download-patients"
DOWNLOAD_REPORT = "download-report"
DOWNLOAD = "download"
BOOKING = "booking"  # the booking process's figure of a run that books
UNIT_BLOCK_POLICY = "unit-block-policy"  # a unit run: policy of the per-block figures
UNIT_OCCUPANCY = "unit-occupancy"
UNIT_STUDIES = "unit-studies"
UNIT_TIMETABLE_POLICY = "unit-timetable-policy"
UNIT_TIMETABLE_DAY = "unit-timetable-day"
UNIT_TIMETABLE = "unit-timetable"
UNIT_QUIET = "unit-quiet"  # a unit run: the note that the unit was not congested

# check-fit page (``/check?log=ID``)
CHECK_PAGE = "check-page"
CHECK_LANG = "check-lang"
CHECK_REF = "check-ref"  # {"log": ID, "reps": text} the page checks
CHECK_REPS = "check-reps"
CHECK_REPS_MESSAGE = "check-reps-message"
CHECK_RUN = "check-run"
CHECK_CANCEL = "check-cancel"
CHECK_PROGRESS = "check-progress"
CHECK_PROGRESS_TEXT = "check-progress-text"
CHECK_DONE = "check-done"  # {"log": ID, "reps": N} once checked, or the problems found
CHECK_VIEW = "check-view"

# stored runs page
RUNS_PAGE = "runs-page"
RUN_LIST = "run-list"

# pattern-matching id types
FIELD = "field"
FIELD_MESSAGE = "field-message"
UNDO = "undo"


def field(key: str) -> dict[str, str]:
    """The input of the what-if control for the override ``key``."""
    return {"type": FIELD, "key": key}


def field_message(key: str) -> dict[str, str]:
    """Where the message about that control's value is shown."""
    return {"type": FIELD_MESSAGE, "key": key}


def undo(key: str) -> dict[str, str]:
    """The button that takes back one change."""
    return {"type": UNDO, "key": key}
