"""User-facing words of the command line in Spanish and English.

``language()`` picks ``es`` or ``en`` from ``--lang`` or the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``); ``t(key, lang)`` returns the phrase.
"""

from __future__ import annotations

import os

LANGUAGES = ("es", "en")

TEXTS: dict[str, dict[str, str]] = {
    "los": {"es": "Estancia (min)", "en": "Stay (min)"},
    "wait": {"es": "Espera total (min)", "en": "Total wait (min)"},
    "wait_first": {"es": "Espera hasta la 1.ª atención (min)", "en": "Wait to first service (min)"},
    "access_days": {"es": "Días hasta la cita", "en": "Days to appointment"},
    "utilisation": {"es": "Utilización", "en": "Utilisation"},
    "overtime": {"es": "Horas extra (min/día)", "en": "Overtime (min/day)"},
    "idle": {"es": "Tiempo ocioso (min/miembro-día)", "en": "Idle (min/member-day)"},
    "booked": {"es": "Citados", "en": "Booked"},
    "served": {"es": "Atendidos", "en": "Served"},
    "unserved": {"es": "Sin atender", "en": "Unserved"},
    "no_show": {"es": "No asistieron", "en": "No-shows"},
    "cancelled": {"es": "Cancelados", "en": "Cancelled"},
    "unbooked": {"es": "Sin cita", "en": "Not booked"},
    "metric": {"es": "Indicador", "en": "Metric"},
    "title": {
        "es": "{scenario} — {reps} réplicas, semilla {seed}",
        "en": "{scenario} — {reps} replications, seed {seed}",
    },
    "footer": {
        "es": "media entre réplicas ± semiancho del IC 95 % · p90 de todos los pacientes · "
        "Δ: diferencia pareada con {baseline}",
        "en": "mean over replications ± half-width of the 95 % CI · p90 over all patients · "
        "Δ: paired difference against {baseline}",
    },
    "headline": {
        "es": "Estancia media con {policy}: {value} [IC 95 %: {lo} – {hi}]",
        "en": "Mean stay with {policy}: {value} [95 % CI: {lo} – {hi}]",
    },
    "headline_none": {"es": "{policy}: ningún paciente atendido", "en": "{policy}: nobody served"},
    "headline_no_ci": {
        "es": "Estancia media con {policy}: {value} (una réplica: sin intervalo)",
        "en": "Mean stay with {policy}: {value} (one replication: no interval)",
    },
    "progress": {"es": "Simulando réplicas", "en": "Simulating replications"},
    "valid": {"es": "{source}: escenario válido", "en": "{source}: valid scenario"},
    "written": {"es": "Resultados escritos en {path}", "en": "Results written to {path}"},
}


def language(requested: str | None = None) -> str:
    if requested in LANGUAGES:
        return requested
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def t(key: str, lang: str, **values: object) -> str:
    phrase = TEXTS.get(key, {}).get(lang) or TEXTS.get(key, {}).get("en") or key
    return phrase.format(**values) if values else phrase
