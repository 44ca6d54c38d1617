"""A scenario fitted to a clinic's event log, every value with its provenance.

``fit_log(log, choices)`` reads from an ``EventLog``:

- the protocols (``sim.eventlog.structure``): steps, order, waits, optional steps and
  the assigned one, and per protocol and step a duration distribution chosen by AIC
  with a Kolmogorov–Smirnov test (``sim.eventlog.distfit``);
- staff per weekday, the weekdays and opening hours (``sim.eventlog.staffing``);
- demand: visits per working day as a Poisson rate (with a warning when the counts are
  overdispersed), the class shares, the no-show share and punctuality (arrival −
  appointment).

What a log of visits cannot show is written with its reason as an assumption:
cancellations (a cancelled visit leaves no row), priorities, booking rules. The
scenario's ``provenance:`` block says, per value, where it comes from, from how many
observations and with what fit statistics. Ids are the log's names made safe for a
dotted path (``Toma de agudeza`` → ``toma_de_agudeza``), with the log's text as label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.eventlog.distfit import (
    WeekdayRates,
    fit_duration,
    fit_rate,
    fit_share,
    fit_signed,
    fit_weekday_rates,
)
from sim.eventlog.log import EventLog
from sim.eventlog.members import (
    DailySlots,
    Specialties,
    assigned_doings,
    daily_slots_of,
    members_of,
    specialties_of,
)
from sim.eventlog.staffing import (
    closing_at,
    hours_of,
    opening_of,
    shift_starts,
    staff_of,
    weekdays_of,
)
from sim.eventlog.structure import (
    ProtocolShape,
    conflicting_resources,
    read_protocols,
    repeated_doings,
    visit_protocols,
)
from sim.scenario import WEEKDAYS, Scenario, format_clock, from_mapping

SLOT_MINUTES = 5
FIT_SEED = 1
OPENING_PRACTICE_SHARE = 0.9
SLOTS_NOTE = (
    "the most patients a member saw at the assigned step on a date of each weekday: a lower "
    "bound of the slots (a no-show is booked, not seen)"
)  # days with every appointment at opening: "everyone at opening"


@dataclass(frozen=True)
class FitChoices:
    """What the user may give instead of letting the log decide."""

    name: str | None = None
    open: int | None = None  # minutes after midnight
    close: int | None = None


@dataclass
class FittedScenario:
    """The fitted scenario, validated, and the file it is written as: only what the log
    told or the fit assumed (defaults left to the format), numbers to 6 digits."""

    scenario: Scenario
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_yaml(self) -> str:
        return yaml.safe_dump(
            self.data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
        )


@dataclass
class _Draft:
    """The scenario's mapping as it is built, its provenance and warnings."""

    source: str
    data: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def note(self, path: str, n: int | None = None, note: str | None = None, **fit: Any) -> None:
        entry: dict[str, Any] = {"source": self.source}
        if n is not None:
            entry["n"] = int(n)
        if fit:
            entry["fit"] = _plain(fit)
        if note:
            entry["note"] = note
        self.provenance[path] = entry

    def given(self, path: str, flag: str) -> None:
        self.provenance[path] = {"source": f"given on the command line ({flag})"}

    def assume(self, path: str, why: str) -> None:
        self.provenance[path] = {"source": "assumption", "note": why}

    def record(self, path: str, fitted: Any) -> None:
        """A fit's own provenance (``distfit``'s results say theirs): its observations and
        note, the rest as the fit's statistics. A sample too thin for a fit is a warning."""
        record = dict(_plain(fitted.provenance()))
        n, note = record.pop("n", None), record.pop("note", None)
        self.note(path, n=n, note=note, **record)
        if getattr(fitted, "family", None) == "empirical":
            self.warnings.append(f"{path}: {note}; give a value if you know a better one")


