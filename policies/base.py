"""The policy contract, policy parameters, and building a policy from its name.

Every policy declares the same things (``PolicyContract``): its registry
``name``, its ``Params`` model, a ``title`` and a one-line ``explanation`` in
Spanish and English, and which parameters a what-if may tune. A clinic policy
(``SchedulingPolicy``) turns the requests of a replication into a ``Plan``: it
books, then sequences each day. It sees only the requests (never the realised
outcomes), the clinic, and its own random stream. Its parameters come from the
scenario's ``policies:`` block, validated by the policy's ``Params`` model
(unknown keys are errors), and a name such as ``fifo:walk_in`` sets the
policy's ``shorthand`` parameter.

A spec (``fifo:appointment``, ``grasp@end_of_day``) is shown to people by
``spec_title``, the policy's title and the words of its variant and booking mode
(``Orden de llegada: citas a intervalos iguales``), with ``spec_explanation`` as
its one-line help.

A new policy is a subclass in its own module and one line in ``policies.REGISTRY``:
the command line, the runner and the dashboard read everything else from here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from policies.first_come import book_first_come
from sim.clinic import Clinic
from sim.plan import Plan
from sim.problems import Problem, ScenarioError, problems_from_validation
from sim.sampling import Requests
from sim.scenario import BOOKING_MODES, Scenario
from sim.slotbook import BookingBatch

LANGS = ("es", "en")
Texts = dict[str, str]  # a text per language, keys "es" and "en"
Booked = tuple[np.ndarray, np.ndarray, dict[str, Any]]  # day, member, what to add to the info

# a spec's booking mode (``name@mode``) in words, and what it means
BOOKING_MODE_TEXTS: dict[str, Texts] = {
    "realtime": {"es": "reserva en tiempo real", "en": "real-time booking"},
    "end_of_day": {"es": "reserva al cierre del día", "en": "end-of-day booking"},
    "walk_in": {"es": "sin cita previa", "en": "walk-in, no booking"},
}
BOOKING_MODE_HELP: dict[str, Texts] = {
    "realtime": {
        "es": "Cada solicitud recibe su cupo en cuanto llega.",
        "en": "Each request gets its slot as it comes in.",
    },
    "end_of_day": {
        "es": "Las solicitudes del día se reservan juntas al cierre.",
        "en": "The day's requests are booked together at the close.",
    },
    "walk_in": {
        "es": "Nadie reserva: los pacientes vienen el día que lo piden, mientras haya cupos.",
        "en": "Nobody books: patients come on the day they ask, while slots last.",
    },
}


class PolicyParams(BaseModel):
    """Base of every policy's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def texts(es: str, en: str, help: tuple[str, str] | None = None) -> dict[str, Any]:
    """A parameter's label in Spanish and English, and its help (one line: what it does,
    in a manager's words) if given, as ``Field(json_schema_extra=...)``."""
    extra: dict[str, Any] = {"texts": {"es": es, "en": en}}
    if help is not None:
        extra["help"] = dict(zip(LANGS, help, strict=True))
    return extra


def parameter_label(field: FieldInfo, name: str, lang: str) -> str:
    """A parameter's label in ``lang``: its ``texts``, else its description, else its name."""
    extra = field.json_schema_extra
    given = extra.get("texts") if isinstance(extra, dict) else None
    if isinstance(given, dict) and lang in given:
        return str(given[lang])
    return field.description or name


def parameter_help(field: FieldInfo, lang: str) -> str:
    """A parameter's help in ``lang`` (``texts(..., help=...)``), or ``""``."""
    extra = field.json_schema_extra
    given = extra.get("help") if isinstance(extra, dict) else None
    return str(given[lang]) if isinstance(given, dict) and lang in given else ""


