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


ROOMS_ROW = re.compile(r"^\| `(?P<room>[a-z_/]+/)` \| (?P<modules>[^|]+) \|", re.MULTILINE)


def architecture_rooms() -> dict[str, set[str]]:
    """The README's architecture table: each room (a folder) and the modules it lists."""
    section = README.read_text(encoding="utf-8").split("## Architecture", 1)[1]
    section = section.split("\n## ", 1)[0]
    return {
        m["room"]: {name.strip(" `") for name in m["modules"].split(",")}
        for m in ROOMS_ROW.finditer(section)
    }


def test_the_architecture_section_lists_every_module_of_every_room() -> None:
    rooms = architecture_rooms()
    assert {"sim/", "sim/booking/", "sim/unit/", "sim/cli/", "policies/"} <= set(rooms)
    root = README.parent
    for room, listed in rooms.items():
        on_disk = {
            path.stem if path.is_file() else f"{path.name}/"
            for path in (root / room).iterdir()
            if (path.suffix == ".py" and path.stem != "__init__")
            or (path.is_dir() and (path / "__init__.py").is_file())
        }
        assert listed == on_disk, room
