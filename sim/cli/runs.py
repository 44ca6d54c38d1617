"""The result store's runs on the command line: where a run given no ``--out`` goes,
``clinicsim runs``, and the run ``clinicsim report`` is given.

- A run given no ``--out`` (``run``, ``compare``, their sweeps, a unit's run) is written
  as a run directory under ``STORE/runs/`` (where the dashboard writes its runs) and
  recorded in the index, so ``runs`` lists it and ``report ID`` rebuilds its report.
  Its records (the Parquet tables) are kept when they fit the memory bound of
  ``sim.limits`` (``records_fit``); a bigger run's directory holds its summary only.
- ``runs`` prints a table that fits the terminal (80 columns off a terminal) without
  cutting anything: short ids (8 characters, more if two runs share them), the time,
  the scenario (wrapped between words if long), the policies (the first ones and
  ``+N`` for the rest) and replications; ``--wide`` adds each directory and command on
  one long line a run; ``--json`` gives every field.
- ``report RUN`` takes a run directory, or a stored run's id or a unique prefix of it
  of at least 4 characters; an unknown or ambiguous id is bad input (exit 2).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.experiments.store import ResultStore, run_id
from sim.outputs.i18n import LANGUAGES, language, t
from sim.problems import Problem, ScenarioError, kept_records_problems
from sim.scenario import Scenario

SHORT_ID = 8  # characters of a run id shown
MIN_PREFIX = 4  # characters of an id `report` needs
ID_TEXT = re.compile(r"[0-9a-fA-F]+")
GAP = 2  # columns between two of the table's columns
COLUMNS = ("runs_id", "runs_created", "runs_scenario", "runs_policies", "runs_reps")
WIDE_COLUMNS = ("runs_dir", "runs_command")
WIDE = 100_000  # the width --wide prints within: no line is wrapped


# ---------------------------------------------------------------- runs given no --out


def stored_run_dir(store: Path | None) -> Path:
    """A fresh folder under ``STORE/runs`` for a run given no ``--out`` (not created)."""
    try:
        return ResultStore(store).new_run_dir()
    except OSError as exc:
        where = str(store or "$CLINICSIM_STORE")
        raise ScenarioError(where, [Problem("--store", f"cannot use it: {exc}")]) from None


def records_fit(scenarios: Iterable[Scenario], policies: int, reps: int) -> bool:
    """Whether the records of ``reps`` replications of ``policies`` policies on each
    scenario fit the bound ``--out`` is held to (``sim.limits.MAX_KEPT_PATIENTS``)."""
    patients = [s.horizon.days * s.demand.requests_per_day for s in scenarios]
    kept = sum(patients) * policies * reps
    return not kept_records_problems(kept, len(patients) * policies * reps)


def written_line(run_dir: Path, given: bool, store: Path | None, lang: str) -> str:
    """What a run says of its directory: ``--out``'s, or its place and id in the store."""
    if given:
        return t("written", lang, path=run_dir)
    wanted = run_id(run_dir)
    shown = short_ids([run["id"] for run in ResultStore(store).runs()])
    return t("stored_run", lang, id=shown.get(wanted, wanted[:SHORT_ID]), path=run_dir)


def print_summary_only(lang: str) -> None:
    """Say that a run kept in the store has no tables (too many records to keep)."""
    print(f"note: {t('stored_summary_only', lang)}", file=sys.stderr)


# ---------------------------------------------------------------- report RUN


def find_run(given: Path, store: Path | None) -> Path:
    """The run directory ``report`` names: ``given`` itself if it exists (or cannot be an
    id), else the stored run whose id starts with it."""
    text = str(given)
    if given.exists() or not ID_TEXT.fullmatch(text):
        return given
    if len(text) < MIN_PREFIX:
        raise _bad_run(text, f"a run id needs at least {MIN_PREFIX} characters")
    matches = ResultStore(store).find_runs(text)
    if not matches:
        raise _bad_run(
            text, "no such run directory, nor a stored run with this id (see clinicsim runs)"
        )
    if len(matches) > 1:
        ids = ", ".join(run["id"] for run in matches)
        raise _bad_run(text, f"ambiguous run id: {ids} start with it; give more characters")
    (run,) = matches
    if not run["exists"]:
        raise _bad_run(text, f"the stored run's directory is gone: {run['dir']}")
    return Path(run["dir"])


def _bad_run(text: str, message: str) -> ScenarioError:
    return ScenarioError(text, [Problem("RUN", message)])


# ---------------------------------------------------------------- clinicsim runs


def add_runs_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    runs = commands.add_parser("runs", help="list the runs kept in the result store")
    runs.add_argument("--store", type=Path, metavar="DIR")
    runs.add_argument("--wide", action="store_true", help="also each directory and command")
    runs.add_argument("--json", action="store_true", help="every field, ids in full")
    runs.add_argument("--lang", choices=LANGUAGES, help="language of the table (es|en)")
    runs.set_defaults(handler=cmd_runs)


