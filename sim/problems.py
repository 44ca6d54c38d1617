"""What is wrong with an input, said so a person can fix it.

A ``Problem`` is a dotted path (``resources.technician.count``) and what was
expected there; a ``ScenarioError`` carries every problem found in a file,
an override or a policy parameter. ``problems_from_validation`` turns a
pydantic ``ValidationError`` into problems whose paths are the keys of the file
(list items named by their ``id``), keeping of a union such as ``3`` or
``{mon: 3}`` only the branch that matches what the file holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sim.distributions import DISTRIBUTION_NAMES
from sim.limits import (
    BYTES_PER_KEPT_PATIENT,
    BYTES_PER_PATIENT,
    BYTES_PER_STEP,
    MAX_KEPT_PATIENTS,
    MAX_REPLICATION_BYTES,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (dotted path) and what was expected."""

    path: str
    message: str
    source: str | None = None  # where it comes from, when not the error's file

    def render(self, source: str) -> str:
        source = self.source or source
        where = f"{source}: {self.path}" if self.path else source
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario file, override or policy parameter that cannot be used."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(p.render(source) for p in self.problems))


_BRANCH_KINDS = {
    "int": "number",
    "float": "number",
    "constrained-int": "number",
    "constrained-float": "number",
    "str": "text",
    "bool": "boolean",
}
_KIND_WORDS = {
    "number": "a number",
    "mapping": "a mapping (e.g. by weekday: {mon: 3})",
    "list": "a list",
    "text": "a text",
    "boolean": "true or false",
}


def _tag_kind(item: Any, node: Any) -> str | None:
    """The kind of value a pydantic location element stands for, when it is not a key.

    Union branches (``int``, ``dict[...]``, ...), validator wrappers, the
    ``[key]`` marker and distribution tags appear in locations but not in files.
    """
    if not isinstance(item, str) or (isinstance(node, dict) and item in node):
        return None
    if item in _BRANCH_KINDS:
        return _BRANCH_KINDS[item]
    if item.startswith("dict["):
        return "mapping"
    if item.startswith("list["):
        return "list"
    if item.startswith(("function-", "[key]")) or item in DISTRIBUTION_NAMES:
        return "wrapper"
    return None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "mapping", list: "list", str: "text"}.get(type(value), "other")


def _walk(loc: tuple[Any, ...], raw: Any) -> tuple[str, list[tuple[int, str, Any]]]:
    """The dotted path of a location (list items named by id), and the union branches
    it passes: (position in ``loc``, branch kind, value found there in the file)."""
    parts: list[str] = []
    branches: list[tuple[int, str, Any]] = []
    node = raw
    for position, item in enumerate(loc):
        kind = _tag_kind(item, node)
        if kind is not None:
            if kind != "wrapper":
                branches.append((position, kind, node))
            continue
        if isinstance(item, int) and isinstance(node, list):
            element = node[item] if 0 <= item < len(node) else None
            label = element.get("id") or element.get("name") if isinstance(element, dict) else None
            parts.append(str(label) if label else str(item))
            node = element
            continue
        parts.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts), branches


def _render_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """A pydantic location as a dotted path, naming list items by their id."""
    return _walk(loc, raw)[0]


def _describe(error: dict[str, Any]) -> str:
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    bound = {
        "greater_than_equal": ("≥", "ge"),
        "greater_than": (">", "gt"),
        "less_than_equal": ("≤", "le"),
        "less_than": ("<", "lt"),
    }
    if kind in bound:
        symbol, key = bound[kind]
        return f"must be {symbol} {ctx.get(key)}, got {shown}"
    plain = {
        "int_type": "expected a whole number",
        "int_parsing": "expected a whole number",
        "int_from_float": "expected a whole number",
        "float_type": "expected a number",
        "float_parsing": "expected a number",
        "bool_type": "expected true or false",
        "finite_number": "must be a finite number",
        "string_type": "expected a text",
        "list_type": "expected a list",
        "dict_type": "expected a mapping",
    }
    if kind in plain:
        return f"{plain[kind]}, got {shown}"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against the scenario format in the README)"
    if kind == "union_tag_invalid":
        tag, expected = ctx.get("tag"), ctx.get("expected_tags")
        return f"unknown distribution {tag!r}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return (
            "a distribution needs `dist:` (one of fixed, exponential, normal, lognormal, "
            "gamma, triangular, uniform, empirical) or a bare number"
        )
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {shown}"
    if kind in ("too_short", "too_long"):
        return f"{error['msg'].lower()}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    message = error["msg"]
    return message if "got" in message else f"{message}, got {shown}"


def problems_from_validation(exc: ValidationError, raw: Any) -> list[Problem]:
    """One problem per error, keeping of a union (``3`` or ``{mon: 3}``) only the branch
    that matches what the file holds, or one line listing the kinds expected."""
    errors = exc.errors(include_url=False)
    walked = [_walk(error["loc"], raw) for error in errors]
    offered: dict[tuple[Any, ...], list[str]] = {}
    for error, (_path, branches) in zip(errors, walked, strict=True):
        for position, kind, _value in branches:
            offered.setdefault(tuple(error["loc"][:position]), []).append(kind)

    problems: list[Problem] = []
    for error, (path, branches) in zip(errors, walked, strict=True):
        problem = Problem(path, _describe(error))
        for position, kind, value in branches:
            prefix = tuple(error["loc"][:position])
            actual = _kind_of(value)
            if kind == actual:
                continue
            if actual in offered[prefix]:
                problem = None  # the branch that matches the file reports it
                break
            expected = " or ".join(_KIND_WORDS[k] for k in dict.fromkeys(offered[prefix]))
            problem = Problem(_render_loc(prefix, raw), f"expected {expected}, got {value!r}")
            break
        if problem is not None and problem not in problems:
            problems.append(problem)
    return problems


def _spaced(number: float) -> str:
    return f"{number:,.0f}".replace(",", " ")


def max_patients(steps: int) -> int:
    """The most patients a replication may hold when each has up to ``steps`` steps."""
    return int(MAX_REPLICATION_BYTES // (BYTES_PER_PATIENT + BYTES_PER_STEP * steps))


def patients_problems(days: int, requests_per_day: float, steps: int) -> list[Problem]:
    """A replication's expected requests (of up to ``steps`` steps each) against what
    one replication may hold in memory (``sim.limits``), naming both fields."""
    expected = days * requests_per_day
    most = max_patients(steps)
    if expected <= most:
        return []
    memory = expected * (BYTES_PER_PATIENT + BYTES_PER_STEP * steps) / 1e9
    message = (
        f"horizon.days × demand.requests_per_day = {_spaced(expected)} patients a "
        f"replication of up to {steps} steps each (about {memory:.1f} GB in memory); "
        f"at most {_spaced(most)}: shorten the horizon or lower the requests a day"
    )
    return [Problem("demand.requests_per_day", message)]


def kept_records_problems(kept: float, tasks: int) -> list[Problem]:
    """The patient rows a run keeps for ``--out`` or a report (the expected patients of
    each of its ``tasks``, a policy's replication, summed) against ``MAX_KEPT_PATIENTS``."""
    if kept <= MAX_KEPT_PATIENTS:
        return []
    memory = kept * BYTES_PER_KEPT_PATIENT / 1e9
    message = (
        f"{tasks} replications × policies keep {_spaced(kept)} expected patient records "
        f"for the run's files (about {memory:.1f} GB); at most {_spaced(MAX_KEPT_PATIENTS)}: "
        "fewer replications or policies, or a smaller horizon.days × "
        "demand.requests_per_day"
    )
    return [Problem("--reps", message)]
