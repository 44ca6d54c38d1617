"""The members a log names, what they specialise in, and how many patients a day they see.

- **Members.** Each resource's members by the log's names, those at work on the most
  dates first (a scenario's roster puts its first members to work).
- **Specialties.** When the patients of each class were seen at the assigned step only
  by some members, and those groups of members do not overlap, each group is a
  specialty: named after what its classes' names share (``cardiologia_adulto`` and
  ``cardiologia_menor`` → ``cardiologia``), else ``specialty_1``, ``specialty_2`` …
  When the groups overlap, each class is its own specialty and a member has those of
  the classes they saw (a member who could have seen a class but never did in the log
  loses it).
- **Daily slots.** The most patients each member saw at the assigned step on a date of
  each weekday: a lower bound of the slots booked (a no-show is booked, not seen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sim.eventlog.log import EventLog
from sim.scenario import WEEKDAYS


@dataclass(frozen=True)
class Specialties:
    """Which specialty each class needs and which each member has."""

    of_class: dict[str, str]
    of_member: dict[str, list[str]]


def members_of(log: EventLog) -> dict[str, list[str]]:
    """Each resource's members, most dates at work first (then by name)."""
    named = log.steps.dropna(subset=["resource", "member"])
    dates = named.groupby(["resource", "member"], observed=True)["day"].nunique()
    members: dict[str, list[str]] = {}
    for resource, member in sorted(dates.index, key=lambda k: (-dates[k], str(k[1]))):
        members.setdefault(str(resource), []).append(str(member))
    return members


def assigned_doings(
    doings: pd.DataFrame, steps: dict[str, set[str]], classes: pd.Series
) -> pd.DataFrame:
    """The doings of assigned steps (``steps``: per protocol, its assigned step ids) by a
    named member, with the visit's class. ``doings`` has each doing's ``protocol``
    (``structure.read_protocols``); ``classes`` is each visit's class, by case."""
    named = doings.dropna(subset=["member"])
    wanted = pd.MultiIndex.from_tuples([(p, s) for p, ids in steps.items() for s in ids])
    keys = pd.MultiIndex.from_arrays([named["protocol"].astype(str), named["step"].astype(str)])
    chosen = named[keys.isin(wanted)]
    return chosen.assign(visit_class=chosen["case"].map(classes).to_numpy())


def specialties_of(doings: pd.DataFrame) -> Specialties | None:
    """Specialties read from who saw which class at the assigned step, or ``None`` when
    every member saw every class. Groups of members that do not overlap give one
    specialty a group; else each class is its own specialty, and a member has those of
    the classes they saw."""
    seen_by = doings.groupby("visit_class")["member"].agg(lambda m: frozenset(map(str, m)))
    everyone = frozenset(map(str, doings["member"]))
    if all(members == everyone for members in seen_by):
        return None
    groups: dict[frozenset[str], list[str]] = {}
    for visit_class, members in seen_by.items():
        groups.setdefault(members, []).append(str(visit_class))
    if not _disjoint(list(groups)):
        of_member: dict[str, list[str]] = {}
        for visit_class, members in seen_by.items():
            for member in members:
                of_member.setdefault(member, []).append(str(visit_class))
        return Specialties({str(c): str(c) for c in seen_by.index}, of_member)
    names = _group_names([sorted(classes) for classes in groups.values()])
    of_class, of_group = {}, {}
    for (members, classes), name in zip(groups.items(), names, strict=True):
        of_class.update({c: name for c in classes})
        of_group.update({m: [name] for m in members})
    return Specialties(of_class=of_class, of_member=of_group)


def _disjoint(groups: list[frozenset[str]]) -> bool:
    return sum(len(g) for g in groups) == len(frozenset().union(*groups))


def _group_names(groups: list[list[str]]) -> list[str]:
    shared = [re.sub(r"[^A-Za-z0-9]+$", "", _common_start(g)) for g in groups]
    if all(shared) and len(set(shared)) == len(shared):
        return shared
    return [f"specialty_{k + 1}" for k in range(len(groups))]


SAME_SLOTS_SHARE = 0.8


@dataclass(frozen=True)
class DailySlots:
    """The most patients each member saw at the assigned step on a date of each weekday."""

    per_member: dict[str, dict[str, int]]  # member → weekday → slots (0: never at work)
    member_days: int

    def shared(self) -> int | None:
        """One value for every member and weekday, when each one's most is within
        ``SAME_SLOTS_SHARE`` of the most of all (the most seen on a dozen dates falls short
        of the slots by a no-show or two), else ``None``: one value each."""
        worked = [n for slots in self.per_member.values() for n in slots.values() if n > 0]
        most = max(worked, default=0)
        return most if all(n >= SAME_SLOTS_SHARE * most for n in worked) else None


def _common_start(texts: list[str]) -> str:
    shortest = min(texts, key=len)
    for i, char in enumerate(shortest):
        if any(t[i] != char for t in texts):
            return shortest[:i]
    return shortest


def daily_slots_of(log: EventLog, doings: pd.DataFrame, weekdays: list[str]) -> DailySlots:
    per_member_day = doings.groupby(["day", "member"], observed=True)["case"].nunique()
    frame = per_member_day.rename("seen").reset_index()
    frame["weekday"] = [WEEKDAYS[log.dates[d].weekday()] for d in frame["day"]]
    most = frame.groupby(["member", "weekday"], observed=True)["seen"].max()
    per_member = {
        str(member): {w: int(most.get((member, w), 0)) for w in weekdays}
        for member in sorted(frame["member"].unique(), key=str)
    }
    return DailySlots(per_member=per_member, member_days=len(frame))
