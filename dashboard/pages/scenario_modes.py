"""The scenario page's run panel modes: the callbacks of their forms, and what Run is given.

Part of the scenario page (``dashboard.pages.scenario`` imports it, which registers these
callbacks with the page's): the mode selector shows the form of the mode picked (a
unit's scenario compares policies only); each form offers the tab's scenario's choices
in the page's language, suggests values (a count's neighbours, a resource's range of
staff) and says at each field what is wrong; ``Form`` turns what Run is given into
the job to start (``dashboard.runs``) or the reason none starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Input, Output, State, callback, no_update

from dashboard import ids
from dashboard.components.controls import field_class
from dashboard.components.modes import (
    STAFF_MESSAGES,
    metric_options,
    mode_options,
    operator_options,
    resource_options,
    setting_options,
    staff_message_id,
    statistic_options,
    target_unit,
    weekday_options,
)
from dashboard.context import settings
from dashboard.i18n import checked_lang, tr
from dashboard.modes import (
    STAFF_FIELDS,
    busiest_resource,
    changes_of,
    check_staffing,
    check_values,
    default_range,
    mode_of,
    other_changes,
    policy_choices_of,
    values_hint,
)
from dashboard.policy_offer import policy_options
from dashboard.runs import MAX_REPS, run_staffing, run_variants, run_whatif
from dashboard.whatif import ScenarioChoice, base_scenario, evaluate
from sim.labels import display_name
from sim.models import model_of_scenario
from sim.scenario import Scenario

STAFF_IDS = {  # the staffing form's fields (dashboard.modes.STAFF_FIELDS) → their ids
    "resource": ids.STAFF_RESOURCE,
    "weekday": ids.STAFF_WEEKDAY,
    "statistic": ids.STAFF_STATISTIC,
    "metric": ids.STAFF_METRIC,
    "operator": ids.STAFF_OPERATOR,
    "value": ids.STAFF_VALUE,
    "low": ids.STAFF_LOW,
    "high": ids.STAFF_HIGH,
    "policy": ids.STAFF_POLICY,
}
DEFAULT_TARGET = ("p90", "wait", "<=", "30")  # 9 in 10 patients wait at most 30 min
SetProgress = Callable[[tuple[str, str, str, bool]], None]  # value, max, text, no cancel


def mode_in_use(choice: ScenarioChoice, mode: Any) -> str:
    """The mode picked, or ``compare`` for a unit (it has no sweeps nor staffing search)."""
    return mode_of(mode) if isinstance(base_scenario(choice), Scenario) else "compare"


@callback(
    Output(ids.RUN_MODE, "options"),
    Output(ids.RUN_MODE, "value"),
    Output(ids.POLICY_BLOCK, "style"),
    Output(ids.VARY_FORM, "style"),
    Output(ids.STAFF_FORM, "style"),
    Input(ids.RUN_MODE, "value"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
)
def show_mode(mode: Any, stored: Any, lang: Any) -> tuple[Any, ...]:
    """The modes in the page's language and the form of the one picked; a unit's
    scenario compares policies only."""
    choice = ScenarioChoice.from_store(stored)
    clinic = isinstance(base_scenario(choice), Scenario)
    used = mode_in_use(choice, mode)
    shown, hidden = {}, {"display": "none"}
    return (
        mode_options(checked_lang(lang), clinic),
        no_update if used == mode else used,
        hidden if used == "staff" else shown,
        shown if used == "vary" else hidden,
        shown if used == "staff" else hidden,
    )


@callback(
    Output(ids.VARY_KEY, "options"),
    Output(ids.VARY_KEY, "value"),
    Output(ids.STAFF_RESOURCE, "options"),
    Output(ids.STAFF_RESOURCE, "value"),
    Output(ids.STAFF_WEEKDAY, "options"),
    Output(ids.STAFF_WEEKDAY, "value"),
    Output(ids.STAFF_STATISTIC, "options"),
    Output(ids.STAFF_STATISTIC, "value"),
    Output(ids.STAFF_METRIC, "options"),
    Output(ids.STAFF_METRIC, "value"),
    Output(ids.STAFF_OPERATOR, "options"),
    Output(ids.STAFF_OPERATOR, "value"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.VARY_KEY, "value"),
    State(ids.STAFF_RESOURCE, "value"),
    State(ids.STAFF_WEEKDAY, "value"),
    State(ids.STAFF_STATISTIC, "value"),
    State(ids.STAFF_METRIC, "value"),
    State(ids.STAFF_OPERATOR, "value"),
)
def offer_mode_fields(stored: Any, lang: Any, *picked: Any) -> tuple[Any, ...]:
    """The choices of the two forms for the tab's scenario in its language; what was
    picked stays while the scenario still offers it."""
    lang = checked_lang(lang)
    choice = ScenarioChoice.from_store(stored)
    base = base_scenario(choice)
    if not isinstance(base, Scenario):
        return tuple([[], None] * 6)
    controls = choice.controls()
    offered = [
        setting_options(controls, base, lang),
        resource_options(base, lang),
        weekday_options(base, lang),
        statistic_options(lang),
        metric_options(base, lang),
        operator_options(lang),
    ]
    busiest = busiest_resource(base)
    staff = [c.key for c in controls if c.resource == busiest] or [c.key for c in controls]
    defaults = [staff[0] if staff else None, busiest, ""]
    defaults += list(DEFAULT_TARGET[:3])
    # a value that stays is not sent again: that would fire the callbacks that suggest
    # values and ranges for a newly picked setting or resource, over what was typed
    values = [
        no_update if value in [o["value"] for o in options] else default
        for options, value, default in zip(offered, picked, defaults, strict=True)
    ]
    return tuple(x for pair in zip(offered, values, strict=True) for x in pair)


@callback(
    Output(ids.STAFF_POLICY, "options"),
    Output(ids.STAFF_POLICY, "value"),
    Input(ids.SCENARIO, "data"),
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.STAFF_POLICY, "value"),
)
def offer_staff_policy(stored: Any, lang: Any, picked: Any) -> tuple[Any, Any]:
    """The staffing search's one policy: any the scenario can be run with, the first
    offered (today's practice) unless another was picked."""
    choice = ScenarioChoice.from_store(stored)
    choices = policy_choices_of(choice)
    registry = model_of_scenario(base_scenario(choice)).registry
    options = policy_options(choices, registry, checked_lang(lang))
    return options, picked if picked in choices else (choices[0] if choices else None)


@callback(
    Output(ids.VARY_VALUES, "value"),
    Input(ids.VARY_KEY, "value"),
    State(ids.SCENARIO, "data"),
)
def suggest_values(key: Any, stored: Any) -> str:
    """For a count, a suggestion around its value (``3; 4; 5; 6`` for 4); else nothing."""
    control = next((c for c in ScenarioChoice.from_store(stored).controls() if c.key == key), None)
    if control is None or control.kind != "count":
        return ""
    current = int(control.base)
    return "; ".join(str(n) for n in range(max(0, current - 1), current + 3))


@callback(
    Output(ids.STAFF_LOW, "value"),
    Output(ids.STAFF_HIGH, "value"),
    Output(ids.STAFF_VALUE, "value"),
    Input(ids.STAFF_RESOURCE, "value"),
    State(ids.SCENARIO, "data"),
    State(ids.STAFF_VALUE, "value"),
)
def suggest_range(resource: Any, stored: Any, value: Any) -> tuple[Any, Any, Any]:
    """Counts to try for the resource picked, from half its staff to one more than its
    most; the target's number 30 unless one was typed."""
    base = base_scenario(ScenarioChoice.from_store(stored))
    number = value if value not in (None, "") else DEFAULT_TARGET[3]
    if not isinstance(base, Scenario) or resource not in base.resources:
        return no_update, no_update, number
    low, high = default_range(base, str(resource))
    return str(low), str(high), number


@callback(
    Output(ids.VARY_HINT, "children"),
    Output(ids.VARY_MESSAGE, "children"),
    Output(ids.VARY_VALUES, "className"),
    Input(ids.VARY_KEY, "value"),
    Input(ids.VARY_VALUES, "value"),
    Input(ids.CHANGES, "data"),
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.SCENARIO, "data"),
)
def check_vary(key: Any, text: Any, changes: Any, lang: Any, stored: Any) -> tuple[str, str, str]:
    """The setting's current value, and what is wrong with the values typed, if anything."""
    lang = checked_lang(lang)
    choice = ScenarioChoice.from_store(stored)
    if not isinstance(base_scenario(choice), Scenario):
        return "", "", field_class(False, False)
    _request, message = check_values(choice, changes_of(changes), key, text, lang)
    return values_hint(choice, key, lang), message, field_class(False, bool(message))


