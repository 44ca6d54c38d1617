"""The practice a clinic's log shows, as patients and a plan of a scenario.

``LoggedPractice.of(log, scenario)`` turns the log's visits into the scenario's
patients over the log's working days; ``simulate(r)`` plays replication ``r`` of that
period (``sim.eventlog.check`` compares what it gives with what the log shows).

The period is the log's working days: day ``d`` is the log's ``d``-th date, with that
date's weekday (its staff by roster), holidays and all, so nothing departs from the
log's calendar. The patients are the log's visits, no-shows included (they were
booked), each on its day, with:

- its class: the scenario's class of the log's name; else the first class, by name,
  whose protocol is the log's; else, for a visit the log names neither for, that of the
  smallest protocol holding every step the log shows it doing; and for a visit with no
  step, a class drawn by the scenario's shares in each replication;
- its logged appointment time, or the scenario's opening when the log has none
  (everyone at opening, as ``sim.plan.at_opening``);
- its logged member for the protocol's assigned step when the scenario has that member
  at work that day (a scenario that names no members has the log's, most dates at work
  first). The others (no-shows, whose member a log does not show, and members
  the scenario lacks) are booked as the first-come booking books: each, in turn, with
  the eligible member at work that day with the fewest visits. Leaving them to any
  member instead makes the simulated clinic more flexible than the logged one (on the
  bundled ophthalmology clinic, consults waited 2.4 standard deviations less than
  logged, on average over twelve logs);
- durations, optional steps, punctuality and no-shows drawn from the scenario
  (``sim.sampling.draw_outcomes``); nobody cancels (a cancelled visit is not in a log).

Replication ``r`` draws from the streams of replication ``2³² + r`` of the scenario's
seed, streams no run uses, so a log exported from a run is not correlated with the
check's draws. A log the scenario cannot take (a class, protocol, step or resource the
scenario lacks) is a ``ScenarioError`` naming the case and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.clinic import Clinic, resource_keys
from sim.engine import SimRecords, simulate
from sim.eventlog.log import EventLog
from sim.eventlog.members import members_of
from sim.plan import NO_MEMBER, Plan
from sim.problems import Problem, ScenarioError
from sim.sampling import Realisation, Requests, draw_outcomes, stream
from sim.scenario import WEEKDAYS, Scenario, Step

CHECK_REP_BASE = 2**32  # replication r of a check draws as replication 2³² + r


class _LoggedCalendar(Clinic):
    """The scenario's clinic on the log's calendar: day ``d`` has the weekday of the
    log's ``d``-th date, whether or not the dates cycle through the weekdays in order."""

    def __init__(self, scenario: Scenario, weekdays: list[str]):
        super().__init__(scenario)
        self._weekdays = weekdays

    @cached_property
    def weekday_of_day(self) -> list[str]:
        return list(self._weekdays)


