"""Tests for the thesis's greedy and GRASP (policies/grasp, thesis chapters 3–5).

- the goodness functions against the thesis's worked example and hand-computed FOP;
- ``greedy`` against a booking worked out by hand (one specialty, two doctors, a
  one- and a two-week calendar, a treating doctor with and without room);
- GRASP with α_p = α_m = 0 against a deterministic greedy-by-goodness written here;
- ``fast.grasp`` against ``reference.grasp_reference``: best FS, best iteration,
  doctor per patient and days per doctor, on 300 small generated instances (some
  with per-patient eligibility, calendars of their own, the "earliest" doctor rule
  or non-unit weights) and on hand-made edge cases (no doctor for a specialty, no
  patients for a specialty, a full treating doctor, shifts running out);
- a feasibility checker written here, independent of the product code, run on
  greedy, reference and fast bookings; the improvement's fixed point; GRASP ≥
  greedy; determinism; ``summarise``; and the random-draws contract that makes
  the block size irrelevant.

Regression tests at the end of the file: the best of iterations whose FS is
mathematically equal must not depend on the order the terms are added in (which
differs between the reference and fast; both now sum exactly rounded); and a
specialty of 128 or more doctors (once numbered in int8 by fast.py).
"""

from __future__ import annotations

import warnings
from dataclasses import fields, replace

import numpy as np
import pytest

from policies.grasp import fast
from policies.grasp.booking import Booking, priority_bands, summarise
from policies.grasp.generator import generate_instance
from policies.grasp.goodness import (
    UNIT,
    Weights,
    age_factor,
    doctor_goodness,
    patient_goodness,
    solution_value,
    threshold,
)
from policies.grasp.instance import Instance, slot_days
from policies.grasp.reference import grasp_reference, greedy
from policies.grasp.textformat import parse_instance

REL = 1e-12


def _parse(text: str) -> Instance:
    return parse_instance(text, "test")


# ---------------------------------------------------------------- independent helpers


def calendar(instance: Instance, weeks: int) -> list[list[int]]:
    """Per doctor the day of each appointment, written independently of ``slot_days``:
    week w (from 0), weekday k (Monday = 1) is day 7·w + k, one entry per shift."""
    days = []
    for d in range(instance.n_doctors):
        mine = []
        for w in range(weeks):
            for k in range(1, 8):
                mine += [7 * w + k] * int(instance.shifts[d][k - 1])
        days.append(mine)
    return days


def fop(age: float, family: float, income: float, burden: float, w: Weights = UNIT) -> float:
    """FOP straight from chapter 3: (α·f(E) + β·CEDX + γ·CF) / (ω·IM), f(E) = 0.015·E² − E
    + 20, an income below 1 counted as 1."""
    f = 0.015 * age**2 - age + 20
    return (w.fop_alpha * f + w.fop_beta * burden + w.fop_gamma * family) / (
        w.fop_omega * max(income, 1.0)
    )


def fops(instance: Instance, w: Weights = UNIT) -> list[float]:
    return [
        fop(
            instance.age[i],
            instance.family_load[i],
            instance.income[i],
            instance.disease_burden[i],
            w,
        )
        for i in range(instance.n_patients)
    ]


def fom(experience: float, day: float, free: float, total: float, w: Weights = UNIT) -> float:
    """FOM: α·EX / (β·TC) · θ·TD/TT."""
    return w.fom_alpha * experience / (w.fom_beta * day) * (w.fom_theta * free / total)


