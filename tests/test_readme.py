"""The README's scenario example is a valid scenario (the documentation cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sim.scenario import from_mapping

README = Path(__file__).resolve().parent.parent / "README.md"


def scenario_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Scenario format", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "the README's scenario format section has no yaml block"
    return match.group(1)


def test_readme_scenario_example_validates() -> None:
    scenario = from_mapping(yaml.safe_load(scenario_example()), source="README.md")
    assert scenario.resources["ophthalmologist"].roster == {"mon": 4, "fri": 2}
    assert scenario.protocols["cataract_new"].steps[-1].assigned
