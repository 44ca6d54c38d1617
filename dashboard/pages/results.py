"""The results page (``/results?run=ID``): a stored run's headline, table and figures.

``ID`` names a run of the store's index (``dashboard.runs.run_id``); a sweep
shows each metric against the swept values and links to its variants
(``&variant=NAME``), a sweep of one setting over several values (the scenario page's
"vary a value") against the value with the current value marked; a staffing search
(``staffing.json``) shows its answer and evidence (``dashboard.components.variants``);
a unit's run (a day or week hospital) shows its comparison, admissions, calendars, use
per block and timetables (``dashboard.components.unit``). Tables can be downloaded as
CSV and the run as the HTML report, in the page's language.
Policies, steps and resources are shown by their display names
(``sim.models.names.run_names``), each policy's explanation as its tooltip; the command
that gives the same numbers is shown as code, to be copied.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import figures, ids
from dashboard.components.controls import describe
from dashboard.components.headlines import headline_cards, parse_target_hours, target_picker
from dashboard.components.help import named
from dashboard.components.results import comparison_table, downloads, rows_table
from dashboard.components.unit import day_options, first_day, timetable_figure, unit_results
from dashboard.components.variants import single_setting, staffing_view, variants_view
from dashboard.context import page_language, settings
from dashboard.i18n import checked_lang, tr
from dashboard.policy_offer import named_options, policy_name
from dashboard.runs import find_run, open_run
from dashboard.whatif import controls_of, shown_value
from sim.distributions import Fixed
from sim.experiments.sweep import BASE, folder_name, short_name
from sim.experiments.unit_runner import UnitRun
from sim.models.names import run_names
from sim.outputs.catalogue import sweep_metrics
from sim.outputs.formatting import format_summary, variant_rows
from sim.outputs.headline import DEFAULT_TARGET_MINUTES, policy_headlines, variant_headlines
from sim.outputs.names import Names
from sim.outputs.report import render
from sim.outputs.rundir import RunData, StaffingData
from sim.outputs.unit_figures import occupancy_per_block, studies_per_block
from sim.outputs.unit_report import render_unit
from sim.problems import ScenarioError

PLOT_CONFIG = {"displaylogo": False}


def layout(run: str | None = None, variant: str | None = None, **_query: Any) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.RESULTS_LANG),
            dcc.Store(id=ids.RUN_REF, data={"run": run, "variant": variant}),
            html.Div(id=ids.RESULTS),
        ],
        id=ids.RESULTS_PAGE,
    )


dash.register_page(__name__, path="/results", name="results", title="clinicsim", layout=layout)
page_language(ids.RESULTS_LANG)


def locate(ref: Any) -> Path | None:
    """The folder a page's reference names, only if the store's index lists it."""
    if not isinstance(ref, dict) or not isinstance(ref.get("run"), str):
        return None
    folder = find_run(settings(), ref["run"])
    variant = ref.get("variant")
    if folder is None or not variant:
        return folder
    sweep = open_run(folder)
    if not isinstance(sweep, dict) or variant not in sweep["variants"]:
        return None
    return folder / "variants" / folder_name(str(variant))


@lru_cache(maxsize=4)
def _load(folder: str, stamp: float) -> RunData | UnitRun | StaffingData | dict[str, Any]:
    return open_run(Path(folder))


def load(folder: Path) -> RunData | UnitRun | StaffingData | dict[str, Any]:
    """A run's data, read once per version of its summary (runs can be large)."""
    markers = [folder / name for name in ("sweep.json", "staffing.json", "summary.json")]
    marker = next((m for m in markers if m.is_file()), markers[-1])
    stamp = marker.stat().st_mtime if marker.is_file() else 0.0
    return _load(str(folder), stamp)


@callback(
    Output(ids.RESULTS, "children"), Input(ids.RUN_REF, "data"), Input(ids.RESULTS_LANG, "data")
)
def show(ref: Any, lang: Any) -> Any:
    lang = checked_lang(lang)
    folder = locate(ref)
    if folder is None:
        return html.P(tr("no_run", lang), className="note")
    try:
        data = load(folder)
    except ScenarioError as exc:
        return html.Div(
            [html.P(tr("run_missing", lang, run=folder.name)), html.Pre(str(exc))],
            className="message",
        )
    if isinstance(data, dict):
        return _sweep_view(data, ref, lang)
    if isinstance(data, StaffingData):
        return staffing_view(data, lang)
    if isinstance(data, UnitRun):
        return unit_results(data, lang)
    return _run_view(data, lang)


