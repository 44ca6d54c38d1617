"""Every metric a run reports, once: what it measures and how people are shown it.

One ``Metric`` per metric the engines compute (``sim.metrics`` for the outpatient
clinic, ``sim.booking.metrics`` for its booking process, ``sim.unit.engine`` for the
day-hospital unit): its unit, what one replication's value is, whether it is shown
in percent, whether the comparison table adds its p90, where a sweep shows it, and
its label and a one-line help (what it measures, in a manager's words) in Spanish
and English. Each model's entries are in display order: the
comparison tables (terminal, report, dashboard), the sweeps' tables and figures and
the booking figure all read their rows and labels from here.

Keys derived from an entry are not entries of their own: ``utilisation.<resource>``
(``per_resource``) and ``access_days.p3`` (``priorities``) take their base entry's
unit and format, and are labelled by the resource or the priority.

Adding a metric: compute it in the engine or metrics code (and list it among the
names that code stores), then add its entry here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Model = Literal["clinic", "booking", "unit"]
Surface = Literal["terminal", "report", "dashboard"]
Labels = dict[str, str]  # language → words

OUTPATIENT: tuple[Model, ...] = ("clinic", "booking")  # one summary: the clinic and its booking
UNIT: tuple[Model, ...] = ("unit",)
EVERY_SURFACE: frozenset[Surface] = frozenset({"terminal", "report", "dashboard"})

PRIORITY_LABEL: Labels = {"es": "prioridad {priority}", "en": "priority {priority}"}
PRIORITY_HELP: Labels = {
    "es": "{help} Esta fila: solo los pacientes de prioridad {priority} (1 baja … 3 alta).",
    "en": "{help} This row: the patients of priority {priority} only (1 low … 3 high).",
}
RESOURCE_HELP: Labels = {
    "es": "{help} Esta fila: solo el personal de {resource}.",
    "en": "{help} This row: the staff of {resource} only.",
}
P90_LABEL = "p90"
P90_HELP: Labels = {
    "es": "Percentil 90 de todos los pacientes: 9 de cada 10 tienen a lo sumo este valor.",
    "en": "90th percentile over all patients: 9 in 10 patients have at most this value.",
}


@dataclass(frozen=True)
class Metric:
    """One metric of a model's summary, as the engine stores it under ``name``."""

    name: str
    model: Model
    unit: str  # of measure: minutes, hours, days, blocks, share, count, score, minutes/day …
    aggregate: str  # what one replication's value is
    label: Labels
    help: Labels  # one line: what it measures, as a manager would say it
    percent: bool = False  # a share, shown as ``87%``
    p90: bool = False  # the comparison table adds a row of its p90 under it
    table: bool = True  # a row of the comparison table
    sub: bool = False  # a row under the one above it (indented)
    sweep: frozenset[Surface] = frozenset()  # the sweep tables and figures that show it
    figure: int | None = None  # its panel in the model's figure of means (booking)
    per_resource: bool = False  # also ``name.<resource>`` in the summary
    resource_rows: bool = False  # … shown as rows under it
    priorities: tuple[int, ...] = ()  # ``name.p<w>`` rows under it, in display order


@dataclass(frozen=True)
class Row:
    """A row a table shows: a metric, or one of its per-resource or per-priority rows."""

    key: str  # the key in the summary: ``los``, ``utilisation.doctor``, ``access_days.p3``
    metric: Metric
    resource: str = ""
    priority: int | None = None

    @property
    def base(self) -> bool:
        """The metric's own row, not one of its resource or priority rows."""
        return not self.resource and self.priority is None

    @property
    def sub(self) -> bool:
        return not self.base or self.metric.sub

    def label(self, lang: str) -> str:
        if self.priority is not None:
            return PRIORITY_LABEL[lang].format(priority=self.priority)
        return self.resource or self.metric.label[lang]

    def help(self, lang: str) -> str:
        """What the row measures, in ``lang``: the metric's help, or for a resource's or a
        priority's row what it narrows the metric to."""
        base = self.metric.help[lang]
        if self.priority is not None:
            return PRIORITY_HELP[lang].format(help=base, priority=self.priority)
        if self.resource:
            return RESOURCE_HELP[lang].format(help=base, resource=self.resource)
        return base


