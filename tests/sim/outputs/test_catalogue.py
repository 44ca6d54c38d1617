"""The metric catalogue (``sim.outputs.catalogue``): the one list every table, figure,
sweep and label reads.

- every metric the engines compute (the outpatient clinic's ``replication_values``,
  the booking process's ``booking_values``, the unit's ``unit_values``) has an entry,
  and every entry is computed;
- the comparison tables show the catalogue's rows in the catalogue's order, and the
  rows, labels and sweeps they showed before the catalogue still in that order (a
  metric added may come between them);
- every label exists in Spanish and English, and no metric is named anywhere else;
- a throwaway metric added to the catalogue alone shows in the comparison rows, the
  unit's rows and the sweeps, with its label and its format.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from sim import metrics
from sim import scenario as scenario_module
from sim.clinic import resource_keys
from sim.experiments.tasks import play
from sim.experiments.unit_runner import UnitRun, run_unit
from sim.labels import display_names
from sim.outputs import catalogue
from sim.outputs.catalogue import (
    CATALOGUE,
    EVERY_SURFACE,
    OUTPATIENT,
    P90_HELP,
    PRIORITY_HELP,
    PRIORITY_LABEL,
    RESOURCE_HELP,
    UNIT,
    Metric,
    entries,
    figure_metrics,
    find,
    sweep_metrics,
    table_rows,
)
from sim.outputs.formatting import comparison_rows
from sim.outputs.i18n import LANGUAGES, TEXTS
from sim.outputs.unit_tables import comparison_rows as unit_comparison_rows
from sim.scenario import Scenario
from sim.unit.engine import UNIT_METRICS, unit_values
from sim.unit.scenario import load_unit

BOOKING_SCENARIO = "health_centre_realtime"  # the clinic with a booking process

# The comparison table's rows before the catalogue, which it keeps in this order.
OUTPATIENT_ROWS = [
    "los", "wait", "wait_first", "access_days",
    "access_days.p3", "access_days.p2", "access_days.p1", "access_days_vulnerable", "fs",
    "utilisation", "utilisation.admissions", "utilisation.doctor", "overtime",
    "served", "unserved", "no_show", "cancelled", "unbooked",
    "booking_delay_h", "offers", "offer_acceptance", "refill_rate", "slots_wasted",
    "moves_per_patient", "double_bookings",
]  # fmt: skip
UNIT_ROWS = [
    "objective", "admitted", "pending", "no_show",
    "wait_blocks", "wait_blocks.p1", "wait_blocks.p2", "wait_blocks.p3",
    "bed_occupancy", "chair_occupancy", "bed_overflow", "study_use", "late_studies", "lateness",
]  # fmt: skip


@pytest.fixture(scope="module")
def booking_scenario() -> Scenario:
    return scenario_module.load(BOOKING_SCENARIO)


@pytest.fixture(scope="module")
def outpatient_values(booking_scenario: Scenario) -> dict[str, float]:
    """One replication's values, the clinic's and its booking process's."""
    return play(booking_scenario, "fifo", 0).values


@pytest.fixture(scope="module")
def unit_run() -> UnitRun:
    return run_unit(load_unit("day_hospital", ["policies.grasp.iterations=5"]), ["fifo"], 1)


def _in_order(part: list[Any], whole: list[Any]) -> bool:
    """Whether ``part`` is in ``whole`` in the same order (other items may come between)."""
    rest = iter(whole)
    return all(item in rest for item in part)


def _summary(keys: list[str], policies: tuple[str, ...] = ("a", "b")) -> dict[str, Any]:
    """A summary with every key, the same numbers for each (0.25: a share reads 25%)."""
    entry = {"mean": 0.25, "ci95": [0.15, 0.35], "p50": 0.25, "p90": 0.5}
    pair = {"diff": 0.0, "ci95": [-0.1, 0.1], "p_value": 1.0}
    return {
        "scenario": "hand",
        "reps": 2,
        "seed": 1,
        "baseline": policies[0],
        "policies": {p: dict.fromkeys(keys, entry) for p in policies},
        "paired": {p: dict.fromkeys(keys, pair) for p in policies[1:]},
    }


