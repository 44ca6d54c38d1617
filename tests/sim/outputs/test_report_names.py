"""The HTML report names things by their words: policies by their display names (their
explanation as the tooltip), steps and resources by the scenario's labels.

A small run of the ophthalmology clinic (two days, one replication, today's practice
and equally spaced appointments) rendered in Spanish: its text, outside the command
line (``<code>``, to be copied, ids and all) and the scripts, and the names and
categories of its figures' traces hold no id that has a label or a title
(``tests.support.labels``).
"""

from __future__ import annotations

import html
import json
import re

import pytest

from policies.base import spec_explanation
from policies.fifo import FifoPolicy
from sim.experiments.runner import run_experiment
from sim.models.names import run_names
from sim.outputs.report import render
from sim.outputs.rundir import RunData, run_data, run_info
from sim.scenario import load
from tests.support.labels import hidden_ids, ids_in
from tests.support.report_html import figures

POLICIES = ["fifo", "fifo:appointment"]


COMMAND = ["clinicsim", "run", "ophthalmology", "-p", "fifo", "-p", "fifo:appointment"]


@pytest.fixture(scope="module")
def data() -> RunData:
    scenario = load("ophthalmology", ["horizon.days=2"])
    result = run_experiment(scenario, POLICIES, reps=1, workers=1)
    return run_data(result, run_info(result, COMMAND))


@pytest.fixture(scope="module")
def spanish(data: RunData) -> str:
    return render(data, "es", run_names(data.scenario, data.policies, "es"))


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: no scripts, styles or code, no tags."""
    for tag in ("script", "style", "code"):
        page = re.sub(rf"<{tag}\b.*?</{tag}>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def figure_words(page: str) -> str:
    """The words the figures show: trace names, the categories on their axes, and their
    layouts' titles and annotations (subplot titles, labelled lines)."""
    words = []
    for traces, layout in figures(page):
        for trace in traces:
            words.append(str(trace.get("name", "")))
            for axis in ("x", "y"):
                values = trace.get(axis)
                if isinstance(values, list):
                    words += [v for v in values if isinstance(v, str)]
        words += [str(note.get("text", "")) for note in layout.get("annotations", [])]
        words.append(json.dumps(layout.get("title", "")))
    return "\n".join(words)


def test_the_spanish_report_shows_no_id_that_has_words(data: RunData, spanish: str) -> None:
    hidden = hidden_ids(data.scenario)
    assert {"technician", "lens_calculation", "cataract_new", "fifo"} <= hidden
    assert ids_in(visible_text(spanish), hidden) == {}
    assert ids_in(figure_words(spanish), hidden) == {}


def test_the_report_shows_labels_and_display_names(spanish: str) -> None:
    text = visible_text(spanish)
    assert "Orden de llegada: citas a intervalos iguales" in text
    words = figure_words(spanish)
    for label in ("Técnico", "Admisión", "Biometría", "Refracción", "Orden de llegada"):
        assert label in words, label
    # a policy's explanation is the tooltip of its name
    explanation = html.escape(spec_explanation("fifo", {"fifo": FifoPolicy}, "es"), quote=True)
    assert f"title='{explanation}'>Orden de llegada</span>" in spanish
    # the command line, ids and all, is code to be copied
    assert f"<code>{' '.join(COMMAND)}</code>" in spanish


def test_the_report_without_names_still_names_steps_and_resources(data: RunData) -> None:
    """A report rendered without the policies' names (an older caller) shows their specs,
    and still the scenario's labels."""
    page = render(data, "en")
    words = figure_words(page)
    assert "Technician" in words and "Biometry" in words and "technician" not in words
    assert "fifo:appointment" in visible_text(page)
