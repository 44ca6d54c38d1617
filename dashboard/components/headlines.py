"""The headline cards: a card per figure a manager reads first, a line per policy.

The figures and their paired changes are ``sim.outputs.headline``'s; here they are
written as people read them: stays and waits in hours and minutes, overtime in
staff-hours a day, utilisation and the service level in percent, days to
appointment in days, with the change against the reference (the baseline policy,
or the clinic as it is) coloured when its interval leaves out zero. A day or week
hospital's cards are the same cards: patients admitted or pending, blocks to
admission, and occupancy and the use of studies in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.help import named
from dashboard.i18n import tr
from sim.outputs.formatting import MINUS, localised, read_number
from sim.outputs.headline import SERVICE_LEVEL, Headline
from sim.outputs.names import PLAIN, Names

PERCENT = frozenset({"utilisation", SERVICE_LEVEL})
PERCENT |= {"bed_occupancy", "chair_occupancy", "study_use", "late_studies"}
PATIENTS = frozenset({"admitted", "pending"})
BLOCKS = frozenset({"wait_blocks", "wait_blocks.p3"})


def headline_cards(
    headlines: Mapping[str, Sequence[Headline]],
    reference: str,
    target_minutes: float,
    lang: str,
    names: Names = PLAIN,
) -> html.Div:
    """A card per figure; ``reference`` names what the changes are against; a line per
    policy, by its display name in ``names`` with its explanation as the tooltip."""
    return html.Div(
        [
            _card(metric, rows, reference, target_minutes, lang, names)
            for metric, rows in headlines.items()
        ],
        className="headlines",
        id=ids.HEADLINES,
    )


def target_picker(target_minutes: float, lang: str) -> html.Div:
    """The manager's target stay for the service level, in hours."""
    return html.Div(
        [
            html.Label(
                named(tr("target_stay", lang), tr("target_stay_help", lang)),
                htmlFor=ids.TARGET_STAY,
            ),
            dcc.Input(
                id=ids.TARGET_STAY,
                value=_decimal(target_minutes / 60, lang),
                type="text",
                size="4",
                debounce=True,
                className="field",
            ),
            html.Span(tr("hours_unit", lang)),
            html.Span(id=ids.TARGET_MESSAGE, className="message"),
        ],
        className="target",
    )


def parse_target_hours(text: Any) -> float | None:
    """Minutes of the target typed in hours (``"2"``, ``"1,5"``), or ``None`` if it is not a
    number of hours between 0 and 24."""
    try:
        value = read_number(str(text))
    except ValueError:
        return None
    return 60 * value if 0 < value <= 24 else None


def _card(
    metric: str,
    rows: Sequence[Headline],
    reference: str,
    target_minutes: float,
    lang: str,
    names: Names,
) -> html.Div:
    title = tr(f"card_{metric}", lang, target=f"{_decimal(target_minutes / 60, lang)} h")
    return html.Div(
        [
            html.Div(named(title, tr(f"card_{metric}_help", lang)), className="label"),
            html.Table(html.Tbody([_line(row, reference, lang, names) for row in rows])),
        ],
        className="card",
        **{"data-metric": metric},
    )


def _line(row: Headline, reference: str, lang: str, names: Names) -> html.Tr:
    cells = [
        html.Th(names.policy(row.policy), title=names.explanation(row.policy)),
        html.Td(
            [
                html.Div(value_text(row.metric, row.mean, lang), className="big"),
                html.Div(_interval(row.metric, row.ci95, lang), className="ci"),
            ],
            className="value",
        ),
    ]
    if row.change is not None:
        state = {True: "better", False: "worse", None: "same"}[row.better]
        cells.append(
            html.Td(
                [
                    html.Div(change_text(row.metric, row.change.get("diff"), lang)),
                    html.Div(
                        f" {_interval(row.metric, tuple(row.change['ci95']), lang, signed=True)}"
                        f" {tr('versus', lang, reference=reference)}",
                        className="ci",
                    ),
                ],
                className=f"change {state}",
            )
        )
    return html.Tr(cells, **{"data-policy": row.policy})


def value_text(metric: str, value: float | None, lang: str, signed: bool = False) -> str:
    """A headline figure (or a change of it, ``signed``) in its unit; a value that rounds
    to zero has no sign."""
    if value is None:
        return "–"
    if metric in PERCENT:
        return _signed(100 * value, 0, f" {tr('points', lang)}" if signed else " %", signed, lang)
    if metric == "access_days":
        return _signed(value, 1, f" {tr('days_unit', lang)}", signed, lang)
    if metric in PATIENTS:
        return _signed(value, 1, f" {tr('patients_unit', lang)}", signed, lang)
    if metric in BLOCKS:
        return _signed(value, 1, f" {tr('blocks_unit', lang)}", signed, lang)
    if metric == "overtime" and abs(value) >= 60:
        return _signed(value / 60, 1, " h", signed, lang)
    if abs(value) < 10:  # a few minutes: their tenths matter
        return _signed(value, 1, " min", signed, lang)
    sign = _sign(round(value), signed)
    return sign + _duration(abs(value), lang)


def _signed(value: float, decimals: int, unit: str, signed: bool, lang: str) -> str:
    rounded = round(value, decimals)
    text = f"{abs(rounded):.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return _sign(rounded, signed) + localised(text, lang) + unit


def _sign(rounded: float, signed: bool) -> str:
    if rounded == 0:
        return ""
    if rounded < 0:
        return MINUS
    return "+" if signed else ""


def change_text(metric: str, diff: float | None, lang: str) -> str:
    return value_text(metric, diff, lang, signed=True)


def _interval(metric: str, bounds: tuple[Any, ...], lang: str, signed: bool = False) -> str:
    lo, hi = bounds
    if lo is None or hi is None:
        return ""
    separator = "; " if lang == "es" else ", "
    low, high = value_text(metric, lo, lang, signed), value_text(metric, hi, lang, signed)
    return f"[{low}{separator}{high}]"


def _duration(minutes: float, lang: str) -> str:
    """``2 h 05 min``, or ``45 min`` under an hour."""
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"


def _decimal(value: float, lang: str) -> str:
    return localised(f"{value:.1f}".removesuffix(".0"), lang)
