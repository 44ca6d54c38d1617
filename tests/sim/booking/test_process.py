"""The booking process (``sim.booking.process``) and its numbers (``sim.booking.metrics``).

Small hand-made clinics (one or two doctors, one to three slots a day, a few days),
driven through ``BookingProcess`` with a ``Realisation`` and a ``BookingLuck`` built by
hand, so that every day, member, time and count below is worked out in a comment:

- real time, first come: the earliest day of ``[request + min_lead_days, request +
  booking_window_days]`` with a free eligible slot, the member with most free slots;
  a held slot is not free before its confirmation; a request that finds nothing is
  not booked and is later offered a freed slot;
- specialties: a class with a specialty is booked only with members who have it;
- end of day: the day's requests booked at ``closes_at`` in order of request (or by
  the policy's batch rule: what the rule is given, GRASP giving the next day to the
  neediest); a request after the close is booked at the next day's close;
- walk-in: the request day while slots last, then the next days; patients who would
  cancel or miss take no place;
- re-booking of cancelled slots: notice against ``min_notice_days``, acceptance by
  days of notice, order by priority or request, a declined offer going to the next
  candidate ``answer_hours`` later, ``max_offers``, the chain of moves, patients who
  will cancel declining; ``offers``, ``accepted``, ``freed`` and ``refilled`` by hand;
- moves to a later day, and cancellations with less time left than their notice;
- on the bundled ``health_centre_realtime``, for every way of booking: no double
  booking, no member-day over its slots, the same booking twice, the same requests
  and luck for every policy, no slot confirmed before its request, a refill rate in
  [0, 1];
- ``booking_values`` on a hand-made ``BookingResult``;
- the ``booking:`` block's cross checks and ``booking_mode_of``.

Times are minutes from the horizon's first midnight, a working day being 1440.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import numpy as np
import pytest

import sim.booking.process as booking_process
import sim.experiments.tasks as tasks
from policies import REGISTRY, make_policy
from policies.base import PolicyError, booking_mode_of
from sim.booking.metrics import booking_values
from sim.booking.process import (
    DAY,
    MAX_OFFERS_A_PATIENT,
    BookingLuck,
    BookingProcess,
    BookingResult,
    _acceptance,
)
from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED
from sim.problems import ScenarioError
from sim.sampling import Outcomes, Realisation, Requests
from sim.scenario import Scenario, from_mapping, from_text, load
from sim.slotbook import BookingBatch

ACCEPT, DECLINE = 0.0, 0.99  # answers: below any acceptance probability used, above all

# ---------------------------------------------------------------- hand-made clinics


def _mapping(
    *,
    days: int = 10,
    daily_slots: int = 1,
    members: list[dict[str, Any]] | None = None,
    lead: int = 1,
    window: int = 9,
    classes: dict[str, Any] | None = None,
    refill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One doctor (``A``) with ``daily_slots`` a day, classes ``low`` (priority 1) and
    ``high`` (priority 3); offers by priority from 2 days of notice, answered in 2 h,
    accepted with probability 0.5, at most 5 a slot."""
    return {
        "name": "booking test",
        "seed": 5,
        "horizon": {"days": days, "open": "08:00", "close": "12:00"},
        "resources": {
            "doctor": {"daily_slots": daily_slots, "members": members or [{"name": "A"}]}
        },
        "demand": {
            "requests_per_day": 2,
            "min_lead_days": lead,
            "booking_window_days": window,
            "classes": classes
            or {
                "low": {"share": 0.5, "protocol": "consult", "priority": 1},
                "high": {"share": 0.5, "protocol": "consult", "priority": 3},
            },
        },
        "booking": {
            "closes_at": "18:00",
            "channels": {"phone": {"share": 1.0, "hours": {"start": "08:00", "end": "16:00"}}},
            "refill": {
                "order": "priority",
                "min_notice_days": 2,
                "answer_hours": 2,
                "accept": {0: 0.5},
                "max_offers": 5,
                **(refill or {}),
            },
        },
        "protocols": {
            "consult": {
                "steps": [{"id": "consult", "resource": "doctor", "assigned": True, "duration": 10}]
            }
        },
    }


def _scenario(**changes: Any) -> Scenario:
    return from_mapping(_mapping(**changes))


def _realisation(
    scenario: Scenario,
    days: list[int],
    classes: list[str],
    *,
    cancelled: dict[int, float] | None = None,
    no_show: tuple[int, ...] = (),
    attributes: dict[str, list[float]] | None = None,
) -> Realisation:
    """Requests on ``days`` of ``classes``; ``cancelled``: patient → days of notice."""
    names = sorted(scenario.demand.classes)
    kinds = [scenario.demand.classes[c] for c in names]
    n = len(days)
    requests = Requests(
        request_day=np.array(days, dtype=np.int64),
        class_index=np.array([names.index(c) for c in classes], dtype=np.int64),
        class_names=names,
        class_protocol=[c.protocol for c in kinds],
        class_priority=[c.priority for c in kinds],
        class_specialty=[c.specialty for c in kinds],
        attributes={k: np.array(v, dtype=float) for k, v in (attributes or {}).items()},
    )
    cancelled = cancelled or {}
    notice = np.zeros(n)
    for p, days_of_notice in cancelled.items():
        notice[p] = days_of_notice
    outcomes = Outcomes(
        punctuality=np.zeros(n),
        no_show=np.isin(np.arange(n), list(no_show)),
        cancelled=np.isin(np.arange(n), list(cancelled)),
        notice_days=notice,
        duration=np.full((n, 1), 10.0),
        occurs=np.ones((n, 1), dtype=bool),
    )
    return Realisation(0, requests, outcomes)


