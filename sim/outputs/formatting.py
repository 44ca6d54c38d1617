"""How numbers of a run are shown to people: stays in hours, metrics with intervals.

Shared by the terminal table (``cli``), the HTML report (``report``) and the
dashboard, so all say the same thing in the same words; which metrics, in which
order, in percent or not and under which label is the catalogue's
(``sim.outputs.catalogue``).

Numbers are written as the language writes them: a decimal comma in Spanish
(``0,06``), a point in English, and negative numbers with the typographic minus sign
(U+2212, ``−5``), never the hyphen, everywhere a number is shown (Plotly's tick labels
use the same sign). ``read_number`` reads back what a person types: either decimal
mark, either sign.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from sim.clinic import resource_keys
from sim.labels import display_names
from sim.outputs.catalogue import (
    OUTPATIENT,
    P90_HELP,
    P90_LABEL,
    Metric,
    Row,
    find,
    table_rows,
)
from sim.outputs.i18n import t
from sim.outputs.names import PLAIN, Names
from sim.scenario import Scenario

MINUS = "\u2212"  # the one minus sign of every number shown


def localised(text: str, lang: str) -> str:
    """A number written the Python way (``-0.5``) as ``lang`` writes it: ``−0,5`` in
    Spanish, ``−0.5`` in English; a number that rounds to zero loses its sign."""
    if text.startswith("-"):
        text = MINUS + text[1:] if _nonzero(text) else text[1:]
    return text.replace(".", ",") if lang == "es" else text


def signed(value: float, decimals: int, lang: str) -> str:
    """``+1,5`` / ``−1,5`` / ``0,0``: a change with its sign (none on zero)."""
    text = localised(f"{value:.{decimals}f}", lang)
    return text if text.startswith(MINUS) or not _nonzero(text) else "+" + text


def _nonzero(text: str) -> bool:
    """Whether a written number has a digit other than zero."""
    return any(c in "123456789" for c in text)


def read_number(text: str) -> float:
    """A number as a person types it: ``0,06`` or ``0.06``, ``−5`` or ``-5``, spaces
    around; ``ValueError`` for anything else (``1.000,5``, ``abc``)."""
    cleaned = str(text).strip().replace(MINUS, "-").replace(",", ".")
    return float(cleaned)


def hours(minutes: float | None) -> str:
    """215.4 → ``"3 h 35 min"``."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d} min"


def number(metric: Metric, value: float | None, lang: str = "en") -> str:
    """A metric's value as people read it: ``87%`` for a share, one decimal under 10
    (a decimal comma in Spanish), whole numbers above, and three significant figures
    from ten thousand (``221k``, ``1.5M``), so a cell fits a terminal's column."""
    if value is None:
        return "–"
    if metric.percent:
        return localised(f"{100 * value:.0f}", lang) + "%"
    return localised(_compact(value), lang)


def _compact(value: float) -> str:
    size = abs(value)
    if size < 10:
        return f"{value:.1f}"
    if size < 1e4:
        return f"{value:.0f}"
    for scale, suffix in ((1e3, "k"), (1e6, "M"), (1e9, "G")):
        text = f"{value / scale:.3g}"
        if "e" not in text:  # 999 999 rounds to 1e+03 thousands: one million
            return text + suffix
    return f"{value:.3g}"


def interval(
    metric: Metric, bounds: list[float | None], lang: str = "en", centre: float | None = None
) -> str:
    """The 95 % interval as ``±half-width`` when it is symmetric around ``centre``, or as
    its two ends ``[low, high]`` when a bound of the figure cut it (``sim.bounds``)."""
    lo, hi = bounds
    if lo is None or hi is None:
        return ""
    half = (hi - lo) / 2
    if centre is None or math.isclose(centre - lo, hi - centre, rel_tol=1e-6, abs_tol=1e-12):
        return f" ±{number(metric, half, lang)}"
    separator = "; " if lang == "es" else ", "  # a decimal comma in Spanish
    return f" [{number(metric, lo, lang)}{separator}{number(metric, hi, lang)}]"


def format_summary(metric: Metric, s: dict[str, Any], lang: str = "en") -> str:
    if s["mean"] is None:
        return "–"
    return f"{number(metric, s['mean'], lang)}{interval(metric, s['ci95'], lang, s['mean'])}"


def format_paired(metric: Metric, p: dict[str, Any], lang: str = "en") -> str:
    if p["diff"] is None:
        return "–"
    return f"{number(metric, p['diff'], lang)}{interval(metric, p['ci95'], lang, p['diff'])}"


@dataclass(frozen=True)
class ComparisonRow:
    """One row of a comparison table: a metric (or its p90) and a cell per policy, each
    the value and, for all but the baseline, the paired difference against it."""

    label: str
    sub: bool  # a row under the one above (a resource's utilisation, a p90)
    cells: list[tuple[str, str | None]]
    help: str = ""  # what the row measures (``Row.help``), for a tooltip


def comparison_rows(summary: dict[str, Any], scenario: Scenario, lang: str) -> list[ComparisonRow]:
    """The comparison table of a run, shared by the terminal, the report and the dashboard;
    metrics a run of an older version lacks are left out; a resource's rows are named by
    its label."""
    rows = table_rows(OUTPATIENT, resource_keys(scenario))
    return summary_rows(summary, rows, lang, display_names(scenario, "resource", lang))


