"""The lock (``requirements.lock``) pins, with hashes, every dependency that
``pyproject.toml`` asks for, at a version the project accepts; ``make lock``
refreshes it when pyproject changes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)==(?P<version>[^\s;\\]+)(?: ; (?P<marker>[^\\]+))?")


def pins() -> dict[str, list[tuple[Version, str | None, int]]]:
    """Each locked package: its versions, their markers and how many hashes each has."""
    found: dict[str, list[tuple[Version, str | None, int]]] = {}
    entries = re.split(r"\n(?=\S)", (ROOT / "requirements.lock").read_text(encoding="utf-8"))
    for entry in entries:
        match = PIN.match(entry)
        if match:
            name = canonicalize_name(match["name"])
            marker = match["marker"].strip() if match["marker"] else None
            found.setdefault(name, []).append(
                (Version(match["version"]), marker, entry.count("--hash=sha256:"))
            )
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        listed += extra
    listed += project["build-system"]["requires"]
    return [Requirement(text) for text in listed]


def test_every_dependency_is_locked_with_hashes_at_an_accepted_version() -> None:
    locked = pins()
    environment = default_environment()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
        for version, marker, hashes in locked[name]:
            if marker is None or Requirement(f"x; {marker}").marker.evaluate(environment):
                assert version in requirement.specifier, (name, str(version))
            assert hashes >= 1, name


def test_every_locked_package_is_pinned_once_per_environment() -> None:
    environment = default_environment()
    for name, versions in pins().items():
        here = [
            v
            for v, marker, _ in versions
            if marker is None or Requirement(f"x; {marker}").marker.evaluate(environment)
        ]
        assert len(here) <= 1, (name, here)