def assert_feasible(
    instance: Instance,
    booking: Booking,
    weeks: int,
    days: list[list[int]] | None = None,
    weights: Weights = UNIT,
) -> None:
    """A booking obeys the problem's rules (``days``: the calendar, by default the
    shifts' over ``weeks``). Checked, per patient and per doctor:

    (a) booked ⇔ doctor ≥ 0; an unbooked patient has day 0, place 0 and BM 0;
    (b) a booked patient's doctor has the patient's specialty and may see the patient;
    (c) per doctor, the booked days are exactly the first ``count`` days of the
        doctor's calendar (so no day over its shifts), the places are a
        permutation of 1..count, and each patient's day is the calendar's day at
        the patient's place (so an earlier place never has a later day);
    (d) per doctor, the BMs are exactly the doctor's goodness after 0, 1, …,
        count − 1 bookings (each booking took the doctor's goodness at that time);
    (e) a necessary condition of "the treating doctor is kept when it has room":
        if a patient's treating doctor ends with a free shift (and may see the
        patient), the patient is booked with that doctor (room only shrinks, so it
        had room at the patient's turn); the converse is not checked;
    (f) a patient is left unbooked only if every doctor of the specialty who may
        see the patient is full;
    (g) BP is FOP and FS = Σ BP·BM / T over booked patients.
    """
    days = calendar(instance, weeks) if days is None else days
    n, m = instance.n_patients, instance.n_doctors

    def may_see(p: int, d: int) -> bool:
        return instance.eligible is None or bool(instance.eligible[p][d])

    bp = fops(instance, weights)
    assert booking.patient_goodness == pytest.approx(bp, rel=REL)
    count = [0] * m
    for p in range(n):
        d = int(booking.doctor[p])
        if d < 0:
            assert d == -1 and booking.day[p] == 0 and booking.order[p] == 0, p
            assert booking.doctor_goodness[p] == 0, p
            continue
        count[d] += 1
        assert instance.doctor_specialty[d] == instance.patient_specialty[p], p
        assert may_see(p, d), (p, d)
    for d in range(m):
        mine = np.flatnonzero(booking.doctor == d)
        assert count[d] <= len(days[d]), f"doctor {d} over capacity"
        assert sorted(booking.day[mine].tolist()) == list(days[d][: count[d]]), d
        assert sorted(booking.order[mine].tolist()) == list(range(1, count[d] + 1)), d
        for p in mine:
            assert booking.day[p] == days[d][booking.order[p] - 1], (d, p)
        total = len(days[d])
        expected_bm = [
            fom(float(instance.experience[d]), days[d][k], total - k, total, weights)
            for k in range(count[d])
        ]
        assert sorted(booking.doctor_goodness[mine]) == pytest.approx(
            sorted(expected_bm), rel=REL
        ), d
    for p in range(n):
        t = int(instance.treating[p])
        if t >= 0 and count[t] < len(days[t]) and may_see(p, t):
            assert booking.doctor[p] == t, f"patient {p} not with treating doctor {t} with room"
        if booking.doctor[p] < 0:
            staff = np.flatnonzero(instance.doctor_specialty == instance.patient_specialty[p])
            free = [d for d in staff if may_see(p, d) and count[d] < len(days[d])]
            assert not free, f"patient {p} left out while doctors {free} have room"
    booked = booking.doctor >= 0
    w = weights
    fs = sum(
        w.fs_alpha * bp[p] * w.fs_beta * booking.doctor_goodness[p] / (w.fs_theta * booking.day[p])
        for p in np.flatnonzero(booked)
    )
    assert booking.value == pytest.approx(fs, rel=REL, abs=1e-300)


def assert_improved(booking: Booking) -> None:
    """No swap of days between two patients of one doctor raises FS (unit weights)."""
    w = booking.patient_goodness * booking.doctor_goodness
    for d in np.unique(booking.doctor[booking.doctor >= 0]):
        mine = np.flatnonzero(booking.doctor == d)
        for i, f in enumerate(mine):
            for t in mine[i + 1 :]:
                gain = (1 / booking.day[t] - 1 / booking.day[f]) * (w[f] - w[t])
                scale = max(abs(w[f]), abs(w[t]), 1e-300)
                assert gain <= 1e-12 * scale, (d, f, t, gain)


def days_by_doctor(booking: Booking, doctors: int) -> list[list[int]]:
    return [sorted(booking.day[booking.doctor == d].tolist()) for d in range(doctors)]


def mismatches(ref: Booking, got: Booking, doctors: int) -> list[str]:
    """How ``fast.grasp``'s booking differs from the reference's (empty if it does not)."""
    problems = []
    if got.value != pytest.approx(ref.value, rel=1e-9, abs=1e-300):
        problems.append(f"FS {got.value!r} != {ref.value!r}")
    if got.info["best_iteration"] != ref.info["best_iteration"]:
        problems.append(
            f"best iteration {got.info['best_iteration']} != {ref.info['best_iteration']}"
        )
    if not np.array_equal(got.doctor, ref.doctor):
        problems.append(f"doctors differ at {np.flatnonzero(got.doctor != ref.doctor).tolist()}")
    elif days_by_doctor(got, doctors) != days_by_doctor(ref, doctors):
        problems.append("days per doctor differ")
    return problems


# ---------------------------------------------------------------- 1, 2: goodness functions


def test_thesis_worked_example() -> None:
    # Table 3.3: P1 (BP 73 679) with M1 (BM 40) and P2 (BP 158) with M2 (BM 10), both T = 1.
    fs = solution_value(np.array([73679.0, 158.0]), np.array([40.0, 10.0]), np.array([1, 1]))
    assert fs == 2_948_740  # 73 679·40 + 158·10 = 2 947 160 + 1 580, exact in floats
    # a patient not booked (day 0) adds nothing
    fs = solution_value(np.array([73679.0, 158.0]), np.array([40.0, 10.0]), np.array([1, 0]))
    assert fs == 2_947_160
    # M1: experience 40, next appointment day 1, 1 of 1 shifts free → 40; M2 likewise → 10
    assert doctor_goodness(40, 1, 1, 1) == 40
    assert doctor_goodness(10, 1, 1, 1) == 10
    assert doctor_goodness(40.0, 4.0, 1.0, 2.0) == 5.0  # 40 / 4 · 1/2
    assert age_factor(0) == 20
    assert age_factor(82) == pytest.approx(0.015 * 82**2 - 82 + 20, rel=REL)
    assert age_factor(82) == pytest.approx(38.86, rel=REL)  # 100.86 − 82 + 20
    assert threshold(10.0, 2.0, 0.0) == 10.0
    assert threshold(10.0, 2.0, 1.0) == 2.0
    assert threshold(10.0, 2.0, 0.25) == 8.0


