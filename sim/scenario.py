"""The scenario file: pydantic models, loading, and the cross-reference checks.

``load(source, overrides)`` reads a YAML file (or a bundled scenario by name),
applies dotted ``key=value`` overrides (``sim.overrides``) to the raw mapping,
validates the result and checks cross-references. Every problem found is
collected into one ``ScenarioError`` (``sim.problems``) whose lines name the
file, the dotted path and what was expected, e.g.
``resources.technician.count: must be ≥ 0, got -1``.

Steps, resources, patient classes, booking channels and protocols may carry a
``label`` (one text for both languages, or ``{es: …, en: …}``, ``sim.labels``), whose
``display_name`` is the words a page shows for them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
)

from sim.distributions import Distribution, Fixed
from sim.labels import Label, LabelTexts, label_clashes
from sim.limits import (
    MAX_DAILY_SLOTS,
    MAX_DAYS,
    MAX_REQUESTS_PER_DAY,
    MAX_SEED,
    MAX_STAFF,
)
from sim.overrides import apply_overrides, blame_overrides
from sim.problems import (
    Problem,
    ScenarioError,
    patients_problems,
    problems_from_validation,
)
from sim.sources import is_stdin, read_text
from sim.yamlread import read_document

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SHARE_TOLERANCE = 1e-6

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_clock(value: Any) -> int:
    """``"07:30"`` → 450 minutes after midnight."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < 24 * 60:
            return value  # already minutes: YAML 1.1 reads an unquoted 07:30 as 450
        if value >= 0:  # an unquoted 25:00 arrives as 1500: show it as written
            shown = f"{value // 60}:{value % 60:02d}"
            raise ValueError(f'expected a time of day "HH:MM", got "{shown}"')
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match:
            return int(match.group(1)) * 60 + int(match.group(2))
    raise ValueError(f'expected a time of day "HH:MM", got {value!r}')


def format_clock(minutes: float) -> str:
    """450 → ``"07:30"`` (minutes past midnight, rounded down to the minute)."""
    whole = math.floor(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


ClockTime = Annotated[
    int, BeforeValidator(_parse_clock), PlainSerializer(format_clock, return_type=str)
]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_STAFF)]  # members of a resource
SlotCount = Annotated[StrictInt, Field(ge=0, le=MAX_DAILY_SLOTS)]  # bookings a day


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Horizon(Strict):
    days: StrictInt = Field(ge=1, le=MAX_DAYS, description="working days simulated")
    weekdays: list[Weekday] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    open: ClockTime = _parse_clock("07:30")
    close: ClockTime = _parse_clock("15:30")
    slot_minutes: StrictInt = Field(default=5, ge=1, le=240)
    max_overtime: StrictFloat = Field(
        default=120,
        ge=0,
        le=24 * 60,
        description="minutes past the end of a shift in which staff still "
        "start new work; patients not started by then are unserved",
    )


class Hours(Strict):
    start: ClockTime
    end: ClockTime


class Member(Strict):
    name: str = Field(min_length=1)
    experience_years: StrictFloat | None = Field(default=None, ge=0, le=100)
    specialty: str | list[str] | None = None
    daily_slots: SlotCount | dict[Weekday, SlotCount] | None = None

    @property
    def specialties(self) -> frozenset[str]:
        if self.specialty is None:
            return frozenset()
        if isinstance(self.specialty, str):
            return frozenset([self.specialty])
        return frozenset(self.specialty)


class Resource(Strict):
    name: str | None = None
    label: Label | None = None
    count: Count | None = None
    roster: dict[Weekday, Count] = Field(default_factory=dict)
    hours: Hours | None = None
    daily_slots: SlotCount | dict[Weekday, SlotCount] | None = None
    members: list[Member] = Field(default_factory=list, max_length=MAX_STAFF)

    @property
    def base_count(self) -> int:
        """Members on a day the roster does not name."""
        if self.count is not None:
            return self.count
        return len(self.members) if self.members else 1


class PatientClass(Strict):
    label: Label | None = None
    share: StrictFloat = Field(ge=0, le=1)
    protocol: str
    specialty: str | None = None
    priority: StrictInt = Field(default=2, ge=1, le=3)
    attributes: dict[str, Distribution] = Field(default_factory=dict)


