"""Random streams and the up-front draw of every request and outcome of a replication.

Replication ``r`` of a scenario with seed ``s`` owns the seed sequence
``SeedSequence(s, spawn_key=(r,))``, the ``r``-th child of
``SeedSequence(s).spawn(...)``, so a worker rebuilds it from two integers.
Each kind of random element (arrivals, classes, each step's durations, each
optional step, punctuality, no-shows, cancellations, each policy) draws from its
own child stream keyed by a stable hash of its name. Names, not positions, key
the streams, and classes are visited in sorted order: reordering keys in the
YAML changes no number, and adding a step leaves the other steps' draws alone.

``realise`` draws everything up front, before any policy acts: every policy of
a replication faces the same patients and the same luck (common random numbers).
``draw_outcomes`` draws the outcomes of requests given from elsewhere (a log's visits).
Policies see only ``Requests``; the engine also sees ``Outcomes``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from sim.scenario import Scenario


def stream(seed: int, rep: int, *names: str) -> np.random.Generator:
    """The generator of one kind of random element in one replication."""
    keys = tuple(zlib.crc32(name.encode()) for name in names)
    sequence = np.random.SeedSequence(seed, spawn_key=(rep, *keys))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass
class Requests:
    """The patients who ask for an appointment over the horizon, as a policy sees them.

    Arrays are indexed by patient id ``0..n-1``, in order of request (day, then
    time of request within the day).
    """

    request_day: np.ndarray
    class_index: np.ndarray
    class_names: list[str]
    class_protocol: list[str]
    class_priority: list[int]
    class_specialty: list[str | None]
    attributes: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.request_day)

    @property
    def patient(self) -> np.ndarray:
        return np.arange(len(self))

    @property
    def priority(self) -> np.ndarray:
        return np.asarray(self.class_priority, dtype=np.int64)[self.class_index]

    def protocol_of(self, patient: int) -> str:
        return self.class_protocol[self.class_index[patient]]

    def specialty_of(self, patient: int) -> str | None:
        return self.class_specialty[self.class_index[patient]]


@dataclass
class Outcomes:
    """What will happen to each patient, hidden from policies.

    ``duration[i, j]`` and ``occurs[i, j]`` belong to step ``j`` of patient
    ``i``'s protocol (columns beyond its protocol's length are unused).
    """

    punctuality: np.ndarray
    no_show: np.ndarray
    cancelled: np.ndarray
    notice_days: np.ndarray
    duration: np.ndarray
    occurs: np.ndarray


@dataclass
class Realisation:
    rep: int
    requests: Requests
    outcomes: Outcomes


def realise(scenario: Scenario, rep: int) -> Realisation:
    """Draw all requests of the horizon and all their outcomes for replication ``rep``."""
    seed = scenario.seed
    demand = scenario.demand
    class_names = sorted(demand.classes)
    classes = [demand.classes[c] for c in class_names]

    per_day = stream(seed, rep, "arrivals").poisson(demand.requests_per_day, scenario.horizon.days)
    request_day = np.repeat(np.arange(scenario.horizon.days), per_day)
    n = len(request_day)
    shares = np.array([c.share for c in classes])
    class_index = stream(seed, rep, "classes").choice(len(classes), size=n, p=shares / shares.sum())

    requests = Requests(
        request_day=request_day,
        class_index=class_index,
        class_names=class_names,
        class_protocol=[c.protocol for c in classes],
        class_priority=[c.priority for c in classes],
        class_specialty=[c.specialty for c in classes],
        attributes=_draw_attributes(scenario, rep, class_names, class_index),
    )
    return Realisation(rep, requests, draw_outcomes(scenario, rep, requests))


def _draw_attributes(
    scenario: Scenario, rep: int, class_names: list[str], class_index: np.ndarray
) -> dict[str, np.ndarray]:
    """Each class's attribute distributions; NaN where a class lacks the attribute."""
    names = sorted({a for c in scenario.demand.classes.values() for a in c.attributes})
    values = {a: np.full(len(class_index), np.nan) for a in names}
    for k, cname in enumerate(class_names):
        members = np.flatnonzero(class_index == k)
        for attr, dist in sorted(scenario.demand.classes[cname].attributes.items()):
            rng = stream(scenario.seed, rep, "attribute", cname, attr)
            values[attr][members] = dist.sample(rng, len(members))
    return values


def draw_outcomes(scenario: Scenario, rep: int, requests: Requests) -> Outcomes:
    """Every random outcome of ``requests`` in replication ``rep``: each step's duration
    and whether it happens, punctuality, no-show, cancellation and its notice (what
    ``realise`` draws for the requests it draws; ``sim.eventlog.check`` for a log's)."""
    seed, n = scenario.seed, len(requests)
    behaviour = scenario.behaviour
    max_steps = max(len(p.steps) for p in scenario.protocols.values())
    duration = np.zeros((n, max_steps))
    occurs = np.zeros((n, max_steps), dtype=bool)
    protocol_of = np.asarray(requests.class_protocol, dtype=object)[requests.class_index]
    for pname in sorted(scenario.protocols):
        rows = np.flatnonzero(protocol_of == pname)
        for j, step in enumerate(scenario.protocols[pname].steps):
            drawn = step.duration.sample(stream(seed, rep, "duration", pname, step.id), len(rows))
            duration[rows, j] = np.maximum(drawn, 0.0)
            u = stream(seed, rep, "optional", pname, step.id).random(len(rows))
            occurs[rows, j] = u < step.probability

    cancel = behaviour.cancellation
    cancelled = stream(seed, rep, "cancellation").random(n) < cancel.probability
    no_show = (stream(seed, rep, "no_show").random(n) < behaviour.no_show) & ~cancelled
    return Outcomes(
        punctuality=behaviour.punctuality.sample(stream(seed, rep, "punctuality"), n),
        no_show=no_show,
        cancelled=cancelled,
        notice_days=np.maximum(cancel.notice_days.sample(stream(seed, rep, "notice"), n), 0.0),
        duration=duration,
        occurs=occurs,
    )
