"""A new policy is one class and one registry line, and then it is everywhere.

A throwaway policy is put in ``policies.REGISTRY`` (and one in ``UNIT_REGISTRY``)
for the test only; nothing else is told about it. The dashboard then offers it in
the run checklist, with its title and explanation in the page's language, offers
its tunable parameters as what-if fields (kind from type and bounds, label from
the field) and checks them; the runner plans and plays it, variant included.
The choices of the registered policies stay exactly those offered before (and the
Bailey–Welch rule, a baseline beside ``mip`` since issue 15).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import ClassVar, Literal

import numpy as np
import pytest
from pydantic import Field

from dashboard.components.controls import controls_panel
from dashboard.runs import Settings
from dashboard.whatif import ScenarioChoice, base_scenario, evaluate
from policies import REGISTRY, UNIT_REGISTRY
from policies.base import PolicyParams, SchedulingPolicy, Texts, texts
from policies.dayhospital.heuristics import fifo
from policies.dayhospital.policy import UnitPolicy
from sim.clinic import Clinic
from sim.experiments.runner import run_experiment
from sim.experiments.unit_runner import run_unit
from sim.plan import UNBOOKED, Plan
from sim.sampling import Requests
from sim.scenario import load
from sim.unit.instance import UnitInstance
from sim.unit.plan import UnitPlan
from sim.unit.scenario import load_unit
from tests.support.components import dashboard_app, text

CLINIC = ScenarioChoice("ophthalmology")
BOOKING = ScenarioChoice("health_centre_realtime")
UNIT = ScenarioChoice("day_hospital")


class TinyParams(PolicyParams):
    spacing: float = Field(default=5, gt=0, json_schema_extra=texts("Separación", "Spacing"))
    rounds: int = Field(default=2, ge=1, description="rounds of nothing")
    mood: Literal["calm", "busy"] = "calm"  # words: not a text field


class TinyPolicy(SchedulingPolicy):
    """Books first come (the contract's default); everyone ``spacing`` apart per day."""

    name: ClassVar[str] = "tiny"
    shorthand: ClassVar[str | None] = "rounds"
    Params: ClassVar[type[TinyParams]] = TinyParams
    title: ClassVar[Texts] = {"es": "Diminuta", "en": "Tiny"}
    explanation: ClassVar[Texts] = {"es": "Una política de prueba.", "en": "A test policy."}

    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        appointment = clinic.open + self.params.spacing * (np.arange(len(day)) % 10)
        appointment = np.where(day == UNBOOKED, np.nan, appointment)
        return Plan(self.label, day, member, appointment)


class TinyUnitPolicy(UnitPolicy):
    name: ClassVar[str] = "tiny"
    Params: ClassVar[type[TinyParams]] = TinyParams
    title: ClassVar[Texts] = {"es": "Diminuta", "en": "Tiny"}
    explanation: ClassVar[Texts] = {"es": "Admite como fifo.", "en": "Admits as fifo does."}

    def plan(self, inst: UnitInstance) -> UnitPlan:
        return fifo(inst)


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "new-policy-store")


@pytest.fixture(scope="module")
def scenario_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.scenario")


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(REGISTRY, "tiny", TinyPolicy)
    monkeypatch.setitem(UNIT_REGISTRY, "tiny", TinyUnitPolicy)


def test_the_registered_policies_are_offered_as_before(scenario_page: ModuleType) -> None:
    assert scenario_page.policy_choices_of(CLINIC) == (
        "fifo",
        "fifo:appointment",
        "fifo:bailey_welch",
        "grasp",
        "grasp:earliest",
        "mip",
    )
    assert scenario_page.policy_choices_of(BOOKING) == (
        "fifo@walk_in",
        "fifo@realtime",
        "fifo@end_of_day",
        "grasp@end_of_day",
        "grasp@realtime",
        "mip@realtime",
    )
    assert scenario_page.policy_choices_of(UNIT) == ("fifo", "grasp", "mip")
    options, _picked, help_list = scenario_page.offer_policies(CLINIC.to_store(), "es", [])
    # each by its display name (the title and the variant's words), explained in its tooltip
    assert options[1]["label"] == "Orden de llegada: citas a intervalos iguales"
    assert options[1]["title"].startswith("La práctica de hoy")
    fifo_help = text(help_list.children[1])
    assert fifo_help.startswith("Orden de llegada: citas a intervalos iguales: La práctica de hoy")
    assert "appointment" not in fifo_help


