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

``run_variants`` runs one setting over several values as ``clinicsim run SCENARIO
--set ... --sweep KEY=V1,V2,...`` runs it (the tab's other changes as ``--set``), written
as a sweep; ``run_staffing`` searches the fewest staff for a target as ``clinicsim
staff`` does, kept as a run directory holding ``staffing.json``. Both are recorded in
the store's index like every run (``dashboard.modes`` reads their forms).

A run is named in URLs by ``run_id`` (``sim.experiments.store``), a hash of its folder,
the id ``clinicsim runs`` shows: a browser can only open a run the index lists, never
a path of its choosing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.modes import CONFIDENCE, StaffingRequest, VariantRequest, other_changes
from dashboard.whatif import Evaluation, ScenarioChoice, base_scenario, evaluate, scenario_of
from sim.experiments import staffing
from sim.experiments.runner import Execution
from sim.experiments.store import RUNS_FOLDER, ResultStore, new_run_folder
from sim.experiments.store import run_id as run_id  # the pages name runs by it
from sim.experiments.sweep import BASE, Loader, Variant, resolve, run_sweep, variants_from
from sim.experiments.tasks import versions
from sim.experiments.unit_runner import UnitRun
from sim.labels import LANGS, display_name
from sim.models import model_of_run, model_of_scenario
from sim.outputs.rundir import (
    RunData,
    StaffingData,
    is_staffing,
    is_sweep,
    load_staffing,
    load_sweep,
    staffing_info,
    sweep_info,
    write_staffing,
    write_sweep,
)
from sim.problems import Problem, ScenarioError, kept_records_problems
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


def open_run(folder: Path) -> RunData | UnitRun | StaffingData | dict[str, Any]:
    """A run directory's data (a unit's run too), a staffing search's, or a sweep's
    ``sweep.json``; ``ScenarioError`` if unusable."""
    if is_sweep(folder):
        return load_sweep(folder)
    if is_staffing(folder):
        return load_staffing(folder)
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
    evaluation = _checked(choice, changes)
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


def _checked(choice: ScenarioChoice, changes: Mapping[str, str]) -> Evaluation:
    """The tab's changes, all valid (``ScenarioError`` naming each field otherwise)."""
    evaluation = evaluate(choice, changes, "en")
    if not evaluation.valid or evaluation.scenario is None:
        problems = [Problem(key, message) for key, message in evaluation.messages.items()]
        problems += evaluation.general
        raise ScenarioError(choice.source, problems)
    return evaluation


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


# ---------------------------------------------------------------- one setting, several values


def run_variants(
    settings: Settings,
    choice: ScenarioChoice,
    changes: Mapping[str, str],
    request: VariantRequest,
    specs: Sequence[str],
    reps: int,
    progress: Progress | None = None,
) -> Path:
    """One setting over several values, as ``clinicsim run SCENARIO --set CHANGE ...
    --sweep KEY=V1,V2,...`` runs it: the base (the tab's other changes) and a variant per
    value on the same seeds, written as a sweep and recorded in the index. The records
    are kept when they fit (``sim.limits``), else each variant's summary only."""
    overrides = _checked(choice, other_changes(changes, request.key)).overrides
    sweep = request.sweep()
    variants = variants_from([sweep], None)
    scenarios = resolve(choice.source, overrides, variants, clinic_loader(choice))
    kept = sum(s.horizon.days * s.demand.requests_per_day for s in scenarios.values())
    keep = not kept_records_problems(kept * len(specs) * reps, len(variants) * len(specs) * reps)
    execution = Execution(workers=settings.workers, store=settings.store(), progress=progress)
    result = run_sweep(scenarios, variants, list(specs), reps, execution, keep)
    command = _command(choice, overrides, specs, reps, sweeps=[sweep])
    folder = new_run_folder(settings.runs_dir)
    write_sweep(folder, result, command)
    settings.store().record_run(folder, sweep_info(result, command))
    return folder


def clinic_loader(choice: ScenarioChoice) -> Loader:
    """Reads the tab's scenario (bundled or uploaded) with overrides, as ``--set`` would;
    an outpatient clinic only (a unit has no sweeps nor staffing search)."""
    raw = choice.raw()

    def load(source: str, overrides: list[str]) -> Scenario:
        scenario = scenario_of(raw, overrides, source)
        if not isinstance(scenario, Scenario):
            raise ScenarioError(source, [Problem("", "an outpatient clinic's scenario only")])
        return scenario

    return load


# ---------------------------------------------------------------- the fewest staff


def run_staffing(
    settings: Settings,
    choice: ScenarioChoice,
    changes: Mapping[str, str],
    request: StaffingRequest,
    reps: int,
    progress: Progress | None = None,
    trying: Callable[[int], None] | None = None,
) -> Path:
    """The fewest staff meeting the target, searched as ``clinicsim staff`` searches it
    (the tab's changes as ``--set``); kept as a run directory with ``staffing.json``
    and recorded in the index. ``trying`` is told each count before it runs."""
    overrides = _checked(choice, changes).overrides
    execution = Execution(workers=settings.workers, store=settings.store(), progress=progress)
    evidence, answer = staffing.search(
        choice.source,
        overrides,
        request.resource,
        request.counts,
        request.target,
        request.policy,
        reps,
        execution,
        request.weekday,
        CONFIDENCE,
        load=clinic_loader(choice),
        trying=trying,
    )
    scenario = base_scenario(choice)
    search = {
        **staffing.as_json(evidence, answer, request.target, request.resource, request.policy),
        "scenario": scenario.name,
        "seed": scenario.seed,
        "resource_name": _resource_name(choice, request.resource, "es"),
        "resource_names": {lang: _resource_name(choice, request.resource, lang) for lang in LANGS},
        "weekday": request.weekday,
        "range": [request.counts.start, request.counts.stop - 1],
        "reps": reps,
        "confidence": CONFIDENCE,
        "overrides": overrides,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": _staff_command(choice, overrides, request, reps),
        "versions": versions(),
    }
    folder = new_run_folder(settings.runs_dir)
    write_staffing(folder, search)
    settings.store().record_run(folder, staffing_info(search))
    return folder


def _resource_name(choice: ScenarioChoice, resource: str, lang: str) -> str:
    """The resource by its label in ``lang`` (a search names it in both languages)."""
    scenario = base_scenario(choice)
    assert isinstance(scenario, Scenario)
    return display_name(scenario, "resource", resource, lang)


def _staff_command(
    choice: ScenarioChoice, overrides: Sequence[str], request: StaffingRequest, reps: int
) -> list[str]:
    """The ``clinicsim staff`` command that gives the same answer."""
    command = ["clinicsim", "staff", choice.name, "--resource", request.resource]
    command += ["--range", request.range_text(), "--target", str(request.target).replace(" ", "")]
    if request.weekday:
        command += ["--weekday", request.weekday]
    command += ["-p", request.policy, "--reps", str(reps)]
    for override in overrides:
        command += ["--set", override]
    return [*command, "(dashboard)"]
