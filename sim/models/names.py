"""A run's display names in one language: its policies by the words of its model's
registry (``policies.base.spec_title``), its steps and resources by the scenario's labels
(``sim.outputs.names``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policies.base import policy_words
from sim.models.which import model_of_scenario
from sim.outputs.names import Names


def run_names(scenario: Any, specs: Iterable[str], lang: str) -> Names:
    """The names a page shows for a run of ``scenario`` with ``specs``."""
    registry = model_of_scenario(scenario).registry
    titles, explanations = policy_words(specs, registry, lang)
    return Names.of(scenario, lang, titles, explanations)
