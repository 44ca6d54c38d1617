"""The dashboard's words in Spanish and English.

``tr(key, lang)`` looks a phrase up here first, then among the command line's
phrases (``sim.outputs.i18n``: metric names, figure titles), so a metric is named the
same in the terminal, the report and the dashboard.
"""

from __future__ import annotations

from sim.outputs.i18n import LANGUAGES, TEXTS

DEFAULT_LANG = "es"

WEEKDAY_NAMES = {
    "es": {"mon": "lun", "tue": "mar", "wed": "mié", "thu": "jue", "fri": "vie", "sat": "sáb"}
    | {"sun": "dom"},
    "en": {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat"}
    | {"sun": "Sun"},
}

PHRASES: dict[str, dict[str, str]] = {
    "app_title": {
        "es": "clinicsim — citas en consulta externa",
        "en": "clinicsim — outpatient scheduling",
    },
    "nav_scenario": {"es": "Escenario", "en": "Scenario"},
    "nav_runs": {"es": "Corridas guardadas", "en": "Stored runs"},
    "language": {"es": "Idioma", "en": "Language"},
    # scenario page
    "scenario": {"es": "Escenario", "en": "Scenario"},
    "bundled": {"es": "Escenario incluido", "en": "Bundled scenario"},
    "upload": {
        "es": "…o arrastre aquí un archivo YAML (máx. {limit} kB), o haga clic para elegirlo",
        "en": "…or drop a YAML file here (at most {limit} kB), or click to choose one",
    },
    "uploaded": {"es": "Archivo subido: {name}", "en": "Uploaded file: {name}"},
    "upload_refused": {
        "es": "No se pudo usar {name}; el escenario anterior sigue activo:",
        "en": "{name} cannot be used; the previous scenario stays:",
    },
    # the event log drop (scenario page) and its fit
    "log_drop": {
        "es": "…o suelte aquí un registro de eventos (CSV o Parquet, máx. {limit} MB) para "
        "ajustar un escenario, o haga clic para elegirlo",
        "en": "…or drop an event log here (CSV or Parquet, at most {limit} MB) to fit a "
        "scenario to it, or click to choose one",
    },
    "help_log": {
        "es": "Un registro de eventos es lo que anota el sistema de información de la "
        "clínica: una fila por paso hecho, con la visita (case), el día, el paso, el recurso, "
        "quién lo hizo (member), el inicio y el fin; y, si los tiene, la llegada, la hora de "
        "la cita y la clase o el protocolo. Una visita sin pasos es una inasistencia. "
        "clinicsim lee de él los protocolos, las duraciones, el personal por día, la "
        "demanda y el horario, y el escenario ajustado pasa a ser la base de los «¿Qué pasa "
        "si…?»; «Comprobar el ajuste» lo simula contra el registro.",
        "en": "An event log is what the clinic's information system records: one row per "
        "step done, with the visit (case), day, step, resource, who did it (member), start "
        "and end; and, where it has them, the arrival, the appointment time and the class "
        "or protocol. A visit with no step is a no-show. clinicsim reads from it the "
        "protocols, durations, staff per weekday, demand and opening hours, and the fitted "
        "scenario becomes the base of the what-ifs; “Check the fit” simulates it against "
        "the log.",
    },
    "log_fitting": {
        "es": "Ajustando el registro… (un año de registro tarda unos segundos)",
        "en": "Fitting the log… (a year's log takes a few seconds)",
    },
    "log_refused": {
        "es": "No se pudo ajustar {name}; el escenario anterior sigue activo:",
        "en": "{name} cannot be fitted; the previous scenario stays:",
    },
    "fitted_name": {"es": "Ajustado de {file}", "en": "Fitted from {file}"},
    "log_fitted": {
        "es": "Escenario ajustado al registro {file}: es la base de los «¿Qué pasa si…?».",
        "en": "Scenario fitted to the log {file}: it is the base of the what-ifs.",
    },
    "log_summary": {
        "es": "{visits} visitas en {days} días laborables ({first} a {last}), {rows} pasos "
        "registrados → {protocols} protocolos, {steps} pasos distintos, {resources} recursos.",
        "en": "{visits} visits on {days} working days ({first} to {last}), {rows} steps "
        "logged → {protocols} protocols, {steps} distinct steps, {resources} resources.",
    },
    "log_warnings": {"es": "Avisos del ajuste", "en": "What the fit warns about"},
    "log_gone": {
        "es": "El registro {file} ya no está en el servidor: el escenario ajustado sigue "
        "siendo la base, pero no se puede comprobar (suéltelo de nuevo para eso).",
        "en": "The log {file} is no longer on the server: the fitted scenario stays the "
        "base, but it cannot be checked (drop it again for that).",
    },
    "download_fitted": {
        "es": "Descargar el escenario ajustado (YAML)",
        "en": "Download the fitted scenario (YAML)",
    },
    "check_fit": {"es": "Comprobar el ajuste", "en": "Check the fit"},
    "fit_failed": {
        "es": "El ajuste no pudo hacerse; el escenario anterior sigue activo:",
        "en": "The fit could not be done; the previous scenario stays:",
    },
    # the fit's warnings (sim.eventlog.fit), said for the dashboard
    "fit_closing": {
        "es": "Hora de cierre leída del fin del trabajo ({time}): las horas extra se cuentan "
        "desde ella. Si conoce la hora de cierre de la clínica, cámbiela en «Horario de la "
        "clínica».",
        "en": "Closing time read from the end of work ({time}): overtime is counted from it. "
        "If you know the clinic's closing time, change it under “Clinic hours”.",
    },
    "fit_repeated": {
        "es": "{count} pasos se hicieron dos veces en una visita: se conserva la primera vez.",
        "en": "{count} steps were done twice in one visit: each visit's first doing is kept.",
    },
    "fit_resources": {
        "es": "El paso {step} está registrado con varios recursos ({resources}): se conserva "
        "el más frecuente.",
        "en": "Step {step} is logged with several resources ({resources}): the most "
        "frequent is kept.",
    },
    "fit_overdispersed": {
        "es": "Las visitas por día varían más de lo que variarían en un proceso de Poisson "
        "(varianza {variance} frente a una media de {mean}, {p}): la tasa es una media, y los "
        "días de mucha demanda serán más intensos de lo simulado.",
        "en": "Daily counts vary more than a Poisson process would (variance {variance} "
        "against mean {mean}, {p}): the rate is a mean, and busy days will be busier than "
        "simulated.",
    },
    "fit_classes_dropped": {
        "es": "{count} visitas de clases sin ningún paso en el registro quedan fuera de las "
        "proporciones de clases.",
        "en": "{count} visits of classes with no step in the log are left out of the shares.",
    },
    "fit_empirical": {
        "es": "{path}: {count} observaciones (menos de {least}): se usa su distribución "
        "empírica. Si conoce un valor mejor, póngalo en el escenario descargado y súbalo.",
        "en": "{path}: {count} observations (fewer than {least}): its empirical distribution "
        "is used. If you know a better value, put it in the downloaded scenario and upload it.",
    },
    "fit_mixed": {
        "es": "Los pasos {steps} del protocolo {protocol} ocurren exactamente en las mismas "
        "visitas: el registro probablemente mezcla protocolos; añádale la columna de clase "
        "(class) o de protocolo (protocol).",
        "en": "Steps {steps} of protocol {protocol} occur in exactly the same visits: the log "
        "probably mixes protocols; add its class or protocol column to it.",
    },
    "fit_weekdays": {
        "es": "Las visitas por día difieren según el día de la semana ({rates}; {p}): el "
        "escenario recibe solicitudes al mismo ritmo todos los días, así que sus días solo "
        "difieren por su personal y sus cupos.",
        "en": "Visits a day differ by weekday ({rates}; {p}): the scenario draws requests at "
        "one rate every day, so its weekdays differ only by their staff and slots.",
    },
    # the log reader's messages (sim.eventlog.read), said for the dashboard
    "log_no_column": {
        "es": "no hay columna para {missing}: un registro necesita {required}; las columnas "
        "del archivo son {found}. Nómbrelas así en el archivo (mayúsculas, espacios o guiones "
        "bajos dan igual), o ajústelo con «clinicsim fit --column NOMBRE=COLUMNA».",
        "en": "no column for {missing}: a log needs {required}; the file's columns are "
        "{found}. Name them so in the file (any case, spaces or underscores), or fit it with "
        "“clinicsim fit --column NAME=COLUMN”.",
    },
    "log_backwards": {
        "es": "termina antes de empezar ({end} < {start})",
        "en": "ends before it starts ({end} < {start})",
    },
    "log_not_time": {
        "es": "no es una hora: {cell}; se esperaba una fecha y hora (2026-01-05 07:41:12) o "
        "una hora del día (07:41)",
        "en": "not a time: {cell}; expected a timestamp (2026-01-05 07:41:12) or a clock "
        "time of the day (07:41)",
    },
    "log_not_date": {
        "es": "no es una fecha: {cell}; se esperaba p. ej. {example}",
        "en": "not a date: {cell}; expected e.g. {example}",
    },
    "log_empty_time": {
        "es": "vacía: un paso necesita su {column}",
        "en": "empty: a step needs its {column}",
    },
    "log_empty_case": {
        "es": "vacía: cada fila nombra su visita (case)",
        "en": "empty: every row names its visit (case)",
    },
    "log_empty_file": {
        "es": "el archivo está vacío: se esperaba una fila de encabezado y una fila por paso",
        "en": "the file is empty: expected a header row and a row per step",
    },
    "log_no_rows": {
        "es": "no tiene filas: un registro tiene una fila por paso hecho (y una por visita "
        "sin pasos)",
        "en": "no rows: a log has a row per step done (and one per visit with no step)",
    },
    "log_suffix": {
        "es": "se esperaba un archivo .csv, .parquet o .pq; se recibió {got}",
        "en": "expected a .csv, .parquet or .pq file, got {got}",
    },
    "log_size": {
        "es": "el archivo tiene {size} MB; un registro puede tener como máximo {limit} MB",
        "en": "the file is {size} MB; a log may be at most {limit} MB",
    },
    "log_unreadable": {
        "es": "no se puede leer como {kind}: {why}",
        "en": "cannot be read as {kind}: {why}",
    },
    "log_not_text": {
        "es": "no se puede leer como texto (ni UTF-8 ni Windows-1252)",
        "en": "cannot be read as text (neither UTF-8 nor Windows-1252)",
    },
    "log_more": {"es": "… y {more} más", "en": "… and {more} more"},
    "glance": {"es": "La clínica de un vistazo", "en": "The clinic at a glance"},
    "resources_by_weekday": {"es": "Personal por día", "en": "Staff per weekday"},
    "resource": {"es": "Recurso", "en": "Resource"},
    "hours": {"es": "Horario", "en": "Hours"},
    "daily_slots": {"es": "Cupos/día", "en": "Slots/day"},
    "protocols": {"es": "Protocolos", "en": "Protocols"},
    "step": {"es": "Paso", "en": "Step"},
    "duration": {"es": "Duración (min)", "en": "Duration (min)"},
    "probability": {"es": "Probabilidad", "en": "Probability"},
    "after": {"es": "Después de", "en": "After"},
    "no_resource": {"es": "(sin personal)", "en": "(no staff)"},
    "demand": {"es": "Demanda", "en": "Demand"},
    "demand_line": {
        "es": "{rate} solicitudes al día · ventana de citas de {window} días · {days} días "
        "laborables ({weekdays}), {open}–{close}",
        "en": "{rate} requests a day · booking window {window} days · {days} working days "
        "({weekdays}), {open}–{close}",
    },
    "class": {"es": "Clase", "en": "Class"},
    "share": {"es": "Proporción", "en": "Share"},
    "priority": {"es": "Prioridad", "en": "Priority"},
    "protocol": {"es": "Protocolo", "en": "Protocol"},
    "whatif": {"es": "¿Qué pasa si…?", "en": "What if…?"},
    "group_staff": {"es": "Personal por día de la semana", "en": "Staff per weekday"},
    "group_hours": {"es": "Horario de la clínica", "en": "Clinic hours"},
    "group_booking": {"es": "Reasignación de cupos y cambios", "en": "Re-booking and moves"},
    "cancellation_rate": {"es": "Tasa de cancelación (0–1)", "en": "Cancellation rate (0–1)"},
    "min_notice_days": {
        "es": "Aviso mínimo para ofrecer un cupo liberado (días)",
        "en": "Least notice to offer a freed slot (days)",
    },
    "answer_hours": {"es": "Horas para responder una oferta", "en": "Hours to answer an offer"},
    "max_offers": {"es": "Ofertas por cupo liberado", "en": "Offers per freed slot"},
    "move_rate": {
        "es": "Pacientes que piden cambiar su cita (0–1)",
        "en": "Patients who ask to move (0–1)",
    },
    "booking": {"es": "Reserva de citas", "en": "Booking"},
    "booking_line": {
        "es": "Modo del escenario: {mode}; reserva al cierre a las {closes}. Cupos liberados "
        "ofrecidos por {order}, con al menos {notice} días de aviso; {moves} % piden "
        "cambiar su cita.",
        "en": "Scenario's mode: {mode}; end-of-day booking at {closes}. Freed slots offered "
        "by {order}, with at least {notice} days of notice; {moves} % ask to move.",
    },
    "channel": {"es": "Canal", "en": "Channel"},
    "channel_hours": {"es": "Horario", "en": "Hours"},
    "confirm": {"es": "Hasta confirmar (min)", "en": "To confirm (min)"},
    "group_unit": {"es": "Camas, sillones y admisiones", "en": "Beds, chairs and admissions"},
    "beds": {"es": "Camas (D1)", "en": "Beds (D1)"},
    "chairs": {"es": "Sillones (D2)", "en": "Chairs (D2)"},
    "admissions_per_block": {"es": "Admisiones por bloque (D3)", "en": "Admissions a block (D3)"},
    "patients_per_week": {
        "es": "Pacientes nuevos por semana (además de la lista)",
        "en": "New patients a week (besides the list)",
    },
    "extra_block_rate": {
        "es": "Pacientes en cama que necesitan un bloque más (0–1)",
        "en": "Bed patients who need one block more (0–1)",
    },
    "unit_line": {
        "es": "{weeks} semanas de bloques: mañana {morning}, tarde {afternoon}, {divisions} "
        "divisiones de {minutes} min; {beds} camas, {chairs} sillones, {admissions} "
        "admisiones por bloque.",
        "en": "{weeks} weeks of blocks: morning {morning}, afternoon {afternoon}, {divisions} "
        "divisions of {minutes} min; {beds} beds, {chairs} chairs, {admissions} admissions "
        "a block.",
    },
    "unit_demand_line": {
        "es": "Cada semana se suman en promedio {n} pacientes (Poisson), de estas clases:",
        "en": "Each week {n} patients on average (Poisson) join the list, of these classes:",
    },
    "waiting_list": {"es": "Lista de espera", "en": "Waiting list"},
    "unit_studies": {"es": "Estudios y su oferta (μ)", "en": "Studies and their offer (μ)"},
    "place": {"es": "Lugar", "en": "Place"},
    "study": {"es": "Estudio", "en": "Study"},
    "offered": {"es": "Ofrecido", "en": "Offered"},
    "morning": {"es": "mañana", "en": "morning"},
    "afternoon": {"es": "tarde", "en": "afternoon"},
    "divisions_short": {"es": "div.", "en": "div."},
    "timetables_pick": {"es": "Estudios de un día", "en": "Studies of a day"},
    "download_admissions": {"es": "Pacientes (CSV)", "en": "Patients (CSV)"},
    "group_demand": {"es": "Demanda", "en": "Demand"},
    "group_behaviour": {"es": "Pacientes", "en": "Patients"},
    "group_policy": {"es": "Parámetros: {policy}", "en": "Parameters: {policy}"},
    "staff": {"es": "{resource}", "en": "{resource}"},
    "open": {"es": "Apertura (HH:MM)", "en": "Opening (HH:MM)"},
    "close": {"es": "Cierre (HH:MM)", "en": "Closing (HH:MM)"},
    "requests_per_day": {"es": "Solicitudes al día", "en": "Requests a day"},
    "no_show_rate": {"es": "Tasa de inasistencia (0–1)", "en": "No-show rate (0–1)"},
    "punctuality": {
        "es": "Puntualidad media (min; negativo = antes)",
        "en": "Mean punctuality (min; negative = early)",
    },
    "punctuality_fixed": {
        "es": "Puntualidad (min; negativo = antes)",
        "en": "Punctuality (min; negative = early)",
    },
    # the help of each what-if field (``Control.help_text``): what the value means
    "help_staff": {
        "es": "Cuántas personas de este personal trabajan ese día de la semana (0: nadie).",
        "en": "How many of this staff work on that weekday (0: nobody).",
    },
    "help_open": {
        "es": "Hora en que abre la clínica; los pacientes citados a la apertura llegan entonces.",
        "en": "When the clinic opens; patients told to come at opening arrive then.",
    },
    "help_close": {
        "es": "Hora de cierre: el trabajo después de esta hora cuenta como horas extra.",
        "en": "Closing time: work after it counts as overtime.",
    },
    "help_requests_per_day": {
        "es": "Solicitudes de cita que llegan en promedio cada día laborable (al azar, Poisson).",
        "en": "Appointment requests arriving on average each working day (at random, Poisson).",
    },
    "help_no_show_rate": {
        "es": "Parte de los pacientes citados que no vienen: 0,06 = 6 de cada 100.",
        "en": "Share of the patients booked who do not come: 0.06 = 6 in 100.",
    },
    "help_punctuality": {
        "es": "Minutos que los pacientes llegan, en promedio, respecto de su hora: "
        "−10 = diez minutos antes, 5 = cinco minutos tarde.",
        "en": "Minutes patients arrive on average against their time: −10 = ten minutes "
        "early, 5 = five minutes late.",
    },
    "help_punctuality_fixed": {
        "es": "Minutos que cada paciente llega respecto de su hora: −10 = diez minutos antes.",
        "en": "Minutes each patient arrives against their time: −10 = ten minutes early.",
    },
    "help_cancellation_rate": {
        "es": "Parte de las citas que el paciente cancela antes del día: 0,08 = 8 de cada 100.",
        "en": "Share of the appointments the patient cancels before the day: 0.08 = 8 in 100.",
    },
    "help_min_notice_days": {
        "es": "Un cupo liberado se ofrece a otro paciente solo si faltan al menos estos días.",
        "en": "A freed slot is offered to another patient only with at least these days to go.",
    },
    "help_answer_hours": {
        "es": "Horas que tiene un paciente para aceptar un cupo ofrecido antes de pasar al "
        "siguiente.",
        "en": "Hours a patient has to accept an offered slot before it goes to the next.",
    },
    "help_max_offers": {
        "es": "A cuántos pacientes, uno tras otro, se ofrece un cupo liberado como máximo.",
        "en": "At most how many patients, one after another, a freed slot is offered to.",
    },
    "help_move_rate": {
        "es": "Parte de los pacientes citados que piden cambiar su cita a otro día.",
        "en": "Share of the patients booked who ask to move their appointment to another day.",
    },
    "help_beds": {
        "es": "D1: camas de la unidad, para los pacientes que se quedan uno o más bloques.",
        "en": "D1: the unit's beds, for patients who stay one block or more.",
    },
    "help_chairs": {
        "es": "D2: sillones, para los pacientes que hacen sus estudios en un solo bloque.",
        "en": "D2: chairs, for patients whose studies fit in one block.",
    },
    "help_admissions_per_block": {
        "es": "D3: pacientes que la unidad puede admitir como máximo en un bloque (media jornada).",
        "en": "D3: most patients the unit can admit in one block (half a day).",
    },
    "help_patients_per_week": {
        "es": "Pacientes nuevos que se suman a la lista cada semana, en promedio (Poisson).",
        "en": "New patients joining the list each week, on average (Poisson).",
    },
    "help_extra_block_rate": {
        "es": "Parte de los pacientes en cama que necesitan un bloque más de lo previsto.",
        "en": "Share of the bed patients who need one block more than planned.",
    },
    "help_reps": {
        "es": "Cuántas veces se simula el horizonte, cada vez con otros pacientes y otra "
        "suerte; más réplicas, intervalos más estrechos y más tiempo.",
        "en": "How many times the horizon is simulated, each with other patients and other "
        "luck; more replications, narrower intervals and longer to run.",
    },
    "help_policies": {
        "es": "Formas de citar y programar el día que se comparan con los mismos pacientes "
        "y la misma suerte; la primera marcada es la referencia de las diferencias Δ.",
        "en": "Ways of booking and planning the day, compared on the same patients and the "
        "same luck; the first ticked is the baseline of the differences Δ.",
    },
    "help_studies": {
        "es": "μ: cuántos pacientes puede atender cada estudio en cada división de un "
        "bloque, según el día y la parte del día.",
        "en": "μ: how many patients each study can take in each division of a block, by "
        "weekday and part of the day.",
    },
    "expect_clock": {
        "es": "Se esperaba una hora HH:MM, p. ej. 07:30",
        "en": "Expected a time HH:MM, e.g. 07:30",
    },
    "expect_count": {"es": "Se esperaba un número entero ≥ 0", "en": "Expected a whole number ≥ 0"},
    "expect_iterations": {
        "es": "Se esperaba un número entero ≥ 1",
        "en": "Expected a whole number ≥ 1",
    },
    "expect_rate": {"es": "Se esperaba un número ≥ 0", "en": "Expected a number ≥ 0"},
    "expect_share": {
        "es": "Se esperaba un número entre 0 y 1",
        "en": "Expected a number between 0 and 1",
    },
    "expect_minutes": {
        "es": "Se esperaban minutos entre −600 y 600",
        "en": "Expected minutes between −600 and 600",
    },
    "expect_seconds": {"es": "Se esperaba un número de segundos > 0", "en": "Expected seconds > 0"},
    "expect_positive": {"es": "Se esperaba un número > 0", "en": "Expected a number > 0"},
    "changes": {
        "es": "Cambios respecto del escenario base",
        "en": "Changes from the base scenario",
    },
    "no_changes": {
        "es": "Ninguno: se corre el escenario tal cual.",
        "en": "None: the scenario runs as it is.",
    },
    "undo": {"es": "Deshacer", "en": "Undo"},
    "reset_all": {"es": "Deshacer todo", "en": "Undo all"},
    "invalid_change": {"es": "no válido: no se aplica", "en": "invalid: not applied"},
    "run_title": {"es": "Simular", "en": "Run"},
    "policies_label": {
        "es": "Políticas (la primera es la referencia)",
        "en": "Policies (the first is the baseline)",
    },
    "policy_help_label": {"es": "¿Qué hace cada política?", "en": "What each policy does"},
    "reps_label": {"es": "Réplicas", "en": "Replications"},
    "expect_reps": {
        "es": "Se esperaba un número entero entre 1 y {most}",
        "en": "Expected a whole number from 1 to {most}",
    },
    "run": {"es": "Simular", "en": "Run"},
    "cancel": {"es": "Cancelar", "en": "Cancel"},
    "progress": {"es": "{done} de {total} tareas", "en": "{done} of {total} tasks"},
    "starting": {"es": "Preparando…", "en": "Starting…"},
    "pick_policy": {"es": "Elija al menos una política.", "en": "Choose at least one policy."},
    "fix_fields": {
        "es": "Corrija los campos marcados antes de simular.",
        "en": "Fix the fields marked before running.",
    },
    "run_failed": {"es": "La simulación falló:", "en": "The run failed:"},
    "run_done": {"es": "Listo: {run}", "en": "Done: {run}"},
    "cancelled_run": {
        "es": "Simulación cancelada; las réplicas terminadas quedan guardadas y no se recalculan.",
        "en": "Run cancelled; finished replications are stored and will not be recomputed.",
    },
    # results page
    "results": {"es": "Resultados", "en": "Results"},
    "no_run": {
        "es": "No hay corrida seleccionada: simule un escenario o abra una corrida guardada.",
        "en": "No run chosen: run a scenario or open a stored run.",
    },
    "run_missing": {
        "es": "No se puede abrir la corrida {run}:",
        "en": "Cannot open the run {run}:",
    },
    # headline cards and the clinic as it is against the clinic as changed
    "card_los": {"es": "Estancia media en la clínica", "en": "Mean stay in the clinic"},
    "card_los_help": {
        "es": "Desde la llegada hasta la salida, media de los pacientes atendidos.",
        "en": "From arrival to departure, mean over the patients served.",
    },
    "card_wait": {"es": "Espera media", "en": "Mean waiting"},
    "card_wait_help": {
        "es": "Tiempo total en colas de un paciente atendido, sumado en todos sus pasos.",
        "en": "A served patient's total time in queues, summed over all steps.",
    },
    "card_overtime": {
        "es": "Horas extra del personal, por día",
        "en": "Staff overtime, per day",
    },
    "card_overtime_help": {
        "es": "Trabajo del personal después de su turno, sumado en todo el personal, por día.",
        "en": "Staff work after the end of their shift, summed over all staff, per day.",
    },
    "card_utilisation": {"es": "Utilización del personal", "en": "Staff utilisation"},
    "card_utilisation_help": {
        "es": "Minutos ocupados sobre minutos disponibles dentro de los turnos.",
        "en": "Busy minutes over available minutes within the shifts.",
    },
    "card_service_level": {
        "es": "Pacientes con estancia de {target} o menos",
        "en": "Patients whose stay is {target} or less",
    },
    "card_service_level_help": {
        "es": "Parte de los pacientes atendidos que salen antes de la meta de estancia.",
        "en": "Share of the patients served who leave within the target stay.",
    },
    "card_access_days": {"es": "Días hasta la cita", "en": "Days to appointment"},
    "card_access_days_help": {
        "es": "Días entre la solicitud y la cita, media de los pacientes citados.",
        "en": "Days from request to appointment, mean over the patients booked.",
    },
    # a day or week hospital's cards (sim.outputs.headline.UNIT_HEADLINES)
    "card_admitted": {"es": "Pacientes admitidos", "en": "Patients admitted"},
    "card_admitted_help": {
        "es": "Pacientes de la lista de espera que el plan admite y que llegan, por réplica.",
        "en": "Patients of the waiting list the plan admits and who come, per replication.",
    },
    "card_pending": {"es": "Pacientes sin admisión", "en": "Patients left pending"},
    "card_pending_help": {
        "es": "Pacientes de la lista para los que el plan no encuentra lugar en el horizonte.",
        "en": "Patients of the list the plan finds no place for within the horizon.",
    },
    "card_wait_blocks": {"es": "Espera hasta la admisión", "en": "Wait to admission"},
    "card_wait_blocks_help": {
        "es": "Bloques de medio día entre el primer bloque admisible y la admisión, media "
        "de los admitidos.",
        "en": "Half-day blocks from the first admissible block to the admission, mean over "
        "the patients admitted.",
    },
    "card_wait_blocks.p3": {
        "es": "Espera hasta la admisión, prioridad alta",
        "en": "Wait to admission, high priority",
    },
    "card_wait_blocks.p3_help": {
        "es": "La misma espera, solo de los pacientes de prioridad 3 (alta).",
        "en": "The same wait, over the patients of priority 3 (high) only.",
    },
    "card_bed_occupancy": {"es": "Ocupación de camas", "en": "Bed occupancy"},
    "card_bed_occupancy_help": {
        "es": "Camas ocupadas sobre camas, media de los bloques de trabajo.",
        "en": "Beds taken over beds, mean over the working blocks.",
    },
    "card_chair_occupancy": {"es": "Ocupación de sillones", "en": "Chair occupancy"},
    "card_chair_occupancy_help": {
        "es": "Sillones ocupados sobre sillones, media de los bloques de trabajo.",
        "en": "Chairs taken over chairs, mean over the working blocks.",
    },
    "card_study_use": {"es": "Estudios hechos / ofrecidos", "en": "Studies done / offered"},
    "card_study_use_help": {
        "es": "Estudios hechos sobre los lugares que ofrece la agenda de estudios (μ).",
        "en": "Studies done over the places the studies' timetable offers (μ).",
    },
    "card_late_studies": {"es": "Estudios que se atrasan", "en": "Studies running late"},
    "card_late_studies_help": {
        "es": "Parte de los estudios que terminan después del fin de su división horaria.",
        "en": "Share of the studies that end after their division of the block ends.",
    },
    "patients_unit": {"es": "pacientes", "en": "patients"},
    "blocks_unit": {"es": "bloques", "en": "blocks"},
    "versus": {"es": "frente a {reference}", "en": "against {reference}"},
    "points": {"es": "pts", "en": "pts"},
    "days_unit": {"es": "días", "en": "days"},
    "hours_unit": {"es": "horas", "en": "hours"},
    "target_stay": {"es": "Meta de estancia", "en": "Target stay"},
    "target_stay_help": {
        "es": "El nivel de servicio cuenta los pacientes que salen dentro de esta meta.",
        "en": "The service level counts the patients who leave within this target.",
    },
    "expect_target": {
        "es": "Escriba un número de horas entre 0 y 24",
        "en": "Type a number of hours between 0 and 24",
    },
    "as_is": {"es": "la clínica como es", "en": "the clinic as it is"},
    "as_is_short": {"es": "como es", "en": "as it is"},
    "changed_short": {"es": "con los cambios", "en": "as changed"},
    "whatif_title": {
        "es": "Su clínica con los cambios frente a como es hoy ({reps} réplicas, semilla {seed})",
        "en": "Your clinic as changed against as it is today ({reps} replications, seed {seed})",
    },
    "whatif_changes": {"es": "Cambios", "en": "Changes"},
    "whatif_footer": {
        "es": "Cada política con los cambios frente a la misma política sin ellos: Δ es la "
        "diferencia pareada por réplica (mismas semillas) con su IC 95 %.",
        "en": "Each policy as changed against the same policy without the changes: Δ is the "
        "paired difference per replication (same seeds) with its 95 % CI.",
    },
    "whatif_details": {
        "es": "La clínica con los cambios, en detalle",
        "en": "The clinic as changed, in detail",
    },
    "open_base": {"es": "Abrir la clínica como es", "en": "Open the clinic as it is"},
    "headline_stay": {"es": "Estancia media", "en": "Mean stay"},
    "ci95": {"es": "IC 95 %", "en": "95 % CI"},
    "change_ci": {"es": "cambio pareado", "en": "paired change"},
    "comparison": {"es": "Comparación pareada", "en": "Paired comparison"},
    "gantt_pick": {"es": "Día simulado", "en": "Simulated day"},
    "replay_title": {"es": "Repetición de un día", "en": "Replay of a day"},
    "replay_note": {
        "es": "El día elegido arriba para el diagrama de Gantt (política, réplica y día), "
        "paso a paso: cada punto es un paciente, en la cola de un recurso o en atención. "
        "Pulse Reproducir, o arrastre la barra de la hora.",
        "en": "The day chosen above for the Gantt chart (policy, replication and day), "
        "step by step: each dot is a patient, in a resource's queue or being seen. "
        "Press Play, or drag the time slider.",
    },
    "policy": {"es": "Política", "en": "Policy"},
    "replication": {"es": "Réplica", "en": "Replication"},
    "day": {"es": "Día", "en": "Day"},
    "downloads": {"es": "Descargas", "en": "Downloads"},
    "download_summary": {"es": "Tabla comparativa (CSV)", "en": "Comparison table (CSV)"},
    "download_patients": {"es": "Pacientes (CSV)", "en": "Patients (CSV)"},
    "download_report": {"es": "Informe HTML", "en": "HTML report"},
    "sweep_title": {"es": "Barrido: {n} variantes", "en": "Sweep: {n} variants"},
    "variant": {"es": "Variante", "en": "Variant"},
    "open_variant": {"es": "Abrir la variante", "en": "Open the variant"},
    # the run panel's modes (dashboard.modes): vary a value, find the fewest staff
    "mode_compare": {"es": "Comparar políticas", "en": "Compare policies"},
    "mode_vary": {"es": "Variar un valor", "en": "Vary a value"},
    "mode_staff": {"es": "Buscar el personal mínimo", "en": "Find the fewest staff"},
    "help_modes": {
        "es": "Comparar políticas: las políticas marcadas en el escenario de la pestaña. Variar "
        "un valor: un valor de la página en varios valores, cada uno frente a los indicadores. "
        "Buscar el personal mínimo: la menor dotación de un recurso que cumple una meta.",
        "en": "Compare policies: the policies ticked on the tab's scenario. Vary a value: one "
        "setting of the page over several values, each key figure against them. Find the "
        "fewest staff: the smallest count of a resource that meets a target.",
    },
    "help_vary_key": {
        "es": "Cualquier valor de la página: el personal de un recurso un día, el horario, la "
        "demanda, los pacientes o un parámetro de una política. Los demás cambios de la "
        "pestaña se aplican a todos los valores.",
        "en": "Any setting of the page: a resource's staff on a weekday, the hours, the demand, "
        "the patients or a policy's parameter. The tab's other changes apply to every value.",
    },
    "help_vary_values": {
        "es": "Cada valor se simula con las mismas semillas (los mismos pacientes y la misma "
        "suerte); el valor actual se marca en los gráficos.",
        "en": "Each value is simulated on the same seeds (the same patients and luck); the "
        "current value is marked in the charts.",
    },
    "help_staff_resource": {
        "es": "El recurso cuya dotación se busca: en un día, solo el personal de ese día de la "
        "semana cambia; todos los días, el de cada día.",
        "en": "The resource whose staff is searched: on a weekday, only that weekday's staff "
        "changes; every day, each day's.",
    },
    "help_staff_target": {
        "es": "El p90 es lo que 9 de cada 10 pacientes no superan; la mediana, lo que no supera "
        "la mitad. Se calcula en cada réplica y se promedia.",
        "en": "The p90 is what 9 in 10 patients do not exceed; the median, what half do not. "
        "It is computed in each replication and averaged.",
    },
    "help_staff_range": {
        "es": "Las dotaciones que se prueban, de la menor a la mayor; la búsqueda se detiene en "
        "la primera que cumple la meta.",
        "en": "The counts tried, from the lowest up; the search stops at the first that meets "
        "the target.",
    },
    "help_staff_policy": {
        "es": "La política con que se simula cada dotación.",
        "en": "The policy each count is simulated with.",
    },
    "vary_key": {"es": "Valor a variar", "en": "Setting to vary"},
    "vary_values": {"es": "Valores a probar", "en": "Values to try"},
    "values_hint": {
        "es": "Valor actual: {current}. Varios valores separados por «;» o espacios, "
        "p. ej. 3; 4; 5; 6 (0,05; 0,1 para decimales).",
        "en": "Current value: {current}. Several values separated by commas, semicolons or "
        "spaces, e.g. 3, 4, 5, 6.",
    },
    "pick_setting": {"es": "Elija el valor a variar", "en": "Pick the setting to vary"},
    "expect_values": {
        "es": "Escriba al menos dos valores distintos, p. ej. 3; 4; 5",
        "en": "Type at least two different values, e.g. 3, 4, 5",
    },
    "too_many_values": {"es": "Como máximo {most} valores", "en": "At most {most} values"},
    "staff_resource": {"es": "Dotación mínima de", "en": "Fewest"},
    "staff_weekday": {"es": "en", "en": "on"},
    "every_day": {"es": "todos los días", "en": "every day"},
    "staff_target": {"es": "tal que", "en": "so that"},
    "statistic_p90": {"es": "el p90 (9 de cada 10) de", "en": "the p90 (9 in 10) of"},
    "statistic_p50": {"es": "la mediana (la mitad) de", "en": "the median (half) of"},
    "statistic_mean": {"es": "la media de", "en": "the mean of"},
    "at_most": {"es": "sea como máximo", "en": "is at most"},
    "at_least": {"es": "sea como mínimo", "en": "is at least"},
    "staff_from": {"es": "Probar de", "en": "Try from"},
    "staff_to": {"es": "a", "en": "to"},
    "staff_policy": {"es": "con la política", "en": "with the policy"},
    "staff_note": {
        "es": "Cada dotación se simula con las réplicas de abajo y las mismas semillas, de la "
        "menor a la mayor; cumple cuando la cota unilateral al 95 % de la media cumple la meta "
        "(como «clinicsim staff»).",
        "en": "Each count is simulated with the replications below and the same seeds, from "
        "the lowest up; it meets the target when the one-sided 95 % bound of the mean does "
        "(as `clinicsim staff`).",
    },
    "unit_minutes": {"es": "min", "en": "min"},
    "unit_minutes_day": {"es": "min/día", "en": "min/day"},
    "unit_days": {"es": "días", "en": "days"},
    "staff_clinic_only": {
        "es": "Solo para una consulta externa",
        "en": "For an outpatient clinic only",
    },
    "pick_resource": {"es": "Elija un recurso", "en": "Pick a resource"},
    "pick_weekday": {"es": "Elija un día laborable", "en": "Pick a working day"},
    "pick_metric": {"es": "Elija un indicador", "en": "Pick a figure"},
    "pick_policy_one": {"es": "Elija una política", "en": "Pick a policy"},
    "expect_target_value": {
        "es": "Escriba un número ≥ 0 (un porcentaje de 0 a 100 para una proporción)",
        "en": "Type a number ≥ 0 (a percentage from 0 to 100 for a share)",
    },
    "expect_range": {
        "es": "Escriba dos números enteros ≥ 0, el primero no mayor que el segundo",
        "en": "Type two whole numbers ≥ 0, the first not above the second",
    },
    "expect_staff_reps": {
        "es": "La búsqueda necesita al menos 2 réplicas",
        "en": "The search needs at least 2 replications",
    },
    "staff_trying": {"es": "Probando {resource}: {count}…", "en": "Trying {resource}: {count}…"},
    "staff_progress": {
        "es": "{resource}: {count} — {done} de {total} réplicas",
        "en": "{resource}: {count} — {done} of {total} replications",
    },
    # results of the modes
    "variants_title": {
        "es": "{setting}: {n} valores ({reps} réplicas, semilla {seed})",
        "en": "{setting}: {n} values ({reps} replications, seed {seed})",
    },
    "current_mark": {"es": "{value} (actual)", "en": "{value} (current)"},
    "variants_figures": {"es": "Cada indicador según el valor", "en": "Each figure by value"},
    "variants_note": {
        "es": "Puntos: medias de las réplicas; barras: IC 95 %. El rombo sobre la franja gris "
        "es el valor actual.",
        "en": "Points: means of the replications; bars: 95 % CI. The diamond on the grey band "
        "is the current value.",
    },
    "variants_footer": {
        "es": "Cada columna es la clínica con ese valor, con las mismas semillas; Δ es la "
        "diferencia pareada con el valor actual, con su IC 95 %.",
        "en": "Each column is the clinic with that value, on the same seeds; Δ is the paired "
        "difference from the current value, with its 95 % CI.",
    },
    "staffing_title": {
        "es": "Dotación mínima: {resource}{day}",
        "en": "Fewest staff: {resource}{day}",
    },
    "staffing_question": {
        "es": "Meta: {target} · política {policy} · {reps} réplicas por dotación · "
        "de {low} a {high}",
        "en": "Target: {target} · policy {policy} · {reps} replications per count · "
        "{low} to {high}",
    },
    # check-fit page
    "check_title": {
        "es": "Comprobación del ajuste: {scenario} frente al registro {log}",
        "en": "Checking the fit: {scenario} against the log {log}",
    },
    "check_base_note": {
        "es": "Se comprueba el escenario tal como salió del ajuste del registro, no con los "
        "cambios de «¿Qué pasa si…?» de la página Escenario: el periodo del registro se "
        "simula varias veces con la práctica que muestra (sus días, sus visitas, sus horas "
        "de cita o todos a la apertura) y cada cifra se compara con la registrada.",
        "en": "This checks the scenario as the log's fit gave it, not with the what-ifs of "
        "the Scenario page: the log's period is simulated several times under the practice "
        "it shows (its days, its visits, their appointment times or everyone at opening) "
        "and each figure is set against the logged one.",
    },
    "check_reps": {"es": "Réplicas", "en": "Replications"},
    "help_check_reps": {
        "es": "Cuántas veces se simula el periodo del registro. Más réplicas estrechan el "
        "intervalo de cada cifra simulada y tardan más (entre {low} y {high}).",
        "en": "How many times the log's period is simulated. More replications narrow the "
        "interval of each simulated figure and take longer (from {low} to {high}).",
    },
    "expect_check_reps": {
        "es": "Se esperaba un número entero entre {low} y {high}.",
        "en": "Expected a whole number from {low} to {high}.",
    },
    "check_run": {"es": "Comprobar de nuevo", "en": "Check again"},
    "check_progress": {
        "es": "Simulando el periodo del registro: réplica {done} de {total}",
        "en": "Simulating the log's period: replication {done} of {total}",
    },
    "check_starting": {"es": "Leyendo el registro…", "en": "Reading the log…"},
    "check_no_log": {
        "es": "No hay un registro que comprobar: suelte un registro de eventos en la página "
        "Escenario y pulse «Comprobar el ajuste».",
        "en": "There is no log to check: drop an event log on the Scenario page and press "
        "“Check the fit”.",
    },
    "check_failed": {
        "es": "La comprobación no pudo hacerse:",
        "en": "The check could not be done:",
    },
    "check_cancelled": {"es": "Comprobación cancelada.", "en": "Check cancelled."},
    "back_to_scenario": {"es": "← Volver al escenario", "en": "← Back to the scenario"},
    # stored runs page
    "runs_title": {"es": "Corridas guardadas en {root}", "en": "Runs stored in {root}"},
    "no_runs": {"es": "Todavía no hay corridas guardadas.", "en": "No stored runs yet."},
    "created": {"es": "Fecha", "en": "Created"},
    "reps": {"es": "Réplicas", "en": "Replications"},
    "policies": {"es": "Políticas", "en": "Policies"},
    "open_run": {"es": "Abrir", "en": "Open"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The phrase ``key`` in ``lang`` (``es`` or ``en``), with ``{placeholders}`` filled."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    entry = PHRASES.get(key) or TEXTS.get(key)
    if entry is None:
        raise KeyError(f"no phrase {key!r}")
    text = entry[lang]
    return text.format(**values) if values else text


def weekday(day: str, lang: str) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    return WEEKDAY_NAMES[lang][day]


def checked_lang(lang: object) -> str:
    """A language a browser sent, or the default."""
    return lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT_LANG
