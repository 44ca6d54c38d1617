"""The what-if controls of a scenario and the changes a user makes with them.

A ``Control`` is one value of the scenario a manager may change: the staff of
a resource on a weekday, opening and closing time, requests a day, the no-show
rate, punctuality, and the parameters each policy of ``policies.REGISTRY`` offers
(``dashboard.policy_offer``); for a day or week hospital (a unit scenario) its
beds, chairs, admissions a block, patients a week, no-show and extra-block rates
and the parameters of the policies of ``policies.UNIT_REGISTRY``. Its ``key`` is
the dotted key of a ``--set`` override, so a change is exactly an override of the
command line. A field shows a value as the page's language writes it (``shown_value``:
``0,06`` in Spanish) and reads either decimal mark, while the override keeps the
command line's form (``behaviour.no_show=0.06``). ``evaluate`` checks a tab's changes
(``{key: text typed}``) against the base scenario: a value of the wrong kind gets a
message in the user's language at its field, a value the scenario refuses gets the
validator's message, and the valid changes give the scenario that is shown and run.

``ScenarioChoice`` says which base scenario a tab works on: a bundled one by
name, or the text of an uploaded file (never a path on the server), or the text of the
scenario fitted to a dropped event log, with the id of that log on the server
(``dashboard.eventlogs``) so that the fit can be checked against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from dashboard.i18n import tr
from dashboard.messages import localise_message, localise_problem
from dashboard.policy_offer import Pairs, parameter_fields
from policies import PolicyError
from scenarios import bundled_names, bundled_path
from sim.models import model_of_mapping, model_of_scenario
from sim.outputs.formatting import localised, read_number
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario, format_clock, parse_yaml, read_yaml
from sim.unit.scenario import UnitScenario

Kind = Literal["count", "clock", "rate", "share", "minutes", "iterations", "seconds", "positive"]
UPLOAD_LIMIT_BYTES = 256 * 1024
CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")  # ASCII digits: int() reads no others


@dataclass(frozen=True)
class Control:
    """One changeable value: its override key, its value in the base scenario, its kind."""

    key: str
    group: str  # staff, unit, hours, demand, behaviour, booking, or a policy's name
    label: str  # an i18n key, or a policy parameter's name (its words are in ``texts``)
    base: str
    kind: Kind
    resource: str = ""  # staff controls: which resource and weekday
    weekday: str = ""
    texts: Pairs = ()  # a policy parameter's label per language
    group_texts: Pairs = ()  # a policy parameter's policy title per language
    help_texts: Pairs = ()  # a policy parameter's help per language

    def label_text(self, lang: str) -> str:
        """The control's label in ``lang``."""
        return dict(self.texts).get(lang) or tr(self.label, lang)

    def help_text(self, lang: str) -> str:
        """What the value means, in ``lang``: a policy parameter's help, or the phrase
        ``help_<label>``."""
        if self.texts:
            return dict(self.help_texts).get(lang, "")
        return tr(f"help_{self.label}", lang)

    def group_title(self, lang: str) -> str:
        """The heading of the control's group in ``lang``."""
        policy = dict(self.group_texts).get(lang)
        return (
            tr("group_policy", lang, policy=policy) if policy else tr(f"group_{self.group}", lang)
        )


@dataclass
class Evaluation:
    """A tab's changes checked against the base scenario."""

    scenario: Scenario | UnitScenario | None  # the base with every valid change applied
    applied: dict[str, str]  # key → the valid change as a ``key=value`` override
    messages: dict[str, str] = field(default_factory=dict)  # key → what is wrong
    problems: list[str] = field(default_factory=list)  # what no single field explains
    general: list[Problem] = field(default_factory=list)  # the same, as the checker said it

    @property
    def overrides(self) -> list[str]:
        return list(self.applied.values())

    @property
    def valid(self) -> bool:
        return self.scenario is not None and not self.messages and not self.problems


# ---------------------------------------------------------------- the base scenario


