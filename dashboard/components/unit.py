"""A day or week hospital (a unit scenario) in the dashboard: the unit at a glance on
the scenario page, and a unit run's results (a note when the unit was not congested,
headline cards, comparison, admissions by policy, calendars, beds, chairs and studies
per block, daily timetables).

The figures are the report's (``sim.outputs.unit_figures``); the tables are drawn from
the same rows as the terminal's (``sim.outputs.unit_tables``). Studies and classes are
shown by their labels in the page's language, policies by their display names.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.glance import describe
from dashboard.components.headlines import headline_cards
from dashboard.components.help import named
from dashboard.components.results import downloads, rows_table
from dashboard.i18n import tr, weekday
from dashboard.policy_offer import named_options
from dashboard.whatif import scenario_title
from sim.experiments.unit_runner import UnitRun
from sim.labels import display_name, display_names
from sim.models.names import run_names
from sim.outputs.formatting import localised
from sim.outputs.headline import DEFAULT_TARGET_MINUTES, unit_headlines
from sim.outputs.names import PLAIN, Names, labelled_instance
from sim.outputs.unit_figures import (
    admissions_calendar,
    daily_timetable,
    occupancy_per_block,
    planned_days,
    studies_per_block,
    timetable_title,
)
from sim.outputs.unit_tables import BUSY_EXAMPLE, admission_cell, comparison_rows, quiet_note
from sim.scenario import format_clock
from sim.unit.scenario import Offer, UnitScenario

PLOT_CONFIG = {"displaylogo": False}


# ---------------------------------------------------------------- the unit at a glance


def unit_glance(scenario: UnitScenario, lang: str) -> html.Div:
    unit = scenario.unit
    line = tr(
        "unit_line",
        lang,
        weeks=unit.weeks,
        beds=unit.beds,
        chairs=unit.chairs,
        admissions=unit.admissions_per_block,
        morning=f"{format_clock(unit.morning.start)}–{format_clock(unit.morning.end)}",
        afternoon=f"{format_clock(unit.afternoon.start)}–{format_clock(unit.afternoon.end)}",
        divisions=unit.divisions,
        minutes=unit.division_minutes,
    )
    parts: list[Any] = [html.P(line)]
    if unit.waiting_list:  # a unit may have only a sampled list
        parts += [html.H3(tr("waiting_list", lang)), _waiting(scenario, lang)]
    if unit.demand is not None and unit.demand.per_week > 0:
        parts += [html.H3(tr("demand", lang)), _demand(scenario, lang)]
    studies = html.H3(named(tr("unit_studies", lang), tr("help_studies", lang)))
    parts += [studies, _studies(scenario, lang)]
    return html.Div(parts)


def _table(head: list[str], rows: list[list[str]]) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Th(r[0]), *[html.Td(c) for c in r[1:]]]) for r in rows]),
        ],
        className="glance",
    )


def _place(min_stay: int, lang: str) -> str:
    return tr("place_bed", lang, blocks=min_stay) if min_stay else tr("place_chair", lang)


def _waiting(scenario: UnitScenario, lang: str) -> html.Table:
    unit = scenario.unit
    names = display_names(scenario, "study", lang)
    head = [tr(k, lang) for k in ("patient", "priority", "place", "first_block", "prescriptions")]
    rows = [
        [
            p.name,
            str(p.priority),
            _place(p.min_stay, lang),
            f"B{p.first_block}",
            ", ".join(names[s] for s in p.studies),
        ]
        for p in unit.waiting_list
    ]
    return _table(head, rows)


def _demand(scenario: UnitScenario, lang: str) -> html.Div:
    unit = scenario.unit
    assert unit.demand is not None
    names = display_names(scenario, "study", lang)
    head = [tr(k, lang) for k in ("class", "share", "priority", "place", "prescriptions")]
    rows = [
        [
            display_name(scenario, "class", key, lang),
            f"{100 * c.share:.0f} %",
            str(c.priority),
            _place(c.min_stay, lang),
            ", ".join(
                [names[s] for s in c.studies]
                + [f"{names[s]} ({100 * q:.0f} %)" for s, q in c.maybe.items()]
            ),
        ]
        for key, c in unit.demand.classes.items()
    ]
    line = tr("unit_demand_line", lang, n=localised(f"{unit.demand.per_week:g}", lang))
    return html.Div([html.P(line), _table(head, rows)])


def _studies(scenario: UnitScenario, lang: str) -> html.Table:
    head = [tr(k, lang) for k in ("study", "duration", "offered")]
    rows = [
        [
            display_name(scenario, "study", key, lang),
            describe(study.duration, lang),
            "; ".join(_offer(offer, lang) for offer in study.offered) or "–",
        ]
        for key, study in scenario.unit.studies.items()
    ]
    return _table(head, rows)


def _offer(offer: Offer, lang: str) -> str:
    """``lun, mar mañana: div. 0–3 × 2``."""
    days = ", ".join(weekday(d, lang) for d in offer.days)
    divisions = (
        f"{min(offer.divisions)}–{max(offer.divisions)}"
        if offer.divisions == list(range(min(offer.divisions), max(offer.divisions) + 1))
        else ", ".join(map(str, offer.divisions))
    )
    part = tr(offer.part, lang)
    return f"{days} {part}: {tr('divisions_short', lang)} {divisions} × {offer.patients}"


# ---------------------------------------------------------------- a unit run's results


def _graph(fig: Any, graph_id: str | None = None) -> dcc.Graph:
    extra = {"id": graph_id} if graph_id else {}
    return dcc.Graph(figure=fig, config=PLOT_CONFIG, **extra)


def unit_results(run: UnitRun, lang: str) -> html.Div:
    """A unit run's page, its policies by their display names (their explanations as
    tooltips), its studies by their labels."""
    names = run_names(run.scenario, run.policies, lang)
    summary = run.summary
    inst = labelled_instance(run.instance, run.scenario, lang)
    title = tr(
        "unit_title", lang, scenario=summary["scenario"], reps=run.reps, seed=summary["seed"]
    )
    created = run.info.get("created", "")
    command = " ".join(run.info.get("command", []))
    last = run.policies[-1]
    blocks = run.tables["blocks"]
    return html.Div(
        [
            html.H2(title),
            html.P([f"{created} · ", html.Code(command)], className="meta"),
            *_quiet(run, lang),
            unit_cards(run, lang, names),
            downloads(lang, "download_admissions"),
            html.H2(tr("comparison", lang)),
            unit_comparison(run, lang, names),
            html.H2(tr("admissions_title", lang)),
            admissions(run, lang, names),
            *[
                _graph(
                    admissions_calendar(
                        inst,
                        run.plans[s],
                        tr("calendar_title", lang, policy=names.policy(s)),
                        lang,
                    )
                )
                for s in run.policies
            ],
            html.H2(tr("block_view", lang)),
            html.Div(
                [
                    html.Label(tr("policy", lang)),
                    dcc.Dropdown(
                        id=ids.UNIT_BLOCK_POLICY,
                        options=named_options(run.policies, names),
                        value=last,
                        clearable=False,
                    ),
                ],
                className="pickers",
            ),
            _graph(
                occupancy_per_block(inst, blocks, last, run.reps, lang, names), ids.UNIT_OCCUPANCY
            ),
            _graph(studies_per_block(inst, blocks, last, lang, names), ids.UNIT_STUDIES),
            html.H2(tr("timetables_pick", lang)),
            _timetable_pickers(run, last, lang, names),
            _graph(timetable_figure(run, last, None, lang), ids.UNIT_TIMETABLE),
        ],
        className="unit-results",
    )


def _quiet(run: UnitRun, lang: str) -> list[html.P]:
    """The note of a unit that was not congested, naming the congested unit as the
    scenario picker shows it."""
    note = quiet_note(run, lang, f"«{scenario_title(BUSY_EXAMPLE)}»")
    return [] if note is None else [html.P(note, className="callout", id=ids.UNIT_QUIET)]


def unit_cards(run: UnitRun, lang: str, names: Names = PLAIN) -> html.Div:
    """The unit's figures per policy, by their display names in ``names``, with the paired
    change against the baseline (the target stay of the clinic's service level does not
    apply: no card shows it)."""
    reference = names.policy(run.baseline)
    shown = unit_headlines(run.summary)
    return headline_cards(shown, reference, DEFAULT_TARGET_MINUTES, lang, names)


def unit_comparison(run: UnitRun, lang: str, names: Names) -> html.Table:
    reference = names.policy(run.baseline)
    caption = tr("unit_footer", lang, baseline=reference)
    return rows_table(comparison_rows(run, lang), run.policies, caption, reference, lang, names)


def admissions(run: UnitRun, lang: str, names: Names) -> html.Table:
    """Each patient of replication 0's list and the block each policy admits it in."""
    inst = run.instance
    fixed = [tr(k, lang) for k in ("patient", "priority", "place", "first_block")]
    head = fixed + [names.policy(p) for p in run.policies]
    rows = [
        [
            patient.name,
            str(patient.priority),
            _place(patient.min_stay, lang),
            f"B{patient.first_block + 1}",
            *[admission_cell(plan, p, lang) for plan in run.plans.values()],
        ]
        for p, patient in enumerate(inst.patients)
    ]
    table = _table(head, rows)
    table.className = "comparison admissions"
    return table


