"""Appointment book speed: operations per second of ``sim.booking.book`` on a month of requests.

A 30-doctor centre (5 specialties of 6 doctors), 22 working days of 20 slots a
doctor-day (13 200 slots). A month of requests, generated once with a seeded
NumPy generator: each working day about 700 patients ask for the earliest slot
of their specialty (or of one doctor) from tomorrow to 10 days ahead
(``book_first``); some hold a slot they pick and confirm it a few requests later
(or release it, or let it lapse: ``expire`` runs every 50 requests); earlier
patients cancel or move their booking. The book replays the whole stream
(``check()`` off, and run once after each replay), the median of a few
replays timed with ``time.perf_counter``; then a naive reference book (slots in
one dictionary, every search a scan) replays the same stream, which must give
the same outcome at every step. Target: ≥ 50 000 operations per second.

Then the booking process in the simulation (``sim.booking.process``): the bundled
health centre grown to 30 doctors (24 general practitioners, 3 paediatricians, 3
obstetricians, 16 slots a morning) and 480 requests a day, one replication
played with ``fifo@realtime`` and ``fifo@end_of_day`` against the same centre
booked at once by ``fifo`` (the scenario without its ``booking:`` block): the
seconds of the booking alone and of the whole replication, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from policies.fifo import book_first_come
from scenarios import bundled_path
from sim.booking.book import AppointmentBook, Slot
from sim.booking.process import run_booking
from sim.clinic import Clinic
from sim.experiments.tasks import play
from sim.sampling import realise
from sim.scenario import Scenario, from_mapping, read_yaml

DOCTORS, SPECIALTIES, DAYS, SLOTS = 30, 5, 22, 20
REQUESTS_PER_DAY = 700  # about as many bookings as the 600 slots a day
WINDOW, LEAD = 10, 1  # book from tomorrow up to 10 days ahead
HOLD_MINUTES = 15.0
EXPIRE_EVERY = 50
TARGET_OPS = 50_000
OPEN, DAY_MINUTES = 8 * 60, 8 * 60

# one operation: (kind, patient, member or -1, day, members index or -1, time)
Op = tuple[str, int, int, int, int, float]


def specialty_members() -> list[list[int]]:
    per = DOCTORS // SPECIALTIES
    return [list(range(s * per, (s + 1) * per)) for s in range(SPECIALTIES)]


def month_of_requests(seed: int) -> list[Op]:
    """The stream: per day, requests in arrival order and their follow-ups (confirm,
    release) a few requests later; ``expire`` every ``EXPIRE_EVERY`` requests."""
    rng = np.random.default_rng(seed)
    ops: list[Op] = []
    patients = 0
    for today in range(DAYS):
        n = int(rng.poisson(REQUESTS_PER_DAY))
        kinds = rng.choice(
            ["first", "first_one", "confirm", "release", "lapse", "cancel", "move"],
            size=n,
            p=[0.58, 0.14, 0.08, 0.04, 0.02, 0.08, 0.06],
        )
        lags = rng.integers(1, 30, size=n)
        ahead = rng.integers(LEAD, WINDOW + 1, size=n)
        doctors = rng.integers(0, DOCTORS, size=n)
        specialties = rng.integers(0, SPECIALTIES, size=n)
        earlier = rng.random(size=n)
        keyed: list[tuple[float, Op]] = []
        for i in range(n):
            now = today * 1440 + OPEN + DAY_MINUTES * i / n
            day = min(today + int(ahead[i]), DAYS - 1)
            kind = str(kinds[i])
            if kind in ("cancel", "move"):
                patient = int(earlier[i] * patients) if patients else 0
            else:
                patient, patients = patients, patients + 1
            member = int(doctors[i])
            if kind == "first":
                keyed.append((i, ("book_first", patient, -1, today, int(specialties[i]), now)))
            elif kind == "first_one":
                keyed.append((i, ("book_first", patient, member, today, -1, now)))
            elif kind in ("cancel", "move"):
                keyed.append((i, (kind, patient, member, day, -1, now)))
            else:
                keyed.append((i, ("hold", patient, member, day, -1, now)))
                later = i + int(lags[i]) + 0.5
                follow = now + DAY_MINUTES * int(lags[i]) / n
                if kind != "lapse":
                    keyed.append((later, (kind, patient, -1, -1, -1, follow)))
            if i % EXPIRE_EVERY == EXPIRE_EVERY - 1:
                keyed.append((i + 0.75, ("expire", -1, -1, -1, -1, now)))
        keyed.sort(key=lambda pair: pair[0])
        ops += [op for _, op in keyed]
    return ops


def replay(book: AppointmentBook | NaiveBook, ops: Sequence[Op], record: bool = False) -> list:
    """Run the stream on a book; the outcomes as (ok, slot) pairs if ``record``."""
    groups = specialty_members()
    outcomes: list = []
    keep = outcomes.append if record else _ignore
    book_first, hold, confirm = book.book_first, book.hold, book.confirm
    for kind, patient, member, day, group, now in ops:
        if kind == "book_first":
            days = range(day + LEAD, min(day + WINDOW, DAYS - 1) + 1)
            members = groups[group] if group >= 0 else [member]
            result = book_first(patient, days, members)
        elif kind == "hold":
            result = hold(patient, member, day, None, now + HOLD_MINUTES)
        elif kind == "confirm":
            result = confirm(patient, now)
        elif kind == "release":
            result = book.release(patient)
        elif kind == "cancel":
            result = book.cancel(patient)
        elif kind == "move":
            result = book.move(patient, member, day)
        else:
            keep(book.expire(now))
            continue
        keep((result.ok, result.slot))
    return outcomes


def _ignore(_: object) -> None:
    return None


def fresh_book() -> AppointmentBook:
    return AppointmentBook({(m, d): SLOTS for m in range(DOCTORS) for d in range(DAYS)})


class _Result:
    __slots__ = ("ok", "slot")

    def __init__(self, ok: bool, slot: Slot | None) -> None:
        self.ok, self.slot = ok, slot


class NaiveBook:
    """The same operations with no index at all: one slot → patient dictionary, every
    search a scan of slots in order, expiry a scan of every hold."""

    def __init__(self, members: int, days: int, slots: int) -> None:
        self.slots = slots
        self.days = days
        self.members = members
        self.owner: dict[Slot, int] = {}
        self.booked: dict[int, Slot] = {}
        self.holds: dict[int, tuple[Slot, float, int]] = {}
        self.seq = 0

    def _first(self, member: int, day: int) -> Slot | None:
        if not (0 <= member < self.members and 0 <= day < self.days):
            return None
        for index in range(self.slots):
            slot = Slot(member, day, index)
            if slot not in self.owner:
                return slot
        return None

    def book_first(self, patient: int, days: range, members: list[int]) -> _Result:
        if patient in self.booked or patient in self.holds:
            return _Result(False, None)
        for day in days:
            for member in members:
                slot = self._first(member, day)
                if slot is not None:
                    self.owner[slot] = patient
                    self.booked[patient] = slot
                    return _Result(True, slot)
        return _Result(False, None)

    def hold(self, patient: int, member: int, day: int, _: None, until: float) -> _Result:
        slot = self._first(member, day)
        if patient in self.booked or patient in self.holds or slot is None:
            return _Result(False, None)
        self.seq += 1
        self.owner[slot] = patient
        self.holds[patient] = (slot, until, self.seq)
        return _Result(True, slot)

    def confirm(self, patient: int, now: float) -> _Result:
        held = self.holds.get(patient)
        if held is None or held[1] <= now:
            return _Result(False, None)
        del self.holds[patient]
        self.booked[patient] = held[0]
        return _Result(True, held[0])

    def release(self, patient: int) -> _Result:
        held = self.holds.pop(patient, None)
        if held is None:
            return _Result(False, None)
        del self.owner[held[0]]
        return _Result(True, held[0])

    def cancel(self, patient: int) -> _Result:
        slot = self.booked.pop(patient, None)
        if slot is None:
            return _Result(False, None)
        del self.owner[slot]
        return _Result(True, slot)

    def move(self, patient: int, member: int, day: int) -> _Result:
        old = self.booked.get(patient)
        new = self._first(member, day) if old is not None else None
        if new is None:
            return _Result(False, None)
        self.owner[new] = patient
        del self.owner[old]
        self.booked[patient] = new
        return _Result(True, new)

    def expire(self, now: float) -> list[tuple[int, Slot]]:
        due = sorted((h[1], h[2], p) for p, h in self.holds.items() if h[1] <= now)
        released = []
        for _, _, patient in due:
            slot = self.holds.pop(patient)[0]
            del self.owner[slot]
            released.append((patient, slot))
        return released


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    ops = month_of_requests(args.seed)
    kinds = Counter(op[0] for op in ops)
    seconds: list[float] = []
    book = fresh_book()
    for _ in range(args.repeats):
        book = fresh_book()
        seconds.append(timed(lambda book=book: replay(book, ops)))
        book.check()
    stats = book.stats
    applied = sum(s.applied for k, s in stats.items() if k != "expire")
    attempted = sum(s.attempted for k, s in stats.items() if k != "expire")
    check_seconds = timed(book.check)

    fast = statistics.median(seconds)
    naive_book = NaiveBook(DOCTORS, DAYS, SLOTS)
    naive = timed(lambda: replay(naive_book, ops))
    same = replay(fresh_book(), ops, record=True) == replay(
        NaiveBook(DOCTORS, DAYS, SLOTS), ops, record=True
    )

    rate, naive_rate = len(ops) / fast, len(ops) / naive
    print(
        f"Appointment book: {DOCTORS} doctors × {DAYS} days × {SLOTS} slots "
        f"({book.capacity():,} slots), a month of requests (seed {args.seed})"
    )
    print(
        f"  {len(ops):,} operations: "
        + ", ".join(f"{kind} {count:,}" for kind, count in kinds.most_common())
    )
    print(
        f"  applied {applied:,} of {attempted:,} ({100 * applied / attempted:.0f} %); "
        f"booked at the end {book.booked():,} of {book.capacity():,} slots"
    )
    print(
        f"  book (sim.booking.book)  {len(ops):,} ops in {fast:6.3f} s: {rate:>9,.0f} ops/s "
        f"(median of {args.repeats}; best {len(ops) / min(seconds):,.0f})"
    )
    print(f"  naive reference     {len(ops):,} ops in {naive:6.3f} s: {naive_rate:>9,.0f} ops/s")
    verdict = "meets" if rate >= TARGET_OPS else "MISSES"
    print(
        f"  book / naive = {rate / naive_rate:.1f}×; {rate:,.0f} ops/s ({verdict} the "
        f"{TARGET_OPS:,} ops/s target); check() on the full book {1000 * check_seconds:.1f} ms; "
        f"same outcomes as the reference: {'yes' if same else 'NO'}"
    )


def thirty_doctor_centre() -> tuple[Scenario, Scenario]:
    """The bundled health centre with 30 doctors and as many requests as slots; with
    and without its booking process."""
    raw = read_yaml(bundled_path("health_centre_realtime"))
    doctors = [
        {"name": f"{specialty} {k + 1}", "specialty": specialty}
        for specialty, count in (("general", 24), ("pediatria", 3), ("obstetricia", 3))
        for k in range(count)
    ]
    raw["resources"]["doctor"]["members"] = doctors
    raw["resources"]["admissions"]["count"] = 10
    raw["demand"]["requests_per_day"] = 16 * len(doctors)
    raw["demand"]["classes"]["general_urgent"]["share"] = 0.2
    raw["demand"]["classes"]["general_chronic"]["share"] = 0.3
    raw["demand"]["classes"]["general_control"]["share"] = 0.3
    raw["demand"]["classes"]["pediatria"]["share"] = 0.1
    raw["demand"]["classes"]["obstetricia"]["share"] = 0.1
    with_booking = from_mapping(raw, source="30 doctors")
    return with_booking, with_booking.model_copy(update={"booking": None})


def process_overhead() -> None:
    booking, at_once = thirty_doctor_centre()
    realisation = realise(booking, 0)
    at_once_booking = timed(lambda: book_first_come(realisation.requests, Clinic(at_once)))
    whole_at_once = timed(lambda: play(at_once, "fifo", 0))
    print(
        f"Booking process: 30 doctors, {len(realisation.requests):,} requests over "
        f"{booking.horizon.days} days (one replication)"
    )
    print(
        f"  fifo, booked at once:  booking {at_once_booking:6.2f} s, "
        f"replication {whole_at_once:6.2f} s"
    )
    for mode in ("realtime", "end_of_day"):
        result: list = []
        alone = timed(
            lambda mode=mode, result=result: result.append(run_booking(booking, realisation, mode))
        )
        whole = timed(lambda mode=mode: play(booking, f"fifo@{mode}", 0))
        operations = sum(sum(ops.values()) for ops in result[0].stats["operations"].values())
        print(
            f"  fifo@{mode:10}  booking {alone:6.2f} s ({operations:,} book operations, "
            f"{operations / alone:,.0f} a second), replication {whole:6.2f} s: "
            f"{whole / whole_at_once:.2f}× booking at once; double bookings "
            f"{result[0].double_bookings}"
        )


if __name__ == "__main__":
    main()
    process_overhead()
