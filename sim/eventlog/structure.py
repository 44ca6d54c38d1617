"""The protocols a log shows: which steps, in what order, which wait for which, how often.

A visit's protocol is its logged ``protocol``, else its ``class``, else the one protocol
``visit``. Within a protocol:

- **Order.** Steps are listed by their mean start after the visit's first start.
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
    protocol_of = visit_protocols(log)
    steps = first_doings(log.steps)
    steps = steps.assign(protocol=steps["case"].map(protocol_of).to_numpy())
    shapes = {}
    for name, rows in steps.groupby("protocol", sort=True):
        shapes[str(name)] = _protocol_shape(str(name), rows)
    return _with_assigned(shapes, log, steps)


def first_doings(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps of each visit, each step once: its first doing (a step done twice in a
    visit is one step of the format, so the repeat is left out)."""
    return steps.sort_values(["case", "start"], kind="stable").drop_duplicates(["case", "step"])


def repeated_doings(steps: pd.DataFrame) -> int:
    return int(steps.duplicated(["case", "step"]).sum())


def _protocol_shape(name: str, rows: pd.DataFrame) -> ProtocolShape:
    starts = rows.pivot(index="case", columns="step", values="start")
    ends = rows.pivot(index="case", columns="step", values="end")
    offset = starts.sub(starts.min(axis=1), axis=0)
    order = sorted(starts.columns, key=lambda s: (float(offset[s].mean()), str(s)))
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
    return ProtocolShape(name=name, steps=shapes, cases=cases)


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
    shapes: dict[str, ProtocolShape], log: EventLog, steps: pd.DataFrame
) -> dict[str, ProtocolShape]:
    if "member" not in steps.columns or steps["member"].isna().all():
        return shapes
    ready = _ready_times(shapes, log, steps)
    evidence = _idle_colleague_evidence(steps.assign(ready=ready))
    return {name: _mark_assigned(shape, evidence) for name, shape in shapes.items()}


def _ready_times(
    shapes: dict[str, ProtocolShape], log: EventLog, steps: pd.DataFrame
) -> np.ndarray:
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
    colleague at work to show it. Vectorised over (doing, colleague) pairs: a year's log
    has some 300 000 doings."""
    staffed = steps.dropna(subset=["resource", "member"]).reset_index(drop=True)
    staffed = staffed.assign(resource=staffed["resource"].astype(str))
    staffed = staffed.assign(member=staffed["member"].astype(str))
    workdays = _workdays(staffed)
    opening = workdays.groupby(["day", "resource"])["first"].transform("min")
    workdays = workdays.assign(opening=opening)
    doings = staffed.reset_index(names="doing").merge(
        workdays[["day", "resource", "opening"]].drop_duplicates(), on=["day", "resource"]
    )
    doings["at"] = np.maximum(doings["ready"], doings["opening"])
    doings = doings[doings["start"] - doings["at"] > WAITED]
    pairs = doings[["doing", "protocol", "step", "day", "resource", "member", "at"]].merge(
        workdays.drop(columns="opening"), on=["day", "resource"], suffixes=("", "_other")
    )
    pairs = pairs[pairs["member"] != pairs["member_other"]]
    at = pairs["at"].to_numpy()
    present = (at >= pairs["first"].to_numpy()) & (at <= pairs["last"].to_numpy())
    idle = present & ~_busy_at(staffed, workdays, pairs["code"].to_numpy(), at)
    per_doing = (
        pd.DataFrame({"doing": pairs["doing"], "present": present, "idle": idle})
        .groupby("doing")[["present", "idle"]]
        .any()
    )
    per_doing = per_doing[per_doing["present"]].join(
        doings.set_index("doing")[["protocol", "step"]]
    )
    tally = per_doing.groupby(["protocol", "step"])["idle"].agg(["sum", "count"])
    return {(str(p), str(s)): (int(a), int(b)) for (p, s), (a, b) in tally.iterrows()}


def _workdays(staffed: pd.DataFrame) -> pd.DataFrame:
    """One row per member and day: a code, the first start and the last end."""
    days = staffed.groupby(["day", "resource", "member"], sort=True).agg(
        first=("start", "min"), last=("end", "max")
    )
    days = days.reset_index().rename(columns={"member": "member_other"})
    return days.assign(code=np.arange(len(days)))


def _busy_at(
    staffed: pd.DataFrame, workdays: pd.DataFrame, codes: np.ndarray, times: np.ndarray
) -> np.ndarray:
    """Whether member-day ``codes[i]`` was doing something at ``times[i]``."""
    code_of = workdays.set_index(["day", "resource", "member_other"])["code"]
    keys = pd.MultiIndex.from_frame(staffed[["day", "resource", "member"]])
    code = code_of.reindex(keys).to_numpy()
    span = float(max(staffed["end"].max(), times.max(initial=0.0))) + 1.0
    order = np.lexsort((staffed["start"].to_numpy(), code))
    key = code[order] * span + staffed["start"].to_numpy()[order]
    ends = staffed["end"].to_numpy()[order]
    index = np.searchsorted(key, codes * span + times, side="right") - 1
    found = index >= 0
    same = np.zeros(len(times), dtype=bool)
    same[found] = code[order][index[found]] == codes[found]
    busy = np.zeros(len(times), dtype=bool)
    busy[same] = ends[index[same]] > times[same]
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
    return ProtocolShape(name=shape.name, steps=steps, cases=shape.cases)


def _replace_step(step: StepShape, assigned: bool, evidence: tuple[int, int]) -> StepShape:
    return replace(step, assigned=assigned, assigned_evidence=evidence)
