"""Planned paths: where in the day each step of a protocol happens, from the appointment.

A path fixes, for every step of a protocol, the window (of ``slot_minutes``)
in which it starts, counted from the patient's appointment window, so that

- each step takes ``V_k = ⌈T_k / t_w⌉`` contiguous windows, ``T_k`` its mean
  duration and ``t_w`` the window length (the document's V_k, T_k, t_w, and its
  contiguity constraints (5)–(10): a path is one choice of the sequences Y_ik);
- each step starts after its predecessors have ended (``after``, or the previous
  step), resource-less steps included: the dilation wait is a gap before the
  fundus exam (the document's precedence constraints (11)–(12));
- the patient walks the staffed steps in listed order, one at a time, as the
  engine plays them;
- planned waiting is at most ``max_delay`` windows in all, spread over the
  staffed steps after the first (``delays``).

Optional steps are planned as if they happen (their capacity is reserved).
Durations are planned with the mean (the document's T_k) or, with
``policies.mip.duration_quantile``, with a quantile of each step's duration
(0.8: a step fits its windows four times in five), which buys robustness
against long services with longer planned stays. The simulation then plays the
realised durations and skips the optional steps that do not happen.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from sim.scenario import ProtocolModel


@dataclass(frozen=True)
class StepUse:
    """One staffed step of a path: its resource, whether the assigned member does it,
    its start window (from the appointment) and how many windows it takes."""

    step_id: str
    resource: str
    assigned: bool
    start: int
    windows: int


@dataclass(frozen=True)
class PlannedPath:
    uses: tuple[StepUse, ...]
    starts: tuple[int, ...]  # start window of every step (staffed or not), from the appointment
    length: int  # windows from the appointment to the end of the last step
    delay: int  # planned waiting windows in all


def step_windows(
    protocol: ProtocolModel, slot_minutes: int, quantile: float | None = None
) -> list[int]:
    """V_k of every step: its planned duration (the mean, or the given quantile) in whole
    windows, at least one if staffed."""
    windows = []
    for step in protocol.steps:
        planned = step.duration.mean if quantile is None else step.duration.quantile(quantile)
        v = math.ceil(planned / slot_minutes - 1e-9)
        windows.append(max(v, 1) if step.resource is not None else max(v, 0))
    return windows


def enumerate_paths(
    protocol: ProtocolModel, slot_minutes: int, max_delay: int, quantile: float | None = None
) -> list[PlannedPath]:
    """Every path with at most ``max_delay`` planned waiting windows, shortest first."""
    steps = protocol.steps
    windows = step_windows(protocol, slot_minutes, quantile)
    staffed = [k for k, s in enumerate(steps) if s.resource is not None]
    delay_slots = staffed[1:]
    paths: dict[tuple[StepUse, ...], PlannedPath] = {}
    for delays in itertools.product(range(max_delay + 1), repeat=len(delay_slots)):
        if sum(delays) > max_delay:
            continue
        path = _path(protocol, windows, dict(zip(delay_slots, delays, strict=True)))
        paths.setdefault(path.uses, path)
    return sorted(paths.values(), key=lambda p: (p.length, p.delay, p.starts))


def _path(protocol: ProtocolModel, windows: list[int], delays: dict[int, int]) -> PlannedPath:
    steps, preds = protocol.steps, protocol.predecessors()
    starts: list[int] = []
    walked_to = 0  # the patient is free to start the next listed staffed step from here
    for k, step in enumerate(steps):
        ready = max([starts[q] + windows[q] for q in preds[k]], default=0)
        start = max(ready, walked_to) + delays.get(k, 0)
        starts.append(start)
        if step.resource is not None:
            walked_to = start + windows[k]
    uses = tuple(
        StepUse(s.id, s.resource, s.assigned, starts[k], windows[k])
        for k, s in enumerate(steps)
        if s.resource is not None
    )
    length = max(starts[k] + windows[k] for k in range(len(steps)))
    return PlannedPath(uses, tuple(starts), length, sum(delays.values()))