@dataclass(frozen=True)
class LoggedPractice:
    """The log's visits as patients of the scenario, over the log's days.

    ``class_index`` gives each visit's class (in ``sorted(scenario.demand.classes)``),
    ``-1`` where it is drawn in each replication; ``appointment`` each visit's time.
    """

    log: EventLog
    scenario: Scenario  # the scenario on the log's calendar, nobody cancelling
    clinic: Clinic
    class_names: list[str]
    class_index: np.ndarray
    visit_protocol: list[str | None]  # per visit, what the log shows (None: unknown)
    appointment: np.ndarray

    @classmethod
    def of(cls, log: EventLog, scenario: Scenario) -> LoggedPractice:
        weekdays = [WEEKDAYS[d.weekday()] for d in log.dates]
        logged = _on_calendar(scenario, log.days, weekdays)
        clinic = _LoggedCalendar(logged, weekdays)
        class_names = sorted(logged.demand.classes)
        class_index, protocols = _visit_classes(log, logged, class_names)
        _check_steps(log, logged, protocols)
        appointment = _appointments(log, clinic)
        return cls(log, logged, clinic, class_names, class_index, protocols, appointment)

    def simulate(self, r: int) -> SimRecords:
        """Play replication ``r`` of the logged period."""
        rep = CHECK_REP_BASE + r
        requests = self.requests(rep)
        outcomes = draw_outcomes(self.scenario, rep, requests)
        plan = self.plan(requests.class_index)
        return simulate(plan, Realisation(rep, requests, outcomes), self.clinic)

    def plan(self, class_index: np.ndarray) -> Plan:
        """Every visit booked on its day, at its time, with its member (``class_index``:
        the replication's classes, drawn where the log does not say)."""
        if np.array_equal(class_index, self.class_index):
            return self._logged_plan
        return self._plan_for(class_index)

    @cached_property
    def _logged_plan(self) -> Plan:
        return self._plan_for(self.class_index)

    @cached_property
    def _members_logged(self) -> dict[tuple[str, str], str]:
        """Who did each (case, step), where the log names a member."""
        if not self.log.has("member"):
            return {}
        done = self.log.steps.dropna(subset=["member"])
        keys = zip(done["case"].astype(str), done["step"].astype(str), strict=True)
        return dict(zip(keys, done["member"].astype(str), strict=True))

    def _plan_for(self, class_index: np.ndarray) -> Plan:
        day = self.log.visits["day"].to_numpy(dtype=np.int64)
        member = _booked_members(self, class_index)
        return Plan(policy="logged", day=day, member=member, appointment=self.appointment)

    def requests(self, rep: int) -> Requests:
        """The visits as the scenario's requests, undecided classes drawn by share."""
        classes = [self.scenario.demand.classes[c] for c in self.class_names]
        index = self.class_index.copy()
        undecided = np.flatnonzero(index < 0)
        if len(undecided):
            shares = np.array([c.share for c in classes])
            rng = stream(self.scenario.seed, rep, "classes")
            index[undecided] = rng.choice(
                len(classes), size=len(undecided), p=shares / shares.sum()
            )
        return Requests(
            request_day=self.log.visits["day"].to_numpy(dtype=np.int64),
            class_index=index,
            class_names=list(self.class_names),
            class_protocol=[c.protocol for c in classes],
            class_priority=[c.priority for c in classes],
            class_specialty=[c.specialty for c in classes],
        )


def _on_calendar(scenario: Scenario, days: int, weekdays: list[str]) -> Scenario:
    """The scenario over the log's days, its weekdays those of the log, nobody cancelling."""
    present = sorted(set(weekdays), key=WEEKDAYS.index) or list(scenario.horizon.weekdays)
    horizon = scenario.horizon.model_copy(update={"days": days, "weekdays": present})
    cancellation = scenario.behaviour.cancellation.model_copy(update={"probability": 0.0})
    behaviour = scenario.behaviour.model_copy(update={"cancellation": cancellation})
    return scenario.model_copy(update={"horizon": horizon, "behaviour": behaviour})


# ---------------------------------------------------------------- classes and steps


def _visit_classes(
    log: EventLog, scenario: Scenario, class_names: list[str]
) -> tuple[np.ndarray, list[str | None]]:
    """Each visit's class index (``-1``: drawn by share) and protocol (None: unknown)."""
    visits = log.visits
    rules = _ClassRules.of(scenario, class_names)
    done: dict[str, set[str]] = {}
    steps = log.steps
    for case, step in zip(steps["case"].astype(str), steps["step"].astype(str), strict=True):
        done.setdefault(case, set()).add(step)
    cases = visits["case"].astype(str).tolist()
    named = zip(_column(visits, "class"), _column(visits, "protocol"), strict=True)
    index = np.array(
        [
            rules.class_of(case, cls, protocol, frozenset(done.get(case, ())))
            for case, (cls, protocol) in zip(cases, named, strict=True)
        ],
        dtype=np.int64,
    )
    rules.problems.raise_if_any(log.source)
    protocols = [rules.protocol[k] if k >= 0 else None for k in index]
    return index, protocols


