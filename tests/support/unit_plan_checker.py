"""An independent checker of the minimal-care unit's plans (document seed 002, §3.4).

It imports only the instance's data classes: nothing of ``policies.dayhospital``'s
plans, heuristics or model. A plan (anything with ``itineraries: dict[int, ...]``
whose values have ``patient``, ``admission``, ``stay`` and ``studies``, the last a
tuple of ``(study, block, division)``) is first turned into the document's
variables (§3.3): ``adm[p, b]``, ``x[p, i, b, k]``, ``y[p, b]`` (the stay of a bed
patient, nb_p > 0), ``z[p, b]`` (the stay of a chair patient, nb_p = 0) and
``o[p, b]`` (1 exactly when p has a study in b). ``violations`` then checks
constraints (1)–(25) one by one on those variables, as printed, with the
departures the package documents:

- blocks are 0-based: block ``b`` is the document's B(b+1), so ``ORD(b)`` is
  ``b + 1`` and (15)'s first block b1' is block 0, (16)'s b ≥ b2' is b ≥ 1 and
  (18)'s b ≤ |B| − nb_p + 1 is b + nb_p ≤ |B|;
- SA is Saturday afternoon of each week (7 days × 2 blocks, Monday morning
  first, computed here from ``weeks``); (20) closes beds in SA, SA+1, SA+2
  (Saturday afternoon and Sunday) and (19) closes admission from SA − nb_p + 1
  to SA + 2;
- rb (an integer ≥ 0) is not part of a plan: (15)–(17) hold for some rb if and
  only if rb[p, b1'] = nb_p · adm[p, b1'] fits (17) in the first block and
  nb_p · Σ_{j ≤ b} adm − Σ_{j ≤ b} y ≥ 0 for b ≥ b2' (rb = 0 there), which is
  what is checked.

Every message starts with the constraint's number, e.g.
``(8) study 3 (Biopsia) in B12 division 4: 2 patients > μ 1``; data that do not
even name a patient, block, division or study of the instance are reported as
``(sanity) ...`` and left out of the variables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from sim.unit.instance import UnitInstance, UnitPatient
from sim.unit.plan import Itinerary, UnitPlan

BLOCKS_PER_DAY = 2
DAYS_PER_WEEK = 7
WEEK = DAYS_PER_WEEK * BLOCKS_PER_DAY
SATURDAY_AFTERNOON = 5 * BLOCKS_PER_DAY + 1  # Monday morning is 0 (B1), Saturday afternoon B12


def saturday_afternoons(weeks: int) -> list[int]:
    """The document's SA of every week, 0-based."""
    return [w * WEEK + SATURDAY_AFTERNOON for w in range(weeks)]


def weekend_blocks(weeks: int) -> set[int]:
    """(20): Saturday afternoon, Sunday morning, Sunday afternoon of every week."""
    return {sa + d for sa in saturday_afternoons(weeks) for d in range(3)}


def closed_admissions(min_stay: int, weeks: int) -> set[int]:
    """(19): from SA − nb_p + 1 to SA + 2 of every week (a chair, nb_p = 0: SA+1, SA+2)."""
    return {
        b for sa in saturday_afternoons(weeks) for b in range(max(0, sa - min_stay + 1), sa + 3)
    }


@dataclass
class Variables:
    """The document's variables at a plan's values (only the ones equal to 1 are kept;
    counts above 1 are data that make a binary variable 2, kept to be reported)."""

    adm: Counter = field(default_factory=Counter)  # (p, b)
    x: Counter = field(default_factory=Counter)  # (p, i, b, k)
    y: Counter = field(default_factory=Counter)  # (p, b), bed patients
    z: Counter = field(default_factory=Counter)  # (p, b), chair patients
    o: set = field(default_factory=set)  # (p, b) with a study

    def studies_of(self, p: int) -> list[tuple[int, int, int]]:
        return [(i, b, k) for (q, i, b, k), n in self.x.items() if q == p for _ in range(n)]


