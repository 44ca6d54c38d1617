"""The protocols a log shows: which steps, in what order, which wait for which, how often.

A visit's protocol is its logged ``protocol``, else its ``class``, else the one protocol
``visit``. Within a protocol:

- **Order.** Steps are listed by how many others they mostly start before (in the
  visits with both), then by their mean start after the visit's first start.
- **Waiting.** Step ``j`` waits for step ``i`` (listed before it) when, in every visit
  that has both, ``j`` started no earlier than ``i`` ended. What a step waits for is
  the last of those (the transitive reduction): a step written with ``after`` when that
  is not just the step listed before it, as the scenario format reads it.
- **Optional steps.** A step's probability is the share of the protocol's visits with a
  step that have it.
- **Assigned steps.** A step is done by the member the patient was booked with, not by
  whoever is free, when patients waited for it while another member of its resource was
  at work and idle: a pool of interchangeable members never leaves a patient waiting
  beside an idle colleague. When that happened to at least ``ASSIGNED_SHARE`` of the
  waits that could show it, the step is assigned (one resource per protocol: the one
  with the most evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.eventlog.log import EventLog

ONE_PROTOCOL = "visit"
CLOCK_TOLERANCE = 1e-3  # minutes: a log's times are exact to the millisecond at best
WAITED = 0.5  # minutes a patient must have waited for a wait to tell anything
ASSIGNED_SHARE = 0.2
MIN_ASSIGNED_EVIDENCE = 10  # waits with a colleague at work, at least


@dataclass(frozen=True)
class StepShape:
    """One step of a fitted protocol."""

    step: str
    resource: str | None
    cases: int  # visits of the protocol that have it
    of_cases: int  # visits of the protocol with any step
    waits_for: tuple[str, ...]  # the steps it waits for (reduced)
    assigned: bool = False
    assigned_evidence: tuple[int, int] = (0, 0)  # (waits beside an idle colleague, waits seen)

    @property
    def probability(self) -> float:
        return self.cases / self.of_cases if self.of_cases else 1.0


@dataclass(frozen=True)
class ProtocolShape:
    name: str
    steps: tuple[StepShape, ...]
    cases: int  # visits with at least one step
    together: tuple[tuple[str, ...], ...] = ()  # optional steps always done together

    def after_of(self, index: int) -> list[str] | None:
        """What step ``index`` waits for, as the scenario format writes it: ``None`` when
        that is the step listed just before (the format's default)."""
        waits = list(self.steps[index].waits_for)
        default = [self.steps[index - 1].step] if index > 0 else []
        return None if waits == default else waits


def visit_protocols(log: EventLog) -> pd.Series:
    """Each visit's protocol, indexed by case."""
    visits = log.visits.set_index("case")
    protocol = pd.Series(ONE_PROTOCOL, index=visits.index, dtype=object)
    for column in ("class", "protocol"):  # the protocol column wins over the class
        if column in visits.columns:
            given = visits[column]
            protocol = protocol.where(given.isna(), given.astype(object))
    return protocol


def infer_protocols(log: EventLog) -> dict[str, ProtocolShape]:
    """Every protocol of the log, by name, its steps in order."""
    return read_protocols(log)[0]


def read_protocols(log: EventLog) -> tuple[dict[str, ProtocolShape], pd.DataFrame]:
    """Every protocol of the log, and its doings (each step of a visit once) with their
    protocol and ``ready``: when each could have started (``ready_times``)."""
    protocol_of = visit_protocols(log)
    steps = first_doings(log.steps)
    steps = steps.assign(protocol=steps["case"].map(protocol_of).to_numpy())
    shapes = {}
    for name, rows in steps.groupby("protocol", sort=True, observed=True):
        shapes[str(name)] = _protocol_shape(str(name), rows)
    doings = steps.assign(ready=ready_times(shapes, log, steps))
    return _with_assigned(shapes, doings), doings


def first_doings(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps of each visit, each step once: its first doing (a step done twice in a
    visit is one step of the format, so the repeat is left out)."""
    return steps.sort_values(["case", "start"], kind="stable").drop_duplicates(["case", "step"])


def repeated_doings(steps: pd.DataFrame) -> int:
    return int(steps.duplicated(["case", "step"]).sum())


def _protocol_shape(name: str, rows: pd.DataFrame) -> ProtocolShape:
    starts = rows.pivot(index="case", columns="step", values="start")
    ends = rows.pivot(index="case", columns="step", values="end")
    order = _listed_order(starts)
    waits = _waiting(order, starts, ends)
    resource = _resource_of_steps(rows)
    cases = len(starts)
    shapes = tuple(
        StepShape(
            step=str(step),
            resource=resource.get(step),
            cases=int(starts[step].notna().sum()),
            of_cases=cases,
            waits_for=tuple(str(s) for s in _reduced(step, waits, order)),
        )
        for step in order
    )
    groups = tuple(tuple(g) for g in together(starts))
    return ProtocolShape(name=name, steps=shapes, cases=cases, together=groups)


def _listed_order(starts: pd.DataFrame) -> list:
    """Steps by how many others they mostly start before (in the visits with both), then
    by their mean start after the visit's first start: a step that always comes before
    another is listed first even when visits that skip steps pull its mean around."""
    steps = list(starts.columns)
    offset = starts.sub(starts.min(axis=1), axis=0).mean()
    before = {s: 0 for s in steps}
    for i, a in enumerate(steps):
        for b in steps[i + 1 :]:
            both = starts[a].notna() & starts[b].notna()
            if both.any():
                first = float((starts.loc[both, a] < starts.loc[both, b]).mean())
                if first > 0.5:
                    before[a] += 1
                elif first < 0.5:
                    before[b] += 1
    return sorted(steps, key=lambda s: (-before[s], float(offset[s]), str(s)))


def together(starts: pd.DataFrame) -> list[list[str]]:
    """Groups of optional steps that occur in exactly the same visits: a sign that the
    log mixes protocols (without a class or protocol column to tell them apart)."""
    present = starts.notna()
    optional = [s for s in present.columns if not present[s].all()]
    groups: dict[tuple[bool, ...], list[str]] = {}
    for step in optional:
        groups.setdefault(tuple(present[step]), []).append(str(step))
    return [g for g in groups.values() if len(g) > 1]


def _waiting(order: list, starts: pd.DataFrame, ends: pd.DataFrame) -> dict[object, set]:
    """For each step, the steps listed before it that it always started after."""
    waits: dict[object, set] = {}
    for j, later in enumerate(order):
        waits[later] = set()
        for earlier in order[:j]:
            both = starts[later].notna() & starts[earlier].notna()
            gap = starts.loc[both, later] - ends.loc[both, earlier]
            if bool((gap >= -CLOCK_TOLERANCE).all()):
                waits[later].add(earlier)
    return waits


def _reduced(step: object, waits: dict[object, set], order: list) -> list:
    """The steps ``step`` waits for that it does not wait for through another one."""
    before = waits[step]
    kept = [s for s in before if not any(s in waits[other] for other in before)]
    return sorted(kept, key=order.index)


def _resource_of_steps(rows: pd.DataFrame) -> dict[object, str | None]:
    """Each step's resource: the one most of its doings name (none when none does)."""
    named = rows.dropna(subset=["resource"])
    mode = named.groupby("step", observed=True)["resource"].agg(lambda r: r.value_counts().index[0])
    return {step: str(resource) for step, resource in mode.items()}


def conflicting_resources(steps: pd.DataFrame) -> dict[str, list[str]]:
    """Steps logged with more than one resource (the fit keeps the most frequent)."""
    named = steps.dropna(subset=["resource"])
    seen = named.groupby("step", observed=True)["resource"].unique()
    return {str(s): sorted(map(str, r)) for s, r in seen.items() if len(r) > 1}


# ---------------------------------------------------------------- assigned steps


def _with_assigned(
    shapes: dict[str, ProtocolShape], doings: pd.DataFrame
) -> dict[str, ProtocolShape]:
    if "member" not in doings.columns or doings["member"].isna().all():
        return shapes
    evidence = _idle_colleague_evidence(doings)
    return {name: _mark_assigned(shape, evidence) for name, shape in shapes.items()}


def ready_times(shapes: dict[str, ProtocolShape], log: EventLog, steps: pd.DataFrame) -> np.ndarray:
    """When each doing could have started: the last end of the steps it waits for (all of
    them, through skipped ones too), else the patient's arrival, else its own start."""
    arrival = steps["case"].map(log.visits.set_index("case")["arrival"]).to_numpy(dtype=float)
    ready = np.where(np.isnan(arrival), steps["start"].to_numpy(), arrival)
    end_of = steps.set_index(["case", "step"])["end"]
    for name, shape in shapes.items():
        mine = (steps["protocol"] == name).to_numpy()
        for index, step in enumerate(shape.steps):
            rows = mine & (steps["step"] == step.step).to_numpy()
            cases = steps.loc[rows, "case"].to_numpy()
            for earlier in _all_waited_for(shape, index):
                ends = end_of.reindex(pd.MultiIndex.from_arrays([cases, [earlier] * len(cases)]))
                ready[rows] = np.fmax(ready[rows], ends.to_numpy(dtype=float))
    return ready


def _all_waited_for(shape: ProtocolShape, index: int) -> set[str]:
    by_name = {s.step: s for s in shape.steps}
    todo, seen = list(shape.steps[index].waits_for), set()
    while todo:
        step = todo.pop()
        if step not in seen:
            seen.add(step)
            todo.extend(by_name[step].waits_for)
    return seen


def _idle_colleague_evidence(steps: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (protocol, step): waits beside an idle colleague at work, and waits that had a
    colleague at work to show it. In integer codes over (doing, colleague) pairs: a
    year's log has some 300 000 doings."""
    staffed = steps.dropna(subset=["resource", "member"])
    doings = _Doings.of(staffed)
    work = _MemberDays.of(doings)
    at = np.maximum(doings.ready, work.opening[doings.team])
    waited = np.flatnonzero(doings.start - at > WAITED)
    doing, colleague = work.colleagues(doings.team[waited])
    doing = waited[doing]
    other = colleague != doings.workday[doing]
    doing, colleague = doing[other], colleague[other]
    t = at[doing]
    present = (t >= work.first[colleague]) & (t <= work.last[colleague])
    idle = present & ~work.busy(colleague, t, doings)
    seen = np.zeros(len(doings.start), dtype=bool)
    beside_idle = np.zeros(len(doings.start), dtype=bool)
    np.logical_or.at(seen, doing, present)
    np.logical_or.at(beside_idle, doing, idle)
    tally = (
        pd.DataFrame(
            {
                "protocol": staffed["protocol"].to_numpy()[seen],
                "step": staffed["step"].to_numpy()[seen],
                "idle": beside_idle[seen],
            }
        )
        .groupby(["protocol", "step"], observed=True)["idle"]
        .agg(["sum", "count"])
    )
    return {(str(p), str(s)): (int(a), int(b)) for (p, s), (a, b) in tally.iterrows()}


@dataclass(frozen=True)
class _Doings:
    """The staffed doings as arrays: times, and the codes of their team (day and
    resource) and member-day."""

    start: np.ndarray
    end: np.ndarray
    ready: np.ndarray
    team: np.ndarray  # index of (day, resource)
    workday: np.ndarray  # index of (day, resource, member)

    @classmethod
    def of(cls, staffed: pd.DataFrame) -> _Doings:
        day = staffed["day"].to_numpy(dtype=np.int64)
        resource = _codes(staffed["resource"])
        member = _codes(staffed["member"])
        _, team = np.unique(day * (resource.max() + 1) + resource, return_inverse=True)
        _, workday = np.unique((team * (member.max() + 1) + member), return_inverse=True)
        return cls(
            start=staffed["start"].to_numpy(dtype=float),
            end=staffed["end"].to_numpy(dtype=float),
            ready=staffed["ready"].to_numpy(dtype=float),
            team=team,
            workday=workday,
        )


def _codes(column: pd.Series) -> np.ndarray:
    return column.astype("category").cat.codes.to_numpy().astype(np.int64)


@dataclass(frozen=True)
class _MemberDays:
    """Each member-day's team, first start and last end; each team's opening and its
    member-days (contiguous, since member-days are numbered within teams)."""

    team: np.ndarray
    first: np.ndarray
    last: np.ndarray
    opening: np.ndarray  # per team
    bounds: np.ndarray  # per team: its member-days are bounds[t] .. bounds[t + 1] - 1
    order: np.ndarray  # doings by member-day, then start

    @classmethod
    def of(cls, doings: _Doings) -> _MemberDays:
        days = int(doings.workday.max()) + 1
        team = np.zeros(days, dtype=np.int64)
        team[doings.workday] = doings.team
        first = np.full(days, np.inf)
        last = np.full(days, -np.inf)
        np.minimum.at(first, doings.workday, doings.start)
        np.maximum.at(last, doings.workday, doings.end)
        teams = int(doings.team.max()) + 1
        opening = np.full(teams, np.inf)
        np.minimum.at(opening, team, first)
        bounds = np.searchsorted(team, np.arange(teams + 1))
        order = np.lexsort((doings.start, doings.workday))
        return cls(team, first, last, opening, bounds, order)

    def colleagues(self, teams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (i, member-day) pair of the member-days of ``teams[i]``'s team."""
        counts = self.bounds[teams + 1] - self.bounds[teams]
        index = np.repeat(np.arange(len(teams)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return index, self.bounds[teams][index] + offsets

    def busy(self, workdays: np.ndarray, times: np.ndarray, doings: _Doings) -> np.ndarray:
        """Whether member-day ``workdays[i]`` was doing something at ``times[i]``: the
        last of its doings to start by then had not ended (doings sorted by one key,
        member-day then start)."""
        sorted_day = doings.workday[self.order]
        starts, ends = doings.start[self.order], doings.end[self.order]
        span = float(max(ends.max(), times.max(initial=0.0)) - min(starts.min(), 0.0)) + 1.0
        key = sorted_day * span + starts
        index = np.searchsorted(key, workdays * span + times, side="right") - 1
        found = index >= 0
        found[found] = sorted_day[index[found]] == workdays[found]
        busy = np.zeros(len(times), dtype=bool)
        busy[found] = ends[index[found]] > times[found]
        return busy


def _mark_assigned(
    shape: ProtocolShape, evidence: dict[tuple[str, str], tuple[int, int]]
) -> ProtocolShape:
    scored = []
    for step in shape.steps:
        idle, seen = evidence.get((shape.name, step.step), (0, 0))
        if seen >= MIN_ASSIGNED_EVIDENCE and idle >= ASSIGNED_SHARE * seen:
            scored.append((idle / seen, step.resource))
    chosen = max(scored, key=lambda s: s[0])[1] if scored else None
    steps = tuple(
        _replace_step(
            step,
            assigned=chosen is not None and step.resource == chosen,
            evidence=evidence.get((shape.name, step.step), (0, 0)),
        )
        for step in shape.steps
    )
    return replace(shape, steps=steps)


def _replace_step(step: StepShape, assigned: bool, evidence: tuple[int, int]) -> StepShape:
    return replace(step, assigned=assigned, assigned_evidence=evidence)