@dataclass(frozen=True)
class ScenarioChoice:
    """A bundled scenario by name, or an uploaded (or fitted) file's name and text."""

    name: str
    text: str | None = None  # set for an upload and a fitted scenario
    log: str | None = None  # a fitted scenario: the id of the log it was fitted to

    @classmethod
    def from_store(cls, data: Mapping[str, Any] | None) -> ScenarioChoice:
        """The choice a tab stored, or the default scenario if it is not usable (any
        more: a bundled scenario renamed, an upload this version refuses)."""
        data = data if isinstance(data, Mapping) else {}
        text, log = data.get("text"), data.get("log")
        choice = cls(
            str(data.get("name") or default_scenario()),
            text if isinstance(text, str) else None,
            log if isinstance(log, str) and isinstance(text, str) else None,
        )
        try:
            base_scenario(choice)
        except ScenarioError:
            return cls(default_scenario())
        return choice

    def to_store(self) -> dict[str, Any]:
        fitted = {"log": self.log} if self.log is not None else {}
        return {"name": self.name, "text": self.text, **fitted}

    @property
    def source(self) -> str:
        """How messages name the scenario: the uploaded file's name or the bundled file's."""
        return self.name if self.text is not None else f"{self.name}.yaml"

    def raw(self) -> dict[str, Any]:
        """The base scenario's mapping (do not modify it: it is shared)."""
        return _raw(self.name, self.text)

    def controls(self) -> list[Control]:
        """The what-if controls of the base scenario."""
        return controls_of(base_scenario(self), self.raw())


def base_scenario(choice: ScenarioChoice) -> Scenario | UnitScenario:
    """The validated base scenario of a choice (``ScenarioError`` if it is not valid)."""
    return _validated(choice.name, choice.text, choice.source)


@lru_cache(maxsize=32)
def _validated(name: str, text: str | None, source: str) -> Scenario | UnitScenario:
    scenario = scenario_of(_raw(name, text), [], source)
    # the policies block too, as `clinicsim validate` does
    model_of_scenario(scenario).check_policies(scenario, [])
    return scenario


def scenario_of(
    raw: Mapping[str, Any], overrides: list[str], source: str
) -> Scenario | UnitScenario:
    """An outpatient clinic or a unit planned in blocks, as the file's sections say."""
    return model_of_mapping(raw).from_mapping(raw, overrides, source)


def offered_scenarios() -> list[str]:
    """The bundled scenarios, outpatient clinics and units alike."""
    return bundled_names()


def scenario_options() -> list[dict[str, str]]:
    """The scenario picker's options: each bundled scenario by the ``name:`` in its file, in
    the order of those names (its file's stem is the value, as the command line names it)."""
    options = [{"label": scenario_title(stem), "value": stem} for stem in offered_scenarios()]
    return sorted(options, key=lambda option: option["label"])


def scenario_title(stem: str) -> str:
    """A bundled scenario's ``name:`` (its stem if it has none, or no such file)."""
    try:
        return str(_raw(stem, None).get("name") or stem)
    except ScenarioError:
        return stem


def default_scenario() -> str:
    names = offered_scenarios()
    return "ophthalmology" if "ophthalmology" in names else names[0]


@lru_cache(maxsize=32)
def _raw(name: str, text: str | None) -> dict[str, Any]:
    if text is not None:
        return parse_yaml(text, name)
    path = bundled_path(name)
    if path is None:
        raise ScenarioError(name, [Problem("", "no such bundled scenario")])
    return read_yaml(path)


def read_upload(filename: str, content: bytes) -> ScenarioChoice:
    """An uploaded scenario, checked whole (size, encoding, YAML, schema, references);
    a ``ScenarioError`` names the file and every problem, as the command line does."""
    if len(content) > UPLOAD_LIMIT_BYTES:
        limit = UPLOAD_LIMIT_BYTES // 1024
        size = math.ceil(len(content) / 1024)
        message = f"the file is {size} kB; a scenario may be at most {limit} kB"
        raise ScenarioError(filename, [Problem("", message)])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(filename, [Problem("", "not a UTF-8 text file")]) from None
    choice = ScenarioChoice(filename, text)
    base_scenario(choice)
    return choice


# ---------------------------------------------------------------- controls


def controls_of(scenario: Scenario | UnitScenario, raw: Mapping[str, Any]) -> list[Control]:
    """Every what-if control of a (validated) base scenario, in the order they are shown."""
    if isinstance(scenario, UnitScenario):
        return unit_controls(scenario)
    controls = [
        Control(
            f"resources.{key}.roster.{day}",
            "staff",
            "staff",
            str(resource.roster.get(day, resource.base_count)),
            "count",
            resource=key,
            weekday=day,
        )
        for key, resource in scenario.resources.items()
        for day in scenario.horizon.weekdays
    ]
    horizon, behaviour = scenario.horizon, scenario.behaviour
    controls += [
        Control("horizon.open", "hours", "open", format_clock(horizon.open), "clock"),
        Control("horizon.close", "hours", "close", format_clock(horizon.close), "clock"),
        Control(
            "demand.requests_per_day",
            "demand",
            "requests_per_day",
            _plain(scenario.demand.requests_per_day),
            "rate",
        ),
        Control(
            "behaviour.no_show", "behaviour", "no_show_rate", _plain(behaviour.no_show), "share"
        ),
        _punctuality(raw),
        Control(
            "behaviour.cancellation.probability",
            "behaviour",
            "cancellation_rate",
            _plain(behaviour.cancellation.probability),
            "share",
        ),
    ]
    return controls + _booking_controls(scenario) + _policy_controls(scenario)


