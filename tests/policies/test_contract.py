"""The policy contract: what every registered policy declares, and what the contract does.

- every policy of ``REGISTRY`` and ``UNIT_REGISTRY`` declares its name (its key), a
  ``PolicyParams`` model, a title and a one-line explanation in Spanish and English,
  tunable parameters that exist, and (clinic) a shorthand that is a parameter;
- ``books_in_batches`` is declared exactly by the policies that book batches
  themselves (the runner reads the flag, not ``hasattr``);
- ``plan`` is "book, then sequence": grasp's info keeps its booking statistics;
- a ``:variant`` on a policy without a shorthand is a ``PolicyError``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from policies import REGISTRY, UNIT_REGISTRY, PolicyError, make_policy
from policies.base import PolicyContract, PolicyParams, SchedulingPolicy, Texts
from sim.clinic import Clinic
from sim.plan import Plan
from sim.sampling import Requests, realise, stream
from sim.scenario import load

ALL = [*REGISTRY.items(), *(("unit " + k, v) for k, v in UNIT_REGISTRY.items())]


@pytest.mark.parametrize(("key", "cls"), ALL, ids=[k for k, _ in ALL])
def test_every_policy_declares_the_contract(key: str, cls: type[PolicyContract]) -> None:
    assert key.removeprefix("unit ") == cls.name
    assert issubclass(cls.Params, PolicyParams)
    for texts in (cls.title, cls.explanation):
        assert set(texts) == {"es", "en"} and all(t.strip() for t in texts.values())
    assert set(cls.tuned_parameters()) <= set(cls.Params.model_fields)


@pytest.mark.parametrize("cls", REGISTRY.values(), ids=list(REGISTRY))
def test_clinic_policies_declare_shorthand_and_batches(cls: type[SchedulingPolicy]) -> None:
    assert cls.shorthand is None or cls.shorthand in cls.Params.model_fields
    overrides = cls.book_batch is not SchedulingPolicy.book_batch
    assert cls.books_in_batches == overrides
    assert not cls.__abstractmethods__


def test_only_grasp_books_in_batches_and_its_plan_keeps_its_booking_info() -> None:
    assert [n for n, c in REGISTRY.items() if c.books_in_batches] == ["grasp"]
    scenario = load("essalud_outpatient", ["horizon.days=2", "policies.grasp.iterations=5"])
    realisation = realise(scenario, 0)
    plan = make_policy("grasp", scenario, REGISTRY).plan(
        realisation.requests, Clinic(scenario), stream(scenario.seed, 0, "policy", "grasp")
    )
    assert set(plan.info["grasp"]) == {"batches", "seconds"}


class _Plain(SchedulingPolicy):
    name: ClassVar[str] = "plain"
    title: ClassVar[Texts] = {"es": "Simple", "en": "Plain"}
    explanation: ClassVar[Texts] = {"es": "Sin variantes.", "en": "No variants."}

    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        return Plan(self.label, day, member, np.full(len(day), float(clinic.open)))


def test_a_variant_needs_a_shorthand() -> None:
    scenario = load("ophthalmology", ["horizon.days=1"])
    registry = {"plain": _Plain}
    policy = make_policy("plain", scenario, registry)
    assert policy.label == "plain" and isinstance(policy.params, PolicyParams)
    with pytest.raises(PolicyError, match="takes no :variant"):
        make_policy("plain:3", scenario, registry)