def _graph(fig: Any, graph_id: str | None = None) -> dcc.Graph:
    extra = {"id": graph_id} if graph_id else {}
    return dcc.Graph(figure=fig, config=PLOT_CONFIG, **extra)


def _names(data: RunData, lang: str) -> Names:
    return run_names(data.scenario, data.policies, lang)


def _run_view(data: RunData, lang: str, headlines: bool = True) -> html.Div:
    """A run's headline cards (unless another view shows its own), table and figures."""
    summary = data.summary
    names = _names(data, lang)
    title = tr(
        "title", lang, scenario=summary["scenario"], reps=summary["reps"], seed=summary["seed"]
    )
    sections: list[Any] = [html.H2(title), _provenance(data)]
    if headlines and "patients" in data.tables:
        sections += [
            target_picker(DEFAULT_TARGET_MINUTES, lang),
            _policy_cards(data, DEFAULT_TARGET_MINUTES, lang),
        ]
    sections += [
        downloads(lang),
        html.H2(tr("comparison", lang)),
        comparison_table(data, lang, names),
    ]
    if all(name in data.tables for name in ("patients", "steps", "resources", "plans")):
        sections += _figure_sections(data, lang, names)
    return html.Div(sections)


def _provenance(data: RunData) -> html.P:
    """When the run was made, and the command line that gives the same numbers (as code:
    it is to be copied, ids and all)."""
    created = data.info.get("created", "")
    command = " ".join(data.info.get("command", []))
    return html.P([f"{created} · ", html.Code(command)], className="meta")


def _policy_cards(data: RunData, target_minutes: float, lang: str) -> html.Div:
    shown = policy_headlines(data.summary, data.tables["patients"], target_minutes)
    names = _names(data, lang)
    return headline_cards(shown, names.policy(data.baseline), target_minutes, lang, names)


def _figure_sections(data: RunData, lang: str, names: Names) -> list[Any]:
    sections: list[Any] = [
        html.Div(
            [_graph(figures.stay(data, lang, names)), _graph(figures.waiting(data, lang, names))],
            className="pair",
        ),
        html.Div(
            [
                _graph(figures.access(data, lang, names)),
                _graph(figures.waiting_steps(data, lang, names)),
            ],
            className="pair",
        ),
        _graph(figures.queue(data, lang, names)),
        _heatmap_section(data, lang, names),
        _gantt_section(data, lang, names),
        _replay_section(data, lang, names),
        _graph(figures.utilisation(data, lang, names)),
    ]
    plan = figures.plan_against_outcome(data, lang, names)
    if plan is not None:
        sections.append(_graph(plan))
    booking = figures.booking(data, lang, names)
    if booking is not None:
        sections.insert(2, _graph(booking, ids.BOOKING))
    return sections


def _heatmap_section(data: RunData, lang: str, names: Names) -> html.Div:
    policy = data.policies[-1]
    return html.Div(
        [
            html.Label(tr("policy", lang)),
            dcc.Dropdown(
                id=ids.HEATMAP_POLICY,
                options=named_options(data.policies, names),
                value=policy,
                clearable=False,
            ),
            _graph(figures.heatmap(data, policy, lang, names), ids.HEATMAP),
        ],
        className="picked",
    )


def _gantt_section(data: RunData, lang: str, names: Names) -> html.Div:
    choice = figures.day_choices(data)
    if choice.default is None:
        return html.Div()
    rep, day = choice.default
    return html.Div(
        [
            html.H3(tr("gantt_pick", lang)),
            html.Div(
                [
                    html.Label(tr("policy", lang)),
                    dcc.Dropdown(
                        id=ids.GANTT_POLICY,
                        options=named_options(data.policies, names),
                        value=data.baseline,
                        clearable=False,
                    ),
                    html.Label(tr("replication", lang)),
                    dcc.Dropdown(
                        id=ids.GANTT_REP,
                        options=[{"label": str(r + 1), "value": r} for r in choice.reps],
                        value=rep,
                        clearable=False,
                    ),
                    html.Label(tr("day", lang)),
                    dcc.Dropdown(
                        id=ids.GANTT_DAY,
                        options=_day_options(choice.days.get(rep, [])),
                        value=day,
                        clearable=False,
                    ),
                ],
                className="pickers",
            ),
            _graph(figures.gantt(data, data.baseline, rep, day, lang, names), ids.GANTT),
        ],
        className="picked",
    )


