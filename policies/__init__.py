"""Scheduling policies and the registry that finds them by name.

Adding a policy is one module here and one line in ``REGISTRY``.
"""

from policies.base import Policy, PolicyError, make_policy, parse_policy_spec
from policies.fifo import FifoPolicy
from policies.grasp.policy import GraspPolicy
from policies.mip import MipPolicy

REGISTRY: dict[str, type[Policy]] = {
    FifoPolicy.name: FifoPolicy,
    GraspPolicy.name: GraspPolicy,
    MipPolicy.name: MipPolicy,
}

__all__ = ["REGISTRY", "Policy", "PolicyError", "make_policy", "parse_policy_spec"]