def cmd_runs(args: argparse.Namespace) -> int:
    store = ResultStore(args.store)
    runs = store.runs()
    if args.json:
        sys.stdout.write(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
        return 0
    lang = language(args.lang)
    console = Console()
    console.print(escape(t("runs_store", lang, path=store.root)), highlight=False)
    if not runs:
        console.print(t("runs_none", lang), highlight=False)
        return 0
    if args.wide:  # a run a line, however long: for a wide terminal, a pager or grep
        Console(width=WIDE).print(runs_table(runs, lang, None))
    else:
        console.print(runs_table(runs, lang, console.width))
    console.print(t("runs_hint", lang), highlight=False)
    return 0


def runs_table(runs: Sequence[dict[str, Any]], lang: str, width: int | None) -> Table:
    """A row per run; within ``width`` columns, or ``None`` for the wide table (every
    policy, the directory and the command)."""
    ids = short_ids([run["id"] for run in runs])
    policies = [run["policies"].split(", ") if run["policies"] else [] for run in runs]
    cells = [
        [
            ids[run["id"]] + ("" if run["exists"] else f"\n{t('runs_gone', lang)}"),
            short_time(run["created"]),
            _scenario_cell(run, lang),  # names are text, not rich markup: escaped
            str(run["reps"]),
        ]
        for run in runs
    ]
    heads = {key: t(key, lang) for key in (*COLUMNS, *WIDE_COLUMNS)}
    wide = width is None
    scenario_width, policies_width = (
        (None, None) if wide else _flexible_widths(heads, cells, policies, width)
    )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column(heads["runs_id"], no_wrap=True)
    table.add_column(heads["runs_created"], no_wrap=True)
    table.add_column(heads["runs_scenario"], width=scenario_width, no_wrap=wide, overflow="fold")
    table.add_column(heads["runs_policies"], width=policies_width, no_wrap=wide, overflow="fold")
    table.add_column(heads["runs_reps"], justify="right", no_wrap=True)
    for key in WIDE_COLUMNS if wide else ():
        table.add_column(heads[key], no_wrap=True)
    for run, (ident, created, scenario, reps), names in zip(runs, cells, policies, strict=True):
        shown = ", ".join(names) if wide else shorten(names, policies_width or 0)
        extra = [run["dir"], run["command"]] if wide else []
        table.add_row(ident, created, escape(scenario), escape(shown), reps, *map(escape, extra))
    return table


def _scenario_cell(run: dict[str, Any], lang: str) -> str:
    """The scenario's name, and a sweep's number of variants under it."""
    variants = [v for v in (run.get("variants") or "").split(", ") if v]
    if not variants:
        return str(run["scenario"])
    return f"{run['scenario']}\n{t('runs_variants', lang, count=len(variants))}"


def _widest(head: str, texts: Iterable[str]) -> int:
    return max([len(head), *(len(line) for text in texts for line in text.splitlines())])


def _flexible_widths(
    heads: dict[str, str], cells: list[list[str]], policies: list[list[str]], width: int
) -> tuple[int, int]:
    """The widths of the scenario and policies columns within ``width``: the scenario
    whole if it fits, the policies at least their first and ``+N``; a scenario that
    still does not fit wraps between words."""
    fixed = sum(
        _widest(heads[key], (row[c] for row in cells))
        for key, c in (("runs_id", 0), ("runs_created", 1), ("runs_reps", 3))
    )
    free = width - fixed - GAP * (len(COLUMNS) - 1)
    scenario = _widest(heads["runs_scenario"], (row[2] for row in cells))
    least = _widest(heads["runs_policies"], (shorten(names, 0) for names in policies))
    most = _widest(heads["runs_policies"], (", ".join(names) for names in policies))
    budget = min(most, max(least, free - scenario))
    policies_width = _widest(heads["runs_policies"], (shorten(n, budget) for n in policies))
    scenario_width = max(len(heads["runs_scenario"]), min(scenario, free - policies_width))
    return scenario_width, policies_width


def shorten(policies: Sequence[str], width: int) -> str:
    """The policies within ``width`` characters: all of them, or the first ones and
    ``+N`` for the rest (at least the first, the baseline)."""
    whole = ", ".join(policies)
    if len(whole) <= width or len(policies) <= 1:
        return whole
    for shown in range(len(policies) - 1, 1, -1):
        text = f"{', '.join(policies[:shown])} +{len(policies) - shown}"
        if len(text) <= width:
            return text
    return f"{policies[0]} +{len(policies) - 1}"


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Each id shortened to ``SHORT_ID`` characters, or more while two would be equal."""
    length = SHORT_ID
    distinct = set(ids)
    while length < max(map(len, distinct), default=0):
        if len({i[:length] for i in distinct}) == len(distinct):
            break
        length += 1
    return {i: i[:length] for i in ids}


def short_time(created: str) -> str:
    """An index's ISO time as local ``YYYY-MM-DD HH:MM`` (the text itself if not ISO)."""
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return created
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