def _replay_section(data: RunData, lang: str, names: Names) -> html.Div:
    """The Gantt's day, animated: it follows the Gantt's pickers, so that the chart and
    its replay always show the same day."""
    choice = figures.day_choices(data)
    if choice.default is None:
        return html.Div()
    rep, day = choice.default
    return html.Div(
        [
            html.H3(tr("replay_title", lang)),
            html.P(tr("replay_note", lang), className="note"),
            _graph(figures.replay(data, data.baseline, rep, day, lang, names), ids.REPLAY),
        ],
        className="picked",
    )


def _day_options(days: list[int]) -> list[dict[str, Any]]:
    return [{"label": str(d + 1), "value": d} for d in days]


def _sweep_view(sweep: dict[str, Any], ref: dict[str, Any], lang: str) -> html.Div:
    variants = list(sweep["variants"])
    if len(variants) == 2:
        return _whatif_view(sweep, ref, lang)
    base = _variant_data(ref, BASE)
    if single_setting(sweep) is not None and base is not None:
        return variants_view(sweep, ref["run"], base, lambda n: _variant_data(ref, n), lang)
    shown = sweep_metrics("dashboard")
    rows = [
        html.Tr(
            [html.Th(tr("variant", lang)), html.Th(tr("policy", lang))]
            + [html.Th(named(m.label[lang], m.help[lang])) for m in shown]
            + [html.Th("")]
        )
    ]
    specs = list(sweep["variants"][variants[0]]["summary"]["policies"])
    names = run_names(_sweep_scenario(ref), specs, lang)
    for name in variants:
        entry = sweep["variants"][name]["summary"]
        link = dcc.Link(
            tr("open_variant", lang),
            href=f"/results?run={ref['run']}&variant={quote(name, safe='')}",
        )
        for spec, values in entry["policies"].items():
            cells = [html.Td(format_summary(m, values[m.name], lang)) for m in shown]
            shown = html.Td(policy_name(spec, names))
            rows.append(html.Tr([html.Th(short_name(name)), shown, *cells, html.Td(link)]))
    return html.Div(
        [
            html.H2(tr("sweep_title", lang, n=len(variants))),
            html.Table(html.Tbody(rows), className="comparison"),
            *[_graph(fig) for fig in figures.sweep_figures(sweep, lang, names)],
        ]
    )


def _sweep_scenario(ref: dict[str, Any]) -> Any:
    """The scenario of a sweep's base (its policies' registry and its labels), or None."""
    base = _variant_data(ref, BASE)
    return base.scenario if base is not None else None


# ---------------------------------------------------------------- as it is against as changed


def _variant_data(ref: dict[str, Any], name: str) -> RunData | None:
    """A sweep's variant's run, if its directory holds one whole (a large sweep keeps
    each variant's summary only)."""
    folder = locate({"run": ref["run"], "variant": name})
    if folder is None or not (folder / "patients.parquet").is_file():
        return None
    data = load(folder)
    return data if isinstance(data, RunData) else None


def _whatif_view(sweep: dict[str, Any], ref: dict[str, Any], lang: str) -> html.Div:
    """The clinic as changed against the clinic as it is: the changes, the headline
    cards and the table per policy with paired differences, then the changed clinic's
    own figures."""
    changed_name = list(sweep["variants"])[1]
    base, changed = _variant_data(ref, BASE), _variant_data(ref, changed_name)
    if base is None or changed is None:
        return html.P(tr("no_run", lang), className="note")
    columns = (tr("as_is_short", lang), tr("changed_short", lang))
    names = _names(changed, lang)
    shown, rows = variant_rows(sweep, changed_name, base.scenario, columns, lang, names)
    open_base = f"/results?run={ref['run']}&variant={BASE}"
    return html.Div(
        [
            html.H2(tr("whatif_title", lang, reps=sweep["reps"], seed=sweep["seed"])),
            _provenance(changed),
            html.H3(tr("whatif_changes", lang)),
            _change_lines(sweep["variants"][changed_name]["overrides"], base, lang),
            target_picker(DEFAULT_TARGET_MINUTES, lang),
            _variant_cards(sweep, base, changed, DEFAULT_TARGET_MINUTES, lang),
            html.H2(tr("comparison", lang)),
            rows_table(
                rows,
                shown,
                tr("whatif_footer", lang),
                tr("as_is", lang),
                lang,
                _column_names(names, shown),
            ),
            dcc.Link(tr("open_base", lang), href=open_base),
            html.H2(tr("whatif_details", lang)),
            _run_view(changed, lang, headlines=False),
        ]
    )


