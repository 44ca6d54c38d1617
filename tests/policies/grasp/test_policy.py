"""The ``grasp`` booking policy in the simulation, and the need metrics it is judged by.

- feasibility (an independent checker written here, plus ``check_plan`` for the
  grid and the hours): every booked patient is with a member of the class's
  specialty, on a day inside ``[request + min_lead_days, min(request +
  booking_window_days, last day)]``, no member-day holds more patients than its
  weekday's ``daily_slots``, and each member's day has fifo's equally spaced
  times on the slot grid within the opening hours, the neediest first; on
  ``essalud_outpatient`` (one specialty per member; ``grasp`` and
  ``grasp:earliest``, also with demand above the slots) and on
  ``ophthalmology_service`` (members with several specialties sharing their slots);
- ``grasp:earliest`` books as many patients as ``fifo``, with the same total access
  days (±2 %), and no longer waits for the most vulnerable fifth;
- the thesis's rule ``grasp`` books more experienced members than ``fifo``;
- ``need_observations`` on a hand-built table: the vulnerable quintile's access
  days and FS = Σ need·experience/(access + 1), experience NaN counted as 1;
- determinism: the same replication gives the same plan, another one another plan;
- bad ``grasp`` parameters stop ``clinicsim`` with exit status 2 and one line naming
  the dotted path, no traceback;
- a scenario whose classes carry only ``age`` (the bundled ``ophthalmology``) books
  by the need with ``sim.need``'s defaults for the rest.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policies import REGISTRY, make_policy
from sim.clinic import Clinic
from sim.experiments.runner import RepResult, run_replication
from sim.metrics import VULNERABLE_SHARE, need_observations
from sim.need import NEED_DEFAULTS, need_of, patient_need
from sim.plan import NO_MEMBER, UNBOOKED, Plan
from sim.sampling import Requests, realise, stream
from sim.scenario import Scenario, from_mapping, load, read_yaml, resolve_source
from tests.support.plan_checker import check_plan

ESSALUD = "essalud_outpatient"
SERVICE = "ophthalmology_service"  # members with lists of specialties
BUNDLED = "ophthalmology"  # its need attributes are left out where a test needs only age
FAST = "policies.grasp.iterations=50"
GRASPS = ("grasp", "grasp:earliest")
COMPARED = ("fifo", "grasp:earliest", "grasp")
COMPARE_REPS = 3
SCRIPT = Path(sys.executable).with_name("clinicsim")
TIMEOUT_S = 120
EPS = 1e-9


# ---------------------------------------------------------------- helpers


def plan_of(scenario: Scenario, spec: str, rep: int = 0) -> tuple[Plan, Requests, Clinic]:
    """``spec``'s plan of replication ``rep``, on its own stream as ``run_replication`` does."""
    clinic = Clinic(scenario)
    requests = realise(scenario, rep).requests
    policy = make_policy(spec, scenario, REGISTRY)
    plan = policy.plan(requests, clinic, stream(scenario.seed, rep, "policy", spec))
    return plan, requests, clinic


def booking_resource(requests: Requests, clinic: Clinic, patient: int) -> str | None:
    return clinic.scenario.protocols[requests.protocol_of(patient)].booking_resource()