SERVED_MEAN = "mean over the patients served"
CLINIC: tuple[Metric, ...] = (
    Metric(
        name="cost",
        model="clinic",
        unit="cost/day",
        aggregate="mean per day of stay, overtime, idle and unserved costs (policies.mip.costs)",
        label={"es": "Costo por día", "en": "Cost per day"},
        help={
            "es": "Costo medio de un día: estancia de los pacientes, horas extra y tiempo "
            "ocioso del personal y pacientes sin atender, con los pesos del escenario "
            "(policies.mip.costs); menos es mejor.",
            "en": "Mean cost of a day: patients' stay, staff overtime and idle time and "
            "patients left unserved, weighted as the scenario says (policies.mip.costs); "
            "lower is better.",
        },
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="los",
        model="clinic",
        unit="minutes",
        aggregate=SERVED_MEAN,
        label={"es": "Estancia (min)", "en": "Stay (min)"},
        help={
            "es": "Estancia: desde que el paciente llega hasta que se va, media de los "
            "pacientes atendidos.",
            "en": "Stay: from the patient's arrival to their departure, mean over the patients "
            "served.",
        },
        p90=True,
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="wait",
        model="clinic",
        unit="minutes",
        aggregate=SERVED_MEAN,
        label={"es": "Espera total (min)", "en": "Total wait (min)"},
        help={
            "es": "Tiempo que un paciente atendido pasa en cola, sumado en todos sus pasos.",
            "en": "Time a served patient spends queuing, summed over all their steps.",
        },
        p90=True,
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="wait_first",
        model="clinic",
        unit="minutes",
        aggregate=SERVED_MEAN,
        label={"es": "Espera hasta la 1.ª atención (min)", "en": "Wait to first service (min)"},
        help={
            "es": "Desde la llegada hasta que empieza la primera atención.",
            "en": "From arrival to the start of the first service.",
        },
        sweep=frozenset({"report"}),
    ),
    Metric(
        name="access_days",
        model="clinic",
        unit="days",
        aggregate="mean over the patients booked",
        label={"es": "Días hasta la cita", "en": "Days to appointment"},
        help={
            "es": "Días desde la solicitud hasta el día de la cita, media de los pacientes "
            "citados.",
            "en": "Days from the request to the day of the appointment, mean over the patients "
            "booked.",
        },
        priorities=(3, 2, 1),
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="access_days_vulnerable",
        model="clinic",
        unit="days",
        aggregate="mean over the booked fifth of requests of highest need",
        label={"es": "quintil más vulnerable", "en": "most vulnerable quintile"},
        help={
            "es": "Días hasta la cita del quinto de las solicitudes de mayor necesidad.",
            "en": "Days to appointment of the fifth of the requests in greatest need.",
        },
        sub=True,
    ),
    Metric(
        name="fs",
        model="clinic",
        unit="score",
        aggregate="Σ over booked patients of need × experience / (days + 1)",
        label={
            "es": "FS (Σ necesidad × experiencia / días)",
            "en": "FS (Σ need × experience / days)",
        },
        help={
            "es": "El valor de la solución de la tesis: Σ necesidad del paciente × experiencia "
            "del médico / (días hasta la cita + 1) de los pacientes citados; mayor es "
            "mejor.",
            "en": "The thesis's solution value: Σ patient's need × doctor's experience / (days "
            "to appointment + 1) over the patients booked; higher is better.",
        },
    ),
    Metric(
        name="utilisation",
        model="clinic",
        unit="share",
        aggregate="busy / available minutes of all staff, pooled",
        label={"es": "Utilización", "en": "Utilisation"},
        help={
            "es": "Parte del tiempo de turno del personal dedicada a atender: minutos ocupados "
            "/ minutos disponibles, todo el personal junto.",
            "en": "Share of the staff's shift time spent serving: busy minutes / available "
            "minutes, all staff pooled.",
        },
        percent=True,
        per_resource=True,
        resource_rows=True,
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="utilisation_all",
        model="clinic",
        unit="share",
        aggregate="(busy within the shift + overtime) / available minutes of all staff, pooled",
        label={
            "es": "todo el personal, con el trabajo tras el cierre",
            "en": "all staff, with the work after closing",
        },
        help={
            "es": "Como la utilización, pero contando también el trabajo después del cierre.",
            "en": "As utilisation, but counting the work after closing too.",
        },
        percent=True,
        sub=True,
    ),
    Metric(
        name="overtime",
        model="clinic",
        unit="minutes/day",
        aggregate="mean per day of the overtime of all staff",
        label={"es": "Horas extra (min/día)", "en": "Overtime (min/day)"},
        help={
            "es": "Minutos que el personal trabaja después de su turno, sumados en todo el "
            "personal, por día.",
            "en": "Minutes staff work past the end of their shift, summed over all staff, per day.",
        },
        per_resource=True,
        sweep=EVERY_SURFACE,
    ),
    Metric(
        name="idle",
        model="clinic",
        unit="minutes/member-day",
        aggregate="mean per staff member and day",
        label={"es": "Tiempo ocioso (min/miembro-día)", "en": "Idle (min/member-day)"},
        help={
            "es": "Minutos de turno sin atender a nadie, por miembro del personal y día.",
            "en": "Minutes of shift serving nobody, per staff member and day.",
        },
        table=False,
    ),
    Metric(
        name="booked",
        model="clinic",
        unit="count",
        aggregate="patients booked",
        label={"es": "Citados", "en": "Booked"},
        help={
            "es": "Pacientes con cita.",
            "en": "Patients given an appointment.",
        },
        table=False,
    ),
    Metric(
        name="served",
        model="clinic",
        unit="count",
        aggregate="patients served",
        label={"es": "Atendidos", "en": "Served"},
        help={
            "es": "Pacientes que vinieron y fueron atendidos.",
            "en": "Patients who came and were served.",
        },
    ),
    Metric(
        name="unserved",
        model="clinic",
        unit="count",
        aggregate="patients who came and were not served",
        label={"es": "Sin atender", "en": "Unserved"},
        help={
            "es": "Pacientes que vinieron y no alcanzaron a ser atendidos.",
            "en": "Patients who came and were not served.",
        },
    ),
    Metric(
        name="no_show",
        model="clinic",
        unit="count",
        aggregate="patients who did not come",
        label={"es": "No asistieron", "en": "No-shows"},
        help={
            "es": "Pacientes citados que no vinieron.",
            "en": "Patients booked who did not come.",
        },
    ),
    Metric(
        name="cancelled",
        model="clinic",
        unit="count",
        aggregate="appointments cancelled",
        label={"es": "Cancelados", "en": "Cancelled"},
        help={
            "es": "Citas que los pacientes cancelaron.",
            "en": "Appointments the patients cancelled.",
        },
    ),
    Metric(
        name="unbooked",
        model="clinic",
        unit="count",
        aggregate="requests left without a slot",
        label={"es": "Sin cita", "en": "Not booked"},
        help={
            "es": "Solicitudes que no consiguieron cupo dentro de la ventana de citas.",
            "en": "Requests that found no slot within the booking window.",
        },
        sweep=frozenset({"terminal"}),
    ),
)