def _booking_controls(scenario: Scenario) -> list[Control]:
    """Re-booking and moves, for a scenario with a booking process."""
    booking = scenario.booking
    if booking is None:
        return []
    refill = booking.refill
    return [
        Control(
            "booking.refill.min_notice_days",
            "booking",
            "min_notice_days",
            _plain(refill.min_notice_days),
            "rate",
        ),
        Control(
            "booking.refill.answer_hours",
            "booking",
            "answer_hours",
            _plain(refill.answer_hours),
            "rate",
        ),
        Control(
            "booking.refill.max_offers", "booking", "max_offers", str(refill.max_offers), "count"
        ),
        Control(
            "booking.moves.probability",
            "booking",
            "move_rate",
            _plain(booking.moves.probability),
            "share",
        ),
    ]


def unit_controls(scenario: UnitScenario) -> list[Control]:
    unit = scenario.unit
    controls = [
        Control("unit.beds", "unit", "beds", str(unit.beds), "count"),
        Control("unit.chairs", "unit", "chairs", str(unit.chairs), "count"),
        Control(
            "unit.admissions_per_block",
            "unit",
            "admissions_per_block",
            str(unit.admissions_per_block),
            "count",
        ),
    ]
    if unit.demand is not None:
        controls.append(
            Control(
                "unit.demand.per_week",
                "demand",
                "patients_per_week",
                _plain(unit.demand.per_week),
                "rate",
            )
        )
    controls += [
        Control("unit.no_show", "behaviour", "no_show_rate", _plain(unit.no_show), "share"),
        Control(
            "unit.extra_block", "behaviour", "extra_block_rate", _plain(unit.extra_block), "share"
        ),
    ]
    return controls + _policy_controls(scenario)


def _punctuality(raw: Mapping[str, Any]) -> Control:
    """The mean of a punctuality distribution, or the fixed minutes early or late."""
    value = raw.get("behaviour", {}).get("punctuality", 0)
    if isinstance(value, Mapping) and "mean" in value:
        return Control(
            "behaviour.punctuality.mean",
            "behaviour",
            "punctuality",
            _plain(value["mean"]),
            "minutes",
        )
    if isinstance(value, Mapping):  # another distribution: replace it by fixed minutes
        return Control("behaviour.punctuality", "behaviour", "punctuality_fixed", "", "minutes")
    return Control(
        "behaviour.punctuality", "behaviour", "punctuality_fixed", _plain(value), "minutes"
    )


def _policy_controls(scenario: Scenario | UnitScenario) -> list[Control]:
    """A field per tunable parameter of every policy of the scenario's registry."""
    registry = model_of_scenario(scenario).registry
    fields = parameter_fields(registry)
    params = {
        f.policy: registry[f.policy].Params.model_validate(scenario.policies.get(f.policy, {}))
        for f in fields
    }
    return [
        Control(
            f"policies.{f.policy}.{f.name}",
            f.policy,
            f.name,
            _plain(getattr(params[f.policy], f.name)),
            f.kind,
            texts=f.label,
            group_texts=f.policy_title,
            help_texts=f.help,
        )
        for f in fields
    ]


