"""``grasp``: book by need with the thesis's GRASP, then give times by need on the day.

Booking, at the end of each request day: that day's requests are booked
together, by ``fast.grasp``, on the free daily slots of the members of their
protocol's booking resource, from ``min_lead_days`` to ``booking_window_days``
ahead (the doctors' calendars); a patient's day T is its access days + 1. The
thesis's patient goodness is the scenario's need (``sim.need``: attributes
``age``, ``disease_burden``, ``family_load``, ``income``); a doctor's goodness
uses ``experience_years`` (1 where not given), the next free slot and the share
of slots still free. ``grasp:earliest`` (``doctors: earliest``) ranks doctors by
their next free slot instead: the thesis's goodness prefers an experienced
doctor's later day to a newer doctor's slot tomorrow, and in a rolling booking
the slot left empty tomorrow is lost. Specialties: members serve the specialties they list,
possibly several; classes without a specialty may see any member. Requests of
protocols without a booking resource are booked for their first day, as in
``fifo``. A request that finds no free eligible slot is not booked.

The day: each member's patients get equally spaced times (as
``fifo:appointment``), in decreasing order of need. That is the fixed point of
the thesis's swap improvement on expected waiting that grows with the place in
the day: a swap that puts the needier patient earlier always helps.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from policies.base import Booked, PolicyParams, SchedulingPolicy, Texts, texts
from policies.fifo import equally_spaced_times
from policies.grasp.fast import grasp
from policies.grasp.instance import Calendar, Instance
from policies.grasp.reference import DoctorRule
from sim.clinic import Clinic
from sim.need import need_attributes, patient_need
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests
from sim.slotbook import BookingBatch, SlotBook

NO_EXPERIENCE_GIVEN = 1.0
SEED_BOUND = 2**63


class GraspParams(PolicyParams):
    doctors: DoctorRule = Field(
        default="goodness",
        description="rank doctors by the thesis's goodness or earliest day",
        json_schema_extra=texts("orden de los médicos", "order of the doctors"),
    )
    iterations: int = Field(
        default=1000,
        ge=1,
        description="GRASP iterations per booking day",
        json_schema_extra=texts(
            "Iteraciones por día",
            "Iterations per day",
            help=(
                "Cuántos planes construye GRASP por día de reservas, quedándose con el de mayor "
                "FS; más iteraciones, mejor plan y más tiempo de cálculo.",
                "How many plans GRASP builds per booking day, keeping the one of highest FS; "
                "more iterations, a better plan and longer to compute.",
            ),
        ),
    )
    alpha_p: float = Field(
        default=0.203,
        ge=0,
        le=1,
        description="patients' relaxation",
        json_schema_extra=texts(
            "α pacientes (0–1)",
            "α patients (0–1)",
            help=(
                "Libertad de GRASP al elegir el siguiente paciente: 0 = siempre el de más "
                "necesidad, 1 = cualquiera al azar (la tesis usa 0,203).",
                "GRASP's freedom in choosing the next patient: 0 = always the one in most "
                "need, 1 = any at random (the thesis uses 0.203).",
            ),
        ),
    )
    alpha_m: float = Field(
        default=0.261,
        ge=0,
        le=1,
        description="doctors' relaxation",
        json_schema_extra=texts(
            "α médicos (0–1)",
            "α doctors (0–1)",
            help=(
                "Libertad de GRASP al elegir el médico: 0 = siempre el de mejor aptitud, "
                "1 = cualquiera al azar (la tesis usa 0,261).",
                "GRASP's freedom in choosing the doctor: 0 = always the best suited, "
                "1 = any at random (the thesis uses 0.261).",
            ),
        ),
    )


class GraspPolicy(SchedulingPolicy):
    name: ClassVar[str] = "grasp"
    shorthand: ClassVar[str | None] = "doctors"
    Params: ClassVar[type[GraspParams]] = GraspParams
    title: ClassVar[Texts] = {"es": "GRASP por necesidad", "en": "GRASP by need"}
    explanation: ClassVar[Texts] = {
        "es": "Reserva juntas las solicitudes de cada día con el GRASP de la tesis, por "
        "necesidad; en el día, los más necesitados primero.",
        "en": "Books each day's requests together with the thesis's GRASP, by need; on the "
        "day, the neediest first.",
    }
    tunable: ClassVar[tuple[str, ...] | None] = ("alpha_p", "alpha_m", "iterations")
    books_in_batches: ClassVar[bool] = True
    offered_variants: ClassVar[tuple[str | None, ...]] = (None, "earliest")
    variant_texts: ClassVar[dict[str, Texts]] = {
        "goodness": {"es": "médicos por bondad", "en": "doctors by goodness"},
        "earliest": {"es": "médico con el día más cercano", "en": "doctor with the earliest day"},
    }
    offered_booking_modes: ClassVar[tuple[str, ...]] = ("end_of_day", "realtime")

    def book(self, requests: Requests, clinic: Clinic, rng: np.random.Generator) -> Booked:
        """Each request day's requests together, by need (``book_by_need``)."""
        attributes = need_attributes(requests.attributes, len(requests))
        day, member, stats = book_by_need(requests, clinic, attributes, self.params, rng)
        return day, member, {"grasp": stats}

    def sequence(
        self,
        requests: Requests,
        clinic: Clinic,
        day: np.ndarray,
        member: np.ndarray,
        rng: np.random.Generator,
    ) -> Plan:
        """The day's part for a booking already made: each member's patients equally
        spaced in decreasing order of need."""
        need = patient_need(**need_attributes(requests.attributes, len(requests)))
        appointment = equally_spaced_times(requests, clinic, day, member, order=-need)
        appointment[day == UNBOOKED] = np.nan
        return Plan(policy=self.label, day=day, member=member, appointment=appointment)

    def book_batch(
        self,
        requests: Requests,
        clinic: Clinic,
        batch: BookingBatch,
        rng: np.random.Generator,
    ) -> list[tuple[int, int] | None]:
        """One request day's patients of one resource booked together by GRASP on the
        free slots ``batch`` gives: (day, member) per patient, or None."""
        attributes = need_attributes(requests.attributes, len(requests))
        book = SlotBook.from_arrays(batch.capacity, batch.capacity - batch.free)
        iterations = self.params.iterations if len(batch.patients) > 1 else 1
        found, _seconds = grasp_batch(
            requests,
            attributes,
            clinic,
            (batch.resource, batch.patients, batch.request_day, batch.window),
            book,
            self.params,
            int(rng.integers(SEED_BOUND)),
            iterations,
        )
        return found


