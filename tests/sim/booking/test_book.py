"""The appointment book (``sim.booking.book``): never double-books, whatever the calls.

A Hypothesis state machine drives hold/confirm/release/book/book_first/cancel/
move/expire on small books with random capacities against a plain reference
model (lists and scans), comparing every outcome and, after every step, the
whole state and ``check()``. Threads hammer one small book at once. Unit tests
pin each operation's success and each refusal code, ``check()`` catching
corruption, and ``AppointmentBook.of_clinic`` on bundled scenarios.
"""

from __future__ import annotations

import random
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sim.booking.book import (
    KINDS,
    AppointmentBook,
    BookInconsistent,
    Outcome,
    Reason,
    Slot,
)
from sim.clinic import Clinic
from sim.scenario import load

# ---------------------------------------------------------------- reference model

MEMBERS, DAYS, PATIENTS = 3, 4, 20


def refused(reason: Reason) -> Outcome:
    return Outcome(False, None, reason)


class Model:
    """The book as plain dictionaries and scans: obviously right, slow."""

    def __init__(self, capacity: dict[tuple[int, int], int]) -> None:
        self.capacity = capacity
        self.booked: dict[int, Slot] = {}
        self.held: dict[int, tuple[Slot, float | None, int]] = {}  # slot, until, order
        self.order = 0

    def taken(self, member: int, day: int) -> set[int]:
        slots = [*self.booked.values(), *(h[0] for h in self.held.values())]
        return {s.index for s in slots if (s.member, s.day) == (member, day)}

    def free_slots(self, member: int, day: int) -> list[int]:
        taken = self.taken(member, day)
        return [i for i in range(self.capacity[member, day]) if i not in taken]

    def pick(self, member: int, day: int, index: int | None) -> Slot | Reason:
        if (member, day) not in self.capacity:
            return Reason.NO_SUCH_SLOT
        free = self.free_slots(member, day)
        if index is None:
            return Slot(member, day, free[0]) if free else Reason.FULL
        if not 0 <= index < self.capacity[member, day]:
            return Reason.NO_SUCH_SLOT
        return Slot(member, day, index) if index in free else Reason.TAKEN

    def newcomer(self, patient: int) -> Reason | None:
        if patient in self.booked:
            return Reason.ALREADY_BOOKED
        if patient in self.held:
            return Reason.ALREADY_HOLDING
        return None

    def hold(
        self, patient: int, member: int, day: int, index: int | None, until: float | None
    ) -> Outcome:
        reason = self.newcomer(patient)
        picked = self.pick(member, day, index) if reason is None else reason
        if isinstance(picked, Reason):
            return refused(picked)
        self.order += 1
        self.held[patient] = (picked, until, self.order)
        return Outcome(True, picked, Reason.OK)

    def confirm(self, patient: int, now: float | None) -> Outcome:
        if patient not in self.held:
            return refused(Reason.NO_HOLD)
        slot, until, _ = self.held[patient]
        if now is not None and until is not None and now >= until:
            return refused(Reason.EXPIRED)
        del self.held[patient]
        self.booked[patient] = slot
        return Outcome(True, slot, Reason.OK)

    def release(self, patient: int) -> Outcome:
        if patient not in self.held:
            return refused(Reason.NO_HOLD)
        slot = self.held.pop(patient)[0]
        return Outcome(True, slot, Reason.OK, slot)

    def book(self, patient: int, member: int, day: int, index: int | None) -> Outcome:
        reason = self.newcomer(patient)
        picked = self.pick(member, day, index) if reason is None else reason
        if isinstance(picked, Reason):
            return refused(picked)
        self.booked[patient] = picked
        return Outcome(True, picked, Reason.OK)

    def book_first(
        self, patient: int, days: Iterable[int], members: Sequence[int] | None
    ) -> Outcome:
        reason = self.newcomer(patient)
        if reason is not None:
            return refused(reason)
        for day in days:
            on_day = sorted(m for m, d in self.capacity if d == day)
            for member in on_day if members is None else members:
                if (member, day) in self.capacity and self.free_slots(member, day):
                    return self.book(patient, member, day, None)
        return refused(Reason.FULL)

    def cancel(self, patient: int) -> Outcome:
        if patient not in self.booked:
            return refused(Reason.NOT_BOOKED)
        slot = self.booked.pop(patient)
        return Outcome(True, slot, Reason.OK, slot)

    def move(self, patient: int, member: int, day: int, index: int | None) -> Outcome:
        if patient not in self.booked:
            return refused(Reason.NOT_BOOKED)
        old = self.booked[patient]
        if old == (member, day, index):
            return refused(Reason.SAME_SLOT)
        picked = self.pick(member, day, index)
        if isinstance(picked, Reason):
            return refused(picked)
        self.booked[patient] = picked
        return Outcome(True, picked, Reason.OK, old)

    def expire(self, now: float) -> list[tuple[int, Slot]]:
        due = sorted(
            (until, order, patient, slot)
            for patient, (slot, until, order) in self.held.items()
            if until is not None and until <= now
        )
        for _, _, patient, _ in due:
            del self.held[patient]
        return [(patient, slot) for _, _, patient, slot in due]


