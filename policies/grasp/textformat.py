"""The thesis's instance text file (Figures 6.3–6.6): reading, checking and writing.

The file holds, after blank lines (ignored anywhere), a header ``P M S``
(patients, doctors, specialties), then M doctor lines
``name CMP experience specialty mon tue wed thu fri sat sun`` and P patient lines
``name age family_load income specialty disease_burden CMP appointments``, where
CMP names the patient's treating doctor, or is ``-1`` for none.

``parse_instance`` collects every problem of a file — the line, the kind of
line and the field — and raises them together as one ``ScenarioError``.
``format_instance`` writes the layout of Figure 6.6 (a blank line between the
blocks), whole numbers without a decimal point, so a parsed file formats back
to the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from policies.grasp.instance import WEEKDAYS, Instance
from sim.files import write_text_atomically
from sim.problems import Problem, ScenarioError
from sim.sources import read_bytes

NO_DOCTOR = "-1"
SHIFT_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HEADER_FIELDS = ("patients", "doctors", "specialties")
DOCTOR_FIELDS = ("name", "CMP", "experience", "specialty", *(f"{d} shifts" for d in SHIFT_DAYS))
PATIENT_FIELDS = (
    "name",
    "age",
    "family load",
    "income",
    "specialty",
    "disease burden",
    "CMP",
    "appointments",
)
_DOCTOR_SHAPE = "name, CMP, experience, specialty, 7 shift counts"
_PATIENT_SHAPE = ", ".join(PATIENT_FIELDS)
_HEADER_SHAPE = ", ".join(HEADER_FIELDS)

# Bounds of the file's numbers: far beyond the thesis's instances (800 patients, 15
# doctors, a few shifts a day, ages and incomes in the hundreds), small enough that
# integers fit int64 and no sum or square of them (the need, FS) overflows a float,
# and that the calendar of shifts (one entry per shift and week) fits in memory.
MAX_INTEGER = 10**9
MAX_NUMBER = 1e9
MAX_DAY_SHIFTS = 1_000  # shifts (patients booked) of one doctor on one weekday
HEADER_LIMITS = (1_000_000, 10_000, 10_000)  # patients, doctors, specialties

# Plain decimal notation only: ``float`` would also take "nan", "inf", "1e3" and "1_0".
_INTEGER = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, counting blank lines
    fields: list[str]


@dataclass
class _Doctor:
    line: _Line
    name: str
    cmp: str
    experience: int | None = None
    specialty: int | None = None
    shifts: list[int | None] = field(default_factory=list)


@dataclass
class _Patient:
    line: _Line
    name: str
    age: int | None
    family_load: int | None
    income: float | None
    specialty: int | None
    disease_burden: float | None
    cmp: str
    appointments: int | None


class _Fields:
    """The fields of one line, parsed by position; each bad field adds a problem."""

    def __init__(self, line: _Line, kind: str, names: tuple[str, ...], problems: list[Problem]):
        self.line, self.kind, self.names, self.problems = line, kind, names, problems

    def text(self, index: int) -> str:
        return self.line.fields[index]

    def integer(self, index: int, most: int = MAX_INTEGER) -> int | None:
        raw = self.line.fields[index]
        if not _INTEGER.fullmatch(raw):
            self.fail(index, f"expected a non-negative integer, got {raw!r}")
            return None
        if len(raw) > len(str(most)) or int(raw) > most:  # no int() of a 10⁶-digit field
            self.fail(index, f"must be ≤ {most}, got {_shown(raw)}")
            return None
        return int(raw)

    def number(self, index: int) -> float | None:
        raw = self.line.fields[index]
        if not _NUMBER.fullmatch(raw):
            self.fail(index, f"expected a non-negative number, got {raw!r}")
            return None
        value = float(raw)
        if value > MAX_NUMBER:
            self.fail(index, f"must be ≤ {MAX_NUMBER:.0e}, got {_shown(raw)}")
            return None
        return value

    def fail(self, index: int | None, message: str) -> None:
        where = self.kind if index is None else f"{self.kind}: {self.names[index]}"
        self.problems.append(Problem(f"line {self.line.number}", f"{where}: {message}"))


def _shown(raw: str) -> str:
    """A field as shown in a message: a very long one cut in the middle."""
    return raw if len(raw) <= 30 else f"{raw[:12]}…{raw[-12:]} ({len(raw)} digits)"


def _lines(text: str) -> list[_Line]:
    """The non-blank lines; split on newlines only, so numbers match an editor's."""
    lines = (_Line(n, raw.split()) for n, raw in enumerate(text.split("\n"), start=1))
    return [line for line in lines if line.fields]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _parse_header(line: _Line, problems: list[Problem]) -> list[int | None]:
    """Patients, doctors, specialties; ``None`` for each that cannot be used."""
    fields = _Fields(line, "header", HEADER_FIELDS, problems)
    if len(line.fields) != len(HEADER_FIELDS):
        got = len(line.fields)
        fields.fail(None, f"expected 3 fields ({_HEADER_SHAPE}), got {got}")
        return [None, None, None]
    counts: list[int | None] = []
    for index, most in enumerate(HEADER_LIMITS):
        raw = line.fields[index]
        if not _INTEGER.fullmatch(raw) or not raw.strip("0"):
            fields.fail(index, f"expected a positive integer, got {raw!r}")
            counts.append(None)
        else:
            counts.append(fields.integer(index, most))
    return counts


