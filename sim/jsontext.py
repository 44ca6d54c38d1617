"""JSON text with finite numbers only: every JSON the tool writes or prints goes here.

``json.dumps`` writes an infinite or NaN float as ``Infinity``/``NaN``, which is not
JSON, and with ``allow_nan=False`` fails with a message that names no field.
``finite_json(value, source)`` first looks for such numbers and raises one
``ScenarioError`` naming ``source`` (the file or ``--json``) and the dotted path of
each (``policies.grasp.fs.mean``), so a figure that overflowed is reported as the
error it is, never written as invalid JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from sim.problems import Problem, ScenarioError


def non_finite_paths(value: Any, path: str = "") -> Iterator[str]:
    """The dotted path of every infinite or NaN number in a JSON-like value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from non_finite_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from non_finite_paths(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, float) and not math.isfinite(value):
        yield path or "(the value)"
    elif hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        yield from non_finite_paths(value.item(), path)  # a NumPy scalar


def finite_json(
    value: Any,
    source: str,
    indent: int | None = 2,
    default: Callable[[Any], Any] | None = None,
    ensure_ascii: bool = False,
) -> str:
    """``value`` as JSON text (with a final newline), or a ``ScenarioError`` naming every
    number that is not finite."""
    wrong = list(dict.fromkeys(non_finite_paths(value)))
    if wrong:
        message = "is not a finite number (infinite or NaN), which JSON cannot hold"
        problems = [Problem(path, message) for path in wrong[:20]]
        raise ScenarioError(source, problems)
    text = json.dumps(
        value, indent=indent, ensure_ascii=ensure_ascii, allow_nan=False, default=default
    )
    return text + "\n"
