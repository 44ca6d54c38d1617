"""SimPy plays the days of a plan and returns records: one row per visit, step, member-day.

A day: booked patients who neither cancelled nor failed to show arrive at
their appointment time plus punctuality (or at the walk-in time), then walk
their protocol's steps in listed order. A step waits for the steps it comes
``after`` (by default the previous one); a skipped optional step is done when
its predecessors are. A step with a resource queues at that resource's
``StaffPool`` (for the assigned member, or for any member) and holds it for its
realised duration (an assigned step of a patient the plan gave no member
takes any member); a step without a resource (waiting for drops to work) runs
in the background while the patient goes on with steps that do not need it.

Members work from their shift's start; they finish what they started, and
start new work up to ``max_overtime`` minutes past the shift's end. Patients
still waiting then are recorded as unserved, never dropped. Statistics are not
counted here: ``sim.metrics`` computes them from the records afterwards.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from sim.clinic import Clinic, Shift, resource_keys
from sim.need import need_of
from sim.plan import NO_MEMBER, Plan
from sim.sampling import Realisation, Requests

STATUSES = ("served", "unserved", "no_show", "cancelled", "unbooked")
_ANY_MEMBER = -1


class StaffPool:
    """The members of one resource on one day, and who waits for them.

    ``request(member, rank)`` returns an event that fires with the index of
    the member granted: ``member`` itself, or any free member when it is
    ``-1``. Waiting requests are served by lowest ``rank``, then order of
    request. A member only starts work within ``[shift.start, shift.go_home)``.
    """

    __slots__ = ("_queue_any", "_queue_own", "_seq", "env", "free", "shift")

    def __init__(self, env: simpy.Environment, members: int, working: int, shift: Shift):
        self.env = env
        self.shift = shift
        self.free = [m < working for m in range(members)]
        self._queue_any: list[tuple[float, int, simpy.Event]] = []
        self._queue_own: list[list[tuple[float, int, simpy.Event]]] = [[] for _ in range(members)]
        self._seq = 0
        if env.now < shift.start:
            env.timeout(shift.start - env.now).callbacks.append(self._start_shift)

    def _on_duty(self) -> bool:
        shift = self.shift
        return shift.start <= self.env.now < shift.go_home

    def request(self, member: int, rank: float) -> simpy.Event:
        event = self.env.event()
        if self._on_duty():
            if member == _ANY_MEMBER:
                for m, is_free in enumerate(self.free):
                    if is_free:
                        self.free[m] = False
                        return event.succeed(m)
            elif 0 <= member < len(self.free) and self.free[member]:
                self.free[member] = False
                return event.succeed(member)
        self._seq += 1
        if member == _ANY_MEMBER:
            heapq.heappush(self._queue_any, (rank, self._seq, event))
        elif 0 <= member < len(self._queue_own):
            heapq.heappush(self._queue_own[member], (rank, self._seq, event))
        # a member outside the roster never comes: the request waits for ever (unserved)
        return event

    def release(self, member: int) -> None:
        self.free[member] = True
        if self._on_duty():
            self._next_for(member)

    def _next_for(self, member: int) -> None:
        own, shared = self._queue_own[member], self._queue_any
        if own and (not shared or own[0][:2] < shared[0][:2]):
            queue = own
        elif shared:
            queue = shared
        else:
            return
        self.free[member] = False
        heapq.heappop(queue)[2].succeed(member)

    def _start_shift(self, _event: simpy.Event) -> None:
        for m, is_free in enumerate(self.free):
            if is_free:
                self._next_for(m)


@dataclass(frozen=True)
class Route:
    """A protocol compiled for the engine: per step its resource, assignment, predecessors."""

    resource: tuple[str | None, ...]
    assigned: tuple[bool, ...]
    preds: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, clinic: Clinic, protocol: str) -> Route:
        model = clinic.scenario.protocols[protocol]
        return cls(
            resource=tuple(s.resource for s in model.steps),
            assigned=tuple(s.assigned for s in model.steps),
            preds=tuple(tuple(p) for p in model.predecessors()),
        )


@dataclass
class SimRecords:
    """What happened, as tables: ``visits`` per patient, ``steps`` per step done,
    ``members`` per member and day."""

    visits: pd.DataFrame
    steps: pd.DataFrame
    members: pd.DataFrame


@dataclass
class _DayInputs:
    """The plan and outcomes as plain Python lists: indexing them is the engine's hot path."""

    arrival: list[float]
    member: list[int]
    duration: list[list[float]]
    occurs: list[list[bool]]
    route_of: list[Route]
    class_index: list[int]
    ranks: list[dict[int, list[float]]]


