"""What a clinic day costs: the weights the user sets in ``policies.mip.costs``.

The ``mip`` policy minimises this cost's expectation, and every policy's runs
report it (metric ``cost``), so an optimised plan is judged on the same scale as
the simple rules. Weights are in cost units per minute; only their ratios
matter. Defaults, and why:

- ``stay`` 1 per minute a patient spends in the clinic (arrival to departure):
  the unit of the scale; the ophthalmology document's objective (14) is the
  patients' time.
- ``overtime`` 5 per minute a member works past the end of the shift: an
  assumption, not a figure of the documents; one staff-minute of overtime is
  worth five patient-minutes in the clinic (overtime is paid at a premium and
  falls on a few people, the waiting on many).
- ``idle`` 0 per minute a member at work is not serving. Busy minutes are the
  same whatever the plan (the same patients need the same work), so over a day
  idle minutes are the shift's minutes less that work plus the overtime: an idle
  weight adds to the overtime weight and a constant.
- ``unserved`` 480 per patient still waiting when the staff go home (the length
  of a working day of stay): a plan may not buy a shorter stay by leaving
  patients unserved.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario import Scenario


class Costs(BaseModel):
    """Cost units per minute of stay, overtime and idle staff, and per unserved patient."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    stay: float = Field(default=1.0, ge=0, le=1e6, description="per minute of patient stay")
    overtime: float = Field(
        default=5.0, ge=0, le=1e6, description="per minute of staff work past the shift's end"
    )
    idle: float = Field(default=0.0, ge=0, le=1e6, description="per minute of idle staff")
    unserved: float = Field(
        default=480.0, ge=0, le=1e8, description="per patient left unserved at the day's end"
    )


def costs_of(scenario: Scenario) -> Costs:
    """The scenario's ``policies.mip.costs`` (defaults where it says nothing)."""
    raw: Any = scenario.policies.get("mip", {}).get("costs") or {}
    return Costs.model_validate(raw)
