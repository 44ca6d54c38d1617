"""The run panel's mode selector and the forms of its two what-if questions.

"Compare policies" is the policies checklist the panel always had; "Vary a value" asks
for one setting (any what-if control of the page) and its values; "Find the fewest
staff" asks for a resource and weekday, a target (a statistic of a figure, at most or
at least a number), the counts to try and one policy. What the forms' values mean is
``dashboard.modes``'s; here they are drawn, with their options in the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.controls import describe
from dashboard.components.help import help_marker
from dashboard.i18n import tr, weekday
from dashboard.modes import MODES, OPERATORS, STATISTICS, TARGET_METRICS, target_metrics
from dashboard.whatif import Control
from sim.labels import display_name
from sim.outputs.catalogue import find
from sim.scenario import Scenario

STAFF_MESSAGES = ("resource", "weekday", "metric", "value", "range", "policy")


def staff_message_id(field: str) -> str:
    """Where the staffing form says what is wrong with ``field``."""
    return f"{ids.STAFF_MESSAGE}-{field}"


def mode_selector() -> html.Div:
    return html.Div(
        [
            dcc.RadioItems(
                id=ids.RUN_MODE,
                options=[{"label": mode, "value": mode} for mode in MODES],
                value="compare",
                inline=True,
                persistence=True,
                persistence_type="session",
            ),
            help_marker("", "t-modes-help"),
        ],
        className="modes",
    )


def helped_label(text_id: str, html_for: str | None = None) -> html.Label:
    """A form label (its words set by the page in its language, ``FORM_LABELS``) with its
    help marker (``FORM_HELPS``)."""
    extra = {"htmlFor": html_for} if html_for else {}
    return html.Label([html.Span(id=text_id), " ", help_marker("", f"{text_id}-help")], **extra)


def mode_options(lang: str, clinic: bool) -> list[dict[str, Any]]:
    """The modes in ``lang``; a unit (day or week hospital) compares policies only."""
    return [
        {"label": tr(f"mode_{mode}", lang), "value": mode, "disabled": not clinic and i > 0}
        for i, mode in enumerate(MODES)
    ]


def vary_form() -> html.Div:
    return html.Div(
        [
            helped_label("t-vary-key", ids.VARY_KEY),
            dcc.Dropdown(id=ids.VARY_KEY, clearable=False, className="pick"),
            helped_label("t-vary-values", ids.VARY_VALUES),
            dcc.Input(
                id=ids.VARY_VALUES,
                type="text",
                debounce=True,
                size="28",
                className="field",
                name=ids.VARY_VALUES,
                persistence=True,
                persistence_type="session",
            ),
            html.Div(id=ids.VARY_HINT, className="meta"),
            html.Div(id=ids.VARY_MESSAGE, className="message"),
        ],
        id=ids.VARY_FORM,
        className="mode-form",
        style={"display": "none"},
    )


def staff_form() -> html.Div:
    def message(field: str) -> html.Div:
        return html.Div(id=staff_message_id(field), className="message")

    def text_input(input_id: str, size: int) -> dcc.Input:
        return dcc.Input(
            id=input_id,
            type="text",
            debounce=True,
            size=str(size),
            className="field",
            name=input_id,
        )

    def dropdown(dropdown_id: str, width: str = "") -> dcc.Dropdown:
        style = {"minWidth": width} if width else {}
        return dcc.Dropdown(id=dropdown_id, clearable=False, className="inline-pick", style=style)

    return html.Div(
        [
            html.Div(
                [
                    helped_label("t-staff-resource", ids.STAFF_RESOURCE),
                    dropdown(ids.STAFF_RESOURCE, "16rem"),
                    html.Label(id="t-staff-weekday", htmlFor=ids.STAFF_WEEKDAY),
                    dropdown(ids.STAFF_WEEKDAY, "10rem"),
                ],
                className="sentence",
            ),
            message("resource"),
            message("weekday"),
            html.Div(
                [
                    helped_label("t-staff-target"),
                    dropdown(ids.STAFF_STATISTIC, "11rem"),
                    dropdown(ids.STAFF_METRIC, "15rem"),
                    dropdown(ids.STAFF_OPERATOR, "9rem"),
                    text_input(ids.STAFF_VALUE, 5),
                    html.Span(id=ids.STAFF_UNIT),
                ],
                className="sentence",
            ),
            message("metric"),
            message("value"),
            html.Div(
                [
                    helped_label("t-staff-from", ids.STAFF_LOW),
                    text_input(ids.STAFF_LOW, 3),
                    html.Label(id="t-staff-to", htmlFor=ids.STAFF_HIGH),
                    text_input(ids.STAFF_HIGH, 3),
                ],
                className="sentence",
            ),
            message("range"),
            html.Div(
                [
                    helped_label("t-staff-policy", ids.STAFF_POLICY),
                    dropdown(ids.STAFF_POLICY, "16rem"),
                ],
                className="sentence",
            ),
            message("policy"),
            html.P(id="t-staff-note", className="meta"),
        ],
        id=ids.STAFF_FORM,
        className="mode-form",
        style={"display": "none"},
    )


FORM_HELPS = {  # the forms' help markers → their phrase
    "t-modes-help": "help_modes",
    "t-vary-key-help": "help_vary_key",
    "t-vary-values-help": "help_vary_values",
    "t-staff-resource-help": "help_staff_resource",
    "t-staff-target-help": "help_staff_target",
    "t-staff-from-help": "help_staff_range",
    "t-staff-policy-help": "help_staff_policy",
}
FORM_LABELS = {  # static text of the forms: element id → phrase
    "t-vary-key": "vary_key",
    "t-vary-values": "vary_values",
    "t-staff-resource": "staff_resource",
    "t-staff-weekday": "staff_weekday",
    "t-staff-target": "staff_target",
    "t-staff-from": "staff_from",
    "t-staff-to": "staff_to",
    "t-staff-policy": "staff_policy",
    "t-staff-note": "staff_note",
}


def setting_options(
    controls: Sequence[Control], scenario: Scenario, lang: str
) -> list[dict[str, str]]:
    """Every what-if control as a setting to vary: ``Staff per weekday: Technician · Mon``."""
    return [
        {"label": f"{c.group_title(lang)}: {describe(c, scenario, lang)}", "value": c.key}
        for c in controls
    ]


def resource_options(scenario: Scenario, lang: str) -> list[dict[str, str]]:
    """The resources to staff, by their labels."""
    return [
        {"label": display_name(scenario, "resource", key, lang), "value": key}
        for key in scenario.resources
    ]


def weekday_options(scenario: Scenario, lang: str) -> list[dict[str, str]]:
    every = {"label": tr("every_day", lang), "value": ""}
    return [every, *({"label": weekday(d, lang), "value": d} for d in scenario.horizon.weekdays)]


def statistic_options(lang: str) -> list[dict[str, str]]:
    return [{"label": tr(f"statistic_{s}", lang), "value": s} for s in STATISTICS]


def metric_options(scenario: Scenario, lang: str) -> list[dict[str, str]]:
    return [{"label": find(m).label[lang], "value": m} for m in target_metrics(scenario)]


def operator_options(lang: str) -> list[dict[str, str]]:
    words = {"<=": "at_most", ">=": "at_least"}
    return [{"label": tr(words[o], lang), "value": o} for o in OPERATORS]


UNITS = {"minutes": "unit_minutes", "minutes/day": "unit_minutes_day", "days": "unit_days"}


def target_unit(metric: Any, lang: str) -> str:
    """What the target's number is counted in: ``%`` for a share, else the metric's unit."""
    if metric not in TARGET_METRICS:
        return ""
    entry = find(str(metric))
    if entry.percent:
        return "%"
    return tr(UNITS[entry.unit], lang) if entry.unit in UNITS else ""