def _luck(
    minutes: list[float],
    *,
    confirm: float = 0.0,
    answers: dict[int, list[float]] | None = None,
    default_answer: float = DECLINE,
    moves: dict[int, tuple[float, float]] | None = None,
    late: float = 0.5,
) -> BookingLuck:
    """Requests at ``minutes`` of their day; ``answers``: patient → uniforms of their
    offers in turn; ``moves``: patient → (later days, days of notice)."""
    n = len(minutes)
    drawn = np.full((n, MAX_OFFERS_A_PATIENT), default_answer)
    for p, row in (answers or {}).items():
        drawn[p, : len(row)] = row
    moves = moves or {}
    return BookingLuck(
        channel=np.zeros(n, dtype=np.int64),
        request_minute=np.array(minutes, dtype=float),
        confirm_minutes=np.full(n, confirm),
        moves=np.isin(np.arange(n), list(moves)),
        move_later_days=np.array([moves.get(p, (7.0, 3.0))[0] for p in range(n)]),
        move_notice_days=np.array([moves.get(p, (7.0, 3.0))[1] for p in range(n)]),
        answers=drawn,
        late_notice=np.full(n, late),
    )


def _book(
    scenario: Scenario,
    realisation: Realisation,
    luck: BookingLuck,
    mode: str = "realtime",
    rule: Any = None,
) -> tuple[BookingResult, BookingProcess]:
    process = BookingProcess(scenario, realisation, luck, mode, rule)
    return process.run(), process


# ---------------------------------------------------------------- real time, first come


def test_first_come_takes_the_earliest_day_of_the_window() -> None:
    """One slot a day, lead 1, window 3. Four requests on day 0 (8:00, 8:10, ...) take
    days 1, 2, 3 (day 0 is before the lead), the fourth finds its window [1, 3] full
    (day 4 is free but beyond it): not booked. A request on day 1 (window [2, 4]) takes
    day 4."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0, 0, 0, 0, 1], ["low"] * 5)
    luck = _luck([480, 490, 500, 510, 480])
    result, process = _book(scenario, realisation, luck)
    assert list(result.day) == [1, 2, 3, UNBOOKED, 4]
    assert list(result.member) == [0, 0, 0, NO_MEMBER, 0]
    assert list(result.confirmed_at[:3]) == [480, 490, 500]  # no time to confirm
    assert np.isnan(result.confirmed_at[3])
    assert process.books["doctor"].free(0, 0) == 1  # never the request day


def test_with_no_lead_a_day_is_booked_only_before_the_clinic_closes() -> None:
    """Lead 0, the clinic open 8:00–12:00, one slot a day. In real time a request at
    9:00 takes today (day 0), one at 13:00 (after the close) tomorrow; at the end of the
    day, booked at 18:00, today is over: both requests of day 0 go to days 1 and 2."""
    scenario = _scenario(days=5, lead=0, window=3)
    realisation = _realisation(scenario, [0, 0], ["low"] * 2)
    realtime, _ = _book(scenario, realisation, _luck([540, 780]))
    assert list(realtime.day) == [0, 1]
    end_of_day, _ = _book(scenario, realisation, _luck([540, 780]), mode="end_of_day")
    assert list(end_of_day.day) == [1, 2]


def test_a_waiting_patient_is_offered_only_slots_in_their_window() -> None:
    """Window 1, one slot a day: patient 0 takes day 1, patient 1 (day 0) finds it
    taken; patient 2, asking on day 2, takes day 3. When 2 cancels day 3 with 2 days of
    notice, patient 1's window [1, 1] does not reach day 3: no offer."""
    scenario = _scenario(days=6, window=1, refill={"min_notice_days": 0})
    realisation = _realisation(scenario, [0, 0, 2], ["low"] * 3, cancelled={2: 0.5})
    result, _ = _book(scenario, realisation, _luck([480, 500, 480], answers={1: [ACCEPT]}))
    assert list(result.day) == [1, UNBOOKED, 3]
    assert list(result.offers) == [0, 0, 0] and result.freed == 1 and result.refilled == 0


def test_first_come_picks_the_member_with_most_free_slots() -> None:
    """A has 1 slot a day, B 2. Day 1: the first request goes to B (2 free against 1),
    the second to A (1 each: the first member), the third to B, the fourth finds day 1
    full and goes to B on day 2 (2 free against 1)."""
    members = [{"name": "A", "daily_slots": 1}, {"name": "B", "daily_slots": 2}]
    scenario = _scenario(days=5, window=3, members=members)
    realisation = _realisation(scenario, [0, 0, 0, 0], ["low"] * 4)
    result, _ = _book(scenario, realisation, _luck([480, 490, 500, 510]))
    assert list(result.day) == [1, 1, 1, 2]
    assert list(result.member) == [1, 0, 1, 1]