def member_days(plan: Plan) -> dict[tuple[int, int], list[int]]:
    """Booked patients per (day, member)."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in np.flatnonzero(plan.day != UNBOOKED):
        groups[int(plan.day[i]), int(plan.member[i])].append(int(i))
    return groups


def booking_problems(plan: Plan, requests: Requests, clinic: Clinic) -> list[str]:
    """Every broken booking rule, one line each (empty if the plan keeps them all):
    eligibility, booking window, daily slots, and each member-day's times."""
    problems: list[str] = []
    demand = clinic.scenario.demand
    need = need_of(requests.attributes, len(requests))
    slot, length = clinic.horizon.slot_minutes, clinic.close - clinic.open
    for i in range(len(requests)):
        day, member = int(plan.day[i]), int(plan.member[i])
        if day == UNBOOKED:
            if not np.isnan(plan.appointment[i]):
                problems.append(f"patient {i}: unbooked with an appointment")
            continue
        request = int(requests.request_day[i])
        first = request + demand.min_lead_days
        last = min(request + demand.booking_window_days, clinic.days - 1)
        if not first <= day <= last:
            problems.append(f"patient {i}: day {day} outside [{first}, {last}]")
        resource = booking_resource(requests, clinic, i)
        if resource is None:
            continue
        if not 0 <= member < len(clinic.member_names(resource)):
            problems.append(f"patient {i}: member {member} is not a member of {resource}")
            continue
        specialty = requests.specialty_of(i)
        if specialty is not None and specialty not in clinic.member_specialties(resource)[member]:
            problems.append(f"patient {i}: {specialty} booked with member {member}")
        appointment = float(plan.appointment[i])
        if not clinic.open <= appointment < clinic.close:
            problems.append(f"patient {i}: appointment {appointment} outside opening hours")
        windows = (appointment - clinic.open) / slot
        if abs(windows - round(windows)) > EPS:
            problems.append(f"patient {i}: appointment {appointment} off the slot grid")

    for (day, member), patients in sorted(member_days(plan).items()):
        resource = booking_resource(requests, clinic, patients[0])
        if resource is None or member == NO_MEMBER or not 0 <= day < clinic.days:
            continue  # a day outside the horizon is reported above
        slots = clinic.daily_slots(resource, member, day)
        if slots is not None and len(patients) > slots:
            problems.append(f"day {day} member {member}: {len(patients)} booked, {slots} slots")
        # fifo's equally spaced times: the k-th of the day at open + ⌊k·spacing / slot⌋·slot;
        # two patients share a time only when the spacing is below one slot
        spacing = length / max(slots or len(patients), len(patients))
        expected = clinic.open + np.floor(np.arange(len(patients)) * spacing / slot) * slot
        by_time = sorted(patients, key=lambda p: (plan.appointment[p], -need[p]))
        times = plan.appointment[by_time]
        if not np.allclose(times, expected):
            problems.append(f"day {day} member {member}: times {times} not {expected}")
        if spacing >= slot and np.any(np.diff(times) <= 0):
            problems.append(f"day {day} member {member}: two patients at one time {times}")
        if np.any(np.diff(need[by_time]) > EPS):
            problems.append(f"day {day} member {member}: needs {need[by_time]} not neediest first")
    return problems


def full_member_days(plan: Plan, requests: Requests, clinic: Clinic) -> int:
    """How many member-days hold exactly their daily slots (the capacity check binds)."""
    full = 0
    for (day, member), patients in member_days(plan).items():
        slots = clinic.daily_slots(booking_resource(requests, clinic, patients[0]), member, day)
        full += slots is not None and len(patients) == slots
    return full


# ---------------------------------------------------------------- feasibility


def broken(plan: Plan, **changes: dict[int, float]) -> Plan:
    """A copy of ``plan`` with some patients' day, member or appointment changed."""
    arrays = {"day": plan.day.copy(), "member": plan.member.copy()}
    arrays["appointment"] = plan.appointment.copy()
    for name, values in changes.items():
        for patient, value in values.items():
            arrays[name][patient] = value
    return Plan(policy=plan.policy, **arrays)