# ---------------------------------------------------------------- state machine

patients = st.integers(0, PATIENTS - 1)
# mostly the book's members and days; now and then MEMBERS or DAYS, which it does not have
members = st.sampled_from([*range(MEMBERS)] * 3 + [MEMBERS])
days = st.sampled_from([*range(DAYS)] * 3 + [DAYS])
indices = st.none() | st.sampled_from([0, 1, 2] * 3 + [-1, 3])  # -1 and 3: no such slot
times = st.integers(0, 12).map(float)
day_sets = st.builds(range, st.integers(0, DAYS), st.integers(0, DAYS + 1)) | st.lists(
    days, max_size=DAYS
)
aims = st.sampled_from([True, True, True, False])  # mostly a patient the rule can act on
member_lists = st.none() | st.lists(members, max_size=MEMBERS + 1)


class BookMachine(RuleBasedStateMachine):
    """Every call to the book and to the model gives the same outcome; states agree."""

    def __init__(self) -> None:
        super().__init__()
        self.book = AppointmentBook({})
        self.model = Model({})
        self.calls: Counter[str] = Counter()
        self.applied: Counter[str] = Counter()

    @initialize(capacities=st.lists(st.integers(0, 3), min_size=12, max_size=12))
    def build(self, capacities: list[int]) -> None:
        capacity = {(m, d): capacities[m * DAYS + d] for m in range(MEMBERS) for d in range(DAYS)}
        self.book = AppointmentBook(capacity)
        self.model = Model(dict(capacity))

    @staticmethod
    def aimed(patient: int, aim: bool, among: dict[int, object]) -> int:
        """With ``aim``, one of the patients ``among`` (if any) instead of any patient, so that
        confirm, release, cancel and move mostly meet someone they can act on."""
        if aim and among:
            ordered = sorted(among)
            return ordered[patient % len(ordered)]
        return patient

    def same(self, kind: str, got: Outcome, expected: Outcome) -> None:
        assert got == expected, f"{kind}: book {got}, model {expected}"
        self.calls[kind] += 1
        self.applied[kind] += got.ok

    @rule(patient=patients, member=members, day=days, index=indices, until=st.none() | times)
    def hold(
        self, patient: int, member: int, day: int, index: int | None, until: float | None
    ) -> None:
        self.same(
            "hold",
            self.book.hold(patient, member, day, index, until),
            self.model.hold(patient, member, day, index, until),
        )

    @rule(patient=patients, aim=aims, now=st.none() | times)
    def confirm(self, patient: int, aim: bool, now: float | None) -> None:
        patient = self.aimed(patient, aim, self.model.held)
        self.same("confirm", self.book.confirm(patient, now), self.model.confirm(patient, now))

    @rule(patient=patients, aim=aims)
    def release(self, patient: int, aim: bool) -> None:
        patient = self.aimed(patient, aim, self.model.held)
        self.same("release", self.book.release(patient), self.model.release(patient))

    @rule(patient=patients, member=members, day=days, index=indices)
    def book_slot(self, patient: int, member: int, day: int, index: int | None) -> None:
        self.same(
            "book",
            self.book.book(patient, member, day, index),
            self.model.book(patient, member, day, index),
        )

    @rule(patient=patients, days=day_sets, members=member_lists)
    def book_first(self, patient: int, days: Sequence[int], members: list[int] | None) -> None:
        self.same(
            "book_first",
            self.book.book_first(patient, days, members),
            self.model.book_first(patient, days, members),
        )

    @rule(patient=patients, aim=aims)
    def cancel(self, patient: int, aim: bool) -> None:
        patient = self.aimed(patient, aim, self.model.booked)
        self.same("cancel", self.book.cancel(patient), self.model.cancel(patient))

    @rule(patient=patients, aim=aims, member=members, day=days, index=indices)
    def move(self, patient: int, aim: bool, member: int, day: int, index: int | None) -> None:
        patient = self.aimed(patient, aim, self.model.booked)
        self.same(
            "move",
            self.book.move(patient, member, day, index),
            self.model.move(patient, member, day, index),
        )

    @rule(now=times)
    def expire(self, now: float) -> None:
        assert self.book.expire(now) == self.model.expire(now)

    @invariant()
    def consistent(self) -> None:
        self.book.check()

    @invariant()
    def patients_where_the_model_says(self) -> None:
        # a confirmed patient stays where the model puts them until cancelled or moved
        for patient in range(PATIENTS):
            assert self.book.where(patient) == self.model.booked.get(patient)
            held = self.model.held.get(patient)
            assert self.book.holding(patient) == (None if held is None else held[0])
        assert self.book.booked() == len(self.model.booked)
        assert self.book.held() == len(self.model.held)

    @invariant()
    def one_patient_a_slot(self) -> None:
        slots = [self.book.where(p) for p in range(PATIENTS)]
        slots += [self.book.holding(p) for p in range(PATIENTS)]
        taken = [s for s in slots if s is not None]
        assert len(taken) == len(set(taken))

    @invariant()
    def slots_add_up(self) -> None:
        booked = Counter((s.member, s.day) for s in self.model.booked.values())
        held = Counter((h[0].member, h[0].day) for h in self.model.held.values())
        for (member, day), capacity in self.model.capacity.items():
            free = self.book.free(member, day)
            assert booked[member, day] + held[member, day] + free == capacity
            assert self.book.capacity(member, day) == capacity
            assert self.book.free_slots(member, day) == self.model.free_slots(member, day)
            expected = {
                s.index: p
                for p, s in self.model.booked.items()
                if (s.member, s.day) == (member, day)
            }
            assert self.book.patients_on(member, day) == dict(sorted(expected.items()))

    @invariant()
    def counted(self) -> None:
        stats = self.book.stats
        for kind, calls in self.calls.items():
            assert (stats[kind].attempted, stats[kind].applied) == (calls, self.applied[kind])


