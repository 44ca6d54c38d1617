"""The results of the run panel's two what-if questions.

- One setting over several values (a sweep whose variants each set the same one key,
  ``clinicsim run --sweep KEY=V1,V2,...``): each key figure against the value with its
  95 % interval, a line per policy, the current value marked; then a table per policy,
  a column per value, each cell with its paired difference from the current value.
- The fewest staff for a target (``staffing.json``): the question, the answer and its
  evidence, each count tried with its estimate, interval, one-sided bound and whether
  it meets the target, as ``clinicsim staff`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from dash import dcc, html

from dashboard import figures
from dashboard.components.controls import describe
from dashboard.components.results import rows_table
from dashboard.i18n import tr, weekday
from dashboard.modes import STATISTICS
from dashboard.policy_offer import policy_name
from dashboard.whatif import Control, controls_of, parse_value, same_value, shown_value
from policies import REGISTRY
from policies.base import spec_title
from sim.experiments.staffing import parse_target
from sim.experiments.sweep import BASE
from sim.models.names import run_names
from sim.outputs.catalogue import Row, find, sweep_metrics
from sim.outputs.formatting import localised, summary_rows
from sim.outputs.names import Names
from sim.outputs.rundir import RunData, StaffingData

PLOT_CONFIG = {"displaylogo": False}


# ---------------------------------------------------------------- one setting, several values


def single_setting(sweep: Mapping[str, Any]) -> str | None:
    """The key every variant but the base sets, when each sets that one key only."""
    keys = {
        override.partition("=")[0]
        for name, entry in sweep["variants"].items()
        if name != BASE
        for override in entry["overrides"]
    }
    counts = {len(e["overrides"]) for n, e in sweep["variants"].items() if n != BASE}
    return next(iter(keys)) if len(keys) == 1 and counts == {1} else None


@dataclass(frozen=True)
class Axis:
    """The values a sweep of one setting shows, in order: the variants, each one's label,
    and the one that is the clinic as it is (``current``, marked)."""

    variants: list[str]
    labels: dict[str, str]
    current: str
    control: Control | None


def value_axis(sweep: Mapping[str, Any], key: str, base: RunData, lang: str) -> Axis:
    """The sweep's values, sorted when they can be compared, the current one marked: the
    variant whose value is the base's (then the base itself is not shown twice), or
    else the base at the base's value."""
    control = next((c for c in controls_of(base.scenario, {}) if c.key == key), None)
    values = {
        name: entry["overrides"][0].partition("=")[2].strip('"')
        for name, entry in sweep["variants"].items()
        if name != BASE
    }
    if control is None:
        order = [BASE, *values]
        labels = {
            BASE: tr("as_is_short", lang),
            **{n: _shown(v, None, lang) for n, v in values.items()},
        }
        return Axis(order, labels, BASE, None)
    matching = [n for n, v in values.items() if same_value(control.kind, v, control.base)]
    current = matching[0] if matching else BASE
    if not matching:
        values = {BASE: control.base, **values}
    order = _sorted(values, control)
    labels = {n: _shown(v, control, lang) for n, v in values.items()}
    labels[current] = tr("current_mark", lang, value=labels[current])
    return Axis(order, labels, current, control)


def _sorted(values: Mapping[str, str], control: Control) -> list[str]:
    parsed = {n: parse_value(control.kind, v)[0] for n, v in values.items()}
    if any(p is None for p in parsed.values()):
        return list(values)
    return sorted(values, key=lambda n: parsed[n])


def _shown(value: str, control: Control | None, lang: str) -> str:
    """A value as the page writes it (a decimal comma in Spanish, the minus sign)."""
    if control is None:
        return value
    return shown_value(control, lang, value)


def variants_view(
    sweep: Mapping[str, Any],
    run: str,
    base: RunData,
    variant_data: Callable[[str], RunData | None],
    lang: str,
) -> html.Div:
    """Each key figure against the setting's values, then the table per policy, then a
    link to each value's own results (where its records were kept)."""
    key = single_setting(sweep)
    assert key is not None
    axis = value_axis(sweep, key, base, lang)
    setting = key if axis.control is None else describe(axis.control, base.scenario, lang)
    opened = {name: variant_data(name) for name in axis.variants}
    patients = {n: d.tables["patients"] for n, d in opened.items() if d and "patients" in d.tables}
    title = tr(
        "variants_title",
        lang,
        setting=setting,
        n=len(axis.variants),
        reps=sweep["reps"],
        seed=sweep["seed"],
    )
    specs = list(sweep["variants"][axis.variants[0]]["summary"]["policies"])
    names = run_names(base.scenario, specs, lang)
    graphs = figures.variant_figures(
        sweep, axis.variants, axis.labels, axis.current, patients, lang, names
    )
    return html.Div(
        [
            html.H2(title),
            html.P(html.Code(" ".join(base.info.get("command", []))), className="meta"),
            html.H3(tr("variants_figures", lang)),
            html.P(tr("variants_note", lang), className="note"),
            html.Div(
                [dcc.Graph(figure=fig, config=PLOT_CONFIG) for fig in graphs],
                className="variant-figures",
            ),
            html.H2(tr("comparison", lang)),
            *_tables(sweep, axis, lang, names),
            _links(run, axis, [n for n, d in opened.items() if d is not None], lang),
        ],
        className="variants",
    )