def fit_log(log: EventLog, choices: FitChoices | None = None) -> FittedScenario:
    """The scenario a log shows, validated, with its provenance and the fit's warnings."""
    choices = choices or FitChoices()
    log = log.compact()
    draft = _Draft(source=f"event log {Path(log.source).name}")
    ids = _Ids()
    shapes, doings = read_protocols(log)
    _check_log_shape(log, shapes, draft)
    booking = _booking_rules(log, shapes, doings)
    draft.data = {
        "name": choices.name or f"Fitted from {Path(log.source).name}",
        "description": _description(log),
        "seed": FIT_SEED,
        "horizon": _horizon(log, choices, draft),
        "resources": _resources(log, booking, ids, draft),
        "demand": _demand(log, shapes, booking, ids, draft),
        "behaviour": _behaviour(log, draft),
        "protocols": _protocols(shapes, doings, ids, draft),
        "policies": {"fifo": {"arrival": _practice(log)}},
    }
    draft.note("policies.fifo.arrival", n=log.days, note="the practice the log shows")
    _shift_starts(draft, doings, ids)
    draft.data["provenance"] = draft.provenance
    data = _rounded(draft.data)
    scenario = from_mapping(data, source=f"the scenario fitted to {log.source}")
    return FittedScenario(scenario=scenario, data=data, warnings=draft.warnings)


def _description(log: EventLog) -> str:
    first, last = log.dates[0].isoformat(), log.dates[-1].isoformat()
    visits = len(log.visits)
    return (
        f"Fitted by clinicsim fit from {Path(log.source).name}: {visits} visits and "
        f"{len(log.steps)} steps on {log.days} working days ({first} to {last})."
    )


def _check_log_shape(log: EventLog, shapes: dict[str, ProtocolShape], draft: _Draft) -> None:
    repeats = repeated_doings(log.steps)
    if repeats:
        draft.warnings.append(
            f"{repeats} steps were done twice in one visit: each visit's first doing is kept"
        )
    for name, shape in shapes.items():
        for steps in shape.together:
            draft.warnings.append(
                f"steps {', '.join(steps)} of protocol {name!r} occur in exactly the same "
                "visits: the log probably mixes protocols; give its class or protocol "
                "column (--column class=COLUMN)"
            )
    for step, resources in conflicting_resources(log.steps).items():
        draft.warnings.append(
            f"step {step!r} is logged with several resources ({', '.join(resources)}): "
            "the most frequent is kept"
        )


# ---------------------------------------------------------------- horizon and staff


def _horizon(log: EventLog, choices: FitChoices, draft: _Draft) -> dict[str, Any]:
    opening, read_from = opening_of(log, SLOT_MINUTES)
    if choices.open is not None:
        opening = choices.open
        draft.given("horizon.open", "--open")
    else:
        draft.note("horizon.open", n=log.days, note=f"{read_from}, to the slot")
    if choices.close is not None:
        closing = choices.close
        draft.given("horizon.close", "--close")
    else:
        closing = max(closing_at(log, SLOT_MINUTES), opening + SLOT_MINUTES)
        draft.note(
            "horizon.close",
            n=log.days,
            note="when work ended on 9 days in 10, to the slot: a log shows when work "
            "ended, not when shifts did; give --close when the closing time is known",
        )
        draft.warnings.append(
            f"closing time read from the end of work ({format_clock(closing)}): overtime is "
            "counted from it; give --close HH:MM when the clinic's closing time is known"
        )
    weekdays = weekdays_of(log)
    draft.note("horizon.days", n=log.days, note="the log's working days")
    draft.note("horizon.weekdays", n=log.days, note="the weekdays of the log's dates")
    return {
        "days": log.days,
        "weekdays": weekdays,
        "open": format_clock(opening),
        "close": format_clock(closing),
        "slot_minutes": SLOT_MINUTES,
    }


@dataclass(frozen=True)
class _BookingRules:
    """Per assigned resource: its specialties (if the log shows them) and daily slots."""

    specialties: dict[str, Specialties]
    daily_slots: dict[str, DailySlots]

    def specialty_of_class(self, name: str) -> str | None:
        for specialties in self.specialties.values():
            if name in specialties.of_class:
                return specialties.of_class[name]
        return None


