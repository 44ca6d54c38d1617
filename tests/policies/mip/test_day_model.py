"""The ``mip`` policy: valid plans, optimal days, clean fallbacks, the headline, the cache.

- ``tests/support/plan_checker.py`` (independent of ``policies.mip``) catches
  deliberately broken plans, hand-built and taken from the MIP, and finds no
  violation in any MIP plan of the bundled scenario or of small random ones;
- on tiny days (3–4 patients, two staffed steps, pools of one or two members,
  an assigned step, a dilation-like gap, hours that force planned waiting) an
  exhaustive search written here finds the least total stay for each planned
  waiting budget, and ``solve_day`` and the whole policy reach it;
- MIP plans are compact: no patient's plan fits one window earlier;
- a day that cannot be planned (zero staff, hours too short), a solve with a
  tiny time limit and a failing solver end in a plan with a warning (fifo's
  equally spaced appointments) and a simulation that accounts for every
  patient, never an exception;
- bad ``mip`` parameters stop ``clinicsim`` with exit status 2 and one line
  naming the dotted path, no traceback;
- the headline: ``mip`` mean stay below ``fifo`` with a paired 95 % interval
  that excludes zero (fixed seed);
- the cache by mix: the same replication planned twice gives the same plan,
  the second time from the cache; other parameters do not reuse it; and
  ``summary.json`` does not depend on how many days the cache served.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import policies.mip as mip_module
from policies.fifo import book_first_come, equally_spaced_times
from policies.mip import MipParams, MipPolicy, day_instance
from policies.mip.day import Group, capacity_shortfall, solve_day
from policies.mip.paths import enumerate_paths, step_windows
from sim.clinic import Clinic
from sim.engine import simulate
from sim.experiments.runner import run_experiment, run_replication
from sim.outputs.rundir import summary_json
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests, realise, stream
from sim.scenario import Scenario, from_mapping, load
from tests.support.plan_checker import check_plan, windows_of

BUNDLED = "ophthalmology"
SLOT = 5
ACCOUNTED = ("served", "no_show", "cancelled", "unserved")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Every test starts, and leaves, with an empty plan cache."""
    mip_module._CACHE.clear()
    yield
    mip_module._CACHE.clear()


# ---------------------------------------------------------------- helpers


def mip_plan(scenario: Scenario, rep: int = 0, **params: Any) -> tuple[Plan, Requests, Clinic]:
    clinic = Clinic(scenario)
    requests = realise(scenario, rep).requests
    policy = MipPolicy(MipParams(**params))
    plan = policy.plan(requests, clinic, stream(scenario.seed, rep, "policy", "mip"))
    return plan, requests, clinic


def fallback_days(plan: Plan) -> set[int]:
    days = set()
    for warning in plan.info["warnings"]:
        match = re.match(r"day (\d+): ", warning)
        assert match, f"a warning that names no day: {warning!r}"
        days.add(int(match.group(1)))
    return days


def planned_stays(plan: Plan, requests: Requests, clinic: Clinic) -> float:
    """Σ over booked patients of (end of the last planned step − appointment), in minutes."""
    slot = clinic.horizon.slot_minutes
    total = 0.0
    for i in np.flatnonzero(plan.booked):
        protocol = clinic.scenario.protocols[requests.protocol_of(int(i))]
        ends = [
            plan.planned_start[s.id][i] + v * slot
            for s, v in zip(protocol.steps, windows_of(protocol, slot), strict=True)
        ]
        total += max(ends) - plan.appointment[i]
    return total


def assert_accounted(scenario: Scenario, spec: str = "mip") -> Any:
    """Play replication 0 and check that every request is accounted for."""
    result = run_replication(scenario, [spec], 0)
    visits = result.policies[spec].records.visits
    assert len(visits) == len(realise(scenario, 0).requests)
    assert visits["patient"].is_unique
    booked = visits["day"] != UNBOOKED
    assert booked.any()
    assert visits.loc[booked, "status"].isin(ACCOUNTED).all()
    assert (visits.loc[~booked, "status"] == "unbooked").all()
    served = visits["status"] == "served"
    assert visits.loc[served, "departure"].notna().all()
    return visits


def hand_requests(protocols: list[str], names: list[str]) -> Requests:
    """Requests on day 0, one per entry of ``protocols``, class ``c_<protocol>``."""
    return Requests(
        request_day=np.zeros(len(protocols), dtype=np.int64),
        class_index=np.array([names.index(p) for p in protocols], dtype=np.int64),
        class_names=[f"c_{p}" for p in names],
        class_protocol=list(names),
        class_priority=[2] * len(names),
        class_specialty=[None] * len(names),
    )


# ---------------------------------------------------------------- tiny scenarios