BookMachine.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBookAgainstModel = BookMachine.TestCase


# ---------------------------------------------------------------- threads


def test_threads_never_double_book() -> None:
    """16 threads book, hold, confirm, release, cancel and move their own patients on
    12 shared slots; every thread's count of its successes matches the book."""
    book = AppointmentBook({(m, d): 3 for m in range(2) for d in range(2)})
    threads, steps = 16, 8000
    barrier = threading.Barrier(threads)
    booked_by: list[set[int]] = [set() for _ in range(threads)]

    def worker(t: int) -> None:
        rng = random.Random(t)
        mine = booked_by[t]
        barrier.wait()
        for _ in range(steps):
            patient = t * 100 + rng.randrange(5)
            member, day, index = rng.randrange(2), rng.randrange(2), rng.choice([None, 0, 1, 2])
            op = rng.random()
            if op < 0.25:
                if book.book_first(patient, range(2)):
                    mine.add(patient)
            elif op < 0.4:
                if book.book(patient, member, day, index):
                    mine.add(patient)
            elif op < 0.55:
                if book.cancel(patient):
                    mine.remove(patient)
            elif op < 0.7:
                book.move(patient, member, day, index)
            elif op < 0.82:
                book.hold(patient, member, day, index)
            elif op < 0.92:
                if book.confirm(patient):
                    mine.add(patient)
            else:
                book.release(patient)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        sys.setswitchinterval(interval)

    book.check()
    everyone = [t * 100 + k for t in range(threads) for k in range(5)]
    assert {p for p in everyone if book.where(p) is not None} == set().union(*booked_by)
    slots = [s for p in everyone for s in (book.where(p), book.holding(p)) if s is not None]
    assert len(slots) == len(set(slots)) == book.booked() + book.held()
    stats = book.stats
    net = sum(stats[k].applied for k in ("book", "book_first", "confirm")) - stats["cancel"].applied
    assert book.booked() == net
    assert sum(s.attempted for s in stats.values()) == threads * steps
    assert stats["book"].refused["taken"] > 0  # the threads did compete for slots


