"""Whether a unit run was congested: the most beds and chairs taken in any block.

When beds and chairs never come near their number, planning has nothing to ration:
every policy can admit each patient at the first block their studies allow, and
the policies give the same (or nearly the same) results. The results then say so,
with the peaks, rather than leave a reader to wonder why the policies do not differ.

The threshold is 85 % of each resource's places at the peak. A peak at 100 % is
where a plan starts to be bound, but the peak is read from the replications as
played, where no-shows free places the plan had counted on; 85 % keeps a clear
margin, and it is the bed occupancy that hospital planning takes as the start of
regular bed shortages (Bagust, Place & Posnett, BMJ 1999). Only beds and chairs
count (the places ``unit.beds`` and ``unit.chairs`` give); a unit with none of
either has no peak for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.experiments.unit_runner import UnitRun
from sim.outputs.i18n import t

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


def quiet_note(run: UnitRun, lang: str) -> str | None:
    """The note that the unit was not congested, with its peaks; ``None`` if it was."""
    found = peaks(run.tables["blocks"], run.instance.beds, run.instance.chairs)
    if not is_quiet(found):
        return None
    figures = t("peaks_and", lang).join(
        t(f"peak_{peak.place}", lang, taken=peak.taken, n=peak.capacity, share=_percent(peak))
        for peak in found
    )
    return t("unit_quiet_note", lang, peaks=figures, threshold=round(100 * QUIET_PEAK))


def _percent(peak: Peak) -> str:
    return f"{100 * peak.share:.0f} %"
