"""The dashboard without a browser: its pure functions, components and page pieces.

- ``dashboard.whatif``: the controls of a scenario with their base values, what a typed
  value means (decimal comma, bounds), changes checked against the scenario, uploads;
- ``dashboard.runs``: replications typed, a what-if run written and recorded in the
  store's index, and found again by its id;
- ``dashboard.figures`` on that small stored run (ophthalmology, 2 days, 2 replications,
  fifo against fifo:appointment);
- ``dashboard.i18n``: every phrase in both languages with the same placeholders, every
  phrase the code asks for defined;
- the components (headline cards, comparison table, the clinic at a glance, the list of
  changes), read by walking their Dash component trees;
- the results page: ``locate`` and the views of a run and of a sweep made with
  ``clinicsim run --sweep --grid --out`` and recorded in the same store.

The pages register themselves with Dash when imported, so they are imported only after
``create_app`` (the module's ``app_settings`` fixture).
"""

from __future__ import annotations

import importlib
import json
import math
import re
import string
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from dash import dcc, html, no_update

from dashboard import figures, ids
from dashboard.components.controls import change_list, controls_panel
from dashboard.components.glance import clinic_glance
from dashboard.components.headlines import change_text, headline_cards
from dashboard.components.results import comparison_table
from dashboard.i18n import PHRASES, checked_lang, tr, weekday
from dashboard.messages import localise_message, localise_problem
from dashboard.runs import (
    MAX_REPS,
    Settings,
    check_reps,
    find_run,
    run_id,
    run_whatif,
    stored_runs,
)
from dashboard.whatif import (
    UPLOAD_LIMIT_BYTES,
    ScenarioChoice,
    controls_of,
    evaluate,
    parse_value,
    read_upload,
    same_value,
    shown_value,
)
from policies.fifo import FifoPolicy
from scenarios import bundled_names, bundled_path
from sim.cli.main import main as cli_main
from sim.experiments.sweep import folder_name
from sim.outputs.catalogue import P90_HELP, find, sweep_metrics
from sim.outputs.headline import policy_headlines
from sim.outputs.i18n import TEXTS
from sim.outputs.rundir import RunData, load_run
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario, from_mapping, from_text, load, parse_yaml
from tests.support.components import dashboard_app, helps, of_type, prop, text, texts, walk

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
POLICIES = ["fifo", "fifo:appointment"]
REPS = 2
OPHTHALMOLOGY = bundled_path("ophthalmology").read_text(encoding="utf-8")
SMALL = OPHTHALMOLOGY.replace("\n  days: 20 ", "\n  days: 2 ")
RESOURCES = {  # the ophthalmology scenario's resources: key → (Spanish label, count)
    "admissions": ("Admisión", 1),
    "technician": ("Técnico", 4),
    "ophthalmologist": ("Oftalmólogo", 3),
}
STEP_LABELS = {  # the ophthalmology scenario's steps: id → Spanish label
    "registration": "Registro",
    "refraction": "Refracción",
    "dilation": "Dilatación",
    "lens_calculation": "Biometría",
    "pachymetry": "Paquimetría",
    "fundus": "Fondo de ojo",
    "consult": "Consulta",
}
APPOINTMENT_EN = "First come, first served: equally spaced appointments"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
STEPS = {
    "cataract_new": [
        "registration",
        "refraction",
        "dilation",
        "lens_calculation",
        "pachymetry",
        "fundus",
        "consult",
    ],
    "cataract_followup": ["registration", "refraction", "consult"],
}
WHATIF_CHANGES = {"resources.technician.roster.mon": "5", "behaviour.no_show": "0,1"}
WHATIF_OVERRIDES = ["resources.technician.roster.mon=5", "behaviour.no_show=0.1"]
WHATIF_VARIANT = " ".join(WHATIF_OVERRIDES)  # as ``--sweep`` names its one combination
SWEEP_VARIANTS = ["base", "demand.requests_per_day=40", "demand.requests_per_day=60"]
GRID_VARIANT = "technicians+1"  # a grid variant: any name a YAML key can be


# ---------------------------------------------------------------- helpers


def base_of(choice: ScenarioChoice) -> Scenario:
    return from_mapping(choice.raw(), source=choice.source)


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dashboard_app(tmp_path_factory, "dashboard-store")


@pytest.fixture(scope="module")
def results_page(app_settings: Settings) -> ModuleType:
    return importlib.import_module("dashboard.pages.results")


@pytest.fixture(scope="module")
def small_choice() -> ScenarioChoice:
    assert SMALL.count("\n  days: 2 ") == 1
    return ScenarioChoice("small.yaml", SMALL)


@pytest.fixture(scope="module")
def whatif_run(
    app_settings: Settings, small_choice: ScenarioChoice
) -> tuple[Path, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    folder = run_whatif(
        app_settings,
        small_choice,
        WHATIF_CHANGES,
        POLICIES,
        REPS,
        lambda done, total: calls.append((done, total)),
    )
    return folder, calls


@pytest.fixture(scope="module")
def plain_run(app_settings: Settings, small_choice: ScenarioChoice) -> Path:
    """A run of the scenario as it is: no changes, no base to compare with."""
    return run_whatif(app_settings, small_choice, {}, ["fifo"], 1)


@pytest.fixture(scope="module")
def run_data(whatif_run: tuple[Path, list[tuple[int, int]]]) -> RunData:
    """The clinic as changed: the what-if run's second variant."""
    return load_run(whatif_run[0] / "variants" / folder_name(WHATIF_VARIANT))


@pytest.fixture(scope="module")
def sweep_dir(app_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``clinicsim run --sweep --grid --out``, recorded in the dashboard's store."""
    root = tmp_path_factory.mktemp("sweep").resolve()
    grid = root / "grid.yaml"
    grid.write_text(
        f'variants:\n  "{GRID_VARIANT}": {{resources.technician.count: 5}}\n', encoding="utf-8"
    )
    out = root / "out"
    code = cli_main(
        [
            "run",
            "ophthalmology",
            "--set",
            "horizon.days=2",
            "--sweep",
            "demand.requests_per_day=40,60",
            "--grid",
            str(grid),
            *["-p", POLICIES[0], "-p", POLICIES[1]],
            *["--reps", str(REPS), "--workers", "1"],
            *["--store", str(app_settings.store_root), "--out", str(out), "--lang", "en"],
        ]
    )
    assert code == 0
    return out


# ---------------------------------------------------------------- 1. the controls


def test_controls_of_ophthalmology_have_the_base_values() -> None:
    choice = ScenarioChoice("ophthalmology")
    controls = controls_of(base_of(choice), choice.raw())
    staff = [c for c in controls if c.group == "staff"]
    assert [(c.resource, c.weekday) for c in staff] == [(r, d) for r in RESOURCES for d in WEEKDAYS]
    for c in staff:
        assert c.key == f"resources.{c.resource}.roster.{c.weekday}"
        assert c.base == str(RESOURCES[c.resource][1])
        assert c.kind == "count"
    others = {c.key: (c.group, c.label, c.base, c.kind) for c in controls if c.group != "staff"}
    assert others == {
        "horizon.open": ("hours", "open", "07:30", "clock"),
        "horizon.close": ("hours", "close", "15:30", "clock"),
        "demand.requests_per_day": ("demand", "requests_per_day", "60", "rate"),
        "behaviour.no_show": ("behaviour", "no_show_rate", "0.06", "share"),
        "behaviour.cancellation.probability": ("behaviour", "cancellation_rate", "0.04", "share"),
        "behaviour.punctuality.mean": ("behaviour", "punctuality", "-10", "minutes"),
        "policies.grasp.alpha_p": ("grasp", "alpha_p", "0.203", "share"),
        "policies.grasp.alpha_m": ("grasp", "alpha_m", "0.261", "share"),
        "policies.grasp.iterations": ("grasp", "iterations", "1000", "iterations"),
        "policies.mip.scenarios": ("mip", "scenarios", "10", "iterations"),
    }
    assert len(controls) == 15 + 10


def test_controls_of_follow_the_scenario_roster_and_policy_parameters() -> None:
    text = (
        OPHTHALMOLOGY.replace("    count: 4  ", "    count: 4\n    roster: {wed: 2}  ")
        + "  grasp: {alpha_p: 0.5, iterations: 7}\n  mip: {scenarios: 12}\n"
    )
    scenario = from_text(text, "changed.yaml")
    controls = {c.key: c.base for c in controls_of(scenario, parse_yaml(text, "changed.yaml"))}
    assert controls["resources.technician.roster.wed"] == "2"
    assert controls["resources.technician.roster.thu"] == "4"
    assert controls["policies.grasp.alpha_p"] == "0.5"
    assert controls["policies.grasp.alpha_m"] == "0.261"
    assert controls["policies.grasp.iterations"] == "7"
    assert controls["policies.mip.scenarios"] == "12"


@pytest.mark.parametrize(
    ("punctuality", "base"),
    [("5", "5"), ("-2.5", "-2.5"), ("{dist: uniform, low: -20, high: 0}", "")],
)
def test_fixed_or_meanless_punctuality_is_one_fixed_minutes_control(
    punctuality: str, base: str
) -> None:
    original = "  punctuality: {dist: normal, mean: -10, sd: 12, min: -60, max: 60}"
    assert original in OPHTHALMOLOGY
    text = OPHTHALMOLOGY.replace(original, f"  punctuality: {punctuality}")
    scenario = from_text(text, "fixed.yaml")
    controls = controls_of(scenario, parse_yaml(text, "fixed.yaml"))
    behaviour = {c.key: c for c in controls if c.group == "behaviour"}
    assert set(behaviour) == {
        "behaviour.no_show",
        "behaviour.punctuality",
        "behaviour.cancellation.probability",
    }
    control = behaviour["behaviour.punctuality"]
    assert (control.label, control.base, control.kind) == ("punctuality_fixed", base, "minutes")
    evaluation = evaluate(ScenarioChoice("fixed.yaml", text), {control.key: "-5"}, "en")
    assert evaluation.valid
    assert evaluation.overrides == ["behaviour.punctuality=-5"]
    assert evaluation.scenario is not None
    assert evaluation.scenario.behaviour.punctuality.mean == -5


# ---------------------------------------------------------------- 2. values typed


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("count", "5", (5, None)),
        ("count", " 0 ", (0, None)),
        ("count", "5.0", (5, None)),
        ("count", "-1", (None, "expect_count")),
        ("count", "2.5", (None, "expect_count")),
        ("count", "abc", (None, "expect_count")),
        ("count", "", (None, "expect_count")),
        ("iterations", "1", (1, None)),
        ("iterations", "0", (None, "expect_iterations")),
        ("iterations", "1,5", (None, "expect_iterations")),
        ("clock", "07:30", ("07:30", None)),
        ("clock", "7:30", ("07:30", None)),
        ("clock", "23:59", ("23:59", None)),
        ("clock", "25:00", (None, "expect_clock")),
        ("clock", "24:00", (None, "expect_clock")),
        ("clock", "7:5", (None, "expect_clock")),
        ("clock", "07:60", (None, "expect_clock")),
        ("clock", "0730", (None, "expect_clock")),
        ("clock", "7.30", (None, "expect_clock")),
        ("rate", "60", (60.0, None)),
        ("rate", "62,5", (62.5, None)),
        ("rate", "-1", (None, "expect_rate")),
        ("share", "0,1", (0.1, None)),
        ("share", "0.06", (0.06, None)),
        ("share", "1", (1.0, None)),
        ("share", "1.2", (None, "expect_share")),
        ("share", "-0,1", (None, "expect_share")),
        ("share", "nan", (None, "expect_share")),
        ("minutes", "-10", (-10.0, None)),
        ("minutes", "-2,5", (-2.5, None)),
        ("minutes", "\u22122,5", (-2.5, None)),  # the minus sign the page shows
        ("minutes", " \u221210 ", (-10.0, None)),
        ("minutes", "600", (600.0, None)),
        ("minutes", "700", (None, "expect_minutes")),
        ("minutes", "-601", (None, "expect_minutes")),
        ("seconds", "30", (30.0, None)),
        ("seconds", "0,5", (0.5, None)),
        ("seconds", "0", (None, "expect_seconds")),
        ("seconds", "inf", (None, "expect_seconds")),
    ],
)
def test_parse_value(kind: Any, typed: str, expected: tuple[Any, str | None]) -> None:
    value, message = parse_value(kind, typed)
    assert message == expected[1]
    if isinstance(expected[0], float):
        assert value == pytest.approx(expected[0])
    else:
        assert value == expected[0]
    assert type(value) is type(expected[0])
    if message is not None:
        assert message in PHRASES


