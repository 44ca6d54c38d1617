"""The ``Policy`` interface, policy parameters, and building a policy from its name.

A policy turns the requests of a replication into a ``Plan``. It sees only the
requests (never the realised outcomes), the clinic, and its own random stream.
Its parameters come from the scenario's ``policies:`` block, validated by the
policy's ``Params`` model (unknown keys are errors), and a name such as
``fifo:walk_in`` sets the policy's ``shorthand`` parameter.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from sim.clinic import Clinic
from sim.plan import Plan
from sim.problems import Problem, ScenarioError, problems_from_validation
from sim.sampling import Requests
from sim.scenario import BOOKING_MODES, Scenario


class PolicyParams(BaseModel):
    """Base of every policy's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Policy(Protocol):
    name: ClassVar[str]
    label: str

    def plan(self, requests: Requests, clinic: Clinic, rng: np.random.Generator) -> Plan: ...


class PolicyError(ScenarioError):
    """A policy name or parameter that cannot be used."""


def booking_mode_of(spec: str, scenario: Scenario) -> tuple[str, str | None]:
    """``"grasp@end_of_day"`` → ``("grasp", "end_of_day")``; without ``@`` the scenario's
    ``booking.mode`` (``None`` without a booking block: the policy books at once).
    ``PolicyError`` for an unknown mode or a mode on a scenario without booking."""
    policy, _, mode = spec.partition("@")
    if not mode:
        return policy, (scenario.booking.mode if scenario.booking is not None else None)
    if scenario.booking is None:
        message = "a booking mode needs a booking: block in the scenario"
        raise PolicyError("--policy", [Problem(spec, message)])
    if mode not in BOOKING_MODES:
        message = f"unknown booking mode {mode!r}; one of: {', '.join(BOOKING_MODES)}"
        raise PolicyError("--policy", [Problem(spec, message)])
    return policy, mode


def parse_policy_spec(spec: str) -> tuple[str, str | None]:
    """``"fifo:walk_in"`` → ``("fifo", "walk_in")``; ``"fifo"`` → ``("fifo", None)``."""
    name, _, variant = spec.partition(":")
    return name.strip(), (variant.strip() or None)


def make_policy(spec: str, scenario: Scenario, registry: dict[str, Any]) -> Policy:
    """Build the policy ``spec`` names with its parameters from ``scenario.policies``
    (a booking mode after ``@`` is checked here and used by ``sim.experiments.tasks``)."""
    spec, _mode = booking_mode_of(spec, scenario)
    name, variant = parse_policy_spec(spec)
    if name not in registry:
        raise PolicyError(
            "--policy", [Problem(spec, f"unknown policy; available: {sorted(registry)}")]
        )
    cls = registry[name]
    raw: dict[str, Any] = dict(scenario.policies.get(name, {}))
    if variant is not None:
        raw[cls.shorthand] = variant
    try:
        params = cls.Params.model_validate(raw)
    except ValidationError as exc:
        source = f"--policy {spec}" if variant else scenario.source
        problems = [
            Problem(f"policies.{name}.{p.path}".rstrip("."), p.message, source)
            for p in problems_from_validation(exc, raw)
        ]
        raise PolicyError(source, problems) from None
    return cls(params, label=spec)