def _split(body: list[_Line], doctors: int | None, patients: int | None) -> int:
    """Where the patient block starts.

    When the header's counts fit the file, by position; otherwise at the first
    line with a patient line's field count, so a wrong header does not turn
    every patient line into a malformed doctor line.
    """
    if doctors is not None and patients is not None and len(body) == doctors + patients:
        return doctors
    widths = (len(line.fields) for line in body)
    return next((k for k, w in enumerate(widths) if w == len(PATIENT_FIELDS)), len(body))


def _lenient_specialty(line: _Line) -> int | None:
    """A malformed doctor line's specialty, to still check its patients against it.

    Name, CMP, experience and specialty come before the shift counts, so a
    missing or extra shift count does not move them.
    """
    raw = line.fields[3] if len(line.fields) > 3 else ""
    return int(raw) if _INTEGER.fullmatch(raw) else None


def _parse_doctor(line: _Line, problems: list[Problem]) -> _Doctor | None:
    fields = _Fields(line, "doctor line", DOCTOR_FIELDS, problems)
    if len(line.fields) != len(DOCTOR_FIELDS):
        got = len(line.fields)
        fields.fail(None, f"expected {len(DOCTOR_FIELDS)} fields ({_DOCTOR_SHAPE}), got {got}")
        if len(line.fields) < 2:
            return None
        # Kept, without its numbers, so patients naming its CMP are not reported too.
        return _Doctor(line, line.fields[0], line.fields[1], specialty=_lenient_specialty(line))
    doctor = _Doctor(line, fields.text(0), fields.text(1), fields.integer(2), fields.integer(3))
    doctor.shifts = [fields.integer(4 + day, MAX_DAY_SHIFTS) for day in range(WEEKDAYS)]
    if doctor.cmp == NO_DOCTOR:
        fields.fail(1, f"{NO_DOCTOR!r} is reserved for a patient without a treating doctor")
    return doctor


def _parse_patient(line: _Line, problems: list[Problem]) -> _Patient | None:
    fields = _Fields(line, "patient line", PATIENT_FIELDS, problems)
    if len(line.fields) != len(PATIENT_FIELDS):
        got = len(line.fields)
        fields.fail(None, f"expected {len(PATIENT_FIELDS)} fields ({_PATIENT_SHAPE}), got {got}")
        return None
    return _Patient(
        line,
        name=fields.text(0),
        age=fields.integer(1),
        family_load=fields.integer(2),
        income=fields.number(3),
        specialty=fields.integer(4),
        disease_burden=fields.number(5),
        cmp=fields.text(6),
        appointments=fields.integer(7),
    )