@pytest.mark.parametrize(
    ("key", "lang", "shown"),
    [
        ("behaviour.no_show", "es", "0,06"),
        ("behaviour.no_show", "en", "0.06"),
        ("behaviour.punctuality.mean", "es", "\u221210"),
        ("behaviour.punctuality.mean", "en", "\u221210"),
        ("policies.grasp.alpha_p", "es", "0,203"),
        ("horizon.open", "es", "07:30"),
        ("resources.technician.roster.mon", "es", "4"),
    ],
)
def test_a_field_shows_its_value_as_the_language_writes_it(key: str, lang: str, shown: str) -> None:
    """The base value in the page's language; the field reads it back as the same value,
    so showing it is no change."""
    control = {c.key: c for c in ScenarioChoice("ophthalmology").controls()}[key]
    assert shown_value(control, lang) == shown
    assert same_value(control.kind, shown, control.base)


def test_a_typed_value_is_shown_in_the_language_and_run_as_the_command_line_writes_it() -> None:
    choice = ScenarioChoice("ophthalmology")
    control = {c.key: c for c in choice.controls()}["behaviour.no_show"]
    assert shown_value(control, "es", "0.07") == "0,07"
    assert shown_value(control, "en", "0,07") == "0.07"
    assert shown_value(control, "es", "abc") == "abc"  # as typed: its message says why
    for typed in ("0,07", "0.07", " 0,07 "):
        evaluation = evaluate(choice, {"behaviour.no_show": typed}, "es")
        assert evaluation.overrides == ["behaviour.no_show=0.07"]
    punctuality = evaluate(choice, {"behaviour.punctuality.mean": "\u22125"}, "es")
    assert punctuality.overrides == ["behaviour.punctuality.mean=-5"]


@pytest.mark.parametrize("name", bundled_names())
def test_every_field_has_a_help_in_both_languages(name: str) -> None:
    """Every what-if field of every bundled scenario (staff, hours, demand, behaviour,
    booking, a unit's beds and chairs, each policy's tunable parameters) says what its
    value means, in Spanish and in English, differently."""
    for control in ScenarioChoice(name).controls():
        helps_of = {lang: control.help_text(lang) for lang in ("es", "en")}
        assert all(h and h == h.strip() for h in helps_of.values()), (name, control.key)
        assert helps_of["es"] != helps_of["en"], (name, control.key)


def test_the_jargon_of_the_fields_is_explained() -> None:
    controls = {c.key: c for c in ScenarioChoice("ophthalmology").controls()}
    alpha = controls["policies.grasp.alpha_p"].help_text("es")
    assert "0 = siempre" in alpha and "1 = cualquiera" in alpha
    assert controls["policies.mip.scenarios"].help_text("en").startswith("S: ")
    unit = {c.key: c for c in ScenarioChoice("day_hospital").controls()}
    assert "nodos" in unit["policies.mip.max_nodes"].help_text("es")
    assert unit["unit.beds"].help_text("es").startswith("D1")


def test_field_labels_carry_their_help_marker() -> None:
    """Each field's label has the help marker with the field's help; each row of the staff grid
    too (its fields are the row's resource on each weekday)."""
    choice = ScenarioChoice("ophthalmology")
    controls = choice.controls()
    panel = controls_panel(base_of(choice), controls, {}, {}, "es")
    labels = of_type(panel, html.Label)
    by_text = {text(label): helps(label) for label in labels}
    for control in [c for c in controls if c.group != "staff"]:
        assert by_text[control.label_text("es")] == [control.help_text("es")], control.key
    grid = next(t for t in of_type(panel, html.Table) if prop(t, "className") == "staff-grid")
    rows = of_type(of_type(grid, html.Tbody)[0], html.Tr)
    assert len(rows) == len(RESOURCES)
    assert all(helps(row.children[0]) == [tr("help_staff", "es")] for row in rows)
    no_show = next(i for i in of_type(panel, dcc.Input) if prop(i, "name") == "behaviour.no_show")
    assert prop(no_show, "value") == "0,06"