def summary_rows(
    summary: dict[str, Any],
    rows: list[Row],
    lang: str,
    resources: dict[str, str] | None = None,
) -> list[ComparisonRow]:
    """The rows of a comparison table (``sim.outputs.catalogue``) a summary has, each
    followed by its p90 where the catalogue asks for one; a policy's cell has its paired
    difference when the summary has one for it (every policy but the baseline); a
    resource's row is named by ``resources`` (display names by id), else by its id."""
    baseline, policies = summary["baseline"], list(summary["policies"])
    present = summary["policies"][baseline]
    differences = summary.get("paired", {})
    shown = []
    for row in [r for r in rows if r.key in present]:
        cells = []
        for spec in policies:
            value = format_summary(row.metric, summary["policies"][spec][row.key], lang)
            paired = None
            if spec in differences:
                paired = format_paired(row.metric, differences[spec][row.key], lang)
            cells.append((value, paired))
        if row.resource:  # a resource's row, and its help, name it by its label
            row = replace(row, resource=(resources or {}).get(row.resource, row.resource))
        shown.append(ComparisonRow(row.label(lang), row.sub, cells, row.help(lang)))
        if row.metric.p90 and row.base:
            p90 = [
                (number(row.metric, summary["policies"][s][row.key]["p90"], lang), None)
                for s in policies
            ]
            shown.append(ComparisonRow(P90_LABEL, True, p90, P90_HELP[lang]))
    return shown


def variant_rows(
    sweep: dict[str, Any],
    variant: str,
    scenario: Scenario,
    columns: tuple[str, str],
    lang: str,
    names: Names = PLAIN,
) -> tuple[list[str], list[ComparisonRow]]:
    """A sweep's variant against its base, policy by policy: the column names (each
    policy, by its display name in ``names``, as it is and as changed, ``columns`` naming
    the two) and the comparison rows, each changed cell with its paired difference
    against the same policy in the base."""
    base = sweep["variants"]["base"]["summary"]
    changed = sweep["variants"][variant]["summary"]
    as_is, as_changed = columns
    policies: dict[str, Any] = {}
    paired: dict[str, Any] = {}
    for spec in changed["policies"]:
        shown = names.policy(spec)
        policies[f"{shown} · {as_is}"] = base["policies"][spec]
        policies[f"{shown} · {as_changed}"] = changed["policies"][spec]
        paired[f"{shown} · {as_changed}"] = sweep["paired_to_base"][variant][spec]
    combined = {"baseline": next(iter(policies)), "policies": policies, "paired": paired}
    rows = table_rows(OUTPATIENT, resource_keys(scenario))
    resources = display_names(scenario, "resource", lang)
    return list(policies), summary_rows(combined, rows, lang, resources)


def relative_change(summary: dict[str, Any], spec: str, metric: str = "los") -> dict[str, Any]:
    """The paired change of ``spec`` against the baseline as fractions of the baseline mean:
    ``{"change": -0.76, "ci95": [-0.77, -0.75]}`` (``None`` where undefined)."""
    base = summary["policies"][summary["baseline"]][metric]["mean"]
    paired = summary.get("paired", {}).get(spec, {}).get(metric)
    if not base or paired is None or paired["diff"] is None:
        return {"change": None, "ci95": [None, None]}
    bounds = [None if b is None else b / base for b in paired["ci95"]]
    return {"change": paired["diff"] / base, "ci95": bounds}


def decomposition_lines(summary: dict[str, Any], lang: str) -> list[str]:
    """Where the gain comes from, a line per step: ``fifo → fifo:appointment: stay
    −170.0 [−175.0, −165.0] · wait … · overtime … · cost …``."""
    lines = []
    for step in summary.get("decomposition", []):
        parts = []
        for name, paired in step["paired"].items():
            parts.append(f"{find(name).label[lang]} {signed_interval(paired, lang)}")
        lines.append(f"{step['from']} → {step['to']}: " + " · ".join(parts))
    return lines


def signed_interval(paired: dict[str, Any], lang: str = "en") -> str:
    """``−1.8 [−2.2, −1.5]`` (``−1,8 [−2,2; −1,5]`` in Spanish; ``–`` where undefined)."""
    if paired["diff"] is None:
        return "–"
    lo, hi = paired["ci95"]
    text = signed(paired["diff"], 1, lang)
    if lo is None or hi is None:
        return text
    separator = "; " if lang == "es" else ", "
    return f"{text} [{signed(lo, 1, lang)}{separator}{signed(hi, 1, lang)}]"


def signed_percent(fraction: float, lang: str) -> str:
    """A relative change as people read it: ``−76 %`` (``+3 %``)."""
    return f"{signed(100 * fraction, 0, lang)} %"


def headline(summary: dict[str, Any], spec: str, lang: str) -> str:
    """``Mean stay with mip: 0 h 56 min [95 % CI: …] (-76 %)``."""
    los = summary["policies"][spec]["los"]
    if los["mean"] is None:
        return t("headline_none", lang, policy=spec)
    lo, hi = los["ci95"]
    key = "headline" if lo is not None else "headline_no_ci"
    line = t(key, lang, policy=spec, value=hours(los["mean"]), lo=hours(lo), hi=hours(hi))
    change = relative_change(summary, spec)["change"]
    if spec != summary["baseline"] and change is not None:
        line += f" ({signed_percent(change, lang)})"
    return line
