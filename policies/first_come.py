"""The first-come greedy booking, the default way a policy books (``fifo``, ``mip``).

Requests in order of arrival, each to the earliest day, from ``request day +
min_lead_days`` up to the booking window and the end of the horizon, on which
an eligible member (right specialty, at work) of the protocol's booking
resource has a free slot; among those, the member whose next free slot comes
first (fewest patients booked that day). Protocols without a booking resource
are booked for their first day.
"""

from __future__ import annotations

import numpy as np

from sim.clinic import Clinic
from sim.plan import NO_MEMBER, UNBOOKED
from sim.sampling import Requests
from sim.slotbook import SlotBook


def book_first_come(requests: Requests, clinic: Clinic) -> tuple[np.ndarray, np.ndarray]:
    """The greedy booking: each request, in order, to the earliest day with a free slot."""
    n = len(requests)
    day = np.full(n, UNBOOKED, dtype=np.int64)
    member = np.full(n, NO_MEMBER, dtype=np.int64)
    demand = clinic.scenario.demand
    first = requests.request_day + demand.min_lead_days
    last = np.minimum(requests.request_day + demand.booking_window_days, clinic.days - 1)

    protocols = clinic.scenario.protocols
    booking_of = {k: protocols[p].booking_resource() for k, p in enumerate(requests.class_protocol)}
    free_days = np.array([booking_of[k] is None for k in requests.class_index], dtype=bool)
    if free_days.any():
        ok = free_days & (first <= last)
        day[ok] = first[ok]

    books = {r: SlotBook(clinic, r) for r in set(booking_of.values()) if r is not None}
    for i in np.flatnonzero(~free_days):
        book = books[booking_of[requests.class_index[i]]]
        found = book.take_earliest(int(first[i]), int(last[i]), requests.specialty_of(i))
        if found is not None:
            day[i], member[i] = found
    return day, member