@callback(
    Output(ids.STAFF_UNIT, "children"),
    Input(ids.STAFF_METRIC, "value"),
    Input(ids.SCENARIO_LANG, "data"),
)
def staff_unit(metric: Any, lang: Any) -> str:
    return target_unit(metric, checked_lang(lang))


@callback(
    [Output(staff_message_id(field), "children") for field in STAFF_MESSAGES],
    Output(ids.STAFF_VALUE, "className"),
    Output(ids.STAFF_LOW, "className"),
    Output(ids.STAFF_HIGH, "className"),
    [Input(STAFF_IDS[field], "value") for field in STAFF_FIELDS],
    Input(ids.SCENARIO_LANG, "data"),
    State(ids.SCENARIO, "data"),
)
def check_staff(*args: Any) -> list[str]:
    """What is wrong with the staffing form, at each field; the numbers outlined."""
    *values, lang, stored = args
    lang = checked_lang(lang)
    choice = ScenarioChoice.from_store(stored)
    if not isinstance(base_scenario(choice), Scenario):
        return [""] * len(STAFF_MESSAGES) + [field_class(False, False)] * 3
    form = dict(zip(STAFF_FIELDS, values, strict=True))
    _request, messages = check_staffing(
        choice, form, list(policy_choices_of(choice)), MAX_REPS, lang
    )
    shown = [messages.get(field, "") for field in STAFF_MESSAGES]
    outlined = [("value" in messages), ("range" in messages), ("range" in messages)]
    return [*shown, *(field_class(False, invalid) for invalid in outlined)]


