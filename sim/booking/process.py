"""The booking process of one replication: how the requests become appointments.

With a ``booking:`` block in the scenario, the requests of the horizon come in
through the day by channel (desk, phone, online: each its share and hours) and
are booked in an appointment book per booking resource (``sim.booking.book``) by the
mode:

- ``realtime``: each request, when it comes, holds the slot the policy's rule
  picks (GRASP's on a batch of one for ``grasp``, first come for the others) and
  is confirmed ``confirm_minutes`` later (the slot is held, not free,
  meanwhile);
- ``end_of_day``: the day's requests are collected and booked together at
  ``closes_at`` by the policy (``grasp`` optimises over the batch, the others
  take them in order of request); a request after the close waits for the next
  day's close, and is booked as that day's;
- ``walk_in``: no booking: patients come on their request day, at opening, and
  are seen while the day's slots last; the rest come back the next working day.
  A patient who would cancel or miss an appointment simply does not come, and
  takes no place.

The rule that picks a slot on its own is first come: the earliest day from
``request day + min_lead_days`` to the booking window with a free slot of an
eligible member (right specialty), the member with the most free slots that
day. With a booking, patients who cancel (``behaviour.cancellation``) free
their slot ``notice_days`` before the day (at a uniform time between booking and
the day when less time is left); the slot is offered automatically
to patients booked later and to those not booked (by priority or by order of
request, ``booking.refill.order``), one at a time, each taking
``answer_hours`` to answer and accepting with the probability ``accept`` gives
for the days of notice left; no offer is made for a slot sooner than
``min_notice_days``. A patient who accepts moves to the freed slot, and the slot
they leave is offered in turn. Patients who will cancel decline offers. A
share of booked patients (``booking.moves``) ask to move to a later day (and
are offered no slot before it afterwards).

The process is a heap of timed events (minutes from the horizon's first
midnight, working days of 1440 minutes): the order of events is all there is
to it, so no SimPy process is needed. Luck is drawn up front per replication
(``realise_booking``), the same for every policy.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.booking.book import AppointmentBook, Slot
from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED
from sim.sampling import Realisation, stream
from sim.scenario import Booking, Scenario
from sim.slotbook import BookingBatch, SlotBook

DAY = 24 * 60
MAX_OFFERS_A_PATIENT = 16  # answers drawn per patient; later offers are declined
BatchRule = Callable[[BookingBatch], list[tuple[int, int] | None]]


@dataclass(frozen=True)
class BookingLuck:
    """What happens to each request, drawn before any policy acts."""

    channel: np.ndarray  # index into the scenario's channels
    request_minute: np.ndarray  # minute of the day the request comes
    confirm_minutes: np.ndarray
    moves: np.ndarray  # bool: the patient asks to move
    move_later_days: np.ndarray
    move_notice_days: np.ndarray
    answers: np.ndarray  # uniforms, one per offer a patient receives
    late_notice: np.ndarray  # uniforms: when a notice longer than the time left is given


def realise_booking(scenario: Scenario, rep: int, n: int) -> BookingLuck:
    booking = _booking_of(scenario)
    channels = list(booking.channels.values())
    shares = np.array([c.share for c in channels])
    channel = stream(scenario.seed, rep, "booking", "channel").choice(
        len(channels), size=n, p=shares / shares.sum()
    )
    minute = np.zeros(n)
    confirm = np.zeros(n)
    for k, c in enumerate(channels):
        rows = np.flatnonzero(channel == k)
        key = list(booking.channels)[k]
        when = stream(scenario.seed, rep, "booking", "minute", key)
        minute[rows] = request_minutes(c.hours.start, c.hours.end, c.profile, when, len(rows))
        wait = c.confirm_minutes.sample(stream(scenario.seed, rep, "booking", "confirm", key), n)
        confirm[rows] = np.maximum(wait[rows], 0.0)
    moves = booking.moves
    return BookingLuck(
        channel=channel,
        request_minute=minute,
        confirm_minutes=confirm,
        moves=stream(scenario.seed, rep, "booking", "moves").random(n) < moves.probability,
        move_later_days=np.maximum(
            moves.later_days.sample(stream(scenario.seed, rep, "booking", "later"), n), 1.0
        ),
        move_notice_days=np.maximum(
            moves.notice_days.sample(stream(scenario.seed, rep, "booking", "move_notice"), n), 0.0
        ),
        answers=stream(scenario.seed, rep, "booking", "answers").random((n, MAX_OFFERS_A_PATIENT)),
        late_notice=stream(scenario.seed, rep, "booking", "late_notice").random(n),
    )


def request_minutes(
    start: int, end: int, profile: list[float] | None, rng: np.random.Generator, n: int
) -> np.ndarray:
    """Minutes of the day requests come at: uniform within ``[start, end)``, or by
    ``profile``, relative weights of equal parts of it, uniform within each part."""
    weights = np.asarray(profile or [1.0], dtype=float)
    part = (end - start) / len(weights)
    chosen = rng.choice(len(weights), size=n, p=weights / weights.sum())
    return start + (chosen + rng.random(n)) * part


def _booking_of(scenario: Scenario) -> Booking:
    if scenario.booking is None:
        raise ValueError(f"{scenario.name} has no booking block")
    return scenario.booking


@dataclass
class BookingResult:
    """The booking each patient ends with and how it came about."""

    day: np.ndarray  # final day (a patient who cancelled keeps the day they cancelled)
    member: np.ndarray
    requested_at: np.ndarray  # minutes from the horizon's start
    confirmed_at: np.ndarray  # NaN: never booked
    offers: np.ndarray  # offers each patient received
    accepted: np.ndarray  # offers each patient accepted
    moved: np.ndarray  # moves each patient asked for and got
    moved_earlier: np.ndarray  # of the offers accepted, those that moved a booking earlier
    no_show_slots: int = 0  # slots booked by patients who did not come
    freed: int = 0  # slots freed by cancellations
    refilled: int = 0  # of those, booked again by the day
    double_bookings: int = 0  # slots two patients end in (checked: always 0)
    stats: dict[str, Any] = field(default_factory=dict)


class BookingProcess:
    """One replication's booking under one mode and one policy's batch rule."""

    def __init__(
        self,
        scenario: Scenario,
        realisation: Realisation,
        luck: BookingLuck,
        mode: str,
        batch_rule: BatchRule | None = None,
    ):
        self.scenario = scenario
        self.booking = _booking_of(scenario)
        self.clinic = Clinic(scenario)
        self.requests = realisation.requests
        self.outcomes = realisation.outcomes
        self.luck = luck
        self.mode = mode
        self.batch_rule = batch_rule
        n = len(self.requests)
        protocols = scenario.protocols
        self.resource_of = [
            protocols[self.requests.protocol_of(p)].booking_resource() or "" for p in range(n)
        ]
        self.books = {
            r: AppointmentBook.of_clinic(self.clinic, r) for r in sorted(set(self.resource_of))
        }
        self.capacity = {r: self._capacity(r) for r in self.books}
        self.eligible = [self._eligible(p) for p in range(n)]
        self.requested_at = self.requests.request_day * DAY + luck.request_minute
        # the day whose booking a request joins: its own, but at the end of the day a
        # request after the day's close is booked at the next day's close
        self.booking_day = np.asarray(self.requests.request_day, dtype=np.int64)
        if mode == "end_of_day":
            closes = self.booking_day * DAY + self.booking.closes_at
            self.booking_day = self.booking_day + (self.requested_at > closes)
        self.confirmed_at = np.full(n, np.nan)
        self.cancelled_day = np.full(n, UNBOOKED, dtype=np.int64)
        self.cancelled_member = np.full(n, NO_MEMBER, dtype=np.int64)
        self.offers = np.zeros(n, dtype=np.int64)
        self.accepted = np.zeros(n, dtype=np.int64)
        self.moved = np.zeros(n, dtype=np.int64)
        self.moved_earlier = np.zeros(n, dtype=np.int64)  # offers accepted while booked
        self.not_before = np.zeros(n, dtype=np.int64)  # a move asked for: no offer sooner
        self.waiting: set[int] = set()  # requested, not booked
        self.freed: list[Slot] = []
        self.freed_resource: list[str] = []
        self._events: list[tuple[float, int, str, Any]] = []
        self._seq = itertools.count()

    # ---------------------------------------------------------------- set-up

    def _capacity(self, resource: str) -> np.ndarray:
        """Slots per member and day (``daily_slots``; the booking block's checks make them
        finite), as the policies' calendars read them."""
        return SlotBook(self.clinic, resource).capacity.astype(np.int64)

    def _eligible(self, p: int) -> list[int]:
        resource = self.resource_of[p]
        wanted = self.requests.specialty_of(p)
        specialties = self.clinic.member_specialties(resource)
        return [m for m, own in enumerate(specialties) if wanted is None or wanted in own]

    # ---------------------------------------------------------------- the loop

    def run(self) -> BookingResult:
        for p in range(len(self.requests)):
            if self.mode == "walk_in" and self._stays_home(p):
                continue
            self._at(self.requested_at[p], "request", p)
        if self.mode == "end_of_day":
            for d in range(self.clinic.days):
                self._at(d * DAY + self.booking.closes_at, "close", d)
        handlers = {
            "request": self._request,
            "confirm": self._confirm,
            "close": self._close,
            "cancel": self._cancel,
            "move": self._move,
            "offer": self._offer,
        }
        while self._events:
            now, _seq, kind, payload = heapq.heappop(self._events)
            handlers[kind](now, payload)
        return self._result()

    def _stays_home(self, p: int) -> bool:
        """Walk-in: a patient who would cancel or not show does not come (their request
        day stays theirs, so the day's records count them, but they take no place)."""
        return bool(self.outcomes.cancelled[p] or self.outcomes.no_show[p])

    def _at(self, time: float, kind: str, payload: Any) -> None:
        heapq.heappush(self._events, (float(time), next(self._seq), kind, payload))

    # ---------------------------------------------------------------- requests

    def _window(self, p: int, walk_in: bool = False) -> range:
        demand = self.scenario.demand
        asked = int(self.booking_day[p])
        first = asked + (0 if walk_in else demand.min_lead_days)
        last = self.clinic.days - 1
        if not walk_in:
            last = min(last, asked + demand.booking_window_days)
            if self._booked_at(p) >= asked * DAY + self.clinic.close:
                first = max(first, asked + 1)  # booked after the clinic closed: not today
        return range(first, last + 1)

    def _booked_at(self, p: int) -> float:
        """When a request is booked: when it comes (real time) or at its day's close."""
        if self.mode == "end_of_day":
            return float(self.booking_day[p] * DAY + self.booking.closes_at)
        return float(self.requested_at[p])

    def _choose(self, p: int, days: range) -> tuple[int, int] | None:
        """First come: the earliest day with a free eligible slot, the freest member."""
        book = self.books[self.resource_of[p]]
        for d in days:
            if not book.free_on(d):
                continue
            free = [(book.free(m, d), -m) for m in self.eligible[p] if m in book.members(d)]
            best = max(free, default=(0, 0))
            if best[0] > 0:
                return d, -best[1]
        return None

    def _request(self, now: float, p: int) -> None:
        if self.mode == "end_of_day":
            return  # booked at the day's close
        book = self.books[self.resource_of[p]]
        if self.mode == "walk_in":
            found = self._choose(p, self._window(p, walk_in=True))
            if found is None:
                self.waiting.add(p)
                return
            book.book(p, found[1], found[0])
            self.confirmed_at[p] = now
            return
        if not self._hold_by_rule(p):
            found = self._choose(p, self._window(p))
            if found is None:
                self.waiting.add(p)
                return
            book.hold(p, found[1], found[0])
        self._at(now + self.luck.confirm_minutes[p], "confirm", p)

    def _hold_by_rule(self, p: int) -> bool:
        """Real time with a policy's own rule (GRASP's, on a batch of one): hold the slot
        it picks; False if there is no rule or it picks nothing free."""
        if self.batch_rule is None:
            return False
        (found,) = self._batch(self.resource_of[p], [p], int(self.booking_day[p]))
        if found is None or found[0] not in self._window(p):
            return False
        return self.books[self.resource_of[p]].hold(p, found[1], found[0]).ok

    def _confirm(self, now: float, p: int) -> None:
        outcome = self.books[self.resource_of[p]].confirm(p)
        assert outcome.ok, f"patient {p}'s hold could not be confirmed: {outcome.reason}"
        self._booked(now, p)

    def _booked(self, now: float, p: int) -> None:
        """A patient's booking is confirmed: schedule their cancellation or move."""
        self.confirmed_at[p] = now
        self.waiting.discard(p)
        slot = self.books[self.resource_of[p]].where(p)
        assert slot is not None
        day_start = slot.day * DAY
        if self.outcomes.cancelled[p]:
            notice = float(self.outcomes.notice_days[p]) * DAY
            self._at(self._before(now, day_start, notice, p), "cancel", p)
        elif self.luck.moves[p]:
            notice = float(self.luck.move_notice_days[p]) * DAY
            self._at(self._before(now, day_start, notice, p), "move", p)

    def _before(self, now: float, day_start: float, notice: float, p: int) -> float:
        """``notice`` before the day; when less time is left than that, a uniform time
        between now and the day (a patient cannot cancel before they have booked)."""
        if day_start - notice >= now:
            return day_start - notice
        return now + self.luck.late_notice[p] * max(0.0, day_start - now)

    def _close(self, now: float, d: int) -> None:
        """End of day ``d``: its requests booked together, resource by resource."""
        today = sorted(
            (int(p) for p in np.flatnonzero(self.booking_day == d)),
            key=lambda p: self.requested_at[p],
        )
        by_resource: dict[str, list[int]] = defaultdict(list)
        for p in today:
            by_resource[self.resource_of[p]].append(int(p))
        for resource, patients in sorted(by_resource.items()):
            chosen = self._batch(resource, patients, d)
            book = self.books[resource]
            for p, found in zip(patients, chosen, strict=True):
                placed = found is not None and book.book(p, found[1], found[0]).ok
                if not placed:  # the batch rule found nothing, or a slot it no longer has
                    found = self._choose(p, self._window(p))
                    placed = found is not None and book.book(p, found[1], found[0]).ok
                if placed:
                    self._booked(now, p)
                else:
                    self.waiting.add(p)

    def _batch(self, resource: str, patients: list[int], d: int) -> list[tuple[int, int] | None]:
        if self.batch_rule is None:
            return [None] * len(patients)  # first come, one by one, in order of request
        window = self._window(patients[0])
        book = self.books[resource]
        capacity = self.capacity[resource]
        free = np.zeros_like(capacity)
        for (m, day), _ in np.ndenumerate(capacity):
            if capacity[m, day]:
                free[m, day] = book.free(m, day)
        batch = BookingBatch(resource, patients, d, (window.start, window.stop - 1), capacity, free)
        return self.batch_rule(batch)

    # ---------------------------------------------------------------- cancellations and moves

    def _cancel(self, now: float, p: int) -> None:
        book = self.books[self.resource_of[p]]
        outcome = book.cancel(p)
        if not outcome.ok or outcome.freed is None:
            return
        slot = outcome.freed
        self.cancelled_day[p], self.cancelled_member[p] = slot.day, slot.member
        self.freed.append(slot)
        self.freed_resource.append(self.resource_of[p])
        self._at(now, "offer", (self.resource_of[p], slot, frozenset(), 0))

    def _move(self, now: float, p: int) -> None:
        book = self.books[self.resource_of[p]]
        current = book.where(p)
        if current is None or current.day * DAY < now:
            return  # an earlier slot accepted meanwhile, whose day is past: nothing to move
        later = current.day + round(float(self.luck.move_later_days[p]))
        found = self._choose(p, range(later, self.clinic.days))
        if found is None:
            return
        outcome = book.move(p, found[1], found[0])
        if outcome.ok and outcome.freed is not None:
            self.moved[p] += 1
            self.not_before[p] = later
            self._at(now, "offer", (self.resource_of[p], outcome.freed, frozenset(), 0))

    def _offer(self, now: float, payload: tuple[str, Slot, frozenset[int], int]) -> None:
        """Offer a free slot to the next candidate; they answer ``answer_hours`` later."""
        resource, slot, tried, made = payload
        refill = self.booking.refill
        book = self.books[resource]
        notice = (slot.day * DAY - now) / DAY
        if slot.index not in book.free_slots(slot.member, slot.day):
            return  # taken meanwhile (by a request in real time)
        if made >= refill.max_offers or notice < refill.min_notice_days:
            return
        candidate = self._candidate(resource, slot, tried, now)
        if candidate is None:
            return
        answer = now + refill.answer_hours * 60
        self.offers[candidate] += 1
        k = int(self.offers[candidate]) - 1
        draw = self.luck.answers[candidate, k] if k < MAX_OFFERS_A_PATIENT else 1.0
        accepts = not self.outcomes.cancelled[candidate] and draw < _acceptance(refill, notice)
        if accepts and self._take(candidate, slot, answer):
            return
        self._at(answer, "offer", (resource, slot, tried | {candidate}, made + 1))

    def _take(self, p: int, slot: Slot, when: float) -> bool:
        book = self.books[self.resource_of[p]]
        before = book.where(p)
        if before is None:
            if not book.book(p, slot.member, slot.day, slot.index).ok:
                return False
            self.accepted[p] += 1
            self._booked(when, p)
            return True
        outcome = book.move(p, slot.member, slot.day, slot.index)
        if not outcome.ok:
            return False
        self.accepted[p] += 1
        self.moved_earlier[p] += 1
        if outcome.freed is not None:
            self._at(when, "offer", (self.resource_of[p], outcome.freed, frozenset(), 0))
        return True

    def _candidate(
        self, resource: str, slot: Slot, tried: frozenset[int], now: float
    ) -> int | None:
        """Who is offered the slot: booked later or waiting, eligible for its member and
        with the slot's day in their booking window (and not before a day they moved
        to), first by priority (or request) then by request."""
        book = self.books[resource]
        order = self.booking.refill.order
        best: tuple[Any, ...] | None = None
        chosen = None
        for p in self._interested(resource, slot, now):
            if p in tried or slot.member not in self.eligible[p]:
                continue
            window = self._window(p)
            if slot.day < max(window.start, self.not_before[p]) or slot.day >= window.stop:
                continue
            where = book.where(p)
            if where is not None and where.day <= slot.day:
                continue
            rank = (self.requested_at[p],)
            if order == "priority":
                rank = (-int(self.requests.priority[p]), *rank)
            if best is None or rank < best:
                best, chosen = rank, p
        return chosen

    def _interested(self, resource: str, slot: Slot, now: float) -> list[int]:
        booked_later = [
            int(p)
            for d in range(slot.day + 1, self.clinic.days)
            for m in self.books[resource].members(d)
            for p in self.books[resource].patients_on(m, d).values()
        ]
        waiting = [p for p in self.waiting if self.resource_of[p] == resource]
        return [p for p in booked_later + waiting if self.requested_at[p] <= now]

    # ---------------------------------------------------------------- the result

    def _result(self) -> BookingResult:
        n = len(self.requests)
        day = np.full(n, UNBOOKED, dtype=np.int64)
        member = np.full(n, NO_MEMBER, dtype=np.int64)
        taken: list[tuple[str, int, int, int]] = []
        for p in range(n):
            slot = self.books[self.resource_of[p]].where(p)
            if slot is not None:
                day[p], member[p] = slot.day, slot.member
                taken.append((self.resource_of[p], slot.member, slot.day, slot.index))
            elif self.cancelled_day[p] != UNBOOKED:
                day[p], member[p] = self.cancelled_day[p], self.cancelled_member[p]
            elif self.mode == "walk_in" and self._stays_home(p):
                day[p] = self.requests.request_day[p]
        # a slot freed twice was booked again in between (only a booking is cancelled):
        # each freeing but its last was refilled, the last one if the slot ends booked
        freed = set(zip(self.freed_resource, self.freed, strict=True))
        refilled = len(self.freed) - len(freed)
        refilled += sum(
            slot.index in self.books[r].patients_on(slot.member, slot.day) for r, slot in freed
        )
        for book in self.books.values():
            book.check()
        return BookingResult(
            day=day,
            member=member,
            requested_at=self.requested_at,
            confirmed_at=self.confirmed_at,
            offers=self.offers,
            accepted=self.accepted,
            moved=self.moved,
            moved_earlier=self.moved_earlier,
            no_show_slots=int(
                sum(
                    self.outcomes.no_show[p]
                    and self.books[self.resource_of[p]].where(p) is not None
                    for p in range(n)
                )
            ),
            freed=len(self.freed),
            refilled=int(refilled),
            double_bookings=len(taken) - len(set(taken)),
            stats={
                "mode": self.mode,
                "operations": {
                    r: {k: s.applied for k, s in b.stats.items()} for r, b in self.books.items()
                },
            },
        )


def _acceptance(refill: Any, notice_days: float) -> float:
    """The probability of accepting an offer with ``notice_days`` of notice: the value of
    the largest key of ``refill.accept`` not above the notice (0 below every key)."""
    keys = [k for k in sorted(refill.accept) if k <= notice_days]
    return float(refill.accept[keys[-1]]) if keys else 0.0


def run_booking(
    scenario: Scenario,
    realisation: Realisation,
    mode: str,
    batch_rule: BatchRule | None = None,
) -> BookingResult:
    luck = realise_booking(scenario, realisation.rep, len(realisation.requests))
    return BookingProcess(scenario, realisation, luck, mode, batch_rule).run()
