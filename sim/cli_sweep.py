"""``run``/``compare`` with ``--sweep`` or ``--grid``: what-if variants side by side.

The sweep's table has a row per variant and policy and a column per headline
metric (mean ± half-width of the 95 % interval), with each variant's paired
difference from the base variant under it. ``--json`` prints the sweep's
summary; ``--out DIR`` writes ``sweep.json`` and a run directory per variant
under ``DIR/variants/``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sim.formatting import format_paired, format_summary, metric_label
from sim.i18n import t
from sim.store import run_info, write_run, write_text_atomically
from sim.sweep import BASE, SweepResult

TABLE_WIDTH = 120
SWEEP_METRICS = ("los", "wait", "access_days", "utilisation", "overtime", "unbooked")


def sweep_json(result: SweepResult) -> str:
    return json.dumps(result.summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def print_sweep(result: SweepResult, lang: str) -> None:
    summary = result.summary
    title = t("sweep_title", lang, variants=len(result.variants), reps=summary["reps"])
    table = Table(title=title, caption=t("sweep_footer", lang))
    names = [short_name(v.name) for v in result.variants]
    specs = list(summary["variants"][BASE]["summary"]["policies"])
    table.add_column(t("variant", lang), no_wrap=True, min_width=max(map(len, names)))
    table.add_column(t("policy", lang), no_wrap=True, min_width=max(map(len, specs)))
    for metric in SWEEP_METRICS:
        table.add_column(metric_label(metric, lang), justify="right")
    for variant in result.variants:
        entry = summary["variants"][variant.name]["summary"]
        for spec in entry["policies"]:
            cells = []
            for metric in SWEEP_METRICS:
                cell = format_summary(metric, entry["policies"][spec][metric])
                if variant.name != BASE:
                    paired = summary["paired_to_base"][variant.name][spec][metric]
                    cell += f"\n[dim]Δ {format_paired(metric, paired)}[/]"
                cells.append(cell)
            table.add_row(short_name(variant.name), spec, *cells)
    console = Console()
    Console(width=max(console.width, TABLE_WIDTH)).print(table)


def short_name(variant: str) -> str:
    """``resources.technician.count=5`` → ``technician.count=5``: the table stays narrow."""
    parts = []
    for override in variant.split(" "):
        key, sep, value = override.partition("=")
        parts.append(".".join(key.split(".")[-2:]) + sep + value)
    return " ".join(parts)


def write_sweep(out: Path, result: SweepResult, command: list[str]) -> list[Path]:
    """``sweep.json`` and one run directory per variant under ``variants/``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    index: dict[str, Any] = {}
    for variant in result.variants:
        folder = out / "variants" / folder_name(variant.name)
        written += write_run(folder, result.runs[variant.name], command)
        index[variant.name] = folder.relative_to(out).as_posix()
    summary = {**result.summary, "folders": index}
    text = json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    written.append(write_text_atomically(out / "sweep.json", text))
    return written


def folder_name(variant: str) -> str:
    """A variant's name as a folder name: ``resources.technician.count=5`` stays readable."""
    return re.sub(r"[^A-Za-z0-9._=,+-]+", "_", variant).strip("_") or "variant"


def sweep_info(result: SweepResult, command: list[str]) -> dict[str, Any]:
    base = result.runs[BASE]
    return {**run_info(base, command), "variants": [v.name for v in result.variants]}


def emit(result: SweepResult, args: argparse.Namespace, lang: str) -> None:
    if args.json:
        sys.stdout.write(sweep_json(result))
    else:
        print_sweep(result, lang)
