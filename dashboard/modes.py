"""The run panel's three questions and what each needs from its form.

- ``compare``: the policies on the tab's scenario (against the clinic as it is when it
  has changes): ``dashboard.runs.run_whatif``.
- ``vary``: one what-if control (``dashboard.whatif.Control``) over several values, run as
  ``clinicsim run SCENARIO --set CHANGE ... --sweep KEY=V1,V2,...`` runs it: the tab's
  other changes are the ``--set`` overrides, the values the ``--sweep``.
- ``staff``: the fewest staff of a resource (every day, or one weekday's roster) that
  meet a target, as ``clinicsim staff`` searches it (``sim.experiments.staffing``).

Here the forms' texts become a ``VariantRequest`` or a ``StaffingRequest``, or a message
in the page's language for the field that is wrong; nothing here runs anything.

Values of a setting are separated by semicolons or spaces, and by commas except where
a comma is a decimal comma: a Spanish page reads ``0,05; 0,1`` as two shares and
``3, 4, 5`` or ``3,4,5`` as three counts (a single comma between digits of a decimal
setting is the decimal comma there); an English page reads every comma as a separator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.i18n import tr
from dashboard.policy_offer import clinic_specs, unit_specs
from dashboard.whatif import (
    Control,
    ScenarioChoice,
    base_scenario,
    evaluate,
    parse_value,
    shown_value,
)
from policies import REGISTRY, UNIT_REGISTRY
from sim.experiments.staffing import Target
from sim.metrics import scenario_metric_names
from sim.outputs.catalogue import find
from sim.outputs.formatting import read_number
from sim.scenario import Scenario
from sim.unit.scenario import UnitScenario

MODES = ("compare", "vary", "staff")
MAX_VALUES = 12  # values of one setting a run may try
WHOLE_KINDS = frozenset({"count", "iterations", "clock"})  # kinds whose values have no decimals
STATISTICS = ("p90", "p50", "mean")
OPERATORS = ("<=", ">=")
TARGET_METRICS = ("wait", "wait_first", "los", "overtime", "utilisation", "access_days")
MIN_STAFF_REPS = 2  # a count's interval needs two replications
CONFIDENCE = 0.95  # of the one-sided bound a count must meet (``clinicsim staff``'s default)
SEPARATORS = re.compile(r"[;\s]+")


def mode_of(value: Any) -> str:
    return value if value in MODES else "compare"


def changes_of(data: Any) -> dict[str, str]:
    """A tab's stored changes (``{key: text typed}``), whatever the browser sent."""
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def policy_choices_of(choice: ScenarioChoice) -> tuple[str, ...]:
    """The policies a scenario can be run with (``dashboard.policy_offer``): a unit's
    block model has its own, and a scenario that books compares ways of booking."""
    base = base_scenario(choice)
    if isinstance(base, UnitScenario):
        return unit_specs(UNIT_REGISTRY)
    return clinic_specs(REGISTRY, books=base.booking is not None)


# ---------------------------------------------------------------- one setting, several values


@dataclass(frozen=True)
class VariantRequest:
    """A control's key and the values to run, each as an override's value text."""

    key: str
    values: tuple[str, ...]

    def sweep(self) -> str:
        """The ``--sweep`` argument: ``resources.technician.roster.mon=3,4,5,6``."""
        return f"{self.key}={','.join(self.values)}"


def split_values(text: str, control: Control, lang: str) -> list[str]:
    """The values typed, as separate texts (see the module's note on commas)."""
    items: list[str] = []
    for token in SEPARATORS.split(str(text).strip()):
        token = token.strip(",")
        if not token:
            continue
        decimal_comma = (
            lang == "es"
            and control.kind not in WHOLE_KINDS
            and token.count(",") == 1
            and "." not in token
        )
        items += [token] if decimal_comma else [t for t in token.split(",") if t]
    return items


def check_values(
    choice: ScenarioChoice, changes: Mapping[str, str], key: Any, text: Any, lang: str
) -> tuple[VariantRequest | None, str]:
    """The values typed for the setting ``key``, each checked as its field would be and
    against the scenario with the tab's other changes: the request, or what is wrong."""
    controls = {c.key: c for c in choice.controls()}
    control = controls.get(str(key))
    if control is None:
        return None, tr("pick_setting", lang)
    values: list[str] = []
    for item in split_values(str(text or ""), control, lang):
        value, expected = parse_value(control.kind, item)
        if expected:
            return None, f"{item}: {tr(expected, lang)}"
        shown = override_value(control, value)
        refused = _refused(choice, changes, control, item, lang)
        if refused:
            return None, f"{item}: {refused}"
        if shown not in values:
            values.append(shown)
    if len(values) < 2:
        return None, tr("expect_values", lang)
    if len(values) > MAX_VALUES:
        return None, tr("too_many_values", lang, most=MAX_VALUES)
    return VariantRequest(control.key, tuple(values)), ""


def override_value(control: Control, value: Any) -> str:
    """A parsed value as the override's value text (``5``, ``0.1``, ``"08:00"``)."""
    if control.kind == "clock":
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _refused(
    choice: ScenarioChoice, changes: Mapping[str, str], control: Control, item: str, lang: str
) -> str:
    """What the scenario says of the value with the tab's other changes ('' if valid)."""
    others = {k: v for k, v in changes.items() if k != control.key}
    evaluation = evaluate(choice, {**others, control.key: item}, lang)
    if evaluation.valid:
        return ""
    return evaluation.messages.get(control.key) or "; ".join(evaluation.problems)