def test_the_checker_catches_broken_bookings() -> None:
    scenario = load(ESSALUD, ["horizon.days=4", "demand.requests_per_day=200.0", FAST])
    plan, requests, clinic = plan_of(scenario, "grasp:earliest")
    assert booking_problems(plan, requests, clinic) == []
    need = need_of(requests.attributes, len(requests))
    specialties = clinic.member_specialties("doctor")
    groups = member_days(plan)
    (day, member), patients = max(groups.items(), key=lambda item: len(item[1]))
    p = patients[0]
    stranger = next(m for m, own in enumerate(specialties) if requests.specialty_of(p) not in own)
    full = next(
        (d, m)
        for (d, m), ps in groups.items()
        if len(ps) == clinic.daily_slots("doctor", m, d)
        and requests.specialty_of(ps[0]) == requests.specialty_of(p)
        and (d, m) != (day, member)
    )
    neediest = max(patients, key=lambda q: need[q])
    least = min(patients, key=lambda q: need[q])
    cases = {
        "wrong specialty": broken(plan, member={p: stranger}),
        "before the lead": broken(plan, day={p: int(requests.request_day[p])}),
        "past the horizon": broken(plan, day={p: clinic.days}),
        "over the slots": broken(plan, day={p: full[0]}, member={p: full[1]}),
        "off the grid": broken(plan, appointment={p: plan.appointment[p] + 1}),
        "after closing": broken(plan, appointment={p: float(clinic.close)}),
        "needy last": broken(
            plan,
            appointment={neediest: plan.appointment[least], least: plan.appointment[neediest]},
        ),
        "unbooked with a time": broken(
            plan, appointment={int(np.flatnonzero(~plan.booked)[0]): float(clinic.open)}
        ),
    }
    expected = {
        "wrong specialty": "booked with member",
        "before the lead": "outside [",
        "past the horizon": "outside [",
        "over the slots": " booked, ",
        "off the grid": "off the slot grid",
        "after closing": "outside opening hours",
        "needy last": "not neediest first",
        "unbooked with a time": "unbooked with an appointment",
    }
    for name, bad in cases.items():
        problems = booking_problems(bad, requests, clinic)
        assert any(expected[name] in line for line in problems), (name, problems)


@pytest.mark.parametrize("spec", GRASPS)
@pytest.mark.parametrize("demand", [None, 200.0], ids=["as_given", "above_slots"])
@pytest.mark.parametrize("rep", [0, 1])
def test_grasp_bookings_are_feasible_on_essalud(spec: str, demand: float | None, rep: int) -> None:
    overrides = ["horizon.days=8", FAST]
    if demand is not None:
        overrides.append(f"demand.requests_per_day={demand}")
    scenario = load(ESSALUD, overrides)
    plan, requests, clinic = plan_of(scenario, spec, rep)
    assert plan.booked.any()
    assert booking_problems(plan, requests, clinic) == []
    # the grid, the hours and "unbooked has no appointment", by the mip's checker too
    assert check_plan(plan, requests, clinic) == []
    if demand is None:  # about 90 % of the slots asked for: nearly all who can be are booked
        window = requests.request_day + scenario.demand.min_lead_days < clinic.days
        assert plan.booked.sum() > 0.8 * window.sum()
    else:  # more requests than slots: the slot limit binds somewhere
        assert (~plan.booked).sum() > 0
        assert full_member_days(plan, requests, clinic) > 0


@pytest.mark.parametrize("demand", [None, 300.0], ids=["as_given", "above_slots"])
def test_members_with_several_specialties_share_their_daily_slots(demand: float | None) -> None:
    overrides = ["horizon.days=2", FAST]
    if demand is not None:
        overrides.append(f"demand.requests_per_day={demand}")
    scenario = load(SERVICE, overrides)
    plan, requests, clinic = plan_of(scenario, "grasp")
    specialties = clinic.member_specialties("ophthalmologist")
    assert any(len(s) > 1 for s in specialties)
    assert plan.booked.any()
    assert booking_problems(plan, requests, clinic) == []
    # a member with several specialties saw patients of more than one on one day,
    # so those specialties' patients counted against the same slots
    mixed = [
        (day, member)
        for (day, member), patients in member_days(plan).items()
        if len({requests.specialty_of(p) for p in patients}) > 1
    ]
    assert mixed
    if demand is not None:
        assert (~plan.booked).sum() > 0
        assert full_member_days(plan, requests, clinic) > 0


# ---------------------------------------------------------------- against fifo


@pytest.fixture(scope="module")
def compared() -> list[RepResult]:
    """fifo, grasp:earliest and grasp played on the same replications of essalud."""
    scenario = load(ESSALUD, ["horizon.days=10", FAST])
    return [run_replication(scenario, list(COMPARED), rep) for rep in range(COMPARE_REPS)]


def visits_of(result: RepResult, spec: str) -> pd.DataFrame:
    records = result.policies[spec].records
    assert records is not None
    return records.visits


