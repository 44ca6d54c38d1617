"""The model facades (``sim.models``): which model a file, mapping, scenario or run
directory is, decided in one place, and the same verbs on both models (load, check,
run, write, read back, report) giving what the model's own modules give."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies import REGISTRY, UNIT_REGISTRY, PolicyError
from scenarios import bundled_names, bundled_path
from sim.experiments.unit_runner import UnitRun
from sim.models import model_of_mapping, model_of_run, model_of_scenario, model_of_source
from sim.models.clinic import CLINIC
from sim.models.unit import UNIT
from sim.outputs.rundir import RunData
from sim.scenario import Scenario, read_yaml
from sim.unit.scenario import UnitScenario

SMALL_CLINIC = ["horizon.days=2", "demand.requests_per_day=8"]


def test_every_bundled_scenario_is_one_model_whichever_way_it_is_asked() -> None:
    for name in bundled_names():
        model = model_of_source(name)
        assert model is model_of_mapping(read_yaml(bundled_path(name)))
        scenario = model.load(name)
        assert model_of_scenario(scenario) is model
        is_unit = name in ("day_hospital", "day_hospital_busy")
        expected = (UNIT, UnitScenario) if is_unit else (CLINIC, Scenario)
        assert (model, type(scenario)) == expected, name


def test_each_model_offers_its_own_registry() -> None:
    assert CLINIC.registry is REGISTRY and UNIT.registry is UNIT_REGISTRY
    assert set(CLINIC.run_policies) <= set(REGISTRY)
    assert set(UNIT.run_policies) <= set(UNIT_REGISTRY)


def test_a_bad_policy_is_refused_by_either_model() -> None:
    clinic = CLINIC.load("ophthalmology")
    unit = UNIT.load("day_hospital")
    with pytest.raises(PolicyError, match="unknown policy"):
        CLINIC.check_policies(clinic, ["nonsense"])
    with pytest.raises(PolicyError, match="unknown unit policy"):
        UNIT.check_policy(unit, "nonsense")
    unit_bad = UNIT.load("day_hospital", ["policies.grasp.iterations=0"])
    with pytest.raises(PolicyError, match=r"policies\.grasp\.iterations"):
        UNIT.check_policies(unit_bad, ["fifo"])  # the policies block is checked too


def test_a_clinic_run_goes_through_the_verbs_and_comes_back(tmp_path: Path) -> None:
    scenario = CLINIC.load("ophthalmology", SMALL_CLINIC)
    result = CLINIC.run(scenario, ["fifo", "fifo:appointment"], 2)
    info = CLINIC.write(tmp_path, result, ["clinicsim", "test"])
    assert info["policies"] == ["fifo", "fifo:appointment"]
    assert model_of_run(tmp_path) is CLINIC
    data = CLINIC.read(tmp_path)
    assert isinstance(data, RunData)
    assert data.summary == CLINIC.summary(result)
    report = CLINIC.report(tmp_path / "report.html", data, "es")
    # the report names the policies by their display names
    assert "Orden de llegada: citas a intervalos iguales" in report.read_text(encoding="utf-8")


def test_a_unit_run_goes_through_the_verbs_and_comes_back(tmp_path: Path) -> None:
    scenario = UNIT.load("day_hospital")
    result = UNIT.run(scenario, ["fifo", "grasp"], 2)
    info = UNIT.write(tmp_path, result, ["clinicsim", "test"])
    assert info["kind"] == UNIT.kind
    assert model_of_run(tmp_path) is UNIT
    run = UNIT.read(tmp_path)
    assert isinstance(run, UnitRun)
    assert run.summary == UNIT.summary(result)
    report = UNIT.report(tmp_path / "report.html", run, "en")
    assert "GRASP by priority" in report.read_text(encoding="utf-8")  # by its display name