# ---------------------------------------------------------------- what the engines compute


def test_every_outpatient_metric_computed_has_an_entry(
    booking_scenario: Scenario, outpatient_values: dict[str, float]
) -> None:
    stored = metrics.scenario_metric_names(booking_scenario)
    assert set(outpatient_values) == set(stored)
    for key in stored:
        assert find(key, OUTPATIENT).name == key.partition(".")[0]


def test_every_outpatient_entry_is_computed(outpatient_values: dict[str, float]) -> None:
    computed = {key.partition(".")[0] for key in outpatient_values}
    assert [m.name for m in entries(OUTPATIENT) if m.name not in computed] == []


def test_every_unit_metric_computed_has_an_entry(unit_run: UnitRun) -> None:
    values = unit_values(unit_run.instance, unit_run.plans["fifo"], unit_run.records("fifo"))
    assert set(values) == set(UNIT_METRICS)
    for key in values:
        assert find(key, UNIT).model == "unit"
    computed = {key.partition(".")[0] for key in values}
    assert [m.name for m in entries(UNIT) if m.name not in computed] == []


def test_derived_keys_resolve_to_their_base_entry() -> None:
    assert find("utilisation.doctor") is find("utilisation")
    assert find("overtime.technician").name == "overtime"
    assert find("access_days.p3").name == "access_days"
    assert find("wait_blocks.p2", UNIT).name == "wait_blocks"
    assert find("no_show", UNIT).model == "unit" and find("no_show").model == "clinic"
    for unknown in ("los.p3", "access_days.p4", "access_days.doctor", "nothing", "wait_blocks"):
        with pytest.raises(KeyError):
            find(unknown)


# ---------------------------------------------------------------- order of the tables


def test_outpatient_table_shows_the_catalogues_rows_in_its_order(
    booking_scenario: Scenario,
) -> None:
    rows = table_rows(OUTPATIENT, resource_keys(booking_scenario))
    assert _in_order(OUTPATIENT_ROWS, [r.key for r in rows])
    keys = metrics.scenario_metric_names(booking_scenario)
    for lang in LANGUAGES:
        shown = comparison_rows(_summary(keys), booking_scenario, lang)
        resources = display_names(booking_scenario, "resource", lang)  # rows by their labels
        expected = []
        for row in rows:
            expected.append((resources[row.resource] if row.resource else row.label(lang), row.sub))
            if row.metric.p90 and row.base:
                expected.append(("p90", True))
        assert [(r.label, r.sub) for r in shown] == expected


def test_outpatient_labels_read_as_before(booking_scenario: Scenario) -> None:
    keys = metrics.scenario_metric_names(booking_scenario)
    shown = comparison_rows(_summary(keys), booking_scenario, "es")
    labels = [r.label for r in shown]
    assert _in_order(
        [
            "Estancia (min)",
            "p90",
            "Espera total (min)",
            "p90",
            "Espera hasta la 1.ª atención (min)",
            "Días hasta la cita",
            "prioridad 3",
            "prioridad 2",
            "prioridad 1",
            "quintil más vulnerable",
            "FS (Σ necesidad × experiencia / días)",
            "Utilización",
            "Admisión y triaje",
            "Médico",
            "Horas extra (min/día)",
            "Atendidos",
            "Sin atender",
            "No asistieron",
            "Cancelados",
            "Sin cita",
            "Demora en confirmar la cita (h)",
            "Ofertas de cupos liberados",
            "Ofertas aceptadas",
            "Cupos cancelados vueltos a ocupar",
            "Cupos perdidos",
            "Cambios de cita por paciente",
            "Citas dobles",
        ],
        labels,
    )
    by_label = {r.label: r for r in shown}
    assert by_label["quintil más vulnerable"].sub and not by_label["Utilización"].sub
    assert by_label["Utilización"].cells[0] == ("25% ±10%", None)
    assert by_label["Ofertas aceptadas"].cells[1] == ("25% ±10%", "0% ±10%")
    assert by_label["Estancia (min)"].cells[1] == ("0,2 ±0,1", "0,0 ±0,1")