@dataclass(frozen=True)
class Form:
    """What Run is given: the tab, the mode and the fields each mode reads."""

    choice: ScenarioChoice
    changes: dict[str, str]
    mode: str
    specs: list[str]
    reps: int | None
    vary_key: Any
    vary_values: Any
    staff: dict[str, Any]
    lang: str

    def job(self, set_progress: SetProgress) -> Any:
        """The run to start (a function returning its folder), or why none can start."""
        lang = self.lang
        if self.mode == "staff":
            return self._staffing_job(set_progress)
        if not self.specs or self.reps is None:
            return tr("pick_policy" if not self.specs else "expect_reps", lang, most=MAX_REPS)
        progress = _task_progress(set_progress, lang)
        if self.mode == "vary":
            request, _message = check_values(
                self.choice, self.changes, self.vary_key, self.vary_values, lang
            )  # the message is at the values' field
            if request is None or not self._valid(other_changes(self.changes, request.key)):
                return tr("fix_fields", lang)
            return lambda: run_variants(
                settings(), self.choice, self.changes, request, self.specs, self.reps, progress
            )
        if not self._valid(self.changes):
            return tr("fix_fields", lang)
        return lambda: run_whatif(
            settings(), self.choice, self.changes, self.specs, self.reps, progress
        )

    def _valid(self, changes: dict[str, str]) -> bool:
        return evaluate(self.choice, changes, self.lang).valid

    def _staffing_job(self, set_progress: SetProgress) -> Any:
        lang = self.lang
        offered = list(policy_choices_of(self.choice))
        request, messages = check_staffing(self.choice, self.staff, offered, self.reps, lang)
        if request is None or self.reps is None or not self._valid(self.changes):
            return messages.get("reps") or tr("fix_fields", lang)
        base = base_scenario(self.choice)
        assert isinstance(base, Scenario)
        resource = display_name(base, "resource", request.resource, lang)
        trying: dict[str, int] = {}

        def count_tried(count: int) -> None:
            trying["count"] = count
            set_progress(
                ("0", "1", tr("staff_trying", lang, resource=resource, count=count), False)
            )

        def progress(done: int, total: int) -> None:
            text = tr(
                "staff_progress",
                lang,
                resource=resource,
                count=trying.get("count"),
                done=done,
                total=total,
            )
            set_progress((str(done), str(total), text, False))

        reps = self.reps
        return lambda: run_staffing(
            settings(), self.choice, self.changes, request, reps, progress, count_tried
        )


def _task_progress(set_progress: SetProgress, lang: str) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        text = tr("progress", lang, done=done, total=total)
        set_progress((str(done), str(total), text, False))

    return progress