@dataclass
class _ClassRules:
    """How a visit's class is found (the module docstring's rules), and what was wrong."""

    scenario: Scenario
    class_names: list[str]
    protocol: list[str]  # of each class
    first_of_protocol: dict[str, int]  # the first class of each protocol
    problems: _Problems

    @classmethod
    def of(cls, scenario: Scenario, class_names: list[str]) -> _ClassRules:
        protocol = [scenario.demand.classes[c].protocol for c in class_names]
        first: dict[str, int] = {}
        for k, name in enumerate(protocol):
            first.setdefault(name, k)
        return cls(scenario, class_names, protocol, first, _Problems())

    def class_of(
        self, case: str, cls: str | None, protocol: str | None, steps: frozenset[str]
    ) -> int:
        """A visit's class index; ``-1`` when it is drawn (or wrong: see ``problems``)."""
        if cls is not None:
            if cls in self.class_names:
                return self.class_names.index(cls)
            known = ", ".join(self.class_names)
            self.problems.add("class", case, f"class '{cls}' is not in the scenario ({known})")
            return -1
        if protocol is not None:
            if protocol in self.first_of_protocol:
                return self.first_of_protocol[protocol]
            message = f"protocol '{protocol}' is the protocol of no class of the scenario"
            self.problems.add("protocol", case, message)
            return -1
        return self._by_steps(case, steps) if steps else -1

    def _by_steps(self, case: str, steps: frozenset[str]) -> int:
        """The class of the smallest protocol holding every step done."""
        protocols = self.scenario.protocols
        holding = [
            (len(protocols[p].steps), p)
            for p in sorted(self.first_of_protocol)
            if steps <= {s.id for s in protocols[p].steps}
        ]
        if not holding:
            shown = ", ".join(sorted(steps))
            message = f"no protocol of the scenario has every step of this visit ({shown})"
            self.problems.add("step", case, message)
            return -1
        return self.first_of_protocol[min(holding)[1]]


def _check_steps(log: EventLog, scenario: Scenario, protocols: list[str | None]) -> None:
    """Every logged step is a step of its visit's protocol; every logged resource is one
    of the scenario's."""
    problems = _Problems()
    protocol_of = dict(zip(log.visits["case"].astype(str), protocols, strict=True))
    step_ids = {p: {s.id for s in m.steps} for p, m in scenario.protocols.items()}
    for case, step in zip(
        log.steps["case"].astype(str), log.steps["step"].astype(str), strict=True
    ):
        protocol = protocol_of.get(case)
        if protocol is not None and step not in step_ids[protocol]:
            problems.add("step", case, f"'{step}' is not a step of protocol '{protocol}'")
    if log.has("resource"):
        for case, resource in zip(
            log.steps["case"].astype(str), log.steps["resource"], strict=True
        ):
            if not pd.isna(resource) and str(resource) not in scenario.resources:
                known = ", ".join(resource_keys(scenario))
                message = f"resource '{resource}' is not in the scenario (it has: {known})"
                problems.add("resource", case, message)
    problems.raise_if_any(log.source)


class _Problems:
    """Problems with a log, each message once: its first case, and how many more."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], list[str]] = {}

    def add(self, column: str, case: str, message: str) -> None:
        self._found.setdefault((column, message), []).append(case)

    def raise_if_any(self, source: str) -> None:
        if not self._found:
            return
        problems = []
        for (column, message), cases in self._found.items():
            more = f" (and {len(cases) - 1} more)" if len(cases) > 1 else ""
            problems.append(Problem(f"case '{cases[0]}'{more}, column '{column}'", message))
        raise ScenarioError(source, problems)


def _column(table: pd.DataFrame, name: str) -> list[str | None]:
    if name not in table.columns:
        return [None] * len(table)
    return [None if pd.isna(v) else str(v) for v in table[name]]


# ---------------------------------------------------------------- the plan


def _appointments(log: EventLog, clinic: Clinic) -> np.ndarray:
    """Each visit's logged appointment time; opening where the log gives none."""
    opening = float(clinic.open)
    if not log.has("appointment"):
        return np.full(len(log.visits), opening)
    logged = log.visits["appointment"].to_numpy(dtype=float)
    return np.where(np.isnan(logged), opening, logged)