def test_earliest_books_as_many_as_fifo_with_the_same_total_access_days(
    compared: list[RepResult],
) -> None:
    for result in compared:
        fifo, earliest = visits_of(result, "fifo"), visits_of(result, "grasp:earliest")
        assert earliest["access_days"].notna().sum() == fifo["access_days"].notna().sum()
        assert (
            result.policies["grasp:earliest"].values["booked"]
            == (result.policies["fifo"].values["booked"])
        )
        # Each request day's batch fills the same earliest free slots as fifo's one-by-one
        # booking: fifo takes, for each request, the earliest day with a free eligible
        # slot; grasp:earliest draws its member from those whose next free slot comes
        # first (α_m only admits a later one when the members' next free days are more
        # than 1/α_m ≈ 4 days apart, which never happens here), and its swaps only move
        # days between a member's own patients. So the same days are used and the next
        # batch finds the same free slots; only which patient gets which day differs,
        # hence the same total access days (exactly, in these replications).
        total_fifo, total_earliest = fifo["access_days"].sum(), earliest["access_days"].sum()
        assert total_earliest == pytest.approx(total_fifo, rel=0.02)


def test_earliest_serves_the_most_vulnerable_fifth_no_later_than_fifo(
    compared: list[RepResult],
) -> None:
    def mean_vulnerable(spec: str) -> float:
        values = [r.policies[spec].values["access_days_vulnerable"] for r in compared]
        assert not any(math.isnan(v) for v in values)
        return float(np.mean(values))

    assert mean_vulnerable("grasp:earliest") <= mean_vulnerable("fifo")
    # the metric is the access days of the booked among the fifth of highest need
    visits = visits_of(compared[0], "grasp:earliest")
    cut = np.quantile(visits["need"], 1 - VULNERABLE_SHARE)
    top = visits.loc[visits["need"] >= cut, "access_days"].dropna()
    assert compared[0].policies["grasp:earliest"].values["access_days_vulnerable"] == (
        pytest.approx(top.mean())
    )


def test_thesis_rule_books_more_experienced_members_than_fifo(compared: list[RepResult]) -> None:
    for result in compared:
        experience = {}
        for spec in ("fifo", "grasp"):
            visits = visits_of(result, spec)
            booked = visits["access_days"].notna()
            assert visits.loc[booked, "experience"].notna().all()  # every essalud member says
            experience[spec] = visits.loc[booked, "experience"].mean()
        assert experience["grasp"] > experience["fifo"], experience


# ---------------------------------------------------------------- the need metrics


def test_need_observations_on_a_hand_built_table() -> None:
    visits = pd.DataFrame(
        {
            "need": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            "access_days": [3.0, np.nan, 0.0, 5.0, 1.0, 2.0, np.nan, 4.0, 6.0, 1.0],
            "experience": [10.0, np.nan, np.nan, 2.0, 0.0, 5.0, np.nan, 1.0, 3.0, 20.0],
        }
    )
    obs = need_observations(visits)
    # needs 1..10: the 0.8 quantile is 8.2, so the fifth of highest need is 9 and 10
    assert sorted(obs["access_days_vulnerable"].tolist()) == [1.0, 6.0]
    fs = (
        1 * 10 / 4  # access 3
        + 3 * 1 / 1  # access 0, experience not given: 1
        + 4 * 2 / 6
        + 5 * 0 / 2
        + 6 * 5 / 3
        + 8 * 1 / 5
        + 9 * 3 / 7
        + 10 * 20 / 2
    )  # needs 2 and 7 are not booked and add nothing
    assert obs["fs"].shape == (1,)
    assert obs["fs"][0] == pytest.approx(fs)


def test_need_observations_skip_the_unbooked_of_the_vulnerable_fifth() -> None:
    visits = pd.DataFrame(
        {
            "need": [1.0, 2.0, 3.0, 4.0, 50.0],
            "access_days": [1.0, 2.0, 3.0, 4.0, np.nan],
            "experience": [np.nan] * 5,
        }
    )
    obs = need_observations(visits)
    assert len(obs["access_days_vulnerable"]) == 0  # its only member was not booked
    assert obs["fs"][0] == pytest.approx(1 / 2 + 2 / 3 + 3 / 4 + 4 / 5)


# ---------------------------------------------------------------- determinism