def _booking_rules(
    log: EventLog, shapes: dict[str, ProtocolShape], doings: pd.DataFrame
) -> _BookingRules:
    assigned: dict[str, dict[str, set[str]]] = {}  # resource → protocol → steps
    for name, shape in shapes.items():
        for step in shape.steps:
            if step.assigned and step.resource is not None:
                assigned.setdefault(step.resource, {}).setdefault(name, set()).add(step.step)
    classes = _class_of_visits(log)
    specialties, slots = {}, {}
    for resource, steps in assigned.items():
        seen = assigned_doings(doings, steps, classes)
        found = specialties_of(seen)
        if found is not None:
            specialties[resource] = found
        slots[resource] = daily_slots_of(log, seen, weekdays_of(log))
    return _BookingRules(specialties=specialties, daily_slots=slots)


def _resources(log: EventLog, booking: _BookingRules, ids: _Ids, draft: _Draft) -> dict[str, Any]:
    staff = staff_of(log)
    hours = hours_of(log, SLOT_MINUTES)
    members = members_of(log)
    resources = {}
    for name, fit in staff.items():
        key = ids.of("resource", name)
        entry: dict[str, Any] = {"count": fit.count, **_label(key, name)}
        if fit.roster:
            entry["roster"] = fit.roster
        slots = booking.daily_slots.get(name)
        shared = slots.shared() if slots is not None else None
        if shared is not None:
            entry["daily_slots"] = shared
            draft.note(f"resources.{key}.daily_slots", n=slots.member_days, note=SLOTS_NOTE)
        specialty = booking.specialties.get(name)
        own = slots.per_member if slots is not None and shared is None else {}
        if name in members and (specialty is not None or own):
            # named members only where they differ: a count alone lets a what-if add one
            entry["members"] = [_member(m, specialty, own.get(m)) for m in members[name]]
            draft.note(
                f"resources.{key}.members",
                n=len(members[name]),
                note=_members_note(specialty is not None, bool(own)),
            )
        resources[key] = entry
        worked = hours.get(name)
        how = (
            "members named at work on a date"
            if fit.from_members
            else ("the most of its steps under way at once on a date (the log names no members)")
        )
        window = (
            f"; its members' median working day ran {format_clock(worked.start)}–"
            f"{format_clock(worked.end)}"
            if worked
            else ""
        )
        draft.note(
            f"resources.{key}.count",
            n=sum(fit.dates.values()),
            note=f"median per weekday of the {how}{window}",
            per_weekday=fit.per_weekday,
            fewest_and_most=fit.seen,
        )
    return resources


# ---------------------------------------------------------------- demand and behaviour


def _members_note(specialties: bool, own_slots: bool) -> str:
    notes = ["the members the log names, those at work on the most dates first"]
    if specialties:
        notes.append(
            "specialties from the classes each saw at the assigned step, in groups of "
            "members that do not overlap"
        )
    if own_slots:
        notes.append(SLOTS_NOTE)
    return "; ".join(notes)


def _shift_starts(draft: _Draft, doings: pd.DataFrame, ids: _Ids) -> None:
    """A resource whose members start after the clinic opens gets its ``hours``."""
    horizon = draft.data["horizon"]
    opening, closing = _minutes(horizon["open"]), _minutes(horizon["close"])
    for name, shift in shift_starts(doings, SLOT_MINUTES).items():
        if not opening < shift.start < closing:
            continue
        key = ids.of("resource", name)
        hours = {"start": format_clock(shift.start), "end": horizon["close"]}
        draft.data["resources"][key]["hours"] = hours
        draft.note(
            f"resources.{key}.hours",
            n=shift.days,
            note=f"the first patient of the day waited for it on {shift.days_waited} of "
            f"{shift.days} days: its members start at the median day's first start; the "
            "end is the clinic's closing time (a log does not show when shifts end)",
        )


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _member(
    name: str, specialties: Specialties | None, slots: dict[str, int] | None
) -> dict[str, Any]:
    member: dict[str, Any] = {"name": name}
    if specialties is not None and name in specialties.of_member:
        own = specialties.of_member[name]
        member["specialty"] = own[0] if len(own) == 1 else own
    if slots is not None:
        member["daily_slots"] = slots
    return member