FOP_TEXT = """\
3 1 1
Doc D1 10 1 1 1 1 1 1 1 1
Infant 3 0 0 1 390 -1 1
Elder 70 0 400 1 300 D1 2
Adult 30 2 1500 1 40 -1 3
"""


def test_patient_goodness_by_hand() -> None:
    instance = _parse(FOP_TEXT)
    # Infant: f(3) = 0.135 − 3 + 20 = 17.135; (17.135 + 390 + 0) / 1 (income 0 counts as 1)
    # Elder:  f(70) = 73.5 − 70 + 20 = 23.5;   (23.5 + 300 + 0) / 400
    # Adult:  f(30) = 13.5 − 30 + 20 = 3.5;    (3.5 + 40 + 2) / 1500
    expected = [407.135, 323.5 / 400, 45.5 / 1500]
    assert patient_goodness(instance) == pytest.approx(expected, rel=REL)
    # with α=2, β=3, γ=5, ω=7: (2·f(E) + 3·CEDX + 5·CF) / (7·IM)
    weights = Weights(fop_alpha=2, fop_beta=3, fop_gamma=5, fop_omega=7)
    expected = [(34.27 + 1170) / 7, (47 + 900) / 2800, (7 + 120 + 10) / 10500]
    assert patient_goodness(instance, weights) == pytest.approx(expected, rel=REL)
    # an income below 1 (here 0.5) also counts as 1
    half = replace(instance, income=np.array([0.5, 400.0, 1500.0]))
    assert patient_goodness(half)[0] == pytest.approx(407.135, rel=REL)


# ---------------------------------------------------------------- 3: greedy by hand

# One specialty. DocA (experience 20): 1 shift Monday, 1 Wednesday → days 1, 3 (+ 8, 10 in
# week 2). DocB (experience 10): 1 shift Tuesday → day 2 (+ 9). P2's treating doctor is DocB.
GREEDY_TEXT = """\
5 2 1
DocA A1 20 1 1 0 1 0 0 0 0
DocB B1 10 1 0 1 0 0 0 0 0
P0 3 0 0 1 390 -1 1
P1 70 0 400 1 300 -1 1
P2 30 2 1500 1 40 B1 1
P3 50 1 1000 1 1 -1 1
P4 10 0 0 1 1 -1 1
"""
# FOP: P0 (17.135 + 390)/1; P1 (23.5 + 300)/400; P2 (3.5 + 40 + 2)/1500;
# P3 f(50) = 37.5 − 50 + 20 = 7.5 → (7.5 + 1 + 1)/1000; P4 f(10) = 1.5 − 10 + 20 = 11.5 → 12.5/1
BP = [407.135, 0.80875, 45.5 / 1500, 0.0095, 12.5]


def test_slot_days_by_hand() -> None:
    instance = _parse(GREEDY_TEXT)
    assert [s.tolist() for s in slot_days(instance, weeks=2)] == [[1, 3, 8, 10], [2, 9]]
    assert [s.tolist() for s in slot_days(instance, weeks=1)] == [[1, 3], [2]]
    busy = replace(instance, shifts=np.array([[2, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]]))
    assert [s.tolist() for s in slot_days(busy, weeks=2)] == [[1, 1, 7, 8, 8, 14], []]
    assert [s.tolist() for s in slot_days(busy, weeks=2)] == calendar(busy, 2)


def test_greedy_two_weeks_by_hand() -> None:
    instance = _parse(GREEDY_TEXT)
    booking = greedy(instance, weeks=2)
    # FOM = experience / next day · free / total, taken before the booking:
    # P0: A next 1, B next 2 → A, day 1, BM = 20/1 · 4/4 = 20
    # P1: A next 3, B next 2 → B, day 2, BM = 10/2 · 2/2 = 5
    # P2: treating B has day 9 left → B (though A's day 3 is earlier), BM = 10/9 · 1/2 = 5/9
    # P3: B full → A, day 3, BM = 20/3 · 3/4 = 5
    # P4: A, day 8, BM = 20/8 · 2/4 = 1.25
    assert booking.doctor.tolist() == [0, 1, 1, 0, 0]
    assert booking.day.tolist() == [1, 2, 9, 3, 8]
    assert booking.order.tolist() == [1, 1, 2, 2, 3]
    assert booking.patient_goodness == pytest.approx(BP, rel=REL)
    assert booking.doctor_goodness == pytest.approx([20, 5, 5 / 9, 5, 1.25], rel=REL)
    # FS = 407.135·20/1 + 0.80875·5/2 + (45.5/1500)·(5/9)/9 + 0.0095·5/3 + 12.5·1.25/8
    #    = 8142.7 + 2.021875 + 0.0018724… + 0.0158333… + 1.953125 = 8146.6927061…
    fs = 8142.7 + 2.021875 + (45.5 / 1500) * (5 / 9) / 9 + 0.0095 * 5 / 3 + 12.5 * 1.25 / 8
    assert booking.value == pytest.approx(fs, rel=REL)
    assert booking.value == pytest.approx(8146.692706, rel=1e-9)
    assert_feasible(instance, booking, weeks=2)