def to_variables(inst: UnitInstance, plan: object) -> tuple[Variables, list[str]]:
    """The plan as adm, x, y, z, o, and the sanity problems met on the way."""
    v = Variables()
    problems: list[str] = []
    n_patients, n_blocks = len(inst.patients), inst.blocks
    n_studies = len(inst.study_names)
    for key, it in plan.itineraries.items():  # type: ignore[attr-defined]
        p = it.patient
        if key != p:
            problems.append(f"(sanity) itinerary under key {key} is patient {p}'s")
        if not 0 <= p < n_patients:
            problems.append(f"(sanity) patient {p} is not on the waiting list")
            continue
        if 0 <= it.admission < n_blocks:
            v.adm[p, it.admission] += 1
        else:
            problems.append(f"(sanity) {_who(inst, p)}: admission {it.admission} out of range")
        place = v.y if inst.patients[p].min_stay > 0 else v.z
        for b in it.stay:
            if 0 <= b < n_blocks:
                place[p, b] += 1
            else:
                problems.append(f"(sanity) {_who(inst, p)}: stay block {b} out of range")
        for entry in it.studies:
            i, b, k = entry
            if not (0 <= i < n_studies and 0 <= b < n_blocks and 0 <= k < inst.divisions):
                problems.append(f"(sanity) {_who(inst, p)}: study {entry} out of range")
                continue
            v.x[p, i, b, k] += 1
            v.o.add((p, b))
    for counter, name in ((v.adm, "adm"), (v.x, "x"), (v.y, "y"), (v.z, "z")):
        for index, n in counter.items():
            if n > 1:
                problems.append(f"(sanity) {name}{list(index)} = {n}: a binary variable")
    return v, problems


