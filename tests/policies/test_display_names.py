"""Policies as people read them: a spec's display name (``spec_title``: the policy's title
and the words of its variant and booking mode) and its one-line explanation."""

from __future__ import annotations

import pytest

from policies import REGISTRY, UNIT_REGISTRY
from policies.base import (
    BOOKING_MODE_HELP,
    BOOKING_MODE_TEXTS,
    LANGS,
    policy_words,
    spec_explanation,
    spec_title,
)
from sim.outputs.names import Names, distinct
from sim.scenario import BOOKING_MODES


@pytest.mark.parametrize(
    ("spec", "es", "en"),
    [
        ("fifo", "Orden de llegada", "First come, first served"),
        (
            "fifo:appointment",
            "Orden de llegada: citas a intervalos iguales",
            "First come, first served: equally spaced appointments",
        ),
        (
            "grasp@end_of_day",
            "GRASP por necesidad: reserva al cierre del día",
            "GRASP by need: end-of-day booking",
        ),
        (
            "fifo:bailey_welch@realtime",
            "Orden de llegada: citas de Bailey–Welch, reserva en tiempo real",
            "First come, first served: Bailey–Welch appointments, real-time booking",
        ),
        # a value without words: the parameter's label and the value
        ("mip:20", "Horarios óptimos (MIP): Escenarios por día (S) = 20", None),
    ],
)
def test_a_spec_reads_as_its_title_and_its_words(spec: str, es: str, en: str | None) -> None:
    assert spec_title(spec, REGISTRY, "es") == es
    if en is not None:
        assert spec_title(spec, REGISTRY, "en") == en


def test_a_spec_no_policy_has_is_shown_as_written() -> None:
    assert spec_title("nope:x", REGISTRY, "es") == "nope:x"
    assert spec_explanation("nope:x", REGISTRY, "es") == ""


def test_the_explanation_adds_what_the_booking_mode_means() -> None:
    plain = spec_explanation("grasp", REGISTRY, "en")
    assert plain == REGISTRY["grasp"].explanation["en"]
    booked = spec_explanation("grasp@walk_in", REGISTRY, "en")
    assert booked == f"{plain} {BOOKING_MODE_HELP['walk_in']['en']}"


def test_every_offered_spec_has_words_and_each_its_own() -> None:
    """Every variant a policy offers has words in both languages; the specs the dashboard
    offers read differently from one another, in each language."""
    for registry in (REGISTRY, UNIT_REGISTRY):
        for cls in registry.values():
            for variant in getattr(cls, "offered_variants", (None,)):
                if variant is not None:
                    assert set(cls.variant_texts[variant]) == set(LANGS), (cls.name, variant)
    assert set(BOOKING_MODE_TEXTS) == set(BOOKING_MODES) == set(BOOKING_MODE_HELP)
    specs = [
        f"{name}:{v}" if v else name for name, cls in REGISTRY.items() for v in cls.offered_variants
    ] + [f"{name}@{mode}" for name, cls in REGISTRY.items() for mode in cls.offered_booking_modes]
    for lang in LANGS:
        titles, explanations = policy_words(specs, REGISTRY, lang)
        assert len(set(titles.values())) == len(specs)
        assert all(explanations.values())


def test_names_that_would_look_alike_are_told_apart() -> None:
    assert distinct({"a": "Igual", "b": "Igual", "c": "Otra"}) == {
        "a": "Igual [a]",
        "b": "Igual [b]",
        "c": "Otra",
    }
    names = Names.of(None, "es", {"fifo": "Orden de llegada"}, {"fifo": "Hoy"})
    assert (names.policy("fifo"), names.policy("mip")) == ("Orden de llegada", "mip")
    assert (names.explanation("fifo"), names.explanation("mip")) == ("Hoy", "")