def tiny(
    protocols: dict[str, Any],
    tech: int = 1,
    doc: int = 1,
    tech_hours: tuple[str, str] | None = None,
    doc_hours: tuple[str, str] | None = None,
    close: str = "09:00",
    requests_per_day: float = 3,
    days: int = 1,
) -> Scenario:
    """08:00 to ``close`` in 5-minute windows, no overtime, a tech pool and a doc pool."""
    resources: dict[str, Any] = {"tech": {"count": tech}, "doc": {"count": doc}}
    for key, hours in (("tech", tech_hours), ("doc", doc_hours)):
        if hours is not None:
            resources[key]["hours"] = {"start": hours[0], "end": hours[1]}
    names = sorted(protocols)
    return from_mapping(
        {
            "name": "tiny",
            "seed": 7,
            "horizon": {
                "days": days,
                "open": "08:00",
                "close": close,
                "slot_minutes": SLOT,
                "max_overtime": 0,
            },
            "resources": resources,
            "demand": {
                "requests_per_day": requests_per_day,
                "booking_window_days": 0,
                "classes": {f"c_{p}": {"share": 1 / len(names), "protocol": p} for p in names},
            },
            "protocols": protocols,
        }
    )


CONSULT_AFTER_TEST = {
    "steps": [
        {"id": "test", "resource": "tech", "duration": 10},
        {"id": "consult", "resource": "doc", "assigned": True, "duration": 15},
    ]
}
WITH_DROPS = {
    "steps": [
        {"id": "test", "resource": "tech", "duration": 10},
        {"id": "drops", "resource": None, "duration": 10},
        {"id": "consult", "resource": "doc", "assigned": True, "duration": 15},
    ]
}
SHORT_VISIT = {
    "steps": [
        {"id": "test", "resource": "tech", "duration": 5},
        {"id": "consult", "resource": "doc", "assigned": True, "duration": 10},
    ]
}
TWO_TESTS = {
    "steps": [
        {"id": "first", "resource": "tech", "duration": 5},
        {"id": "second", "resource": "tech", "duration": 10},
    ]
}

ANY_DOCTOR = {
    "steps": [
        {"id": "test", "resource": "tech", "duration": 5},
        {"id": "consult", "resource": "doc", "duration": 15},
    ]
}

# name: (scenario, patients in order of request); the least stay, found by hand or by
# ``brute_force``, is in the comment with the smallest planned-waiting budget it needs
TINY = {
    # one technician until 08:30 does three tests back to back, the one doctor's consults
    # must wait 0, 1, 2 windows: 90 minutes, budget 2
    "tech_until_0830": (
        tiny({"visit": CONSULT_AFTER_TEST}, tech_hours=("08:00", "08:30")),
        ["visit"] * 3,
    ),
    # drops between test and consult, one doctor for two protocols: 110 minutes, budget 1
    "drops_one_doctor": (
        tiny(
            {"new": WITH_DROPS, "followup": SHORT_VISIT},
            tech=1,
            doc=1,
            tech_hours=("08:00", "08:30"),
        ),
        ["new", "followup", "new", "followup"],
    ),
    # two doctors from 08:15, each assigned two patients: 90 minutes, budget 2
    "late_doctors": (
        tiny(
            {"visit": SHORT_VISIT},
            tech=1,
            doc=2,
            tech_hours=("08:00", "08:20"),
            doc_hours=("08:15", "09:00"),
        ),
        ["visit"] * 4,
    ),
    # any of two doctors (no assigned step): 90 minutes, budget 1
    "unassigned_consults": (
        tiny({"visit": ANY_DOCTOR}, tech=1, doc=2, tech_hours=("08:00", "08:20")),
        ["visit"] * 4,
    ),
    # one pool of two technicians does both steps, until 08:30: 60 minutes, budget 0
    "one_pool_two_steps": (
        tiny({"tests": TWO_TESTS}, tech=2, tech_hours=("08:00", "08:30")),
        ["tests"] * 4,
    ),
}
EXPECTED = {
    "tech_until_0830": (2, 90),
    "drops_one_doctor": (1, 110),
    "late_doctors": (2, 90),
    "unassigned_consults": (1, 90),
    "one_pool_two_steps": (0, 60),
}


# ---------------------------------------------------------------- brute force


