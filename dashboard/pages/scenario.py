"""The scenario page: pick, upload or fit a scenario, change it, and run it.

The tab's scenario (``ids.SCENARIO``) and changes (``ids.CHANGES``) live in
the browser's session storage; every panel here is drawn from them and the
language, so switching language or coming back to the page shows the same
what-ifs. The Run button starts a background job (``dashboard.runs``) that
reports its progress and can be cancelled; when it is done the tab goes to the
run's results. What Run asks depends on the run panel's mode (``dashboard.modes``;
the forms' callbacks are ``dashboard.pages.scenario_modes``'): compare the policies,
vary one setting over several values, or find the fewest staff that meet a target; a
form whose values cannot be run says so at its fields and starts nothing. A clinic's
event log dropped on the page is fitted into the tab's base scenario
(``dashboard.pages.scenario_log``), with its check one click away.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.components.controls import change_list, controls_panel, field_class
from dashboard.components.eventlog import log_drop_zone
from dashboard.components.glance import clinic_glance
from dashboard.components.help import help_marker
from dashboard.components.modes import (
    FORM_HELPS,
    FORM_LABELS,
    mode_selector,
    staff_form,
    vary_form,
)
from dashboard.components.unit import unit_glance
from dashboard.context import page_language
from dashboard.i18n import DEFAULT_LANG, checked_lang, tr
from dashboard.messages import localise_problem
from dashboard.modes import MIN_STAFF_REPS, STAFF_FIELDS, changes_of, policy_choices_of
from dashboard.pages import scenario_log  # noqa: F401  (registers the log drop's callbacks)
from dashboard.pages.scenario_modes import STAFF_IDS, Form, SetProgress, mode_in_use
from dashboard.policy_offer import clinic_specs, policy_help_list, policy_options
from dashboard.runs import MAX_REPS, check_reps, run_id
from dashboard.whatif import (
    UPLOAD_LIMIT_BYTES,
    Control,
    Evaluation,
    ScenarioChoice,
    base_scenario,
    evaluate,
    read_upload,
    same_value,
    scenario_options,
    shown_value,
)
from policies import REGISTRY
from sim.experiments.runner import TaskFailures
from sim.models import model_of_scenario
from sim.problems import ScenarioError
from sim.scenario import Scenario
from sim.unit.scenario import UnitScenario

BOOKING_DEFAULT_POLICIES = ["fifo@walk_in", "fifo@realtime", "grasp@end_of_day"]
DEFAULT_POLICIES = ["fifo", "mip"]
DEFAULT_REPS = 10
LABELS = {  # static text of the page: element id → phrase
    "t-scenario": "scenario",
    "t-bundled": "bundled",
    "t-whatif": "whatif",
    "t-glance": "glance",
    "t-changes": "changes",
    "t-run-title": "run_title",
    "t-policies": "policies_label",
    "t-policy-help": "policy_help_label",
    "t-reps": "reps_label",
    ids.RESET_ALL: "reset_all",
    ids.RUN: "run",
    ids.CANCEL: "cancel",
    **FORM_LABELS,
}
log = logging.getLogger(__name__)


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.SCENARIO_LANG),
            dcc.Store(id=ids.SCENARIO, storage_type="session"),
            dcc.Store(id=ids.CHANGES, storage_type="session", data={}),
            html.Section(
                [
                    html.H2(id="t-scenario"),
                    html.Label(id="t-bundled", htmlFor=ids.SCENARIO_PICK),
                    dcc.Dropdown(
                        id=ids.SCENARIO_PICK,
                        options=scenario_options(),
                        clearable=False,
                        className="pick",
                    ),
                    dcc.Upload(id=ids.UPLOAD, className="upload", children=html.Div(id="t-upload")),
                    html.Div(id=ids.UPLOAD_MESSAGE, className="upload-message"),
                    log_drop_zone(),
                    html.P(id=ids.SCENARIO_TITLE, className="meta"),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.Section(
                        [html.H2(id="t-whatif"), html.Div(id=ids.CONTROLS)], className="panel"
                    ),
                    html.Section(
                        [html.H2(id="t-glance"), html.Div(id=ids.GLANCE)], className="panel"
                    ),
                ],
                className="columns",
            ),
            html.Section(
                [
                    html.H2(id="t-changes"),
                    html.Div(id=ids.CHANGE_LIST),
                    html.Button(id=ids.RESET_ALL, n_clicks=0),
                ],
                className="panel",
            ),
            _run_panel(),
            _action_bar(),
        ],
        id=ids.SCENARIO_PAGE,
    )


dash.register_page(__name__, path="/", name="scenario", title="clinicsim", layout=layout)
page_language(ids.SCENARIO_LANG)


def _run_panel() -> html.Section:
    return html.Section(
        [
            html.H2(id="t-run-title"),
            mode_selector(),
            html.Div(
                [
                    html.Label(
                        [html.Span(id="t-policies"), " ", help_marker("", "t-policies-help")]
                    ),
                    dcc.Checklist(
                        id=ids.POLICIES,
                        # by their names from the start (the callback redraws them in the
                        # page's language), never a flash of codes
                        options=policy_options(
                            clinic_specs(REGISTRY, books=False), REGISTRY, DEFAULT_LANG
                        ),
                        value=DEFAULT_POLICIES,
                        inline=True,
                        persistence=True,
                        persistence_type="session",
                    ),
                    html.Details([html.Summary(id="t-policy-help"), html.Div(id=ids.POLICY_HELP)]),
                ],
                id=ids.POLICY_BLOCK,
            ),
            vary_form(),
            staff_form(),
            html.Label(
                [html.Span(id="t-reps"), " ", help_marker("", "t-reps-help")], htmlFor=ids.REPS
            ),
            dcc.Input(
                id=ids.REPS,
                value=str(DEFAULT_REPS),
                type="text",
                size="4",
                persistence=True,
                persistence_type="session",
            ),
            html.Div(id=ids.REPS_MESSAGE, className="message"),
        ],
        className="panel",
        id=ids.RUN_PANEL,
    )


def _action_bar() -> html.Div:
    """Run and Cancel, the progress and the run's message: kept in view at the bottom of
    the window however far down the page the manager is."""
    return html.Div(
        [
            html.Button(id=ids.RUN, n_clicks=0, className="primary"),
            html.Button(id=ids.CANCEL, n_clicks=0, disabled=True),
            html.Progress(id=ids.PROGRESS, value="0", max="1"),
            html.Span(id=ids.PROGRESS_TEXT, className="meta"),
            html.Div(id=ids.RUN_MESSAGE, className="run-message"),
        ],
        className="action-bar",
        id=ids.ACTION_BAR,
    )


# ---------------------------------------------------------------- text


HELPS = {  # marker → phrase
    "t-policies-help": "help_policies",
    "t-reps-help": "help_reps",
    **FORM_HELPS,
}


@callback(
    [Output(key, "children") for key in LABELS],
    Output(ids.UPLOAD, "children"),
    [Output(key, prop) for key in HELPS for prop in ("title", "aria-label")],
    Input(ids.SCENARIO_LANG, "data"),
)
def page_text(lang: Any) -> list[Any]:
    """The page's words in its language. The upload's words are the drop zone's own
    children: words set inside a drop zone (a component Dash loads on demand) before the
    browser has drawn it can be lost."""
    lang = checked_lang(lang)
    helps = [tr(phrase, lang) for phrase in HELPS.values() for _prop in ("title", "aria-label")]
    return [
        *[tr(phrase, lang) for phrase in LABELS.values()],
        html.Div(tr("upload", lang, limit=UPLOAD_LIMIT_BYTES // 1024), id="t-upload"),
        *helps,
    ]


# ---------------------------------------------------------------- the scenario


@callback(
    Output(ids.SCENARIO, "data"),
    Output(ids.SCENARIO_PICK, "value"),
    Output(ids.CHANGES, "data", allow_duplicate=True),
    Output(ids.UPLOAD_MESSAGE, "children"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_PICK, "value"),
    Input(ids.UPLOAD, "contents"),
    Input(ids.LOG_FITTED, "data"),
    State(ids.UPLOAD, "filename"),
    State(ids.SCENARIO_LANG, "data"),
    prevent_initial_call="initial_duplicate",
)
def choose_scenario(
    stored: Any, picked: Any, contents: Any, fitted: Any, filename: Any, lang: Any
) -> tuple[Any, Any, Any, Any]:
    """Picking a bundled scenario, uploading a valid file or fitting a dropped log starts
    a fresh set of changes; a refused upload is explained beside the upload and changes
    nothing (a refused log is explained beside the log's drop zone)."""
    lang = checked_lang(lang)
    current = ScenarioChoice.from_store(stored)
    if ctx.triggered_id == ids.UPLOAD and contents:
        return _uploaded(str(filename or "scenario.yaml"), str(contents), lang)
    if ctx.triggered_id == ids.LOG_FITTED and fitted:
        return ScenarioChoice.from_store(fitted).to_store(), None, {}, ""
    if ctx.triggered_id == ids.SCENARIO_PICK and picked and picked != current.name:
        return ScenarioChoice(str(picked)).to_store(), no_update, {}, ""
    shown = current.name if current.text is None else None
    uploaded = current.text is not None and current.log is None
    message = tr("uploaded", lang, name=current.name) if uploaded else ""
    store = current.to_store() if stored != current.to_store() else no_update
    return store, shown, no_update, message


def _uploaded(filename: str, contents: str, lang: str) -> tuple[Any, Any, Any, Any]:
    try:
        content = base64.b64decode(contents.partition(",")[2], validate=True)
        choice = read_upload(filename, content)
    except (binascii.Error, ValueError):
        return no_update, no_update, no_update, _refused(filename, ["not a file upload"], lang)
    except ScenarioError as exc:
        lines = [localise_problem(p, exc.source, lang) for p in exc.problems]
        return no_update, no_update, no_update, _refused(filename, lines, lang)
    return choice.to_store(), None, {}, tr("uploaded", lang, name=filename)


def _refused(filename: str, lines: list[str], lang: str) -> html.Div:
    return html.Div(
        [html.P(tr("upload_refused", lang, name=filename)), html.Ul([html.Li(x) for x in lines])],
        className="message",
    )


@callback(
    Output(ids.CONTROLS, "children"),
    Output(ids.SCENARIO_TITLE, "children"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.CHANGES, "data"),
)
def draw_controls(stored: Any, lang: Any, changes: Any) -> tuple[Any, str]:
    tab = Tab.of(stored, changes, lang)
    base = tab.base
    panel = controls_panel(base, tab.controls, tab.changes, tab.evaluation.messages, tab.lang)
    return panel, f"{base.name} — {base.description}".strip(" —")


@callback(
    Output(ids.CHANGES, "data"),
    Output({"type": ids.FIELD_MESSAGE, "key": ALL}, "children"),
    Output({"type": ids.FIELD, "key": ALL}, "className"),
    Input({"type": ids.FIELD, "key": ALL}, "value"),
    State({"type": ids.FIELD, "key": ALL}, "id"),
    State(ids.SCENARIO, "data"),
    State(ids.CHANGES, "data"),
    State(ids.SCENARIO_LANG, "data"),
    prevent_initial_call=True,
)
def record_changes(
    values: list[Any], field_ids: list[dict[str, str]], stored: Any, changes: Any, lang: Any
) -> tuple[Any, list[str], list[str]]:
    """The tab's changes are the fields whose value differs from the base scenario;
    each field shows what is wrong with its value, if anything, and is marked changed
    or invalid."""
    lang = checked_lang(lang)
    choice = ScenarioChoice.from_store(stored)
    controls = {c.key: c for c in choice.controls()}
    typed = {f["key"]: "" if v is None else str(v) for f, v in zip(field_ids, values, strict=True)}
    old = changes_of(changes)
    new = {
        key: text
        for key, text in {**old, **typed}.items()
        if key in controls and not same_value(controls[key].kind, text, controls[key].base)
    }
    messages = evaluate(choice, new, lang).messages
    keys = [f["key"] for f in field_ids]
    return (
        new if new != old else no_update,
        [messages.get(key, "") for key in keys],
        [field_class(key in new, key in messages) for key in keys],
    )


@callback(
    Output({"type": ids.FIELD, "key": ALL}, "value"),
    Input({"type": ids.UNDO, "key": ALL}, "n_clicks"),
    Input(ids.RESET_ALL, "n_clicks"),
    State({"type": ids.FIELD, "key": ALL}, "id"),
    State(ids.SCENARIO, "data"),
    State(ids.SCENARIO_LANG, "data"),
    prevent_initial_call=True,
)
def undo(
    undo_clicks: list[Any],
    reset_clicks: Any,
    field_ids: list[dict[str, str]],
    stored: Any,
    lang: Any,
) -> list[Any]:
    """Undo one change (its button) or all: the fields go back to the base values."""
    trigger = ctx.triggered_id
    if trigger is None or not any(t.get("value") for t in ctx.triggered):
        return [no_update] * len(field_ids)  # buttons drawn, not clicked
    lang = checked_lang(lang)
    controls = ScenarioChoice.from_store(stored).controls()
    bases = {c.key: shown_value(c, lang) for c in controls}
    wanted = None if trigger == ids.RESET_ALL else trigger["key"]
    return [
        bases.get(f["key"], no_update) if wanted in (None, f["key"]) else no_update
        for f in field_ids
    ]


@callback(
    Output(ids.CHANGE_LIST, "children"),
    Output(ids.GLANCE, "children"),
    Input(ids.CHANGES, "data"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
)
def show_changes(changes: Any, stored: Any, lang: Any) -> tuple[Any, Any]:
    """The list of changes, and the clinic as the changes make it."""
    tab = Tab.of(stored, changes, lang)
    listed = change_list(tab.controls, tab.changes, tab.evaluation, tab.base, tab.lang)
    shown = tab.evaluation.scenario or tab.base
    if isinstance(shown, UnitScenario):
        return listed, unit_glance(shown, tab.lang)
    return listed, clinic_glance(shown, tab.lang)


@dataclass(frozen=True)
class Tab:
    """What a tab holds (its scenario and changes, in its language) and what follows."""

    lang: str
    choice: ScenarioChoice
    changes: dict[str, str]
    evaluation: Evaluation

    @classmethod
    def of(cls, stored: Any, changes: Any, lang: Any) -> Tab:
        lang = checked_lang(lang)
        choice = ScenarioChoice.from_store(stored)
        changes = changes_of(changes)
        return cls(lang, choice, changes, evaluate(choice, changes, lang))

    @property
    def base(self) -> Scenario | UnitScenario:
        return base_scenario(self.choice)

    @property
    def controls(self) -> list[Control]:
        return self.choice.controls()


# ---------------------------------------------------------------- running


@callback(
    Output(ids.POLICIES, "options"),
    Output(ids.POLICIES, "value"),
    Output(ids.POLICY_HELP, "children"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.POLICIES, "value"),
)
def offer_policies(
    stored: Any, lang: Any, picked: Any
) -> tuple[list[dict[str, Any]], list[str], html.Ul]:
    """The policies of the tab's kind of scenario, each with its title, and what each
    does, in the page's language; those picked that still apply stay."""
    choice = ScenarioChoice.from_store(stored)
    choices = policy_choices_of(choice)
    registry = model_of_scenario(base_scenario(choice)).registry
    kept = [p for p in (picked or []) if p in choices]
    defaults = [p for p in [*DEFAULT_POLICIES, *BOOKING_DEFAULT_POLICIES] if p in choices]
    lang = checked_lang(lang)
    help_list = policy_help_list(choices, registry, lang)
    return policy_options(choices, registry, lang), kept or defaults, help_list


@callback(
    Output(ids.REPS_MESSAGE, "children"),
    Input(ids.REPS, "value"),
    Input(ids.RUN_MODE, "value"),
    Input(ids.SCENARIO_LANG, "data"),
)
def check_replications(reps: Any, mode: Any, lang: Any) -> str:
    lang = checked_lang(lang)
    count = check_reps(reps)
    if count is None:
        return tr("expect_reps", lang, most=MAX_REPS)
    if mode == "staff" and count < MIN_STAFF_REPS:
        return tr("expect_staff_reps", lang)
    return ""


@callback(
    Output(ids.URL, "href"),
    Output(ids.RUN_MESSAGE, "children"),
    Input(ids.RUN, "n_clicks"),
    State(ids.SCENARIO, "data"),
    State(ids.CHANGES, "data"),
    State(ids.POLICIES, "value"),
    State(ids.REPS, "value"),
    State(ids.SCENARIO_LANG, "data"),
    State(ids.RUN_MODE, "value"),
    State(ids.VARY_KEY, "value"),
    State(ids.VARY_VALUES, "value"),
    [State(STAFF_IDS[field], "value") for field in STAFF_FIELDS],
    background=True,
    # Cancel is enabled by the job's first progress, not as the request leaves: only
    # then does the page know the job, so that a click can stop it (Dash sends the
    # cancel for the jobs it knows); the default disables it again when the job ends.
    progress=[
        Output(ids.PROGRESS, "value"),
        Output(ids.PROGRESS, "max"),
        Output(ids.PROGRESS_TEXT, "children"),
        Output(ids.CANCEL, "disabled"),
    ],
    running=[(Output(ids.RUN, "disabled"), True, False)],
    cancel=[Input(ids.CANCEL, "n_clicks")],
    progress_default=["0", "1", "", True],
    interval=500,
    prevent_initial_call=True,
)
def run(
    set_progress: SetProgress,
    clicks: Any,
    stored: Any,
    changes: Any,
    policies: Any,
    reps_text: Any,
    lang: Any,
    mode: Any,
    vary_key: Any,
    vary_values: Any,
    *staff_values: Any,
) -> tuple[Any, Any]:
    """Run what the panel's mode asks in this background process; on success go to its
    results. A form that cannot be run is refused before anything starts."""
    if not clicks:  # the button was drawn (a page's inputs fire when it is inserted)
        return no_update, no_update
    lang = checked_lang(lang)
    choice = ScenarioChoice.from_store(stored)
    form = Form(
        choice,
        changes_of(changes),
        mode_in_use(choice, mode),
        [p for p in policy_choices_of(choice) if p in (policies or [])],
        check_reps(reps_text),
        vary_key,
        vary_values,
        dict(zip(STAFF_FIELDS, staff_values, strict=True)),
        lang,
    )
    job = form.job(set_progress)
    if isinstance(job, str):
        return no_update, job
    set_progress(("0", "1", tr("starting", lang), False))
    try:
        folder = job()
    except ScenarioError as exc:  # PolicyError too
        lines = [localise_problem(p, exc.source, lang) for p in exc.problems]
        return no_update, _failure(lines, lang)
    except TaskFailures as exc:
        return no_update, _failure([f"{f.task}: {f.error}" for f in exc.failures][:5], lang)
    except Exception as exc:  # shown to the user without a traceback; logged in full
        log.exception("dashboard run failed")
        return no_update, _failure([f"{type(exc).__name__}: {exc}"], lang)
    return f"/results?run={run_id(folder)}", tr("run_done", lang, run=folder.name)


def _failure(lines: list[str], lang: str) -> html.Div:
    return html.Div(
        [html.P(tr("run_failed", lang)), html.Ul([html.Li(x) for x in lines])], className="message"
    )


@callback(
    Output(ids.RUN_MESSAGE, "children", allow_duplicate=True),
    Input(ids.CANCEL, "n_clicks"),
    State(ids.SCENARIO_LANG, "data"),
    prevent_initial_call=True,
)
def cancelled(clicks: Any, lang: Any) -> Any:
    """Say the run was cancelled only when it was: the page sends a click on Cancel with
    the jobs it cancels (``cancelJob``), and none when no run was known to it."""
    if not clicks or not cancelled_jobs():
        return no_update
    return tr("cancelled_run", checked_lang(lang))


def cancelled_jobs() -> list[str]:
    """The background jobs this request cancels (Dash's own ``cancel`` callback kills
    them)."""
    args = ctx.args
    return list(args.getlist("cancelJob")) if args else []


@callback(
    Output(ids.RUN_MESSAGE, "children", allow_duplicate=True),
    Input(ids.RUN, "n_clicks"),
    prevent_initial_call=True,
)
def clear_message(clicks: Any) -> Any:
    """A new run clears what the last one said (its refusal, its cancellation)."""
    return "" if clicks else no_update