def _check_counts(
    header: _Line, expected: dict[str, int | None], found: dict[str, int], problems: list[Problem]
) -> None:
    """The header's counts against the lines found, by kind of line."""
    for noun, count in expected.items():
        if count is not None and count != found[noun]:
            message = f"header: expected {_plural(count, noun)}, found {found[noun]}"
            problems.append(Problem(f"line {header.number}", message))


def _check_specialty(fields: _Fields, value: int | None, specialties: int | None) -> int | None:
    """The specialty if in range; ``None`` (reported, not compared again) if not."""
    if value is None or specialties is None or 1 <= value <= specialties:
        return value
    message = f"expected 1..{specialties} (the header's specialties), got {value}"
    fields.fail(fields.names.index("specialty"), message)
    return None


def _check_doctors(
    doctors: list[_Doctor], specialties: int | None, problems: list[Problem]
) -> dict[str, _Doctor]:
    """Specialties in range and CMPs unique; the doctors by CMP."""
    by_cmp: dict[str, _Doctor] = {}
    for doctor in doctors:
        fields = _Fields(doctor.line, "doctor line", DOCTOR_FIELDS, problems)
        if len(doctor.line.fields) == len(DOCTOR_FIELDS):
            doctor.specialty = _check_specialty(fields, doctor.specialty, specialties)
        first = by_cmp.setdefault(doctor.cmp, doctor)
        if first is not doctor:
            fields.fail(1, f"{doctor.cmp!r} already used on line {first.line.number}")
    return by_cmp


def _differ(a: int | None, b: int | None) -> bool:
    """Known and different (an unknown value was reported where it was read)."""
    return a is not None and b is not None and a != b


def _check_patient(
    patient: _Patient,
    by_cmp: dict[str, _Doctor],
    specialties: int | None,
    problems: list[Problem],
) -> None:
    fields = _Fields(patient.line, "patient line", PATIENT_FIELDS, problems)
    patient.specialty = _check_specialty(fields, patient.specialty, specialties)
    if patient.cmp == NO_DOCTOR:
        return
    doctor = by_cmp.get(patient.cmp)
    if doctor is None:
        fields.fail(6, f"{patient.cmp!r} names no doctor (expected a doctor's CMP or -1)")
    elif _differ(doctor.specialty, patient.specialty):
        message = (
            f"treating doctor {patient.cmp!r} (line {doctor.line.number}) has specialty "
            f"{doctor.specialty}, the patient needs {patient.specialty}"
        )
        fields.fail(6, message)


def _build(specialties: int, doctors: list[_Doctor], patients: list[_Patient]) -> Instance:
    """The instance of a file found without problems."""
    index = {doctor.cmp: k for k, doctor in enumerate(doctors)}
    return Instance(
        specialties=specialties,
        doctor_names=tuple(d.name for d in doctors),
        doctor_cmp=tuple(d.cmp for d in doctors),
        experience=np.array([d.experience for d in doctors], dtype=np.int64),
        doctor_specialty=np.array([d.specialty for d in doctors], dtype=np.int64),
        shifts=np.array([d.shifts for d in doctors], dtype=np.int64).reshape(-1, WEEKDAYS),
        patient_names=tuple(p.name for p in patients),
        age=np.array([p.age for p in patients], dtype=np.int64),
        family_load=np.array([p.family_load for p in patients], dtype=np.int64),
        income=np.array([p.income for p in patients], dtype=np.float64),
        patient_specialty=np.array([p.specialty for p in patients], dtype=np.int64),
        disease_burden=np.array([p.disease_burden for p in patients], dtype=np.float64),
        treating=np.array([index.get(p.cmp, -1) for p in patients], dtype=np.int64),
        appointments=np.array([p.appointments for p in patients], dtype=np.int64),
    )