# ---------------------------------------------------------------- unit tests


@pytest.fixture
def book() -> AppointmentBook:
    """Member 0 has 3 slots on days 0 and 1, member 1 has 2 on day 0 and none on day 1."""
    return AppointmentBook({(0, 0): 3, (1, 0): 2, (0, 1): 3, (1, 1): 0})


def test_capacity_and_free_counts(book: AppointmentBook) -> None:
    assert book.capacity() == 8
    assert (book.capacity(day=0), book.capacity(member=0), book.capacity(0, 1)) == (5, 6, 3)
    assert (book.free(0, 0), book.free(1, 1), book.free_on(0), book.free_on(9)) == (3, 0, 5, 0)
    assert book.free_slots(0, 0) == [0, 1, 2]
    assert (book.booked(), book.held()) == (0, 0)
    assert book.days() == [0, 1] and book.members(0) == [0, 1] and book.members(7) == []


@pytest.mark.parametrize(
    "capacity",
    [{(0, 0): -1}, {(0, 0): 1.5}, {(0, 0): True}, {(0, -1): 2}, {(0,): 2}, {"a": 2}],
)
def test_bad_capacities_are_refused(capacity: dict) -> None:
    with pytest.raises(ValueError):
        AppointmentBook(capacity)


def test_queries_about_a_missing_member_day_raise(book: AppointmentBook) -> None:
    with pytest.raises(KeyError, match="no member 5 on day 0"):
        book.free(5, 0)
    with pytest.raises(KeyError):
        book.patients_on(0, 3)


def test_hold_takes_the_first_free_slot_or_the_one_asked(book: AppointmentBook) -> None:
    first = book.hold("a", 0, 0)
    assert first == Outcome(True, Slot(0, 0, 0), Reason.OK) and first
    assert book.hold("b", 0, 0, slot=2) == Outcome(True, Slot(0, 0, 2), Reason.OK)
    assert book.holding("a") == Slot(0, 0, 0) and book.where("a") is None
    assert (book.free_slots(0, 0), book.held(), book.booked()) == ([1], 2, 0)
    assert book.patients_on(0, 0) == {}  # holds are not bookings
    book.check()