def brute_force(
    clinic: Clinic, day: int, patients: list[tuple[str, int]], max_delay: int
) -> float | None:
    """The least Σ stay (minutes) over every plan of the day, or None if there is none.

    Each patient (protocol, assigned member) of a protocol ``[A, (resource-less
    gaps), B]`` gets every start window ``s1`` of A and every planned wait
    ``0..max_delay`` before B, B starting at ``s1 + V_A + V_gaps + wait``; the
    stay is from ``s1`` (the appointment) to the end of B. A window holds at most
    the pool's staff, an assigned member one patient, and a step only windows
    wholly inside its resource's shift. The search is exhaustive, pruned only by
    capacity, by a bound on the best total found, and by taking the choices of
    interchangeable patients (same protocol and member) in non-decreasing order.
    """
    scenario, slot = clinic.scenario, clinic.horizon.slot_minutes
    homes = [clinic.shift(r).go_home for r in scenario.resources]
    windows = int((max([clinic.close, *homes]) - clinic.open) // slot)

    def at_work(resource: str, u: int) -> bool:
        shift = clinic.shift(resource)
        begin = clinic.open + u * slot
        return shift.start <= begin and begin + slot <= shift.go_home

    options: list[list[tuple[int, list[tuple[str, int | None, range]]]]] = []
    for protocol_name, member in patients:
        steps = scenario.protocols[protocol_name].steps
        assert steps[0].resource and steps[-1].resource
        assert all(s.resource is None for s in steps[1:-1])
        v = [math.ceil(round(s.duration.mean / slot, 9)) for s in steps]
        first, last = steps[0], steps[-1]
        gap = sum(v[1:-1])
        choices = []
        for s1 in range(windows):
            for wait in range(max_delay + 1):
                s2 = s1 + v[0] + gap + wait
                if s2 + v[-1] > windows:
                    continue
                uses = [(first, range(s1, s1 + v[0])), (last, range(s2, s2 + v[-1]))]
                if not all(at_work(st.resource, u) for st, span in uses for u in span):
                    continue
                if any(
                    st.assigned and not 0 <= member < clinic.staff(st.resource, day)
                    for st, _span in uses
                ):
                    continue
                stay = (s2 + v[-1] - s1) * slot
                choices.append(
                    (stay, [(st.resource, member if st.assigned else None, sp) for st, sp in uses])
                )
        options.append(sorted(choices, key=lambda c: c[0]))

    order = sorted(range(len(patients)), key=lambda i: patients[i])
    least = [min((c[0] for c in options[i]), default=math.inf) for i in order]
    pool: dict[tuple[str, int], int] = {}
    own: dict[tuple[str, int, int], int] = {}
    best: list[float | None] = [None]

    def place(uses: list[tuple[str, int | None, range]], sign: int) -> bool:
        fits = True
        for resource, member, span in uses:
            for u in span:
                pool[resource, u] = pool.get((resource, u), 0) + sign
                fits &= pool[resource, u] <= clinic.staff(resource, day)
                if member is not None:
                    own[resource, member, u] = own.get((resource, member, u), 0) + sign
                    fits &= own[resource, member, u] <= 1
        return fits

    def search(k: int, total: float, first_choice: int) -> None:
        if k == len(order):
            if best[0] is None or total < best[0]:
                best[0] = total
            return
        if best[0] is not None and total + sum(least[k:]) >= best[0]:
            return
        i = order[k]
        for c in range(first_choice, len(options[i])):
            stay, uses = options[i][c]
            if place(uses, +1):
                same = k + 1 < len(order) and patients[order[k + 1]] == patients[i]
                search(k + 1, total + stay, c if same else 0)
            place(uses, -1)

    search(0, 0.0, 0)
    return best[0]


def solve_direct(
    clinic: Clinic, patients: list[tuple[str, int]], max_delay: int
) -> tuple[float | None, Any, float]:
    """``solve_day`` on the day's instance: (Σ stay of its plan, the solution, Σ a bound)."""
    counts: dict[tuple[str, int], int] = {}
    for key in patients:
        counts[key] = counts.get(key, 0) + 1
    groups = [Group(p, m, n) for (p, m), n in sorted(counts.items())]
    paths = {
        name: enumerate_paths(protocol, SLOT, max_delay)
        for name, protocol in clinic.scenario.protocols.items()
    }
    inst = day_instance(clinic, 0, groups, paths)
    solution = solve_day(inst, time_limit_s=20, mip_gap=0.0)
    tie_break_bound = 1e-3 * inst.windows * len(patients)
    if not solution.found:
        return None, solution, tie_break_bound
    stay = 0.0
    for group, entries in zip(groups, solution.assignments, strict=True):
        assert len(entries) == group.count
        stay += sum(paths[group.protocol][p].length * SLOT for _a, p in entries)
    return stay, solution, tie_break_bound


def booked_patients(name: str) -> tuple[Scenario, Requests, list[tuple[str, int]]]:
    scenario, protocols = TINY[name]
    requests = hand_requests(protocols, sorted(scenario.protocols))
    day, member = book_first_come(requests, Clinic(scenario))
    assert (day == 0).all()
    patients = [(requests.protocol_of(i), int(member[i])) for i in range(len(requests))]
    return scenario, requests, patients


def test_brute_force_finds_the_known_optimum() -> None:
    """The exhaustive search itself, on the day worked out by hand: one technician until
    08:30 does the three 10-minute tests at 08:00, 08:10, 08:20, so the one doctor's
    15-minute consults start at 08:10, 08:25, 08:40: waits of 0, 1, 2 windows and
    stays of 25 + 30 + 35 = 90 minutes; with less than 2 windows of waiting, no plan."""
    scenario, _requests, patients = booked_patients("tech_until_0830")
    clinic = Clinic(scenario)
    assert [brute_force(clinic, 0, patients, d) for d in range(4)] == [None, None, 90, 90]


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_instances_have_the_recorded_optimum(name: str) -> None:
    """Each tiny day has a plan, and the smallest budget and least stay noted beside it
    (so they are not all trivial: some need planned waiting)."""
    scenario, _requests, patients = booked_patients(name)
    clinic = Clinic(scenario)
    values = [brute_force(clinic, 0, patients, d) for d in range(4)]
    budget, stay = EXPECTED[name]
    assert values[:budget] == [None] * budget
    assert values[budget] == stay


@pytest.mark.parametrize("name", sorted(TINY))
def test_solve_day_matches_brute_force_at_every_budget(name: str) -> None:
    scenario, _requests, patients = booked_patients(name)
    clinic = Clinic(scenario)
    feasible = 0
    for budget in range(4):
        expected = brute_force(clinic, 0, patients, budget)
        stay, solution, tie_break = solve_direct(clinic, patients, budget)
        assert stay == expected, (budget, solution.status)
        if expected is not None:
            feasible += 1
            assert solution.objective is not None
            assert expected - 1e-6 <= solution.objective <= expected + tie_break + 1e-6
    assert feasible >= 1, "a tiny instance with no plan at any budget tests nothing"


@pytest.mark.parametrize("name", sorted(TINY))
def test_policy_reaches_the_optimum_of_its_smallest_feasible_budget(name: str) -> None:
    """The policy solves with the smallest budget that has a plan; its plan passes the
    checker and its Σ stay is the exhaustive optimum for that budget."""
    scenario, requests, patients = booked_patients(name)
    clinic = Clinic(scenario)
    budget = next(d for d in range(4) if brute_force(clinic, 0, patients, d) is not None)
    expected = brute_force(clinic, 0, patients, budget)
    policy = MipPolicy(MipParams(mip_gap=0.0, max_delay=3))
    plan = policy.plan(requests, clinic, np.random.default_rng(0))
    assert plan.info["warnings"] == []
    assert check_plan(plan, requests, clinic) == []
    assert planned_stays(plan, requests, clinic) == pytest.approx(expected)


# ---------------------------------------------------------------- the checker itself


def valid_hand_plan() -> tuple[Plan, Requests, Clinic]:
    """Two technicians, two doctors (no hours, close 09:00, no overtime), three patients:
    0 (doctor 0) and 1 (doctor 1) tested at 08:00 and seen at 08:10; 2 (doctor 0) tested
    at 08:10 and seen at 08:25."""
    scenario = tiny({"visit": CONSULT_AFTER_TEST}, tech=2, doc=2)
    requests = hand_requests(["visit"] * 3, ["visit"])
    plan = Plan(
        policy="hand",
        day=np.zeros(3, dtype=np.int64),
        member=np.array([0, 1, 0]),
        appointment=np.array([480.0, 480.0, 490.0]),
        planned_start={
            "test": np.array([480.0, 480.0, 490.0]),
            "consult": np.array([490.0, 490.0, 505.0]),
        },
    )
    return plan, requests, Clinic(scenario)


def test_checker_accepts_a_valid_hand_plan() -> None:
    plan, requests, clinic = valid_hand_plan()
    assert check_plan(plan, requests, clinic) == []


def _break_consult_before_test(plan: Plan) -> str:
    plan.planned_start["consult"][2] = 495.0  # its test ends at 500
    return "before predecessor test"


def _break_off_grid(plan: Plan) -> str:
    plan.planned_start["consult"][2] = 506.0
    return "not on the slot grid"


def _break_double_booked_member(plan: Plan) -> str:
    plan.member[1] = 0  # doctor 0 now sees patients 0 and 1 from 08:10
    return "doc member 0 window"


def _break_overloaded_pool(plan: Plan) -> str:
    plan.appointment[2] = 480.0
    plan.planned_start["test"][2] = 480.0  # three tests at 08:00, two technicians
    return "tech window 0: 3 patients"


def _break_outside_shift(plan: Plan) -> str:
    plan.planned_start["consult"][2] = 530.0  # to 08:45 + 15 > 09:00, no overtime
    return "outside the doc shift"


def _break_before_appointment(plan: Plan) -> str:
    plan.appointment[2] = 495.0
    return "before the appointment"


def _break_appointment_off_grid(plan: Plan) -> str:
    plan.appointment[2] = 487.0
    return "appointment 487.0 is not on the slot grid"


def _break_missing_step(plan: Plan) -> str:
    plan.planned_start["consult"][1] = np.nan
    return "no planned start for steps ['consult']"


def _break_member_not_at_work(plan: Plan) -> str:
    plan.member[1] = 2  # only two doctors work
    return "assigned to member 2"


def _break_unbooked_with_appointment(plan: Plan) -> str:
    plan.day[1] = UNBOOKED
    return "unbooked but has an appointment"


def _break_no_member(plan: Plan) -> str:
    plan.member[0] = NO_MEMBER
    return "assigned to member -1"


BREAKS = [
    _break_consult_before_test,
    _break_off_grid,
    _break_double_booked_member,
    _break_overloaded_pool,
    _break_outside_shift,
    _break_before_appointment,
    _break_appointment_off_grid,
    _break_missing_step,
    _break_member_not_at_work,
    _break_unbooked_with_appointment,
    _break_no_member,
]


@pytest.mark.parametrize("breaker", BREAKS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_checker_catches_a_broken_hand_plan(breaker: Any) -> None:
    plan, requests, clinic = valid_hand_plan()
    expected = breaker(plan)
    problems = check_plan(plan, requests, clinic)
    assert any(expected in p for p in problems), problems


def test_checker_catches_broken_mip_plans() -> None:
    """A real MIP plan of the bundled scenario passes; moving a step, double-booking a
    member and overloading the one admissions clerk each make it fail."""
    scenario = load(BUNDLED, ["horizon.days=1"])
    plan, requests, clinic = mip_plan(scenario)
    assert check_plan(plan, requests, clinic) == []
    day0 = np.flatnonzero(plan.day == 0)
    first, second = (int(i) for i in day0[plan.member[day0] == plan.member[day0[0]]][:2])

    moved = _copy(plan)
    moved.planned_start["consult"][first] = moved.planned_start["refraction"][first]
    assert any("before predecessor refraction" in p for p in check_plan(moved, requests, clinic))

    double = _copy(plan)
    double.planned_start["consult"][second] = double.planned_start["consult"][first]
    member = int(plan.member[first])
    assert any(
        f"ophthalmologist member {member} window" in p for p in check_plan(double, requests, clinic)
    )

    overload = _copy(plan)
    overload.planned_start["registration"][second] = overload.planned_start["registration"][first]
    assert any(
        "admissions window" in p and "1 at work" in p
        for p in check_plan(overload, requests, clinic)
    )


def _copy(plan: Plan) -> Plan:
    return Plan(
        policy=plan.policy,
        day=plan.day.copy(),
        member=plan.member.copy(),
        appointment=plan.appointment.copy(),
        planned_start={k: v.copy() for k, v in plan.planned_start.items()},
        info=dict(plan.info),
    )


# ---------------------------------------------------------------- every MIP plan is valid


@pytest.mark.parametrize("rep", [0, 1])
def test_bundled_mip_plans_pass_the_checker(rep: int) -> None:
    scenario = load(BUNDLED, ["horizon.days=5"])
    plan, requests, clinic = mip_plan(scenario, rep)
    assert plan.info["warnings"] == []
    assert plan.booked.sum() > 100
    assert check_plan(plan, requests, clinic) == []
    solver = plan.info["solver"]
    assert sum(solver["statuses"].values()) == clinic.days
    assert solver["solved"] + solver["cached"] == clinic.days
    assert 0 <= solver["max_gap"] <= 0.01
    assert solver["build_seconds"] > 0 and solver["solve_seconds"] > 0


def movable_patients(
    plan: Plan, requests: Requests, clinic: Clinic, fallbacks: set[int] | frozenset = frozenset()
) -> list[int]:
    """Patients whose whole plan (appointment and every step) could start one window
    earlier and still pass the checker, the others staying put."""
    slot = clinic.horizon.slot_minutes
    movable = []
    for i in np.flatnonzero(plan.booked):
        if int(plan.day[i]) in fallbacks:
            continue
        moved = _copy(plan)
        moved.appointment[i] -= slot
        for start in moved.planned_start.values():
            start[i] -= slot
        if not check_plan(moved, requests, clinic, fallbacks):
            movable.append(int(i))
    return movable


def test_mip_plans_are_compact() -> None:
    """After ``shift_earlier`` no patient's plan fits one window earlier."""
    scenario = load(BUNDLED, ["horizon.days=2"])
    plan, requests, clinic = mip_plan(scenario)
    assert movable_patients(plan, requests, clinic) == []
    for seed in (0, 3):
        scenario = from_mapping(random_mapping(seed))
        plan, requests, clinic = mip_plan(scenario, time_limit_s=10)
        fallbacks = fallback_days(plan)
        assert movable_patients(plan, requests, clinic, fallbacks) == [], seed


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def random_mapping(seed: int) -> dict[str, Any]:
    """A small random scenario: three resources with optional hours and rosters, one or
    two protocols of 2–4 steps (resource-less, optional, ``after``) and mostly an
    assigned consult; 2 days, 5- or 10-minute windows, 0–60 minutes of overtime."""
    rng = np.random.default_rng(seed)
    open_ = int(rng.choice([420, 450, 480]))
    close = open_ + int(rng.choice([120, 180, 240]))
    resources: dict[str, Any] = {}
    for name in ("desk", "tech", "doc"):
        res: dict[str, Any] = {"count": int(rng.integers(1, 4))}
        if rng.random() < 0.4:
            start = open_ + int(rng.choice([-30, 0, 7, 30]))
            res["hours"] = {
                "start": _clock(start),
                "end": _clock(start + int(rng.choice([90, 150, 240]))),
            }
        if rng.random() < 0.3:
            res["roster"] = {"tue": int(rng.integers(0, 3)), "wed": int(rng.integers(1, 3))}
        resources[name] = res
    resources["doc"]["daily_slots"] = int(rng.integers(3, 8))
    protocols: dict[str, Any] = {}
    for k in range(int(rng.integers(1, 3))):
        steps: list[dict[str, Any]] = []
        for j in range(int(rng.integers(2, 5))):
            kind = str(rng.choice(["desk", "tech", "doc", "none"], p=[0.25, 0.35, 0.2, 0.2]))
            mean = float(rng.choice([3, 5, 7, 10, 12, 20]))
            duration: Any = {"dist": "lognormal", "mean": mean, "sd": 2}
            if rng.random() < 0.5:
                duration = mean
            step: dict[str, Any] = {
                "id": f"s{j}",
                "resource": None if kind == "none" else kind,
                "duration": duration,
            }
            if rng.random() < 0.25:
                step["probability"] = 0.7
            if j > 0 and rng.random() < 0.3:
                step["after"] = [f"s{q}" for q in range(j) if rng.random() < 0.5]
            steps.append(step)
        if rng.random() < 0.7:
            consult = float(rng.choice([5, 10, 15]))
            steps.append(
                {"id": "consult", "resource": "doc", "assigned": True, "duration": consult}
            )
        protocols[f"p{k}"] = {"steps": steps}
    classes = {
        f"c{k}": {"share": 1.0 / len(protocols), "protocol": p} for k, p in enumerate(protocols)
    }
    return {
        "name": f"random {seed}",
        "seed": seed,
        "horizon": {
            "days": 2,
            "weekdays": ["mon", "tue", "wed"],
            "open": _clock(open_),
            "close": _clock(close),
            "slot_minutes": int(rng.choice([5, 10])),
            "max_overtime": float(rng.choice([0, 30, 60])),
        },
        "resources": resources,
        "demand": {
            "requests_per_day": float(rng.integers(3, 10)),
            "booking_window_days": 2,
            "classes": classes,
        },
        "behaviour": {"no_show": 0.1},
        "protocols": protocols,
    }


def test_random_small_mip_plans_pass_the_checker() -> None:
    planned_days = 0
    for seed in range(8):
        scenario = from_mapping(random_mapping(seed))
        plan, requests, clinic = mip_plan(scenario, time_limit_s=10)
        fallbacks = fallback_days(plan)
        assert check_plan(plan, requests, clinic, fallbacks) == [], seed
        planned_days += sum(
            1 for d in range(clinic.days) if d not in fallbacks and (plan.day == d).any()
        )
    assert planned_days >= 8, "most random days should get a MIP plan"


# ---------------------------------------------------------------- fallbacks


def test_zero_staff_falls_back_with_a_warning_and_still_runs() -> None:
    scenario = load(BUNDLED, ["horizon.days=2", "resources.admissions.count=0"])
    plan, requests, clinic = mip_plan(scenario)
    busy_days = {int(d) for d in np.unique(plan.day[plan.booked])}
    assert busy_days == {0, 1}
    assert fallback_days(plan) == busy_days
    assert all("no MIP plan" in w for w in plan.info["warnings"])
    assert check_plan(plan, requests, clinic, busy_days) == []
    fifo_times = equally_spaced_times(requests, clinic, plan.day, plan.member)
    np.testing.assert_array_equal(plan.appointment[plan.booked], fifo_times[plan.booked])
    assert all(np.isnan(start[plan.booked]).all() for start in plan.planned_start.values())
    visits = assert_accounted(scenario)
    assert (visits["status"] == "served").sum() == 0
    assert (visits["status"] == "unserved").sum() > 0


def test_hours_too_short_are_infeasible_and_fall_back() -> None:
    """Staff at work, every patient has some path, but a doctor working 20 minutes cannot
    see four 15-minute consults: infeasible at every budget, a warning, no crash."""
    scenario = tiny(
        {"visit": CONSULT_AFTER_TEST},
        tech=2,
        doc=1,
        doc_hours=("08:00", "08:20"),
        requests_per_day=6,
        days=2,
    )
    plan, requests, clinic = mip_plan(scenario)
    busy_days = {int(d) for d in np.unique(plan.day[plan.booked])}
    assert busy_days
    assert fallback_days(plan) == busy_days
    statuses = plan.info["solver"]["statuses"]
    assert sum(statuses.values()) == clinic.days
    assert any("nfeasible" in s for s in statuses)
    assert check_plan(plan, requests, clinic, busy_days) == []
    visits = assert_accounted(scenario)
    assert (visits["status"] == "served").sum() > 0


def test_tiny_time_limit_gives_a_plan_or_a_clean_fallback() -> None:
    scenario = load(BUNDLED, ["horizon.days=1", "policies.mip.time_limit_s=0.0001"])
    plan, requests, clinic = mip_plan(scenario, time_limit_s=1e-4)
    statuses = plan.info["solver"]["statuses"]
    assert sum(statuses.values()) == 1
    status = next(iter(statuses))
    fallbacks = fallback_days(plan)
    if fallbacks:
        assert fallbacks == {0}
        assert status in plan.info["warnings"][0]
    else:
        assert plan.info["solver"]["max_gap"] is not None
    assert check_plan(plan, requests, clinic, fallbacks) == []
    realisation = realise(scenario, 0)
    visits = simulate(plan, realisation, clinic).visits
    assert visits["status"].isin([*ACCOUNTED, "unbooked"]).all()
    assert len(visits) == len(requests)


def test_a_solver_error_falls_back_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solver itself failing (here: HiGHS cannot be created) is a fallback, not a crash."""

    def broken_factory(_name: str) -> Any:
        raise RuntimeError("no HiGHS here")

    monkeypatch.setattr("policies.mip.day.SolverFactory", broken_factory)
    scenario = load(BUNDLED, ["horizon.days=1"])
    plan, requests, clinic = mip_plan(scenario)
    assert fallback_days(plan) == {0}
    assert "no HiGHS here" in plan.info["warnings"][0]
    assert any(s.startswith("solver error") for s in plan.info["solver"]["statuses"])
    assert check_plan(plan, requests, clinic, {0}) == []


# ---------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "policies.mip.mip_gap=2"], "policies.mip.mip_gap: must be ≤ 1"),
        (["-p", "mip:-1"], "policies.mip.max_delay: must be ≥ 0"),
        (
            ["--set", "policies.mip.duration_quantile=1.5"],
            "policies.mip.duration_quantile: must be < 1",
        ),
        (["--set", "policies.mip.time_limit_s=0"], "policies.mip.time_limit_s: must be > 0"),
    ],
)
def test_bad_mip_parameters_exit_2_with_a_clear_message(args: list[str], expected: str) -> None:
    command = [sys.executable, "-m", "sim.cli.main", "run", BUNDLED, "--reps", "1", "-p", "fifo"]
    if "-p" not in args:
        command += ["-p", "mip"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert done.stdout == ""


# ---------------------------------------------------------------- the headline


def test_headline_mip_stay_below_fifo_with_a_paired_interval_excluding_zero() -> None:
    scenario = load(BUNDLED, ["horizon.days=5"])
    result = run_experiment(scenario, ["fifo", "mip"], 6, workers=1, keep_records=False)
    policies = result.summary["policies"]
    assert policies["mip"]["los"]["mean"] < policies["fifo"]["los"]["mean"]
    paired = result.summary["paired"]["mip"]["los"]
    lo, hi = paired["ci95"]
    assert paired["diff"] < 0
    assert lo < hi < 0
    for info in result.info["plans"]["mip"]:
        assert info["warnings"] == []


# ---------------------------------------------------------------- the cache


def test_the_same_replication_twice_gives_the_same_plan_from_the_cache() -> None:
    scenario = load(BUNDLED, ["horizon.days=3"])
    first, requests, clinic = mip_plan(scenario)
    assert first.info["solver"]["solved"] > 0
    assert first.info["solver"]["cached"] < clinic.days
    second, _requests, _clinic = mip_plan(scenario)
    assert second.info["solver"]["cached"] == clinic.days
    assert second.info["solver"]["solved"] == 0
    np.testing.assert_array_equal(first.day, second.day)
    np.testing.assert_array_equal(first.member, second.member)
    np.testing.assert_array_equal(first.appointment, second.appointment)
    assert sorted(first.planned_start) == sorted(second.planned_start)
    for step, start in first.planned_start.items():
        np.testing.assert_array_equal(start, second.planned_start[step])
    assert check_plan(second, requests, clinic) == []


def test_summary_json_does_not_depend_on_the_plan_cache_or_the_workers() -> None:
    """DESIGN.md: the same seed gives the same summary.json, byte for byte, whatever the
    number of workers. On a small clinic where day mixes repeat, the cache serves some
    days; the summary must not change with how many it served (a second run in the same
    process, or replications spread over two processes with a cache each)."""
    scenario = tiny({"visit": SHORT_VISIT}, tech=1, doc=2, requests_per_day=2, days=3)
    specs = ["fifo", "mip"]
    cold = summary_json(run_experiment(scenario, specs, 4, workers=1, keep_records=False).summary)
    warm = summary_json(run_experiment(scenario, specs, 4, workers=1, keep_records=False).summary)
    mip_module._CACHE.clear()
    pooled = summary_json(run_experiment(scenario, specs, 4, workers=2, keep_records=False).summary)
    assert warm == cold
    assert pooled == cold


def test_other_parameters_do_not_reuse_cached_plans() -> None:
    scenario = load(BUNDLED, ["horizon.days=2"])
    mip_plan(scenario)
    other, _requests, _clinic = mip_plan(scenario, max_delay=2)
    assert other.info["solver"]["cached"] == 0


def test_planning_at_a_high_quantile_gives_every_step_at_least_its_mean_windows() -> None:
    """``duration_quantile`` lengthens planned steps, never shortens them, so the stays
    the plan predicts are longer than with mean durations."""
    scenario = load(BUNDLED)
    for protocol in scenario.protocols.values():
        mean_windows = step_windows(protocol, SLOT)
        q90_windows = step_windows(protocol, SLOT, quantile=0.9)
        assert all(q >= m for q, m in zip(q90_windows, mean_windows, strict=True))
        assert sum(q90_windows) > sum(mean_windows)
    two_days = load(BUNDLED, ["horizon.days=2"])
    plan, *_ = mip_plan(two_days, duration_quantile=0.9)
    mean_plan, *_ = mip_plan(two_days)
    served = plan.booked & ~np.isnan(plan.planned_end)
    planned_stay = (plan.planned_end - plan.appointment)[served].mean()
    mean_stay = (mean_plan.planned_end - mean_plan.appointment)[served].mean()
    assert planned_stay > mean_stay


def test_capacity_shortfall_names_the_overbooked_member_before_any_solve() -> None:
    """Four 15-minute consults (12 windows) for a doctor at work 20 minutes (4 windows):
    the day is declared infeasible from the counts alone; with a full day it fits."""
    short_day = tiny({"visit": CONSULT_AFTER_TEST}, tech=2, doc=1, doc_hours=("08:00", "08:20"))
    full_day = tiny({"visit": CONSULT_AFTER_TEST}, tech=2, doc=1)
    for scenario, expected in ((short_day, ["doc", "('doc', 0)"]), (full_day, [])):
        clinic = Clinic(scenario)
        paths = {
            name: enumerate_paths(protocol, SLOT, 0)
            for name, protocol in scenario.protocols.items()
        }
        inst = day_instance(clinic, 0, [Group("visit", 0, 4)], paths)
        assert capacity_shortfall(inst) == expected
    solution = solve_day(day_instance(Clinic(short_day), 0, [Group("visit", 0, 4)], paths), 5, 0)
    assert solution.status == "infeasible" and solution.variables == 0


def test_ctrl_c_during_a_solve_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solve that reports it was interrupted (highspy can turn Ctrl-C into a status)
    stops the run as Ctrl-C would, instead of falling back and going on."""
    from pyomo.contrib.solver.common.results import Results, TerminationCondition

    class Interrupted:
        def solve(self, _model: Any, **_options: Any) -> Results:
            results = Results()
            results.termination_condition = TerminationCondition.interrupted
            return results

    monkeypatch.setattr("policies.mip.day.SolverFactory", lambda _name: Interrupted())
    with pytest.raises(KeyboardInterrupt):
        mip_plan(load(BUNDLED, ["horizon.days=1"]))