def _timetable_pickers(run: UnitRun, policy: str, lang: str, names: Names) -> html.Div:
    return html.Div(
        [
            html.Label(tr("policy", lang)),
            dcc.Dropdown(
                id=ids.UNIT_TIMETABLE_POLICY,
                options=named_options(run.policies, names),
                value=policy,
                clearable=False,
            ),
            html.Label(tr("day", lang)),
            dcc.Dropdown(
                id=ids.UNIT_TIMETABLE_DAY,
                options=day_options(run, policy, lang),
                value=first_day(run, policy),
                clearable=False,
            ),
        ],
        className="pickers",
    )


def day_options(run: UnitRun, policy: str, lang: str) -> list[dict[str, Any]]:
    days = planned_days(run.instance, run.plans[policy])
    return [{"label": timetable_title(d, lang).split(":")[0], "value": d} for d in days]


def first_day(run: UnitRun, policy: str) -> int | None:
    days = planned_days(run.instance, run.plans[policy])
    return days[0] if days else None


def timetable_figure(run: UnitRun, policy: str, day: int | None, lang: str) -> Any:
    """The day's studies per patient (the first planned day if ``day`` is None)."""
    day = first_day(run, policy) if day is None else day
    inst = labelled_instance(run.instance, run.scenario, lang)
    return daily_timetable(inst, run.plans[policy], day if day is not None else 0, lang)