def test_a_run_without_booking_shows_no_booking_rows() -> None:
    scenario = scenario_module.load("ophthalmology")
    keys = metrics.scenario_metric_names(scenario)
    labels = [r.label for r in comparison_rows(_summary(keys), scenario, "en")]
    assert "priority 3" not in labels and "Slots wasted" not in labels
    assert labels[-1] == "Not booked"


def test_unit_table_shows_the_catalogues_rows_in_its_order(unit_run: UnitRun) -> None:
    rows = table_rows(UNIT, ())
    assert _in_order(UNIT_ROWS, [r.key for r in rows])
    for lang in LANGUAGES:
        shown = unit_comparison_rows(unit_run, lang)
        assert [(r.label, r.sub) for r in shown] == [(r.label(lang), r.sub) for r in rows]
    shown = {r.label: r for r in unit_comparison_rows(unit_run, "en")}
    assert shown["priority 1"].sub and shown["Bed occupancy"].cells[0][0].split()[0][-1] == "%"


def test_sweeps_and_the_booking_figure_show_what_they_showed() -> None:
    before = {
        "terminal": ["los", "wait", "access_days", "utilisation", "overtime", "unbooked"],
        "report": ["los", "wait", "wait_first", "access_days", "utilisation", "overtime"],
        "dashboard": ["los", "wait", "access_days", "utilisation", "overtime"],
    }
    for surface, names in before.items():
        assert _in_order(names, [m.name for m in sweep_metrics(surface)]), surface
    panels = [m.name for m in figure_metrics("booking")]
    assert panels == ["booking_delay_h", "slots_wasted", "refill_rate", "moves_per_patient"]


# ---------------------------------------------------------------- labels


def test_every_label_in_both_languages() -> None:
    assert set(PRIORITY_LABEL) == set(LANGUAGES)
    assert all("{priority}" in phrase for phrase in PRIORITY_LABEL.values())
    for metric in CATALOGUE:
        assert set(metric.label) == set(LANGUAGES), metric.name
        for phrase in metric.label.values():
            assert phrase and phrase == phrase.strip(), metric.name
    for models in (OUTPATIENT, UNIT):
        for lang in LANGUAGES:
            labels = [m.label[lang] for m in entries(models)]
            assert len(labels) == len(set(labels)), (models, lang)


def test_every_metric_has_a_help_in_both_languages() -> None:
    """A one-line help a tooltip can show: a sentence, not the label again."""
    for metric in CATALOGUE:
        assert set(metric.help) == set(LANGUAGES), metric.name
        for lang, phrase in metric.help.items():
            assert phrase == phrase.strip() and phrase.endswith("."), (metric.name, lang)
            assert "\n" not in phrase and len(phrase) <= 300, (metric.name, lang)
            assert phrase != metric.label[lang], (metric.name, lang)
        assert metric.help["es"] != metric.help["en"], metric.name
    for phrases in (PRIORITY_HELP, RESOURCE_HELP, P90_HELP):
        assert set(phrases) == set(LANGUAGES)


def test_jargon_is_explained_in_the_help() -> None:
    """The words the manager asked about: the thesis's FS, objective (26), p90."""
    assert "Σ" in find("fs").help["es"] and "mayor es mejor" in find("fs").help["es"]
    assert "higher is better" in find("fs").help["en"]
    objective = find("objective", UNIT).help
    assert "prioridad w" in objective["es"] and "bloque" in objective["es"]
    assert "priority w" in objective["en"]
    assert "9 de cada 10" in P90_HELP["es"] and "9 in 10" in P90_HELP["en"]
    assert "llega" in find("los").help["es"] and "arrival" in find("los").help["en"]