def test_parse_value_refuses_a_clock_with_digits_int_cannot_read() -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: the field must say what it
    expected, not raise (whatif.parse_value, and evaluate, which every page callback
    calls)."""
    assert parse_value("clock", "²:30") == (None, "expect_clock")
    evaluation = evaluate(ScenarioChoice("ophthalmology"), {"horizon.open": "7:³0"}, "en")
    assert evaluation.messages == {"horizon.open": "Expected a time HH:MM, e.g. 07:30"}


@pytest.mark.parametrize(
    ("kind", "typed", "base", "same"),
    [
        ("count", "5.0", "5", True),
        ("count", " 5 ", "5", True),
        ("count", "6", "5", False),
        ("count", "abc", "5", False),
        ("clock", "7:30", "07:30", True),
        ("share", "0,06", "0.06", True),
        ("share", "0,6", "0.06", False),
        ("minutes", "\u221210", "-10", True),
        ("minutes", "", "", True),
    ],
)
def test_same_value(kind: Any, typed: str, base: str, same: bool) -> None:
    assert same_value(kind, typed, base) is same


# ---------------------------------------------------------------- 3. changes checked


def test_evaluate_without_changes_is_the_base() -> None:
    choice = ScenarioChoice("ophthalmology")
    evaluation = evaluate(choice, {}, "es")
    assert evaluation.valid
    assert evaluation.overrides == []
    assert evaluation.messages == {}
    assert evaluation.problems == []
    assert evaluation.scenario is not None
    assert evaluation.scenario.model_dump() == load("ophthalmology").model_dump()


def test_evaluate_applies_a_staff_change() -> None:
    evaluation = evaluate(
        ScenarioChoice("ophthalmology"), {"resources.technician.roster.mon": "5"}, "en"
    )
    assert evaluation.valid
    assert evaluation.overrides == ["resources.technician.roster.mon=5"]
    assert evaluation.scenario is not None
    technician = evaluation.scenario.resources["technician"]
    assert technician.roster == {"mon": 5}
    assert technician.base_count == 4
    assert evaluation.scenario.resources["ophthalmologist"].roster == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "Se esperaba un número entero ≥ 0"), ("en", "Expected a whole number ≥ 0")],
)
def test_evaluate_a_bad_value_is_refused_at_its_field_and_the_rest_applied(
    lang: str, message: str
) -> None:
    changes = {
        "resources.technician.roster.mon": "-1",
        "horizon.open": "8:00",
        "behaviour.no_show": "0,1",
    }
    evaluation = evaluate(ScenarioChoice("ophthalmology"), changes, lang)
    assert evaluation.messages == {"resources.technician.roster.mon": message}
    assert evaluation.problems == []
    assert not evaluation.valid
    assert evaluation.overrides == ['horizon.open="08:00"', "behaviour.no_show=0.1"]
    assert evaluation.scenario is not None
    assert evaluation.scenario.horizon.open == 8 * 60
    assert evaluation.scenario.behaviour.no_show == pytest.approx(0.1)
    assert evaluation.scenario.resources["technician"].roster == {}


def test_evaluate_a_close_before_open_is_refused_by_the_validator_at_close() -> None:
    changes = {"horizon.close": "07:00", "demand.requests_per_day": "40"}
    evaluation = evaluate(ScenarioChoice("ophthalmology"), changes, "es")
    assert evaluation.messages == {
        "horizon.close": "debe ser posterior a la apertura (07:30); se recibió 07:00"
    }
    assert not evaluation.valid
    assert evaluation.overrides == ["demand.requests_per_day=40"]
    assert evaluation.scenario is not None  # the other change still applies
    assert evaluation.scenario.horizon.close == 15 * 60 + 30
    assert evaluation.scenario.demand.requests_per_day == 40


def test_evaluate_an_open_after_close_is_a_general_problem() -> None:
    """The validator blames ``horizon.close``, which was not changed: no field explains it."""
    evaluation = evaluate(ScenarioChoice("ophthalmology"), {"horizon.open": "16:00"}, "en")
    assert evaluation.messages == {}
    assert evaluation.scenario is None
    assert not evaluation.valid
    assert len(evaluation.problems) == 1
    assert "horizon.close: must be after open (16:00), got 15:30" in evaluation.problems[0]


def test_evaluate_a_general_problem_line_does_not_start_with_a_colon() -> None:
    """The change list shows this line as it is (``html.P(p)``)."""
    evaluation = evaluate(ScenarioChoice("ophthalmology"), {"horizon.open": "16:00"}, "en")
    assert len(evaluation.problems) == 1
    assert not evaluation.problems[0].startswith(":"), evaluation.problems[0]


def test_evaluate_a_roster_above_the_members_listed_is_refused_at_its_field() -> None:
    choice = ScenarioChoice("ophthalmology_service")  # 10 ophthalmologists listed by name
    changes = {"resources.ophthalmologist.roster.mon": "11", "resources.technician.roster.mon": "9"}
    evaluation = evaluate(choice, changes, "en")
    assert evaluation.messages == {
        "resources.ophthalmologist.roster.mon": "must be ≤ the 10 members listed, got 11"
    }
    assert evaluation.overrides == ["resources.technician.roster.mon=9"]
    assert evaluation.scenario is not None
    assert evaluation.scenario.resources["technician"].roster == {"mon": 9}
    assert evaluation.scenario.resources["ophthalmologist"].roster == {}
    assert evaluate(choice, {"resources.ophthalmologist.roster.mon": "10"}, "en").valid


def test_evaluate_ignores_a_key_of_another_scenario() -> None:
    changes = {"resources.doctor.roster.sat": "3"}  # essalud_outpatient's
    evaluation = evaluate(ScenarioChoice("ophthalmology"), changes, "en")
    assert evaluation.valid
    assert evaluation.overrides == []
    assert evaluation.scenario is not None
    assert "doctor" not in evaluation.scenario.resources


# ---------------------------------------------------------------- 4. uploads


def test_read_upload_of_a_valid_file(small_choice: ScenarioChoice) -> None:
    choice = read_upload("mine.yaml", SMALL.encode("utf-8"))
    assert choice == ScenarioChoice("mine.yaml", SMALL)
    assert choice.source == "mine.yaml"
    raw = choice.raw()
    assert raw["horizon"]["days"] == 2
    assert raw["demand"]["booking_window_days"] == 20
    assert from_mapping(raw).name == "Oftalmología — protocolo de catarata"


def test_read_upload_too_large() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_upload("big.yaml", b"#" * (UPLOAD_LIMIT_BYTES + 1))
    # 262 145 bytes are 257 kB rounded up; the limit is 256 kB
    assert str(caught.value) == "big.yaml: the file is 257 kB; a scenario may be at most 256 kB"
    with pytest.raises(ScenarioError) as caught:  # at the limit: read, and found empty
        read_upload("limit.yaml", b"#" * UPLOAD_LIMIT_BYTES)
    assert str(caught.value) == "limit.yaml: expected a mapping of keys, got empty"


def test_read_upload_not_utf8() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_upload("latin.yaml", "name: Oftalmología\n".encode("latin-1"))
    assert str(caught.value) == "latin.yaml: not a UTF-8 text file"


def test_read_upload_invalid_yaml_names_the_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_upload("bad.yaml", b"name: x\nhorizon: {days: 2\nseed: 1\n")
    message = str(caught.value)
    # the flow mapping of line 2 is never closed; line 3's "seed:" breaks it at column 5
    assert message.startswith("bad.yaml: line 3, column 5: invalid YAML")


def test_read_upload_schema_error_names_the_path() -> None:
    text = SMALL.replace("\n  days: 2 ", "\n  days: 0 ")
    with pytest.raises(ScenarioError) as caught:
        read_upload("zero.yaml", text.encode())
    assert str(caught.value) == "zero.yaml: horizon.days: must be ≥ 1, got 0"
    assert [p.path for p in caught.value.problems] == ["horizon.days"]


def test_read_upload_refuses_policy_parameters_the_policy_refuses() -> None:
    """``clinicsim validate`` refuses this file (``policies.grasp.alpha_p: must be ≤ 1.0,
    got 2``); the dashboard accepts the upload and then every page callback that calls
    ``evaluate`` (``controls_of`` → ``_policy_controls``) raises a pydantic
    ValidationError."""
    text = OPHTHALMOLOGY + "  grasp: {alpha_p: 2}\n"
    try:
        choice = read_upload("grasp.yaml", text.encode())
    except ScenarioError as exc:
        assert "policies.grasp.alpha_p" in str(exc)
        return
    evaluation = evaluate(choice, {}, "en")  # must not raise
    assert not evaluation.valid
    assert any("alpha_p" in line for line in [*evaluation.messages, *evaluation.problems])


def test_scenario_choice_from_store() -> None:
    assert ScenarioChoice.from_store(None) == ScenarioChoice("ophthalmology")
    assert ScenarioChoice.from_store({}) == ScenarioChoice("ophthalmology")
    assert ScenarioChoice.from_store({"name": "no_such_scenario"}) == ScenarioChoice(
        "ophthalmology"
    )
    assert ScenarioChoice.from_store({"name": "essalud_outpatient"}) == ScenarioChoice(
        "essalud_outpatient"
    )
    upload = ScenarioChoice("mine.yaml", SMALL)
    assert ScenarioChoice.from_store(upload.to_store()) == upload
    # a stored upload that is no scenario (any more) gives the default, not an error later
    broken = {"name": "broken.yaml", "text": "horizon: [unclosed\n"}
    assert ScenarioChoice.from_store(broken) == ScenarioChoice("ophthalmology")
    assert upload.to_store() == {"name": "mine.yaml", "text": SMALL}
    bundled = ScenarioChoice("ophthalmology_service")
    assert ScenarioChoice.from_store(bundled.to_store()) == bundled
    assert bundled.source == "ophthalmology_service.yaml"
    assert upload.source == "mine.yaml"


# ---------------------------------------------------------------- 5. runs


@pytest.mark.parametrize(
    ("typed", "reps"),
    [
        ("3", 3),
        (" 4 ", 4),
        ("3.0", 3),
        ("1", 1),
        (str(MAX_REPS), MAX_REPS),
        ("0", None),
        ("201", None),
        ("2.5", None),
        ("-1", None),
        ("abc", None),
        ("", None),
        ("nan", None),
        (None, None),
    ],
)
def test_check_reps(typed: Any, reps: int | None) -> None:
    assert MAX_REPS == 200
    assert check_reps(typed) == reps


def test_run_whatif_writes_and_records_the_run(
    app_settings: Settings, whatif_run: tuple[Path, list[tuple[int, int]]]
) -> None:
    """A run with changes is a sweep: the clinic as it is and as changed, same seeds."""
    folder, calls = whatif_run
    assert folder.parent == app_settings.runs_dir
    assert {p.name for p in folder.iterdir()} == {"sweep.json", "variants"}
    sweep = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    assert list(sweep["variants"]) == ["base", WHATIF_VARIANT]
    assert sweep["variants"][WHATIF_VARIANT]["overrides"] == WHATIF_OVERRIDES
    assert sweep["variants"]["base"]["overrides"] == []
    assert list(sweep["paired_to_base"]) == [WHATIF_VARIANT]
    assert list(sweep["paired_to_base"][WHATIF_VARIANT]) == POLICIES
    changed = folder / "variants" / folder_name(WHATIF_VARIANT)
    names = {p.name for p in changed.iterdir()}
    assert {
        "summary.json",
        "run.json",
        "scenario.yaml",
        "patients.parquet",
        "steps.parquet",
        "resources.parquet",
        "plans.parquet",
    } <= names
    info = json.loads((changed / "run.json").read_text(encoding="utf-8"))
    assert info["command"] == [
        "clinicsim",
        "run",
        "small.yaml",
        *["-p", "fifo", "-p", "fifo:appointment"],
        *["--reps", "2"],
        *["--sweep", "resources.technician.roster.mon=5"],
        *["--sweep", "behaviour.no_show=0.1"],
        "(dashboard)",
    ]
    summary = json.loads((changed / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["policies"]) == POLICIES
    assert summary["baseline"] == "fifo"
    assert summary["reps"] == REPS
    data = load_run(changed)
    assert data.scenario.resources["technician"].roster == {"mon": 5}
    assert data.scenario.behaviour.no_show == pytest.approx(0.1)
    assert data.scenario.horizon.days == 2
    assert set(data.tables["patients"]["day"].dropna().unique()) <= {0, 1}
    base = load_run(folder / "variants" / "base")
    assert base.scenario.resources["technician"].roster == {}
    assert base.scenario.seed == data.scenario.seed

    # the store's index lists it, and its id finds it
    listed = {run["id"]: run for run in stored_runs(app_settings)}
    entry = listed[run_id(folder)]
    assert Path(entry["dir"]) == folder.resolve()
    assert entry["policies"] == "fifo, fifo:appointment"
    assert entry["reps"] == REPS
    assert entry["variants"] == f"base, {WHATIF_VARIANT}"
    assert find_run(app_settings, run_id(folder)) == folder.resolve()
    assert find_run(app_settings, "nonsense") is None

    # progress: 2 variants × 2 policies × 2 replications = 8 tasks, ending at (8, 8)
    assert calls
    assert calls[-1] == (8, 8)
    assert {total for _, total in calls} == {8}
    done = [d for d, _ in calls]
    assert done == sorted(done)


def test_run_whatif_without_changes_is_a_plain_run(plain_run: Path) -> None:
    folder = plain_run
    assert (folder / "summary.json").is_file()
    assert not (folder / "sweep.json").exists()
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert "--sweep" not in info["command"] and "--set" not in info["command"]


def test_the_clinic_as_it_is_is_simulated_once_and_reused(
    app_settings: Settings, small_choice: ScenarioChoice
) -> None:
    """A second what-if computes only its changed clinic: the base's replications are
    read from the result store (every task the store holds is one computed)."""
    tasks = app_settings.store_root / "tasks"

    def stored() -> int:
        return len(list(tasks.glob("*/*/result.json")))

    run_whatif(app_settings, small_choice, {"demand.requests_per_day": "50"}, ["fifo"], 3)
    after_first = stored()
    run_whatif(app_settings, small_choice, {"demand.requests_per_day": "55"}, ["fifo"], 3)
    assert stored() == after_first + 3  # the new clinic's 3 replications, no base one
    run_whatif(app_settings, small_choice, {"demand.requests_per_day": "55"}, ["fifo"], 3)
    assert stored() == after_first + 3  # nothing new at all


def test_the_what_if_pairs_as_the_command_line_sweep_does(
    app_settings: Settings, whatif_run: tuple[Path, list[tuple[int, int]]], tmp_path: Path
) -> None:
    """The page's differences are those of ``clinicsim run --sweep`` for the same seeds."""
    folder = whatif_run[0]
    source = tmp_path / "small.yaml"
    source.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "cli"
    code = cli_main(
        [
            "run",
            str(source),
            *["-p", POLICIES[0], "-p", POLICIES[1], "--reps", str(REPS)],
            *[arg for override in WHATIF_OVERRIDES for arg in ("--sweep", override)],
            *["--store", str(tmp_path / "store"), "--out", str(out), "--workers", "1"],
        ]
    )
    assert code == 0
    cli = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    page = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    assert list(cli["variants"]) == list(page["variants"])
    assert cli["paired_to_base"] == page["paired_to_base"]
    for name in page["variants"]:
        assert cli["variants"][name]["summary"] == page["variants"][name]["summary"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"resources.technician.roster.mon": "-1"}, "Expected a whole number ≥ 0"),
        ({"horizon.open": "16:00"}, "must be after open (16:00), got 15:30"),
        ({"horizon.close": "07:00"}, "must be after open (07:30), got 07:00"),
    ],
)
def test_run_whatif_refuses_invalid_changes(
    app_settings: Settings,
    small_choice: ScenarioChoice,
    changes: dict[str, str],
    words: str,
) -> None:
    before = set(app_settings.runs_dir.iterdir()) if app_settings.runs_dir.is_dir() else set()
    runs_before = len(stored_runs(app_settings))
    with pytest.raises(ScenarioError) as caught:
        run_whatif(app_settings, small_choice, changes, ["fifo"], 1)
    assert words in str(caught.value)
    assert "small.yaml" in str(caught.value)
    after = set(app_settings.runs_dir.iterdir()) if app_settings.runs_dir.is_dir() else set()
    assert after == before
    assert len(stored_runs(app_settings)) == runs_before