@pytest.mark.parametrize(
    ("member", "day", "slot", "reason"),
    [
        (0, 0, 0, Reason.TAKEN),  # "x" holds it
        (1, 1, None, Reason.FULL),  # a day off
        (1, 1, 0, Reason.NO_SUCH_SLOT),
        (0, 0, 3, Reason.NO_SUCH_SLOT),
        (0, 0, -1, Reason.NO_SUCH_SLOT),
        (2, 0, None, Reason.NO_SUCH_SLOT),
        (0, 2, None, Reason.NO_SUCH_SLOT),
    ],
)
def test_hold_and_book_refusals_change_nothing(
    book: AppointmentBook, member: int, day: int, slot: int | None, reason: Reason
) -> None:
    book.hold("x", 0, 0, 0)
    for outcome in (book.hold("a", member, day, slot), book.book("a", member, day, slot)):
        assert outcome == Outcome(False, None, reason) and not outcome
    assert (book.holding("a"), book.where("a"), book.held(), book.booked()) == (None, None, 1, 0)
    assert book.free_slots(0, 0) == [1, 2]
    book.check()


def test_full_member_day_is_refused(book: AppointmentBook) -> None:
    assert book.book("a", 1, 0) and book.hold("b", 1, 0)
    assert book.book("c", 1, 0).reason == Reason.FULL
    assert book.hold("c", 1, 0).reason == Reason.FULL


def test_a_patient_holds_or_books_one_slot_only(book: AppointmentBook) -> None:
    book.hold("a", 0, 0)
    book.book("b", 0, 1)
    assert book.hold("a", 0, 1).reason == Reason.ALREADY_HOLDING
    assert book.book("a", 0, 1).reason == Reason.ALREADY_HOLDING
    assert book.book_first("a", range(2)).reason == Reason.ALREADY_HOLDING
    assert book.hold("b", 0, 0).reason == Reason.ALREADY_BOOKED
    assert book.book("b", 0, 0).reason == Reason.ALREADY_BOOKED
    assert book.book_first("b", range(2)).reason == Reason.ALREADY_BOOKED
    assert (book.holding("a"), book.where("b")) == (Slot(0, 0, 0), Slot(0, 1, 0))
    assert book.free(0, 0) + book.free(0, 1) == 4


def test_confirm_turns_the_hold_into_a_booking(book: AppointmentBook) -> None:
    book.hold("a", 0, 1, 2, until=30.0)
    assert book.confirm("a", now=29.9) == Outcome(True, Slot(0, 1, 2), Reason.OK)
    assert (book.where("a"), book.holding("a"), book.booked(), book.held()) == (
        Slot(0, 1, 2),
        None,
        1,
        0,
    )
    assert book.patients_on(0, 1) == {2: "a"}
    assert book.expire(100.0) == []  # a confirmed hold's expiry no longer applies
    assert book.where("a") == Slot(0, 1, 2)
    book.check()


def test_confirm_refusals(book: AppointmentBook) -> None:
    assert book.confirm("a") == Outcome(False, None, Reason.NO_HOLD)
    book.book("b", 0, 0)
    assert book.confirm("b").reason == Reason.NO_HOLD
    book.hold("c", 0, 0, until=30.0)
    assert book.confirm("c", now=30.0) == Outcome(False, None, Reason.EXPIRED)
    assert book.holding("c") == Slot(0, 0, 1)  # left for expire
    assert book.confirm("c").ok  # without a time, the hold still counts
    book.check()


def test_release_frees_the_held_slot(book: AppointmentBook) -> None:
    book.hold("a", 0, 0, 1)
    assert book.release("a") == Outcome(True, Slot(0, 0, 1), Reason.OK, Slot(0, 0, 1))
    assert (book.holding("a"), book.free(0, 0), book.held()) == (None, 3, 0)
    assert book.release("a") == Outcome(False, None, Reason.NO_HOLD)
    book.book("b", 0, 0)
    assert book.release("b").reason == Reason.NO_HOLD and book.where("b") == Slot(0, 0, 0)
    book.check()


