"""How numbers of a run are shown to people: stays in hours, metrics with intervals.

Shared by the terminal table (``cli``) and the HTML report (``report``), so both
say the same thing in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.clinic import resource_keys
from sim.metrics import BOOKING_METRICS
from sim.outputs.i18n import t
from sim.scenario import Scenario

TABLE_METRICS = (
    "los",
    "wait",
    "wait_first",
    "access_days",
    "access_days_vulnerable",
    "fs",
    "utilisation",
    "overtime",
    "served",
    "unserved",
    "no_show",
    "cancelled",
    "unbooked",
)
P90_METRICS = ("los", "wait")
# after the others, with a booking process (access by priority goes under access_days)
BOOKING_TABLE_METRICS = tuple(m for m in BOOKING_METRICS if not m.startswith("access_days"))
PERCENT_METRICS = ("offer_acceptance", "refill_rate")


def hours(minutes: float | None) -> str:
    """215.4 → ``"3 h 35 min"``."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d} min"


def table_metrics(scenario: Scenario) -> list[str]:
    """The rows of a comparison table: utilisation is followed by one row per resource."""
    resources = resource_keys(scenario)
    split = TABLE_METRICS.index("utilisation") + 1
    rows = [
        *TABLE_METRICS[:split],
        *[f"utilisation.{r}" for r in resources],
        *TABLE_METRICS[split:],
    ]
    if scenario.booking is None:
        return rows
    access = rows.index("access_days") + 1
    by_priority = [f"access_days.p{w}" for w in (3, 2, 1)]
    return [*rows[:access], *by_priority, *rows[access:], *BOOKING_TABLE_METRICS]


def metric_label(metric: str, lang: str) -> str:
    base, _, part = metric.partition(".")
    if base == "access_days" and part.startswith("p"):
        return t("wait_blocks_priority", lang, priority=part[1:])
    return f"  {part}" if part else t(base, lang)


def number(metric: str, value: float | None, lang: str = "en") -> str:
    """A metric's value as people read it: ``87%`` for utilisation, one decimal under 10
    (a decimal comma in Spanish), whole numbers above."""
    if value is None:
        return "–"
    if metric.startswith("utilisation") or metric in PERCENT_METRICS:
        return f"{100 * value:.0f}%"
    text = f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"
    return text.replace(".", ",") if lang == "es" else text


def interval(metric: str, bounds: list[float | None], lang: str = "en") -> str:
    """The 95 % interval as ``±half-width`` (t intervals are symmetric)."""
    lo, hi = bounds
    if lo is None or hi is None:
        return ""
    return f" ±{number(metric, (hi - lo) / 2, lang)}"


def format_summary(metric: str, s: dict[str, Any], lang: str = "en") -> str:
    if s["mean"] is None:
        return "–"
    return f"{number(metric, s['mean'], lang)}{interval(metric, s['ci95'], lang)}"


def format_paired(metric: str, p: dict[str, Any], lang: str = "en") -> str:
    if p["diff"] is None:
        return "–"
    return f"{number(metric, p['diff'], lang)}{interval(metric, p['ci95'], lang)}"


@dataclass(frozen=True)
class ComparisonRow:
    """One row of a comparison table: a metric (or its p90) and a cell per policy, each
    the value and, for all but the baseline, the paired difference against it."""

    label: str
    sub: bool  # a row under the one above (a resource's utilisation, a p90)
    cells: list[tuple[str, str | None]]


def comparison_rows(summary: dict[str, Any], scenario: Scenario, lang: str) -> list[ComparisonRow]:
    """The comparison table of a run, shared by the terminal, the report and the dashboard;
    metrics a run of an older version lacks are left out."""
    baseline, policies = summary["baseline"], list(summary["policies"])
    present = summary["policies"][baseline]
    rows = []
    for metric in [m for m in table_metrics(scenario) if m in present]:
        cells = []
        for spec in policies:
            value = format_summary(metric, summary["policies"][spec][metric], lang)
            paired = None
            if spec != baseline:
                paired = format_paired(metric, summary["paired"][spec][metric], lang)
            cells.append((value, paired))
        label = metric_label(metric, lang)
        rows.append(ComparisonRow(label.strip(), label.startswith(" "), cells))
        if metric in P90_METRICS:
            p90 = [
                (number(metric, summary["policies"][s][metric]["p90"], lang), None)
                for s in policies
            ]
            rows.append(ComparisonRow("p90", True, p90))
    return rows


def relative_change(summary: dict[str, Any], spec: str, metric: str = "los") -> dict[str, Any]:
    """The paired change of ``spec`` against the baseline as fractions of the baseline mean:
    ``{"change": -0.76, "ci95": [-0.77, -0.75]}`` (``None`` where undefined)."""
    base = summary["policies"][summary["baseline"]][metric]["mean"]
    paired = summary.get("paired", {}).get(spec, {}).get(metric)
    if not base or paired is None or paired["diff"] is None:
        return {"change": None, "ci95": [None, None]}
    bounds = [None if b is None else b / base for b in paired["ci95"]]
    return {"change": paired["diff"] / base, "ci95": bounds}


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
        line += f" ({100 * change:+.0f} %)"
    return line