class PolicyContract:
    """What every policy declares, clinic and unit alike."""

    name: ClassVar[str]  # the registry key, and what ``-p`` takes
    Params: ClassVar[type[PolicyParams]] = PolicyParams
    title: ClassVar[Texts]  # a display name per language
    explanation: ClassVar[Texts]  # one line per language: what the policy does
    # the parameters a what-if offers as fields, in order; None: every int or float one
    tunable: ClassVar[tuple[str, ...] | None] = None
    # the words of the values a spec's variant (``name:value``) may take, per language
    variant_texts: ClassVar[dict[str, Texts]] = {}

    @classmethod
    def tuned_parameters(cls) -> tuple[str, ...]:
        if cls.tunable is not None:
            return cls.tunable
        fields = cls.Params.model_fields
        return tuple(name for name, f in fields.items() if f.annotation in (int, float))


class SchedulingPolicy(PolicyContract, ABC):
    """A clinic policy: books the requests (``book``), then plans each day (``sequence``).

    With a booking process (``sim.booking.process``) the process books; a policy that
    ``books_in_batches`` books each batch of it with ``book_batch``, the others leave
    the process to its first-come rule. Then ``sequence`` plans the days of that booking.
    """

    shorthand: ClassVar[str | None] = None  # the parameter that ``name:value`` sets
    books_in_batches: ClassVar[bool] = False
    # what the dashboard offers: variants (values of ``shorthand``, None for the plain
    # name) and, for a scenario that books, the booking modes (``name@mode``)
    offered_variants: ClassVar[tuple[str | None, ...]] = (None,)
    offered_booking_modes: ClassVar[tuple[str, ...]] = ("realtime",)

    def __init__(self, params: PolicyParams | None = None, label: str | None = None):
        self.params: Any = params if params is not None else self.Params()
        self.label = label or self.name

    def plan(self, requests: Requests, clinic: Clinic, rng: np.random.Generator) -> Plan:
        """Book, then sequence the days of that booking."""
        day, member, info = self.book(requests, clinic, rng)
        plan = self.sequence(requests, clinic, day, member, rng)
        plan.info.update(info)
        return plan

    def book(self, requests: Requests, clinic: Clinic, rng: np.random.Generator) -> Booked:
        """(day, member) per request and what the plan's info should say of the booking;
        by default first come, first served (``policies.first_come``)."""
        day, member = book_first_come(requests, clinic)
        return day, member, {}

    @abstractmethod
    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        """The day's part of the plan for a booking already made."""

    def book_batch(
        self,
        requests: Requests,
        clinic: Clinic,
        batch: BookingBatch,
        rng: np.random.Generator,
    ) -> list[tuple[int, int] | None]:
        """A batch of the booking process booked together: (day, member) per patient, or
        None. Only for a policy that ``books_in_batches``."""
        raise NotImplementedError(f"{self.name} does not book in batches")


class PolicyError(ScenarioError):
    """A policy name or parameter that cannot be used."""


def booking_mode_of(spec: str, scenario: Scenario) -> tuple[str, str | None]:
    """``"grasp@end_of_day"`` → ``("grasp", "end_of_day")``; without ``@`` the scenario's
    ``booking.mode`` (``None`` without a booking block: the policy books at once).
    ``PolicyError`` for an unknown mode or a mode on a scenario without booking."""
    policy, _, mode = spec.partition("@")
    if not mode:
        return policy, (scenario.booking.mode if scenario.booking is not None else None)
    if scenario.booking is None:
        message = "a booking mode needs a booking: block in the scenario"
        raise PolicyError("--policy", [Problem(spec, message)])
    if mode not in BOOKING_MODES:
        message = f"unknown booking mode {mode!r}; one of: {', '.join(BOOKING_MODES)}"
        raise PolicyError("--policy", [Problem(spec, message)])
    return policy, mode


def parse_policy_spec(spec: str) -> tuple[str, str | None]:
    """``"fifo:walk_in"`` → ``("fifo", "walk_in")``; ``"fifo"`` → ``("fifo", None)``."""
    name, _, variant = spec.partition(":")
    return name.strip(), (variant.strip() or None)


