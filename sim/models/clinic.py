"""The outpatient clinic behind the model verbs: its scenario (``sim.scenario``), its
runner (``sim.experiments.runner``), its run directory and report (``sim.outputs``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from policies import REGISTRY, make_policy
from policies.base import policy_words
from sim import scenario as scenario_module
from sim.experiments.runner import Execution, Progress, RunResult, check_policies, run_experiment
from sim.outputs.names import Names
from sim.outputs.report import write_report
from sim.outputs.rundir import RunData, load_run, run_data, run_info, write_run
from sim.scenario import Scenario


class ClinicModel:
    kind = "clinic"
    run_policies = ("fifo",)
    registry = REGISTRY

    def from_mapping(
        self, raw: Mapping[str, Any], overrides: Iterable[str], source: str
    ) -> Scenario:
        return scenario_module.from_mapping(dict(raw), overrides, source=source)

    def load(self, source: str | Path, overrides: Iterable[str] = ()) -> Scenario:
        return scenario_module.load(source, overrides)

    def check_policy(self, scenario: Scenario, spec: str) -> None:
        make_policy(spec, scenario, REGISTRY)

    def check_policies(self, scenario: Scenario, specs: Sequence[str]) -> None:
        check_policies(scenario, specs)

    def run(
        self,
        scenario: Scenario,
        specs: Sequence[str],
        reps: int,
        execution: Execution | None = None,
        progress: Progress | None = None,
    ) -> RunResult:
        execution = execution or Execution(progress=progress)
        return run_experiment(scenario, list(specs), reps, execution=execution)

    def summary(self, result: RunResult) -> dict[str, Any]:
        return result.summary

    def write(self, folder: Path, result: RunResult, command: list[str]) -> dict[str, Any]:
        write_run(folder, result, command)
        return run_info(result, command)

    def read(self, folder: Path) -> RunData:
        return load_run(folder)

    def report(self, path: Path, run: RunResult | RunData, lang: str) -> Path:
        data = run_data(run) if isinstance(run, RunResult) else run
        names = Names.of(data.scenario, lang, *policy_words(data.policies, REGISTRY, lang))
        return write_report(path, data, lang, names)


CLINIC = ClinicModel()