def simulate(plan: Plan, realisation: Realisation, clinic: Clinic) -> SimRecords:
    """Play every day of the horizon for ``plan`` and return the records."""
    requests, outcomes = realisation.requests, realisation.outcomes
    n = len(requests)
    arrival = plan.appointment + (outcomes.punctuality if plan.apply_punctuality else 0.0)
    arrival = np.maximum(arrival, 0.0)
    comes = plan.booked & ~outcomes.cancelled & ~outcomes.no_show
    departure = np.full(n, np.nan)
    step_rows: list[tuple[int, int, int, int, int, float, float, float]] = []

    order = np.lexsort((arrival, plan.day))
    attending = order[comes[order]]
    inputs = _DayInputs(
        arrival=arrival.tolist(),
        member=plan.member.tolist(),
        duration=outcomes.duration.tolist(),
        occurs=outcomes.occurs.tolist(),
        route_of=[Route.of(clinic, p) for p in requests.class_protocol],
        class_index=requests.class_index.tolist(),
        ranks=_queue_ranks(plan, requests.class_protocol, clinic),
    )
    day_bounds = np.searchsorted(plan.day[attending], np.arange(clinic.days + 1))
    for d in range(clinic.days):
        today = attending[day_bounds[d] : day_bounds[d + 1]].tolist()
        if today:
            _play_day(d, today, inputs, clinic, departure, step_rows)

    steps = _steps_frame(step_rows, requests.class_index, clinic)
    visits = _visits_frame(plan, realisation, arrival, comes, departure, steps)
    visits["need"] = need_of(realisation.requests.attributes, len(realisation.requests))
    visits["experience"] = booked_experience(plan, realisation.requests, clinic)
    return SimRecords(visits=visits, steps=steps, members=member_days(steps, clinic))


def _queue_ranks(
    plan: Plan, class_protocol: list[str], clinic: Clinic
) -> list[dict[int, list[float]]]:
    """Per class and step position, each patient's planned start (unplanned last)."""
    ranks: list[dict[int, list[float]]] = []
    for protocol in class_protocol:
        steps = clinic.scenario.protocols[protocol].steps
        ranks.append(
            {
                j: np.nan_to_num(plan.planned_start[s.id], nan=np.inf).tolist()
                for j, s in enumerate(steps)
                if s.id in plan.planned_start
            }
        )
    return ranks


def _play_day(
    day: int,
    patients: list[int],
    inputs: _DayInputs,
    clinic: Clinic,
    departure: np.ndarray,
    rows: list,
) -> None:
    env = simpy.Environment()
    names = resource_keys(clinic.scenario)
    pools = {
        r: StaffPool(env, len(clinic.member_names(r)), clinic.staff(r, day), clinic.shift(r))
        for r in names
    }
    code = {r: k for k, r in enumerate(names)}
    ranks, routes, class_index = inputs.ranks, inputs.route_of, inputs.class_index
    timeout, record = env.timeout, rows.append

    def visit(p: int) -> Generator[simpy.Event, int, None]:
        route = routes[class_index[p]]
        duration, occurs = inputs.duration[p], inputs.occurs[p]
        member = inputs.member[p]
        now = env.now
        done = [now] * len(route.resource)
        for j, resource in enumerate(route.resource):
            preds = route.preds[j]
            ready = max([done[q] for q in preds]) if preds else now
            if not occurs[j]:
                done[j] = ready
                continue
            now = env.now
            if ready > now:
                yield timeout(ready - now)
            ready = env.now
            if resource is None:
                done[j] = ready + duration[j]  # runs in the background
                record((p, day, j, -1, NO_MEMBER, ready, ready, done[j]))
                continue
            pool = pools[resource]
            rank = ranks[class_index[p]][j][p] if j in ranks[class_index[p]] else 0.0
            granted = yield pool.request(member if route.assigned[j] else _ANY_MEMBER, rank)
            start = env.now
            yield timeout(duration[j])
            pool.release(granted)
            done[j] = end = env.now
            record((p, day, j, code[resource], granted, ready, start, end))
        departure[p] = max(max(done), env.now)

    def arrivals() -> Generator[simpy.Event, None, None]:
        arrival = inputs.arrival
        for p in patients:
            wait = arrival[p] - env.now
            if wait > 0:
                yield timeout(wait)
            env.process(visit(p))

    env.process(arrivals())
    env.run()