def test_book_is_hold_and_confirm(book: AppointmentBook) -> None:
    assert book.book("a", 1, 0) == Outcome(True, Slot(1, 0, 0), Reason.OK)
    assert book.book("b", 1, 0, slot=1) == Outcome(True, Slot(1, 0, 1), Reason.OK)
    assert (book.where("a"), book.holding("a"), book.booked(), book.held()) == (
        Slot(1, 0, 0),
        None,
        2,
        0,
    )
    assert book.patients_on(1, 0) == {0: "a", 1: "b"}
    assert book.free_on(0) == 3


def test_book_first_takes_the_earliest_day_then_member() -> None:
    book = AppointmentBook({(m, d): 1 for m in range(3) for d in range(3)})
    book.book("x", 0, 1)
    assert book.book_first("a", range(1, 3)).slot == Slot(1, 1, 0)  # day 1, member 0 full
    assert book.book_first("b", range(1, 3)).slot == Slot(2, 1, 0)
    assert book.book_first("c", range(1, 3)).slot == Slot(0, 2, 0)  # day 1 full: day 2
    assert book.book_first("d", [2, 0], members=[2, 0]).slot == Slot(2, 2, 0)  # member order
    assert book.book_first("e", [2, 0], members=[2, 0]).slot == Slot(2, 0, 0)  # then day 0
    assert book.book_first("f", [7, 0], members=[9, 1]).slot == Slot(1, 0, 0)  # unknowns skipped
    assert book.book_first("g", [1, 2], members=[0]) == Outcome(False, None, Reason.FULL)
    assert book.book_first("g", range(3, 30)).reason == Reason.FULL  # beyond the book
    assert book.book_first("g", []).reason == Reason.FULL
    assert book.where("g") is None and book.booked() == 7
    book.check()


def test_book_first_takes_the_lowest_free_index() -> None:
    book = AppointmentBook({(0, 0): 4})
    book.book("a", 0, 0, 0)
    book.book("b", 0, 0, 2)
    assert book.book_first("c", [0]).slot == Slot(0, 0, 1)
    book.cancel("a")
    assert book.book_first("d", [0]).slot == Slot(0, 0, 0)
    assert book.book_first("e", [0]).slot == Slot(0, 0, 3)
    assert book.book_first("f", [0]).reason == Reason.FULL


def test_cancel_frees_the_slot_for_someone_else(book: AppointmentBook) -> None:
    book.book("a", 1, 0, 1)
    assert book.cancel("a") == Outcome(True, Slot(1, 0, 1), Reason.OK, Slot(1, 0, 1))
    assert (book.where("a"), book.free(1, 0), book.booked()) == (None, 2, 0)
    assert book.book("b", 1, 0, 1).ok  # the freed slot, offered to the waiting list
    assert book.cancel("a") == Outcome(False, None, Reason.NOT_BOOKED)
    book.hold("c", 0, 0)
    assert book.cancel("c").reason == Reason.NOT_BOOKED and book.holding("c") == Slot(0, 0, 0)
    book.check()


def test_move_takes_the_new_slot_and_frees_the_old(book: AppointmentBook) -> None:
    book.book("a", 0, 0, 0)
    assert book.move("a", 0, 1) == Outcome(True, Slot(0, 1, 0), Reason.OK, Slot(0, 0, 0))
    assert (book.where("a"), book.free(0, 0), book.free(0, 1), book.booked()) == (
        Slot(0, 1, 0),
        3,
        2,
        1,
    )
    assert book.move("a", 0, 1, 2).freed == Slot(0, 1, 0)  # within the same day
    assert book.move("a", 0, 1).slot == Slot(0, 1, 0)  # the first free one
    assert book.patients_on(0, 1) == {0: "a"}
    book.check()