def parse_instance(text: str, source: str) -> Instance:
    """The instance a file's text describes, or a ``ScenarioError`` with every problem."""
    lines = _lines(text)
    if not lines:
        message = f"the file is empty; expected a header line ({_HEADER_SHAPE})"
        raise ScenarioError(source, [Problem("", message)])
    problems: list[Problem] = []
    header, body = lines[0], lines[1:]
    n_patients, n_doctors, specialties = _parse_header(header, problems)
    start = _split(body, n_doctors, n_patients)
    parsed_doctors = [_parse_doctor(line, problems) for line in body[:start]]
    parsed_patients = [_parse_patient(line, problems) for line in body[start:]]
    expected = {"doctor line": n_doctors, "patient line": n_patients}
    found = {"doctor line": start, "patient line": len(body) - start}
    _check_counts(header, expected, found, problems)
    doctors = [d for d in parsed_doctors if d is not None]
    patients = [p for p in parsed_patients if p is not None]
    by_cmp = _check_doctors(doctors, specialties, problems)
    for patient in patients:
        _check_patient(patient, by_cmp, specialties, problems)
    if problems:
        problems.sort(key=lambda p: int(p.path.split()[1]))  # file order, line by line
        raise ScenarioError(source, problems)
    assert specialties is not None  # no problems: the header was read
    return _build(specialties, doctors, patients)


def _undecodable(data: bytes, exc: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    message = f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {column} of the line"
    return Problem(f"line {line}", message)


def read_instance(path: Path) -> Instance:
    """The instance in a text file (``-``: standard input), or a ``ScenarioError`` naming
    every problem."""
    source, data = read_bytes(path)
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Windows editors write
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(source, [_undecodable(data, exc)]) from None
    return parse_instance(text, source)


# ---------------------------------------------------------------- writing


def _number(value: float) -> str:
    """Shortest text that reads back to the value; whole numbers without a point."""
    return np.format_float_positional(float(value), trim="-")


def _check_tokens(instance: Instance) -> None:
    """Names and CMPs must each be one non-empty field for the file to read back."""
    tokens = (*instance.doctor_names, *instance.doctor_cmp, *instance.patient_names)
    bad = [t for t in tokens if not t or t.split() != [t]]
    if bad:
        raise ValueError(f"names and CMPs must be non-empty and without spaces, got {bad[:3]!r}")
    if NO_DOCTOR in instance.doctor_cmp:
        raise ValueError(f"a doctor's CMP cannot be {NO_DOCTOR!r} (it means 'no treating doctor')")


def _doctor_line(instance: Instance, k: int) -> str:
    shifts = " ".join(str(int(s)) for s in instance.shifts[k])
    return (
        f"{instance.doctor_names[k]} {instance.doctor_cmp[k]} {int(instance.experience[k])} "
        f"{int(instance.doctor_specialty[k])} {shifts}"
    )


def _patient_line(instance: Instance, i: int) -> str:
    treating = int(instance.treating[i])
    cmp = NO_DOCTOR if treating < 0 else instance.doctor_cmp[treating]
    return (
        f"{instance.patient_names[i]} {int(instance.age[i])} {int(instance.family_load[i])} "
        f"{_number(instance.income[i])} {int(instance.patient_specialty[i])} "
        f"{_number(instance.disease_burden[i])} {cmp} {int(instance.appointments[i])}"
    )


def format_instance(instance: Instance) -> str:
    """The text of Figure 6.6: header, blank line, doctors, blank line, patients."""
    _check_tokens(instance)
    header = f"{instance.n_patients} {instance.n_doctors} {instance.specialties}"
    doctors = [_doctor_line(instance, k) for k in range(instance.n_doctors)]
    patients = [_patient_line(instance, i) for i in range(instance.n_patients)]
    return "\n".join([header, "", *doctors, "", *patients]) + "\n"


def write_instance(path: Path, instance: Instance) -> Path:
    """Write the instance's text to ``path``, whole or not at all."""
    return write_text_atomically(Path(path), format_instance(instance))