def test_greedy_one_week_runs_out_of_shifts() -> None:
    instance = _parse(GREEDY_TEXT)
    booking = greedy(instance, weeks=1)
    # A has days 1, 3 and B day 2:
    # P0 → A day 1, BM = 20/1 · 2/2 = 20; P1 → B day 2, BM = 10/2 · 1/1 = 5;
    # P2: treating B is full → the only open doctor, A day 3, BM = 20/3 · 1/2 = 10/3;
    # P3, P4: no shift left → not booked.
    assert booking.doctor.tolist() == [0, 1, 0, -1, -1]
    assert booking.day.tolist() == [1, 2, 3, 0, 0]
    assert booking.order.tolist() == [1, 1, 2, 0, 0]
    assert booking.doctor_goodness == pytest.approx([20, 5, 10 / 3, 0, 0], rel=REL)
    fs = 8142.7 + 2.021875 + (45.5 / 1500) * (10 / 3) / 3  # = 8144.7556703…
    assert booking.value == pytest.approx(fs, rel=REL)
    assert_feasible(instance, booking, weeks=1)


def test_greedy_ties_go_to_the_doctor_listed_first() -> None:
    text = """\
3 2 1
First F1 5 1 1 0 0 0 0 0 0
Second S1 30 1 1 0 0 0 0 0 0
P0 40 0 1000 1 1 -1 1
P1 40 0 1000 1 1 -1 1
P2 40 0 1000 1 1 -1 1
"""
    booking = greedy(_parse(text), weeks=2)
    # both doctors: days 1 and 8. P0: tie on day 1 → First (listed first, despite less
    # experience); P1: Second's day 1; P2: tie on day 8 → First.
    assert booking.doctor.tolist() == [0, 1, 0]
    assert booking.day.tolist() == [1, 1, 8]


# ---------------------------------------------------------------- 4: α = 0 is greedy by goodness


def goodness_greedy(instance: Instance, weeks: int) -> tuple[list[int], list[int], float, list]:
    """Patients by decreasing FOP (ties by arrival), each to the treating doctor if it has
    room, else to the open doctor of highest current FOM (ties by index); then each
    doctor's patients by decreasing BP·BM take the doctor's days in order. Returns
    doctor and day per patient, FS and the ties met at the top (where GRASP would draw)."""
    n = instance.n_patients
    days = calendar(instance, weeks)
    used = [0] * instance.n_doctors
    bp = fops(instance)
    doctor, bm, ties = [-1] * n, [0.0] * n, []

    def goodness(d: int) -> float:
        total = len(days[d])
        return float(
            doctor_goodness(
                float(instance.experience[d]),
                float(days[d][used[d]]),
                float(total - used[d]),
                float(total),
            )
        )

    for s in range(1, instance.specialties + 1):
        pending = [p for p in range(n) if instance.patient_specialty[p] == s]
        staff = [d for d in range(instance.n_doctors) if instance.doctor_specialty[d] == s]
        while pending:
            open_ = [d for d in staff if used[d] < len(days[d])]
            if not open_:
                break
            top = max(bp[p] for p in pending)
            best = [p for p in pending if bp[p] == top]
            if len(best) > 1:
                ties.append(("patients", best))
            p = best[0]
            t = int(instance.treating[p])
            if t >= 0 and used[t] < len(days[t]):
                d = t
            else:
                g = {e: goodness(e) for e in open_}
                first = [e for e in open_ if g[e] == max(g.values())]
                if len(first) > 1:
                    ties.append(("doctors", first))
                d = first[0]
            doctor[p], bm[p] = d, goodness(d)
            used[d] += 1
            pending.remove(p)
    day = [0] * n
    for d in range(instance.n_doctors):
        mine = sorted((p for p in range(n) if doctor[p] == d), key=lambda p: -bp[p] * bm[p])
        for k, p in enumerate(mine):
            day[p] = days[d][k]
    fs = sum(bp[p] * bm[p] / day[p] for p in range(n) if doctor[p] >= 0)
    return doctor, day, fs, ties


