"""The scenario page's event log drop: a clinic's log becomes the tab's base scenario.

Part of the scenario page (``dashboard.pages.scenario`` imports it, which registers these
callbacks with the page's). A dropped file goes through three steps, so that its bytes
cross the network once and no long work holds a request:

1. in the browser (a clientside callback), a file above the size limit is not sent: only
   its name and size go on, to be refused with a message;
2. the server keeps the file beside the result store (``dashboard.eventlogs``) and gives
   the page only its id; the browser's copy is dropped;
3. a background callback reads and fits it while the page shows that it is busy; the
   fitted scenario goes to ``choose_scenario`` (``ids.LOG_FITTED``), which makes it the
   tab's base with a fresh set of changes, as an upload does. A log that cannot be read
   is explained at the drop zone, row and column named, and the base stays.

The fit's panel (summary, warnings, download, the way to the check) is drawn from the
tab's base, so it is there again after a reload and gone once another scenario is
picked.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.eventlog import fit_panel, refused
from dashboard.context import settings
from dashboard.eventlogs import (
    LOG_UPLOAD_LIMIT_BYTES,
    MB,
    find_log,
    fit_report,
    fit_stored,
    keep_dropped,
)
from dashboard.i18n import checked_lang, tr
from dashboard.messages import localise_log_problem
from dashboard.whatif import ScenarioChoice
from sim.problems import ScenarioError

log = logging.getLogger(__name__)

# In the browser: a file above the limit goes on as its name and size only, and the upload
# lets go of its contents (a year's log is tens of megabytes of base64).
clientside_callback(
    f"""function (contents, filename) {{
        const none = window.dash_clientside.no_update;
        if (!contents) {{ return [none, none]; }}
        const data = contents.slice(contents.indexOf(",") + 1);
        const padding = data.endsWith("==") ? 2 : (data.endsWith("=") ? 1 : 0);
        const size = Math.floor(data.length * 3 / 4) - padding;
        const dropped = size > {LOG_UPLOAD_LIMIT_BYTES}
            ? {{filename: filename, size: size}}
            : {{filename: filename, contents: contents}};
        return [dropped, null];
    }}""",
    Output(ids.LOG_DROPPED, "data"),
    Output(ids.LOG_UPLOAD, "contents"),
    Input(ids.LOG_UPLOAD, "contents"),
    State(ids.LOG_UPLOAD, "filename"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.LOG_UPLOAD, "children"),
    Output("t-log-help", "title"),
    Output("t-log-help", "aria-label"),
    Output("t-log-fitting", "children"),
    Input(ids.SCENARIO_LANG, "data"),
)
def drop_zone_text(lang: Any) -> tuple[html.Div, str, str, str]:
    """The drop zone's words in the page's language (the zone's own children: words set
    inside a drop zone before the browser has drawn it can be lost)."""
    lang = checked_lang(lang)
    help_text = tr("help_log", lang)
    words = html.Div(tr("log_drop", lang, limit=LOG_UPLOAD_LIMIT_BYTES // MB), id="t-log-upload")
    return words, help_text, help_text, tr("log_fitting", lang)


@callback(
    Output(ids.LOG_JOB, "data"),
    Output(ids.LOG_MESSAGE, "children"),
    Output(ids.LOG_DROPPED, "data", allow_duplicate=True),
    Input(ids.LOG_DROPPED, "data"),
    State(ids.SCENARIO_LANG, "data"),
    running=[(Output(ids.LOG_BUSY, "hidden"), False, True)],
    prevent_initial_call=True,
)
def receive_log(dropped: Any, lang: Any) -> tuple[Any, Any, Any]:
    """Keep the dropped file on the server and hand its id to the fit; a file that is no
    log (by its suffix) or too large is refused here. The page lets go of the bytes."""
    if not isinstance(dropped, dict) or not dropped.get("filename"):
        return no_update, no_update, no_update
    try:
        wanted = keep_dropped(settings().store_root, dropped)
    except ScenarioError as exc:
        return no_update, refused_log(exc, checked_lang(lang)), None
    return {"log": wanted}, "", None


@callback(
    Output(ids.LOG_FITTED, "data"),
    Output(ids.LOG_MESSAGE, "children", allow_duplicate=True),
    Input(ids.LOG_JOB, "data"),
    State(ids.SCENARIO_LANG, "data"),
    background=True,
    running=[
        (Output(ids.LOG_BUSY, "hidden"), False, True),
        (Output(ids.LOG_UPLOAD, "disabled"), True, False),
    ],
    prevent_initial_call=True,
)
def fit_dropped_log(job: Any, lang: Any) -> tuple[Any, Any]:
    """Read and fit the kept log in this background process; the fitted scenario's choice,
    or why there is none (the base stays)."""
    wanted = job.get("log") if isinstance(job, dict) else None
    stored = find_log(settings().store_root, wanted)
    if stored is None:
        return no_update, no_update
    lang = checked_lang(lang)
    name = tr("fitted_name", lang, file=stored.filename)
    try:
        choice, _report = fit_stored(settings().store_root, stored.id, name)
    except ScenarioError as exc:
        return no_update, refused_log(exc, lang)
    except Exception as exc:  # shown without a traceback; logged in full
        log.exception("fitting a dropped log failed")
        return no_update, refused(tr("fit_failed", lang), [f"{type(exc).__name__}: {exc}"])
    return choice.to_store(), ""


def refused_log(exc: ScenarioError, lang: str) -> html.Div:
    """Why a dropped log cannot be fitted: each of the reader's problems, row and column
    named, in the page's language."""
    lines = [localise_log_problem(p, exc.source, lang) for p in exc.problems]
    return refused(tr("log_refused", lang, name=exc.source), lines)


@callback(
    Output(ids.LOG_PANEL, "children"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
)
def show_fit(stored: Any, lang: Any) -> Any:
    """The fit's panel while the tab's base is a fitted scenario."""
    choice = ScenarioChoice.from_store(stored)
    if choice.log is None:
        return ""
    lang = checked_lang(lang)
    report = fit_report(settings().store_root, choice.log)
    if report is None:
        return html.P(tr("log_gone", lang, file=choice.name), className="note")
    return fit_panel(report, lang)


@callback(
    Output(ids.DOWNLOAD, "data", allow_duplicate=True),
    Input(ids.LOG_DOWNLOAD, "n_clicks"),
    State(ids.SCENARIO, "data"),
    prevent_initial_call=True,
)
def download_fitted(clicks: Any, stored: Any) -> Any:
    """The fitted scenario's file, as the tab holds it (the base, without the what-ifs)."""
    choice = ScenarioChoice.from_store(stored)
    if not clicks or choice.text is None:
        return no_update
    return dcc.send_string(choice.text, choice.name, type="application/yaml")