def test_every_row_of_the_tables_has_a_help(booking_scenario: Scenario, unit_run: UnitRun) -> None:
    """Each row a comparison table shows (a metric, its resource and priority rows, its
    p90) has a help in the page's language; a narrowed row says what it narrows to."""
    keys = metrics.scenario_metric_names(booking_scenario)
    for lang in LANGUAGES:
        shown = comparison_rows(_summary(keys), booking_scenario, lang)
        shown += unit_comparison_rows(unit_run, lang)
        assert all(row.help for row in shown), [r.label for r in shown if not r.help]
        p90 = [row for row in shown if row.label == "p90"]
        assert p90 and all(row.help == P90_HELP[lang] for row in p90)
    rows = {r.key: r for r in table_rows(OUTPATIENT, resource_keys(booking_scenario))}
    doctor = rows["utilisation.doctor"].help("es")
    assert doctor.startswith(find("utilisation").help["es"]) and "doctor" in doctor
    assert "prioridad 3" in rows["access_days.p3"].help("es")


def test_metrics_are_named_by_the_catalogue_alone() -> None:
    assert sorted({m.name for m in CATALOGUE} & set(TEXTS)) == []


def test_every_entry_is_consistent() -> None:
    for metric in CATALOGUE:
        assert metric.unit and metric.aggregate, metric.name
        assert not metric.resource_rows or metric.per_resource, metric.name
        assert metric.percent == (metric.unit == "share"), metric.name
        assert not (metric.per_resource and metric.priorities), metric.name
    for models in (OUTPATIENT, UNIT):
        names = [m.name for m in entries(models)]
        assert len(names) == len(set(names))


# ---------------------------------------------------------------- a metric added here alone

WAIT_LAST = Metric(
    name="wait_last",
    model="clinic",
    unit="minutes",
    aggregate="mean over the patients served",
    label={"es": "Espera hasta la salida (min)", "en": "Wait to leave (min)"},
    help={"es": "Desde la última atención hasta la salida.", "en": "From last service to leaving."},
    p90=True,
    sweep=EVERY_SURFACE,
)


def _with(monkeypatch: pytest.MonkeyPatch, metric: Metric, after: str) -> None:
    """The catalogue with ``metric`` right after the entry ``after`` of its model."""
    at = next(i for i, m in enumerate(CATALOGUE) if m.name == after and m.model == metric.model)
    monkeypatch.setattr(
        catalogue, "CATALOGUE", (*CATALOGUE[: at + 1], metric, *CATALOGUE[at + 1 :])
    )


def test_a_new_metric_shows_in_the_comparison_rows(
    monkeypatch: pytest.MonkeyPatch, booking_scenario: Scenario
) -> None:
    _with(monkeypatch, WAIT_LAST, after="wait_first")
    keys = [*metrics.scenario_metric_names(booking_scenario), "wait_last"]
    summary = _summary(keys)
    summary["policies"]["b"]["wait_last"] = {"mean": 12.0, "ci95": [10.0, 14.0], "p90": 30.0}
    cells = {
        "es": ("Espera hasta la salida (min)", ("12 ±2,0", "0,0 ±0,1"), ["0,5", "30"]),
        "en": ("Wait to leave (min)", ("12 ±2.0", "0.0 ±0.1"), ["0.5", "30"]),
    }
    for lang, (label, value, p90) in cells.items():
        shown = comparison_rows(summary, booking_scenario, lang)
        labels = [r.label for r in shown]
        at = labels.index(label)
        assert labels[at - 1] == find("wait_first").label[lang] and labels[at + 1] == "p90"
        assert shown[at].cells[1] == value
        assert shown[at].help == WAIT_LAST.help[lang]
        assert [c[0] for c in shown[at + 1].cells] == p90
    assert "wait_last" in [m.name for m in sweep_metrics("terminal")]


def test_a_new_unit_metric_shows_in_the_unit_rows(
    monkeypatch: pytest.MonkeyPatch, unit_run: UnitRun
) -> None:
    share = dataclasses.replace(
        WAIT_LAST,
        name="chairs_free",
        model="unit",
        unit="share",
        label={"es": "Sillones libres", "en": "Chairs free"},
        percent=True,
        p90=False,
        sweep=frozenset(),
    )
    _with(monkeypatch, share, after="lateness")
    run = dataclasses.replace(unit_run, summary=_summary([*UNIT_METRICS, "chairs_free"], ("fifo",)))
    shown = unit_comparison_rows(run, "en")
    assert shown[-1].label == "Chairs free" and shown[-1].cells == [("25% ±10%", None)]
