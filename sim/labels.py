"""Labels: the words a page shows for the named things of a scenario.

Every step, resource, patient class, booking channel and protocol of a clinic (every
study and class of a unit) may carry a ``label``: one text for both languages, or
``{es: …, en: …}``. ``display_name(scenario, kind, id, lang)`` resolves what is shown:
the label in that language, else the thing's ``name:``, else its label in the other
language, else its id. A scenario says which things of a kind it has (``named``);
``label_clashes`` finds the things a page could not tell apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from sim.problems import Problem

LANGS: tuple[str, ...] = ("es", "en")


class LabelTexts(BaseModel):
    """A label per language (``{es: Técnico, en: Technician}``); a language left out falls
    back to the thing's ``name:``, then to the other language, then to its id."""

    model_config = ConfigDict(extra="forbid")

    es: str | None = Field(default=None, min_length=1)
    en: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _some_language(self) -> LabelTexts:
        if self.es is None and self.en is None:
            raise ValueError("expected a text, or {es: …, en: …} with at least one of them")
        return self

    def text(self, lang: str) -> str | None:
        """The label in ``lang``, if given."""
        return self.es if lang == "es" else self.en if lang == "en" else None

    def any_text(self) -> str:
        return self.es or self.en or ""


def _label_from_text(value: Any) -> Any:
    """A bare text is the label in both languages; a mapping is checked as ``LabelTexts``."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("expected a non-empty text")
        return {"es": value, "en": value}
    if isinstance(value, dict):
        unknown = [str(k) for k in value if k not in LANGS]
        if unknown:
            raise ValueError(f"a label takes es and en, got {', '.join(unknown)}")
        return value
    if isinstance(value, LabelTexts):
        return value
    raise ValueError(f"expected a text, or {{es: …, en: …}}, got {value!r}")


def _label_as_written(label: LabelTexts) -> str | dict[str, str]:
    """One text when both languages say the same, as a file would write it."""
    if label.es == label.en and label.es is not None:
        return label.es
    return {lang: text for lang in LANGS if (text := label.text(lang)) is not None}


Label = Annotated[
    LabelTexts,
    BeforeValidator(_label_from_text),
    PlainSerializer(_label_as_written),
]


class Named(Protocol):
    """A scenario, as far as names go: its things of a kind, by id."""

    def named(self, kind: str) -> Mapping[str, Any]: ...


def display_name(scenario: Named, kind: str, key: str, lang: str) -> str:
    """The words a page shows for a step, resource, patient class, booking channel or
    protocol (a unit's study or class) of ``scenario``: its label in ``lang``, else its
    ``name:``, else its label in the other language, else its id."""
    return name_of(scenario.named(kind).get(key), key, lang)


def display_names(scenario: Named, kind: str, lang: str) -> dict[str, str]:
    """``display_name`` of every thing of a kind, by id."""
    return {key: name_of(thing, key, lang) for key, thing in scenario.named(kind).items()}


def name_of(thing: Any, key: str, lang: str) -> str:
    """``display_name`` of one thing (a resource, a step …) whose id is ``key``."""
    label: LabelTexts | None = getattr(thing, "label", None)
    own = label.text(lang) if label is not None else None
    other = label.any_text() if label is not None else None
    return own or getattr(thing, "name", None) or other or key


def _labelled(thing: Any) -> bool:
    return getattr(thing, "label", None) is not None


def label_clashes(things: Iterable[tuple[str, str, Any]]) -> list[Problem]:
    """Things of one kind, each ``(path, id, thing)``, that a page would show with the same
    words in a language when one of them has a label: tables and figures could not tell
    them apart."""
    problems: list[Problem] = []
    listed = [(where, key, thing) for where, key, thing in things if thing is not None]
    for lang in LANGS:
        seen: dict[str, tuple[str, Any]] = {}
        for where, key, thing in listed:
            shown = name_of(thing, key, lang)
            other = seen.setdefault(shown, (key, thing))
            labelled = _labelled(thing) or _labelled(other[1])
            problem = Problem(
                f"{where}.label",
                f"shows as {shown!r} in {lang}, as {other[0]!r} does: a page could not tell "
                "them apart",
            )
            if other[0] != key and labelled and problem not in problems:
                problems.append(problem)
    return problems
