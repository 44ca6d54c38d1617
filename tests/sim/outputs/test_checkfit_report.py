"""The page of ``clinicsim check-fit`` (``sim.outputs.checkfit_report``): the verdict
table as the check says it, the figures' traces from the check's samples (histogram
shares, 99 percentiles), in Spanish and English.

One check of five days of the bundled ophthalmology clinic against a scenario with one
technician fewer, three replications: some figures agree and some differ, which is all
these tests need (the verdicts are tested in ``tests/sim/eventlog/test_check.py``).
"""

from __future__ import annotations

import html

import numpy as np
import pytest

from sim.eventlog.check import CheckResult, check_fit
from sim.outputs.checkfit_report import (
    PERCENTILES,
    distribution_figure,
    distribution_figures,
    figure_label,
    format_value,
    render_check,
    verdict_line,
    verdict_rows,
)
from sim.outputs.names import Names
from sim.scenario import Scenario, load
from tests.support.eventlogs import simulated_log


@pytest.fixture(scope="module")
def wrong() -> Scenario:
    return load("ophthalmology", ["horizon.days=5", "resources.technician.count=2"])


@pytest.fixture(scope="module")
def result(wrong: Scenario) -> CheckResult:
    _, log = simulated_log("ophthalmology", 5)
    return check_fit(log, wrong, reps=3)


def test_labels_name_steps_and_resources_by_their_labels(wrong: Scenario) -> None:
    names = Names.of(wrong, "es")
    assert figure_label("wait.consult", "es", names) == "Espera antes de Consulta (min)"
    assert figure_label("utilisation.technician", "en", Names.of(wrong, "en")) == (
        "Utilisation of Technician"
    )
    assert figure_label("wait.consult", "en") == "Wait before consult (min)"  # no names: ids
    assert format_value("utilisation.technician", 0.6543, "es") == "65,4 %"
    assert format_value("stay", 231.86, "en") == "231.9"
    assert format_value("stay", float("nan"), "en") == "–"


def test_the_table_says_what_the_check_found(result: CheckResult, wrong: Scenario) -> None:
    assert not result.agrees and result.differing  # the check these tests need
    rows = verdict_rows(result, "en", Names.of(wrong, "en"))
    assert len(rows) == len(result.figures)
    for cells, row in zip(rows, result.figures.itertuples(), strict=True):
        assert cells[1] == format_value(row.figure, row.observed, "en")
        assert cells[4] == ("agrees" if row.agrees else "differs")
    line = verdict_line(result, "en", Names.of(wrong, "en"))
    assert f"on {len(result.differing)} of {len(result.figures)} figures" in line
    page = render_check(result, "en", Names.of(wrong, "en"))
    assert html.escape(line) in page
    assert page.count("<td class='worse'>differs</td>") == len(result.differing)


def test_the_page_speaks_spanish(result: CheckResult, wrong: Scenario) -> None:
    page = render_check(result, "es", Names.of(wrong, "es"))
    assert '<html lang="es">' in page
    assert "difiere" in page and "Estancia por visita" in page and "Espera por paso" in page
    assert "Percentil del registro" in page


def test_a_distribution_figure_is_two_histograms_and_a_q_q_plot(result: CheckResult) -> None:
    observed, simulated = result.observed["stay"], result.simulated["stay"]
    fig = distribution_figure(observed, simulated, "minutes", "en")
    logged, simulation, diagonal, points = fig.data
    assert logged.name == "log" and simulation.name == "simulation"
    assert sum(logged.y) == pytest.approx(100) and sum(simulation.y) == pytest.approx(100)
    assert len(points.x) == len(PERCENTILES) == 99
    np.testing.assert_allclose(points.x, np.percentile(observed, PERCENTILES))
    np.testing.assert_allclose(points.y, np.percentile(simulated, PERCENTILES))
    assert diagonal.x[0] == diagonal.y[0] and diagonal.x[1] == diagonal.y[1]
    assert len(simulated) > 2 * len(observed)  # every replication's stays, pooled


def test_the_figures_are_grouped_as_the_page_shows_them(
    result: CheckResult, wrong: Scenario
) -> None:
    names = Names.of(wrong, "en")
    groups = distribution_figures(result, "en", names)
    titles = [title for title, _ in groups]
    assert titles == ["Stay per visit", "Wait per step", "Utilisation per resource and day"]
    drawn = {label for _, plots in groups for label, _ in plots}
    expected = {
        figure_label(name, "en", names)
        for name in result.figures["figure"]
        if name.partition(".")[0] in ("stay", "wait", "utilisation")
        and len(result.observed[name])
        and len(result.simulated[name])
    }
    assert drawn == expected and "Mean stay (min)" in drawn
    stay = dict(groups[0][1])["Mean stay (min)"]
    np.testing.assert_allclose(stay.data[3].x, np.percentile(result.observed["stay"], PERCENTILES))