def _tables(sweep: Mapping[str, Any], axis: Axis, lang: str, names: Names) -> list[Any]:
    """A table per policy (by its display name): a row per sweep metric, a column per
    value."""
    first = sweep["variants"][axis.variants[0]]["summary"]
    rows = [Row(m.name, m) for m in sweep_metrics("dashboard")]
    shown: list[Any] = []
    for spec in first["policies"]:
        policies = {
            axis.labels[v]: sweep["variants"][v]["summary"]["policies"][spec] for v in axis.variants
        }
        paired = {
            axis.labels[v]: sweep["paired_to_base"][v][spec]
            for v in axis.variants
            if v not in (BASE, axis.current)
        }
        combined = {"baseline": axis.labels[axis.current], "policies": policies, "paired": paired}
        table_rows = summary_rows(combined, rows, lang)
        shown += [
            html.H3([f"{tr('policy', lang)}: ", policy_name(spec, names)]),
            rows_table(
                table_rows,
                list(policies),
                tr("variants_footer", lang),
                axis.labels[axis.current],
                lang,
            ),
        ]
    return shown


def _links(run: str, axis: Axis, openable: list[str], lang: str) -> html.P:
    links: list[Any] = [tr("open_variant", lang) + ": "]
    for name in axis.variants:
        if name in openable:
            href = f"/results?run={run}&variant={quote(name, safe='')}"
            links += [dcc.Link(axis.labels[name], href=href), " "]
    return html.P(links, className="variant-links")


# ---------------------------------------------------------------- the fewest staff


def staffing_view(data: StaffingData, lang: str) -> html.Div:
    """The question, the answer (or that no count tried meets the target) and the
    evidence table, a row per count tried, the answer's row marked."""
    search = data.search
    resource = (
        search.get("resource_names", {}).get(lang)
        or search.get("resource_name")
        or search["resource"]
    )
    day = f" · {weekday(search['weekday'], lang)}" if search.get("weekday") else ""
    low, high = search.get("range") or [None, None]
    answer = search["answer"]
    if answer is None:
        said = tr("staff_none", lang, resource=resource, range=f"{low}..{high}")
    else:
        said = tr("staff_answer", lang, resource=resource, count=answer)
    question = tr(
        "staffing_question",
        lang,
        target=target_sentence(search["target"], lang),
        policy=spec_title(search["policy"], REGISTRY, lang),
        reps=search["reps"],
        low=low,
        high=high,
    )
    return html.Div(
        [
            html.H2(tr("staffing_title", lang, resource=resource, day=day)),
            html.P(
                [f"{search.get('created', '')} · ", html.Code(" ".join(search.get("command", [])))],
                className="meta",
            ),
            html.P(question, className="staffing-question"),
            html.P(said, className="staffing-answer"),
            evidence_table(search, lang),
        ],
        className="staffing",
    )


def target_sentence(text: str, lang: str) -> str:
    """``wait.p90 <= 30`` as the form says it: ``el p90 (9 de cada 10) de Espera total
    (min) sea como máximo 30``."""
    target = parse_target(text)
    statistic = tr(f"statistic_{target.statistic}", lang) if target.statistic in STATISTICS else ""
    operator = tr("at_most" if target.operator == "<=" else "at_least", lang)
    label = _metric_label(target.metric, lang)
    percent = _percent(target.metric)
    value = localised(f"{100 * target.value:g}" if percent else f"{target.value:g}", lang)
    value += " %" if percent else ""
    return " ".join(x for x in (statistic, label, operator, value) if x)


def evidence_table(search: Mapping[str, Any], lang: str) -> html.Table:
    metric = parse_target(search["target"]).metric
    heads = ("staff_count", "staff_estimate", "staff_ci", "staff_bound", "staff_meets")
    head = html.Tr([html.Th(tr(key, lang)) for key in heads])
    separator = "; " if lang == "es" else ", "
    body = []
    for c in search["candidates"]:
        lo, hi = c["ci95"]
        interval = "–" if lo is None else f"[{_figure(metric, lo, lang)}{separator}"
        interval += "" if lo is None else f"{_figure(metric, hi, lang)}]"
        cells = [
            str(c["count"]),
            _figure(metric, c["estimate"], lang),
            interval,
            _figure(metric, c["bound"], lang),
            tr("yes" if c["meets"] else "no", lang),
        ]
        marked = "answer" if c["count"] == search["answer"] else ""
        body.append(html.Tr([html.Td(x) for x in cells], className=marked))
    confidence = round(100 * float(search.get("confidence", 0.95)))
    caption = html.Caption(tr("staff_footer", lang, confidence=confidence))
    return html.Table([caption, html.Tbody([head, *body])], className="comparison evidence")


def _metric_label(metric: str, lang: str) -> str:
    try:
        return find(metric).label[lang]
    except KeyError:
        return metric


def _figure(metric: str, value: float | None, lang: str) -> str:
    """A number of the target's metric: one decimal (a decimal comma in Spanish), a
    share in percent."""
    if value is None:
        return "–"
    if _percent(metric):
        return localised(f"{100 * value:.1f}", lang) + " %"
    return localised(f"{value:.1f}", lang)


def _percent(metric: str) -> bool:
    try:
        return find(metric).percent
    except KeyError:
        return False