def _column_names(names: Names, columns: list[str]) -> Names:
    """The what-if table's columns (``Orden de llegada · como es``, two per policy, in the
    policies' order) with the explanation of their policy as the tooltip."""
    specs = [spec for spec in names.policies for _ in range(2)]
    helps = {column: names.explanation(spec) for column, spec in zip(columns, specs, strict=False)}
    return Names(explanations=helps)


def _variant_cards(
    sweep: dict[str, Any], base: RunData, changed: RunData, target_minutes: float, lang: str
) -> html.Div:
    changed_name = list(sweep["variants"])[1]
    shown = variant_headlines(
        base.summary,
        changed.summary,
        sweep["paired_to_base"][changed_name],
        base.tables["patients"],
        changed.tables["patients"],
        target_minutes,
    )
    return headline_cards(shown, tr("as_is", lang), target_minutes, lang, _names(changed, lang))


def _change_lines(overrides: list[str], base: RunData, lang: str) -> html.Ul:
    """Each change as ``Técnico · lun: 4 → 5`` (the override itself when no control of
    the page has its key)."""
    controls = {c.key: c for c in controls_of(base.scenario, _raw_punctuality(base))}
    items = []
    for override in overrides:
        key, _, value = override.partition("=")
        control = controls.get(key)
        if control is None:
            items.append(html.Li(override))
            continue
        was, now = shown_value(control, lang), shown_value(control, lang, value.strip('"'))
        line = f"{describe(control, base.scenario, lang)}: {was} → {now}"
        items.append(html.Li(line))
    return html.Ul(items, className="whatif-changes")


def _raw_punctuality(base: RunData) -> dict[str, Any]:
    """The part of a scenario's file its punctuality control is read from (whether the
    field is a distribution's mean or fixed minutes)."""
    punctuality = base.scenario.behaviour.punctuality
    fixed = isinstance(punctuality, Fixed)
    return {"behaviour": {"punctuality": punctuality.value if fixed else punctuality.model_dump()}}