class Demand(Strict):
    requests_per_day: StrictFloat = Field(ge=0, le=MAX_REQUESTS_PER_DAY)
    booking_window_days: StrictInt = Field(default=20, ge=0, le=MAX_DAYS)
    min_lead_days: StrictInt = Field(
        default=0,
        ge=0,
        le=MAX_DAYS,
        description="earliest booking is this many days after the request",
    )
    classes: dict[str, PatientClass] = Field(min_length=1)


class Cancellation(Strict):
    probability: StrictFloat = Field(default=0, ge=0, le=1)
    notice_days: Distribution = Fixed(value=0)


class Behaviour(Strict):
    no_show: StrictFloat = Field(default=0, ge=0, le=1)
    punctuality: Distribution = Fixed(value=0)
    cancellation: Cancellation = Field(default_factory=Cancellation)


BookingMode = Literal["realtime", "end_of_day", "walk_in"]
BOOKING_MODES: tuple[str, ...] = ("realtime", "end_of_day", "walk_in")


class Channel(Strict):
    """A way requests come in (desk, phone, online): its share of the requests, the hours
    they come in (uniformly), and how long a request takes to become a confirmed slot."""

    label: Label | None = None
    share: StrictFloat = Field(ge=0, le=1)
    hours: Hours
    profile: list[StrictFloat] | None = Field(
        default=None,
        min_length=1,
        description="relative weights of equal parts of the hours ([4, 2, 1, 1]: early peak)",
    )
    confirm_minutes: Distribution = Fixed(value=0)


class Refill(Strict):
    """Offering a cancelled slot to patients booked later or not booked at all."""

    order: Literal["priority", "request"] = "priority"
    min_notice_days: StrictFloat = Field(
        default=1, ge=0, le=60, description="no offer for a slot sooner than this"
    )
    answer_hours: StrictFloat = Field(
        default=2, ge=0, le=72, description="time a patient takes to answer an offer"
    )
    accept: dict[StrictInt, StrictFloat] = Field(
        default_factory=lambda: {0: 0.3, 2: 0.6, 7: 0.85},
        description="probability of accepting by days of notice (the largest key ≤ notice)",
    )
    max_offers: StrictInt = Field(default=5, ge=0, le=1000, description="offers per freed slot")

    @field_validator("accept", mode="before")
    @classmethod
    def _whole_day_keys(cls, value: Any) -> Any:
        """Days written as text (``"2"``: how a JSON or YAML round trip keeps them) are
        days too."""
        if not isinstance(value, dict):
            return value
        return {
            int(k) if isinstance(k, str) and k.strip().isdigit() else k: v for k, v in value.items()
        }


class Moves(Strict):
    """Booked patients who ask to move their appointment to a later day."""

    probability: StrictFloat = Field(default=0, ge=0, le=1)
    later_days: Distribution = Fixed(value=7)
    notice_days: Distribution = Fixed(value=3)


class Booking(Strict):
    """How appointments are booked (``sim.booking.process``)."""

    mode: BookingMode = "realtime"
    closes_at: ClockTime = Field(
        default=_parse_clock("18:00"), description="end_of_day: when the day's requests are booked"
    )
    channels: dict[str, Channel] = Field(min_length=1)
    refill: Refill = Field(default_factory=Refill)
    moves: Moves = Field(default_factory=Moves)


