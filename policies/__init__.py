"""Scheduling policies and the registries that find them by name.

``REGISTRY`` holds the outpatient clinic's policies (``policies.base.SchedulingPolicy``),
``UNIT_REGISTRY`` the day-hospital unit's (``policies.dayhospital.policy.UnitPolicy``).
Adding a policy is one module here and one line in a registry: the command line, the
runner and the dashboard find its name, parameters, title and explanation there.
"""

from policies.base import (
    PolicyError,
    SchedulingPolicy,
    make_policy,
    parse_policy_spec,
)
from policies.dayhospital.policy import (
    FifoUnitPolicy,
    GraspUnitPolicy,
    MipUnitPolicy,
    UnitPlanner,
    UnitPolicy,
    make_unit_planner,
)
from policies.fifo import FifoPolicy
from policies.grasp.policy import GraspPolicy
from policies.mip import MipPolicy
from sim.unit.scenario import UnitScenario

REGISTRY: dict[str, type[SchedulingPolicy]] = {
    FifoPolicy.name: FifoPolicy,
    GraspPolicy.name: GraspPolicy,
    MipPolicy.name: MipPolicy,
}

UNIT_REGISTRY: dict[str, type[UnitPolicy]] = {
    FifoUnitPolicy.name: FifoUnitPolicy,
    GraspUnitPolicy.name: GraspUnitPolicy,
    MipUnitPolicy.name: MipUnitPolicy,
}


def unit_planner(spec: str, scenario: UnitScenario) -> UnitPlanner:
    """The unit planner ``spec`` names, its parameters checked (``PolicyError``)."""
    return make_unit_planner(spec, scenario, UNIT_REGISTRY)


__all__ = [
    "REGISTRY",
    "UNIT_REGISTRY",
    "PolicyError",
    "SchedulingPolicy",
    "UnitPolicy",
    "make_policy",
    "parse_policy_spec",
    "unit_planner",
]