def _demand(
    log: EventLog,
    shapes: dict[str, ProtocolShape],
    booking: _BookingRules,
    ids: _Ids,
    draft: _Draft,
) -> dict[str, Any]:
    per_day = log.visits.groupby("day").size().reindex(range(log.days), fill_value=0)
    rate = fit_rate(per_day.to_numpy())
    draft.record("demand.requests_per_day", rate)
    weekdays = fit_weekday_rates(per_day.to_numpy(), [WEEKDAYS[d.weekday()] for d in log.dates])
    draft.provenance["demand.requests_per_day"].setdefault("fit", {}).update(
        _plain(weekdays.provenance())
    )
    if rate.warning:
        draft.warnings.append(rate.warning)
    if weekdays.differ:
        draft.warnings.append(weekday_warning(weekdays))
    classes = _class_of_visits(log)
    protocols = visit_protocols(log)
    counts = classes.value_counts()
    counts = counts[
        [c for c in counts.index if _protocol_of_class(c, classes, protocols) in shapes]
    ]
    dropped = len(classes) - int(counts.sum())
    if dropped:
        draft.warnings.append(
            f"{dropped} visits of classes with no step in the log are left out of the shares"
        )
    shares = _shares(counts)
    result = {}
    for name in sorted(counts.index):
        key = ids.of("class", name)
        fit = fit_share(int(counts[name]), int(counts.sum()))
        draft.record(f"demand.classes.{key}.share", fit)
        draft.assume(f"demand.classes.{key}.priority", "a log does not show priorities")
        protocol = ids.of("protocol", _protocol_of_class(name, classes, protocols))
        result[key] = {"share": shares[name], "protocol": protocol, **_label(key, name)}
        specialty = booking.specialty_of_class(name)
        if specialty is not None:
            result[key]["specialty"] = specialty
    draft.assume(
        "demand.booking_window_days",
        "the scenario format's default: a log shows visits, not when they were requested",
    )
    return {"requests_per_day": round(rate.rate, 4), "classes": result}


def weekday_warning(weekdays: WeekdayRates) -> str:
    shown = ", ".join(f"{w} {r:.1f}" for w, r in weekdays.per_weekday.items())
    return (
        f"visits a day differ by weekday ({shown}; p = {weekdays.p_value:.2g}): the scenario "
        "draws requests at one rate every day, so its weekdays differ only by their staff "
        "and slots"
    )


def _class_of_visits(log: EventLog) -> pd.Series:
    visits = log.visits.set_index("case")
    if "class" in visits and visits["class"].notna().any():
        return visits["class"].fillna("—").astype(str)
    return visit_protocols(log).astype(str)


def _protocol_of_class(name: str, classes: pd.Series, protocols: pd.Series) -> str:
    return str(protocols[classes == name].value_counts().index[0])


def _shares(counts: pd.Series) -> dict[str, float]:
    """Shares rounded to 4 decimals that sum to 1 (the rounding left on the largest)."""
    shares = {str(k): round(int(v) / int(counts.sum()), 4) for k, v in counts.items()}
    largest = max(shares, key=lambda k: shares[k])
    shares[largest] = round(1 - sum(v for k, v in shares.items() if k != largest), 6)
    return shares