class Step(Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    label: Label | None = None
    resource: str | None = None
    duration: Distribution
    probability: StrictFloat = Field(default=1, gt=0, le=1)
    after: list[str] | None = None
    assigned: StrictBool = False


class ProtocolModel(Strict):
    name: str | None = None
    label: Label | None = None
    steps: list[Step] = Field(min_length=1)

    def predecessors(self) -> list[list[int]]:
        """Indices of the steps each step waits for: ``after`` or the previous step."""
        index = {s.id: i for i, s in enumerate(self.steps)}
        preds: list[list[int]] = []
        for i, step in enumerate(self.steps):
            if step.after is not None:
                preds.append([index[a] for a in step.after])
            else:
                preds.append([i - 1] if i > 0 else [])
        return preds

    def booking_resource(self) -> str | None:
        """The resource behind the protocol's assigned steps (the member a plan assigns)."""
        for step in self.steps:
            if step.assigned:
                return step.resource
        return None


class Provenance(Strict):
    """Where one number of a scenario comes from: a document's table, a fitted event log
    (with the observations behind the value and the fit's statistics), or an assumption
    and why. Words for the reader: no number depends on them."""

    source: str = Field(min_length=1)
    n: StrictInt | None = Field(default=None, ge=0, description="observations behind the value")
    fit: dict[str, Any] = Field(default_factory=dict, description="the fit's statistics")
    note: str | None = None


class ScenarioBase(Strict):
    """What every scenario file has: its name, seed and policy parameters. An outpatient
    clinic (``Scenario``) adds resources, demand and protocols; a day or week hospital
    planned in half-day blocks (``sim.unit.scenario.UnitScenario``) adds ``unit``."""

    name: str
    description: str = ""
    seed: StrictInt = Field(
        default=0, ge=0, le=MAX_SEED, description="below 2⁶³ (the store's int64)"
    )
    policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(
        default_factory=dict, description="by the dotted path of a value: where it comes from"
    )
    _source: str = PrivateAttr(default="<scenario>")

    @property
    def source(self) -> str:
        """The file (or name) the scenario was read from, for messages."""
        return self._source

    def named(self, kind: str) -> Mapping[str, Any]:
        """The things of a kind (``resource``, ``step`` …) a page may name, by id; each may
        have a ``label`` and a ``name``. None here: each kind of scenario says its own."""
        return {}

    def to_yaml(self) -> str:
        """The resolved scenario as YAML (overrides applied, defaults filled in)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["policies"] = data.pop("policies")  # last, as files write it
        provenance = data.pop("provenance", None)
        if provenance:
            data["provenance"] = provenance  # after what it tells of
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class Scenario(ScenarioBase):
    """An outpatient clinic: staff, demand and the protocol of steps each patient follows."""

    horizon: Horizon
    resources: dict[str, Resource] = Field(default_factory=dict)
    demand: Demand
    behaviour: Behaviour = Field(default_factory=Behaviour)
    booking: Booking | None = None
    protocols: dict[str, ProtocolModel] = Field(min_length=1)

    def step_ids(self) -> list[str]:
        """Step ids in protocol order, each once (the order figures list steps in)."""
        order: dict[str, None] = {}
        for protocol in self.protocols.values():
            for step in protocol.steps:
                order.setdefault(step.id, None)
        return list(order)

    def content_json(self, policies: bool = True) -> str:
        """The scenario as JSON for the hashes of what a result depends on (the result
        store's keys, a plan's sampled scenarios): without its labels, whose words change
        no number, and without its ``policies:`` block unless ``policies``."""
        exclude: dict[str, Any] = {**_LABEL_FIELDS, "provenance": True}
        if not policies:
            exclude["policies"] = True
        return self.model_dump_json(exclude=exclude)

    def named(self, kind: str) -> Mapping[str, Any]:
        if kind == "step":
            return _steps_by_id(self.protocols)
        channels = self.booking.channels if self.booking is not None else {}
        kinds: dict[str, Mapping[str, Any]] = {
            "resource": self.resources,
            "class": self.demand.classes,
            "channel": channels,
            "protocol": self.protocols,
        }
        return kinds.get(kind, {})


_LABEL_FIELDS: dict[str, Any] = {  # where labels are, for ``Scenario.content_json``
    "resources": {"__all__": {"label": True}},
    "demand": {"classes": {"__all__": {"label": True}}},
    "booking": {"channels": {"__all__": {"label": True}}},
    "protocols": {"__all__": {"label": True, "steps": {"__all__": {"label": True}}}},
}


def _steps_by_id(protocols: Mapping[str, ProtocolModel | None]) -> dict[str, Step]:
    """Each step id once, as the first protocol that labels (or names) it has it: a step
    id is one step wherever it is listed (figures and tables group by it)."""
    steps: dict[str, Step] = {}
    for protocol in protocols.values():
        for step in protocol.steps if protocol is not None else []:
            known = steps.get(step.id)
            if known is None or (_words(known) is None and _words(step) is not None):
                steps[step.id] = step
    return steps


def _words(thing: Any) -> str | None:
    label = getattr(thing, "label", None)
    return label.any_text() if label is not None else getattr(thing, "name", None)


# ---------------------------------------------------------------- loading


def resolve_source(source: str | Path) -> Path:
    """A path, or the name of a bundled scenario (``ophthalmology``)."""
    from scenarios import bundled_names, bundled_path

    path = Path(source)
    if path.is_file():
        return path
    bundled = bundled_path(str(source))
    if bundled is not None and path.suffix == "":
        return bundled
    names = ", ".join(bundled_names())
    raise ScenarioError(
        str(source), [Problem("", f"no such file, nor a bundled scenario (bundled: {names})")]
    )


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or a ``ScenarioError`` naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [Problem("", f"cannot read the file: {exc}")]) from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, source: str) -> dict[str, Any]:
    """The top-level mapping of YAML text (a file, an upload), or a ``ScenarioError``
    naming ``source`` and the line (``sim.yamlread``: no aliases, bounded size)."""
    data = read_document(text, source)
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(source, [Problem("", f"expected a mapping of keys, got {kind}")])
    return data


def read_scenario(source: str | Path) -> tuple[str, dict[str, Any]]:
    """The name to report and the raw mapping of a scenario: a path, a bundled name, or
    ``-`` for standard input."""
    if is_stdin(source):
        name, text = read_text(source)
        return name, parse_yaml(text, name)
    path = resolve_source(source)
    return str(path), read_yaml(path)


def load(source: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, override, validate and cross-check a scenario."""
    name, raw = read_scenario(source)
    return from_mapping(raw, overrides, source=name)


def from_text(text: str, source: str, overrides: Iterable[str] = ()) -> Scenario:
    """Read, override, validate and cross-check the YAML text of a scenario (an upload)."""
    return from_mapping(parse_yaml(text, source), overrides, source=source)


def from_mapping(
    raw: dict[str, Any], overrides: Iterable[str] = (), source: str = "<scenario>"
) -> Scenario:
    """Validate a raw mapping (e.g. a parsed file) after applying overrides."""
    if "unit" in raw:
        message = "a day or week hospital planned in blocks, not an outpatient clinic"
        raise ScenarioError(source, [Problem("unit", message)])
    return validate_as(
        Scenario,
        raw,
        overrides,
        source,
        check=check_references,
        check_lenient=lambda r: _check_parts(_Parts.lenient(r)),
    )


Model = TypeVar("Model", bound=ScenarioBase)


def validate_as(
    model: type[Model],
    raw: dict[str, Any],
    overrides: Iterable[str],
    source: str,
    check: Callable[[Model], list[Problem]],
    check_lenient: Callable[[dict[str, Any]], list[Problem]] | None = None,
) -> Model:
    """The pipeline every kind of scenario goes through: overrides applied to a copy,
    fields validated, then ``check`` (cross-references); all problems in one error.
    ``check_lenient`` checks what it can of a file whose fields do not validate."""
    raw = _deep_copy(raw)
    overrides = list(overrides)
    problems = apply_overrides(raw, overrides)
    try:
        scenario = model.model_validate(raw)
    except ValidationError as exc:
        problems += problems_from_validation(exc, raw)
        if check_lenient is not None:
            problems += check_lenient(raw)
        raise ScenarioError(source, blame_overrides(problems, overrides)) from None
    problems += check(scenario) + provenance_problems(scenario)
    if problems:
        raise ScenarioError(source, blame_overrides(problems, overrides))
    scenario._source = source
    return scenario


def provenance_problems(scenario: ScenarioBase) -> list[Problem]:
    """A provenance entry must name a value the scenario has (steps by their id)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude={"provenance"})
    return [
        Problem(
            f"provenance.{path}",
            "names no value of the scenario (a dotted path such as "
            "protocols.cataract.steps.consult.duration)",
        )
        for path in scenario.provenance
        if not _has_path(data, path.split("."))
    ]


def _has_path(node: Any, keys: list[str]) -> bool:
    if not keys:
        return True
    key, rest = keys[0], keys[1:]
    if isinstance(node, dict):
        return key in node and _has_path(node[key], rest)
    if isinstance(node, list):  # a list of steps: an item by its id
        return any(isinstance(i, dict) and i.get("id") == key and _has_path(i, rest) for i in node)
    return False


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


# ---------------------------------------------------------------- cross-references


@dataclass
class _Parts:
    """The sections reference checks read; ``None`` marks an entry that is itself invalid."""

    horizon: Horizon | None
    resources: dict[str, Resource | None]
    protocols: dict[str, ProtocolModel | None]
    classes: dict[str, PatientClass | None]

    @classmethod
    def of(cls, s: Scenario) -> _Parts:
        return cls(s.horizon, dict(s.resources), dict(s.protocols), dict(s.demand.classes))

    @classmethod
    def lenient(cls, raw: dict[str, Any]) -> _Parts:
        """Whatever validates on its own in a file that does not validate as a whole."""
        demand = raw.get("demand")
        return cls(
            horizon=_try(Horizon, raw.get("horizon")),
            resources=_try_each(Resource, raw.get("resources")),
            protocols=_try_each(ProtocolModel, raw.get("protocols")),
            classes=_try_each(
                PatientClass, demand.get("classes") if isinstance(demand, dict) else None
            ),
        )


def _try(model: type[BaseModel], value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _try_each(model: type[BaseModel], value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {str(k): _try(model, v) for k, v in value.items()}


def check_references(s: Scenario) -> list[Problem]:
    """Problems no single field can see: names that must exist, sums, ordering."""
    steps = max((len(protocol.steps) for protocol in s.protocols.values()), default=1)
    size = patients_problems(s.horizon.days, s.demand.requests_per_day, steps)
    return _check_parts(_Parts.of(s)) + _check_booking(s) + _check_labels(s) + size


def _check_labels(s: Scenario) -> list[Problem]:
    """Labels a page could not tell apart, and a step labelled differently in two protocols."""
    problems = _step_label_problems(s.protocols)
    channels = s.booking.channels if s.booking is not None else {}
    for where, things in (
        ("resources", s.resources),
        ("demand.classes", s.demand.classes),
        ("booking.channels", channels),
        ("protocols", s.protocols),
    ):
        problems += label_clashes([(f"{where}.{key}", key, thing) for key, thing in things.items()])
    steps: dict[str, tuple[str, str, Any]] = {}
    for key, protocol in s.protocols.items():
        for step in protocol.steps:
            steps.setdefault(step.id, (f"protocols.{key}.steps.{step.id}", step.id, step))
    chosen = _steps_by_id(s.protocols)
    return problems + label_clashes([(where, k, chosen[k]) for where, k, _ in steps.values()])


def _step_label_problems(protocols: Mapping[str, ProtocolModel]) -> list[Problem]:
    first: dict[str, tuple[str, LabelTexts]] = {}
    problems = []
    for key, protocol in protocols.items():
        for step in protocol.steps:
            if step.label is None:
                continue
            seen = first.setdefault(step.id, (key, step.label))
            if seen[1] != step.label:
                message = (
                    f"step {step.id!r} has another label in protocol {seen[0]!r}: a step id is "
                    "one step, labelled once (or alike in every protocol)"
                )
                problems.append(Problem(f"protocols.{key}.steps.{step.id}.label", message))
    return problems


def _check_booking(s: Scenario) -> list[Problem]:
    booking = s.booking
    if booking is None:
        return []
    problems = []
    total = sum(c.share for c in booking.channels.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        problems.append(Problem("booking.channels", f"shares must sum to 1, got {total:.6g}"))
    for key, channel in booking.channels.items():
        if channel.hours.end <= channel.hours.start:
            where = f"booking.channels.{key}.hours"
            problems.append(Problem(where, "end must be after start"))
        profile = channel.profile or [1.0]
        if min(profile) < 0 or sum(profile) <= 0:
            where = f"booking.channels.{key}.profile"
            problems.append(Problem(where, f"weights ≥ 0 with a positive sum, got {profile}"))
    wrong = {k: v for k, v in booking.refill.accept.items() if not (k >= 0 and 0 <= v <= 1)}
    if wrong:
        message = f"days of notice ≥ 0 and probabilities in [0, 1], got {wrong}"
        problems.append(Problem("booking.refill.accept", message))
    unlimited: set[str] = set()
    for key, cls in s.demand.classes.items():
        protocol = s.protocols.get(cls.protocol)
        resource = protocol.booking_resource() if protocol else None
        if resource is None:
            message = "booking needs an assigned step (the member booked) in every protocol"
            problems.append(Problem(f"demand.classes.{key}.protocol", message))
        elif resource in s.resources and not _has_slots(s.resources[resource]):
            unlimited.add(resource)
    for resource in sorted(unlimited):
        message = "booking needs daily_slots on the resource of each booked member"
        problems.append(Problem(f"resources.{resource}.daily_slots", message))
    return problems


def _has_slots(resource: Resource) -> bool:
    if resource.daily_slots is not None:
        return True
    return bool(resource.members) and all(m.daily_slots is not None for m in resource.members)


def _check_parts(parts: _Parts) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_horizon(parts.horizon)
    problems += _check_resources(parts)
    problems += _check_protocols(parts)
    problems += _check_classes(parts)
    return problems


def _check_horizon(h: Horizon | None) -> list[Problem]:
    problems: list[Problem] = []
    if h is None:
        return problems
    if h.close <= h.open:
        problems.append(
            Problem(
                "horizon.close",
                f"must be after open ({format_clock(h.open)}), got {format_clock(h.close)}",
            )
        )
    if len(set(h.weekdays)) != len(h.weekdays):
        problems.append(Problem("horizon.weekdays", "a weekday is listed twice"))
    return problems


def _check_resources(parts: _Parts) -> list[Problem]:
    problems = []
    for key, res in parts.resources.items():
        if res is None:
            continue
        where = f"resources.{key}"
        if res.members and res.count is not None and res.count > len(res.members):
            problems.append(
                Problem(
                    f"{where}.count",
                    f"must be ≤ the {len(res.members)} members listed, got {res.count}",
                )
            )
        if res.members:
            for day, n in res.roster.items():
                if n > len(res.members):
                    problems.append(
                        Problem(
                            f"{where}.roster.{day}",
                            f"must be ≤ the {len(res.members)} members listed, got {n}",
                        )
                    )
            names = [m.name for m in res.members]
            if len(set(names)) != len(names):
                problems.append(Problem(f"{where}.members", "member names must be unique"))
        if res.hours is not None and res.hours.end <= res.hours.start:
            problems.append(Problem(f"{where}.hours.end", "must be after hours.start"))
        if isinstance(res.daily_slots, dict) and parts.horizon is not None:
            missing = [d for d in parts.horizon.weekdays if d not in res.daily_slots]
            if missing:
                problems.append(
                    Problem(
                        f"{where}.daily_slots",
                        f"needs a value for every working weekday (0 for none); missing: {missing}",
                    )
                )
    return problems


def _check_protocols(parts: _Parts) -> list[Problem]:
    problems = []
    for key, protocol in parts.protocols.items():
        if protocol is None:
            continue
        seen: set[str] = set()
        assigned_resources = set()
        for step in protocol.steps:
            where = f"protocols.{key}.steps.{step.id}"
            if step.id in seen:
                problems.append(Problem(where, "step ids must be unique within a protocol"))
            if step.resource is not None and step.resource not in parts.resources:
                problems.append(
                    Problem(
                        f"{where}.resource",
                        f"no resource {step.resource!r}; defined: {sorted(parts.resources)}",
                    )
                )
            for ref in step.after or []:
                if ref not in seen:
                    problems.append(
                        Problem(
                            f"{where}.after",
                            f"{ref!r} is not a step listed before this one in the same protocol",
                        )
                    )
            if step.assigned:
                if step.resource is None:
                    problems.append(
                        Problem(
                            f"{where}.assigned",
                            "a step without a resource cannot be assigned to a member",
                        )
                    )
                assigned_resources.add(step.resource)
            if step.duration.minimum < 0:
                problems.append(Problem(f"{where}.duration", "durations cannot be negative"))
            seen.add(step.id)
        if len(assigned_resources) > 1:
            problems.append(
                Problem(
                    f"protocols.{key}",
                    "assigned steps must all use one "
                    f"resource, got {sorted(map(str, assigned_resources))}",
                )
            )
    return problems


def _check_classes(parts: _Parts) -> list[Problem]:
    problems = []
    classes = parts.classes
    if classes and all(c is not None for c in classes.values()):
        total = sum(c.share for c in classes.values() if c is not None)
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(Problem("demand.classes", f"shares must sum to 1, got {total:.6g}"))
    for key, cls in classes.items():
        if cls is None:
            continue
        where = f"demand.classes.{key}"
        if cls.protocol not in parts.protocols:
            problems.append(
                Problem(
                    f"{where}.protocol",
                    f"no protocol {cls.protocol!r}; defined: {sorted(parts.protocols)}",
                )
            )
            continue
        protocol = parts.protocols[cls.protocol]
        if cls.specialty is None or protocol is None:
            continue
        booking = protocol.booking_resource()
        if booking is None:
            problems.append(
                Problem(
                    f"{where}.specialty",
                    "needs a protocol with an assigned step (the specialty chooses its member)",
                )
            )
            continue
        resource = parts.resources.get(booking)
        if resource is None:
            continue
        members = resource.members
        if not any(cls.specialty in m.specialties for m in members):
            problems.append(
                Problem(
                    f"{where}.specialty",
                    f"no member of {booking!r} has specialty {cls.specialty!r}",
                )
            )
    return problems
