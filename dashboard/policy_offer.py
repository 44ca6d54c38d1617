"""The policies the dashboard offers and their parameter fields, read from the registries.

Nothing here names a policy: every policy of ``policies.REGISTRY`` (an outpatient
clinic) or ``policies.UNIT_REGISTRY`` (a day or week hospital) is offered with
what its class declares (``policies.base.PolicyContract``):

- the specs of the run checklist: a clinic's variants (``fifo:appointment``), or
  for a clinic that books its booking modes (``fifo@end_of_day``); a unit's names;
- each spec's label (spec and title) and one-line help, in the page's language;
- the parameters a what-if may change (``tuned_parameters``), with the kind of
  value their type and bounds ask for and their label and help in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from annotated_types import Ge, Gt, Le
from dash import html
from pydantic.fields import FieldInfo

from dashboard.i18n import tr
from policies.base import (
    LANGS,
    PolicyContract,
    SchedulingPolicy,
    parameter_help,
    parameter_label,
    parse_policy_spec,
)

ParameterKind = Literal["count", "iterations", "share", "rate", "positive"]
Registry = Mapping[str, type[PolicyContract]]
Pairs = tuple[tuple[str, str], ...]  # a text per language, hashable


@dataclass(frozen=True)
class ParameterField:
    """One tunable parameter of one policy: where it goes and how it is shown."""

    policy: str
    name: str
    kind: ParameterKind
    label: Pairs  # the parameter's label per language
    policy_title: Pairs
    help: Pairs = ()  # what the parameter does, per language


# ---------------------------------------------------------------- the run checklist


def clinic_specs(registry: Mapping[str, type[SchedulingPolicy]], books: bool) -> tuple[str, ...]:
    """What an outpatient clinic can be run with: each policy's variants, or, for a
    scenario that books, each policy's booking modes."""
    if books:
        return tuple(
            f"{name}@{mode}" for name, cls in registry.items() for mode in cls.offered_booking_modes
        )
    return tuple(
        name if variant is None else f"{name}:{variant}"
        for name, cls in registry.items()
        for variant in cls.offered_variants
    )


def unit_specs(registry: Registry) -> tuple[str, ...]:
    return tuple(registry)


def policy_options(specs: tuple[str, ...], registry: Registry, lang: str) -> list[dict[str, Any]]:
    """Checklist options: the spec and the policy's title. Plain text: Dash's renderer
    fails when the options of a checklist with components as labels are replaced."""
    return [{"label": policy_label(spec, registry, lang), "value": spec} for spec in specs]


def policy_label(spec: str, registry: Registry, lang: str) -> str:
    return f"{spec} · {registry[_name_of(spec)].title[lang]}"


def policy_help_list(specs: tuple[str, ...], registry: Registry, lang: str) -> html.Ul:
    """What each offered policy does, one line each, shown under the checklist."""
    return html.Ul(
        [
            html.Li([html.B(policy_label(spec, registry, lang)), ": ", help_text])
            for spec in specs
            for help_text in [policy_help(spec, registry[_name_of(spec)], lang)]
        ],
        className="policy-help",
    )


def policy_help(spec: str, cls: type[PolicyContract], lang: str) -> str:
    """The policy's explanation, and what the spec's variant or booking mode sets."""
    plain, _, mode = spec.partition("@")
    _name, variant = parse_policy_spec(plain)
    notes = []
    shorthand = getattr(cls, "shorthand", None)
    if variant is not None and shorthand is not None:
        field = cls.Params.model_fields[shorthand]
        notes.append(f"{parameter_label(field, shorthand, lang)}: {variant}")
    if mode:
        notes.append(tr("policy_booking_mode", lang, mode=mode))
    explanation = cls.explanation[lang]
    return f"{explanation} ({'; '.join(notes)})" if notes else explanation


def _name_of(spec: str) -> str:
    return parse_policy_spec(spec.partition("@")[0])[0]


# ---------------------------------------------------------------- parameter fields


def parameter_fields(registry: Registry) -> list[ParameterField]:
    """Every policy's tunable parameters that a text field can take, in registry order."""
    fields = []
    for name, cls in registry.items():
        model_fields = cls.Params.model_fields
        for parameter in cls.tuned_parameters():
            field = model_fields[parameter]
            kind = kind_of(field)
            if kind is None:
                continue
            label = tuple((lang, parameter_label(field, parameter, lang)) for lang in LANGS)
            title = tuple((lang, cls.title[lang]) for lang in LANGS)
            help_texts = tuple((lang, parameter_help(field, lang)) for lang in LANGS)
            fields.append(ParameterField(name, parameter, kind, label, title, help_texts))
    return fields


def kind_of(field: FieldInfo) -> ParameterKind | None:
    """The kind of value a parameter's type and lower and upper bounds ask for; None for
    what a number field cannot take (a choice of words, an optional value)."""
    ge = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    gt = next((m.gt for m in field.metadata if isinstance(m, Gt)), None)
    le = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    if field.annotation is int:
        if (ge is not None and ge >= 1) or (gt is not None and gt >= 0):
            return "iterations"
        return "count" if ge is not None and ge >= 0 else None
    if field.annotation is float:
        if ge is not None and ge >= 0 and le is not None and le <= 1:
            return "share"
        if gt is not None and gt >= 0:
            return "positive"
        return "rate" if ge is not None and ge >= 0 else None
    return None