BOOKING: tuple[Metric, ...] = (
    Metric(
        name="booking_delay_h",
        model="booking",
        unit="hours",
        aggregate="mean over the requests confirmed",
        label={"es": "Demora en confirmar la cita (h)", "en": "Time to a confirmed slot (h)"},
        help={
            "es": "Horas desde la solicitud hasta tener la cita confirmada.",
            "en": "Hours from the request to a confirmed appointment.",
        },
        figure=0,
    ),
    Metric(
        name="offers",
        model="booking",
        unit="count",
        aggregate="freed slots offered",
        label={"es": "Ofertas de cupos liberados", "en": "Offers of freed slots"},
        help={
            "es": "Veces que un cupo liberado se ofreció a otro paciente.",
            "en": "Times a freed slot was offered to another patient.",
        },
    ),
    Metric(
        name="offer_acceptance",
        model="booking",
        unit="share",
        aggregate="offers accepted / offers",
        label={"es": "Ofertas aceptadas", "en": "Offers accepted"},
        help={
            "es": "Parte de las ofertas de cupos liberados que los pacientes aceptaron.",
            "en": "Share of the offers of freed slots the patients accepted.",
        },
        percent=True,
    ),
    Metric(
        name="refill_rate",
        model="booking",
        unit="share",
        aggregate="freed slots booked again / slots freed",
        label={"es": "Cupos cancelados vueltos a ocupar", "en": "Cancelled slots refilled"},
        help={
            "es": "Parte de los cupos liberados por cancelaciones que se volvieron a ocupar.",
            "en": "Share of the slots freed by cancellations that were booked again.",
        },
        percent=True,
        figure=2,
    ),
    Metric(
        name="slots_wasted",
        model="booking",
        unit="count",
        aggregate="freed slots not booked again, plus no-shows",
        label={"es": "Cupos perdidos", "en": "Slots wasted"},
        help={
            "es": "Cupos que quedaron vacíos: liberados y no vueltos a ocupar, más las "
            "inasistencias.",
            "en": "Slots left empty: freed and not booked again, plus the no-shows.",
        },
        figure=1,
    ),
    Metric(
        name="moves_per_patient",
        model="booking",
        unit="count/patient",
        aggregate="moves / patients booked",
        label={"es": "Cambios de cita por paciente", "en": "Moves per patient"},
        help={
            "es": "Cambios de cita por paciente citado.",
            "en": "Appointment moves per patient booked.",
        },
        figure=3,
    ),
    Metric(
        name="double_bookings",
        model="booking",
        unit="count",
        aggregate="slots two patients end in",
        label={"es": "Citas dobles", "en": "Double bookings"},
        help={
            "es": "Cupos en los que terminaron dos pacientes (debería ser 0).",
            "en": "Slots two patients ended up in (should be 0).",
        },
    ),
)

