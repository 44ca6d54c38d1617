"""The clinic at a glance: staff per weekday, protocol steps with durations, demand.

Every step, resource, class, channel and protocol is shown by its display name
(``sim.scenario.display_name``: its label in the page's language), the booking mode in
words."""

from __future__ import annotations

from dash import html

from dashboard.i18n import tr, weekday
from policies.base import BOOKING_MODE_TEXTS
from sim.distributions import Distribution
from sim.labels import display_name, display_names
from sim.outputs.formatting import localised
from sim.scenario import Scenario, format_clock


def clinic_glance(scenario: Scenario, lang: str) -> html.Div:
    booking = (
        [html.H3(tr("booking", lang)), booking_summary(scenario, lang)] if scenario.booking else []
    )
    return html.Div(
        [
            html.H3(tr("resources_by_weekday", lang)),
            staff_table(scenario, lang),
            html.H3(tr("demand", lang)),
            demand_summary(scenario, lang),
            *booking,
            html.H3(tr("protocols", lang)),
            *protocol_tables(scenario, lang),
        ]
    )


def booking_summary(scenario: Scenario, lang: str) -> html.Div:
    """The booking process: the scenario's mode, the channels, re-booking and moves."""
    booking = scenario.booking
    assert booking is not None
    refill = booking.refill
    line = tr(
        "booking_line",
        lang,
        mode=BOOKING_MODE_TEXTS[booking.mode][lang],
        closes=format_clock(booking.closes_at),
        order=tr("priority", lang).lower() if refill.order == "priority" else "FIFO",
        notice=_short(refill.min_notice_days, lang),
        moves=_short(round(100 * booking.moves.probability, 1), lang),
    )
    head = html.Tr([html.Th(tr(k, lang)) for k in ("channel", "share", "channel_hours", "confirm")])
    rows = [
        html.Tr(
            [
                html.Th(display_name(scenario, "channel", key, lang)),
                html.Td(f"{100 * c.share:.0f} %"),
                html.Td(f"{format_clock(c.hours.start)}–{format_clock(c.hours.end)}"),
                html.Td(describe(c.confirm_minutes, lang)),
            ]
        )
        for key, c in booking.channels.items()
    ]
    return html.Div(
        [html.P(line), html.Table([html.Thead(head), html.Tbody(rows)], className="glance")]
    )


def staff_table(scenario: Scenario, lang: str) -> html.Table:
    days = scenario.horizon.weekdays
    head = html.Tr(
        [
            html.Th(tr("resource", lang)),
            *[html.Th(weekday(d, lang)) for d in days],
            html.Th(tr("hours", lang)),
            html.Th(tr("daily_slots", lang)),
        ]
    )
    rows = []
    for key, resource in scenario.resources.items():
        hours = resource.hours or scenario.horizon
        start, end = (hours.start, hours.end) if resource.hours else (hours.open, hours.close)
        slots = resource.daily_slots
        slots_text = "–" if slots is None else str(slots if isinstance(slots, int) else dict(slots))
        rows.append(
            html.Tr(
                [
                    html.Th(display_name(scenario, "resource", key, lang)),
                    *[html.Td(str(resource.roster.get(d, resource.base_count))) for d in days],
                    html.Td(f"{format_clock(start)}–{format_clock(end)}"),
                    html.Td(slots_text),
                ]
            )
        )
    return html.Table([html.Thead(head), html.Tbody(rows)], className="glance")


def demand_summary(scenario: Scenario, lang: str) -> html.Div:
    demand, horizon = scenario.demand, scenario.horizon
    line = tr(
        "demand_line",
        lang,
        rate=_short(demand.requests_per_day, lang),  # an input: as given, not rounded
        window=demand.booking_window_days,
        days=horizon.days,
        weekdays=", ".join(weekday(d, lang) for d in horizon.weekdays),
        open=format_clock(horizon.open),
        close=format_clock(horizon.close),
    )
    head = html.Tr([html.Th(tr(k, lang)) for k in ("class", "share", "priority", "protocol")])
    rows = [
        html.Tr(
            [
                html.Th(display_name(scenario, "class", name, lang)),
                html.Td(f"{100 * c.share:.0f} %"),
                html.Td(str(c.priority)),
                html.Td(display_name(scenario, "protocol", c.protocol, lang)),
            ]
        )
        for name, c in demand.classes.items()
    ]
    return html.Div(
        [html.P(line), html.Table([html.Thead(head), html.Tbody(rows)], className="glance")]
    )


def protocol_tables(scenario: Scenario, lang: str) -> list[html.Div]:
    head = html.Tr(
        [html.Th(tr(k, lang)) for k in ("step", "resource", "duration", "probability", "after")]
    )
    tables = []
    steps = display_names(scenario, "step", lang)
    for key, protocol in scenario.protocols.items():
        rows = [
            html.Tr(
                [
                    html.Th(steps[step.id]),
                    html.Td(
                        display_name(scenario, "resource", step.resource, lang)
                        if step.resource
                        else tr("no_resource", lang)
                    ),
                    html.Td(describe(step.duration, lang)),
                    html.Td(f"{100 * step.probability:.0f} %"),
                    html.Td(", ".join(steps[a] for a in step.after) if step.after else ""),
                ]
            )
            for step in protocol.steps
        ]
        tables.append(
            html.Div(
                [
                    html.H4(display_name(scenario, "protocol", key, lang)),
                    html.Table([html.Thead(head), html.Tbody(rows)], className="glance"),
                ]
            )
        )
    return tables


def describe(distribution: Distribution, lang: str) -> str:
    """``lognormal: mean 10, sd 3`` (decimal comma in Spanish)."""
    fields = distribution.model_dump(by_alias=True, exclude_none=True)
    kind = fields.pop("dist", type(distribution).__name__.lower())
    values = ", ".join(f"{name} {_short(value, lang)}" for name, value in fields.items())
    return f"{kind}: {values}" if values else str(kind)


def _short(value: object, lang: str) -> str:
    """3.0 → ``3``, 2.5 → ``2,5`` in Spanish, -10 → ``−10``."""
    if not isinstance(value, float | int):
        return str(value)
    return localised(f"{value:g}", lang)