@pytest.mark.usefixtures("tiny")
def test_a_new_policy_is_in_the_checklist_with_its_words(scenario_page: ModuleType) -> None:
    assert scenario_page.policy_choices_of(CLINIC)[-1] == "tiny"
    assert scenario_page.policy_choices_of(BOOKING)[-1] == "tiny@realtime"
    assert scenario_page.policy_choices_of(UNIT)[-1] == "tiny"
    for lang, title, help_text in [
        ("es", "Diminuta", "Una política de prueba."),
        ("en", "Tiny", "A test policy."),
    ]:
        options, _picked, help_list = scenario_page.offer_policies(
            CLINIC.to_store(), lang, ["tiny"]
        )
        assert options[-1] == {"value": "tiny", "label": title, "title": help_text}
        assert text(help_list.children[-1]) == f"{title}: {help_text}"
    options, picked, help_list = scenario_page.offer_policies(
        BOOKING.to_store(), "en", ["tiny@realtime"]
    )
    assert text(help_list.children[-1]) == (
        "Tiny: real-time booking: A test policy. Each request gets its slot as it comes in."
    )
    assert picked == ["tiny@realtime"]


@pytest.mark.usefixtures("tiny")
def test_a_new_policy_has_its_parameter_fields(app_settings: Settings) -> None:
    for choice in (CLINIC, UNIT):
        fields = {c.key: c for c in choice.controls() if c.group == "tiny"}
        assert list(fields) == ["policies.tiny.spacing", "policies.tiny.rounds"]  # no mood
        spacing, rounds = fields.values()
        assert (spacing.base, spacing.kind, rounds.base, rounds.kind) == (
            "5",
            "positive",
            "2",
            "iterations",
        )
        assert spacing.label_text("es") == "Separación" and spacing.label_text("en") == "Spacing"
        assert rounds.label_text("en") == "rounds of nothing"  # no texts: its description
        base = base_scenario(choice)
        panel = text(controls_panel(base, choice.controls(), {}, {}, "en"))
        assert "Parameters: Tiny" in panel and "Spacing" in panel


@pytest.mark.usefixtures("tiny")
def test_a_new_policys_fields_are_checked_and_applied() -> None:
    good = evaluate(CLINIC, {"policies.tiny.spacing": "7,5"}, "en")
    assert good.valid and good.overrides == ["policies.tiny.spacing=7.5"]
    assert good.scenario is not None and good.scenario.policies["tiny"] == {"spacing": 7.5}
    refused = evaluate(CLINIC, {"policies.tiny.rounds": "0", "policies.tiny.spacing": "-1"}, "es")
    assert set(refused.messages) == {"policies.tiny.rounds", "policies.tiny.spacing"}
    assert "≥ 1" in refused.messages["policies.tiny.rounds"]
    assert "> 0" in refused.messages["policies.tiny.spacing"]


@pytest.mark.usefixtures("tiny")
def test_a_new_policy_runs_through_the_runner() -> None:
    scenario = load("ophthalmology", ["horizon.days=2", "policies.tiny.spacing=3"])
    result = run_experiment(scenario, ["fifo", "tiny", "tiny:5"], 1, workers=1)
    assert list(result.summary["policies"]) == ["fifo", "tiny", "tiny:5"]
    assert result.summary["policies"]["tiny"]["los"]["mean"] > 0
    unit = load_unit("day_hospital")
    run = run_unit(unit, ["fifo", "tiny"], 1)
    assert list(run.summary["policies"]) == ["fifo", "tiny"]
