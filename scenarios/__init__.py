"""Bundled scenario files (YAML), one per source document, found by name."""

from pathlib import Path

BUNDLED_DIR = Path(__file__).parent


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, e.g. ``ophthalmology``."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def bundled_path(name: str) -> Path | None:
    """The file of a bundled scenario, or ``None`` if there is none of that name."""
    path = BUNDLED_DIR / f"{name}.yaml"
    return path if path.is_file() else None