def other_changes(changes: Mapping[str, str], key: str) -> dict[str, str]:
    """The tab's changes but the swept setting's (the sweep sets it)."""
    return {k: v for k, v in changes.items() if k != key}


def values_hint(choice: ScenarioChoice, key: Any, lang: str) -> str:
    """The setting's value in the scenario and how to type several."""
    control = next((c for c in choice.controls() if c.key == key), None)
    if control is None:
        return ""
    return tr("values_hint", lang, current=shown_value(control, lang))


# ---------------------------------------------------------------- the fewest staff


@dataclass(frozen=True)
class StaffingRequest:
    """What ``clinicsim staff`` is asked: resource, weekday, target, counts, policy."""

    resource: str
    weekday: str | None
    target: Target
    counts: range
    policy: str

    def range_text(self) -> str:
        return f"{self.counts.start}..{self.counts.stop - 1}"


STAFF_FIELDS = (
    "resource",
    "weekday",
    "statistic",
    "metric",
    "operator",
    "value",
    "low",
    "high",
    "policy",
)


def target_metrics(scenario: Scenario) -> list[str]:
    """The figures a staffing target may be set on for this scenario, in the form's order."""
    names = scenario_metric_names(scenario)
    books = scenario.booking is not None or scenario.demand.booking_window_days > 0
    return [m for m in TARGET_METRICS if m in names and (m != "access_days" or books)]


def check_staffing(
    choice: ScenarioChoice,
    form: Mapping[str, Any],
    policies: list[str],
    reps: int | None,
    lang: str,
) -> tuple[StaffingRequest | None, dict[str, str]]:
    """The staffing form's values: the request, or a message per field that is wrong
    (``value``: the target's number, ``range``: the counts, ``reps``, ``policy``,
    ``resource``, ``weekday``, ``metric``)."""
    base = base_scenario(choice)
    messages: dict[str, str] = {}
    if not isinstance(base, Scenario):
        return None, {"resource": tr("staff_clinic_only", lang)}
    resource = str(form.get("resource") or "")
    if resource not in base.resources:
        messages["resource"] = tr("pick_resource", lang)
    weekday = str(form.get("weekday") or "") or None
    if weekday is not None and weekday not in base.horizon.weekdays:
        messages["weekday"] = tr("pick_weekday", lang)
    metric = str(form.get("metric") or "")
    if metric not in target_metrics(base):
        messages["metric"] = tr("pick_metric", lang)
    statistic = form.get("statistic") if form.get("statistic") in STATISTICS else "mean"
    operator = form.get("operator") if form.get("operator") in OPERATORS else "<="
    value = target_value(metric, form.get("value"))
    if value is None:
        messages["value"] = tr("expect_target_value", lang)
    counts = count_range(form.get("low"), form.get("high"))
    if counts is None:
        messages["range"] = tr("expect_range", lang)
    policy = str(form.get("policy") or "")
    if policy not in policies:
        messages["policy"] = tr("pick_policy_one", lang)
    if reps is None or reps < MIN_STAFF_REPS:
        messages["reps"] = tr("expect_staff_reps", lang)
    if messages or value is None or counts is None:
        return None, messages
    target = Target(metric, str(statistic), str(operator), value)
    return StaffingRequest(resource, weekday, target, counts, policy), {}


def target_value(metric: str, text: Any) -> float | None:
    """The target's number as the metric stores it: a share typed in percent (``85``) is
    0.85; ``None`` if it is not a number (a decimal comma is read)."""
    try:
        value = read_number(str(text))
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    entry = find(metric) if metric in TARGET_METRICS else None
    if entry is not None and entry.percent:
        return value / 100 if 0 <= value <= 100 else None
    return value if value >= 0 else None


def count_range(low: Any, high: Any) -> range | None:
    """Staff counts from ``low`` to ``high``, both whole numbers ≥ 0 with ``low`` ≤ ``high``
    (``None`` otherwise: an empty or unreadable range)."""
    ends = [parse_value("count", str(x if x is not None else ""))[0] for x in (low, high)]
    if any(end is None for end in ends) or ends[0] > ends[1]:
        return None
    return range(ends[0], ends[1] + 1)


def busiest_resource(scenario: Scenario) -> str | None:
    """The resource with the most staff on the first working day (the forms' default:
    the staff a manager most often asks about)."""
    day = scenario.horizon.weekdays[0] if scenario.horizon.weekdays else None
    counts = {key: r.roster.get(day or "", r.base_count) for key, r in scenario.resources.items()}
    return max(counts, key=lambda key: counts[key], default=None)


def default_range(scenario: Scenario, resource: str) -> tuple[int, int]:
    """Counts a search starts with: from half the scenario's count to one more than the
    most it has on any day."""
    entry = scenario.resources[resource]
    counts = [entry.roster.get(day, entry.base_count) for day in scenario.horizon.weekdays]
    most = max(counts, default=entry.base_count)
    return max(1, most // 2), most + 1
