"""The numbers of a replication's booking process (``sim.booking.process``).

- ``access_days.p1`` .. ``p3``: days from request to the appointment of the
  patients booked (cancelled ones left out), by priority (1 low .. 3 high);
- ``booking_delay_h``: hours from request to a confirmed slot;
- ``offers`` and ``offer_acceptance``: freed slots offered, and the share taken;
- ``refill_rate``: slots freed by cancellations booked again by their day;
- ``slots_wasted``: slots freed and not booked again, plus booked patients who did
  not come (no-shows);
- ``moves_per_patient``: appointments moved (asked for, or an earlier slot
  accepted) per booked patient;
- ``double_bookings``: slots two patients end in, counted from the final bookings
  independently of the book (always 0; a test and every run check it).
"""

from __future__ import annotations

import numpy as np

from sim.booking.process import BookingResult
from sim.plan import UNBOOKED
from sim.sampling import Realisation


def booking_values(result: BookingResult, realisation: Realisation) -> dict[str, float]:
    requests, outcomes = realisation.requests, realisation.outcomes
    booked = result.day != UNBOOKED
    walk_in = result.stats.get("mode") == "walk_in"
    stayed_home = outcomes.no_show if walk_in else np.zeros(len(booked), dtype=bool)
    kept = booked & ~outcomes.cancelled & ~stayed_home
    access = (result.day - requests.request_day).astype(float)
    values = {
        f"access_days.p{w}": _mean(access[kept & (requests.priority == w)]) for w in (1, 2, 3)
    }
    confirmed = ~np.isnan(result.confirmed_at)
    delay = (result.confirmed_at - result.requested_at)[confirmed] / 60
    offers = int(result.offers.sum())
    values |= {
        "booking_delay_h": _mean(delay),
        "offers": float(offers),
        "offer_acceptance": float(result.accepted.sum() / offers) if offers else np.nan,
        "refill_rate": result.refilled / result.freed if result.freed else np.nan,
        "slots_wasted": float(result.freed - result.refilled + result.no_show_slots),
        "moves_per_patient": float(
            (result.moved + result.moved_earlier).sum() / max(1, kept.sum())
        ),
        "double_bookings": float(result.double_bookings),
    }
    return values


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else np.nan
