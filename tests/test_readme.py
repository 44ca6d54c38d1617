"""The README cannot rot: its scenario example is a valid scenario, its architecture
table lists every module, and its measured blocks come from today's code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

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


def measured_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "measured", README.parent / "docs" / "measured.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_measured_block_comes_from_todays_code() -> None:
    measured = measured_module()
    text = README.read_text(encoding="utf-8")
    commands = [m["command"] for m in measured.blocks(text)]
    assert "clinicsim compare ophthalmology --out runs/demo" in commands  # make demo's table
    assert all(m["output"].strip() for m in measured.blocks(text)), "an empty measured block"
    assert measured.stale(text) == [], "the README's measured blocks are stale: run `make readme`"


def test_a_changed_source_makes_a_block_stale() -> None:
    measured = measured_module()
    command = "clinicsim compare ophthalmology"
    digest = measured.sources_digest()
    text = f"<!-- measured: {command} · stamp {measured.stamp(command, digest)} -->\n```\nx\n```\n"
    assert measured.stale(text) == []
    assert measured.stamp(command, digest + "0") != measured.stamp(command, digest)
    assert measured.stale(text.replace(command, f"{command} --reps 3")) != []