@pytest.mark.parametrize(
    ("member", "day", "slot", "reason"),
    [
        (1, 0, 0, Reason.TAKEN),
        (1, 0, None, Reason.FULL),
        (0, 0, 0, Reason.SAME_SLOT),
        (1, 1, None, Reason.FULL),
        (0, 0, 5, Reason.NO_SUCH_SLOT),
        (4, 4, None, Reason.NO_SUCH_SLOT),
    ],
)
def test_a_refused_move_changes_nothing(
    book: AppointmentBook, member: int, day: int, slot: int | None, reason: Reason
) -> None:
    book.book("a", 0, 0, 0)
    book.book("b", 1, 0, 0)
    book.hold("c", 1, 0, 1)
    assert book.move("a", member, day, slot) == Outcome(False, None, reason)
    assert (book.where("a"), book.where("b"), book.holding("c")) == (
        Slot(0, 0, 0),
        Slot(1, 0, 0),
        Slot(1, 0, 1),
    )
    assert (book.free_on(0), book.free_on(1)) == (2, 3)
    book.check()


def test_move_needs_a_booking(book: AppointmentBook) -> None:
    assert book.move("a", 0, 0) == Outcome(False, None, Reason.NOT_BOOKED)
    book.hold("a", 0, 0)
    assert book.move("a", 0, 1).reason == Reason.NOT_BOOKED
    assert book.holding("a") == Slot(0, 0, 0) and book.free(0, 1) == 3


def test_expire_releases_lapsed_holds_only(book: AppointmentBook) -> None:
    book.hold("late", 0, 0, until=20.0)
    book.hold("early", 0, 1, until=10.0)
    book.hold("forever", 1, 0)
    book.hold("confirmed", 0, 0, until=5.0)
    book.confirm("confirmed")
    book.hold("again", 0, 1, until=5.0)
    book.release("again")
    book.hold("again", 0, 1, until=50.0)  # a new hold: the old expiry must not touch it
    assert book.expire(9.9) == []
    assert book.expire(20.0) == [("early", Slot(0, 1, 0)), ("late", Slot(0, 0, 0))]
    assert book.holding("late") is None and book.free(0, 0) == 2
    assert (book.holding("forever"), book.holding("again")) == (Slot(1, 0, 0), Slot(0, 1, 1))
    assert book.where("confirmed") == Slot(0, 0, 1)
    assert book.expire(1e9) == [("again", Slot(0, 1, 1))]
    assert book.held() == 1
    book.check()


def test_expire_keeps_its_queue_small() -> None:
    book = AppointmentBook({(0, 0): 1})
    for t in range(1000):
        book.hold("a", 0, 0, until=1e6 + t)
        book.release("a")
    assert len(book._expiry) <= 2 * book.held() + 65
    book.check()


def test_misuse_raises(book: AppointmentBook) -> None:
    with pytest.raises(ValueError, match="None"):
        book.book(None, 0, 0)
    with pytest.raises(ValueError, match="NaN"):
        book.hold("a", 0, 0, until=float("nan"))
    assert book.stats["book"].attempted == 0 and book.held() == 0


def test_stats_count_attempts_applications_and_refusals(book: AppointmentBook) -> None:
    book.book("a", 0, 0)
    book.book("b", 0, 0, 0)
    book.book("a", 0, 1)
    book.cancel("z")
    book.hold("h", 0, 1, until=1.0)
    book.expire(0.5)
    book.expire(1.0)
    stats = book.stats
    assert set(stats) == set(KINDS)
    assert (stats["book"].attempted, stats["book"].applied) == (3, 1)
    assert stats["book"].refused == Counter({"taken": 1, "already_booked": 1})
    assert (stats["cancel"].attempted, stats["cancel"].applied) == (1, 0)
    assert (stats["expire"].attempted, stats["expire"].applied) == (2, 1)
    assert stats["move"].attempted == 0
    stats["book"].attempted = 99  # a snapshot: the book's own counts are untouched
    assert book.stats["book"].attempted == 3


def test_outcome_is_truthy_only_when_applied() -> None:
    assert Outcome(True, Slot(0, 0, 0), Reason.OK)
    assert not Outcome(False, None, Reason.FULL)
    assert Reason.FULL == "full" and str(Reason.NO_HOLD) == "no_hold"


