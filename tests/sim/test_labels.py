"""Labels: the words a page shows for a scenario's steps, resources, classes, channels and
protocols (a unit's studies and classes), and the checks on them.

``display_name(scenario, kind, id, lang)`` gives the label in the language, else the
thing's ``name:``, else its label in the other language, else its id. A label is one
text for both languages or ``{es: …, en: …}``; anything else, and labels a page could
not tell apart, are refused with the dotted path and what was expected.
"""

from __future__ import annotations

from typing import Any

import pytest

from scenarios import bundled_names
from sim.labels import LANGS, display_name, display_names
from sim.models import model_of_source
from sim.problems import ScenarioError
from sim.scenario import Scenario, from_mapping, load, read_scenario
from sim.unit.scenario import UnitScenario, load_unit

KINDS = ("step", "resource", "class", "channel", "protocol")


def clinic(**resources: dict[str, Any]) -> dict[str, Any]:
    """A small clinic whose resources are ``resources`` (one step on each)."""
    return {
        "name": "labels",
        "horizon": {"days": 1},
        "resources": resources,
        "demand": {
            "requests_per_day": 2,
            "classes": {
                "new": {"share": 0.5, "protocol": "visit", "label": {"es": "Nuevo", "en": "New"}},
                "old": {"share": 0.5, "protocol": "visit"},
            },
        },
        "protocols": {
            "visit": {
                "steps": [
                    {"id": key, "resource": key, "duration": 5, "label": f"Paso {n}"}
                    for n, key in enumerate(resources)
                ]
            }
        },
    }


def problems_of(raw: dict[str, Any], overrides: list[str] | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        from_mapping(raw, overrides or [], source="labels.yaml")
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


# ---------------------------------------------------------------- resolution


def test_a_label_in_each_language_is_shown_in_that_language() -> None:
    scenario = from_mapping(clinic(tech={"label": {"es": "Técnico", "en": "Technician"}}))
    assert display_name(scenario, "resource", "tech", "es") == "Técnico"
    assert display_name(scenario, "resource", "tech", "en") == "Technician"


def test_one_text_serves_both_languages() -> None:
    scenario = from_mapping(clinic(tech={"label": "Técnico"}))
    assert [display_name(scenario, "resource", "tech", lang) for lang in LANGS] == [
        "Técnico",
        "Técnico",
    ]
    assert display_names(scenario, "step", "en") == {"tech": "Paso 0"}


def test_without_a_label_in_the_language_the_name_then_the_other_language() -> None:
    scenario = from_mapping(
        clinic(
            named={"name": "Licenciado/a", "label": {"es": "Técnico"}},
            unnamed={"label": {"en": "Clerk"}},
            plain={},
        )
    )
    # a label in the language first, then the name, then the label in the other language
    assert display_name(scenario, "resource", "named", "es") == "Técnico"
    assert display_name(scenario, "resource", "named", "en") == "Licenciado/a"
    assert display_name(scenario, "resource", "unnamed", "es") == "Clerk"
    # nothing given: the id, and an id the scenario does not have is shown as it is
    assert display_name(scenario, "resource", "plain", "es") == "plain"
    assert display_name(scenario, "resource", "nowhere", "en") == "nowhere"
    assert display_names(scenario, "class", "es") == {"new": "Nuevo", "old": "old"}


def test_a_step_is_named_by_the_protocol_that_labels_it() -> None:
    """A step id is one step wherever it is listed: labelled once, it is named everywhere."""
    raw = clinic(tech={})
    raw["protocols"]["again"] = {"steps": [{"id": "tech", "resource": "tech", "duration": 1}]}
    raw["protocols"] = {"again": raw["protocols"]["again"], "visit": raw["protocols"]["visit"]}
    raw["demand"]["classes"]["old"]["protocol"] = "again"
    scenario = from_mapping(raw)
    assert display_name(scenario, "step", "tech", "es") == "Paso 0"


def test_the_resolved_scenario_writes_labels_as_a_file_would() -> None:
    scenario = from_mapping(
        clinic(one={"label": "Uno"}, two={"label": {"es": "Dos", "en": "Two"}}, three={})
    )
    written = scenario.to_yaml()
    assert "label: Uno\n" in written and "label:\n      es: Dos\n      en: Two\n" in written
    again = from_mapping(read_yaml_text(written))
    assert display_names(again, "resource", "en") == {"one": "Uno", "two": "Two", "three": "three"}


def read_yaml_text(text: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(text)


def test_a_unit_names_its_studies_and_classes() -> None:
    unit = load_unit("day_hospital", ["unit.studies.laboratory.label={es: Lab, en: Lab test}"])
    assert display_name(unit, "study", "laboratory", "en") == "Lab test"
    assert display_name(unit, "study", "x_ray", "en") == "X-ray"
    assert display_name(unit, "class", "dental", "es") == "Odontología"


# ---------------------------------------------------------------- refused labels


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("resources.tech.label=3", "resources.tech.label: expected a text, or {es: …, en: …}"),
        ("resources.tech.label={es: A, de: B}", "resources.tech.label: a label takes es and en"),
        ("resources.tech.label={}", "resources.tech.label: expected a text, or {es: …, en: …}"),
        ('resources.tech.label=""', "resources.tech.label: expected a non-empty text"),
        ("demand.classes.old.label=[Viejo]", "demand.classes.old.label: expected a text"),
    ],
)
def test_a_label_that_is_not_one_is_refused(override: str, expected: str) -> None:
    problems = problems_of(clinic(tech={}), [override])
    assert any(p.startswith(expected) for p in problems), problems