@pytest.mark.parametrize("seed,weeks", [(1, 1), (2, 1), (3, 2), (4, 4), (5, 1)])
def test_zero_alpha_is_greedy_by_goodness(seed: int, weeks: int) -> None:
    instance = generate_instance(40, 5, 2, 0, 2, seed)
    # distinct experience and incomes, so no goodness ties where GRASP would draw
    rng = np.random.default_rng(seed)
    instance = replace(
        instance,
        experience=rng.permutation([3, 11, 19, 26, 37]),
        income=instance.income + 0.001 * np.arange(1, 41),
    )
    doctor, day, fs, ties = goodness_greedy(instance, weeks)
    assert not ties, f"the instance must have no ties at the top: {ties}"
    assert min(doctor) == -1 or weeks > 1, "weeks=1 should leave patients unbooked"
    for booking in (
        grasp_reference(instance, 3, 0.0, 0.0, seed, weeks),
        fast.grasp(instance, 3, 0.0, 0.0, seed, weeks),
    ):
        assert booking.doctor.tolist() == doctor
        assert booking.day.tolist() == day
        assert booking.value == pytest.approx(fs, rel=REL)
        assert booking.info["best_iteration"] == 0  # every iteration is the same


# ---------------------------------------------------------------- 5: fast == reference


# Seeds of ``random_case`` (beyond the 300 of the loop) where the two picked different
# iterations of mathematically equal FS while they added the same terms in different
# orders with rounding (see the regression tests at the end).
FLOAT_TIE_SEEDS = (616, 1581, 1873)


def random_case(seed: int) -> tuple[Instance, dict]:
    """A small generated instance and GRASP settings, all drawn from ``seed``. Besides
    the thesis's setting, some cases narrow who may see whom (``eligible``), give the
    doctors a calendar of their own, or rank doctors by their next day."""
    r = np.random.default_rng(seed)
    doctors = int(r.integers(1, 7))
    specialties = int(r.integers(1, min(doctors, 3) + 1))
    low = int(r.integers(0, 4))
    high = int(r.integers(low, 4))
    patients = int(r.integers(1, 61)) if r.random() < 0.8 else int(r.integers(1, 4))
    share = float(r.choice([0.0, 0.5, 1.0, r.random()]))
    instance = generate_instance(patients, doctors, specialties, low, high, seed, share)
    if r.random() < 0.2:
        instance = replace(instance, eligible=r.random((patients, doctors)) < 0.6)
    iterations = int(r.integers(1, 16))
    case = {
        "iterations": iterations,
        "alpha_p": float(r.choice([0.0, 1.0, r.random(), r.random()])),
        "alpha_m": float(r.choice([0.0, 1.0, r.random(), r.random()])),
        "seed": seed,
        "weeks": int(r.integers(1, 3)),
        "weights": (
            Weights(**{f.name: float(r.uniform(0.2, 5.0)) for f in fields(Weights)})
            if r.random() < 0.3
            else Weights()
        ),
        "block": int(r.integers(1, iterations + 3)),
    }
    if r.random() < 0.2:
        case["doctor_rule"] = "earliest"
    if r.random() < 0.2:
        case["calendar"] = [
            np.sort(r.integers(1, 20, size=int(r.integers(0, 9)))) for _ in range(doctors)
        ]
    return instance, case


def _both(instance: Instance, case: dict) -> tuple[Booking, Booking]:
    """The reference's and fast's bookings for the same settings."""
    case = dict(case)
    block = case.pop("block", None)
    return grasp_reference(instance, **case), fast.grasp(instance, **case, block=block)


def test_fast_equals_reference_on_generated_instances() -> None:
    failures = []
    stats = dict.fromkeys(
        ["unbooked", "no patients", "block < iterations", "eligible", "calendar", "earliest"], 0
    )
    for seed in range(300):
        instance, case = random_case(seed)
        ref, got = _both(instance, case)
        problems = mismatches(ref, got, instance.n_doctors)
        if problems:
            failures.append((seed, problems))
        days = case.get("calendar")
        for booking in (ref, got):
            assert_feasible(instance, booking, case["weeks"], days, case["weights"])
        stats["unbooked"] += bool((ref.doctor < 0).any())
        stats["no patients"] += len(np.unique(instance.patient_specialty)) < instance.specialties
        stats["block < iterations"] += case["block"] < case["iterations"]
        stats["eligible"] += instance.eligible is not None
        stats["calendar"] += days is not None
        stats["earliest"] += case.get("doctor_rule") == "earliest"
    assert not failures, failures[:10]
    assert all(count >= 20 for count in stats.values()), stats  # the loop covers them all


