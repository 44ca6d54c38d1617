"""The rows a unit run shows wherever it is shown (the terminal, the report and the
dashboard): the comparison of the replications and where each plan admits a patient."""

from __future__ import annotations

from sim.experiments.unit_runner import UnitRun
from sim.outputs.catalogue import UNIT, table_rows
from sim.outputs.formatting import ComparisonRow, summary_rows
from sim.outputs.i18n import t
from sim.outputs.unit_figures import DAY_NAMES
from sim.unit.instance import BLOCKS_PER_WEEK, UnitInstance
from sim.unit.plan import UnitPlan

PARTS = {"es": ("mañana", "tarde"), "en": ("am", "pm")}


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
    return summary_rows(run.summary, table_rows(UNIT, ()), lang)