def _behaviour(log: EventLog, draft: _Draft) -> dict[str, Any]:
    visits = log.visits
    no_show = fit_share(int(visits["no_show"].sum()), len(visits))
    draft.record("behaviour.no_show", no_show)
    behaviour: dict[str, Any] = {"no_show": round(no_show.p, 4)}
    both = visits.dropna(subset=["appointment", "arrival"])
    if len(both):
        punctuality = fit_signed((both["arrival"] - both["appointment"]).to_numpy())
        draft.record("behaviour.punctuality", punctuality)
        behaviour["punctuality"] = punctuality.spec
    else:
        draft.assume("behaviour.punctuality", "the log has no appointment and arrival times")
    draft.assume("behaviour.cancellation.probability", "a cancelled visit leaves no row in a log")
    return behaviour


def _practice(log: EventLog) -> str:
    """``opening`` when (nearly) every day everyone was given the day's first time."""
    booked = log.visits.dropna(subset=["appointment"])
    if booked.empty:
        return "opening"
    spread = booked.groupby("day")["appointment"].agg(lambda a: a.max() - a.min())
    return "opening" if (spread <= 0).mean() >= OPENING_PRACTICE_SHARE else "appointment"


# ---------------------------------------------------------------- protocols


def _protocols(
    shapes: dict[str, ProtocolShape], doings: pd.DataFrame, ids: _Ids, draft: _Draft
) -> dict[str, Any]:
    """Each protocol's steps, from ``doings`` (``read_protocols``: each step of a visit
    once, with its protocol)."""
    result = {}
    for name, shape in shapes.items():
        key = ids.of("protocol", name)
        rows = doings[doings["protocol"] == name]
        steps = [_step(key, shape, i, rows, ids, draft) for i in range(len(shape.steps))]
        result[key] = {**_label(key, name), "steps": steps}
    return result


def _step(
    protocol: str, shape: ProtocolShape, index: int, rows: pd.DataFrame, ids: _Ids, draft: _Draft
) -> dict[str, Any]:
    step = shape.steps[index]
    key = ids.of("step", step.step)
    where = f"protocols.{protocol}.steps.{key}"
    mine = rows[rows["step"] == step.step]
    duration = fit_duration((mine["end"] - mine["start"]).to_numpy())
    draft.record(f"{where}.duration", duration)
    entry: dict[str, Any] = {"id": key, **_label(key, step.step)}
    entry["resource"] = ids.of("resource", step.resource) if step.resource else None
    entry["duration"] = duration.spec
    if step.cases < step.of_cases:
        occurs = fit_share(step.cases, step.of_cases)
        entry["probability"] = round(occurs.p, 4)
        draft.record(f"{where}.probability", occurs)
    after = shape.after_of(index)
    if after is not None:
        entry["after"] = [ids.of("step", s) for s in after]
        draft.note(
            f"{where}.after",
            n=step.cases,
            note="started after these ended in every visit with both, and not only after "
            "the step listed before it",
        )
    if step.assigned:
        entry["assigned"] = True
        beside_idle, seen = step.assigned_evidence
        draft.note(
            f"{where}.assigned",
            n=seen,
            note=f"{beside_idle} of {seen} patients who waited for it did so while another "
            "member was idle: each patient waits for their own member",
        )
    return entry


# ---------------------------------------------------------------- names


class _Ids:
    """Safe ids for the log's names, one per name and kind, with no two alike."""

    def __init__(self) -> None:
        self._given: dict[tuple[str, str], str] = {}
        self._taken: dict[str, set[str]] = {}

    def of(self, kind: str, name: str) -> str:
        known = self._given.get((kind, name))
        if known is not None:
            return known
        base = _identifier(name)
        taken = self._taken.setdefault(kind, set())
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        self._given[(kind, name)] = candidate
        return candidate


def _identifier(name: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return text or "unnamed"


def _label(key: str, name: str) -> dict[str, str]:
    return {} if key == name else {"label": name}


def _plain(value: Any) -> Any:
    """NumPy numbers and tuples as plain YAML values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _rounded(value: Any) -> Any:
    """Floats to 6 significant digits: more than any log's sampling error can tell."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value