def _steps_frame(rows: list, class_index: np.ndarray, clinic: Clinic) -> pd.DataFrame:
    columns = ["patient", "day", "step_index", "resource_code", "member", "ready", "start", "end"]
    times = ("ready", "start", "end")
    table = np.array(rows, dtype=float).reshape(len(rows), len(columns))
    frame = pd.DataFrame(
        {
            c: table[:, k] if c in times else table[:, k].astype(np.int64)
            for k, c in enumerate(columns)
        }
    )
    names = resource_keys(clinic.scenario)
    codes = frame["resource_code"].to_numpy()
    frame["resource"] = pd.Categorical.from_codes(
        np.where(codes < 0, -1, codes), categories=names or ["-"]
    )
    step_ids, table = _step_code_table(clinic)
    step_codes = table[class_index[frame["patient"].to_numpy()], frame["step_index"].to_numpy()]
    frame["step"] = pd.Categorical.from_codes(step_codes, categories=step_ids)
    frame["wait"] = frame["start"] - frame["ready"]
    frame["service"] = frame["end"] - frame["start"]
    return frame.drop(columns=["resource_code"])


def _step_code_table(clinic: Clinic) -> tuple[list[str], np.ndarray]:
    """Step ids, and per class and step position the code of its id in that list."""
    scenario = clinic.scenario
    step_ids = sorted({s.id for p in scenario.protocols.values() for s in p.steps})
    classes = [scenario.demand.classes[c] for c in sorted(scenario.demand.classes)]
    width = max(len(p.steps) for p in scenario.protocols.values())
    table = np.zeros((len(classes), width), dtype=np.int64)
    for k, cls in enumerate(classes):
        for j, step in enumerate(scenario.protocols[cls.protocol].steps):
            table[k, j] = step_ids.index(step.id)
    return step_ids, table


def _visits_frame(
    plan: Plan,
    realisation: Realisation,
    arrival: np.ndarray,
    comes: np.ndarray,
    departure: np.ndarray,
    steps: pd.DataFrame,
) -> pd.DataFrame:
    requests, outcomes = realisation.requests, realisation.outcomes
    n = len(requests)
    status = np.full(n, "unserved", dtype=object)
    status[~np.isnan(departure)] = "served"
    status[outcomes.no_show] = "no_show"
    status[outcomes.cancelled] = "cancelled"
    status[~plan.booked] = "unbooked"

    staffed = steps[steps["member"] != NO_MEMBER]
    patient_ids = staffed["patient"].to_numpy()
    service = np.bincount(patient_ids, staffed["service"].to_numpy(), minlength=n)
    wait = np.bincount(patient_ids, staffed["wait"].to_numpy(), minlength=n)
    first_start = np.full(n, np.inf)
    np.minimum.at(first_start, patient_ids, staffed["start"].to_numpy())
    served = status == "served"
    shown_arrival = np.where(comes, arrival, np.nan)
    return pd.DataFrame(
        {
            "patient": np.arange(n),
            "class": pd.Categorical.from_codes(
                requests.class_index, categories=requests.class_names
            ),
            "priority": requests.priority,
            "request_day": requests.request_day,
            "day": plan.day,
            "member": plan.member,
            "appointment": plan.appointment,
            "arrival": shown_arrival,
            "departure": departure,
            "status": pd.Categorical(status, categories=STATUSES),
            "los": np.where(served, departure - arrival, np.nan),
            "wait": np.where(served, wait, np.nan),
            "wait_first": np.where(
                served & np.isfinite(first_start), first_start - arrival, np.nan
            ),
            "service": np.where(comes, service, np.nan),
            "access_days": np.where(plan.booked, plan.day - requests.request_day, np.nan),
        }
    )