# ---------------------------------------------------------------- 6. figures


def test_figures_have_a_trace_per_policy(run_data: RunData) -> None:
    for draw in (figures.stay, figures.waiting, figures.access, figures.waiting_steps):
        fig = draw(run_data, "en")
        assert [trace.name for trace in fig.data] == POLICIES, draw.__name__
        assert {trace.type for trace in fig.data} == {"bar"}
    queue = figures.queue(run_data, "en")  # a panel per resource, a line per policy in each
    assert sorted(trace.name for trace in queue.data) == sorted(POLICIES * len(RESOURCES))
    assert {trace.type for trace in queue.data} == {"scatter"}


def test_utilisation_figure_matches_the_summary(run_data: RunData) -> None:
    fig = figures.utilisation(run_data, "es")
    assert [trace.name for trace in fig.data] == POLICIES
    for trace in fig.data:
        assert set(trace.x) == set(RESOURCES)
        for resource, y in zip(trace.x, trace.y, strict=True):
            mean = run_data.summary["policies"][trace.name][f"utilisation.{resource}"]["mean"]
            assert y == pytest.approx(100 * mean)
            assert 0 < y <= 100


def test_heatmap_and_gantt(run_data: RunData) -> None:
    heat = figures.heatmap(run_data, "fifo:appointment", "en")
    assert [trace.type for trace in heat.data] == ["heatmap"]
    choice = figures.day_choices(run_data)
    assert choice.default is not None
    rep, day = choice.default
    gantt = figures.gantt(run_data, "fifo", rep, day, "en")
    # every staffed step in protocol order (dilation has no resource: no bar), then the
    # shift ends; the scenario's closing at 15:30 is a line
    assert [trace.name for trace in gantt.data] == [
        "registration",
        "refraction",
        "lens_calculation",
        "pachymetry",
        "fundus",
        "consult",
        "Shift end",
    ]
    assert [s.x0 for s in gantt.layout.shapes if s.type == "line"] == [930]
    assert gantt.layout.xaxis.range[0] == 420  # 07:00: the clinic opens at 07:30


def test_access_lists_the_scenarios_priorities(run_data: RunData) -> None:
    """The ophthalmology clinic's classes have priorities 1 and 2 only."""
    fig = figures.access(run_data, "es")
    assert fig.layout.xaxis.categoryarray == ("Prioridad 1 (baja)", "Prioridad 2 (alta)")


@pytest.mark.parametrize(("lang", "separators"), [("es", ",."), ("en", ".,")])
def test_localise_sets_the_separators(run_data: RunData, lang: str, separators: str) -> None:
    choice = figures.day_choices(run_data)
    assert choice.default is not None
    drawn = [
        figures.stay(run_data, lang),
        figures.waiting(run_data, lang),
        figures.waiting_steps(run_data, lang),
        figures.access(run_data, lang),
        figures.queue(run_data, lang),
        figures.utilisation(run_data, lang),
        figures.heatmap(run_data, "fifo", lang),
        figures.gantt(run_data, "fifo", *choice.default, lang),
    ]
    assert [fig.layout.separators for fig in drawn] == [separators] * len(drawn)
    import plotly.graph_objects as go

    assert figures.localise(go.Figure(), lang).layout.separators == separators


def test_day_choices_of_the_run(run_data: RunData) -> None:
    choice = figures.day_choices(run_data)
    assert choice.reps == [0, 1]
    assert choice.days == {0: [0, 1], 1: [0, 1]}  # two days, both with patients served
    patients = run_data.tables["patients"]
    served = patients[
        (patients["policy"] == "fifo") & (patients["rep"] == 0) & (patients["status"] == "served")
    ]
    counts = served["day"].value_counts()
    assert choice.default == (0, int(counts.idxmax()))
    assert counts[choice.default[1]] == counts.max()


def _patients(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["policy", "rep", "day", "status"])