def test_labels_a_page_could_not_tell_apart_are_refused() -> None:
    raw = clinic(a={"label": {"es": "Técnico", "en": "Technician"}}, b={"name": "Técnico"})
    assert problems_of(raw) == [
        "resources.b.label: shows as 'Técnico' in es, as 'a' does: a page could not tell them apart"
    ]
    raw["resources"]["b"] = {"label": {"es": "Técnico", "en": "Technician"}}
    assert len(problems_of(raw)) == 2  # in each language


def test_a_step_labelled_differently_in_two_protocols_is_refused() -> None:
    raw = clinic(tech={})
    raw["protocols"]["again"] = {
        "steps": [{"id": "tech", "resource": "tech", "duration": 1, "label": "Otro"}]
    }
    raw["demand"]["classes"]["old"]["protocol"] = "again"
    problems = problems_of(raw)
    assert any(
        p.startswith("protocols.again.steps.tech.label: step 'tech' has another label")
        for p in problems
    ), problems


def test_names_alike_without_labels_are_left_as_they_were() -> None:
    """Two resources of the same ``name:`` and no label: valid as before labels existed."""
    from_mapping(clinic(a={"name": "Sala"}, b={"name": "Sala"}))


# ---------------------------------------------------------------- the bundled scenarios


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_thing_has_a_label_in_both_languages(name: str) -> None:
    """Steps, resources, classes, channels and protocols (a unit's studies and classes)."""
    scenario = model_of_source(name).load(name)
    kinds = ("study", "class") if isinstance(scenario, UnitScenario) else KINDS
    missing = [
        f"{kind} {key} ({lang})"
        for kind in kinds
        for key, thing in scenario.named(kind).items()
        for lang in LANGS
        if thing.label is None or thing.label.text(lang) is None
    ]
    assert missing == []
    assert any(scenario.named(kind) for kind in kinds)


def test_the_ophthalmology_clinic_speaks_the_clinics_words() -> None:
    scenario = load("ophthalmology")
    assert isinstance(scenario, Scenario)
    assert display_names(scenario, "resource", "es") == {
        "admissions": "Admisión",
        "technician": "Técnico",
        "ophthalmologist": "Oftalmólogo",
    }
    assert display_name(scenario, "step", "lens_calculation", "es") == "Biometría"
    assert display_name(scenario, "step", "refraction", "es") == "Refracción"
    assert display_name(scenario, "class", "cataract_new", "es") == "Catarata (nuevo)"
    assert display_name(scenario, "class", "cataract_new", "en") == "Cataract (new)"
    assert read_scenario("ophthalmology")[1]["resources"]["technician"]["name"]  # kept


def test_labels_change_no_number() -> None:
    """What a result depends on (the result store's keys, the sampled scenarios of a
    plan) is hashed without the labels: relabelling a clinic reuses its results."""
    plain = load("ophthalmology")
    relabelled = load(
        "ophthalmology",
        ["resources.technician.label=Óptico", "protocols.cataract_new.steps.0.label=Entrada"],
    )
    assert display_name(relabelled, "resource", "technician", "es") == "Óptico"
    assert relabelled.content_json() == plain.content_json()
    assert relabelled.content_json(policies=False) == plain.content_json(policies=False)
    assert "label" not in plain.content_json() and "Técnico" not in plain.content_json()
    assert plain.content_json() != load("ophthalmology", ["horizon.days=3"]).content_json()
