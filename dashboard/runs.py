"""The dashboard's runs: started through the CLI's runner, stored like CLI runs, reopened.

``run_whatif`` is what the Run button does (in a background process): the
tab's scenario and changes become a scenario, the runner of its model runs it with the
result store (so replications already computed, by the CLI or anyone, are
read, not recomputed), and the run directory is written by ``sim.outputs.rundir`` into
the dashboard's runs folder and recorded in the store's index, where
``clinicsim runs`` lists it too. An outpatient clinic with changes runs as
``clinicsim run --sweep`` would run it, one ``--sweep`` per change: the clinic as it
is and as changed, on the same seeds, written as a sweep of two variants, so the
page shows each policy's change paired replication by replication. Both go through
the scenario's model (``sim.models``): a unit scenario (a day or week hospital) runs
and is written the same way.

A run is named in URLs by ``run_id`` (``sim.experiments.store``), a hash of its folder,
the id ``clinicsim runs`` shows: a browser can only open a run the index lists, never
a path of its choosing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.whatif import ScenarioChoice, base_scenario, evaluate
from sim.experiments.runner import Execution
from sim.experiments.store import RUNS_FOLDER, ResultStore, new_run_folder
from sim.experiments.store import run_id as run_id  # the pages name runs by it
from sim.experiments.sweep import BASE, Variant, run_sweep
from sim.experiments.unit_runner import UnitRun
from sim.models import model_of_run, model_of_scenario
from sim.outputs.rundir import RunData, is_sweep, load_sweep, sweep_info, write_sweep
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario

MAX_REPS = 200
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Settings:
    """Where the dashboard keeps things: the result store and the folder of its runs."""

    store_root: Path
    runs_dir: Path
    workers: int | None = None

    def store(self) -> ResultStore:
        return ResultStore(self.store_root)


def default_settings(store_root: Path | None = None, runs_dir: Path | None = None) -> Settings:
    store = ResultStore(store_root)
    return Settings(store.root, (runs_dir or store.root / RUNS_FOLDER).expanduser())


def stored_runs(settings: Settings) -> list[dict[str, Any]]:
    """The runs of the store's index whose folder still exists, newest first, each with
    its ``id``."""
    return [run for run in settings.store().runs() if run["exists"]]


def find_run(settings: Settings, wanted: str) -> Path | None:
    """The folder of the stored run ``wanted`` (a ``run_id``), if the index has it."""
    for run in stored_runs(settings):
        if run["id"] == wanted:
            return Path(run["dir"])
    return None


def open_run(folder: Path) -> RunData | UnitRun | dict[str, Any]:
    """A run directory's data (a unit's run too), or a sweep's ``sweep.json``;
    ``ScenarioError`` if unusable."""
    if is_sweep(folder):
        return load_sweep(folder)
    return model_of_run(folder).read(folder)


def check_reps(text: Any) -> int | None:
    """The replications typed, or ``None`` if not a whole number in 1..MAX_REPS."""
    try:
        reps = float(str(text).strip())
    except ValueError:
        return None
    return int(reps) if reps.is_integer() and 1 <= reps <= MAX_REPS else None


def run_whatif(
    settings: Settings,
    choice: ScenarioChoice,
    changes: Mapping[str, str],
    specs: Sequence[str],
    reps: int,
    progress: Progress | None = None,
) -> Path:
    """Run the tab's scenario with its changes, write the run directory, record it in
    the index and return the folder. An outpatient clinic with changes runs as a sweep
    of two variants, the clinic as it is (``base``) and as changed, on the same seeds,
    so that each policy's change is paired replication by replication (the base's
    replications come from the store after the first time). Raises ``ScenarioError``
    for invalid changes."""
    evaluation = evaluate(choice, changes, "en")
    if not evaluation.valid or evaluation.scenario is None:
        problems = [Problem(key, message) for key, message in evaluation.messages.items()]
        problems += evaluation.general
        raise ScenarioError(choice.source, problems)
    execution = Execution(workers=settings.workers, store=settings.store(), progress=progress)
    folder = new_run_folder(settings.runs_dir)
    changed = evaluation.scenario
    if evaluation.overrides and isinstance(changed, Scenario):
        base = base_scenario(choice)
        assert isinstance(base, Scenario)
        return _against_base(
            settings, folder, choice, base, changed, evaluation.overrides, specs, reps, execution
        )
    model = model_of_scenario(changed)
    result = model.run(changed, specs, reps, execution)
    command = _command(choice, evaluation.overrides, specs, reps)
    settings.store().record_run(folder, model.write(folder, result, command))
    return folder


def _against_base(
    settings: Settings,
    folder: Path,
    choice: ScenarioChoice,
    base: Scenario,
    changed: Scenario,
    overrides: Sequence[str],
    specs: Sequence[str],
    reps: int,
    execution: Execution,
) -> Path:
    """The clinic as it is and as changed, as ``--sweep`` runs them (one ``--sweep`` per
    change: a single combination), written as a sweep."""
    changes = Variant(" ".join(overrides), tuple(overrides))
    variants = [Variant(BASE, ()), changes]
    scenarios = {BASE: base, changes.name: changed}
    result = run_sweep(scenarios, variants, list(specs), reps, execution, keep_records=True)
    command = _command(choice, [], specs, reps, sweeps=overrides)
    write_sweep(folder, result, command)
    settings.store().record_run(folder, sweep_info(result, command))
    return folder


def _command(
    choice: ScenarioChoice,
    overrides: Sequence[str],
    specs: Sequence[str],
    reps: int,
    sweeps: Sequence[str] = (),
) -> list[str]:
    """The CLI command that gives the same numbers (for a bundled scenario; an upload is
    named by its file name)."""
    command = ["clinicsim", "run", choice.name]
    for spec in specs:
        command += ["-p", spec]
    command += ["--reps", str(reps)]
    for override in overrides:
        command += ["--set", override]
    for sweep in sweeps:
        command += ["--sweep", sweep]
    return [*command, "(dashboard)"]