def violations(inst: UnitInstance, plan: object) -> list[str]:
    """Every constraint (1)–(25) the plan breaks, one message each (empty: valid)."""
    v, out = to_variables(inst, plan)
    patients = inst.patients
    blocks = range(inst.blocks)
    bed = [p for p, pat in enumerate(patients) if pat.min_stay > 0]
    chair = [p for p, pat in enumerate(patients) if pat.min_stay == 0]
    weekend = weekend_blocks(inst.weeks)

    adm_by = {p: _cumulative(v.adm, p, inst.blocks) for p in range(len(patients))}
    y_by = {p: _cumulative(v.y, p, inst.blocks) for p in range(len(patients))}
    z_by = {p: _cumulative(v.z, p, inst.blocks) for p in range(len(patients))}
    studies_in: Counter = Counter()  # (p, b) -> Σ_{i,k} x
    for (p, _i, b, _k), n in v.x.items():
        studies_in[p, b] += n
    study_by = {p: _cumulative(studies_in, p, inst.blocks) for p in range(len(patients))}

    def o(p: int, b: int) -> int:
        return int((p, b) in v.o)

    # (1) o ≥ x, bed patients (o is defined from x here, so this is the definition's check)
    for (p, i, b, k), n in v.x.items():
        if p in bed and o(p, b) < min(n, 1):
            out.append(f"(1) {_who(inst, p)} study {i} in {_blk(b)} division {k}: o = 0")

    # (2) y[p,b] ≥ o[p,j] − (1 − Σ_{jj ≤ b} adm) for every j ≥ b, bed patients
    for p in bed:
        later = [b for b in blocks if o(p, b)]
        for b in blocks:
            after = [j for j in later if j >= b]
            if after and v.y[p, b] < 1 - (1 - adm_by[p][b]):
                out.append(
                    f"(2) {_who(inst, p)} in {_blk(b)}: no bed though admitted by then and "
                    f"a study in {_blk(after[0])}"
                )

    # (3) y ≤ o, bed patients: a bed only in a block with a study
    for p in bed:
        for b in blocks:
            if v.y[p, b] > o(p, b):
                out.append(f"(3) {_who(inst, p)} holds a bed in {_blk(b)} without a study")

    # (4) Σ_{b,k} x[p,i,b,k] ≤ s[p,i], bed patients; (5) Σ_k x ≤ s in each block, chairs
    per_pi: Counter = Counter()
    per_pib: Counter = Counter()
    for (p, i, b, _k), n in v.x.items():
        per_pi[p, i] += n
        per_pib[p, i, b] += n
    for (p, i), n in sorted(per_pi.items()):
        if p in bed and n > _s(patients[p], i):
            out.append(
                f"(4) {_who(inst, p)} does study {i} ({inst.study_names[i]}) {n} times, "
                f"prescribed {_s(patients[p], i)}"
            )
    for (p, i, b), n in sorted(per_pib.items()):
        if p in chair and n > _s(patients[p], i):
            out.append(
                f"(5) {_who(inst, p)} does study {i} ({inst.study_names[i]}) {n} times in "
                f"{_blk(b)}, prescribed {_s(patients[p], i)}"
            )

    # (6) Σ_b z ≤ 1, chair patients
    for p in chair:
        used = sum(v.z[p, b] for b in blocks)
        if used > 1:
            out.append(f"(6) {_who(inst, p)} holds a chair in {used} blocks")

    # (7) Σ_i x[p,i,b,k] ≤ 1
    per_pbk: Counter = Counter()
    for (p, _i, b, k), n in v.x.items():
        per_pbk[p, b, k] += n
    for (p, b, k), n in sorted(per_pbk.items()):
        if n > 1:
            out.append(f"(7) {_who(inst, p)} has {n} studies in {_blk(b)} division {k}")

    # (8) Σ_p x[p,i,b,k] ≤ μ[b,k,i]
    per_ibk: Counter = Counter()
    for (_p, i, b, k), n in v.x.items():
        per_ibk[i, b, k] += n
    for (i, b, k), n in sorted(per_ibk.items()):
        mu = int(inst.availability[b, k, i])
        if n > mu:
            out.append(
                f"(8) study {i} ({inst.study_names[i]}) in {_blk(b)} division {k}: "
                f"{n} patients > μ {mu}"
            )

    # (9) Σ_b adm ≤ 1
    for p in range(len(patients)):
        n = sum(v.adm[p, b] for b in blocks)
        if n > 1:
            out.append(f"(9) {_who(inst, p)} admitted {n} times")

    # (10) Σ_{j ≤ b} adm ≤ Σ_{j ≤ b} Σ_{i,k} x
    for p in range(len(patients)):
        for b in blocks:
            if adm_by[p][b] > study_by[p][b]:
                out.append(f"(10) {_who(inst, p)} admitted by {_blk(b)} without a study by then")
                break

    # (11) x ≤ y, bed patients; (12) x ≤ z, chair patients
    for (p, i, b, k), n in sorted(v.x.items()):
        if p in bed and min(n, 1) > v.y[p, b]:
            out.append(f"(11) {_who(inst, p)} does study {i} in {_blk(b)} division {k} out of bed")
        if p in chair and min(n, 1) > v.z[p, b]:
            out.append(
                f"(12) {_who(inst, p)} does study {i} in {_blk(b)} division {k} out of a chair"
            )

    # (13) Σ_{j ≤ b} y ≤ ORD(b) · Σ_{j ≤ b} adm; (14) the same for z
    for p in bed:
        for b in blocks:
            if y_by[p][b] > (b + 1) * adm_by[p][b]:
                out.append(f"(13) {_who(inst, p)} in a bed by {_blk(b)} before admission")
                break
    for p in chair:
        for b in blocks:
            if z_by[p][b] > (b + 1) * adm_by[p][b]:
                out.append(f"(14) {_who(inst, p)} in a chair by {_blk(b)} before admission")
                break

    # (15)–(17) for some integer rb ≥ 0 (see the module's docstring)
    for p, pat in enumerate(patients):
        nb = pat.min_stay
        rb_first = nb * v.adm[p, 0]  # (15)
        if nb * v.y[p, 0] < rb_first:
            out.append(
                f"(17) {_who(inst, p)}: rb = {rb_first} in {_blk(0)} by (15) but no bed there"
            )
        for b in blocks:
            if b >= 1 and nb * adm_by[p][b] - y_by[p][b] < 0:
                out.append(
                    f"(16) {_who(inst, p)}: {y_by[p][b]} bed blocks by {_blk(b)} > "
                    f"nb_p · admitted = {nb * adm_by[p][b]}"
                )
                break

    # (18) Σ_{j=b}^{b+nb−1} y ≥ nb · adm[p,b] for b + nb ≤ |B|
    for (p, b), n in sorted(v.adm.items()):
        nb = patients[p].min_stay
        if b + nb <= inst.blocks:
            held = sum(v.y[p, j] for j in range(b, b + nb))
            if held < nb * n:
                out.append(
                    f"(18) {_who(inst, p)} admitted in {_blk(b)}: {held} bed blocks of the "
                    f"{nb} from there"
                )

    # (19) no admission from SA − nb + 1 to SA + 2
    for (p, b), _n in sorted(v.adm.items()):
        if b in closed_admissions(patients[p].min_stay, inst.weeks):
            out.append(f"(19) {_who(inst, p)} admitted in {_blk(b)}, closed by the weekend")

    # (20) no bed on Saturday afternoon or Sunday
    for (p, b), _n in sorted(v.y.items()):
        if b in weekend:
            out.append(f"(20) {_who(inst, p)} holds a bed in {_blk(b)} (weekend)")

    # (21) Σ x = ns_p · Σ_b adm
    for p, pat in enumerate(patients):
        done = sum(n for (q, *_rest), n in v.x.items() if q == p)
        admitted = sum(v.adm[p, b] for b in blocks)
        if done != len(set(pat.studies)) * admitted:
            out.append(
                f"(21) {_who(inst, p)}: {done} studies done, "
                f"{len(set(pat.studies))} prescribed × {admitted} admissions"
            )

    # (22) beds ≤ D1, (23) chairs ≤ D2, (24) admissions ≤ D3 in every block
    for counter, limit, label, number in (
        (v.y, inst.beds, "beds", 22),
        (v.z, inst.chairs, "chairs", 23),
        (v.adm, inst.admissions_per_block, "admissions", 24),
    ):
        per_block: Counter = Counter()
        for (_p, b), n in counter.items():
            per_block[b] += n
        for b, n in sorted(per_block.items()):
            if n > limit:
                out.append(f"({number}) {_blk(b)}: {n} {label} > {limit}")

    # (25) no admission before l_p
    for (p, b), _n in sorted(v.adm.items()):
        if b < patients[p].first_block:
            out.append(
                f"(25) {_who(inst, p)} admitted in {_blk(b)} before l_p = "
                f"{_blk(patients[p].first_block)}"
            )
    return out


