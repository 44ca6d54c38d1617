"""The types the booking process and the policies share: the slot book (bookings so far
against the bookable slots of each member and day) and the batch of requests the
booking process hands a policy to book together."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.clinic import Clinic


class SlotBook:
    """Bookings so far per member and day of one resource, against their daily slots."""

    def __init__(self, clinic: Clinic, resource: str):
        names = clinic.member_names(resource)
        self.specialties = clinic.member_specialties(resource)
        self.capacity = np.array(
            [
                [_as_capacity(clinic.daily_slots(resource, m, d)) for d in range(clinic.days)]
                for m in range(len(names))
            ],
            dtype=float,
        ).reshape(len(names), clinic.days)
        self.booked = np.zeros_like(self.capacity)

    @classmethod
    def from_arrays(cls, capacity: np.ndarray, booked: np.ndarray) -> SlotBook:
        """A book of given slots and bookings (member × day), every member of any
        specialty (the caller picks the members)."""
        book = cls.__new__(cls)
        book.capacity = np.asarray(capacity, dtype=float)
        book.booked = np.asarray(booked, dtype=float)
        book.specialties = [frozenset()] * len(book.capacity)
        return book

    def take_earliest(self, first: int, last: int, specialty: str | None) -> tuple[int, int] | None:
        eligible = np.array(
            [specialty is None or specialty in s for s in self.specialties], dtype=bool
        )
        for d in range(first, last + 1):
            free = eligible & (self.booked[:, d] < self.capacity[:, d])
            if free.any():
                candidates = np.flatnonzero(free)
                m = int(candidates[np.argmin(self.booked[candidates, d])])
                self.booked[m, d] += 1
                return d, m
        return None


def _as_capacity(slots: int | None) -> float:
    return np.inf if slots is None else float(slots)


@dataclass(frozen=True)
class BookingBatch:
    """Requests to book together (``sim.booking.process``): one request day's patients of
    one booking resource, the days they may be booked on, and the slots of that
    resource's members (``capacity[member, day]``) still free now."""

    resource: str
    patients: list[int]
    request_day: int
    window: tuple[int, int]  # first and last day, inclusive
    capacity: np.ndarray
    free: np.ndarray
