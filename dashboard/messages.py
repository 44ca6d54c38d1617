"""The scenario checker's messages in Spanish, for the dashboard.

``sim.problems`` and the scenario checks write their messages in English (the
command line's language for errors). The dashboard shows them in the page's
language: each known message shape is matched and rewritten in Spanish with
the same values; a message of no known shape is shown as it is.
"""

from __future__ import annotations

import re

from sim.problems import Problem

SPANISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (
            r"^must be ≤ the (\d+) members listed, got (.+)$",
            r"debe ser ≤ los \1 miembros listados; se recibió \2",
        ),
        (r"^must be ([≥>≤<]) (.+), got (.+)$", r"debe ser \1 \2; se recibió \3"),
        (r"^expected a whole number, got (.+)$", r"se esperaba un número entero; se recibió \1"),
        (r"^expected a number, got (.+)$", r"se esperaba un número; se recibió \1"),
        (r"^expected true or false, got (.+)$", r"se esperaba true o false; se recibió \1"),
        (r"^expected a text, got (.+)$", r"se esperaba un texto; se recibió \1"),
        (r"^expected a list, got (.+)$", r"se esperaba una lista; se recibió \1"),
        (r"^expected a mapping, got (.+)$", r"se esperaba un mapa de claves; se recibió \1"),
        (r"^must be a finite number, got (.+)$", r"debe ser un número finito; se recibió \1"),
        (r"^required key is missing$", "falta esta clave obligatoria"),
        (
            r"^unknown key \(check the spelling against the scenario format in the README\)$",
            "clave desconocida (revise la ortografía con el formato de escenario del README)",
        ),
        (
            r"^unknown distribution (.+); expected one of (.+)$",
            r"distribución desconocida \1; se esperaba una de \2",
        ),
        (
            r"^line (\d+), column (\d+): invalid YAML: (.+)$",
            r"línea \1, columna \2: YAML no válido: \3",
        ),
        (r"^invalid YAML: (.+)$", r"YAML no válido: \1"),
        (
            r"^expected a mapping of keys, got (.+)$",
            r"se esperaba un mapa de claves; se recibió \1",
        ),
        (r"^shares must sum to 1, got (.+)$", r"las proporciones deben sumar 1; suman \1"),
        (
            r"^must be after open \((.+)\), got (.+)$",
            r"debe ser posterior a la apertura (\1); se recibió \2",
        ),
        (r"^must be after (.+), got (.+)$", r"debe ser posterior a \1; se recibió \2"),
        (r"^must be after (.+)$", r"debe ser posterior a \1"),
        (r"^a weekday is listed twice$", "un día de la semana aparece dos veces"),
        (r"^member names must be unique$", "los nombres de los miembros deben ser únicos"),
        (
            r"^step ids must be unique within a protocol$",
            "los id de paso deben ser únicos en un protocolo",
        ),
        (r"^durations cannot be negative$", "las duraciones no pueden ser negativas"),
        (r"^not a UTF-8 text file$", "no es un archivo de texto UTF-8"),
        (
            r"^the file is (\d+) kB; a scenario may be at most (\d+) kB$",
            r"el archivo tiene \1 kB; un escenario puede tener como máximo \2 kB",
        ),
        (r"^no resource (.+); defined: (.+)$", r"no existe el recurso \1; definidos: \2"),
        (r"^no protocol (.+); defined: (.+)$", r"no existe el protocolo \1; definidos: \2"),
        (r"^unknown policy; available: (.+)$", r"política desconocida; disponibles: \1"),
        (r"^no such entry in (.+); one of: (.+)$", r"no existe en \1; una de: \2"),
        # the most general shape last
        (r"^expected (.+), got (.+)$", r"se esperaba \1; se recibió \2"),
    )
)


def localise_message(message: str, lang: str) -> str:
    """A checker's message in ``lang`` (Spanish rewritten, English as it is)."""
    if lang != "es":
        return message
    for pattern, template in SPANISH:
        if pattern.match(message):
            return pattern.sub(template, message)
    return message


def localise_problem(problem: Problem, source: str, lang: str) -> str:
    """``file: path: message`` with the message in ``lang``."""
    where = (
        f"{problem.source or source}: {problem.path}"
        if problem.path
        else (problem.source or source)
    )
    return f"{where}: {localise_message(problem.message, lang)}"
