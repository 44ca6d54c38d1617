"""A unit run's directory: written like an outpatient run's (every file atomically) and
read back whole, so ``clinicsim report`` and the dashboard show a stored unit run.

The directory holds ``summary.json``, ``scenario.yaml`` (resolved), ``run.json``
(``"kind": "unit"``, command, versions, planning seconds), ``patients.parquet``,
``studies.parquet`` and ``blocks.parquet`` (every replication), ``plans.json``
(replication 0's waiting list and each policy's itineraries, study keys by
name) and ``admissions.csv`` (the same plans, one row per study, for a
spreadsheet).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.tasks import versions
from sim.experiments.unit_runner import UNIT_TABLES, UnitRun
from sim.files import write_atomically, write_text_atomically
from sim.jsontext import finite_json
from sim.outputs.rundir import check_summary, read_json, summary_json
from sim.problems import Problem, ScenarioError
from sim.unit.instance import instance_of
from sim.unit.plan import Itinerary, UnitPlan
from sim.unit.scenario import UnitScenario, WaitingPatient, load_unit

UNIT_FILES = ("summary.json", "scenario.yaml", "plans.json", *(f"{t}.parquet" for t in UNIT_TABLES))


def is_unit_run(folder: Path) -> bool:
    """Whether a run directory holds a unit run (it has ``plans.json``)."""
    return (folder / "plans.json").is_file()


def unit_run_info(run: UnitRun, command: list[str]) -> dict[str, Any]:
    return {
        "kind": "unit",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "scenario": run.scenario.name,
        "seed": run.scenario.seed,
        "reps": run.reps,
        "policies": run.policies,
        "baseline": run.baseline,
        "versions": versions(),
        **run.info,
    }


def write_unit_run(out: Path, run: UnitRun, info: dict[str, Any]) -> None:
    # the texts first: a figure that cannot be written as JSON stops before any file
    plans_text = finite_json(plans_document(run), "plans.json", indent=1, ensure_ascii=True)
    info_text = finite_json(info, "run.json", default=str, ensure_ascii=True)
    summary_text = summary_json(run.summary)
    out.mkdir(parents=True, exist_ok=True)
    for name in UNIT_TABLES:
        table = run.tables[name]
        write_atomically(out / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False))
    write_text_atomically(out / "scenario.yaml", run.scenario.to_yaml())
    write_text_atomically(out / "plans.json", plans_text)
    write_text_atomically(out / "admissions.csv", admissions_csv(run))
    write_text_atomically(out / "run.json", info_text)
    write_text_atomically(out / "summary.json", summary_text)


def plans_document(run: UnitRun) -> dict[str, Any]:
    """Replication 0's waiting list and plans, studies named by their scenario keys."""
    keys = list(run.scenario.unit.studies)
    inst = run.instance
    return {
        "patients": [
            {
                "name": p.name,
                "priority": p.priority,
                "min_stay": p.min_stay,
                "first_block": p.first_block + 1,
                "studies": [keys[i] for i in p.studies],
            }
            for p in inst.patients
        ],
        "plans": {
            spec: [
                {
                    "patient": it.patient,
                    "admission": it.admission,
                    "stay": list(it.stay),
                    "studies": [[keys[i], b, k] for i, b, k in it.studies],
                }
                for _p, it in sorted(plan.itineraries.items())
            ]
            for spec, plan in run.plans.items()
        },
    }


def admissions_csv(run: UnitRun) -> str:
    inst = run.instance
    lines = ["policy,patient,priority,admission,study,block,division"]
    for spec, plan in run.plans.items():
        for p, itinerary in sorted(plan.itineraries.items()):
            patient = inst.patients[p]
            for i, b, k in itinerary.studies:
                lines.append(
                    f"{spec},{patient.name},{patient.priority},B{itinerary.admission + 1},"
                    f"{json.dumps(inst.study_names[i], ensure_ascii=False)},B{b + 1},{k}"
                )
    return "\n".join(lines) + "\n"


def load_unit_run(folder: Path) -> UnitRun:
    """Read a unit run directory; ``ScenarioError`` naming the file that is missing or
    unreadable."""
    missing = [name for name in UNIT_FILES if not (folder / name).is_file()]
    if missing:
        message = f"not a complete unit run directory: missing {', '.join(missing)}"
        raise ScenarioError(str(folder), [Problem("RUN_DIR", message)])
    summary = read_json(folder / "summary.json", required=True)
    check_summary(folder / "summary.json", summary)
    info = read_json(folder / "run.json", required=False)
    scenario = load_unit(folder / "scenario.yaml")
    document = read_json(folder / "plans.json", required=True)
    try:
        inst, plans = _plans(scenario, document)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        message = f"not a clinicsim unit plan: {type(exc).__name__}: {exc}"
        raise ScenarioError(str(folder / "plans.json"), [Problem("", message)]) from None
    tables = {name: _table(folder / f"{name}.parquet") for name in UNIT_TABLES}
    policies = list(summary["policies"])
    return UnitRun(scenario, inst, policies, int(summary["reps"]), plans, summary, tables, {}, info)


def _plans(scenario: UnitScenario, document: dict[str, Any]) -> tuple[Any, dict[str, UnitPlan]]:
    inst = instance_of(scenario, [WaitingPatient(**p) for p in document["patients"]])
    keys = list(scenario.unit.studies)
    plans = {}
    for spec, itineraries in document["plans"].items():
        plan = UnitPlan(inst)
        for it in itineraries:
            studies = tuple((keys.index(i), int(b), int(k)) for i, b, k in it["studies"])
            p = int(it["patient"])
            plan.itineraries[p] = Itinerary(p, int(it["admission"]), tuple(it["stay"]), studies)
        plans[spec] = plan
    return inst, plans


def _table(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        message = f"cannot be read as Parquet: {type(exc).__name__}"
        raise ScenarioError(str(path), [Problem("", message)]) from None
    if not {"policy", "rep"} <= set(table.columns):
        raise ScenarioError(str(path), [Problem("", "not a clinicsim unit table")])
    return table