DAY_HOSPITAL: tuple[Metric, ...] = (
    Metric(
        name="objective",
        model="unit",
        unit="score",
        aggregate="objective (26) of the plan: Σ w/b",
        label={"es": "Objetivo (26) Σ w/b", "en": "Objective (26) Σ w/b"},
        help={
            "es": "Objetivo (26) del plan de admisiones: Σ prioridad w del paciente / número b "
            "del bloque en que se admite; mayor es mejor (más pacientes, los de más "
            "prioridad antes).",
            "en": "Objective (26) of the admission plan: Σ patient's priority w / number b of "
            "the block they are admitted in; higher is better (more patients, the higher "
            "priorities sooner).",
        },
    ),
    Metric(
        name="admitted",
        model="unit",
        unit="count",
        aggregate="patients admitted",
        label={"es": "Admitidos", "en": "Admitted"},
        help={
            "es": "Pacientes de la lista admitidos en la unidad.",
            "en": "Patients of the list admitted to the unit.",
        },
    ),
    Metric(
        name="pending",
        model="unit",
        unit="count",
        aggregate="patients left pending",
        label={"es": "Pendientes", "en": "Pending"},
        help={
            "es": "Pacientes que el plan deja sin admitir.",
            "en": "Patients the plan leaves unadmitted.",
        },
    ),
    Metric(
        name="no_show",
        model="unit",
        unit="count",
        aggregate="patients who did not come",
        label={"es": "No asistieron", "en": "No-shows"},
        help={
            "es": "Pacientes citados que no vinieron.",
            "en": "Patients booked who did not come.",
        },
    ),
    Metric(
        name="wait_blocks",
        model="unit",
        unit="blocks",
        aggregate="mean over the patients admitted",
        label={"es": "Bloques hasta la admisión", "en": "Blocks to admission"},
        help={
            "es": "Bloques (medias jornadas) desde que el paciente puede ingresar hasta su "
            "admisión, media de los admitidos.",
            "en": "Blocks (half days) from when the patient may come in to their admission, "
            "mean over those admitted.",
        },
        priorities=(1, 2, 3),
    ),
    Metric(
        name="bed_occupancy",
        model="unit",
        unit="share",
        aggregate="mean over working blocks of beds taken / beds",
        label={"es": "Ocupación de camas", "en": "Bed occupancy"},
        help={
            "es": "Parte de las camas ocupadas, media de los bloques de trabajo.",
            "en": "Share of the beds taken, mean over the working blocks.",
        },
        percent=True,
    ),
    Metric(
        name="chair_occupancy",
        model="unit",
        unit="share",
        aggregate="mean over working blocks of chairs taken / chairs",
        label={"es": "Ocupación de sillones", "en": "Chair occupancy"},
        help={
            "es": "Parte de los sillones ocupados, media de los bloques de trabajo.",
            "en": "Share of the chairs taken, mean over the working blocks.",
        },
        percent=True,
    ),
    Metric(
        name="bed_overflow",
        model="unit",
        unit="blocks",
        aggregate="blocks with more patients in bed than beds",
        label={"es": "Bloques con camas de más", "en": "Blocks over the beds"},
        help={
            "es": "Bloques con más pacientes en cama que camas.",
            "en": "Blocks with more patients in bed than beds.",
        },
    ),
    Metric(
        name="study_use",
        model="unit",
        unit="share",
        aggregate="studies done / studies offered",
        label={"es": "Uso de los estudios ofrecidos", "en": "Offered studies used"},
        help={
            "es": "Estudios hechos / estudios ofrecidos (μ).",
            "en": "Studies done / studies offered (μ).",
        },
        percent=True,
    ),
    Metric(
        name="late_studies",
        model="unit",
        unit="share",
        aggregate="studies that start late / studies",
        label={"es": "Estudios que se atrasan", "en": "Studies running late"},
        help={
            "es": "Parte de los estudios que empiezan después de su hora.",
            "en": "Share of the studies that start after their time.",
        },
        percent=True,
    ),
    Metric(
        name="lateness",
        model="unit",
        unit="minutes",
        aggregate="mean over the studies that start late",
        label={"es": "Atraso medio (min)", "en": "Mean lateness (min)"},
        help={
            "es": "Minutos de atraso medio de los estudios que se atrasan.",
            "en": "Mean minutes late of the studies that start late.",
        },
    ),
)

