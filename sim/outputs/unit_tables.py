"""What a unit run shows wherever it is shown (the terminal, the report and the
dashboard): the comparison of the replications, where each plan admits a patient, and
whether the unit was congested.

Congestion is read from the most beds and chairs taken in any block. When they never
come near their number, planning has nothing to ration: every policy can admit each
patient at the first block the admissions a block and their studies allow, and the
policies give the same (or nearly the same) results. The results then say so, with the
peaks, rather than leave a reader to wonder why the policies do not differ.

The threshold is 85 % of each resource's places at the peak. A peak at 100 % is where
a plan starts to be bound, but the peak is read from the replications as played, where
no-shows free places the plan had counted on; 85 % keeps a clear margin, and it is the
bed occupancy that hospital planning takes as the start of regular bed shortages
(Bagust, Place & Posnett, BMJ 1999). Only beds and chairs count (``unit.beds`` and
``unit.chairs``); a unit with none of either has no peak for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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


# ---------------------------------------------------------------- congestion

QUIET_PEAK = 0.85
PLACES = ("beds", "chairs")


@dataclass(frozen=True)
class Peak:
    """The most places of one kind taken in any block, of any policy and replication."""

    place: str  # "beds" or "chairs", as the blocks table names them
    taken: int
    capacity: int

    @property
    def share(self) -> float:
        return self.taken / self.capacity


def peaks(blocks: pd.DataFrame, beds: int, chairs: int) -> list[Peak]:
    """The peak of each kind of place the unit has (a capacity above zero)."""
    capacity = {"beds": beds, "chairs": chairs}
    return [
        Peak(place, int(blocks[place].max()) if len(blocks) else 0, capacity[place])
        for place in PLACES
        if capacity[place] > 0
    ]


def is_quiet(found: list[Peak]) -> bool:
    """Whether every peak stays below ``QUIET_PEAK`` of its places (and there is one)."""
    return bool(found) and all(peak.share < QUIET_PEAK for peak in found)


BUSY_EXAMPLE = "day_hospital_busy"  # the bundled congested unit, as the command line names it


def quiet_note(run: UnitRun, lang: str, example: str = BUSY_EXAMPLE) -> str | None:
    """The note that the unit was not congested, with its peaks, pointing to ``example``
    (a congested unit: the bundled one's name on a page that picks scenarios by name);
    ``None`` if it was congested."""
    found = peaks(run.tables["blocks"], run.instance.beds, run.instance.chairs)
    if not is_quiet(found):
        return None
    figures = t("peaks_and", lang).join(
        t(f"peak_{peak.place}", lang, taken=peak.taken, n=peak.capacity, share=_percent(peak))
        for peak in found
    )
    threshold = round(100 * QUIET_PEAK)
    return t("unit_quiet_note", lang, peaks=figures, threshold=threshold, example=example)


def _percent(peak: Peak) -> str:
    return f"{100 * peak.share:.0f} %"