def _plain(value: Any) -> str:
    """5.0 → ``"5"``, 0.06 → ``"0.06"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- values


def parse_value(kind: Kind, text: str) -> tuple[Any, str | None]:
    """The value typed in a control (``"0,1"`` is read as 0.1, ``"−5"`` as -5), or the
    i18n key of what was expected."""
    text = str(text).strip()
    if kind == "clock":
        match = CLOCK.fullmatch(text)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return f"{int(match[1]):02d}:{match[2]}", None
        return None, "expect_clock"
    try:
        number = read_number(text)
    except ValueError:
        number = math.nan
    if kind in ("count", "iterations"):
        lowest = 0 if kind == "count" else 1
        if math.isfinite(number) and number.is_integer() and number >= lowest:
            return int(number), None
        return None, f"expect_{kind}"
    checks = {
        "rate": lambda x: x >= 0,
        "share": lambda x: 0 <= x <= 1,
        "minutes": lambda x: -600 <= x <= 600,
        "seconds": lambda x: x > 0,
        "positive": lambda x: x > 0,
    }
    if math.isfinite(number) and checks[kind](number):
        return number, None
    return None, f"expect_{kind}"


def shown_value(control: Control, lang: str, text: str | None = None) -> str:
    """A control's value as ``lang`` writes it (``0,06`` in Spanish, ``−10`` for a
    negative number): the base value, or ``text`` typed; a value that does not parse is
    shown as it is."""
    raw = control.base if text is None else str(text)
    value, expected = parse_value(control.kind, raw)
    if expected or control.kind == "clock":
        return raw
    return localised(_plain(value), lang)


def same_value(kind: Kind, text: str, base: str) -> bool:
    """Whether a typed value is the base value (``"5.0"`` is ``"5"``)."""
    typed, _ = parse_value(kind, text)
    if typed is None:
        return str(text).strip() == base.strip()
    return typed == parse_value(kind, base)[0]


def override_text(control: Control, value: Any) -> str:
    """The ``--set`` override of a parsed value (clock times quoted for YAML)."""
    shown = f'"{value}"' if control.kind == "clock" else _plain(value)
    return f"{control.key}={shown}"


# ---------------------------------------------------------------- checking changes


def evaluate(choice: ScenarioChoice, changes: Mapping[str, str], lang: str) -> Evaluation:
    """The base scenario with a tab's changes, and a message for every change it refuses."""
    raw = choice.raw()
    controls = {c.key: c for c in choice.controls()}
    messages: dict[str, str] = {}
    pending: dict[str, str] = {}
    for key, text in changes.items():
        control = controls.get(key)
        if control is None:  # a key of another scenario (the tab switched scenario)
            continue
        value, expected = parse_value(control.kind, text)
        if expected:
            messages[key] = tr(expected, lang)
        else:
            pending[key] = override_text(control, value)
    scenario, refused, problems = _apply(raw, choice.source, pending)
    messages.update({key: localise_message(text, lang) for key, text in refused.items()})
    applied = {k: text for k, text in pending.items() if k not in refused}
    general = [localise_problem(p, choice.source, lang) for p in problems]
    return Evaluation(scenario, applied, messages, general, problems)


def _apply(
    raw: Mapping[str, Any], source: str, pending: dict[str, str]
) -> tuple[Scenario | UnitScenario | None, dict[str, str], list[Problem]]:
    """Validate the overrides; a field the validator blames is dropped and the rest
    tried again, so one bad field does not hide the effect of the others."""
    refused: dict[str, str] = {}
    for _attempt in range(len(pending) + 1):
        overrides = [text for key, text in pending.items() if key not in refused]
        try:
            scenario = scenario_of(raw, overrides, source)
            blamed, general = _blame(_policy_problems(scenario, pending), pending)
        except ScenarioError as exc:
            scenario = None
            blamed, general = _blame(exc.problems, pending)
        new = {k: v for k, v in blamed.items() if k not in refused}
        if scenario is not None and not new:
            return scenario, refused, general
        if not new:
            return None, refused, general
        refused.update(new)
    return None, refused, []


def _policy_problems(
    scenario: Scenario | UnitScenario, pending: Mapping[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    model = model_of_scenario(scenario)
    for name in model.registry:
        if any(key.startswith(f"policies.{name}.") for key in pending):
            try:
                model.check_policy(scenario, name)
            except PolicyError as exc:
                problems += exc.problems
    return problems


def _blame(
    problems: list[Problem], pending: Mapping[str, str]
) -> tuple[dict[str, str], list[Problem]]:
    """Problems that name a changed field (or a path inside it, or the mapping that holds
    it) go to that field; the others are general."""
    blamed: dict[str, str] = {}
    general: list[Problem] = []
    for problem in problems:
        keys = [k for k in pending if _related(problem.path, k)]
        for key in keys:
            blamed.setdefault(key, problem.message)
        if not keys:
            general.append(problem)
    return blamed, general


def _related(path: str, key: str) -> bool:
    return bool(path) and (path == key or path.startswith(key + ".") or key.startswith(path + "."))