def _booked_members(practice: LoggedPractice, class_index: np.ndarray) -> np.ndarray:
    """Per visit the index of the member who did its protocol's assigned step when the
    scenario has that member at work that day; the others (no-shows, and members the
    scenario lacks) booked as the first-come booking books (``policies.first_come``):
    each, in turn, with the eligible member at work that day who has the fewest visits."""
    scenario, clinic, class_names = practice.scenario, practice.clinic, practice.class_names
    day = practice.log.visits["day"].to_numpy(dtype=np.int64)
    member = np.full(len(day), NO_MEMBER, dtype=np.int64)
    assigned = [_assigned_step(scenario, class_names[k]) if k >= 0 else None for k in class_index]
    who = practice._members_logged
    booked: dict[tuple[int, str], np.ndarray] = {}
    cases = practice.log.visits["case"].astype(str).tolist()
    logged_names = members_of(practice.log)
    for i, step in enumerate(assigned):
        if step is None:
            continue
        resource = str(step.resource)
        names = _member_names(clinic, resource, logged_names.get(resource, []))
        at_work = clinic.staff(resource, int(day[i]))
        name = who.get((cases[i], step.id))
        if name in names and names.index(name) < at_work:
            member[i] = names.index(name)
            _count(booked, clinic, int(day[i]), resource)[member[i]] += 1
    for i, step in enumerate(assigned):
        if step is None or member[i] != NO_MEMBER:
            continue
        resource = str(step.resource)
        specialty = scenario.demand.classes[class_names[class_index[i]]].specialty
        counts = _count(booked, clinic, int(day[i]), resource)
        eligible = _eligible(clinic, resource, int(day[i]), specialty)
        if len(eligible):
            chosen = eligible[np.argmin(counts[eligible])]
            member[i] = chosen
            counts[chosen] += 1
    return member


def _member_names(clinic: Clinic, resource: str, logged: list[str]) -> list[str]:
    """The scenario's members by name; a resource that names none has its members in the
    log's order (most dates at work first), as ``clinicsim fit`` lists them, so that the
    k-th member at work is the log's k-th."""
    if clinic.resources[resource].members:
        return clinic.member_names(resource)
    return logged[: len(clinic.member_names(resource))]


def _assigned_step(scenario: Scenario, class_name: str) -> Step | None:
    """The step of a class's protocol done by the member a booking assigns."""
    model = scenario.protocols[scenario.demand.classes[class_name].protocol]
    return next((s for s in model.steps if s.assigned and s.resource is not None), None)


def _count(
    booked: dict[tuple[int, str], np.ndarray], clinic: Clinic, day: int, resource: str
) -> np.ndarray:
    key = (day, resource)
    if key not in booked:
        booked[key] = np.zeros(len(clinic.member_names(resource)), dtype=np.int64)
    return booked[key]


def _eligible(clinic: Clinic, resource: str, day: int, specialty: str | None) -> np.ndarray:
    """Members of ``resource`` at work on ``day`` who serve ``specialty`` (all when None,
    or when none of them does)."""
    at_work = np.arange(clinic.staff(resource, day))
    if specialty is None:
        return at_work
    skills = clinic.member_specialties(resource)
    serving = np.array([m for m in at_work if specialty in skills[m]], dtype=np.int64)
    return serving if len(serving) else at_work
