"""The policies the dashboard offers and their parameter fields, read from the registries.

Nothing here names a policy: every policy of ``policies.REGISTRY`` (an outpatient
clinic) or ``policies.UNIT_REGISTRY`` (a day or week hospital) is offered with
what its class declares (``policies.base.PolicyContract``):

- the specs of the run checklist: a clinic's variants (``fifo:appointment``), or
  for a clinic that books its booking modes (``fifo@end_of_day``); a unit's names;
- each spec's display name (``policies.base.spec_title``: the title and the words of its
  variant or booking mode) and one-line help (its tooltip), in the page's language;
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

from policies.base import (
    LANGS,
    PolicyContract,
    SchedulingPolicy,
    parameter_help,
    parameter_label,
    spec_explanation,
    spec_title,
)
from sim.outputs.names import Names

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
    """Checklist options: each spec by its display name, its explanation as the tooltip.
    Plain text: Dash's renderer fails when the options of a checklist with components as
    labels are replaced."""
    return [
        {
            "label": spec_title(spec, registry, lang),
            "value": spec,
            "title": spec_explanation(spec, registry, lang),
        }
        for spec in specs
    ]


def policy_help_list(specs: tuple[str, ...], registry: Registry, lang: str) -> html.Ul:
    """What each offered policy does, one line each, shown under the checklist."""
    return html.Ul(
        [
            html.Li(
                [
                    html.B(spec_title(spec, registry, lang)),
                    ": ",
                    spec_explanation(spec, registry, lang),
                ]
            )
            for spec in specs
        ],
        className="policy-help",
    )


def named_options(specs: list[str], names: Names) -> list[dict[str, Any]]:
    """A picker's options: each spec by its display name, its explanation as the tooltip."""
    return [
        {"label": names.policy(spec), "value": spec, "title": names.explanation(spec)}
        for spec in specs
    ]


def policy_name(spec: str, names: Names, **extra: Any) -> html.Span:
    """A policy's display name, its explanation as the tooltip."""
    return html.Span(names.policy(spec), title=names.explanation(spec), **extra)


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