EDGE_TEXT = """\
9 5 4
Dr1 D1 12 1 1 0 0 0 0 0 0
Dr2 D2 30 1 0 2 0 0 0 0 0
Dr3 D3 7 3 0 0 1 1 0 0 0
Dr4 D4 25 3 0 0 0 0 0 0 0
Dr5 D5 15 4 1 1 1 1 1 1 1
P0 5 0 1 1 810 D1 2
P1 70 0 300 1 390 D1 4
P2 40 3 2000 1 1 -1 1
P3 45 1 900 1 1 D1 1
P4 20 0 1200 2 1 -1 1
P5 0 0 1 2 490 -1 1
P6 80 0 250 1 150 D2 3
P7 33 4 800 3 1 D4 1
P8 66 0 500 3 310 D3 5
"""
# Specialty 1: Dr1 (1 shift a week), Dr2 (2); P0, P1, P3 all name Dr1, so at most one a
# week gets it and the others find their treating doctor full; 5 patients, 3 shifts a
# week. Specialty 2: no doctor, so P4 and P5 are never booked. Specialty 3: Dr3 and Dr4
# (no shifts at all, yet P7's treating doctor). Specialty 4: a doctor and no patients.


@pytest.mark.parametrize("weeks", [1, 2])
@pytest.mark.parametrize("alphas", [(0.0, 0.0), (1.0, 1.0), (0.3, 0.8), (0.9, 0.1)])
def test_fast_equals_reference_on_edge_cases(weeks, alphas) -> None:
    instance = _parse(EDGE_TEXT)
    for seed, iterations, block in [(0, 1, 1), (1, 7, 3), (2, 15, 4), (3, 12, 100)]:
        case = {
            "iterations": iterations,
            "alpha_p": alphas[0],
            "alpha_m": alphas[1],
            "seed": seed,
            "weeks": weeks,
            "block": block,
        }
        ref, got = _both(instance, case)
        problems = mismatches(ref, got, instance.n_doctors)
        assert not problems, (seed, problems)
        for booking in (ref, got):
            assert booking.doctor[[4, 5]].tolist() == [-1, -1]  # specialty 2 has no doctor
            assert (booking.doctor != 3).all()  # Dr4 has no shifts
            assert (booking.doctor != 4).all()  # Dr5 has no patients
            assert (booking.doctor[[0, 1, 2, 3, 6]] >= 0).sum() == min(5, 3 * weeks)
            assert booking.doctor[[7, 8]].tolist() == [2, 2]  # P7's Dr4 is full from the start
            assert_feasible(instance, booking, weeks)


def test_zero_shift_doctor_warns_nothing() -> None:
    instance = _parse(EDGE_TEXT)  # Dr4 has no shifts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast.grasp(instance, 2, 0.5, 0.5, 0, 1)


def test_fast_equals_reference_with_a_full_treating_doctor() -> None:
    # Dr1 has one shift; both patients name it. The first booked keeps Dr1, the other
    # finds it full and goes to Dr2.
    text = """\
2 2 1
Dr1 D1 40 1 1 0 0 0 0 0 0
Dr2 D2 1 1 0 0 0 0 1 0 0
P0 3 0 0 1 810 D1 1
P1 80 0 250 1 390 D1 1
"""
    instance = _parse(text)
    for alpha in (0.0, 1.0):
        ref, got = _both(
            instance,
            {"iterations": 9, "alpha_p": alpha, "alpha_m": 0.5, "seed": 4, "weeks": 1},
        )
        assert not mismatches(ref, got, 2)
        assert sorted(ref.doctor.tolist()) == [0, 1]
    # P0 (FOP (17.135 + 810)/1) before P1 ((36 + 390)/250) in greedy (arrival) and with
    # α_p = 0 (goodness): P0 keeps Dr1, P1 finds it full and goes to Dr2 on Friday (day 5)
    assert greedy(instance, weeks=1).doctor.tolist() == [0, 1]
    zero = grasp_reference(instance, 3, 0.0, 0.0, 0, weeks=1)
    assert zero.doctor.tolist() == [0, 1] and zero.day.tolist() == [1, 5]


# ---------------------------------------------------------------- 6, 7: feasibility, improvement


@pytest.mark.parametrize("seed", range(6))
def test_bookings_are_feasible_and_improved(seed: int) -> None:
    weeks = 1 + seed % 2
    instance = generate_instance(60 + 20 * seed, 2 + seed, 1 + seed % 3, 0, 2 + seed % 2, seed)
    ref = grasp_reference(instance, 4, 0.3, 0.4, seed, weeks)
    got = fast.grasp(instance, 20, 0.3, 0.4, seed, weeks, block=7)
    plain = greedy(instance, weeks)
    for booking in (plain, ref, got):
        assert_feasible(instance, booking, weeks)
    for booking in (ref, got):
        assert_improved(booking)
    if seed in (0, 2):  # small calendars: some patients must be left out
        assert (plain.doctor < 0).any() and (got.doctor < 0).any()


