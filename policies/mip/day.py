"""One clinic day as the SAA program sees it, its sampled scenarios ω, and the first pass.

``DayProblem`` holds the day's booked patients (each with its protocol's steps,
compiled as ``StepSpec``), the staff at work per resource with their shifts,
the appointment grid and the costs. ``sample_scenarios`` draws S scenarios ω of
the day from the scenario's own distributions: per patient and step a duration
and whether an optional step happens, per patient whether they come (no-show or
cancellation) and their punctuality; the same S for every plan compared, and
nothing the engine will realise (the policy never sees ``Outcomes``).

``dispatch`` plays one scenario of the day as ``sim.engine`` would (arrivals,
queues first come first served, members in roster order, the last start at
``go_home``), at list-schedule speed: it prices a plan in that scenario (stay,
overtime and idle minutes as ``sim.metrics`` counts them) and gives the order in
which each member did the steps (``Chains``), the part of the reformulation
that the SAA program (``saa.py``) takes as fixed.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.clinic import Clinic, resource_keys
from sim.costs import Costs
from sim.sampling import Requests
from sim.scenario import Scenario

NONE = -1  # no resource, or no member


@dataclass(frozen=True)
class StepSpec:
    """One step of a protocol as the program needs it: index of its resource (``NONE``
    for a step nobody does), whether the booked member does it, predecessors, mean."""

    resource: int
    assigned: bool
    preds: tuple[int, ...]
    mean: float
    probability: float


@dataclass(frozen=True)
class Staff:
    """A resource on the day: members at work, shift start and end, last start of work."""

    members: int
    start: float
    end: float
    go_home: float


@dataclass
class DayProblem:
    """A day of booked patients, in order of request. Times are minutes after midnight;
    appointment windows are ``open + slot · z`` for ``z`` in ``0..last_window``."""

    open: float
    slot: int
    last_window: int
    steps: list[list[StepSpec]]  # per patient, its protocol's steps
    member: list[int]  # per patient, the booked member (``NONE``: none)
    staff: list[Staff]  # per resource index
    costs: Costs

    @property
    def patients(self) -> int:
        return len(self.steps)

    @cached_property
    def candidates(self) -> list[list[list[tuple[int, int]]]]:
        """Per patient and step, the members who may do it (none for a step nobody does);
        computed once per problem, since every dispatch of the search needs it."""
        return [
            [[] if s.resource == NONE else _members_for(self, i, s) for s in steps]
            for i, steps in enumerate(self.steps)
        ]


@dataclass
class Scenarios:
    """S sampled scenarios ω: ``duration[ω, i, k]``, ``occurs[ω, i, k]``, ``comes[ω, i]``,
    ``punctuality[ω, i]`` (minutes, negative: early)."""

    duration: np.ndarray
    occurs: np.ndarray
    comes: np.ndarray
    punctuality: np.ndarray

    @property
    def count(self) -> int:
        return len(self.comes)


Job = tuple[int, int]  # (patient, step)


@dataclass
class Chains:
    """The order the first pass fixes: per resource and member, its jobs in order."""

    jobs: dict[tuple[int, int], list[Job]]

    def member_of(self) -> dict[Job, tuple[int, int]]:
        return {job: key for key, jobs in self.jobs.items() for job in jobs}


def day_problem(
    clinic: Clinic, requests: Requests, patients: list[int], member: np.ndarray, costs: Costs
) -> DayProblem:
    """The plain data of one day's booked ``patients`` (in order of request)."""
    scenario = clinic.scenario
    names = resource_keys(scenario)
    index = {r: k for k, r in enumerate(names)}
    compiled = {p: _compile(scenario, p, index) for p in scenario.protocols}
    shifts = [clinic.shift(r) for r in names]
    slot = clinic.horizon.slot_minutes
    latest = max([clinic.close, *(s.end for s in shifts)])
    return DayProblem(
        open=float(clinic.open),
        slot=slot,
        last_window=max(0, int((latest - clinic.open) // slot) - 1),
        steps=[compiled[requests.protocol_of(p)] for p in patients],
        member=[int(member[p]) for p in patients],
        staff=[],  # filled per day by ``with_staff``
        costs=costs,
    )


def with_staff(problem: DayProblem, clinic: Clinic, day: int) -> DayProblem:
    names = resource_keys(clinic.scenario)
    problem.staff = [
        Staff(
            clinic.staff(r, day),
            clinic.shift(r).start,
            clinic.shift(r).end,
            clinic.shift(r).go_home,
        )
        for r in names
    ]
    problem.__dict__.pop("candidates", None)  # who may do each step follows the staff
    return problem


def _compile(scenario: Scenario, protocol: str, index: dict[str, int]) -> list[StepSpec]:
    model = scenario.protocols[protocol]
    preds = model.predecessors()
    return [
        StepSpec(
            resource=NONE if s.resource is None else index[s.resource],
            assigned=s.assigned,
            preds=tuple(preds[k]),
            mean=float(s.duration.mean),
            probability=float(s.probability),
        )
        for k, s in enumerate(model.steps)
    ]


def sample_scenarios(
    scenario: Scenario, requests: Requests, patients: list[int], count: int, seed: int
) -> Scenarios:
    """``count`` scenarios of the day's patients from the scenario's distributions.

    One stream seeded by ``seed`` draws everything in a fixed order (comes, punctuality,
    then per patient in order and per step: durations, whether it happens), so a day
    with the same patients and seed gets the same scenarios."""
    protocols = scenario.protocols
    width = max(len(p.steps) for p in protocols.values())
    n = len(patients)
    duration = np.zeros((count, n, width))
    occurs = np.zeros((count, n, width), dtype=bool)
    behaviour = scenario.behaviour
    away = behaviour.no_show + behaviour.cancellation.probability * (1 - behaviour.no_show)
    rng = np.random.default_rng(seed)
    comes = rng.random((count, n)) >= away
    punctuality = behaviour.punctuality.sample(rng, count * n).reshape(count, n)
    for i, p in enumerate(patients):
        for k, step in enumerate(protocols[requests.protocol_of(p)].steps):
            duration[:, i, k] = np.maximum(step.duration.sample(rng, count), 0.0)
            occurs[:, i, k] = rng.random(count) < step.probability
    return Scenarios(duration, occurs, comes, punctuality)


def scenario_seed(*parts: object) -> int:
    """A seed from the day's content: the same day gets the same scenarios in any process."""
    text = "|".join(map(str, parts))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


@dataclass
class Played:
    """One scenario played with the clinic's queue discipline: the order on each member
    (``Chains``) and what the day cost."""

    chains: Chains
    cost: float
    stay: float
    overtime: float  # minutes of work past the end of the shift
    late_finish: float  # Σ over members of their last end past the end of the shift
    unserved: int
    departure: np.ndarray  # per patient; NaN for one who does not come or is not served


def dispatch(problem: DayProblem, appointment: np.ndarray, scenarios: Scenarios, w: int) -> Played:
    """Play scenario ``w`` of the day as the engine does, at list-schedule speed.

    Patients who come arrive at appointment plus punctuality and walk their steps in
    listed order; a step that does not happen is done when its predecessors are; a
    step nobody does runs in the background; a staffed step queues first come, first
    served for the member of its pool free first (the booked member for an assigned
    step), who starts no new work after ``go_home``. This gives the order on every
    member in this scenario (what the SAA program linearises around) and the
    scenario's cost of ``appointment``."""
    n = problem.patients
    duration, occurs = scenarios.duration[w].tolist(), scenarios.occurs[w].tolist()
    candidates = problem.candidates
    free = {
        (r, m): staff.start for r, staff in enumerate(problem.staff) for m in range(staff.members)
    }
    chains: dict[tuple[int, int], list[Job]] = {key: [] for key in free}
    ends = [[0.0] * len(steps) for steps in problem.steps]
    arrival = appointment + scenarios.punctuality[w]
    walker = arrival.astype(float).tolist()
    next_step = [0] * n
    queue: list[tuple[float, float, int]] = []  # (earliest start, ready, patient)

    def walk(i: int) -> None:
        """Advance patient ``i`` to its next staffed step that happens, and queue it."""
        steps, done = problem.steps[i], ends[i]
        while next_step[i] < len(steps):
            k = next_step[i]
            preds = steps[k].preds
            if not occurs[i][k]:  # done when its predecessors are; the patient walks on
                done[k] = max([done[q] for q in preds]) if preds else walker[i]
                next_step[i] += 1
                continue
            ready = max(walker[i], max([done[q] for q in preds])) if preds else walker[i]
            if steps[k].resource != NONE:
                heapq.heappush(queue, (ready, ready, i))
                return
            done[k] = ready + duration[i][k]
            walker[i] = ready
            next_step[i] += 1

    for i in range(n):
        if scenarios.comes[w, i]:
            walk(i)
    unserved = set()
    work = [0.0, 0.0]  # minutes of work, and of work past the end of the shift
    while queue:
        estimate, ready, i = heapq.heappop(queue)
        k = next_step[i]
        chosen, start = _first_free(candidates[i][k], free, ready)
        if start > estimate:  # its member is busy until later: others may go first
            heapq.heappush(queue, (start, ready, i))
            continue
        staff = problem.staff[problem.steps[i][k].resource]
        if chosen is None or start >= staff.go_home:
            unserved.add(i)  # waits for ever, as in the engine
            continue
        end = start + duration[i][k]
        free[chosen] = ends[i][k] = walker[i] = end
        work[0] += duration[i][k]
        work[1] += max(0.0, end - max(start, staff.end))
        chains[chosen].append((i, k))
        next_step[i] += 1
        walk(i)
    return _played(
        problem,
        Chains({k: v for k, v in chains.items() if v}),
        free,
        ends,
        arrival,
        scenarios.comes[w],
        unserved,
        work,
    )


def _played(
    problem: DayProblem,
    chains: Chains,
    free: dict[tuple[int, int], float],
    ends: list[list[float]],
    arrival: np.ndarray,
    comes: np.ndarray,
    unserved: set[int],
    work: list[float],
) -> Played:
    """The scenario's figures as ``sim.metrics`` counts them: stay of the patients
    served, overtime as work done past the end of the shift, idle as the shifts' minutes
    less the work inside them; and the members' finish past the end of the shift, which
    is what the SAA program charges (the two agree when nobody waits idle after closing)."""
    departure = np.full(problem.patients, np.nan)
    for i in range(problem.patients):
        if comes[i] and i not in unserved:
            departure[i] = max(ends[i])
    stay = float(np.nansum(departure - arrival))
    total, overtime = work
    available = sum(staff.members * (staff.end - staff.start) for staff in problem.staff)
    idle = available - (total - overtime)
    late_finish = sum(max(0.0, free[key] - problem.staff[key[0]].end) for key in chains.jobs)
    costs = problem.costs
    cost = (
        costs.stay * stay
        + costs.overtime * overtime
        + costs.idle * idle
        + costs.unserved * len(unserved)
    )
    return Played(
        chains, float(cost), stay, float(overtime), float(late_finish), len(unserved), departure
    )


def play_all(problem: DayProblem, appointment: np.ndarray, scenarios: Scenarios) -> list[Played]:
    return [dispatch(problem, appointment, scenarios, w) for w in range(scenarios.count)]


def _first_free(
    members: list[tuple[int, int]], free: dict[tuple[int, int], float], ready: float
) -> tuple[tuple[int, int] | None, float]:
    """The member who takes a step ready at ``ready``, and when: as in the engine, the
    first member in roster order free by then, else the one free first."""
    chosen, start = None, np.inf
    for key in members:
        at = free[key]
        if at <= ready:
            return key, ready
        if at < start:
            chosen, start = key, at
    return chosen, start


def _members_for(problem: DayProblem, i: int, step: StepSpec) -> list[tuple[int, int]]:
    staff = problem.staff[step.resource]
    if step.assigned and problem.member[i] != NONE:
        m = problem.member[i]
        return [(step.resource, m)] if m < staff.members else []
    return [(step.resource, m) for m in range(staff.members)]