def numbers(messages: list[str]) -> set[str]:
    """The constraint numbers (or 'sanity') of a list of messages."""
    return {m[1 : m.index(")")] for m in messages}


def objective(inst: UnitInstance, plan: object) -> float:
    """(26) Σ_b Σ_p w_p · adm[p,b] / ORD(b), recomputed from adm."""
    v, _ = to_variables(inst, plan)
    return sum(inst.patients[p].priority * n / (b + 1) for (p, b), n in v.adm.items())


def _cumulative(counter: Counter, p: int, n_blocks: int) -> list[int]:
    total, out = 0, []
    for b in range(n_blocks):
        total += counter[p, b]
        out.append(total)
    return out


def _s(patient: UnitPatient, i: int) -> int:
    return int(i in patient.studies)


def _who(inst: UnitInstance, p: int) -> str:
    return f"patient {p} ({inst.patients[p].name})"


def _blk(b: int) -> str:
    return f"B{b + 1}"


def unit_plan(inst: UnitInstance, its: dict[int, Itinerary] | list[Itinerary]) -> UnitPlan:
    if isinstance(its, list):
        its = {it.patient: it for it in its}
    return UnitPlan(inst, dict(its))


def unit_instance(
    mu: np.ndarray,
    patients: list[UnitPatient],
    beds: int = 5,
    chairs: int = 5,
    admissions: int = 5,
) -> UnitInstance:
    weeks = mu.shape[0] // 14
    return UnitInstance(
        weeks=weeks,
        divisions=mu.shape[1],
        study_names=[f"S{i}" for i in range(mu.shape[2])],
        availability=mu,
        beds=beds,
        chairs=chairs,
        admissions_per_block=admissions,
        patients=patients,
    )
