"""The rows a unit run shows wherever it is shown (the terminal, the report and the
dashboard): the comparison of the replications and where each plan admits a patient."""

from __future__ import annotations

from typing import Any

from sim.experiments.unit_runner import UnitRun
from sim.outputs.formatting import ComparisonRow, format_paired, format_summary
from sim.outputs.i18n import t
from sim.outputs.unit_figures import DAY_NAMES
from sim.unit.engine import UNIT_METRICS
from sim.unit.instance import BLOCKS_PER_WEEK, UnitInstance
from sim.unit.plan import UnitPlan

PARTS = {"es": ("mañana", "tarde"), "en": ("am", "pm")}


PERCENT_METRICS = ("bed_occupancy", "chair_occupancy", "study_use", "late_studies")


def block_name(inst: UnitInstance, block: int, lang: str) -> str:
    """``B7 jue mañana`` (0-based block in, the document's numbering out)."""
    day = DAY_NAMES[lang][(block % BLOCKS_PER_WEEK) // 2][:3]
    day = day.lower() if lang == "es" else day  # Spanish writes weekdays in lower case
    return f"B{block + 1} {day} {PARTS[lang][block % 2]}"


def admission_cell(plan: UnitPlan, p: int, lang: str) -> str:
    """Where a plan admits patient ``p``: ``B7 jue mañana``, or pending."""
    block = plan.admission(p)
    return t("pending_plan", lang) if block is None else block_name(plan.instance, int(block), lang)


def comparison_rows(run: UnitRun, lang: str) -> list[ComparisonRow]:
    """The unit's comparison table (the terminal and the report draw the same rows)."""
    summary = run.summary
    rows = []
    for metric in UNIT_METRICS:
        cells: list[tuple[str, str | None]] = []
        for spec in run.policies:
            value = unit_value(metric, summary["policies"][spec][metric], lang)
            paired = None
            if spec != summary["baseline"]:
                paired = unit_paired(metric, summary["paired"][spec][metric], lang)
            cells.append((value, paired))
        label = unit_metric_label(metric, lang)
        rows.append(ComparisonRow(label.strip(), label.startswith(" "), cells))
    return rows


def unit_metric_label(metric: str, lang: str) -> str:
    base, _, priority = metric.partition(".p")
    if priority:
        return t("wait_blocks_priority", lang, priority=priority)
    return t(base, lang)


def unit_value(metric: str, entry: dict[str, Any], lang: str) -> str:
    if metric in PERCENT_METRICS:
        return format_summary("utilisation", entry, lang)
    return format_summary(metric, entry, lang)


def unit_paired(metric: str, entry: dict[str, Any], lang: str) -> str:
    if metric in PERCENT_METRICS:
        return format_paired("utilisation", entry, lang)
    return format_paired(metric, entry, lang)