def test_day_choices_by_hand() -> None:
    summary = {"baseline": "a", "policies": {"a": {}, "b": {}}}
    patients = _patients(
        [
            ("a", 0, 0, "served"),
            ("a", 0, 1, "served"),
            ("a", 0, 1, "served"),  # a's busiest day in rep 0: day 1
            ("b", 0, 2, "served"),
            ("b", 0, 2, "served"),
            ("b", 0, 2, "served"),  # b's, not the baseline's
            ("a", 1, 3, "no_show"),  # not served: rep 1 has no day 3
            ("b", 1, 4, "served"),
            ("a", 2, math.nan, "unbooked"),  # rep 2: nobody served
        ]
    )
    data = RunData(summary, None, {"patients": patients})  # type: ignore[arg-type]
    choice = figures.day_choices(data)
    assert choice.reps == [0, 1]
    assert choice.days == {0: [0, 1, 2], 1: [4]}
    assert choice.default == (0, 1)

    # the baseline serves nobody in rep 0: the first day of the first replication
    nobody = _patients([("a", 0, 0, "no_show"), ("b", 1, 5, "served"), ("b", 1, 3, "served")])
    data = RunData(summary, None, {"patients": nobody})  # type: ignore[arg-type]
    choice = figures.day_choices(data)
    assert (choice.reps, choice.days, choice.default) == ([1], {1: [3, 5]}, (1, 3))

    empty = _patients([("a", 0, 0, "unbooked")])
    data = RunData(summary, None, {"patients": empty})  # type: ignore[arg-type]
    assert figures.day_choices(data) == figures.DayChoice([], {}, None)


def test_summary_table_of_the_run(run_data: RunData) -> None:
    summary = run_data.summary
    table = figures.summary_table(summary)
    metrics = list(summary["policies"]["fifo"])
    assert len(table) == 2 * len(metrics)
    assert list(zip(table["policy"], table["metric"], strict=True)) == [
        (p, m) for p in POLICIES for m in metrics
    ]
    baseline = table[table["policy"] == "fifo"]
    assert baseline["diff_vs_baseline"].isna().all()
    assert baseline["diff_ci95_low"].isna().all()
    other = table[table["policy"] == "fifo:appointment"].set_index("metric")
    for metric, paired in summary["paired"]["fifo:appointment"].items():
        row = other.loc[metric]
        if paired["diff"] is None:
            assert pd.isna(row["diff_vs_baseline"])
        else:
            assert row["diff_vs_baseline"] == pytest.approx(paired["diff"])
            assert row["diff_ci95_low"] == pytest.approx(paired["ci95"][0])
    los = other.loc["los"]
    assert los["mean"] == pytest.approx(summary["policies"]["fifo:appointment"]["los"]["mean"])
    assert los["ci95_low"] < los["mean"] < los["ci95_high"]


def test_summary_table_by_hand() -> None:
    summary = {
        "baseline": "a",
        "policies": {
            "a": {"los": {"mean": 220.0, "ci95": [200.0, 240.0], "p50": 210.0, "p90": 300.0}},
            "b": {"los": {"mean": 165.0, "ci95": [150.0, 180.0], "p50": 160.0, "p90": 250.0}},
        },
        "paired": {"b": {"los": {"diff": -55.0, "ci95": [-66.0, -44.0], "p_value": 0.01}}},
    }
    table = figures.summary_table(summary)
    records = table.to_dict("records")
    assert len(records) == 2
    a, b = records
    assert {k: a[k] for k in ("policy", "metric", "mean", "ci95_low", "ci95_high")} == {
        "policy": "a",
        "metric": "los",
        "mean": 220.0,
        "ci95_low": 200.0,
        "ci95_high": 240.0,
    }
    assert (a["p50"], a["p90"]) == (210.0, 300.0)
    for empty in ("diff_vs_baseline", "diff_ci95_low", "diff_ci95_high", "p_value"):
        assert a[empty] is None or math.isnan(a[empty]), empty
    assert b == {
        "policy": "b",
        "metric": "los",
        "mean": 165.0,
        "ci95_low": 150.0,
        "ci95_high": 180.0,
        "p50": 160.0,
        "p90": 250.0,
        "diff_vs_baseline": -55.0,
        "diff_ci95_low": -66.0,
        "diff_ci95_high": -44.0,
        "p_value": 0.01,
    }


def test_plan_against_outcome(run_data: RunData) -> None:
    assert "planned_end" not in run_data.tables["plans"].columns  # fifo plans no stay
    assert figures.plan_against_outcome(run_data, "en") is None
    plans = run_data.tables["plans"].copy()
    plans["planned_end"] = plans["appointment"] + 60
    planned = RunData(
        run_data.summary, run_data.scenario, {**run_data.tables, "plans": plans}, run_data.info
    )
    fig = figures.plan_against_outcome(planned, "es")
    assert fig is not None
    assert [trace.name for trace in fig.data][:2] == POLICIES
    assert len(fig.data) == 3  # and the diagonal "as planned"
    assert fig.layout.separators == ",."


# ---------------------------------------------------------------- 7. i18n


