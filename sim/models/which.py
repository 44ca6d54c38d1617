"""Which model a scenario or a run is: the one place that decides it.

A scenario file describes a day-hospital unit when it has a ``unit:`` section, an
outpatient clinic otherwise; a run directory holds a unit run when it has
``plans.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim import scenario as scenario_module
from sim.models.clinic import CLINIC
from sim.models.contract import Model
from sim.models.unit import UNIT
from sim.outputs.unit_rundir import is_unit_run
from sim.unit.scenario import UnitScenario, is_unit


def model_of_mapping(raw: Mapping[str, Any]) -> Model:
    """The model a parsed scenario file describes."""
    return UNIT if is_unit(dict(raw)) else CLINIC


def model_of_source(source: str | Path) -> Model:
    """The model of a scenario file or bundled name (``ScenarioError`` if unreadable)."""
    return model_of_mapping(scenario_module.read_scenario(source)[1])


def model_of_scenario(scenario: Any) -> Model:
    """The model of a validated scenario."""
    return UNIT if isinstance(scenario, UnitScenario) else CLINIC


def model_of_run(folder: Path) -> Model:
    """The model whose run a run directory holds."""
    return UNIT if is_unit_run(folder) else CLINIC