def plan_arrays(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return plan.day, plan.member, plan.appointment


@pytest.mark.parametrize("spec", GRASPS)
def test_the_same_replication_gives_the_same_plan(spec: str) -> None:
    scenario = load(ESSALUD, ["horizon.days=6", FAST])
    first, _, _ = plan_of(scenario, spec, 0)
    again, _, _ = plan_of(scenario, spec, 0)
    for a, b in zip(plan_arrays(first), plan_arrays(again), strict=True):
        np.testing.assert_array_equal(a, b)  # NaN (unbooked) equals NaN
    other, _, _ = plan_of(scenario, spec, 1)
    assert any(
        a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
        for a, b in zip(plan_arrays(first), plan_arrays(other), strict=True)
    )


# ---------------------------------------------------------------- bad parameters


def clinicsim(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.is_file(), f"console script not installed: {SCRIPT}"
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT_S,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-p", "grasp", "--set", "policies.grasp.alpha_p=2"], "policies.grasp.alpha_p"),
        (["-p", "grasp:best"], "policies.grasp.doctors"),
    ],
)
def test_bad_grasp_parameters_exit_2_with_a_clear_message(args: list[str], expected: str) -> None:
    done = clinicsim(["run", ESSALUD, "--reps", "1", "--set", "horizon.days=2", *args])
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert done.stdout == ""


# ---------------------------------------------------------------- without need attributes


def _only_age(source: str, overrides: list[str]) -> Scenario:
    """The bundled scenario with every class attribute but ``age`` left out."""
    raw = read_yaml(resolve_source(source))
    for cls in raw["demand"]["classes"].values():
        cls["attributes"] = {"age": cls["attributes"]["age"]}
    return from_mapping(raw, overrides, source=source)


def test_grasp_books_by_the_default_need_where_classes_give_only_age() -> None:
    scenario = _only_age(BUNDLED, ["horizon.days=5", FAST])
    plan, requests, clinic = plan_of(scenario, "grasp")
    assert set(requests.attributes) == {"age"}
    expected = patient_need(
        requests.attributes["age"],
        np.full(len(requests), NEED_DEFAULTS["disease_burden"]),
        np.full(len(requests), NEED_DEFAULTS["family_load"]),
        np.full(len(requests), NEED_DEFAULTS["income"]),
    )
    np.testing.assert_allclose(need_of(requests.attributes, len(requests)), expected)
    assert plan.booked.sum() > 0.9 * len(requests)
    assert booking_problems(plan, requests, clinic) == []
    # and the simulation weighs the patients by the same need
    result = run_replication(scenario, ["grasp"], 0)
    visits = visits_of(result, "grasp")
    np.testing.assert_allclose(visits["need"].to_numpy(), expected)
    np.testing.assert_array_equal(visits["day"].to_numpy(), plan.day)
    assert math.isfinite(result.policies["grasp"].values["fs"])
    assert result.policies["grasp"].values["fs"] > 0


def test_the_day_grasp_optimises_is_access_days_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The calendars handed to the solver count T = access days + 1 (so the solver's FS is
    the ``fs`` metric's), and a booking on T maps back to request day + T - 1."""
    import policies.grasp.policy as grasp_policy

    seen: list[tuple[list[np.ndarray], np.ndarray, np.ndarray]] = []
    solve = grasp_policy.grasp

    def spy(instance, *args, calendar=None, **kwargs):  # type: ignore[no-untyped-def]
        booking = solve(instance, *args, calendar=calendar, **kwargs)
        seen.append((calendar, booking.doctor.copy(), booking.day.copy()))
        return booking

    monkeypatch.setattr(grasp_policy, "grasp", spy)
    scenario = load("essalud_outpatient", ["horizon.days=3", "policies.grasp.iterations=5"])
    requests = realise(scenario, 0).requests
    policy = make_policy("grasp", scenario, REGISTRY)
    plan = policy.plan(requests, Clinic(scenario), stream(scenario.seed, 0, "policy", "grasp"))
    calendar, doctor, day = seen[0]
    lead = scenario.demand.min_lead_days
    assert min(int(c.min()) for c in calendar if len(c)) == lead + 1
    first_day = np.flatnonzero(requests.request_day == 0)
    booked = doctor >= 0
    access = plan.day[first_day][booked] - requests.request_day[first_day][booked]
    assert np.array_equal(day[booked], access + 1)