@callback(
    Output(ids.HEADLINES, "children"),
    Output(ids.TARGET_MESSAGE, "children"),
    Input(ids.TARGET_STAY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def retarget(text: Any, ref: Any, lang: Any) -> tuple[Any, str]:
    """The cards again for the service level's new target stay."""
    lang = checked_lang(lang)
    target = parse_target_hours(text)
    if target is None:
        return no_update, tr("expect_target", lang)
    data = _stored(ref)
    if isinstance(data, RunData):
        return _policy_cards(data, target, lang).children, ""
    if isinstance(data, dict) and len(data["variants"]) == 2:
        changed_name = list(data["variants"])[1]
        base, changed = _variant_data(ref, BASE), _variant_data(ref, changed_name)
        if base is not None and changed is not None:
            return _variant_cards(data, base, changed, target, lang).children, ""
    return no_update, ""


# ---------------------------------------------------------------- pickers and downloads


def _current(ref: Any) -> RunData | None:
    """The run whose figures and downloads the page shows: the run, or the clinic as
    changed of a what-if."""
    data = _stored(ref)
    if isinstance(data, dict) and len(data["variants"]) == 2:
        return _variant_data(ref, list(data["variants"])[1])
    return data if isinstance(data, RunData) else None


def _current_unit(ref: Any) -> UnitRun | None:
    data = _stored(ref)
    return data if isinstance(data, UnitRun) else None


def _stored(ref: Any) -> RunData | UnitRun | StaffingData | dict[str, Any] | None:
    folder = locate(ref)
    return None if folder is None else load(folder)


@callback(
    Output(ids.UNIT_OCCUPANCY, "figure"),
    Output(ids.UNIT_STUDIES, "figure"),
    Input(ids.UNIT_BLOCK_POLICY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def unit_blocks(policy: Any, ref: Any, lang: Any) -> tuple[Any, Any]:
    run = _current_unit(ref)
    if run is None or policy not in run.policies:
        return no_update, no_update
    lang, blocks = checked_lang(lang), run.tables["blocks"]
    names = run_names(run.scenario, run.policies, lang)
    return (
        occupancy_per_block(run.instance, blocks, policy, run.reps, lang, names),
        studies_per_block(run.instance, blocks, policy, lang, names),
    )


@callback(
    Output(ids.UNIT_TIMETABLE_DAY, "options"),
    Output(ids.UNIT_TIMETABLE_DAY, "value"),
    Input(ids.UNIT_TIMETABLE_POLICY, "value"),
    State(ids.UNIT_TIMETABLE_DAY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def unit_days(policy: Any, day: Any, ref: Any, lang: Any) -> tuple[Any, Any]:
    """The days the policy's plan has studies on; the day shown stays if it has any."""
    run = _current_unit(ref)
    if run is None or policy not in run.policies:
        return no_update, no_update
    options = day_options(run, policy, checked_lang(lang))
    days = [o["value"] for o in options]
    return options, (day if day in days else first_day(run, policy))


@callback(
    Output(ids.UNIT_TIMETABLE, "figure"),
    Input(ids.UNIT_TIMETABLE_POLICY, "value"),
    Input(ids.UNIT_TIMETABLE_DAY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def unit_timetable(policy: Any, day: Any, ref: Any, lang: Any) -> Any:
    run = _current_unit(ref)
    if run is None or policy not in run.policies:
        return no_update
    return timetable_figure(run, policy, None if day is None else int(day), checked_lang(lang))


@callback(
    Output(ids.GANTT_DAY, "options"),
    Output(ids.GANTT_DAY, "value"),
    Input(ids.GANTT_REP, "value"),
    State(ids.GANTT_DAY, "value"),
    State(ids.RUN_REF, "data"),
    prevent_initial_call=True,
)
def gantt_days(rep: Any, day: Any, ref: Any) -> tuple[Any, Any]:
    data = _current(ref)
    if data is None or rep is None:
        return no_update, no_update
    days = figures.day_choices(data).days.get(int(rep), [])
    return _day_options(days), (day if day in days else (days[0] if days else None))


@callback(
    Output(ids.GANTT, "figure"),
    Output(ids.REPLAY, "figure"),
    Input(ids.GANTT_POLICY, "value"),
    Input(ids.GANTT_REP, "value"),
    Input(ids.GANTT_DAY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def day_figures(policy: Any, rep: Any, day: Any, ref: Any, lang: Any) -> tuple[Any, Any]:
    """The Gantt chart of the day the pickers choose, and its replay: the same day."""
    data = _current(ref)
    if data is None or policy not in data.policies or rep is None or day is None:
        return no_update, no_update
    lang, names = checked_lang(lang), _names(data, checked_lang(lang))
    return (
        figures.gantt(data, policy, int(rep), int(day), lang, names),
        figures.replay(data, policy, int(rep), int(day), lang, names),
    )


@callback(
    Output(ids.HEATMAP, "figure"),
    Input(ids.HEATMAP_POLICY, "value"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def heatmap(policy: Any, ref: Any, lang: Any) -> Any:
    data = _current(ref)
    if data is None or policy not in data.policies:
        return no_update
    lang = checked_lang(lang)
    return figures.heatmap(data, policy, lang, _names(data, lang))


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_SUMMARY, "n_clicks"),
    Input(ids.DOWNLOAD_PATIENTS, "n_clicks"),
    Input(ids.DOWNLOAD_REPORT, "n_clicks"),
    State(ids.RUN_REF, "data"),
    State(ids.RESULTS_LANG, "data"),
    prevent_initial_call=True,
)
def download(
    summary_clicks: Any, patients_clicks: Any, report_clicks: Any, ref: Any, lang: Any
) -> Any:
    trigger = dash.ctx.triggered_id
    if not dash.ctx.triggered or not dash.ctx.triggered[0].get("value"):
        return no_update
    unit = _current_unit(ref)
    if unit is not None:
        return _unit_download(trigger, unit, checked_lang(lang))
    data = _current(ref)
    if data is None:
        return no_update
    name = str(data.summary["scenario"]).replace(" ", "_")
    if trigger == ids.DOWNLOAD_SUMMARY:
        table = figures.summary_table(data.summary)
        return dcc.send_data_frame(table.to_csv, f"{name}-summary.csv", index=False)
    if trigger == ids.DOWNLOAD_PATIENTS:
        return dcc.send_data_frame(
            data.tables["patients"].to_csv, f"{name}-patients.csv", index=False
        )
    lang = checked_lang(lang)
    content = render(data, lang, _names(data, lang))
    return {"content": content, "filename": f"{name}-report.html"}


def _unit_download(trigger: Any, run: UnitRun, lang: str) -> Any:
    name = str(run.summary["scenario"]).replace(" ", "_")
    if trigger == ids.DOWNLOAD_SUMMARY:
        table = figures.summary_table(run.summary)
        return dcc.send_data_frame(table.to_csv, f"{name}-summary.csv", index=False)
    if trigger == ids.DOWNLOAD_PATIENTS:
        patients = run.tables["patients"]
        return dcc.send_data_frame(patients.to_csv, f"{name}-patients.csv", index=False)
    content = render_unit(run, lang, run_names(run.scenario, run.policies, lang))
    return {"content": content, "filename": f"{name}-report.html"}