def corrupt_double_owner(book: AppointmentBook) -> None:
    book._cells[0, 1].owners[0] = "a"
    book._cells[0, 1].free_mask &= ~1
    book._day_free[1] -= 1


def corrupt_free_bit(book: AppointmentBook) -> None:
    book._cells[0, 0].free_mask |= 1


def corrupt_day_count(book: AppointmentBook) -> None:
    book._day_free[0] += 1


def corrupt_patient_index(book: AppointmentBook) -> None:
    book._booked["a"] = Slot(0, 0, 2)


def corrupt_both_holding_and_booked(book: AppointmentBook) -> None:
    hold = book._holds["h"]
    book._booked["h"] = hold.slot


def corrupt_lost_expiry(book: AppointmentBook) -> None:
    book._expiry.clear()


def corrupt_stats(book: AppointmentBook) -> None:
    book._stats["book"].applied += 1


@pytest.mark.parametrize(
    "corrupt",
    [
        corrupt_double_owner,
        corrupt_free_bit,
        corrupt_day_count,
        corrupt_patient_index,
        corrupt_both_holding_and_booked,
        corrupt_lost_expiry,
        corrupt_stats,
    ],
)
def test_check_finds_corruption(book: AppointmentBook, corrupt) -> None:
    book.book("a", 0, 0, 0)
    book.hold("h", 1, 0, until=10.0)
    book.check()
    corrupt(book)
    with pytest.raises(BookInconsistent):
        book.check()
    with pytest.raises(AssertionError):  # BookInconsistent is an AssertionError
        book.check()


# ---------------------------------------------------------------- of_clinic


def test_of_clinic_uses_the_scenarios_daily_slots() -> None:
    clinic = Clinic(load("ophthalmology"))  # 3 ophthalmologists, 22 slots, 20 days
    book = AppointmentBook.of_clinic(clinic, "ophthalmologist")
    assert book.capacity() == 3 * 22 * 20
    assert book.days() == list(range(20)) and book.members(19) == [0, 1, 2]
    assert book.free(2, 19) == 22
    short = AppointmentBook.of_clinic(clinic, "ophthalmologist", days=5)
    assert short.capacity() == 3 * 22 * 5 and short.days() == list(range(5))


def test_of_clinic_follows_members_weekdays_and_rosters() -> None:
    clinic = Clinic(load("essalud_outpatient"))  # per-member slots by weekday, mon-sat
    book = AppointmentBook.of_clinic(clinic, "doctor")
    # Medicina interna 1: mon 5, tue 10, ...; day 6 is the second monday
    assert (book.capacity(0, 0), book.capacity(0, 1), book.capacity(0, 6)) == (5, 10, 5)
    expected = sum(
        clinic.daily_slots("doctor", m, d) or 0 for m in range(15) for d in range(clinic.days)
    )
    assert book.capacity() == expected > 0
    fridays_off = Clinic(load("ophthalmology", ["resources.ophthalmologist.roster={fri: 2}"]))
    book = AppointmentBook.of_clinic(fridays_off, "ophthalmologist")
    assert (book.capacity(2, 3), book.capacity(2, 4), book.capacity(1, 4)) == (22, 0, 22)
    assert book.book("a", 2, 4).reason == Reason.FULL


def test_of_clinic_needs_finite_capacity() -> None:
    clinic = Clinic(load("ophthalmology"))  # technicians have no daily_slots
    with pytest.raises(ValueError, match="unlimited_as"):
        AppointmentBook.of_clinic(clinic, "technician")
    book = AppointmentBook.of_clinic(clinic, "technician", unlimited_as=8)
    assert book.capacity() == 4 * 20 * 8
    with pytest.raises(ValueError, match="no resource"):
        AppointmentBook.of_clinic(clinic, "surgeon")
    with pytest.raises(ValueError, match="horizon"):
        AppointmentBook.of_clinic(clinic, "ophthalmologist", days=21)
