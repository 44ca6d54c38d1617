"""The unit's policies by name, with their parameters from the scenario's ``policies:``.

``fifo`` (request order, earliest block), ``grasp`` (priority, double
relaxation) and ``mip`` (the document's model, started from GRASP's plan).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field, ValidationError

from policies.base import PolicyError, PolicyParams
from policies.dayhospital.heuristics import fifo, grasp
from policies.dayhospital.mip import solve_unit
from sim.problems import Problem, problems_from_validation
from sim.unit.instance import UnitInstance
from sim.unit.plan import UnitPlan
from sim.unit.scenario import UnitScenario


class NoParams(PolicyParams):
    pass


class GraspParams(PolicyParams):
    iterations: int = Field(default=200, ge=1)
    alpha_p: float = Field(default=0.203, ge=0, le=1, description="patients' relaxation")
    alpha_m: float = Field(default=0.261, ge=0, le=1, description="blocks' relaxation")


class MipParams(PolicyParams):
    time_limit_s: float = Field(default=60, gt=0)
    mip_gap: float = Field(default=0.01, ge=0, le=1)
    start_iterations: int = Field(
        default=20, ge=0, description="GRASP iterations of the start plan (0: no start)"
    )


UNIT_POLICIES: dict[str, type[PolicyParams]] = {
    "fifo": NoParams,
    "grasp": GraspParams,
    "mip": MipParams,
}


def unit_planner(spec: str, scenario: UnitScenario) -> Callable[[UnitInstance], UnitPlan]:
    """The planner a policy name stands for, its parameters checked (``PolicyError``)."""
    if spec not in UNIT_POLICIES:
        known = sorted(UNIT_POLICIES)
        raise PolicyError("--policy", [Problem(spec, f"unknown unit policy; available: {known}")])
    raw = scenario.policies.get(spec, {})
    try:
        params = UNIT_POLICIES[spec].model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(f"policies.{spec}.{p.path}".rstrip("."), p.message)
            for p in problems_from_validation(exc, raw)
        ]
        raise PolicyError(scenario.source, problems) from None
    seed = scenario.seed
    if isinstance(params, GraspParams):
        return lambda inst: grasp(inst, params.iterations, params.alpha_p, params.alpha_m, seed)
    if isinstance(params, MipParams):
        return lambda inst: _mip(inst, params, seed)
    return fifo


def _mip(inst: UnitInstance, params: MipParams, seed: int) -> UnitPlan:
    start = grasp(inst, params.start_iterations, seed=seed) if params.start_iterations else None
    plan, _solution = solve_unit(inst, params.time_limit_s, params.mip_gap, start)
    return plan
