"""The what-if controls: one text field per ``Control``, grouped, each with its help and
its message.

A field shows its value as the page's language writes numbers (``0,06`` in Spanish)
and takes either decimal mark; the change it makes is the command line's override
(``behaviour.no_show=0.06``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import dcc, html

from dashboard import ids
from dashboard.components.help import named
from dashboard.i18n import tr, weekday
from dashboard.whatif import Control, Evaluation, shown_value
from sim.labels import display_name
from sim.scenario import Scenario
from sim.unit.scenario import UnitScenario

GROUPS = ("unit", "hours", "demand", "behaviour", "booking")  # then each policy's


def controls_panel(
    scenario: Scenario | UnitScenario,
    controls: Sequence[Control],
    values: Mapping[str, str],
    messages: Mapping[str, str],
    lang: str,
) -> html.Div:
    """Every control, showing ``values`` (the tab's changes) over the base values."""
    staff = [c for c in controls if c.group == "staff"]
    parts: list = []
    if isinstance(scenario, Scenario) and staff:
        parts += [
            html.H3(tr("group_staff", lang)),
            _staff_grid(scenario, staff, values, messages, lang),
        ]
    policies = [c.group for c in controls if c.group not in (*GROUPS, "staff")]
    for group in dict.fromkeys([*GROUPS, *policies]):
        members = [c for c in controls if c.group == group]
        if members:
            parts.append(html.H3(members[0].group_title(lang)))
            parts.append(
                html.Div(
                    [_labelled(c, values, messages, lang) for c in members], className="fields"
                )
            )
    return html.Div(parts)


def field_input(
    control: Control,
    values: Mapping[str, str],
    messages: Mapping[str, str],
    lang: str,
    size: int = 6,
) -> dcc.Input:
    """The field of a control: the tab's change as typed, or the base value in ``lang``."""
    return dcc.Input(
        id=ids.field(control.key),
        value=values.get(control.key, shown_value(control, lang)),
        type="text",
        debounce=True,
        size=str(size),
        className=field_class(control.key in values, control.key in messages),
        name=control.key,
    )


def field_class(changed: bool, invalid: bool) -> str:
    """A field's classes: outlined when its value is refused, highlighted when changed."""
    return "field" + (" changed" if changed else "") + (" invalid" if invalid else "")


def field_message(control: Control, messages: Mapping[str, str]) -> html.Div:
    return html.Div(
        messages.get(control.key, ""), id=ids.field_message(control.key), className="message"
    )


def _labelled(
    control: Control, values: Mapping[str, str], messages: Mapping[str, str], lang: str
) -> html.Div:
    return html.Div(
        [
            html.Label(named(control.label_text(lang), control.help_text(lang))),
            field_input(control, values, messages, lang),
            field_message(control, messages),
        ],
        className="labelled",
    )


def _staff_grid(
    scenario: Scenario,
    staff: Sequence[Control],
    values: Mapping[str, str],
    messages: Mapping[str, str],
    lang: str,
) -> html.Table:
    days = scenario.horizon.weekdays
    by_cell = {(c.resource, c.weekday): c for c in staff}
    head = html.Tr([html.Th(tr("resource", lang)), *[html.Th(weekday(d, lang)) for d in days]])
    rows = [
        html.Tr(
            [
                html.Th(
                    named(
                        display_name(scenario, "resource", key, lang),
                        by_cell[(key, days[0])].help_text(lang),
                    )
                ),
                *[
                    html.Td(
                        [
                            field_input(by_cell[(key, d)], values, messages, lang, size=3),
                            field_message(by_cell[(key, d)], messages),
                        ]
                    )
                    for d in days
                ],
            ]
        )
        for key in scenario.resources
    ]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="staff-grid")


def change_list(
    controls: Sequence[Control],
    changes: Mapping[str, str],
    evaluation: Evaluation,
    scenario: Scenario | UnitScenario,
    lang: str,
) -> html.Div:
    """The changes from the base scenario: one line per change with the override it runs
    as (as ``--set`` takes it) and its undo button."""
    messages, problems = evaluation.messages, evaluation.problems
    by_key = {c.key: c for c in controls}
    items = []
    for key, text in changes.items():
        control = by_key.get(key)
        if control is None:
            continue
        was, now = shown_value(control, lang), shown_value(control, lang, text)
        line = f"{describe(control, scenario, lang)}: {was} → {now}"
        note = f" ({tr('invalid_change', lang)})" if key in messages else ""
        items.append(
            html.Li(
                [
                    html.Span(line + note, className="invalid" if note else ""),
                    html.Code(
                        f"--set {evaluation.applied[key]}" if key in evaluation.applied else "",
                        className="override",
                    ),
                    html.Button(tr("undo", lang), id=ids.undo(key), className="undo", n_clicks=0),
                ]
            )
        )
    body: list = [html.Ul(items)] if items else [html.P(tr("no_changes", lang))]
    body += [html.P(p, className="message") for p in problems]
    return html.Div(body)


def describe(control: Control, scenario: Scenario | UnitScenario, lang: str) -> str:
    """``Técnico · lun`` for a staff control, the field's label otherwise."""
    if control.group == "staff" and isinstance(scenario, Scenario):
        resource = display_name(scenario, "resource", control.resource, lang)
        return f"{resource} · {weekday(control.weekday, lang)}"
    return control.label_text(lang)