def booked_experience(plan: Plan, requests: Requests, clinic: Clinic) -> np.ndarray:
    """Years of experience of each patient's booked member (NaN: none, or not given)."""
    experience = np.full(len(requests), np.nan)
    protocols = clinic.scenario.protocols
    for k, protocol in enumerate(requests.class_protocol):
        resource = protocols[protocol].booking_resource()
        if resource is None:
            continue
        years = np.array([np.nan if y is None else y for y in clinic.member_experience(resource)])
        chosen = (requests.class_index == k) & (plan.member >= 0)
        experience[chosen] = years[plan.member[chosen]]
    return experience


def member_days(steps: pd.DataFrame, clinic: Clinic) -> pd.DataFrame:
    """Per member at work and day: available, busy (within the shift), overtime, idle minutes."""
    names = resource_keys(clinic.scenario)
    rows = []
    for code, resource in enumerate(names):
        shift = clinic.shift(resource)
        members = clinic.member_names(resource)
        for d in range(clinic.days):
            for m in range(clinic.staff(resource, d)):
                rows.append((code, d, m, members[m], shift.start, shift.end))
    frame = pd.DataFrame(
        rows, columns=["resource", "day", "member", "member_name", "shift_start", "shift_end"]
    )
    frame["resource"] = pd.Categorical.from_codes(
        frame["resource"].to_numpy(dtype=np.int64), categories=names or ["-"]
    )
    frame["available"] = (frame["shift_end"] - frame["shift_start"]).astype(float)
    busy, overtime = _busy_and_overtime(steps, frame, clinic)
    frame["busy"] = busy
    frame["overtime"] = overtime
    frame["idle"] = frame["available"] - frame["busy"]
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["utilisation"] = frame["busy"] / frame["available"]
    return frame


def _busy_and_overtime(
    steps: pd.DataFrame, frame: pd.DataFrame, clinic: Clinic
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes each member-day of ``frame`` worked inside its shift, and past its end."""
    staffed = steps[steps["member"] != NO_MEMBER]
    if staffed.empty or frame.empty:
        return np.zeros(len(frame)), np.zeros(len(frame))
    names = resource_keys(clinic.scenario)
    shift_start = np.array([clinic.shift(r).start for r in names], dtype=float)
    shift_end = np.array([clinic.shift(r).end for r in names], dtype=float)
    width = max(len(clinic.member_names(r)) for r in names)

    def flat_key(codes: np.ndarray, day: np.ndarray, member: np.ndarray) -> np.ndarray:
        # categorical codes are int8: widen before multiplying by the days
        return (codes.astype(np.int64) * clinic.days + day) * width + member

    codes = staffed["resource"].cat.codes.to_numpy()
    start, end = staffed["start"].to_numpy(), staffed["end"].to_numpy()
    inside = np.clip(
        np.minimum(end, shift_end[codes]) - np.maximum(start, shift_start[codes]), 0, None
    )
    past = np.clip(end - np.maximum(start, shift_end[codes]), 0, None)
    work_key = flat_key(codes, staffed["day"].to_numpy(), staffed["member"].to_numpy())
    size = len(names) * clinic.days * width
    frame_key = flat_key(
        frame["resource"].cat.codes.to_numpy(), frame["day"].to_numpy(), frame["member"].to_numpy()
    )
    busy = np.bincount(work_key, inside, minlength=size)[frame_key]
    overtime = np.bincount(work_key, past, minlength=size)[frame_key]
    return busy, overtime