CATALOGUE: tuple[Metric, ...] = (*CLINIC, *BOOKING, *DAY_HOSPITAL)


def entries(models: tuple[Model, ...]) -> list[Metric]:
    """The metrics of these models, in display order."""
    return [m for m in CATALOGUE if m.model in models]


def find(key: str, models: tuple[Model, ...] = OUTPATIENT) -> Metric:
    """The entry of a summary's key; a derived key (``utilisation.doctor``,
    ``access_days.p3``) gives its base entry. ``KeyError`` for an unknown metric."""
    base, _, part = key.partition(".")
    for metric in entries(models):
        if metric.name == base and (not part or _derives(metric, part)):
            return metric
    raise KeyError(f"no metric {key!r} among those of {'/'.join(models)}")


def _derives(metric: Metric, part: str) -> bool:
    """Whether ``<metric>.<part>`` is one of its per-resource or per-priority keys."""
    return metric.per_resource or part in {f"p{w}" for w in metric.priorities}


def table_rows(models: tuple[Model, ...], resources: Sequence[str]) -> list[Row]:
    """The rows of a comparison table: each shown metric, then its resource or priority rows."""
    rows = []
    for metric in entries(models):
        if not metric.table:
            continue
        rows.append(Row(metric.name, metric))
        if metric.resource_rows:
            rows += [Row(f"{metric.name}.{r}", metric, resource=r) for r in resources]
        rows += [Row(f"{metric.name}.p{w}", metric, priority=w) for w in metric.priorities]
    return rows


def sweep_metrics(surface: Surface) -> list[Metric]:
    """The metrics a sweep's table and figures show there, in display order."""
    return [m for m in entries(OUTPATIENT) if surface in m.sweep]


def figure_metrics(model: Model) -> list[Metric]:
    """The panels of a model's figure of per-policy means, in order."""
    panels = [m for m in entries((model,)) if m.figure is not None]
    return sorted(panels, key=lambda m: m.figure or 0)