def _placeholders(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


def test_every_phrase_in_both_languages_with_the_same_placeholders() -> None:
    assert len(PHRASES) > 50
    for key, entry in PHRASES.items():
        assert set(entry) == {"es", "en"}, key
        assert entry["es"].strip() and entry["en"].strip(), key
        assert _placeholders(entry["es"]) == _placeholders(entry["en"]), key
    assert _placeholders(PHRASES["demand_line"]["es"]) == {
        "rate",
        "window",
        "days",
        "weekdays",
        "open",
        "close",
    }


def _literal_keys() -> set[str]:
    pattern = re.compile(r"""\btr\(\s*(["'])([^"'{}]+)\1""")
    keys = set()
    for path in DASHBOARD.rglob("*.py"):
        keys |= {match.group(2) for match in pattern.finditer(path.read_text(encoding="utf-8"))}
    return keys


def test_every_phrase_the_dashboard_asks_for_exists(app_settings: Settings) -> None:
    keys = _literal_keys()
    assert {"no_run", "invalid_change", "expect_reps", "title", "footer", "metric"} <= keys
    assert len(keys) > 40
    missing = sorted(k for k in keys if k not in PHRASES and k not in TEXTS)
    assert missing == []
    scenario_page = importlib.import_module("dashboard.pages.scenario")  # its LABELS
    controls = importlib.import_module("dashboard.components.controls")  # its GROUPS
    indirect = [
        *scenario_page.LABELS.values(),
        *(f"group_{g}" for g in ("staff", *controls.GROUPS)),
        *(f"expect_{k}" for k in ("count", "clock", "rate", "share", "minutes")),
        *(f"expect_{k}" for k in ("iterations", "seconds", "positive")),
    ]
    for name in ("ophthalmology", "ophthalmology_service", "essalud_outpatient"):
        choice = ScenarioChoice(name)
        for c in controls_of(base_of(choice), choice.raw()):
            if c.texts:  # a policy parameter: its words come from the policy's contract
                assert {lang for lang, _text in c.texts} == {"es", "en"}, c.key
            else:
                indirect.append(c.label)
    assert sorted(k for k in indirect if k not in PHRASES) == []


def test_tr_and_languages() -> None:
    assert tr("run", "en") == "Run"
    assert tr("no_runs", "fr") == "Todavía no hay corridas guardadas."  # Spanish by default
    assert tr("no_runs", None) == tr("no_runs", "es")  # type: ignore[arg-type]
    assert tr("progress", "en", done=3, total=8) == "3 of 8 tasks"  # the dashboard's phrase
    assert tr("metric", "es") == "Indicador"  # the command line's phrase
    with pytest.raises(KeyError):
        tr("no_such_phrase", "es")
    assert weekday("wed", "es") == "mié"
    assert weekday("wed", "en") == "Wed"
    assert weekday("wed", "de") == "mié"
    assert checked_lang("en") == "en"
    assert checked_lang("es") == "es"
    for odd in ("fr", "EN", "", None, 1, ["en"]):
        assert checked_lang(odd) == "es"


# ---------------------------------------------------------------- 8. components

HAND_SUMMARY: dict[str, Any] = {
    "scenario": "hand",
    "reps": 5,
    "seed": 1,
    "baseline": "a",
    "policies": {
        "a": {
            "los": {"mean": 220.0, "ci95": [200.0, 240.0], "p50": 215.0, "p90": 300.4},
            "overtime": {"mean": 5.2, "ci95": [5.0, 5.4], "p50": 5.0, "p90": 9.0},
        },
        "b": {
            "los": {"mean": 165.0, "ci95": [150.0, 180.0], "p50": 160.0, "p90": 250.0},
            "overtime": {"mean": 4.9, "ci95": [4.7, 5.1], "p50": 4.0, "p90": 8.0},
        },
        "c": {
            "los": {"mean": 242.0, "ci95": [231.0, 253.0], "p50": 240.0, "p90": 320.0},
            "overtime": {"mean": 7.25, "ci95": [6.0, 8.5], "p50": 7.0, "p90": 12.0},
        },
    },
    "paired": {
        "b": {
            "los": {"diff": -55.0, "ci95": [-66.0, -44.0], "p_value": 0.001},
            "overtime": {"diff": -0.3, "ci95": [-0.5, -0.1], "p_value": 0.02},
        },
        "c": {
            "los": {"diff": 22.0, "ci95": [11.0, 33.0], "p_value": 0.01},
            "overtime": {"diff": 2.05, "ci95": [1.0, 3.1], "p_value": 0.03},
        },
    },
}


def lines_of(card: Any) -> dict[str, Any]:
    """A headline card's line per policy."""
    return {prop(x, "data-policy"): x for x in walk(card) if prop(x, "data-policy")}


def test_headline_cards_es() -> None:
    patients = pd.DataFrame(
        {
            "policy": ["a"] * 4 + ["b"] * 4,
            "rep": [0, 0, 1, 1] * 2,
            "status": ["served"] * 8,
            "los": [100.0, 130.0, 110.0, 150.0, 60.0, 70.0, 125.0, 80.0],
        }
    )
    summary = {**HAND_SUMMARY, "reps": 2}
    summary["policies"] = {k: v for k, v in HAND_SUMMARY["policies"].items() if k in "ab"}
    shown = policy_headlines(summary, patients)
    cards = {prop(c, "data-metric"): c for c in headline_cards(shown, "a", 120, "es").children}
    assert list(cards) == ["los", "overtime", "service_level"]  # what the summary has
    stay = lines_of(cards["los"])
    assert texts(stay["a"]) == ["a", "3 h 40 min", "[3 h 20 min; 4 h 00 min]"]
    # b: 2 h 45 min, −55 min [−66, −44] against a: better (the interval leaves out 0)
    assert texts(stay["b"])[:3] == ["b", "2 h 45 min", "[2 h 30 min; 3 h 00 min]"]
    change = next(c for c in walk(stay["b"]) if "change" in (prop(c, "className") or ""))
    assert prop(change, "className") == "change better"
    assert texts(change) == ["−55 min", " [−1 h 06 min; −44 min] frente a a"]
    # overtime: a few minutes are written in tenths
    over = lines_of(cards["overtime"])
    assert texts(over["a"])[1] == "5,2 min"
    change = next(c for c in walk(over["b"]) if "change" in (prop(c, "className") or ""))
    assert prop(change, "className") == "change better"
    assert texts(change)[0] == "−0,3 min"
    # service level within 2 h: a 1/2 and 1/2 → 50 %; b 2/2 and 1/2 → 75 %
    level = lines_of(cards["service_level"])
    assert texts(level["a"])[1] == "50 %"
    assert texts(level["b"])[1] == "75 %"
    assert texts(cards["service_level"])[0] == "Pacientes con estancia de 2 h o menos"


def tr_hours(minutes: float) -> str:
    """A target stay as the Spanish card writes it: ``1,5 h``, ``3 h``."""
    return f"{minutes / 60:g} h".replace(".", ",")


def test_change_text_signs_units_and_zero() -> None:
    assert change_text("los", -8.46, "es") == "−8,5 min"
    assert change_text("los", -0.01, "es") == "0 min"
    assert change_text("wait", 75.0, "en") == "+1 h 15 min"
    assert change_text("utilisation", -0.031, "es") == "−3 pts"
    assert change_text("service_level", 0.004, "en") == "0 pts"
    assert change_text("overtime", 90.0, "es") == "+1,5 h"
    assert change_text("access_days", -2.25, "en") == "−2.2 days"
    assert change_text("los", None, "en") == "–"


@pytest.mark.parametrize(
    ("lang", "overtime", "p90"),
    [
        ("es", ["5,2 ±0,2", "4,9 ±0,2", "Δ −0,3 ±0,2", "7,2 ±1,2", "Δ 2,0 ±1,1"], "300"),
        ("en", ["5.2 ±0.2", "4.9 ±0.2", "Δ −0.3 ±0.2", "7.2 ±1.2", "Δ 2.0 ±1.1"], "300"),
    ],
)
def test_comparison_table(lang: str, overtime: list[str], p90: str) -> None:
    data = RunData(HAND_SUMMARY, base_of(ScenarioChoice("ophthalmology")), {})
    table = comparison_table(data, lang)
    rows = of_type(table, html.Tr)
    assert texts(rows[0]) == [tr("metric", lang), "a", "b", "c"]
    by_label = {text(row.children[0]): row for row in rows[1:]}
    # only the metrics the summary has: los, its p90, overtime
    stay, over = find("los").label[lang], find("overtime").label[lang]
    assert list(by_label) == [stay, "p90", over]
    assert texts(by_label[over])[1:] == overtime
    assert texts(by_label["p90"])[1:] == [p90, "250", "320"]
    los = texts(by_label[stay])[1:]
    assert los == ["220 ±20", "165 ±15", "Δ −55 ±11", "242 ±11", "Δ 22 ±11"]
    # each metric's name has its help; each difference and the caption say what Δ, ± are
    assert helps(by_label[stay].children[0]) == [find("los").help[lang]]
    assert helps(by_label["p90"].children[0]) == [P90_HELP[lang]]
    assert helps(by_label[over].children[0]) == [find("overtime").help[lang]]
    deltas = [c for c in walk(table) if prop(c, "className") == "delta"]
    assert {prop(d, "title") for d in deltas} == {TEXTS["delta_help"][lang].format(reference="a")}
    caption = of_type(table, html.Caption)
    assert len(caption) == 1
    assert text(caption[0]) == TEXTS["footer"][lang].format(baseline="a")
    assert helps(caption[0]) == [TEXTS["table_help"][lang].format(reference="a")]


def test_clinic_glance_es() -> None:
    glance = clinic_glance(load("ophthalmology"), "es")
    words = texts(glance)
    joined = "\n".join(words)
    staff = of_type(glance, html.Table)[0]
    rows = {text(r.children[0]): texts(r)[1:] for r in of_type(staff, html.Tr)[1:]}
    assert rows == {
        "Admisión": ["1"] * 5 + ["07:30–15:30", "–"],
        "Técnico": ["4"] * 5 + ["07:30–15:30", "–"],
        "Oftalmólogo": ["3"] * 5 + ["07:30–15:30", "22"],
    }
    assert texts(of_type(staff, html.Tr)[0]) == [
        "Recurso",
        "lun",
        "mar",
        "mié",
        "jue",
        "vie",
        "Horario",
        "Cupos/día",
    ]
    assert (
        "60 solicitudes al día · ventana de citas de 20 días · 20 días laborables "
        "(lun, mar, mié, jue, vie), 07:30–15:30"
    ) in words
    assert "Catarata — paciente nuevo" in words
    assert "Catarata — seguimiento" in words
    for steps in STEPS.values():
        for step in steps:
            assert STEP_LABELS[step] in words and step not in words
    protocol_rows = [
        texts(r) for r in of_type(glance, html.Tr) if texts(r) and texts(r)[0] == "Paquimetría"
    ]
    # step, resource, duration, probability, after (none: the step before), by their labels
    assert protocol_rows == [
        ["Paquimetría", "Técnico", "triangular: low 3, mode 5, high 8", "70 %", ""]
    ]
    fundus = [texts(r) for r in of_type(glance, html.Tr) if texts(r)[:1] == ["Fondo de ojo"]]
    assert fundus == [
        ["Fondo de ojo", "Técnico", "lognormal: mean 10, sd 3", "100 %", "Dilatación, Paquimetría"]
    ]
    dilation = [texts(r) for r in of_type(glance, html.Tr) if texts(r)[:1] == ["Dilatación"]]
    assert dilation == [["Dilatación", "(sin personal)", "uniform: low 25, high 35", "100 %", ""]]
    assert "60 %" in words and "40 %" in words
    classes = [texts(r)[0] for r in of_type(glance, html.Tr) if "Catarata (" in texts(r)[0]]
    assert classes == ["Catarata (nuevo)", "Catarata (seguimiento)"]
    assert "cataract_followup" not in joined and "technician" not in joined


@pytest.mark.parametrize(
    ("lang", "line", "sd"),
    [
        ("es", "7,5 solicitudes al día", "lognormal: mean 3, sd 1,5"),
        ("en", "7.5 requests a day", "lognormal: mean 3, sd 1.5"),
    ],
)
def test_clinic_glance_writes_decimals_the_language_way(lang: str, line: str, sd: str) -> None:
    text_ = OPHTHALMOLOGY.replace(
        "{dist: lognormal, mean: 3, sd: 1}", "{dist: lognormal, mean: 3, sd: 1.5}"
    )
    scenario = from_text(text_, "decimals.yaml", ["demand.requests_per_day=7.5"])
    words = texts(clinic_glance(scenario, lang))
    assert any(w.startswith(line + " ·") for w in words), words
    assert words.count(sd) == 2  # registration, in both protocols


def test_clinic_glance_shows_a_changed_rate_as_it_is() -> None:
    """A what-if of 60 → 62.5 requests a day: the glance ("the clinic as the changes make
    it") must not show 62 (``number`` rounds values ≥ 10 to whole numbers, as for a
    metric's estimate)."""
    scenario = load("ophthalmology", ["demand.requests_per_day=62.5"])
    words = texts(clinic_glance(scenario, "es"))
    assert any(w.startswith("62,5 solicitudes al día") for w in words), [
        w for w in words if "solicitudes" in w
    ]


def _change_list(changes: dict[str, str], lang: str) -> html.Div:
    choice = ScenarioChoice("ophthalmology")
    base = base_of(choice)
    controls = controls_of(base, choice.raw())
    evaluation = evaluate(choice, changes, lang)
    return change_list(controls, changes, evaluation, base, lang)


def test_change_list_es() -> None:
    changes = {
        "resources.technician.roster.mon": "5",
        "horizon.open": "25:00",
        "resources.doctor.roster.sat": "2",  # another scenario's: not listed
    }
    listed = _change_list(changes, "es")
    items = of_type(listed, html.Li)
    assert len(items) == 2
    buttons = of_type(listed, html.Button)
    assert [b.id for b in buttons] == [
        ids.undo("resources.technician.roster.mon"),
        ids.undo("horizon.open"),
    ]
    assert [text(b) for b in buttons] == ["Deshacer", "Deshacer"]
    spans = [of_type(item, html.Span)[0] for item in items]
    assert text(spans[0]) == "Técnico · lun: 4 → 5"
    assert prop(spans[0], "className") == ""
    assert text(spans[1]) == "Apertura (HH:MM): 07:30 → 25:00 (no válido: no se aplica)"
    assert prop(spans[1], "className") == "invalid"
    assert text(of_type(items[0], html.Code)[0]) == "--set resources.technician.roster.mon=5"


def test_change_list_empty_and_with_a_general_problem() -> None:
    assert texts(_change_list({}, "en")) == ["None: the scenario runs as it is."]
    listed = _change_list({"horizon.open": "16:00"}, "en")
    assert text(of_type(listed, html.Span)[0]) == "Opening (HH:MM): 07:30 → 16:00"
    messages = [p for p in of_type(listed, html.P) if prop(p, "className") == "message"]
    assert len(messages) == 1
    assert "must be after open (16:00), got 15:30" in text(messages[0])


@pytest.mark.parametrize(
    ("key", "typed", "check"),
    [
        ("behaviour.no_show", "0,1", lambda s: s.behaviour.no_show == pytest.approx(0.1)),
        (
            "resources.technician.roster.mon",
            "5.0",
            lambda s: s.resources["technician"].roster == {"mon": 5},
        ),
    ],
)
def test_change_list_shows_an_override_the_command_line_accepts(
    key: str, typed: str, check: Any
) -> None:
    """The ``--set`` shown beside a change is the override that is run (run.json has
    ``behaviour.no_show=0.1``), not the text typed: ``--set behaviour.no_show=0,1`` is
    refused by ``clinicsim`` ("expected a number, got '0,1'")."""
    listed = _change_list({key: typed}, "en")
    assert evaluate(ScenarioChoice("ophthalmology"), {key: typed}, "en").valid
    shown = text(of_type(listed, html.Code)[0]).strip()
    assert shown.startswith(f"--set {key}=")
    override = shown.removeprefix("--set ")
    assert check(load("ophthalmology", [override]))


# ---------------------------------------------------------------- 9. the results page


def test_locate_refuses_odd_references(
    results_page: ModuleType, whatif_run: tuple[Path, list[tuple[int, int]]], plain_run: Path
) -> None:
    locate = results_page.locate
    folder = whatif_run[0]
    for ref in (None, "x", 3, [], {}, {"run": None}, {"run": 5}, {"run": "nonsense"}):
        assert locate(ref) is None, ref
    assert locate({"run": run_id(folder)}) == folder.resolve()
    assert locate({"run": run_id(folder), "variant": None}) == folder.resolve()
    assert locate({"run": run_id(folder), "variant": "base"}) == folder / "variants" / "base"
    # a variant of a run that is not a sweep
    assert locate({"run": run_id(plain_run), "variant": "base"}) is None


def test_results_page_of_a_run(
    results_page: ModuleType, whatif_run: tuple[Path, list[tuple[int, int]]], run_data: RunData
) -> None:
    folder = whatif_run[0]
    view = results_page.show({"run": run_id(folder), "variant": WHATIF_VARIANT}, "es")
    words = texts(view)
    assert "Oftalmología — protocolo de catarata — 2 réplicas, semilla 20261121" in words
    assert any("--sweep behaviour.no_show=0.1" in w for w in words)
    assert "Comparación pareada" in words
    graphs = of_type(view, dcc.Graph)
    # stay, wait, access, wait per step, queue, heatmap, gantt, replay, utilisation (no
    # plan: fifo)
    assert len(graphs) == 9
    assert [g.id for g in graphs if getattr(g, "id", None)] == [ids.HEATMAP, ids.GANTT, ids.REPLAY]
    assert all(g.figure.layout.separators == ",." for g in graphs)
    dropdowns = {d.id: d for d in of_type(view, dcc.Dropdown)}
    assert dropdowns[ids.HEATMAP_POLICY].value == "fifo:appointment"
    assert dropdowns[ids.GANTT_POLICY].value == "fifo"
    assert dropdowns[ids.GANTT_REP].options == [
        {"label": "1", "value": 0},
        {"label": "2", "value": 1},
    ]
    choice = figures.day_choices(run_data)
    assert choice.default is not None
    assert dropdowns[ids.GANTT_REP].value == choice.default[0]
    assert dropdowns[ids.GANTT_DAY].value == choice.default[1]
    assert dropdowns[ids.GANTT_DAY].options == [
        {"label": "1", "value": 0},
        {"label": "2", "value": 1},
    ]
    cards = [c for c in walk(view) if prop(c, "className") == "card"]
    metrics = [prop(c, "data-metric") for c in cards]
    # no card of days to appointment: every patient has a date within the day (the means
    # show as 0.0 days)
    assert metrics == ["los", "wait", "overtime", "utilisation", "service_level"]
    for card in cards:
        lines = [c for c in walk(card) if prop(c, "data-policy")]
        assert [prop(line, "data-policy") for line in lines] == POLICIES


def test_the_replay_shows_the_gantt_day_and_follows_its_pickers(
    results_page: ModuleType, whatif_run: tuple[Path, list[tuple[int, int]]], run_data: RunData
) -> None:
    """The replay opens on the Gantt's day (the baseline's busiest of replication 1), and
    a policy, replication or day picked for the Gantt is replayed too, in the page's
    language; its patients are the changed clinic's (a what-if shows its figures)."""
    ref = {"run": run_id(whatif_run[0]), "variant": WHATIF_VARIANT}
    view = results_page.show(ref, "es")
    shown = next(g for g in of_type(view, dcc.Graph) if getattr(g, "id", None) == ids.REPLAY)
    choice = figures.day_choices(run_data)
    assert choice.default is not None
    rep, day = choice.default
    assert (
        shown.figure.layout.title.text
        == f"Repetición del día: Orden de llegada, día {day + 1}, réplica {rep + 1}"
    )
    assert "Repetición de un día" in texts(view)
    other = 1 - day
    gantt, picked = results_page.day_figures("fifo:appointment", 1, other, ref, "en")
    assert gantt.layout.title.text == f"{APPOINTMENT_EN}: day {other + 1}, replication 2"
    assert (
        picked.layout.title.text
        == f"Replay of the day: {APPOINTMENT_EN}, day {other + 1}, replication 2"
    )
    patients = run_data.tables["patients"]
    came = patients[
        (patients["policy"] == "fifo:appointment")
        & (patients["rep"] == 1)
        & (patients["day"] == other)
        & patients["arrival"].notna()
    ]
    status = picked.frames[-1].data[2].text[0]
    assert f"{len(came) - int(came['departure'].isna().sum())} gone" in status
    assert picked.layout.separators == ".,"
    assert results_page.day_figures("nobody", 0, 0, ref, "es") == (no_update, no_update)


def test_results_page_of_a_what_if(
    results_page: ModuleType, whatif_run: tuple[Path, list[tuple[int, int]]]
) -> None:
    """The clinic as changed against as it is: the changes in words, cards against the
    clinic as it is, the table with each policy as it is and as changed, the details."""
    folder = whatif_run[0]
    view = results_page.show({"run": run_id(folder), "variant": None}, "es")
    words = texts(view)
    assert (
        words[0] == "Su clínica con los cambios frente a como es hoy (2 réplicas, semilla 20261121)"
    )
    changes = next(c for c in walk(view) if prop(c, "className") == "whatif-changes")
    assert texts(changes) == [
        "Técnico · lun: 4 → 5",
        "Tasa de inasistencia (0–1): 0,06 → 0,1",
    ]
    sweep = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    paired = sweep["paired_to_base"][WHATIF_VARIANT]
    stay = next(c for c in walk(view) if prop(c, "data-metric") == "los")
    for line in [c for c in walk(stay) if prop(c, "data-policy")]:
        change = next(c for c in walk(line) if "change" in (prop(c, "className") or ""))
        assert "frente a la clínica como es" in " ".join(texts(change))
        diff = paired[prop(line, "data-policy")]["los"]["diff"]
        assert texts(change)[0] == change_text("los", diff, "es")
    table = next(c for c in walk(view) if prop(c, "className") == "comparison")
    head = texts(of_type(table, html.Tr)[0])
    assert head == [
        tr("metric", "es"),
        "Orden de llegada · como es",
        "Orden de llegada · con los cambios",
        "Orden de llegada: citas a intervalos iguales · como es",
        "Orden de llegada: citas a intervalos iguales · con los cambios",
    ]
    # each column's tooltip explains its policy
    titles = [prop(cell, "title") for cell in of_type(of_type(table, html.Tr)[0], html.Th)[1:]]
    assert titles == [FifoPolicy.explanation["es"]] * 4
    assert "La clínica con los cambios, en detalle" in words
    links = [link.href for link in of_type(view, dcc.Link)]
    assert f"/results?run={run_id(folder)}&variant=base" in links
    assert len([c for c in walk(view) if prop(c, "id") == ids.HEADLINES]) == 1


def test_the_target_stay_recomputes_the_service_level(
    results_page: ModuleType, whatif_run: tuple[Path, list[tuple[int, int]]], run_data: RunData
) -> None:
    ref = {"run": run_id(whatif_run[0]), "variant": WHATIF_VARIANT}
    patients = run_data.tables["patients"]
    served = patients[(patients["policy"] == "fifo") & (patients["status"] == "served")]
    for typed, minutes in (("1,5", 90), ("3", 180)):
        cards, message = results_page.retarget(typed, ref, "es")
        assert message == ""
        level = next(c for c in cards if prop(c, "data-metric") == "service_level")
        assert texts(level)[0] == f"Pacientes con estancia de {tr_hours(minutes)} o menos"
        fifo = next(c for c in walk(level) if prop(c, "data-policy") == "fifo")
        share = (served["los"] <= minutes).groupby(served["rep"]).mean().mean()
        assert texts(fifo)[1] == f"{100 * share:.0f} %"
    for bad in ("0", "dos", "25"):
        cards, message = results_page.retarget(bad, ref, "es")
        assert message == "Escriba un número de horas entre 0 y 24"


def test_results_page_without_a_run(
    results_page: ModuleType, app_settings: Settings, tmp_path: Path
) -> None:
    assert texts(results_page.show(None, "en")) == [
        "No run chosen: run a scenario or open a stored run."
    ]
    assert texts(results_page.show({"run": "nonsense"}, "xx")) == [
        "No hay corrida seleccionada: simule un escenario o abra una corrida guardada."
    ]
    broken = tmp_path / "broken"
    broken.mkdir()
    app_settings.store().record_run(broken, {"command": ["clinicsim", "run", "x"]})
    view = results_page.show({"run": run_id(broken)}, "en")
    words = texts(view)
    assert words[0] == "Cannot open the run broken:"
    assert "missing summary.json" in words[1]


def test_sweep_view(results_page: ModuleType, app_settings: Settings, sweep_dir: Path) -> None:
    sweep_id = run_id(sweep_dir)
    assert find_run(app_settings, sweep_id) == sweep_dir
    sweep = results_page.open_run(sweep_dir)
    assert isinstance(sweep, dict)
    names = [*SWEEP_VARIANTS, GRID_VARIANT]
    assert list(sweep["variants"]) == names
    view = results_page._sweep_view(sweep, {"run": sweep_id, "variant": None}, "en")
    assert texts(view)[0] == "Sweep: 4 variants"
    rows = of_type(view, html.Tr)
    assert len(rows) == 1 + len(names) * len(POLICIES)
    shown = {"fifo": "First come, first served"}
    shown["fifo:appointment"] = "First come, first served: equally spaced appointments"
    assert [tuple(texts(r)[:2]) for r in rows[1:]] == [
        (name, shown[spec]) for name in names for spec in POLICIES
    ]
    links = of_type(view, dcc.Link)
    assert len(links) == len(rows) - 1
    for link in links:
        assert link.href.startswith(f"/results?run={sweep_id}&variant=")
        assert text(link) == "Open the variant"
    frontier, *graphs = of_type(view, dcc.Graph)
    assert len(graphs) == len(sweep_metrics("dashboard"))
    for graph in graphs:  # a line per policy, by its display name
        assert [trace.name for trace in graph.figure.data] == [shown[p] for p in POLICIES]
        assert list(graph.figure.data[0].x) == names
    # stay against overtime, a point per variant on each policy's line
    assert [trace.name for trace in frontier.figure.data] == [shown[p] for p in POLICIES]
    for trace, spec in zip(frontier.figure.data, POLICIES, strict=True):
        assert list(trace.text) == names
        stays = [sweep["variants"][v]["summary"]["policies"][spec]["los"]["mean"] for v in names]
        overtimes = [
            sweep["variants"][v]["summary"]["policies"][spec]["overtime"]["mean"] for v in names
        ]
        assert list(trace.y) == pytest.approx(stays)
        assert list(trace.x) == pytest.approx(overtimes)


def _variant_of(href: str) -> dict[str, list[str]]:
    """The query of a link as Dash pages read it (``urllib.parse.parse_qs``)."""
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


def test_sweep_links_open_their_variants(results_page: ModuleType, sweep_dir: Path) -> None:
    sweep_id = run_id(sweep_dir)
    sweep = results_page.open_run(sweep_dir)
    view = results_page._sweep_view(sweep, {"run": sweep_id, "variant": None}, "es")
    hrefs = {link.href for link in of_type(view, dcc.Link)}
    assert all(href.startswith(f"/results?run={sweep_id}&variant=") for href in hrefs)
    queries = [_variant_of(href) for href in hrefs]
    for name in SWEEP_VARIANTS:
        assert {"run": [sweep_id], "variant": [name]} in queries
        folder = results_page.locate({"run": sweep_id, "variant": name})
        assert folder == sweep_dir / "variants" / name
        assert load_run(folder).summary["reps"] == REPS
    assert results_page.locate({"run": sweep_id}) == sweep_dir
    assert results_page.locate({"run": sweep_id, "variant": "no such variant"}) is None
    forty = load_run(sweep_dir / "variants" / "demand.requests_per_day=40")
    assert forty.scenario.demand.requests_per_day == 40
    view = results_page.show({"run": sweep_id, "variant": "demand.requests_per_day=40"}, "en")
    assert "Mean stay in the clinic" in texts(view)


def test_sweep_link_of_a_variant_named_with_a_plus_opens_it(
    results_page: ModuleType, sweep_dir: Path
) -> None:
    """The link puts the name in the query unencoded; a ``+`` is read back as a space, so
    the page finds no such variant."""
    sweep_id = run_id(sweep_dir)
    sweep = results_page.open_run(sweep_dir)
    view = results_page._sweep_view(sweep, {"run": sweep_id, "variant": None}, "en")
    links = of_type(view, dcc.Link)
    grid_links = {link.href for link in links[-len(POLICIES) :]}
    assert len(grid_links) == 1
    [href] = grid_links
    query = _variant_of(href)
    assert query["variant"] == [GRID_VARIANT]
    assert results_page.locate({"run": sweep_id, "variant": query["variant"][0]}) == (
        sweep_dir / "variants" / GRID_VARIANT
    )


# ---------------------------------------------------------------- the checker's messages in Spanish


def _problems_of(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        read_upload("clinic.yaml", text.encode())
    return caught.value.problems


BASE_YAML = bundled_path("ophthalmology").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        (BASE_YAML.replace("days: 20", "days: 0"), "debe ser ≥ 1; se recibió 0"),
        (BASE_YAML.replace("seed: 20261121", "seed: 1\ncolour: red"), "clave desconocida"),
        (
            BASE_YAML.replace("share: 0.6", "share: 0.7"),
            "las proporciones deben sumar 1; suman 1.1",
        ),
        (
            BASE_YAML.replace("{dist: lognormal, mean: 3, sd: 1}", "{dist: weird}", 1),
            "distribución desconocida 'weird'; se esperaba una de",
        ),
        (BASE_YAML.replace("count: 4", "count: many"), "se esperaba un número entero"),
        (BASE_YAML.replace('close: "15:30"', 'close: "07:00"'), "posterior a la apertura (07:30)"),
        ("name: [unclosed\n", "YAML no válido"),
        ("- a list\n", "se esperaba un mapa de claves; se recibió list"),
    ],
)
def test_the_checkers_messages_read_in_spanish(text: str, spanish: str) -> None:
    problems = _problems_of(text)
    spanish_lines = [localise_problem(p, "clinic.yaml", "es") for p in problems]
    english_lines = [localise_problem(p, "clinic.yaml", "en") for p in problems]
    assert any(spanish in line for line in spanish_lines), spanish_lines
    assert english_lines == [p.render("clinic.yaml") for p in problems]  # English as it is
    assert all(line.startswith("clinic.yaml") for line in spanish_lines)


def test_a_message_of_no_known_shape_is_shown_as_it_is() -> None:
    assert localise_message("something new went wrong", "es") == "something new went wrong"


# ---------------------------------------------------------------- clinicsim dashboard's own flags


def test_dashboard_flags_refuse_bad_input_with_exit_2(tmp_path: Path) -> None:
    import socket

    from tests.support.cli import clinicsim

    bad_port = clinicsim("dashboard", "--port", "99999")
    assert bad_port.status == 2 and "expected a port from 1 to 65535" in bad_port.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    bad_runs = clinicsim("dashboard", "--runs", str(blocker / "runs"), "--store", str(tmp_path))
    assert (
        bad_runs.status == 2 and "--runs" in bad_runs.stderr and "cannot create" in bad_runs.stderr
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = clinicsim("dashboard", "--port", port, "--store", str(tmp_path))
    assert busy.status == 2 and f"127.0.0.1:{port}" in busy.stderr
    assert "Traceback" not in bad_port.stderr + bad_runs.stderr + busy.stderr
