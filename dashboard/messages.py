"""The scenario checker's, the event log reader's and the fit's messages in the page's
language, for the dashboard.

``sim.problems``, the scenario checks, ``sim.eventlog.read`` and ``sim.eventlog.fit``
write their messages in English (the command line's language). The dashboard shows them
in the page's language: each known message shape is matched and rewritten in Spanish
with the same values; a message of no known shape is shown as it is. The reader's and
the fit's messages that point at a command line option (``--column``, ``--close``) are
rewritten in English too, pointing at what the dashboard offers instead.
"""

from __future__ import annotations

import re

from dashboard.i18n import tr
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


# ---------------------------------------------------------------- event logs

LOG_PLACES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"^row (\d+), column (.+)$", r"fila \1, columna \2"),
        (r"^row (\d+)$", r"fila \1"),
    )
)
LOG_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), phrase)
    for pattern, phrase in (
        (
            r"^no column for (?P<missing>.+?): (?:a lifecycle log \(a row per event\)|a log) "
            r"needs (?P<required>.+?); the file's columns are (?P<found>.+?); name them so",
            "log_no_column",
        ),
        (r"^ends before it starts \((?P<end>.+) < (?P<start>.+)\)$", "log_backwards"),
        (r"^not a time: (?P<cell>.+); expected a timestamp", "log_not_time"),
        (r"^not a date: (?P<cell>.+); expected e\.g\. (?P<example>.+)$", "log_not_date"),
        (r"^empty: a step needs its (?P<column>.+)$", "log_empty_time"),
        (r"^empty: every row names its visit \(case\)$", "log_empty_case"),
        (r"^the file is empty: ", "log_empty_file"),
        (r"^no rows: ", "log_no_rows"),
        (r"^expected a \.csv, \.parquet or \.pq file, got (?P<got>.+)$", "log_suffix"),
        (r"^the file is (?P<size>\d+) MB; a log may be at most (?P<limit>\d+) MB$", "log_size"),
        (r"^cannot be read as (?P<kind>CSV|Parquet): (?P<why>.+)$", "log_unreadable"),
        (r"^cannot be read as text \(neither UTF-8 nor Windows-1252\)$", "log_not_text"),
        (r"^… and (?P<more>\d+) more$", "log_more"),
    )
)
FIT_WARNINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), phrase)
    for pattern, phrase in (
        (r"^closing time read from the end of work \((?P<time>[0-9:]+)\)", "fit_closing"),
        (r"^(?P<count>\d+) steps were done twice in one visit", "fit_repeated"),
        (
            r"^step (?P<step>.+) is logged with several resources \((?P<resources>.+)\): ",
            "fit_resources",
        ),
        (
            r"^daily counts vary more than a Poisson process would \(variance "
            r"(?P<variance>[0-9.]+) against mean (?P<mean>[0-9.]+), (?P<p>p [<=] [0-9.]+)\)",
            "fit_overdispersed",
        ),
        (r"^(?P<count>\d+) visits of classes with no step in the log", "fit_classes_dropped"),
        (
            r"^(?P<path>\S+): (?P<count>\d+) observations \(fewer than (?P<least>\d+)\): "
            r"empirical distribution",
            "fit_empirical",
        ),
        (
            r"^steps (?P<steps>.+) of protocol (?P<protocol>.+) occur in exactly the same visits",
            "fit_mixed",
        ),
        (
            r"^visits a day differ by weekday \((?P<rates>.+); (?P<p>p = [0-9.e-]+)\)",
            "fit_weekdays",
        ),
    )
)


def localise_log_problem(problem: Problem, source: str, lang: str) -> str:
    """``file: row N, column 'X': message`` of the log reader, in ``lang``."""
    where = problem.path
    if lang == "es":
        for pattern, template in LOG_PLACES:
            if pattern.match(where):
                where = pattern.sub(template, where)
                break
    message = _phrased(problem.message, LOG_MESSAGES, lang)
    file = problem.source or source
    return f"{file}: {where}: {message}" if where else f"{file}: {message}"


def localise_warning(warning: str, lang: str) -> str:
    """A warning of the fit in ``lang`` (one of no known shape as it is)."""
    return _phrased(warning, FIT_WARNINGS, lang)


def _phrased(text: str, shapes: tuple[tuple[re.Pattern[str], str], ...], lang: str) -> str:
    """The phrase of the first shape ``text`` has, filled with its values."""
    for pattern, phrase in shapes:
        match = pattern.match(text)
        if match:
            return tr(phrase, lang, **match.groupdict())
    return text
