"""Reading the HTML report: its sections, their plots, tables as text."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

# first, in the report of a run that compares mip with today's practice
DECOMPOSITION = {"en": "Where the gain comes from", "es": "De dónde viene la ganancia"}
HEADINGS = {
    "en": [
        "Policy comparison",
        "Distribution of the stay",
        "Distribution of the total wait",
        "Mean wait before each step",
        "Days to appointment by priority",
        "Patients waiting through the day",
        "One simulated day per policy",
        "Replay of a day",
        "Plan against outcome",
        "Utilisation by resource",
    ],
    "es": [
        "Comparación de políticas",
        "Distribución de la estancia",
        "Distribución de la espera total",
        "Espera media antes de cada paso",
        "Días hasta la cita por prioridad",
        "Pacientes en espera a lo largo del día",
        "Un día simulado por política",
        "Repetición de un día",
        "Plan frente a resultado",
        "Utilización por recurso",
    ],
}


def sections(page: str) -> list[tuple[str, str]]:
    """``(h2 text, body)`` of every ``<section>`` with a heading, in page order."""
    return re.findall(r"<section><h2>(.*?)</h2>(.*?)</section>", page, flags=re.S)


def section(page: str, title: str) -> str:
    bodies = [body for heading, body in sections(page) if heading == title]
    assert len(bodies) == 1, (title, [heading for heading, _ in sections(page)])
    return bodies[0]


def plots(fragment: str) -> list[list[dict[str, Any]]]:
    """The traces of every ``Plotly.newPlot(id, data, layout, config)`` call in ``fragment``."""
    return [traces for traces, _layout in figures(fragment)]


def figures(fragment: str) -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """The traces and the layout of every ``Plotly.newPlot`` call in ``fragment``."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"Plotly\.newPlot\(", fragment):
        args, pos = [], match.end()
        for _ in range(3):  # the div id, the traces, the layout
            while fragment[pos] in " \t\r\n,":
                pos += 1
            value, pos = decoder.raw_decode(fragment, pos)
            args.append(value)
        found.append((args[1], args[2]))
    return found


def as_str(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype(str)
    return frame
