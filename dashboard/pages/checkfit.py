"""The check-fit page (``/check?log=ID``): the fitted scenario against the dropped log.

Opened from the scenario page's "Check the fit" once a log was fitted (``ID`` names a
log kept by ``dashboard.eventlogs``, never a path). On arrival it checks, in a background
callback with its progress and a Cancel button, the scenario as the fit gave it (not the
tab's what-ifs: the page says so) against the log with the replications of the page's
field (``&reps=N`` in the address, else ``sim.eventlog.check.DEFAULT_REPS``); a check
already made with as many replications is read back, not simulated again. It shows the
verdict, the table of figures (observed, simulated mean, interval, agrees or differs)
and the observed against simulated distributions, with the check-fit page's words and
figures (``dashboard.components.eventlog``), in the page's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.eventlog import check_view, refused
from dashboard.components.help import help_marker
from dashboard.context import page_language, settings
from dashboard.eventlogs import (
    StoredLog,
    check_replications,
    check_stored,
    find_log,
    fitted_scenario,
    kept_check,
)
from dashboard.i18n import checked_lang, tr
from dashboard.messages import localise_problem
from dashboard.pages.scenario import cancelled_jobs
from dashboard.runs import MAX_REPS
from sim.eventlog.check import DEFAULT_REPS, MIN_REPS, CheckResult
from sim.outputs.names import Names
from sim.problems import Problem, ScenarioError

SetProgress = Callable[[tuple[str, str, str, bool]], None]  # value, max, text, no cancel
LABELS = {  # static text of the page: element id → phrase
    "t-check-note": "check_base_note",
    "t-back": "back_to_scenario",
    "t-check-reps": "check_reps",
    ids.CHECK_RUN: "check_run",
    ids.CHECK_CANCEL: "cancel",
}
log = logging.getLogger(__name__)


def layout(log: str | None = None, reps: str | None = None, **_query: Any) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.CHECK_LANG),
            dcc.Store(id=ids.CHECK_REF, data={"log": log}),
            dcc.Store(id=ids.CHECK_DONE),
            html.Section(
                [
                    html.H2(id="t-check-title"),
                    html.P(id="t-check-note", className="note"),
                    html.Div(
                        [
                            html.Label(
                                [html.Span(id="t-check-reps"), " ", help_marker("", "t-reps")],
                                htmlFor=ids.CHECK_REPS,
                            ),
                            dcc.Input(
                                id=ids.CHECK_REPS,
                                value=str(reps or DEFAULT_REPS),
                                type="text",
                                size="4",
                            ),
                            html.Button(id=ids.CHECK_RUN, n_clicks=0, className="primary"),
                            html.Button(id=ids.CHECK_CANCEL, n_clicks=0, disabled=True),
                            html.Progress(id=ids.CHECK_PROGRESS, value="0", max="1"),
                            html.Span(id=ids.CHECK_PROGRESS_TEXT, className="meta"),
                        ],
                        className="buttons check-form",
                    ),
                    html.Div(id=ids.CHECK_REPS_MESSAGE, className="message"),
                    dcc.Link(id="t-back", href="/"),
                ],
                className="panel",
            ),
            html.Section(html.Div(id=ids.CHECK_VIEW), className="panel"),
        ],
        id=ids.CHECK_PAGE,
    )


dash.register_page(__name__, path="/check", name="check", title="clinicsim", layout=layout)
page_language(ids.CHECK_LANG)


@callback(
    [Output(key, "children") for key in LABELS],
    Output("t-check-title", "children"),
    Output("t-reps", "title"),
    Output("t-reps", "aria-label"),
    Input(ids.CHECK_LANG, "data"),
    Input(ids.CHECK_REF, "data"),
)
def page_text(lang: Any, ref: Any) -> list[str]:
    lang = checked_lang(lang)
    help_text = tr("help_check_reps", lang, low=MIN_REPS, high=MAX_REPS)
    return [
        *[tr(phrase, lang) for phrase in LABELS.values()],
        _title(ref, lang),
        help_text,
        help_text,
    ]


def _title(ref: Any, lang: str) -> str:
    stored = find_log(settings().store_root, _log_of(ref))
    if stored is None:
        return tr("check_fit", lang)
    try:
        scenario = fitted_scenario(stored).name
    except ScenarioError:
        scenario = stored.fitted_name()
    return tr("check_title", lang, scenario=scenario, log=stored.filename)


def _log_of(ref: Any) -> Any:
    return ref.get("log") if isinstance(ref, dict) else None


@callback(
    Output(ids.CHECK_REPS_MESSAGE, "children"),
    Input(ids.CHECK_REPS, "value"),
    Input(ids.CHECK_LANG, "data"),
)
def check_reps_field(reps: Any, lang: Any) -> str:
    if check_replications(reps) is not None:
        return ""
    return tr("expect_check_reps", checked_lang(lang), low=MIN_REPS, high=MAX_REPS)


@callback(
    Output(ids.CHECK_DONE, "data"),
    Input(ids.CHECK_REF, "data"),
    Input(ids.CHECK_RUN, "n_clicks"),
    State(ids.CHECK_REPS, "value"),
    State(ids.CHECK_LANG, "data"),
    background=True,
    progress=[
        Output(ids.CHECK_PROGRESS, "value"),
        Output(ids.CHECK_PROGRESS, "max"),
        Output(ids.CHECK_PROGRESS_TEXT, "children"),
        Output(ids.CHECK_CANCEL, "disabled"),
    ],
    running=[(Output(ids.CHECK_RUN, "disabled"), True, False)],
    cancel=[Input(ids.CHECK_CANCEL, "n_clicks")],
    progress_default=["0", "1", "", True],
    interval=500,
)
def run_check(set_progress: SetProgress, ref: Any, clicks: Any, reps_text: Any, lang: Any) -> Any:
    """Check the fitted scenario against its log in this background process (at once on
    arrival, again on "Check again"); what to show: the log and replications checked, or
    the problems met. Replications that cannot be used start nothing (their field says
    why)."""
    wanted = _log_of(ref)
    if find_log(settings().store_root, wanted) is None:
        return {"log": None}
    reps = check_replications(reps_text)
    if reps is None:
        return no_update
    lang = checked_lang(lang)
    set_progress(("0", str(reps), tr("check_starting", lang), False))

    def progress(done: int, total: int) -> None:
        text = tr("check_progress", lang, done=done, total=total)
        set_progress((str(done), str(total), text, False))

    try:
        check_stored(settings().store_root, wanted, reps, progress)
    except ScenarioError as exc:
        problems = [[p.path, p.message] for p in exc.problems]
        return {"log": wanted, "reps": reps, "source": exc.source, "problems": problems}
    except Exception as exc:  # shown without a traceback; logged in full
        log.exception("checking a dropped log's fit failed")
        problems = [["", f"{type(exc).__name__}: {exc}"]]
        return {"log": wanted, "reps": reps, "source": "check-fit", "problems": problems}
    return {"log": wanted, "reps": reps}


@callback(
    Output(ids.CHECK_VIEW, "children"),
    Input(ids.CHECK_DONE, "data"),
    Input(ids.CHECK_LANG, "data"),
)
def show_check(done: Any, lang: Any) -> Any:
    """The check's verdict, table and distributions once it is done."""
    lang = checked_lang(lang)
    if not isinstance(done, dict):
        return ""
    if not done.get("log"):
        return html.P(tr("check_no_log", lang), className="note")
    source = str(done.get("source", ""))
    if done.get("problems"):
        lines = [localise_problem(Problem(*p), source, lang) for p in done["problems"]]
        return refused(tr("check_failed", lang), lines)
    stored = find_log(settings().store_root, done["log"])
    result = None if stored is None else _kept(stored, int(done["reps"]))
    if stored is None or result is None:
        return html.P(tr("check_no_log", lang), className="note")
    return check_view(result, lang, Names.of(fitted_scenario(stored), lang))


def _kept(stored: StoredLog, reps: int) -> CheckResult | None:
    """A kept check, read once per fit of the log (a year's samples are large)."""
    try:
        stamp = stored.scenario_path.stat().st_mtime
    except OSError:
        return None
    return _kept_of_fit(stored.id, reps, stamp)


@lru_cache(maxsize=2)
def _kept_of_fit(wanted: str, reps: int, stamp: float) -> CheckResult | None:
    return kept_check(settings().store_root, wanted, reps)


@callback(
    Output(ids.CHECK_VIEW, "children", allow_duplicate=True),
    Input(ids.CHECK_CANCEL, "n_clicks"),
    State(ids.CHECK_LANG, "data"),
    prevent_initial_call=True,
)
def cancelled(clicks: Any, lang: Any) -> Any:
    """Say the check was cancelled, when the click cancelled one."""
    if not clicks or not cancelled_jobs():
        return no_update
    return html.P(tr("check_cancelled", checked_lang(lang)), className="note")