def test_a_held_slot_is_not_free_before_its_confirmation() -> None:
    """One slot a day. Patient 0 asks at 10:00 and holds day 1 until 10:30; patient 1
    asks at 10:10, while day 1 is held, not booked: day 2, confirmed at 10:40."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0, 0], ["low"] * 2)
    result, _ = _book(scenario, realisation, _luck([600, 610], confirm=30))
    assert result.confirmed_at[0] > result.requested_at[1]  # held when 1 asks
    assert list(result.day) == [1, 2]
    assert list(result.confirmed_at) == [630, 640]


def test_an_unbooked_request_is_offered_a_freed_slot() -> None:
    """One slot a day, window 1 (tomorrow only). Patient 0 (8:00) takes day 1, patient
    1 (8:20) finds it taken: not booked. When patient 0 cancels with half a day of
    notice (at 12:00: 1440 − 720) the slot is offered (no minimum notice) to patient 1,
    who accepts (answer 0.0 < 0.5) and is confirmed 2 h later, at 14:00."""
    scenario = _scenario(days=5, window=1, refill={"min_notice_days": 0})
    luck = _luck([480, 500], answers={1: [ACCEPT]})
    alone, _ = _book(scenario, _realisation(scenario, [0, 0], ["low"] * 2), luck)
    assert list(alone.day) == [1, UNBOOKED]
    assert np.isnan(alone.confirmed_at[1])

    realisation = _realisation(scenario, [0, 0], ["low"] * 2, cancelled={0: 0.5})
    result, process = _book(scenario, realisation, luck)
    assert list(result.day) == [1, 1]  # a patient who cancelled keeps the day they left
    assert list(result.member) == [0, 0]
    assert process.books["doctor"].patients_on(0, 1) == {0: 1}
    assert result.confirmed_at[1] == 720 + 120
    assert list(result.offers) == [0, 1] and list(result.accepted) == [0, 1]
    assert list(result.moved_earlier) == [0, 0]  # a first booking, not a move
    assert (result.freed, result.refilled) == (1, 1)


# ---------------------------------------------------------------- specialties


def test_a_specialty_is_booked_only_with_its_members() -> None:
    """A (general) has 2 slots a day, B (child) 3. Kids 0-3 fill B's day 1 and the
    fourth goes to B's day 2, though A has slots free on day 1; adult 4 takes A's day
    1; 'any' 5 (no specialty) takes A's last slot of day 1; adult 6 then goes to A's
    day 2; 'any' 7 to B on day 2 (2 free against A's 1)."""
    members = [
        {"name": "A", "specialty": "general", "daily_slots": 2},
        {"name": "B", "specialty": "child", "daily_slots": 3},
    ]
    classes = {
        "adult": {"share": 0.4, "protocol": "consult", "specialty": "general"},
        "any": {"share": 0.2, "protocol": "consult"},
        "kid": {"share": 0.4, "protocol": "consult", "specialty": "child"},
    }
    scenario = _scenario(days=5, window=3, members=members, classes=classes)
    kinds = ["kid"] * 4 + ["adult", "any", "adult", "any"]
    realisation = _realisation(scenario, [0] * 8, kinds)
    result, _ = _book(scenario, realisation, _luck([480 + 10 * k for k in range(8)]))
    assert list(result.day) == [1, 1, 1, 2, 1, 1, 2, 2]
    assert list(result.member) == [1, 1, 1, 1, 0, 0, 0, 1]


# ---------------------------------------------------------------- end of day


def _evening() -> tuple[Scenario, Realisation, BookingLuck]:
    """One slot a day, lead 1, window 3, the day's booking at 18:00 (1080). Requests on
    day 0 at 10:00, 9:00 and 15:00, one on day 1 at 8:20; 30 min to confirm (unused at
    the end of the day)."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0, 0, 0, 1], ["low"] * 4)
    return scenario, realisation, _luck([600, 540, 900, 500], confirm=30)


def test_end_of_day_books_the_days_requests_at_the_close_in_order_of_request() -> None:
    """At 18:00 of day 0, in order of request: patient 1 (9:00) day 1, patient 0 (10:00)
    day 2, patient 2 (15:00) day 3. At 18:00 of day 1 patient 3 (window [2, 4]) day 4.
    Delays: 480, 540, 180 and 2520 − 1940 = 580 minutes, mean 445 min = 7.41 h."""
    scenario, realisation, luck = _evening()
    result, _ = _book(scenario, realisation, luck, "end_of_day")
    assert list(result.day) == [2, 1, 3, 4]
    assert list(result.confirmed_at) == [1080, 1080, 1080, DAY + 1080]
    values = booking_values(result, realisation)
    assert values["booking_delay_h"] == pytest.approx((480 + 540 + 180 + 580) / 4 / 60)


def test_end_of_day_books_a_request_after_the_close_at_the_next_close() -> None:
    """A request on day 0 at 20:00, after the 18:00 close, is booked at day 1's close
    (2520) as one of day 1's requests (from day 2), before patient 1 who asked on day
    1 at 10:00: never confirmed before it is made."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0, 1], ["low"] * 2)
    result, _ = _book(scenario, realisation, _luck([1200, 600]), "end_of_day")
    assert list(result.day) == [2, 3]
    assert list(result.confirmed_at) == [DAY + 1080, DAY + 1080]
    assert (result.confirmed_at >= result.requested_at).all()


def test_the_batch_rule_is_given_the_days_requests_and_free_slots() -> None:
    """The rule sees day 0's requests in order of request (1, 0, 2), window [1, 3] and
    every slot free; it puts all on day 3: patient 1 gets it, the others fall back to
    first come (0 day 1, 2 day 2). Day 1's batch: patient 3, window [2, 4], free
    slots on days 0 and 4 only; day 3 is taken, so first come gives day 4."""
    scenario, realisation, luck = _evening()
    batches: list[BookingBatch] = []

    def rule(batch: BookingBatch) -> list[tuple[int, int] | None]:
        batches.append(batch)
        return [(3, 0)] * len(batch.patients)

    result, _ = _book(scenario, realisation, luck, "end_of_day", rule)
    assert list(result.day) == [1, 3, 2, 4]
    first, second = batches
    assert (first.resource, first.patients, first.request_day) == ("doctor", [1, 0, 2], 0)
    assert first.window == (1, 3)
    assert first.capacity.tolist() == [[1, 1, 1, 1, 1]]
    assert first.free.tolist() == [[1, 1, 1, 1, 1]]
    assert (second.patients, second.request_day, second.window) == ([3], 1, (2, 4))
    assert second.free.tolist() == [[1, 0, 0, 0, 1]]


def test_in_real_time_the_rule_books_each_request_alone_when_it_comes() -> None:
    """One slot a day, window [1, 3]. The rule sees one patient at a time, at its
    request: it asks for day 3 for everyone. Patient 0 (8:00) gets day 3; patient 1
    (8:10) is refused day 3 (held) and falls back to first come: day 1; a rule that
    picks nothing leaves first come too. The batches show the free slots of the time."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0, 0], ["low"] * 2)
    batches: list[BookingBatch] = []

    def rule(batch: BookingBatch) -> list[tuple[int, int] | None]:
        batches.append(batch)
        return [(3, 0)]

    result, _ = _book(scenario, realisation, _luck([480, 490], confirm=30), "realtime", rule)
    assert list(result.day) == [3, 1]
    assert [b.patients for b in batches] == [[0], [1]]
    assert batches[1].free.tolist() == [[1, 1, 1, 0, 1]]  # day 3 held by patient 0
    nothing, _ = _book(scenario, realisation, _luck([480, 490]), "realtime", lambda b: [None])
    assert list(nothing.day) == [1, 2]


def test_grasp_at_the_end_of_the_day_gives_the_next_day_to_the_neediest() -> None:
    """Two slots a day, four requests on day 0; the last two have a disease burden of
    800 and 900 against 1 (need 804 and 904 against 5 at age 40). First come gives day
    1 to patients 0 and 1; GRASP gives it to 2 and 3."""
    mapping = _mapping(days=4, daily_slots=2, window=3)
    mapping["policies"] = {"grasp": {"iterations": 50}}
    scenario = from_mapping(mapping)
    realisation = _realisation(
        scenario,
        [0] * 4,
        ["low"] * 4,
        attributes={"disease_burden": [1, 1, 800, 900], "age": [40] * 4},
    )
    luck = _luck([480, 490, 500, 510])
    fifo, _ = _book(scenario, realisation, luck, "end_of_day")
    assert list(fifo.day) == [1, 1, 2, 2]

    policy = make_policy("grasp:earliest", scenario, REGISTRY)
    rng = np.random.default_rng(3)
    clinic = Clinic(scenario)

    def rule(batch: BookingBatch) -> list[tuple[int, int] | None]:
        return policy.book_batch(realisation.requests, clinic, batch, rng)  # type: ignore[attr-defined]

    grasp, _ = _book(scenario, realisation, luck, "end_of_day", rule)
    assert list(grasp.day) == [2, 2, 1, 1]
    assert list(grasp.confirmed_at) == [1080] * 4


# ---------------------------------------------------------------- walk-in


def test_walk_in_sees_patients_on_their_day_while_slots_last() -> None:
    """Two slots a day (min_lead_days 1 does not apply). Day 0: patients 0 and 1 take
    its slots; 2 would miss and 3 cancel: they stay home (their request day, no
    member, no place); 4 comes back on day 1. Day 1: 5 takes its last slot, 6 goes to
    day 2. Nobody moves in walk-in, though patient 0 would ask to."""
    scenario = _scenario(days=3, daily_slots=2, window=1)
    realisation = _realisation(
        scenario, [0, 0, 0, 0, 0, 1, 1], ["low"] * 7, cancelled={3: 0.0}, no_show=(2,)
    )
    luck = _luck([480, 490, 500, 510, 520, 480, 490], moves={0: (1.0, 0.0)})
    result, process = _book(scenario, realisation, luck, "walk_in")
    assert list(result.day) == [0, 0, 0, 0, 1, 1, 2]
    assert list(result.member) == [0, 0, NO_MEMBER, NO_MEMBER, 0, 0, 0]
    book = process.books["doctor"]
    assert book.patients_on(0, 0) == {0: 0, 1: 1}
    assert book.patients_on(0, 1) == {0: 4, 1: 5}
    assert book.booked() == 5
    assert np.isnan(result.confirmed_at[[2, 3]]).all()
    assert list(result.confirmed_at[[0, 1, 4]]) == [480, 490, 520]
    assert (result.freed, result.moved.sum(), result.offers.sum()) == (0, 0, 0)
    values = booking_values(result, realisation)
    assert values["booking_delay_h"] == 0.0
    # kept: 0, 1, 4, 5, 6 (all priority 1), access 0, 0, 1, 0, 1
    assert values["access_days.p1"] == pytest.approx(2 / 5)
    assert values["slots_wasted"] == 0.0


# ---------------------------------------------------------------- re-booking cancelled slots
#
# The line: one doctor, one slot a day, ten days, lead 1, window 9. Eight requests on
# day 0 at 8:00, 8:10, ... 9:10 take days 1 to 8 (patient k day k + 1); day 9 stays
# free. Offers by priority from 2 days of notice, answered in 2 h (120 min), accepted
# with probability 0.5, at most 5 a slot.

LINE = ["low"] * 5 + ["high", "high", "low"]  # patients 5 and 6 have priority 3


def _line(
    classes: list[str] = LINE,
    *,
    cancelled: dict[int, float] | None = None,
    answers: dict[int, list[float]] | None = None,
    default_answer: float = DECLINE,
    moves: dict[int, tuple[float, float]] | None = None,
    **changes: Any,
) -> tuple[BookingResult, BookingProcess]:
    scenario = _scenario(**changes)
    realisation = _realisation(scenario, [0] * len(classes), classes, cancelled=cancelled)
    luck = _luck(
        [480 + 10 * k for k in range(len(classes))],
        answers=answers,
        default_answer=default_answer,
        moves=moves,
    )
    return _book(scenario, realisation, luck)


def test_the_line_books_one_patient_a_day() -> None:
    result, _ = _line()
    assert list(result.day) == [1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("notice", "day", "offers"),
    [
        # at 1440 · (3 − 1.5) = 2160 with 1.5 days of notice, below 2: left empty
        (1.5, [1, 2, 3, 4, 5, 6, 7, 8], [0] * 8),
        # at 1440 with 2 days of notice: patient 3 (low, first request of those booked
        # later; everyone is priority 1) accepts (0.0) and moves from day 4 to 3; day 4
        # is offered at 1560 to 4, 5, 6, 7 in turn, each declining (0.99): 4 offers
        (2.0, [1, 2, 3, 3, 5, 6, 7, 8], [0, 0, 0, 1, 1, 1, 1, 1]),
    ],
)
def test_a_freed_slot_is_offered_only_with_enough_notice(
    notice: float, day: list[int], offers: list[int]
) -> None:
    result, process = _line(["low"] * 8, cancelled={2: notice}, answers={3: [ACCEPT]})
    assert list(result.day) == day
    assert list(result.offers) == offers
    refilled = int(notice >= 2)
    assert list(result.accepted) == [0, 0, 0, refilled, 0, 0, 0, 0]
    assert (result.freed, result.refilled) == (1, refilled)
    assert process.books["doctor"].free(0, 3) == 1 - refilled


@pytest.mark.parametrize(
    ("order", "day", "offered"),
    [
        # patient 2 cancels day 3 at 1440 · (3 − 2.5) = 720. By priority: 5 (day 6 →
        # 3), day 6 to 6 (7 → 6) at 840, day 7 to 7 (8 → 7) at 960; day 8: nobody later
        ("priority", [1, 2, 3, 4, 5, 3, 6, 7], [5, 6, 7]),
        # by request: 3 (4 → 3), then 4 (5 → 4), 5 (6 → 5), 6 (7 → 6), 7 (8 → 7)
        ("request", [1, 2, 3, 3, 4, 5, 6, 7], [3, 4, 5, 6, 7]),
    ],
)
def test_refill_order_and_the_chain_of_moves(
    order: str, day: list[int], offered: list[int]
) -> None:
    """Everyone accepts (0.0); each patient who accepts moves to the freed slot and the
    slot they leave is offered in turn, 2 h later, to patients booked after it."""
    result, _ = _line(cancelled={2: 2.5}, default_answer=ACCEPT, refill={"order": order})
    assert list(result.day) == day
    expected = np.isin(np.arange(8), offered).astype(int)
    assert list(result.offers) == list(expected)
    assert list(result.accepted) == list(expected)
    assert list(result.moved_earlier) == list(expected)
    assert (result.freed, result.refilled) == (1, 1)
    assert result.offers.sum() == len(offered)


def test_a_declined_offer_goes_to_the_next_candidate_answer_hours_later() -> None:
    """Acceptance 0.2 below 3 days of notice, 0.7 from 3. Patient 4 (day 5) cancels
    with 3.05 days of notice, at 7200 − 4392 = 2808. Patient 5 (priority 3) is offered
    it at 3.05 days (0.7) and declines (0.99); patient 6 at 2928, 2.97 days (0.2), and
    declines with 0.5 (which would accept at 0.7); patient 7 at 3048, 2.88 days, accepts
    with 0.1 < 0.2 and moves from day 8 to 5. Day 8 then has nobody booked later."""
    result, _ = _line(
        cancelled={4: 3.05},
        answers={5: [DECLINE], 6: [0.5], 7: [0.1]},
        refill={"accept": {0: 0.2, 3: 0.7}},
    )
    assert list(result.day) == [1, 2, 3, 4, 5, 6, 7, 5]
    assert list(result.offers) == [0, 0, 0, 0, 0, 1, 1, 1]
    assert list(result.accepted) == [0, 0, 0, 0, 0, 0, 0, 1]
    assert (result.freed, result.refilled) == (1, 1)


@pytest.mark.parametrize(
    ("max_offers", "offered"),
    [(0, []), (2, [5, 6]), (3, [3, 5, 6])],  # priority 3 first (5, 6), then 3 (low, first)
)
def test_max_offers_stops_the_chain(max_offers: int, offered: list[int]) -> None:
    """Patient 2 cancels at 720 (2.5 days of notice); everyone declines."""
    result, process = _line(cancelled={2: 2.5}, refill={"max_offers": max_offers})
    assert list(result.offers) == list(np.isin(np.arange(8), offered).astype(int))
    assert result.accepted.sum() == 0
    assert (result.freed, result.refilled) == (1, 0)
    assert process.books["doctor"].free(0, 3) == 1


def test_a_patient_who_will_cancel_declines_and_later_frees_their_slot() -> None:
    """Patient 2 cancels at 720 (day 3, 2.5 days of notice). Patient 5 (priority 3) will
    cancel too: offered, declines although their answer is 0.0. Patient 6 accepts at 840
    (7 → 3); day 7 is offered to 7 at 960, who declines (his first answer, 0.99); day 7
    stays empty. Patient 5 cancels day 6 at 8640 − 4320 = 4320 (3 days of notice):
    patient 7, booked on day 8, is offered it, his second offer (answers[7, 1] = 0.0),
    and accepts (8 → 6); day 8 has nobody later. Two slots freed, both refilled."""
    result, _ = _line(
        cancelled={2: 2.5, 5: 3.0}, default_answer=ACCEPT, answers={7: [DECLINE, ACCEPT]}
    )
    assert list(result.day) == [1, 2, 3, 4, 5, 6, 3, 6]
    assert list(result.offers) == [0, 0, 0, 0, 0, 1, 1, 2]
    assert list(result.accepted) == [0, 0, 0, 0, 0, 0, 1, 1]
    assert (result.freed, result.refilled) == (2, 2)


def test_a_slot_is_offered_only_to_patients_booked_after_its_day() -> None:
    """Two slots a day, offers with any notice. Patients 0 and 1 take day 1, 2 and 3 day
    2. Patient 0 cancels at 12:00 (half a day): patient 1, the first to ask but booked
    that same day, is not offered it; patient 2 is, and moves (2 → 1). Day 2's slot then
    has nobody booked later."""
    scenario = _scenario(days=5, daily_slots=2, window=3, refill={"min_notice_days": 0})
    realisation = _realisation(scenario, [0] * 4, ["low"] * 4, cancelled={0: 0.5})
    luck = _luck([480, 490, 500, 510], default_answer=ACCEPT)
    result, _ = _book(scenario, realisation, luck)
    assert list(result.day) == [1, 1, 1, 2]
    assert list(result.offers) == [0, 0, 1, 0]


def test_acceptance_is_the_value_of_the_largest_key_not_above_the_notice() -> None:
    accept = {0: 0.3, 2: 0.6, 7: 0.85}
    refill = _scenario(refill={"accept": accept}).booking.refill  # type: ignore[union-attr]
    got = [_acceptance(refill, days) for days in (0, 1.99, 2, 6.9, 7, 30)]
    assert got == [0.3, 0.3, 0.6, 0.6, 0.85, 0.85]
    later = _scenario(refill={"accept": {1: 0.5}}).booking.refill  # type: ignore[union-attr]
    assert _acceptance(later, 0.5) == 0.0  # below every key


# ---------------------------------------------------------------- slots freed twice


@pytest.mark.parametrize(("third", "refilled"), [(False, 1), (True, 2)])
def test_a_slot_freed_twice_counts_the_booking_in_between(third: bool, refilled: int) -> None:
    """One slot a day, offers from 1 day of notice. Patient 0 (8:00) takes day 1 and
    cancels at 12:00 (half a day: no offer); patient 1 (13:20) takes the slot again and
    cancels at 18:00 (a quarter day). Freed twice, refilled once: one slot wasted, not
    two. With patient 2 (20:00) taking it a third time, refilled twice, none wasted."""
    scenario = _scenario(days=5, window=3, refill={"min_notice_days": 1})
    days, minutes = [0, 0, 0][: 2 + third], [480, 800, 1200][: 2 + third]
    realisation = _realisation(scenario, days, ["low"] * len(days), cancelled={0: 0.5, 1: 0.25})
    result, process = _book(scenario, realisation, _luck(minutes))
    assert list(result.day) == [1] * len(days)
    assert (result.freed, result.refilled) == (2, refilled)
    values = booking_values(result, realisation)
    assert values["slots_wasted"] == 2 - refilled == process.books["doctor"].free(0, 1)
    assert values["refill_rate"] == refilled / 2


# ---------------------------------------------------------------- moves


def test_a_patient_asking_to_move_goes_to_the_earliest_free_slot_later() -> None:
    """Seven patients (days 1-7, everyone priority 1, offers by request). Patient 3
    (day 4) asks to move 3 days later with 2 days of notice: at 5760 − 2880 = 2880 they
    look from day 7, taken, and move to day 8. Their slot of day 4 goes to 4 (5 → 4),
    day 5 to 5 (6 → 5), day 6 to 6 (7 → 6), each 2 h after the last; day 7 to patient 3
    (day 8, not before day 7), who declines (0.99). Patient 3 is offered nothing
    before day 7, not even the slot they left."""
    result, _ = _line(
        ["low"] * 7,
        moves={3: (3.0, 2.0)},
        default_answer=ACCEPT,
        answers={3: [DECLINE] * 3},
        refill={"order": "request"},
    )
    assert list(result.day) == [1, 2, 3, 8, 4, 5, 6]
    assert list(result.moved) == [0, 0, 0, 1, 0, 0, 0]
    assert list(result.offers) == [0, 0, 0, 1, 1, 1, 1]
    assert list(result.accepted) == [0, 0, 0, 0, 1, 1, 1]
    assert (result.freed, result.refilled) == (0, 0)  # a move is not a cancellation


def test_a_patient_who_moved_later_is_not_offered_the_days_they_left() -> None:
    """Six patients (days 1-6). Patient 3 moves at 2880 from day 4 to day 7 (3 days
    later, free). Their day 4 goes to 4 (5 → 4), day 5 to 5 (6 → 5); day 6 has only
    patient 3 booked later, who asked for day 7 or later: no offer, though they were
    the first to ask and would accept."""
    result, _ = _line(
        ["low"] * 6,
        moves={3: (3.0, 2.0)},
        default_answer=ACCEPT,
        refill={"order": "request"},
    )
    assert list(result.day) == [1, 2, 3, 7, 4, 5]
    assert list(result.offers) == [0, 0, 0, 0, 1, 1]
    assert list(result.moved) == [0, 0, 0, 1, 0, 0]


def test_a_move_asked_for_after_the_appointments_day_is_not_made() -> None:
    """Patient 6 (priority 3, day 7) would ask at 10080 − 2880 = 7200 (day 5) to move 2
    days later. At 720 patient 2 frees day 3 (2.5 days of notice): patient 6 accepts it
    (7 → 3), day 7 goes to 7 (8 → 7). On day 5 patient 6's appointment of day 3 is
    past: nothing moves."""
    result, _ = _line(
        ["low"] * 6 + ["high", "low"],
        cancelled={2: 2.5},
        moves={6: (2.0, 2.0)},
        default_answer=ACCEPT,
    )
    assert list(result.day) == [1, 2, 3, 4, 5, 6, 3, 7]
    assert list(result.moved) == [0] * 8
    assert list(result.offers) == [0, 0, 0, 0, 0, 0, 1, 1]


# ---------------------------------------------------------------- little time left


@pytest.mark.parametrize(
    ("late", "day", "refilled"), [(0.25, [1, 2, 3, 1], 1), (0.5, [1, 2, 3, UNBOOKED], 0)]
)
def test_a_notice_longer_than_the_time_left_cancels_at_a_uniform_time(
    late: float, day: list[int], refilled: int
) -> None:
    """One slot a day, window 3. Patient 0 asks at 10:00 (600) for day 1 and will cancel
    with 2 days of notice, more than the 840 minutes left: at 600 + late · 840, 810
    with 0.25, 1020 with 0.5. Patient 1 (800) takes day 2, patient 2 (805) day 3;
    patient 3 (815) finds day 1 free again after 810, but nothing in [1, 3] before
    1020 (no offer with less than 2 days of notice: day 1 stays empty)."""
    scenario = _scenario(days=5, window=3)
    realisation = _realisation(scenario, [0] * 4, ["low"] * 4, cancelled={0: 2.0})
    luck = _luck([600, 800, 805, 815], late=late)
    result, process = _book(scenario, realisation, luck)
    assert list(result.day) == day
    assert (result.freed, result.refilled) == (1, refilled)
    assert process.books["doctor"].free(0, 1) == 1 - refilled


# ---------------------------------------------------------------- the bundled health centre

SPECS = ["fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day"]
REPS = 2


@pytest.fixture(scope="module")
def centre() -> Scenario:
    return load("health_centre_realtime")


@pytest.fixture(scope="module")
def played(centre: Scenario) -> dict[tuple[str, int], dict[str, Any]]:
    """Each way of booking, each replication, played twice; the luck and booking of
    the first play kept."""
    runs: dict[tuple[str, int], dict[str, Any]] = {}
    with pytest.MonkeyPatch.context() as patch:
        seen: dict[str, Any] = {}
        realise_booking = booking_process.realise_booking
        run_booking = tasks.run_booking
        realise = tasks.realise

        def keep_luck(*args: Any) -> BookingLuck:
            seen["luck"] = realise_booking(*args)
            return seen["luck"]

        def keep_booking(*args: Any) -> BookingResult:
            seen["booking"] = run_booking(*args)
            return seen["booking"]

        def keep_realisation(*args: Any) -> Realisation:
            seen["realisation"] = realise(*args)
            return seen["realisation"]

        patch.setattr(booking_process, "realise_booking", keep_luck)
        patch.setattr(tasks, "run_booking", keep_booking)
        patch.setattr(tasks, "realise", keep_realisation)
        for spec in SPECS:
            for rep in range(REPS):
                first = tasks.play(centre, spec, rep)
                runs[spec, rep] = {"first": first, **seen}
                runs[spec, rep]["again"] = tasks.play(centre, spec, rep)
    return runs


@pytest.mark.parametrize("spec", SPECS)
def test_no_slot_is_booked_twice_nor_a_member_day_over_its_slots(
    played: dict[tuple[str, int], dict[str, Any]], centre: Scenario, spec: str
) -> None:
    slots = centre.resources["doctor"].daily_slots
    for rep in range(REPS):
        run = played[spec, rep]
        assert run["first"].values["double_bookings"] == 0
        booking: BookingResult = run["booking"]
        assert booking.double_bookings == 0
        outcomes = run["realisation"].outcomes
        kept = (booking.member != NO_MEMBER) & ~outcomes.cancelled
        if spec.endswith("walk_in"):
            kept &= ~outcomes.no_show
        per_member_day = Counter(zip(booking.member[kept], booking.day[kept], strict=True))
        assert per_member_day and max(per_member_day.values()) <= slots
        confirmed = ~np.isnan(booking.confirmed_at)
        assert (booking.confirmed_at[confirmed] >= booking.requested_at[confirmed]).all()


@pytest.mark.parametrize("spec", SPECS)
def test_the_same_booking_twice(played: dict[tuple[str, int], dict[str, Any]], spec: str) -> None:
    for rep in range(REPS):
        first, again = played[spec, rep]["first"], played[spec, rep]["again"]
        assert first.plan[["day", "member"]].equals(again.plan[["day", "member"]])
        assert first.values == pytest.approx(again.values, nan_ok=True)


def test_every_way_of_booking_faces_the_same_requests_and_luck(
    played: dict[tuple[str, int], dict[str, Any]],
) -> None:
    for rep in range(REPS):
        base = played[SPECS[0], rep]
        for spec in SPECS[1:]:
            run = played[spec, rep]
            requests, first = run["realisation"].requests, base["realisation"].requests
            assert np.array_equal(requests.request_day, first.request_day)
            assert np.array_equal(requests.class_index, first.class_index)
            for name in ("channel", "request_minute", "confirm_minutes", "moves", "answers"):
                assert np.array_equal(getattr(run["luck"], name), getattr(base["luck"], name))
            assert np.array_equal(run["booking"].requested_at, base["booking"].requested_at)
    other = played[SPECS[0], 1]["realisation"].requests.request_day
    assert not np.array_equal(other, played[SPECS[0], 0]["realisation"].requests.request_day)


@pytest.mark.parametrize("spec", SPECS)
def test_refill_rate_is_a_share(played: dict[tuple[str, int], dict[str, Any]], spec: str) -> None:
    for rep in range(REPS):
        values = played[spec, rep]["first"].values
        if spec.endswith("walk_in"):
            assert np.isnan(values["refill_rate"])  # nobody cancels a walk-in
        else:
            assert 0 <= values["refill_rate"] <= 1
            assert values["slots_wasted"] >= 0


# ---------------------------------------------------------------- booking_values by hand


def test_booking_values_by_hand() -> None:
    """Five patients: 0 (priority 1, day 0 → 2, a no-show, asked to move once), 1
    (priority 3, day 0 → 3, accepted one of two offers and moved earlier), 2
    (priority 2, not booked, declined an offer), 3 (priority 3, cancelled), 4 (priority
    3, day 2 → 4, waiting, accepted an offer: a first booking).

    Kept (booked, not cancelled): 0, 1, 4. Access: p1 = 2; p2 none; p3 = (3 + 2)/2.
    Delays 30, 380, 660, 60 min: 282.5 min = 4.708 h. Offers 4, accepted 2: 0.5.
    Refilled 2 of 3; wasted 3 − 2 + 1 no-show = 2. Moves: 1 asked + 1 earlier over 3
    kept. No double booking."""
    classes = {
        "p1": {"share": 0.4, "protocol": "consult", "priority": 1},
        "p2": {"share": 0.3, "protocol": "consult", "priority": 2},
        "p3": {"share": 0.3, "protocol": "consult", "priority": 3},
    }
    scenario = _scenario(classes=classes)
    realisation = _realisation(
        scenario,
        [0, 0, 1, 1, 2],
        ["p1", "p3", "p2", "p3", "p3"],
        cancelled={3: 1.0},
        no_show=(0,),
    )
    result = BookingResult(
        day=np.array([2, 3, UNBOOKED, 2, 4]),
        member=np.array([0, 0, NO_MEMBER, 0, 0]),
        requested_at=np.array([600, 700, DAY + 600, DAY + 900, 2 * DAY + 480], dtype=float),
        confirmed_at=np.array([630, 1080, np.nan, 3000, 2 * DAY + 540]),
        offers=np.array([0, 2, 1, 0, 1]),
        accepted=np.array([0, 1, 0, 0, 1]),
        moved=np.array([1, 0, 0, 0, 0]),
        moved_earlier=np.array([0, 1, 0, 0, 0]),
        no_show_slots=1,
        freed=3,
        refilled=2,
        stats={"mode": "realtime"},
    )
    values = booking_values(result, realisation)
    assert values["access_days.p1"] == 2.0
    assert np.isnan(values["access_days.p2"])
    assert values["access_days.p3"] == 2.5
    assert values["booking_delay_h"] == pytest.approx((30 + 380 + 660 + 60) / 4 / 60)
    assert values["offers"] == 4.0
    assert values["offer_acceptance"] == 0.5
    assert values["refill_rate"] == pytest.approx(2 / 3)
    assert values["slots_wasted"] == 2.0
    assert values["moves_per_patient"] == pytest.approx(2 / 3)
    assert values["double_bookings"] == 0.0

    # walk-in: the no-show stayed home, kept are 1 and 4 only
    walk_in = booking_values(dataclasses.replace(result, stats={"mode": "walk_in"}), realisation)
    assert np.isnan(walk_in["access_days.p1"])
    assert walk_in["moves_per_patient"] == pytest.approx(2 / 2)

    # nothing freed, nothing offered: undefined shares
    quiet = dataclasses.replace(result, offers=np.zeros(5, dtype=int), freed=0, refilled=0)
    values = booking_values(quiet, realisation)
    assert np.isnan(values["offer_acceptance"]) and np.isnan(values["refill_rate"])


# ---------------------------------------------------------------- the booking block checked


def _problems(mapping: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ScenarioError) as caught:
        from_mapping(mapping)
    return {p.path: p.message for p in caught.value.problems}


def _broken(change: str) -> dict[str, Any]:
    mapping = _mapping()
    booking = mapping["booking"]
    if change == "shares":
        booking["channels"]["phone"]["share"] = 0.5
        booking["channels"]["desk"] = {"share": 0.3, "hours": {"start": "08:00", "end": "12:00"}}
    elif change == "hours":
        booking["channels"]["phone"]["hours"] = {"start": "16:00", "end": "08:00"}
    elif change == "profile":
        booking["channels"]["phone"]["profile"] = [2.0, -1.0]
    elif change == "probability":
        booking["refill"]["accept"] = {0: 0.5, 3: 1.5}
    elif change == "days":
        booking["refill"]["accept"] = {-1: 0.5}
    elif change == "assigned":
        mapping["protocols"]["lab"] = {
            "steps": [{"id": "draw", "resource": "doctor", "duration": 5}]
        }
        mapping["demand"]["classes"]["low"]["protocol"] = "lab"
    elif change == "slots":
        del mapping["resources"]["doctor"]["daily_slots"]
    return mapping


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ("shares", "booking.channels", "shares must sum to 1, got 0.8"),
        ("hours", "booking.channels.phone.hours", "end must be after start"),
        ("profile", "booking.channels.phone.profile", "weights ≥ 0"),
        ("probability", "booking.refill.accept", "probabilities in [0, 1], got {3: 1.5}"),
        ("days", "booking.refill.accept", "days of notice ≥ 0"),
        ("assigned", "demand.classes.low.protocol", "booking needs an assigned step"),
        ("slots", "resources.doctor.daily_slots", "booking needs daily_slots"),
    ],
)
def test_a_booking_block_problem_names_its_field(change: str, path: str, words: str) -> None:
    problems = _problems(_broken(change))
    assert path in problems, problems
    assert words in problems[path]


def test_the_hand_made_clinic_is_valid_and_reads_as_yaml() -> None:
    text = """
name: yaml
horizon: {days: 3}
resources: {doctor: {daily_slots: 2, members: [{name: A}]}}
demand: {requests_per_day: 1, classes: {c: {share: 1, protocol: p}}}
booking:
  channels: {web: {share: 1, hours: {start: "00:00", end: "23:59"}}}
  refill: {accept: {0: 0.3, "2": 0.6}}
protocols: {p: {steps: [{id: s, resource: doctor, assigned: true, duration: 5}]}}
"""
    scenario = from_text(text, "yaml")
    assert scenario.booking is not None and scenario.booking.refill.accept == {0: 0.3, 2: 0.6}
    assert _scenario().booking is not None
    with pytest.raises(ScenarioError) as caught:
        from_text(text.replace("daily_slots: 2, ", ""), "yaml")
    assert [p.path for p in caught.value.problems] == ["resources.doctor.daily_slots"]


def test_booking_mode_of() -> None:
    scenario = _scenario()
    assert booking_mode_of("grasp@end_of_day", scenario) == ("grasp", "end_of_day")
    assert booking_mode_of("fifo", scenario) == ("fifo", "realtime")  # the scenario's mode
    with pytest.raises(PolicyError) as caught:
        booking_mode_of("fifo@nope", scenario)
    message = caught.value.problems[0].message
    assert "'nope'" in message and "realtime, end_of_day, walk_in" in message

    mapping = _mapping()
    del mapping["booking"]
    plain = from_mapping(mapping)
    assert booking_mode_of("fifo", plain) == ("fifo", None)
    with pytest.raises(PolicyError) as caught:
        booking_mode_of("fifo@realtime", plain)
    assert "needs a booking: block" in caught.value.problems[0].message