def test_feasibility_checker_catches_broken_bookings() -> None:
    instance = _parse(GREEDY_TEXT)
    good = greedy(instance, weeks=2)
    assert_feasible(instance, good, weeks=2)

    def broken(**changes) -> Booking:
        fields_ = {f: np.copy(getattr(good, f)) for f in ("doctor", "day", "order")}
        fields_.update(changes)
        return Booking(
            **fields_,
            patient_goodness=good.patient_goodness,
            doctor_goodness=good.doctor_goodness,
            value=good.value,
        )

    bad_day = broken(day=np.array([1, 2, 9, 8, 3]))  # days swapped without places
    bad_doctor = broken(doctor=np.array([0, 1, 0, 0, 0]))  # P2 leaves a treating doctor
    for booking in (bad_day, bad_doctor):
        with pytest.raises(AssertionError):
            assert_feasible(instance, booking, weeks=2)
    # greedy is not improved: P4 (weight 12.5·1.25) waits longer than P3 (0.0095·5)
    with pytest.raises(AssertionError):
        assert_improved(good)


# ---------------------------------------------------------------- 8: GRASP beats greedy


@pytest.mark.parametrize("seed", range(5))
def test_grasp_is_at_least_greedy(seed: int) -> None:
    instance = generate_instance(200, 6, 3, 5, 15, seed)
    plain = greedy(instance)
    best = fast.grasp(instance, 300, 0.203, 0.261, seed)
    assert best.value >= plain.value
    assert best.booked.sum() == plain.booked.sum() == 200


# ---------------------------------------------------------------- 9: determinism


def test_same_seed_same_booking_different_seeds_differ() -> None:
    instance = generate_instance(50, 4, 2, 0, 2, 11)

    def run(algorithm, seed):
        return algorithm(instance, 12, 0.4, 0.4, seed, 1)

    for algorithm in (grasp_reference, fast.grasp):
        first, again = run(algorithm, 0), run(algorithm, 0)
        for name in ("doctor", "day", "order", "doctor_goodness"):
            np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
        assert first.value == again.value
        assert first.info["best_iteration"] == again.info["best_iteration"]
        others = [run(algorithm, seed) for seed in range(1, 6)]
        assert any(
            o.info["best_iteration"] != first.info["best_iteration"]
            or not np.array_equal(o.doctor, first.doctor)
            or not np.array_equal(o.day, first.day)
            for o in others
        )


# ---------------------------------------------------------------- 10: summarise


def test_priority_bands() -> None:
    assert priority_bands(np.array([5.0, 1.0, 3.0, 4.0, 2.0])).tolist() == [1, 5, 3, 2, 4]
    ten = np.arange(10.0)  # highest goodness last → band 1
    assert priority_bands(ten).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert priority_bands(np.array([2.0, 2.0, 1.0])).tolist() == [1, 2, 4]  # ties by order
    assert priority_bands(np.array([])).tolist() == []


def test_summarise() -> None:
    instance = _parse(GREEDY_TEXT)
    summary = summarise(greedy(instance, weeks=2), instance, weeks=2)
    for key in ("fs", "patients", "booked", "not_booked", "mean_days", "mean_days_by_band"):
        assert key in summary
    assert summary["algorithm"] == "greedy" and "doctors" in summary
    assert summary["patients"] == 5 and summary["booked"] + summary["not_booked"] == 5
    assert summary["mean_days"] == pytest.approx((1 + 2 + 9 + 3 + 8) / 5)
    # FOP ranks P0 > P4 > P1 > P2 > P3 → bands 1..5; their days 1, 8, 2, 9, 3
    assert summary["mean_days_by_band"] == {"1": 1.0, "2": 8.0, "3": 2.0, "4": 9.0, "5": 3.0}
    assert [d["patients"] for d in summary["doctors"]] == [3, 2]
    assert [d["shifts"] for d in summary["doctors"]] == [4, 2]
    assert summary["doctors"][1]["mean_days"] == pytest.approx(5.5)

    short = summarise(greedy(instance, weeks=1), instance, weeks=1)
    assert (short["booked"], short["not_booked"]) == (3, 2)
    assert short["mean_days_by_band"] == {"1": 1.0, "2": None, "3": 2.0, "4": 3.0, "5": None}

    big = generate_instance(100, 5, 2, 0, 1, 3)
    summary = summarise(fast.grasp(big, 5, 0.2, 0.2, 0, 1), big, 1)
    assert summary["booked"] + summary["not_booked"] == summary["patients"] == 100
    assert summary["not_booked"] > 0
    assert len(summary["mean_days_by_band"]) == 5
    assert summary["best_iteration"] in range(5) and summary["iterations"] == 5


# ---------------------------------------------------------------- 11: the draws contract


def test_draws_do_not_depend_on_block_size() -> None:
    for seed, n, a, b in [(0, 7, 3, 4), (5, 1, 1, 1), (9, 40, 10, 1)]:
        together = np.random.default_rng(seed).random((a + b, n, 2))
        rng = np.random.default_rng(seed)
        apart = np.concatenate([rng.random((a, n, 2)), rng.random((b, n, 2))])
        np.testing.assert_array_equal(together, apart)
        rng = np.random.default_rng(seed)  # the reference: one (n, 2) per iteration
        one_by_one = np.stack([rng.random((n, 2)) for _ in range(a + b)])
        np.testing.assert_array_equal(together, one_by_one)


