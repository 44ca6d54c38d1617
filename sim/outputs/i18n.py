"""User-facing words of the command line in Spanish and English.

Metrics are named by the catalogue (``sim.outputs.catalogue``), not here.

``language()`` picks ``es`` or ``en`` from ``--lang`` or the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``); ``t(key, lang)`` returns the phrase.
"""

from __future__ import annotations

import os

LANGUAGES = ("es", "en")

TEXTS: dict[str, dict[str, str]] = {
    "metric": {"es": "Indicador", "en": "Metric"},
    "title": {
        "es": "{scenario} — {reps} réplicas, semilla {seed}",
        "en": "{scenario} — {reps} replications, seed {seed}",
    },
    "fig_booking": {
        "es": "Reserva de citas por política (media e IC 95 %)",
        "en": "Booking by policy (mean and 95 % CI)",
    },
    "unit_footer": {
        "es": "media entre réplicas ± semiancho del IC 95 % · Δ: diferencia pareada con {baseline}",
        "en": "mean over replications ± half-width of the 95 % CI · Δ: paired difference "
        "against {baseline}",
    },
    "footer": {
        "es": "media entre réplicas ± semiancho del IC 95 % · p90 de todos los pacientes · "
        "Δ: diferencia pareada con {baseline}",
        "en": "mean over replications ± half-width of the 95 % CI · p90 over all patients · "
        "Δ: paired difference against {baseline}",
    },
    "table_help": {
        "es": "± semiancho del IC 95 %: con 95 % de confianza, el valor medio verdadero está a "
        "lo sumo a esa distancia del mostrado ([a; b]: los extremos del intervalo, cuando un "
        "límite como el cero lo corta). p90: 9 de cada 10 pacientes tienen a lo sumo ese valor. "
        "Δ: diferencia pareada con {reference}, réplica por réplica con los mismos pacientes y "
        "la misma suerte; si su intervalo no incluye el 0, la diferencia no es azar.",
        "en": "± half-width of the 95 % CI: with 95 % confidence the true mean is at most that "
        "far from the one shown ([a, b]: the interval's ends, when a bound such as zero cuts "
        "it). p90: 9 in 10 patients have at most that value. Δ: paired difference against "
        "{reference}, replication by replication on the same patients and the same luck; if "
        "its interval leaves out 0, the difference is not chance.",
    },
    "delta_help": {
        "es": "Δ: diferencia pareada con {reference} (mismos pacientes, misma suerte) ± "
        "semiancho de su IC 95 %.",
        "en": "Δ: paired difference against {reference} (same patients, same luck) ± half-width "
        "of its 95 % CI.",
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
    "progress": {"es": "Simulando (tareas)", "en": "Simulating (tasks)"},
    "valid": {"es": "{source}: escenario válido", "en": "{source}: valid scenario"},
    "written": {"es": "Resultados escritos en {path}", "en": "Results written to {path}"},
    "thesis_title": {
        "es": "Citas de la tesis — {algorithm}",
        "en": "The thesis's booking — {algorithm}",
    },
    "thesis_booked": {"es": "Citados", "en": "Booked"},
    "thesis_mean_days": {"es": "Días de espera (media)", "en": "Days to appointment (mean)"},
    "thesis_band": {
        "es": "  prioridad {band} (quintil de bondad)",
        "en": "  priority {band} (goodness quintile)",
    },
    "thesis_seconds": {"es": "Segundos", "en": "Seconds"},
    "thesis_doctors": {"es": "Carga por médico", "en": "Load per doctor"},
    "thesis_doctor": {"es": "Médico", "en": "Doctor"},
    "thesis_specialty": {"es": "Especialidad", "en": "Specialty"},
    "thesis_shifts": {"es": "Turnos del mes", "en": "Shifts in the month"},
    "sweep_title": {
        "es": "Variantes: {variants}, {reps} réplicas cada una",
        "en": "Variants: {variants}, {reps} replications each",
    },
    "sweep_footer": {
        "es": "media ± semiancho del IC 95 % · Δ: diferencia pareada con la variante base",
        "en": "mean ± half-width of the 95 % CI · Δ: paired difference against the base variant",
    },
    "variant": {"es": "Variante", "en": "Variant"},
    "variant_base": {"es": "la variante base", "en": "the base variant"},
    "decomposition_title": {
        "es": "De dónde viene la ganancia (diferencia pareada [IC 95 %], paso a paso):",
        "en": "Where the gain comes from (paired difference [95 % CI], step by step):",
    },
    "decomposition_heading": {
        "es": "De dónde viene la ganancia",
        "en": "Where the gain comes from",
    },
    "decomposition_step": {"es": "Paso", "en": "Step"},
    "decomposition_note": {
        "es": "Diferencia pareada media de cada paso [IC 95 %], con las mismas réplicas: de la "
        "práctica actual a la mejor regla simple (la de menor costo), y de ella al plan "
        "optimizado. Un valor positivo es un aumento; las horas extra no son gratis.",
        "en": "Mean paired difference of each step [95 % CI], over the same replications: from "
        "today's practice to the best simple rule (the one of lowest cost), and from it to the "
        "optimised plan. A positive value is an increase; overtime is never free.",
    },
    "frontier_title": {
        "es": "Estancia frente a horas extra, por variante",
        "en": "Stay against overtime, by variant",
    },
    "overtime_axis": {"es": "Horas extra (min/día)", "en": "Overtime (min/day)"},
    "stay_axis": {"es": "Estancia media (min)", "en": "Mean stay (min)"},
    "reps_auto_reached": {
        "es": "--reps auto: {reps} réplicas; semiancho relativo de {metric} {worst} ≤ {target}",
        "en": "--reps auto: {reps} replications; relative half-width of {metric} "
        "{worst} ≤ {target}",
    },
    "reps_auto_capped": {
        "es": "--reps auto: tope de {reps} réplicas; semiancho relativo de {metric} {worst} "
        "(objetivo {target})",
        "en": "--reps auto: capped at {reps} replications; relative half-width of {metric} "
        "{worst} (target {target})",
    },
    "staff_title": {
        "es": "{resource}: {target} ({reps} réplicas por dotación)",
        "en": "{resource}: {target} ({reps} replications per count)",
    },
    "staff_footer": {
        "es": "cumple: la cota unilateral al {confidence} % de la media cumple el objetivo",
        "en": "meets: the one-sided {confidence} % bound of the mean meets the target",
    },
    "staff_count": {"es": "Dotación", "en": "Count"},
    "staff_estimate": {"es": "Estimación", "en": "Estimate"},
    "staff_ci": {"es": "IC 95 %", "en": "95 % CI"},
    "staff_bound": {"es": "Cota", "en": "Bound"},
    "staff_meets": {"es": "Cumple", "en": "Meets"},
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    "staff_answer": {
        "es": "Mínima dotación de {resource} que cumple: {count}",
        "en": "Fewest {resource} meeting the target: {count}",
    },
    "staff_none": {
        "es": "Ninguna dotación de {resource} en {range} cumple el objetivo",
        "en": "No count of {resource} in {range} meets the target",
    },
    "report_written": {"es": "Informe escrito en {path}", "en": "Report written to {path}"},
    "stored_run": {
        "es": "Ejecución {id} guardada en {path}",
        "en": "Run {id} stored in {path}",
    },
    "stored_summary_only": {
        "es": "demasiados registros para guardar sus tablas: la carpeta de la ejecución solo "
        "tiene el resumen, y `clinicsim report` no puede dibujarla (use --out con menos "
        "réplicas o políticas)",
        "en": "too many records to keep its tables: the run's directory holds its summary "
        "only, which `clinicsim report` cannot draw (use --out with fewer replications "
        "or policies)",
    },
    "runs_store": {"es": "Almacén: {path}", "en": "Store: {path}"},
    "runs_none": {"es": "Ninguna ejecución guardada.", "en": "No runs stored."},
    "runs_hint": {
        "es": "clinicsim report ID rehace el informe; --wide: carpetas y órdenes",
        "en": "clinicsim report ID rebuilds a report; --wide: directories and commands",
    },
    "runs_id": {"es": "id", "en": "id"},
    "runs_created": {"es": "creada", "en": "created"},
    "runs_scenario": {"es": "escenario", "en": "scenario"},
    "runs_policies": {"es": "políticas", "en": "policies"},
    "runs_reps": {"es": "réplicas", "en": "reps"},
    "runs_dir": {"es": "carpeta", "en": "directory"},
    "runs_command": {"es": "orden", "en": "command"},
    "runs_gone": {"es": "(no está)", "en": "(gone)"},
    "runs_variants": {"es": "{count} variantes", "en": "{count} variants"},
    "report_table": {"es": "Comparación de políticas", "en": "Policy comparison"},
    "report_mean_stay": {"es": "Estancia media", "en": "Mean stay"},
    "report_ci": {"es": "IC 95 %", "en": "95 % CI"},
    "report_change_ci": {"es": "cambio pareado, IC 95 %", "en": "paired change, 95 % CI"},
    "report_no_tables": {
        "es": "Esta corrida no guardó los registros por paciente: solo hay tablas resumen.",
        "en": "This run kept no per-patient records: summary tables only.",
    },
    "report_gantt": {"es": "Un día simulado por política", "en": "One simulated day per policy"},
    "report_gantt_note": {
        "es": "Réplica 1, día {day} (el de más pacientes atendidos): los mismos pacientes "
        "y la misma suerte con cada política.",
        "en": "Replication 1, day {day} (the one with most patients served): the same "
        "patients and the same luck under every policy.",
    },
    "report_replay": {"es": "Repetición de un día", "en": "Replay of a day"},
    "report_replay_note": {
        "es": "El día {day} de la réplica 1 de los diagramas de arriba, paso a paso con cada "
        "política: cada punto es un paciente, en la cola de un recurso o en atención. "
        "Pulse Reproducir, o arrastre la barra de la hora.",
        "en": "Day {day} of replication 1, as in the charts above, step by step under each "
        "policy: each dot is a patient, in a resource's queue or being seen. Press Play, or "
        "drag the time slider.",
    },
    "report_plan_note": {
        "es": "La estancia que predice el plan (de la cita a la salida media en los "
        "escenarios muestreados) frente a la simulada con duraciones, pasos opcionales, "
        "puntualidad y ausencias aleatorios; estado del solver y plan elegido en todos los días.",
        "en": "The stay each plan predicts (appointment to the mean departure over its sampled "
        "scenarios) beside the stay simulated with random durations, optional steps, "
        "punctuality and no-shows; the solver's status and the plan kept over all days.",
    },
    "report_method": {
        "es": "Cada réplica sortea los pacientes y todos sus resultados aleatorios una vez; "
        "cada política planifica y simula esos mismos pacientes (números aleatorios comunes), "
        "por eso las diferencias pareadas son estrechas. Intervalos t de Student al 95 % "
        "sobre las medias por réplica.",
        "en": "Each replication draws the patients and all their random outcomes once; every "
        "policy plans and plays those same patients (common random numbers), which is why "
        "the paired differences are tight. Student t 95 % intervals over the replication "
        "means.",
    },
    "fig_stay": {"es": "Distribución de la estancia", "en": "Distribution of the stay"},
    "fig_wait_step": {"es": "Espera media antes de cada paso", "en": "Mean wait before each step"},
    "fig_wait": {"es": "Distribución de la espera total", "en": "Distribution of the total wait"},
    "fig_access_priority": {
        "es": "Días hasta la cita por prioridad",
        "en": "Days to appointment by priority",
    },
    "fig_gantt": {
        "es": "{policy}: día {day}, réplica {rep}",
        "en": "{policy}: day {day}, replication {rep}",
    },
    "fig_replay": {
        "es": "Repetición del día: {policy}, día {day}, réplica {rep}",
        "en": "Replay of the day: {policy}, day {day}, replication {rep}",
    },
    "replay_waiting": {"es": "en cola", "en": "queued"},
    "replay_served": {"es": "en el paso", "en": "in the step"},
    "replay_staff": {"es": "personal de turno", "en": "staff at work"},
    "replay_queue_zone": {
        "es": "← cola (el primero a la derecha)",
        "en": "← queue (first on the right)",
    },
    "replay_service_zone": {"es": "en atención", "en": "being seen"},
    "replay_status": {
        "es": "{coming} por llegar · {inside} en la clínica · {left} se fueron",
        "en": "{coming} still to come · {inside} in the clinic · {left} gone",
    },
    "replay_play": {"es": "Reproducir", "en": "Play"},
    "replay_pause": {"es": "Pausa", "en": "Pause"},
    "replay_clock": {"es": "Hora:", "en": "Time:"},
    "fig_queue": {
        "es": "Pacientes en espera a lo largo del día",
        "en": "Patients waiting through the day",
    },
    "waiting_patients": {"es": "En espera", "en": "Waiting"},
    "fig_heatmap": {
        "es": "{policy}: utilización por recurso y hora",
        "en": "{policy}: utilisation by resource and hour",
    },
    "fig_plan": {"es": "Plan frente a resultado", "en": "Plan against outcome"},
    "fig_utilisation": {"es": "Utilización por recurso", "en": "Utilisation by resource"},
    "share_patients": {"es": "% de pacientes atendidos", "en": "% of patients served"},
    "mean_wait_minutes": {"es": "Espera media (min)", "en": "Mean wait (min)"},
    "mean_access_days": {"es": "Días hasta la cita (media)", "en": "Days to appointment (mean)"},
    "priority_axis": {"es": "Prioridad", "en": "Priority"},
    "priority_value": {"es": "Prioridad {priority}", "en": "Priority {priority}"},
    "priority_lowest": {"es": "{label} (baja)", "en": "{label} (low)"},
    "priority_highest": {"es": "{label} (alta)", "en": "{label} (high)"},
    "mean_line": {"es": "media {policy}: {value} min", "en": "mean {policy}: {value} min"},
    "gantt_closing": {"es": "Cierre {time}", "en": "Closing {time}"},
    "gantt_shift_end": {"es": "Fin de turno", "en": "Shift end"},
    "gantt_overtime": {
        "es": "Trabajo tras el cierre (horas extra), hasta {time}",
        "en": "Work after closing (overtime), until {time}",
    },
    "replications": {"es": "réplicas", "en": "replications"},
    "utilisation_percent": {"es": "Utilización (%)", "en": "Utilisation (%)"},
    "patient": {"es": "Paciente", "en": "Patient"},
    "rep_day": {
        "es": "réplica %{customdata[0]}, día %{customdata[1]}",
        "en": "replication %{customdata[0]}, day %{customdata[1]}",
    },
    "as_planned": {"es": "igual a lo planificado", "en": "as planned"},
    "planned_stay": {"es": "Estancia planificada (min)", "en": "Planned stay (min)"},
    "simulated_stay": {"es": "Estancia simulada (min)", "en": "Simulated stay (min)"},
    "policy": {"es": "Política", "en": "Policy"},
    "mean_planned_stay": {"es": "Estancia planificada media", "en": "Mean planned stay"},
    "mean_simulated_stay": {"es": "Estancia simulada media", "en": "Mean simulated stay"},
    "solver_status": {"es": "Estado del solver (días)", "en": "Solver status (days)"},
    "plan_kept": {"es": "Plan elegido (días)", "en": "Plan kept (days)"},
    "solver_seconds": {"es": "Construcción + resolución", "en": "Build + solve"},
    "unit_guard_note": {
        "es": "{policy}: el reloj de seguridad detuvo {n} plan(es); dependen de la "
        "velocidad de la máquina (aumente policies.mip.guard_seconds).",
        "en": "{policy}: the clock guard stopped {n} plan(s); they depend on the "
        "machine's speed (raise policies.mip.guard_seconds).",
    },
    "time_guard_days": {
        "es": "Días detenidos por el límite de reloj",
        "en": "Days stopped by the clock guard",
    },
    # a day or week hospital (unit scenarios)
    "unit_title": {
        "es": "{scenario} — {reps} réplicas, semilla {seed}",
        "en": "{scenario} — {reps} replications, seed {seed}",
    },
    "admissions_title": {"es": "Admisiones por política", "en": "Admissions by policy"},
    "place_bed": {"es": "cama {blocks}", "en": "bed {blocks}"},
    "place_chair": {"es": "sillón", "en": "chair"},
    "first_block": {"es": "Desde", "en": "From"},
    "prescriptions": {"es": "Estudios", "en": "Studies"},
    "pending_plan": {"es": "Pendiente", "en": "Pending"},
    "calendar_week": {"es": "Semana {week}", "en": "Week {week}"},
    "calendar_title": {
        "es": "{policy}: admisiones del mes (cama: bloques de estadía)",
        "en": "{policy}: admissions of the month (bed: blocks of stay)",
    },
    "timetable_title": {
        "es": "{day} de la semana {week}: estudios por paciente",
        "en": "{day} of week {week}: studies per patient",
    },
    "timetables": {"es": "Estudios de cada día ({policy})", "en": "Studies of each day ({policy})"},
    "occupancy_title": {
        "es": "{policy}: camas y sillones ocupados por bloque (media de {reps} réplicas)",
        "en": "{policy}: beds and chairs taken per block (mean of {reps} replications)",
    },
    "studies_block_title": {
        "es": "{policy}: estudios hechos por bloque frente a los ofrecidos (μ)",
        "en": "{policy}: studies done per block against those offered (μ)",
    },
    "beds_taken": {"es": "Camas ocupadas", "en": "Beds taken"},
    "chairs_taken": {"es": "Sillones ocupados", "en": "Chairs taken"},
    "beds_capacity": {"es": "Camas (D1 = {n})", "en": "Beds (D1 = {n})"},
    "chairs_capacity": {"es": "Sillones (D2 = {n})", "en": "Chairs (D2 = {n})"},
    "studies_done": {"es": "Estudios hechos", "en": "Studies done"},
    "studies_offered": {"es": "Ofrecidos (μ)", "en": "Offered (μ)"},
    "block_axis": {"es": "Bloque", "en": "Block"},
    "places_axis": {"es": "Lugares", "en": "Places"},
    "studies_axis": {"es": "Estudios", "en": "Studies"},
    "block_view": {"es": "Uso por bloque", "en": "Use per block"},
    "unit_quiet_note": {
        "es": "La unidad no está congestionada: en ningún bloque se ocuparon más de {peaks} "
        "(por debajo del {threshold} % en cada caso). Con camas y sillones de sobra no hay "
        "lugares que racionar, así que las políticas no pueden diferir en ellos: cada una "
        "admite a cada paciente tan pronto como lo permiten las admisiones por bloque y los "
        "lugares de sus estudios. Para comparar políticas, use una unidad congestionada "
        "(p. ej. {example}).",
        "en": "The unit is not congested: no block had more than {peaks} taken (below "
        "{threshold} % each). With beds and chairs to spare there are no places to ration, so "
        "the policies cannot differ on them: each admits every patient as soon as the "
        "admissions a block and the places of their studies allow. To compare policies, use "
        "a congested unit (e.g. {example}).",
    },
    "peak_beds": {"es": "{taken} de {n} camas ({share})", "en": "{taken} of {n} beds ({share})"},
    "peak_chairs": {
        "es": "{taken} de {n} sillones ({share})",
        "en": "{taken} of {n} chairs ({share})",
    },
    "peaks_and": {"es": " y ", "en": " and "},
    # clinicsim check-fit: a scenario against a clinic's log
    "checkfit_title": {
        "es": "{scenario} frente al registro {log}",
        "en": "{scenario} against the log {log}",
    },
    "checkfit_meta": {
        "es": "{days} días, {visits} visitas; {reps} réplicas del período registrado",
        "en": "{days} days, {visits} visits; {reps} replications of the logged period",
    },
    "checkfit_agrees_all": {
        "es": "El escenario concuerda con el registro en las {total} cifras.",
        "en": "The scenario agrees with the log on all {total} figures.",
    },
    "checkfit_differs_some": {
        "es": "El escenario difiere del registro en {count} de {total} cifras: {figures}.",
        "en": "The scenario differs from the log on {count} of {total} figures: {figures}.",
    },
    "checkfit_table": {
        "es": "Cifras observadas y simuladas",
        "en": "Observed and simulated figures",
    },
    "checkfit_figure": {"es": "Cifra", "en": "Figure"},
    "checkfit_observed": {"es": "Registro", "en": "Log"},
    "checkfit_simulated": {"es": "Simulado", "en": "Simulated"},
    "checkfit_interval": {"es": "Intervalo", "en": "Interval"},
    "checkfit_verdict": {"es": "Veredicto", "en": "Verdict"},
    "checkfit_agrees": {"es": "concuerda", "en": "agrees"},
    "checkfit_differs": {"es": "difiere", "en": "differs"},
    "checkfit_stay": {"es": "Estancia media (min)", "en": "Mean stay (min)"},
    "checkfit_wait": {"es": "Espera antes de {step} (min)", "en": "Wait before {step} (min)"},
    "checkfit_utilisation": {"es": "Utilización de {resource}", "en": "Utilisation of {resource}"},
    "checkfit_throughput": {"es": "Visitas atendidas por día", "en": "Visits served a day"},
    "checkfit_no_show": {"es": "Ausencias", "en": "No-shows"},
    "checkfit_method": {
        "es": "Cada réplica simula los días del registro con sus visitas (ausencias incluidas), "
        "su hora de cita o todos a la apertura, y su profesional; duraciones, pasos "
        "opcionales, puntualidad y ausencias se sortean del escenario. Ambas columnas se leen "
        "igual: la espera de un paso va desde el fin de los pasos que espera según el "
        "protocolo del escenario (o la llegada); la utilización, sobre los minutos de turno "
        "del escenario. Intervalo de predicción de una cifra de un período: media ± t · sd · "
        "√(1 + 1/R) entre las R réplicas, a nivel {level} en cada cifra (Bonferroni sobre "
        "{total} cifras), de modo que un escenario correcto pasa en todas a la vez con al "
        "menos 95 % de probabilidad.",
        "en": "Each replication simulates the log's days with its visits (no-shows included), "
        "their appointment times or everyone at opening, and their staff member; durations, "
        "optional steps, punctuality and no-shows are drawn from the scenario. Both columns "
        "are read the same way: a step's wait runs from the end of the steps it waits for in "
        "the scenario's protocol (or the arrival); utilisation is over the scenario's shift "
        "minutes. Prediction interval for one period's figure: mean ± t · sd · √(1 + 1/R) "
        "over the R replications, at level {level} for each figure (Bonferroni over {total} "
        "figures), so that a right scenario passes on all at once with at least 95 % "
        "probability.",
    },
    "checkfit_fig_stay": {"es": "Estancia por visita", "en": "Stay per visit"},
    "checkfit_fig_wait": {"es": "Espera por paso", "en": "Wait per step"},
    "checkfit_fig_utilisation": {
        "es": "Utilización por recurso y día",
        "en": "Utilisation per resource and day",
    },
    "checkfit_fig_note": {
        "es": "Izquierda: histogramas del registro y de la simulación (todas las réplicas), en "
        "% de cada uno. Derecha: gráfico Q–Q, los percentiles 1 a 99 de la simulación frente "
        "a los del registro; sobre la diagonal, las distribuciones coinciden.",
        "en": "Left: histograms of the log and of the simulation (every replication), in % of "
        "each. Right: Q–Q plot, percentiles 1 to 99 of the simulation against the log's; on "
        "the diagonal, the distributions match.",
    },
    "checkfit_log": {"es": "registro", "en": "log"},
    "checkfit_simulation": {"es": "simulación", "en": "simulation"},
    "checkfit_share": {"es": "% de los valores", "en": "% of values"},
    "checkfit_minutes": {"es": "minutos", "en": "minutes"},
    "checkfit_quantile_log": {"es": "Percentil del registro", "en": "Log's percentile"},
    "checkfit_quantile_sim": {
        "es": "Percentil de la simulación",
        "en": "Simulation's percentile",
    },
    "checkfit_written": {
        "es": "Página de la comprobación escrita en {path}",
        "en": "Check page written to {path}",
    },
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
