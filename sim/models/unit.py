"""The day-hospital unit behind the model verbs: its scenario (``sim.unit.scenario``), its
runner (``sim.experiments.unit_runner``), its run directory and report (``sim.outputs``).

A unit run plans in this process (the planners are not replications of a task), so it
takes the progress callback of an execution and no executor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from policies import UNIT_REGISTRY, unit_planner
from policies.base import policy_words
from sim.experiments.runner import Execution, Progress
from sim.experiments.unit_runner import UnitRun, run_unit
from sim.outputs.names import Names
from sim.outputs.unit_report import write_unit_report
from sim.outputs.unit_rundir import load_unit_run, unit_run_info, write_unit_run
from sim.unit.scenario import UnitScenario, load_unit, unit_from_mapping


class UnitModel:
    kind = "unit"
    run_policies = ("fifo", "grasp", "mip")
    registry = UNIT_REGISTRY

    def from_mapping(
        self, raw: Mapping[str, Any], overrides: Iterable[str], source: str
    ) -> UnitScenario:
        return unit_from_mapping(dict(raw), overrides, source=source)

    def load(self, source: str | Path, overrides: Iterable[str] = ()) -> UnitScenario:
        return load_unit(source, overrides)

    def check_policy(self, scenario: UnitScenario, spec: str) -> None:
        unit_planner(spec, scenario)

    def check_policies(self, scenario: UnitScenario, specs: Sequence[str]) -> None:
        for spec in dict.fromkeys([*specs, *UNIT_REGISTRY]):  # the policies block too
            self.check_policy(scenario, spec)

    def run(
        self,
        scenario: UnitScenario,
        specs: Sequence[str],
        reps: int,
        execution: Execution | None = None,
        progress: Progress | None = None,
    ) -> UnitRun:
        if execution is not None and progress is None:
            progress = execution.progress
        return run_unit(scenario, list(specs), reps, progress)

    def summary(self, result: UnitRun) -> dict[str, Any]:
        return result.summary

    def write(self, folder: Path, result: UnitRun, command: list[str]) -> dict[str, Any]:
        info = unit_run_info(result, command)
        write_unit_run(folder, result, info)
        return info

    def read(self, folder: Path) -> UnitRun:
        return load_unit_run(folder)

    def report(self, path: Path, run: UnitRun, lang: str) -> Path:
        names = Names(*policy_words(run.policies, UNIT_REGISTRY, lang))
        return write_unit_report(path, run, lang, names)


UNIT = UnitModel()
