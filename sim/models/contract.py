"""The verbs every model offers: what the command line and the dashboard ask of a
scenario and of its runs, whichever model (outpatient clinic or day-hospital unit) it is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from policies.base import PolicyContract
from sim.experiments.runner import Execution, Progress


class Model(Protocol):
    """A model: its scenarios, how they run, and what their runs leave on disk."""

    kind: str  # "clinic" or "unit", as run.json records it
    run_policies: tuple[str, ...]  # what `clinicsim run` compares without -p
    registry: Mapping[str, type[PolicyContract]]  # the model's policies by name

    def from_mapping(self, raw: Mapping[str, Any], overrides: Iterable[str], source: str) -> Any:
        """The validated scenario of a parsed file (``ScenarioError`` naming each problem)."""
        ...

    def load(self, source: str | Path, overrides: Iterable[str] = ()) -> Any:
        """The validated scenario of a file or a bundled name."""
        ...

    def check_policy(self, scenario: Any, spec: str) -> None:
        """Build the policy ``spec`` names with the scenario's parameters (``PolicyError``)."""
        ...

    def check_policies(self, scenario: Any, specs: Sequence[str]) -> None:
        """Build every policy named, and those of the scenario's ``policies:`` block, so a
        bad name or parameter fails (``PolicyError``) before any work."""
        ...

    def run(
        self,
        scenario: Any,
        specs: Sequence[str],
        reps: int,
        execution: Execution | None = None,
        progress: Progress | None = None,
    ) -> Any:
        """Replications of every policy over common random numbers, summarised."""
        ...

    def summary(self, result: Any) -> dict[str, Any]:
        """A run's ``summary.json`` content."""
        ...

    def write(self, folder: Path, result: Any, command: list[str]) -> dict[str, Any]:
        """Write a run directory; return its ``run.json`` information (for the store)."""
        ...

    def read(self, folder: Path) -> Any:
        """A run directory read back whole (``ScenarioError`` naming what is missing)."""
        ...

    def report(self, path: Path, run: Any, lang: str) -> Path:
        """Write the run's one-page HTML report (a run in memory or read back)."""
        ...