def test_draw_shapes(monkeypatch) -> None:
    instance = generate_instance(13, 3, 2, 0, 2, 1)
    shapes: list[tuple] = []
    make = np.random.default_rng

    class Recorder:
        def __init__(self, seed):
            self.rng = make(seed)

        def random(self, shape):
            shapes.append(tuple(shape))
            return self.rng.random(shape)

    monkeypatch.setattr(np.random, "default_rng", Recorder)
    fast.grasp(instance, 7, 0.5, 0.5, 0, 1, block=3)
    assert shapes == [(3, 13, 2), (3, 13, 2), (1, 13, 2)]
    shapes.clear()
    grasp_reference(instance, 4, 0.5, 0.5, 0, 1)
    assert shapes == [(13, 2)] * 4


def test_block_size_is_irrelevant() -> None:
    instance = generate_instance(45, 4, 2, 0, 2, 8)
    runs = [fast.grasp(instance, 25, 0.5, 0.6, 3, 1, block=b) for b in (1, 3, 1000)]
    ref = grasp_reference(instance, 25, 0.5, 0.6, 3, 1)
    for got in runs:
        for name in ("doctor", "day", "order", "doctor_goodness"):
            np.testing.assert_array_equal(getattr(got, name), getattr(runs[0], name))
        assert got.value == runs[0].value
        assert got.info["best_iteration"] == runs[0].info["best_iteration"]
        assert not mismatches(ref, got, instance.n_doctors)
    assert ref.info["best_iteration"] > 0  # the best is not simply the first iteration


# ---------------------------------------------------------------- known bugs


# The same three patients, P1 and P2 identical: every iteration's FS is the same number;
# added with rounding in patient order (the reference) iteration 3 came out one ulp above
# iteration 0, while fast, adding in its own order, kept iteration 0.
TIE_TEXT = """\
3 1 1
Doc D1 7 1 1 1 1 0 0 0 0
P0 62 0 729 1 26 -1 1
P1 26 2 1876 1 553 -1 1
P2 26 2 1876 1 553 -1 1
"""


def test_equal_fs_best_iteration_agrees() -> None:
    instance = _parse(TIE_TEXT)
    ref = grasp_reference(instance, 6, 1.0, 0.0, 0, weeks=1)
    got = fast.grasp(instance, 6, 1.0, 0.0, 0, weeks=1)
    assert got.value == pytest.approx(ref.value, rel=REL)  # the same FS ...
    assert got.info["best_iteration"] == ref.info["best_iteration"]  # ... another iteration


@pytest.mark.parametrize("seed", FLOAT_TIE_SEEDS)
def test_fast_equals_reference_on_float_tie_seeds(seed: int) -> None:
    instance, case = random_case(seed)
    ref, got = _both(instance, case)
    assert not mismatches(ref, got, instance.n_doctors)


def _many_doctors(doctors: int) -> Instance:
    """One specialty, ``doctors`` doctors of one shift on each weekday, three patients."""
    return replace(generate_instance(3, doctors, 1, 1, 1, 0), treating=np.array([-1, -1, -1]))


@pytest.mark.parametrize("doctors", [128, 129])
def test_fast_with_many_doctors_in_one_specialty(doctors: int) -> None:
    instance = _many_doctors(doctors)
    if doctors == 128:  # patient 2 may see nobody: its group, 128, wraps to -128
        eligible = np.ones((3, doctors), dtype=bool)
        eligible[2] = False
        instance = replace(instance, eligible=eligible)
    else:  # patient 0 keeps its treating doctor, the 129th: group 128 wraps to -128
        instance = replace(instance, treating=np.array([128, -1, -1]))
    ref = grasp_reference(instance, 1, 0.0, 0.0, 0, weeks=1)
    got = fast.grasp(instance, 1, 0.0, 0.0, 0, weeks=1)
    assert_feasible(instance, ref, weeks=1)
    assert not mismatches(ref, got, doctors)


def test_fast_with_127_doctors_in_one_specialty() -> None:
    # the control for the test above: 127 doctors and a patient left out still work
    instance = _many_doctors(127)
    eligible = np.ones((3, 127), dtype=bool)
    eligible[2] = False
    instance = replace(instance, eligible=eligible, treating=np.array([126, -1, -1]))
    ref = grasp_reference(instance, 1, 0.0, 0.0, 0, weeks=1)
    got = fast.grasp(instance, 1, 0.0, 0.0, 0, weeks=1)
    assert ref.doctor[[0, 2]].tolist() == [126, -1]
    assert not mismatches(ref, got, 127)
    assert_feasible(instance, got, weeks=1)
