"""The ``Plan`` a policy returns: booking (day, member) and sequencing (time, order).

Arrays are indexed by patient id, aligned with ``Requests``. A patient with
``day == UNBOOKED`` got no appointment within the booking window and horizon.
``member`` is the index (in ``Clinic.member_names``) of the member of the
protocol's booking resource, or ``NO_MEMBER``. ``appointment`` is minutes after
midnight on the booked day. ``planned_start`` optionally gives, per step id,
the minute each patient's step is planned to start; at a step with a planned
start the queue serves those present in planned order (earliest planned first),
elsewhere in order of arrival at the queue. ``planned_end`` optionally gives the
minute each patient's plan has their last step end (the stay the plan predicts
is ``planned_end - appointment``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

UNBOOKED = -1
NO_MEMBER = -1


@dataclass
class Plan:
    policy: str
    day: np.ndarray
    member: np.ndarray
    appointment: np.ndarray
    apply_punctuality: bool = True
    planned_start: dict[str, np.ndarray] = field(default_factory=dict)
    planned_end: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.day)
        if len(self.member) != n or len(self.appointment) != n:
            raise ValueError("plan arrays must all have one entry per patient")

    @property
    def booked(self) -> np.ndarray:
        return self.day != UNBOOKED

    def to_frame(self, member_names: dict[int, str] | None = None) -> pd.DataFrame:
        """One row per patient: booked day, member, appointment time, planned starts and end."""
        frame = pd.DataFrame(
            {
                "patient": np.arange(len(self.day)),
                "day": self.day,
                "member": self.member,
                "appointment": self.appointment,
            }
        )
        for step, start in sorted(self.planned_start.items()):
            frame[f"start_{step}"] = start
        if self.planned_end is not None:
            frame["planned_end"] = self.planned_end
        return frame


def at_opening(day: np.ndarray, member: np.ndarray, opening: float, label: str) -> Plan:
    """Everyone told to come at opening and served first come, first served: the day of
    walk-in booking, where nobody is given a time (and of ``fifo``'s ``opening``)."""
    return Plan(policy=label, day=day, member=member, appointment=np.full(len(day), float(opening)))