def grasp_batch(
    requests: Requests,
    attributes: dict[str, np.ndarray],
    clinic: Clinic,
    what: tuple[str, list[int], int, tuple[int, int]],
    book: SlotBook,
    params: GraspParams,
    seed: int,
    iterations: int,
) -> tuple[list[tuple[int, int] | None], float]:
    """One request day's patients of one resource (``what``: resource, patients, request
    day, window) booked together by GRASP on ``book``'s free slots: (day, member) per
    patient or None, and GRASP's seconds."""
    resource, patients, request_day, window = what
    batch = _Batch(requests, attributes, clinic, resource, patients, book, request_day, window)
    booking = grasp(
        batch.instance,
        iterations,
        params.alpha_p,
        params.alpha_m,
        seed=seed,
        calendar=batch.calendar,
        doctor_rule=params.doctors,
    )
    found: list[tuple[int, int] | None] = [
        None
        if booking.doctor[k] < 0
        else (request_day + int(booking.day[k]) - 1, batch.members[int(booking.doctor[k])])
        for k in range(len(patients))
    ]
    return found, float(booking.info["seconds"])


def book_by_need(
    requests: Requests,
    clinic: Clinic,
    attributes: dict[str, np.ndarray],
    params: GraspParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Each request day's requests booked together by GRASP, by the need of ``attributes``
    (``sim.need.need_attributes``); (day, member, statistics)."""
    n = len(requests)
    day = np.full(n, UNBOOKED, dtype=np.int64)
    member = np.full(n, NO_MEMBER, dtype=np.int64)
    demand = clinic.scenario.demand
    protocols = clinic.scenario.protocols
    resource_of = [protocols[p].booking_resource() for p in requests.class_protocol]
    batches: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i in range(n):
        resource = resource_of[requests.class_index[i]]
        first = int(requests.request_day[i]) + demand.min_lead_days
        if resource is None:
            if first < clinic.days:
                day[i] = first
        else:
            batches[resource, int(requests.request_day[i])].append(i)
    books = {r: SlotBook(clinic, r) for r, _ in batches}
    seconds, solved = 0.0, 0
    for (resource, request_day), patients in sorted(batches.items()):
        first = request_day + demand.min_lead_days
        last = min(request_day + demand.booking_window_days, clinic.days - 1)
        if first > last:
            continue
        found, spent = grasp_batch(
            requests,
            attributes,
            clinic,
            (resource, patients, request_day, (first, last)),
            books[resource],
            params,
            int(rng.integers(SEED_BOUND)),
            params.iterations,
        )
        seconds += spent
        solved += 1
        for p, booked in zip(patients, found, strict=True):
            if booked is not None:
                day[p], member[p] = booked
                books[resource].booked[booked[1], booked[0]] += 1
    return day, member, {"batches": solved, "seconds": round(seconds, 4)}


class _Batch:
    """One request day's patients of one booking resource as an instance of the thesis's
    problem: its doctors are the members any of them may see, with their free slots in
    the booking window as the calendar (day T = access days + 1)."""

    def __init__(
        self,
        requests: Requests,
        attributes: dict[str, np.ndarray],
        clinic: Clinic,
        resource: str,
        patients: list[int],
        book: SlotBook,
        request_day: int,
        window: tuple[int, int],
    ):
        specialties = clinic.member_specialties(resource)
        allowed = np.array(
            [
                [s is None or s in own for own in specialties]
                for s in (requests.specialty_of(p) for p in patients)
            ],
            dtype=bool,
        ).reshape(len(patients), len(specialties))
        self.members = [int(m) for m in np.flatnonzero(allowed.any(axis=0))]
        self.calendar = self._calendar(book, request_day, window, len(patients))
        experience = [
            NO_EXPERIENCE_GIVEN if y is None else y for y in clinic.member_experience(resource)
        ]
        self.instance = _instance(
            {name: values[patients] for name, values in attributes.items()},
            [f"patient{p}" for p in patients],
            [experience[m] for m in self.members],
            allowed[:, self.members],
        )

    def _calendar(
        self, book: SlotBook, request_day: int, window: tuple[int, int], patients: int
    ) -> Calendar:
        """Each member's free slots in the window, as days T = access days + 1."""
        first, last = window
        days = np.arange(first, last + 1)
        calendar = []
        for m in self.members:
            capacity = book.capacity[m, first : last + 1]
            free = capacity - book.booked[m, first : last + 1]
            free = np.where(np.isinf(capacity), patients, free)  # no limit: room for all
            calendar.append(np.repeat(days - request_day + 1, np.maximum(free, 0).astype(np.int64)))
        return calendar


def _instance(
    attributes: dict[str, np.ndarray],
    names: list[str],
    experience: list[float],
    eligible: np.ndarray,
) -> Instance:
    """The batch as one specialty of the thesis's problem (who may see whom in
    ``eligible``), with the attributes behind the need, so its FOP is ``sim.need``'s."""
    count, doctors = len(names), len(experience)
    return Instance(
        specialties=1,
        doctor_names=tuple(f"member{m}" for m in range(doctors)),
        doctor_cmp=tuple(f"M-{m}" for m in range(doctors)),
        experience=np.asarray(experience, dtype=float),
        doctor_specialty=np.ones(doctors, dtype=np.int64),
        shifts=np.zeros((doctors, 7), dtype=np.int64),
        patient_names=tuple(names),
        age=attributes["age"],
        family_load=attributes["family_load"],
        income=attributes["income"],
        patient_specialty=np.ones(count, dtype=np.int64),
        disease_burden=attributes["disease_burden"],
        treating=np.full(count, -1, dtype=np.int64),
        appointments=np.zeros(count, dtype=np.int64),
        eligible=eligible,
    )
