"""What-if sweeps: the same experiment on variants of a scenario, compared with the base.

A variant is a name and a list of overrides (the ``--set`` kind). Variants come
from ``--sweep key=v1,v2,...`` (repeatable: every combination) or from a grid
file of named variants::

    variants:
      more_technicians: {resources.technician.count: 5}
      busy_monday: {demand.requests_per_day: 72, resources.technician.roster.mon: 5}

The base scenario is always the first variant, ``base``. All variants share
the seed, so replication r of every variant draws the same patients and luck
wherever the overrides leave demand alone (common random numbers across
variants as across policies), and each variant's difference from the base is
paired replication by replication. All variants' tasks run as one batch.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim import metrics
from sim import scenario as scenario_module
from sim.bounds import metric_bounds
from sim.experiments.runner import (
    Execution,
    RunResult,
    assemble,
    check_policies,
    execute,
    experiment_tasks,
)
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario
from sim.sources import read_text
from sim.yamlread import read_document

BASE = "base"
Loader = Callable[[str, list[str]], Scenario]  # (source, overrides) → the scenario


@dataclass(frozen=True)
class Variant:
    name: str
    overrides: tuple[str, ...]


@dataclass
class SweepResult:
    variants: list[Variant]
    runs: dict[str, RunResult]
    summary: dict[str, Any]


def short_name(variant: str) -> str:
    """``resources.technician.count=5`` → ``technician.count=5``, for tables and charts."""
    parts = []
    for override in variant.split(" "):
        key, sep, value = override.partition("=")
        parts.append(".".join(key.split(".")[-2:]) + sep + value)
    return " ".join(parts)


def variants_from(sweeps: list[str], grid: Path | None) -> list[Variant]:
    """The base, then every combination of ``--sweep`` values, then the grid's variants."""
    variants = [Variant(BASE, ())]
    axes = [_axis(text) for text in sweeps]
    if axes:
        for combination in itertools.product(*(values for _, values in axes)):
            overrides = tuple(
                f"{key}={value}" for (key, _), value in zip(axes, combination, strict=True)
            )
            variants.append(Variant(" ".join(overrides), overrides))
    if grid is not None:
        variants += _grid(grid)
    source = f"--grid {grid}" if grid is not None else "--sweep"
    names = [v.name for v in variants]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ScenarioError(source, [Problem(n, "variant named twice") for n in duplicated])
    folders: dict[str, str] = {}
    for name in names:
        other = folders.setdefault(folder_name(name), name)
        if other != name:
            message = f"would share its output folder with {other!r}; rename one"
            raise ScenarioError(source, [Problem(name, message)])
    return variants


def folder_name(variant: str) -> str:
    """A variant's name as a folder name: ``resources.technician.count=5`` stays readable."""
    return re.sub(r"[^A-Za-z0-9._=,+-]+", "_", variant).strip("_") or "variant"


def _axis(text: str) -> tuple[str, list[str]]:
    key, sep, values = text.partition("=")
    items = _split_top_level(values)
    if not sep or not key.strip() or not all(items):
        raise ScenarioError(
            "--sweep",
            [Problem(text, "expected key=v1,v2,..., e.g. resources.technician.count=3,4,5")],
        )
    return key.strip(), items


def _split_top_level(text: str) -> list[str]:
    """``3,4,[mon, tue]`` → ``["3", "4", "[mon, tue]"]``: commas inside brackets stay."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    items.append(current.strip())
    return items


def _grid(path: Path) -> list[Variant]:
    source, text = read_text(path)
    raw = read_document(text, source)
    table = raw.get("variants") if isinstance(raw, dict) else None
    if not isinstance(table, dict) or not table:
        raise ScenarioError(
            source, [Problem("variants", "expected a mapping of variant names to overrides")]
        )
    variants, problems = [], []
    for name, overrides in table.items():
        if not isinstance(overrides, dict) or not overrides:
            problems.append(Problem(f"variants.{name}", "expected a mapping of key: value"))
            continue
        texts = tuple(f"{key}={_yaml_value(value)}" for key, value in overrides.items())
        variants.append(Variant(str(name), texts))
    if problems:
        raise ScenarioError(source, problems)
    return variants


def _yaml_value(value: Any) -> str:
    """A value as the YAML text an override reads back to the same value."""
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def resolve(
    source: str,
    overrides: list[str],
    variants: list[Variant],
    load: Loader = scenario_module.load,
) -> dict[str, Scenario]:
    """Each variant's scenario; every problem of every variant reported together. ``load``
    reads the source with overrides (a file or a bundled name unless told otherwise: the
    dashboard passes one that reads an uploaded text)."""
    scenarios, problems = {}, []
    for variant in variants:
        try:
            scenarios[variant.name] = load(source, [*overrides, *variant.overrides])
        except ScenarioError as exc:
            problems += [
                Problem(f"[{variant.name}] {p.path}", p.message, p.source) for p in exc.problems
            ]
    if problems:
        raise ScenarioError(source, problems)
    return scenarios


def run_sweep(
    scenarios: dict[str, Scenario],
    variants: list[Variant],
    specs: list[str],
    reps: int,
    execution: Execution,
    keep_records: bool,
) -> SweepResult:
    for scenario in scenarios.values():
        check_policies(scenario, specs)
    started = time.perf_counter()
    tasks = {v.name: experiment_tasks(scenarios[v.name], specs, reps) for v in variants}
    flat = [task for v in variants for task in tasks[v.name]]
    results = execute(flat, execution, keep_records)
    wall = time.perf_counter() - started
    runs, offset = {}, 0
    for v in variants:
        part = results[offset : offset + len(tasks[v.name])]
        offset += len(tasks[v.name])
        runs[v.name] = assemble(scenarios[v.name], specs, reps, part, keep_records, execution, wall)
    return SweepResult(variants, runs, sweep_summary(variants, runs, specs))


def sweep_summary(
    variants: list[Variant], runs: dict[str, RunResult], specs: list[str]
) -> dict[str, Any]:
    """Per variant its overrides and summary; per variant, policy and metric the paired
    difference against the base variant (same policy, same replications)."""
    base = runs[BASE].rep_values
    paired = {}
    for v in variants[1:]:
        values = runs[v.name].rep_values
        paired[v.name] = {
            spec: {
                m: metrics.paired(values[spec][m], base[spec][m], metric_bounds(m))
                for m in values[spec]
                if m in base[spec]
            }
            for spec in specs
        }
    return {
        "reps": runs[BASE].reps,
        "seed": runs[BASE].scenario.seed,
        "baseline": specs[0],
        "variants": {
            v.name: {"overrides": list(v.overrides), "summary": runs[v.name].summary}
            for v in variants
        },
        "paired_to_base": paired,
    }
