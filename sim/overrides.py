"""Dotted ``key=value`` overrides (``--set``, the dashboard's what-if controls).

``apply_override(raw, "resources.technician.count=5")`` edits the raw mapping
of a scenario before validation; the value is read as YAML (``5``, ``walk_in``,
``{mon: 3}``, ``[mon, tue]``). A list item is addressed by its position or by
its ``id``/``name``: ``protocols.cataract.steps.consult.duration.mean=20``.

A problem an override causes names the override, not the scenario's file:
``--set demand.foo=1: demand.foo: unknown key`` (``blame_overrides``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sim.problems import Problem, ScenarioError
from sim.yamlread import read_document


def apply_overrides(raw: dict[str, Any], overrides: Iterable[str]) -> list[Problem]:
    """Apply every override to the raw mapping; what cannot be applied, named by its override."""
    return [
        replace(problem, source=f"--set {text}")
        for text in overrides
        for problem in apply_override(raw, text)
    ]


def blame_overrides(problems: list[Problem], overrides: Iterable[str]) -> list[Problem]:
    """Problems at or under a key an override set, named by that override (the last one
    to set it) instead of the file: the file is not what the user has to fix."""
    setters = {text.partition("=")[0].strip(): text for text in overrides}
    return [_blamed(problem, setters) for problem in problems]


def _blamed(problem: Problem, setters: dict[str, str]) -> Problem:
    if problem.source is not None:
        return problem
    for key, text in setters.items():
        if problem.path == key or problem.path.startswith(key + "."):
            return replace(problem, source=f"--set {text}")
    return problem


def apply_override(raw: dict[str, Any], text: str) -> list[Problem]:
    """Apply one ``dotted.path=value`` to the raw mapping; the value is read as YAML."""
    key, sep, value_text = text.partition("=")
    key = key.strip()
    if not sep or not key:
        return [Problem("", "expected key=value, e.g. resources.technician.count=5")]
    try:
        value = read_document(value_text, "--set", key) if value_text.strip() else ""
    except ScenarioError as exc:
        reason = exc.problems[0].message
        return [Problem("", f"cannot read the value {value_text[:80]!r}: {reason}")]
    parts = key.split(".")
    node: Any = raw
    for depth, part in enumerate(parts[:-1]):
        here = ".".join(parts[: depth + 1])
        child = _child(node, part)
        if child is _MISSING:
            if not isinstance(node, dict):
                return [Problem(here, f"no such item in {'.'.join(parts[:depth]) or 'the list'}")]
            parent = ".".join(parts[:depth])
            if parent in NAMED_COLLECTIONS:
                known = ", ".join(sorted(map(str, node))) or "none"
                return [Problem(here, f"no such entry in {parent}; one of: {known}")]
            node[part] = child = {}
        if not isinstance(child, dict | list):
            return [Problem(here, f"is a single value ({child!r}), cannot set {key}")]
        node = child
    last = parts[-1]
    if isinstance(node, list):
        index = _list_index(node, last)
        if index is None:
            return [Problem(key, "no such item in the list (use its index or id)")]
        node[index] = value
    else:
        node[last] = value
    return []


_MISSING = object()
# an override may set a key of an entry of these, not invent an entry (a misspelt name)
NAMED_COLLECTIONS = ("resources", "protocols", "demand.classes")


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list):
        index = _list_index(node, part)
        return _MISSING if index is None else node[index]
    return _MISSING


def _list_index(items: list[Any], part: str) -> int | None:
    """A list item by position (``0``) or by its ``id``/``name`` (``consult``)."""
    if part.lstrip("-").isdigit():
        index = int(part)
        return index if -len(items) <= index < len(items) else None
    for i, item in enumerate(items):
        if isinstance(item, dict) and part in (item.get("id"), item.get("name")):
            return i
    return None