def spec_title(spec: str, registry: Mapping[str, type[PolicyContract]], lang: str) -> str:
    """A spec as people read it: the policy's title, then the words of its variant and
    booking mode (``fifo:appointment@realtime`` → ``Orden de llegada: citas a intervalos
    iguales, reserva en tiempo real``); a spec no policy of ``registry`` has, as written."""
    plain, _, mode = spec.partition("@")
    name, variant = parse_policy_spec(plain)
    cls = registry.get(name)
    if cls is None:
        return spec
    words = [] if variant is None else [_variant_words(cls, variant, lang)]
    if mode:
        words.append(BOOKING_MODE_TEXTS.get(mode, {}).get(lang, mode))
    title = cls.title[lang]
    return f"{title}: {', '.join(words)}" if words else title


def spec_explanation(spec: str, registry: Mapping[str, type[PolicyContract]], lang: str) -> str:
    """What a spec does, in one line: its policy's explanation (and what its booking mode
    means); empty for a spec no policy of ``registry`` has."""
    plain, _, mode = spec.partition("@")
    cls = registry.get(parse_policy_spec(plain)[0])
    if cls is None:
        return ""
    explanation = cls.explanation[lang]
    mode_help = BOOKING_MODE_HELP.get(mode, {}).get(lang)
    return f"{explanation} {mode_help}" if mode_help else explanation


def policy_words(
    specs: Iterable[str], registry: Mapping[str, type[PolicyContract]], lang: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The display names and the explanations of ``specs``, by spec."""
    specs = list(specs)
    return (
        {spec: spec_title(spec, registry, lang) for spec in specs},
        {spec: spec_explanation(spec, registry, lang) for spec in specs},
    )


def _variant_words(cls: type[PolicyContract], variant: str, lang: str) -> str:
    """``appointment`` → ``citas a intervalos iguales``; a value without words as
    ``parameter label = value`` (``Escenarios por día (S) = 20``)."""
    given = cls.variant_texts.get(variant)
    if given is not None:
        return given[lang]
    shorthand = getattr(cls, "shorthand", None)
    field = cls.Params.model_fields.get(shorthand) if shorthand else None
    if field is None or shorthand is None:
        return variant
    return f"{parameter_label(field, shorthand, lang)} = {variant}"


def parameter_problems(
    exc: ValidationError, raw: dict[str, Any], name: str, source: str | None = None
) -> list[Problem]:
    """A policy's refused parameters as problems at ``policies.<name>.<parameter>``."""
    return [
        Problem(f"policies.{name}.{p.path}".rstrip("."), p.message, source)
        for p in problems_from_validation(exc, raw)
    ]


def make_policy(
    spec: str, scenario: Scenario, registry: dict[str, type[SchedulingPolicy]]
) -> SchedulingPolicy:
    """Build the policy ``spec`` names with its parameters from ``scenario.policies``
    (a booking mode after ``@`` is checked here and used by ``sim.experiments.tasks``)."""
    spec, _mode = booking_mode_of(spec, scenario)
    name, variant = parse_policy_spec(spec)
    if name not in registry:
        raise PolicyError(
            "--policy", [Problem(spec, f"unknown policy; available: {sorted(registry)}")]
        )
    cls = registry[name]
    raw: dict[str, Any] = dict(scenario.policies.get(name, {}))
    if variant is not None:
        if cls.shorthand is None:
            raise PolicyError("--policy", [Problem(spec, f"{name} takes no :variant")])
        raw[cls.shorthand] = variant
    try:
        params = cls.Params.model_validate(raw)
    except ValidationError as exc:
        source = f"--policy {spec}" if variant else scenario.source
        raise PolicyError(source, parameter_problems(exc, raw, name, source)) from None
    return cls(params, label=spec)
