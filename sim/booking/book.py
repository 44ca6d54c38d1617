"""The appointment book: which patient holds or has booked which slot, and nothing else.

Every booking mode (real-time through the day, at the end of the day, walk-in),
cancellation, re-booking of freed slots to a waiting list and move goes through
one ``AppointmentBook``, a pure data structure (no SimPy, no clock of its own).

A slot is ``Slot(member, day, index)``: a bookable member of the booking
resource, a horizon day (0-based) and an index ``0 .. capacity - 1`` of that
member-day. Capacities are fixed when the book is built
(``AppointmentBook(capacity)`` or ``AppointmentBook.of_clinic``).

A slot is free, *held* (tentatively reserved for a patient, optionally until a
time in simulation minutes) or *booked*. A patient holds at most one slot or has
at most one booking, never both. Each operation (``hold``, ``confirm``,
``release``, ``book``, ``book_first``, ``cancel``, ``move``, ``expire``) is
atomic and runs under one lock, so threads cannot double-book either. A normal
refusal (the slot is taken, the patient has no hold, ...) is not an exception:
the operation returns an ``Outcome`` whose ``reason`` is a short stable code
(``Reason``) and changes nothing. Misuse (a ``None`` patient, a NaN expiry, a
query about a member-day the book does not have) raises.

No operation scans slots. Per member-day the book keeps its owners by index and
a bit mask of its free indices (the first free slot is the lowest set bit, the
free count its popcount), per day a count of free slots (``book_first`` skips a
full day without looking at its members, and on other days looks at one mask per
member), patient → slot dictionaries, and a heap of hold expiry times with lazy
deletion (an entry of a hold since confirmed or released is skipped when popped,
and the heap is rebuilt when such entries outnumber the live ones). ``check()``
rebuilds all of it from the slot table and raises ``BookInconsistent`` if
anything disagrees.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

if TYPE_CHECKING:
    from sim.clinic import Clinic

Patient: TypeAlias = Hashable
"""Any hashable id but ``None`` (which would read as a free slot)."""

KINDS: tuple[str, ...] = (
    "hold",
    "confirm",
    "release",
    "book",
    "book_first",
    "cancel",
    "move",
    "expire",
)


class Slot(NamedTuple):
    """One appointment: member of the booking resource, horizon day, index within the day."""

    member: int
    day: int
    index: int


class Reason(StrEnum):
    """Why an operation did what it did: ``ok`` or the refusal's stable code."""

    OK = "ok"
    FULL = "full"  # no free slot in the member-day (or in the days/members asked)
    TAKEN = "taken"  # the slot asked for is held or booked
    NO_SUCH_SLOT = "no_such_slot"  # the book has no such member-day or index
    ALREADY_BOOKED = "already_booked"  # the patient has a booking (use move)
    ALREADY_HOLDING = "already_holding"  # the patient holds a slot (confirm or release it)
    NO_HOLD = "no_hold"  # confirm/release of a patient who holds nothing
    NOT_BOOKED = "not_booked"  # cancel/move of a patient without a booking
    EXPIRED = "expired"  # confirm at or after the hold's expiry time
    SAME_SLOT = "same_slot"  # move to the slot the patient already has


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an operation did. ``slot``: the slot now held or booked (hold, confirm, book,
    book_first, move) or let go (release, cancel); ``freed``: the slot that became free
    (release, cancel, move's old slot). A refusal has ``ok`` false, both ``None``, and
    changed nothing. ``bool(outcome)`` is ``outcome.ok``."""

    ok: bool
    slot: Slot | None
    reason: Reason
    freed: Slot | None = None

    def __bool__(self) -> bool:
        return self.ok


@dataclass
class OpStats:
    """Calls of one kind of operation: attempted, applied, and refusals by reason.
    For ``expire``, applied counts the calls that released at least one hold."""

    attempted: int = 0
    applied: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def copy(self) -> OpStats:
        return OpStats(self.attempted, self.applied, Counter(self.refused))


class BookInconsistent(AssertionError):
    """``AppointmentBook.check()`` found the book's structures disagreeing."""


class _Hold(NamedTuple):
    slot: Slot
    until: float | None
    seq: int  # tells this hold's expiry entry from a stale one of an earlier hold


class _MemberDay:
    """One member-day: its capacity, owners by index (``None`` = free), free-index bits."""

    __slots__ = ("capacity", "free_mask", "owners")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.free_mask = (1 << capacity) - 1
        self.owners: list[Patient | None] = [None] * capacity


_REFUSED: dict[Reason, Outcome] = {r: Outcome(False, None, r) for r in Reason if r is not Reason.OK}


def _lowest_bit(mask: int) -> int:
    """Index of the lowest set bit of a non-zero mask."""
    return (mask & -mask).bit_length() - 1


def _bits(mask: int) -> list[int]:
    """Indices of the set bits of ``mask``, ascending."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


class AppointmentBook:
    """Slots of a booking resource over the horizon; atomic, thread-safe operations."""

    def __init__(self, capacity: Mapping[tuple[int, int], int]) -> None:
        """``capacity[(member, day)]``: slots of that member-day (0 for a day off).
        Member-days not in the mapping do not exist for the book."""
        self._lock = threading.Lock()
        self._cells: dict[tuple[int, int], _MemberDay] = {}
        members_of_day: dict[int, list[int]] = {}
        for key, slots in capacity.items():
            member, day = _member_day_key(key)
            if isinstance(slots, bool) or not isinstance(slots, int) or slots < 0:
                raise ValueError(f"capacity of member {member} on day {day}: {slots!r} is not ≥ 0")
            self._cells[member, day] = _MemberDay(slots)
            members_of_day.setdefault(day, []).append(member)
        self._members_of_day = {d: sorted(ms) for d, ms in sorted(members_of_day.items())}
        self._day_free = {
            d: sum(self._cells[m, d].capacity for m in ms) for d, ms in self._members_of_day.items()
        }
        self._total = sum(cell.capacity for cell in self._cells.values())
        self._booked: dict[Patient, Slot] = {}
        self._holds: dict[Patient, _Hold] = {}
        self._expiry: list[tuple[float, int, Patient]] = []
        self._seq = 0
        self._stats = {kind: OpStats() for kind in KINDS}

    @classmethod
    def of_clinic(
        cls,
        clinic: Clinic,
        resource: str,
        days: int | None = None,
        unlimited_as: int | None = None,
    ) -> AppointmentBook:
        """The book of ``resource``'s members over the first ``days`` horizon days (all of
        them by default), each member-day with ``clinic.daily_slots`` slots (0 when the
        member is not at work). A book needs finite capacities: where the scenario sets no
        limit (``daily_slots`` is ``None``) ``unlimited_as`` slots are used, and without
        it that is a ``ValueError``."""
        if resource not in clinic.resources:
            known = ", ".join(sorted(clinic.resources)) or "none"
            raise ValueError(f"no resource {resource!r} in the clinic (resources: {known})")
        days = clinic.days if days is None else days
        if not 0 <= days <= clinic.days:
            raise ValueError(f"days must be within 0..{clinic.days} (the horizon), got {days}")
        if unlimited_as is not None and unlimited_as < 0:
            raise ValueError(f"unlimited_as must be ≥ 0, got {unlimited_as}")
        capacity: dict[tuple[int, int], int] = {}
        for member in range(len(clinic.member_names(resource))):
            for day in range(days):
                slots = clinic.daily_slots(resource, member, day)
                if slots is None:
                    if unlimited_as is None:
                        raise ValueError(
                            f"{resource} member {member} has no daily_slots limit on day {day}: "
                            "a book needs finite capacity (pass unlimited_as)"
                        )
                    slots = unlimited_as
                capacity[member, day] = slots
        return cls(capacity)

    # ------------------------------------------------------------ operations

    def hold(
        self,
        patient: Patient,
        member: int,
        day: int,
        slot: int | None = None,
        until: float | None = None,
    ) -> Outcome:
        """Reserve slot ``slot`` (or the first free one) of the member-day for ``patient``,
        until ``until`` (simulation minutes; ``None``: until confirmed or released)."""
        _check_patient(patient)
        if until is not None and math.isnan(until):
            raise ValueError("until must be a time or None, got NaN")
        with self._lock:
            refusal = self._refuse_newcomer(patient)
            if refusal is None:
                picked = self._pick(member, day, slot)
                if isinstance(picked, Reason):
                    refusal = _REFUSED[picked]
                else:
                    self._hold(patient, picked, until)
                    return self._count("hold", Outcome(True, picked, Reason.OK))
            return self._count("hold", refusal)

    def confirm(self, patient: Patient, now: float | None = None) -> Outcome:
        """Turn ``patient``'s hold into a booking. With ``now`` at or after the hold's expiry
        time the hold counts as lapsed: refused (``expired``), the hold left to ``expire``."""
        with self._lock:
            held = self._holds.get(patient)
            if held is None:
                return self._count("confirm", _REFUSED[Reason.NO_HOLD])
            if now is not None and held.until is not None and held.until <= now:
                return self._count("confirm", _REFUSED[Reason.EXPIRED])
            del self._holds[patient]
            self._booked[patient] = held.slot
            return self._count("confirm", Outcome(True, held.slot, Reason.OK))

    def release(self, patient: Patient) -> Outcome:
        """Drop ``patient``'s hold; its slot is free again."""
        with self._lock:
            held = self._holds.pop(patient, None)
            if held is None:
                return self._count("release", _REFUSED[Reason.NO_HOLD])
            self._vacate(held.slot)
            return self._count("release", Outcome(True, held.slot, Reason.OK, held.slot))

    def book(self, patient: Patient, member: int, day: int, slot: int | None = None) -> Outcome:
        """Book slot ``slot`` (or the first free one) of the member-day: hold and confirm."""
        _check_patient(patient)
        with self._lock:
            refusal = self._refuse_newcomer(patient)
            if refusal is None:
                picked = self._pick(member, day, slot)
                if isinstance(picked, Reason):
                    refusal = _REFUSED[picked]
                else:
                    self._book(patient, picked)
                    return self._count("book", Outcome(True, picked, Reason.OK))
            return self._count("book", refusal)

    def book_first(
        self, patient: Patient, days: Iterable[int], members: Sequence[int] | None = None
    ) -> Outcome:
        """Book the earliest free slot: the first of ``days`` (in the order given) with a
        free slot, on it the first of ``members`` (all the book's, ascending, by default),
        its lowest free index. Days and members the book does not have are skipped."""
        _check_patient(patient)
        with self._lock:
            refusal = self._refuse_newcomer(patient)
            if refusal is None:
                found = self._first_free(days, members)
                if found is None:
                    refusal = _REFUSED[Reason.FULL]
                else:
                    self._book(patient, found)
                    return self._count("book_first", Outcome(True, found, Reason.OK))
            return self._count("book_first", refusal)

    def cancel(self, patient: Patient) -> Outcome:
        """Cancel ``patient``'s booking; ``slot`` and ``freed`` are the slot now free (to
        offer to a waiting list)."""
        with self._lock:
            booked = self._booked.pop(patient, None)
            if booked is None:
                return self._count("cancel", _REFUSED[Reason.NOT_BOOKED])
            self._vacate(booked)
            return self._count("cancel", Outcome(True, booked, Reason.OK, booked))

    def move(self, patient: Patient, member: int, day: int, slot: int | None = None) -> Outcome:
        """Move ``patient``'s booking to slot ``slot`` (or the first free one) of the
        member-day, freeing the old slot (``freed``). If the new slot is not free, nothing
        changes."""
        with self._lock:
            old = self._booked.get(patient)
            if old is None:
                return self._count("move", _REFUSED[Reason.NOT_BOOKED])
            picked = self._pick(member, day, slot)
            if isinstance(picked, Reason):
                if picked is Reason.TAKEN and _same_slot(old, member, day, slot):
                    picked = Reason.SAME_SLOT
                return self._count("move", _REFUSED[picked])
            self._occupy(picked, patient)
            self._booked[patient] = picked
            self._vacate(old)
            return self._count("move", Outcome(True, picked, Reason.OK, old))

    def expire(self, now: float) -> list[tuple[Patient, Slot]]:
        """Release every hold whose expiry time is at or before ``now``; returns the
        patients and the slots freed, earliest expiry first."""
        with self._lock:
            released: list[tuple[Patient, Slot]] = []
            while self._expiry and self._expiry[0][0] <= now:
                _, seq, patient = heapq.heappop(self._expiry)
                held = self._holds.get(patient)
                if held is not None and held.seq == seq:
                    del self._holds[patient]
                    self._vacate(held.slot)
                    released.append((patient, held.slot))
            stats = self._stats["expire"]
            stats.attempted += 1
            if released:
                stats.applied += 1
            else:
                stats.refused["none_due"] += 1
            return released

    # ------------------------------------------------------------ queries

    def where(self, patient: Patient) -> Slot | None:
        """``patient``'s booked slot, if any."""
        with self._lock:
            return self._booked.get(patient)

    def holding(self, patient: Patient) -> Slot | None:
        """The slot ``patient`` holds, if any."""
        with self._lock:
            held = self._holds.get(patient)
            return None if held is None else held.slot

    def free(self, member: int, day: int) -> int:
        """Free slots of the member-day (``KeyError`` if the book has no such member-day)."""
        with self._lock:
            return self._cell(member, day).free_mask.bit_count()

    def free_slots(self, member: int, day: int) -> list[int]:
        """Indices of the member-day's free slots, ascending."""
        with self._lock:
            return _bits(self._cell(member, day).free_mask)

    def free_on(self, day: int) -> int:
        """Free slots of every member on ``day`` (0 for a day the book does not have)."""
        with self._lock:
            return self._day_free.get(day, 0)

    def booked(self) -> int:
        """Patients with a booking."""
        with self._lock:
            return len(self._booked)

    def held(self) -> int:
        """Patients holding a slot."""
        with self._lock:
            return len(self._holds)

    def capacity(self, member: int | None = None, day: int | None = None) -> int:
        """Slots of the whole book, or of one member, one day, or one member-day."""
        with self._lock:
            if member is None and day is None:
                return self._total
            return sum(
                cell.capacity
                for (m, d), cell in self._cells.items()
                if (member is None or m == member) and (day is None or d == day)
            )

    def patients_on(self, member: int, day: int) -> dict[int, Patient]:
        """Booked patients of the member-day by slot index, ascending (holds left out)."""
        with self._lock:
            cell = self._cell(member, day)
            return {
                index: patient
                for index, patient in enumerate(cell.owners)
                if patient is not None and self._booked.get(patient) == (member, day, index)
            }

    def days(self) -> list[int]:
        """The days the book has, ascending."""
        return list(self._members_of_day)

    def members(self, day: int) -> list[int]:
        """The members the book has on ``day``, ascending."""
        return list(self._members_of_day.get(day, ()))

    @property
    def stats(self) -> dict[str, OpStats]:
        """A snapshot of the calls of each kind of operation."""
        with self._lock:
            return {kind: s.copy() for kind, s in self._stats.items()}

    # ------------------------------------------------------------ consistency

    def check(self) -> None:
        """Verify every invariant from scratch; raise ``BookInconsistent`` naming what broke."""
        with self._lock:
            problems = self._problems()
        if problems:
            shown = "; ".join(problems[:20])
            more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
            raise BookInconsistent(f"{len(problems)} problem(s): {shown}{more}")

    def _problems(self) -> list[str]:
        problems: list[str] = []
        where: dict[Patient, list[Slot]] = {}
        for (member, day), cell in self._cells.items():
            problems += _cell_problems(member, day, cell)
            for index, patient in enumerate(cell.owners):
                if patient is not None:
                    where.setdefault(patient, []).append(Slot(member, day, index))
        for patient, slots in where.items():
            if len(slots) > 1:
                problems.append(f"patient {patient!r} is in {len(slots)} slots: {slots}")
        problems += self._patient_problems(where)
        problems += self._count_problems()
        problems += self._expiry_problems()
        return problems

    def _patient_problems(self, where: dict[Patient, list[Slot]]) -> list[str]:
        problems: list[str] = []
        for patient in self._booked.keys() & self._holds.keys():
            problems.append(f"patient {patient!r} both holds and has a booking")
        for patient, slot in self._booked.items():
            if where.get(patient, [None])[0] != slot:
                problems.append(f"booked patient {patient!r} not in the table at {slot}")
        for patient, held in self._holds.items():
            if where.get(patient, [None])[0] != held.slot:
                problems.append(f"holding patient {patient!r} not in the table at {held.slot}")
        for patient, slots in where.items():
            if patient not in self._booked and patient not in self._holds:
                problems.append(f"patient {patient!r} in the table at {slots[0]} is not known")
        return problems

    def _count_problems(self) -> list[str]:
        problems: list[str] = []
        booked = Counter((s.member, s.day) for s in self._booked.values())
        held = Counter((h.slot.member, h.slot.day) for h in self._holds.values())
        for (member, day), cell in self._cells.items():
            b, h, f = booked[member, day], held[member, day], cell.free_mask.bit_count()
            if b + h + f != cell.capacity:
                problems.append(
                    f"member {member} day {day}: booked {b} + held {h} + free {f} "
                    f"!= capacity {cell.capacity}"
                )
        for day, members in self._members_of_day.items():
            free = sum(self._cells[m, day].free_mask.bit_count() for m in members)
            if self._day_free.get(day) != free:
                problems.append(f"day {day}: free count {self._day_free.get(day)} != {free}")
        if self._day_free.keys() != self._members_of_day.keys():
            problems.append("the per-day free counts do not cover the book's days")
        if self._total != sum(cell.capacity for cell in self._cells.values()):
            problems.append(f"total capacity {self._total} is not the member-days' sum")
        for kind, s in self._stats.items():
            if not 0 <= s.applied <= s.attempted or s.applied + s.refused.total() != s.attempted:
                problems.append(f"stats of {kind}: {s}")
        return problems

    def _expiry_problems(self) -> list[str]:
        problems: list[str] = []
        heap = self._expiry
        for i in range(1, len(heap)):
            if heap[(i - 1) // 2][:2] > heap[i][:2]:
                problems.append(f"expiry heap out of order at {i}")
                break
        entries = {(until, seq) for until, seq, _ in heap}
        for patient, held in self._holds.items():
            if held.until is not None and (held.until, held.seq) not in entries:
                problems.append(f"hold of {patient!r} until {held.until} has no expiry entry")
        return problems

    # ------------------------------------------------------------ internals (lock held)

    def _cell(self, member: int, day: int) -> _MemberDay:
        cell = self._cells.get((member, day))
        if cell is None:
            raise KeyError(f"the book has no member {member} on day {day}")
        return cell

    def _refuse_newcomer(self, patient: Patient) -> Outcome | None:
        """The refusal of a new hold or booking for ``patient``, or ``None`` if allowed."""
        if patient in self._booked:
            return _REFUSED[Reason.ALREADY_BOOKED]
        if patient in self._holds:
            return _REFUSED[Reason.ALREADY_HOLDING]
        return None

    def _pick(self, member: int, day: int, index: int | None) -> Slot | Reason:
        """Slot ``index`` of the member-day if free, its first free slot if ``index`` is
        ``None``, or why not."""
        cell = self._cells.get((member, day))
        if cell is None:
            return Reason.NO_SUCH_SLOT
        if index is None:
            if not cell.free_mask:
                return Reason.FULL
            return Slot(member, day, _lowest_bit(cell.free_mask))
        if not 0 <= index < cell.capacity:
            return Reason.NO_SUCH_SLOT
        if not cell.free_mask >> index & 1:
            return Reason.TAKEN
        return Slot(member, day, index)

    def _first_free(self, days: Iterable[int], members: Sequence[int] | None) -> Slot | None:
        cells, day_free = self._cells, self._day_free
        for day in days:
            if not day_free.get(day):
                continue
            for member in self._members_of_day[day] if members is None else members:
                cell = cells.get((member, day))
                if cell is not None and cell.free_mask:
                    return Slot(member, day, _lowest_bit(cell.free_mask))
        return None

    def _occupy(self, slot: Slot, patient: Patient) -> None:
        cell = self._cells[slot.member, slot.day]
        cell.owners[slot.index] = patient
        cell.free_mask &= ~(1 << slot.index)
        self._day_free[slot.day] -= 1

    def _vacate(self, slot: Slot) -> None:
        cell = self._cells[slot.member, slot.day]
        cell.owners[slot.index] = None
        cell.free_mask |= 1 << slot.index
        self._day_free[slot.day] += 1

    def _book(self, patient: Patient, slot: Slot) -> None:
        self._occupy(slot, patient)
        self._booked[patient] = slot

    def _hold(self, patient: Patient, slot: Slot, until: float | None) -> None:
        self._occupy(slot, patient)
        self._seq += 1
        self._holds[patient] = _Hold(slot, until, self._seq)
        if until is not None:
            heapq.heappush(self._expiry, (until, self._seq, patient))
            if len(self._expiry) > 2 * len(self._holds) + 64:
                self._compact_expiry()

    def _compact_expiry(self) -> None:
        """Drop the expiry entries of holds already confirmed or released."""
        self._expiry = [(h.until, h.seq, p) for p, h in self._holds.items() if h.until is not None]
        heapq.heapify(self._expiry)

    def _count(self, kind: str, outcome: Outcome) -> Outcome:
        stats = self._stats[kind]
        stats.attempted += 1
        if outcome.ok:
            stats.applied += 1
        else:
            stats.refused[outcome.reason.value] += 1
        return outcome


def _same_slot(old: Slot, member: int, day: int, index: int | None) -> bool:
    """Whether the slot asked for (``index`` given) is ``old``."""
    return index is not None and old == (member, day, index)


def _check_patient(patient: Patient) -> None:
    if patient is None:
        raise ValueError("a patient id must not be None")


def _member_day_key(key: tuple[int, int]) -> tuple[int, int]:
    """Validate a capacity key: a ``(member, day)`` pair of integers ≥ 0."""
    if (
        not isinstance(key, tuple)
        or len(key) != 2
        or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 0 for k in key)
    ):
        raise ValueError(f"capacity keys are (member, day) pairs of integers ≥ 0, got {key!r}")
    return key[0], key[1]


def _cell_problems(member: int, day: int, cell: _MemberDay) -> list[str]:
    problems: list[str] = []
    if len(cell.owners) != cell.capacity:
        problems.append(
            f"member {member} day {day}: {len(cell.owners)} owners, {cell.capacity} slots"
        )
    if cell.free_mask >> cell.capacity or cell.free_mask < 0:
        problems.append(f"member {member} day {day}: free bits beyond the capacity")
    for index, patient in enumerate(cell.owners):
        if (patient is None) != bool(cell.free_mask >> index & 1):
            state = "empty" if patient is None else f"taken by {patient!r}"
            problems.append(
                f"member {member} day {day} slot {index}: {state} but free bit disagrees"
            )
    return problems


__all__ = [
    "KINDS",
    "AppointmentBook",
    "BookInconsistent",
    "OpStats",
    "Outcome",
    "Patient",
    "Reason",
    "Slot",
]
