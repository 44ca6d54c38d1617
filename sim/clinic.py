"""The clinic as policies and the engine see it: calendar, staff per day, shifts, slots.

A ``Clinic`` is derived once from a validated ``Scenario``. Day ``d`` of the
horizon is the ``d``-th working day, cycling through ``horizon.weekdays``.
On a day, resource ``r`` has ``staff(r, d)`` members at work: the first ones of
its member list (named members, or ``"<name> 1..n"`` after its name, else its label).
Times are minutes after midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sim.scenario import WEEKDAYS, Scenario


@dataclass(frozen=True)
class Shift:
    """When a resource's members work on any day: start, end, and last start of new work."""

    start: int
    end: int
    go_home: float


class Clinic:
    """Calendar and staffing view of a scenario, shared by policies and the engine."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.horizon = scenario.horizon
        self.resources = scenario.resources

    @cached_property
    def weekday_of_day(self) -> list[str]:
        """Weekday name of each working day of the horizon."""
        order = sorted(self.horizon.weekdays, key=WEEKDAYS.index)
        return [order[d % len(order)] for d in range(self.horizon.days)]

    @property
    def days(self) -> int:
        return self.horizon.days

    @property
    def open(self) -> int:
        return self.horizon.open

    @property
    def close(self) -> int:
        return self.horizon.close

    def shift(self, resource: str) -> Shift:
        res = self.resources[resource]
        start, end = (res.hours.start, res.hours.end) if res.hours else (self.open, self.close)
        return Shift(start, end, end + self.horizon.max_overtime)

    def member_names(self, resource: str) -> list[str]:
        """Every member who may work on some day, in roster order."""
        res = self.resources[resource]
        if res.members:
            return [m.name for m in res.members]
        most = max([res.base_count, *res.roster.values()])
        label = res.name or (res.label.any_text() if res.label is not None else resource)
        return [f"{label} {i + 1}" for i in range(most)]

    def staff(self, resource: str, day: int) -> int:
        """Members of ``resource`` at work on ``day``."""
        res = self.resources[resource]
        return res.roster.get(self.weekday_of_day[day], res.base_count)

    def daily_slots(self, resource: str, member: int, day: int) -> int | None:
        """Patients member ``member`` may be booked on ``day``; ``None`` means no limit."""
        if member >= self.staff(resource, day):
            return 0
        res = self.resources[resource]
        weekday = self.weekday_of_day[day]
        if res.members:
            own = _on_weekday(res.members[member].daily_slots, weekday)
            if own is not None:
                return own
        return _on_weekday(res.daily_slots, weekday)

    def member_experience(self, resource: str) -> list[float | None]:
        """Years of experience of each member (``None`` where the scenario does not say)."""
        res = self.resources[resource]
        if res.members:
            return [m.experience_years for m in res.members]
        return [None] * len(self.member_names(resource))

    def member_specialties(self, resource: str) -> list[frozenset[str]]:
        res = self.resources[resource]
        if res.members:
            return [m.specialties for m in res.members]
        return [frozenset()] * len(self.member_names(resource))


def _on_weekday(value: int | dict[str, int] | None, weekday: str) -> int | None:
    if isinstance(value, dict):
        return value.get(weekday)
    return value


def resource_keys(scenario: Scenario) -> list[str]:
    """Resources in a stable order (sorted by key, so reordering the file changes nothing)."""
    return sorted(scenario.resources)


__all__ = ["Clinic", "Shift", "resource_keys"]
