"""The words a page shows for the ids of a run, in one language.

A run's tables and summary speak in ids: policy specs (``fifo:appointment``),
step ids (``lens_calculation``), resource ids (``technician``). ``Names`` maps
them to what people read: a policy's display name (``policies.base.spec_title``,
given by the caller, since the policies are not this room's to import) with its
one-line explanation, and a step's or resource's label (``sim.scenario.display_name``).
Figures, tables and reports take a ``Names`` and fall back to the id for anything
it does not name, so a run of an older version still draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sim.labels import display_names
from sim.scenario import ScenarioBase
from sim.unit.instance import UnitInstance
from sim.unit.scenario import UnitScenario


@dataclass(frozen=True)
class Names:
    """Display names by id, for one language."""

    policies: Mapping[str, str] = field(default_factory=dict)  # spec → display name
    explanations: Mapping[str, str] = field(default_factory=dict)  # spec → one line
    steps: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        scenario: ScenarioBase | None,
        lang: str,
        policies: Mapping[str, str] | None = None,
        explanations: Mapping[str, str] | None = None,
    ) -> Names:
        """The names of a scenario's steps and resources in ``lang``, and the policies'
        display names and explanations the caller gives."""
        steps = display_names(scenario, "step", lang) if scenario is not None else {}
        resources = display_names(scenario, "resource", lang) if scenario is not None else {}
        return cls(distinct(policies or {}), dict(explanations or {}), steps, resources)

    def policy(self, spec: str) -> str:
        return self.policies.get(spec, spec)

    def explanation(self, spec: str) -> str:
        return self.explanations.get(spec, "")

    def step(self, key: str) -> str:
        return self.steps.get(key, key)

    def resource(self, key: str) -> str:
        return self.resources.get(key, key)

    def places(self) -> dict[str, str]:
        """Steps and resources in one mapping, for a figure that takes one (the replay's
        lanes); a resource's words win over a step's of the same id."""
        return {**self.steps, **self.resources}


PLAIN = Names()  # every id as it is


def distinct(names: Mapping[str, str]) -> dict[str, str]:
    """Display names by id, each shown once: a name two ids share is followed by the id
    (legends and table columns must tell them apart)."""
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {key: name if counts[name] == 1 else f"{name} [{key}]" for key, name in names.items()}


def labelled_instance(inst: UnitInstance, scenario: UnitScenario, lang: str) -> UnitInstance:
    """A unit's planning problem with its studies named by their labels in ``lang`` (the
    instance names them by their ``name:``, for every language)."""
    studies = display_names(scenario, "study", lang)
    if len(studies) != len(inst.study_names):
        return inst
    return replace(inst, study_names=list(studies.values()))
