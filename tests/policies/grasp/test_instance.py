"""Tests for the GRASP instance generator and text file (thesis chapter 6, section 2).

The generator must obey Table 6.1 and the dataset rules (checked as hypothesis
properties) and be deterministic per seed; a generated instance must survive
format → parse field by field; and a table of malformed files — including the
thesis's own Figure 6.6 example, whose header and Medico4 line do not fit the
format — must each raise one ``ScenarioError`` naming the line and the field.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.grasp.generator import DISEASE_BURDEN, generate_instance
from policies.grasp.instance import WEEKDAYS, Instance
from policies.grasp.textformat import (
    format_instance,
    parse_instance,
    read_instance,
    write_instance,
)
from sim.problems import ScenarioError

# Figure 6.6 verbatim: the header promises 5000 patients and 50 doctors, Medico4
# (line 7) has 6 shift counts, and Paciente1's doctor M-4 has specialty 2, not 1.
THESIS_FIGURE_6_6 = """\
5000 50 11

Medico0 M-0 35 2 19 15 14 11 10 16 15
Medico1 M-1 3 2 14 14 18 11 18 10 15
Medico2 M-2 4 2 11 18 16 10 18 15 17
Medico3 M-3 33 2 17 14 18 16 15 17 12
Medico4 M-4 10 2 16 17 14 16 19 18
Medico5 M-5 19 2 1 19 19 10 19 19 17

Paciente0 6 0 1 2 310 M-2 5
Paciente1 27 4 1200 1 110 M-4 17
Paciente2 54 4 1900 2 1 -1 14
Paciente3 3 0 1 1 1 -1 9
Paciente4 67 0 300 1 1 -1 14
"""

VALID = """\
3 2 2

Medico0 M-0 10 1 1 2 3 4 5 0 0
Medico1 M-1 20 2 2 2 2 2 2 2 2

Paciente0 30 2 1500 1 310 M-0 4
Paciente1 10 0 1 2 1 -1 3
Paciente2 70 0 450.5 2 95 M-1 12
"""


def _with(line: int, text: str, base: str = VALID) -> str:
    """``base`` with its 1-based ``line`` replaced by ``text``."""
    lines = base.split("\n")
    lines[line - 1] = text
    return "\n".join(lines)


def assert_same(a: Instance, b: Instance) -> None:
    for f in fields(Instance):
        left, right = getattr(a, f.name), getattr(b, f.name)
        if isinstance(left, np.ndarray):
            assert left.dtype == right.dtype, f.name
            np.testing.assert_array_equal(left, right, err_msg=f.name)
        else:
            assert left == right, f.name


# ---------------------------------------------------------------- reading valid files


def test_valid_file_reads_field_by_field() -> None:
    instance = parse_instance(VALID, "valid.txt")
    assert instance.specialties == 2
    assert instance.doctor_cmp == ("M-0", "M-1")
    np.testing.assert_array_equal(instance.shifts[0], [1, 2, 3, 4, 5, 0, 0])
    assert instance.shifts.shape == (2, WEEKDAYS)
    np.testing.assert_array_equal(instance.treating, [0, -1, 1])
    np.testing.assert_array_equal(instance.income, [1500, 1, 450.5])
    np.testing.assert_array_equal(instance.disease_burden, [310, 1, 95])
    np.testing.assert_array_equal(instance.appointments, [4, 3, 12])


def test_blank_lines_anywhere_and_tabs_are_ignored() -> None:
    spaced = "\n\n" + VALID.replace("\n", "\n\n  \t\n").replace(" ", "\t") + "\n\n"
    assert_same(parse_instance(spaced, "x"), parse_instance(VALID, "x"))


def test_income_zero_is_accepted() -> None:
    instance = parse_instance(_with(7, "Paciente1 10 0 0 2 1 -1 3"), "x")
    assert instance.income[1] == 0


def test_format_writes_whole_numbers_without_a_point() -> None:
    text = format_instance(parse_instance(VALID, "x"))
    assert "Paciente0 30 2 1500 1 310 M-0 4" in text
    assert "Paciente2 70 0 450.5 2 95 M-1 12" in text
    assert_same(parse_instance(text, "x"), parse_instance(VALID, "x"))


def test_format_refuses_names_that_would_not_read_back() -> None:
    instance = generate_instance(2, 1, 1, 1, 2, seed=0)
    spaced = Instance(**{**vars(instance), "patient_names": ("Ana Paz", "Paciente1")})
    with pytest.raises(ValueError, match="without spaces"):
        format_instance(spaced)


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    ("patients", "doctors", "specialties", "seed"),
    [(1, 1, 1, 0), (1, 3, 2, 5), (7, 3, 3, 1), (50, 10, 4, 2), (400, 50, 11, 3)],
)
def test_generate_format_parse_round_trip(
    patients: int, doctors: int, specialties: int, seed: int
) -> None:
    instance = generate_instance(patients, doctors, specialties, 0, 20, seed=seed)
    assert_same(parse_instance(format_instance(instance), "x"), instance)


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    instance = generate_instance(30, 6, 3, 1, 4, seed=9)
    path = write_instance(tmp_path / "instance.txt", instance)
    assert_same(read_instance(path), instance)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


# ---------------------------------------------------------------- the generator


def test_disease_burden_table_of_figure_6_2() -> None:
    assert len(DISEASE_BURDEN) == 21
    values = list(DISEASE_BURDEN.values())
    assert values[0] == 810 and values[-1] == 5
    assert values == sorted(values, reverse=True)
    assert DISEASE_BURDEN["Enf. Neuropsiquiátricas"] == 810
    assert DISEASE_BURDEN["Enf. cavidad oral"] == 95
    assert sum(values) == 4960


@st.composite
def generator_arguments(draw: st.DrawFn) -> dict[str, int | float]:
    specialties = draw(st.integers(1, 8))
    min_shifts = draw(st.integers(0, 10))
    return {
        "patients": draw(st.integers(1, 120)),
        "doctors": draw(st.integers(specialties, 20)),
        "specialties": specialties,
        "min_shifts": min_shifts,
        "max_shifts": draw(st.integers(min_shifts, 25)),
        "seed": draw(st.integers(0, 2**32)),
        "diagnosed_share": draw(st.floats(0, 1)),
    }


@settings(max_examples=150, deadline=None)
@given(generator_arguments())
def test_generator_obeys_table_6_1(arguments: dict) -> None:
    instance = generate_instance(**arguments)
    n, m = arguments["patients"], arguments["doctors"]
    age, income, family = instance.age, instance.income, instance.family_load
    minor, elderly = age < 18, age > 65
    adult = ~minor & ~elderly

    assert instance.n_patients == n and instance.n_doctors == m
    assert ((age >= 0) & (age <= 82)).all()
    assert (income[minor] == 1).all()
    assert ((income[elderly] >= 200) & (income[elderly] <= 600)).all()
    assert ((income[adult] >= 750) & (income[adult] <= 5000)).all()
    assert (income == np.round(income)).all()
    assert (family[minor | elderly] == 0).all()
    assert ((family >= 0) & (family <= 5)).all()
    assert ((instance.appointments >= 0) & (instance.appointments <= 15)).all()
    assert ((instance.experience >= 0) & (instance.experience <= 40)).all()


@settings(max_examples=150, deadline=None)
@given(generator_arguments())
def test_generator_obeys_the_dataset_rules(arguments: dict) -> None:
    instance = generate_instance(**arguments)
    s = arguments["specialties"]
    shifts, treating = instance.shifts, instance.treating

    assert shifts.shape == (arguments["doctors"], WEEKDAYS)
    assert ((shifts >= arguments["min_shifts"]) & (shifts <= arguments["max_shifts"])).all()
    assert set(instance.doctor_specialty.tolist()) == set(range(1, s + 1))
    assert ((instance.patient_specialty >= 1) & (instance.patient_specialty <= s)).all()
    first_visit = treating == -1
    assert (first_visit == (instance.disease_burden == 1)).all()
    assert set(instance.disease_burden[~first_visit].tolist()) <= set(DISEASE_BURDEN.values())
    returning = np.flatnonzero(~first_visit)
    assert (
        instance.doctor_specialty[treating[returning]] == instance.patient_specialty[returning]
    ).all()
    assert instance.doctor_cmp == tuple(f"M-{j}" for j in range(arguments["doctors"]))
    assert instance.patient_names[0] == "Paciente0"


def test_diagnosed_share_extremes() -> None:
    assert (generate_instance(200, 5, 2, 1, 3, seed=4, diagnosed_share=0).treating == -1).all()
    assert (generate_instance(200, 5, 2, 1, 3, seed=4, diagnosed_share=1).treating >= 0).all()
    half = generate_instance(4000, 5, 2, 1, 3, seed=4).treating >= 0
    assert 0.45 < half.mean() < 0.55


def test_age_bands_all_appear_in_a_large_instance() -> None:
    age = generate_instance(2000, 5, 2, 1, 3, seed=8).age
    assert age.min() == 0 and age.max() == 82
    assert (age == 18).any() and (age == 65).any() and (age == 66).any()


def test_specialties_balanced_by_round_robin() -> None:
    counts = np.bincount(generate_instance(5, 23, 5, 1, 3, seed=2).doctor_specialty)[1:]
    assert sorted(counts.tolist()) == [4, 4, 5, 5, 5]


def test_same_seed_same_instance_other_seed_other_instance() -> None:
    a = generate_instance(60, 8, 3, 2, 9, seed=42)
    assert_same(a, generate_instance(60, 8, 3, 2, 9, seed=42))
    assert format_instance(a) == format_instance(generate_instance(60, 8, 3, 2, 9, seed=42))
    assert format_instance(a) != format_instance(generate_instance(60, 8, 3, 2, 9, seed=43))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"patients": 0}, "patients must be at least 1, got 0"),
        ({"doctors": 0}, "doctors must be at least 1"),
        ({"specialties": 0}, "specialties must be at least 1"),
        ({"doctors": 2, "specialties": 3}, r"doctors \(2\) must be at least specialties \(3\)"),
        ({"min_shifts": -1}, "min_shifts must be at least 0"),
        ({"min_shifts": 5, "max_shifts": 4}, r"min_shifts \(5\) must not exceed max_shifts"),
        ({"patients": 2.5}, "patients must be an integer"),
        ({"diagnosed_share": 1.5}, "diagnosed_share must be between 0 and 1"),
        ({"diagnosed_share": -0.1}, "diagnosed_share must be between 0 and 1"),
        ({"diagnosed_share": float("nan")}, "diagnosed_share must be between 0 and 1"),
    ],
)
def test_generator_rejects_bad_arguments(arguments: dict, message: str) -> None:
    base = {"patients": 5, "doctors": 3, "specialties": 2, "min_shifts": 1, "max_shifts": 3}
    with pytest.raises(ValueError, match=message):
        generate_instance(**{**base, "seed": 0, **arguments})


# ---------------------------------------------------------------- malformed files

CUT_DIGITS = "9" * 12 + "…" + "9" * 12  # a long field shown by its two ends
MALFORMED = [
    pytest.param(
        THESIS_FIGURE_6_6,
        [
            "line 1: header: expected 50 doctor lines, found 6",
            "line 1: header: expected 5000 patient lines, found 5",
            "line 7: doctor line: expected 11 fields (name, CMP, experience, specialty, "
            "7 shift counts), got 10",
            "line 11: patient line: CMP: treating doctor 'M-4' (line 7) has specialty 2, "
            "the patient needs 1",
        ],
        id="thesis-figure-6.6",
    ),
    pytest.param(
        _with(1, "3 2"),
        ["line 1: header: expected 3 fields (patients, doctors, specialties), got 2"],
        id="header-fields",
    ),
    pytest.param(
        _with(1, "3 0 2"),
        ["line 1: header: doctors: expected a positive integer, got '0'"],
        id="header-zero",
    ),
    pytest.param(
        _with(1, "three 2 2"),
        ["line 1: header: patients: expected a positive integer, got 'three'"],
        id="header-text",
    ),
    pytest.param(
        _with(1, "3 3 2"),
        ["line 1: header: expected 3 doctor lines, found 2"],
        id="missing-doctor-line",
    ),
    pytest.param(
        _with(8, ""),
        ["line 1: header: expected 3 patient lines, found 2"],
        id="missing-patient-line",
    ),
    pytest.param(
        _with(3, "Medico0 M-0 ten 1 1 2 3 4 5 0 0"),
        ["line 3: doctor line: experience: expected a non-negative integer, got 'ten'"],
        id="doctor-experience",
    ),
    pytest.param(
        _with(3, "Medico0 M-0 10 1 1 2 -3 4 5 0 0"),
        ["line 3: doctor line: wed shifts: expected a non-negative integer, got '-3'"],
        id="doctor-negative-shifts",
    ),
    pytest.param(
        _with(4, "Medico1 M-1 20 3 2 2 2 2 2 2 2"),
        ["line 4: doctor line: specialty: expected 1..2 (the header's specialties), got 3"],
        id="doctor-specialty-range",
    ),
    pytest.param(
        _with(4, "Medico1 M-0 20 2 2 2 2 2 2 2 2"),
        [
            "line 4: doctor line: CMP: 'M-0' already used on line 3",
            "line 8: patient line: CMP: 'M-1' names no doctor",
        ],
        id="duplicate-cmp",
    ),
    pytest.param(
        _with(4, "Medico1 -1 20 2 2 2 2 2 2 2 2"),
        [
            "line 4: doctor line: CMP: '-1' is reserved",
            "line 8: patient line: CMP: 'M-1' names no doctor",
        ],
        id="doctor-cmp-minus-one",
    ),
    pytest.param(
        _with(7, "Paciente1 10 0 1 2 1 -1"),
        ["line 7: patient line: expected 8 fields (name, age, family load, income, "],
        id="patient-fields",
    ),
    pytest.param(
        _with(6, "Paciente0 30.5 2 1500 1 310 M-0 4"),
        ["line 6: patient line: age: expected a non-negative integer, got '30.5'"],
        id="patient-age-fraction",
    ),
    pytest.param(
        _with(6, "Paciente0 30 2 nan 1 310 M-0 4"),
        ["line 6: patient line: income: expected a non-negative number, got 'nan'"],
        id="patient-income-nan",
    ),
    pytest.param(
        _with(6, "Paciente0 30 2 1500 1 1e3 M-0 4"),
        ["line 6: patient line: disease burden: expected a non-negative number, got '1e3'"],
        id="patient-burden-exponent",
    ),
    pytest.param(
        _with(7, "Paciente1 10 0 1 0 1 -1 3"),
        ["line 7: patient line: specialty: expected 1..2 (the header's specialties), got 0"],
        id="patient-specialty-range",
    ),
    pytest.param(
        _with(6, "Paciente0 30 2 1500 1 310 M-9 4"),
        ["line 6: patient line: CMP: 'M-9' names no doctor (expected a doctor's CMP or -1)"],
        id="patient-unknown-cmp",
    ),
    pytest.param(
        _with(6, "Paciente0 30 2 1500 2 310 M-0 4"),
        ["line 6: patient line: CMP: treating doctor 'M-0' (line 3) has specialty 1, the patient"],
        id="patient-doctor-specialty",
    ),
    pytest.param(
        _with(8, "Paciente2 seventy 0 x 2 95 M-1 -12", _with(3, "Medico0 M-0 10 1 1 2 3 4 5 0")),
        [
            "line 3: doctor line: expected 11 fields",
            "line 8: patient line: age: expected a non-negative integer, got 'seventy'",
            "line 8: patient line: income: expected a non-negative number, got 'x'",
            "line 8: patient line: appointments: expected a non-negative integer, got '-12'",
        ],
        id="every-problem-collected",
    ),
    pytest.param(
        _with(1, "3000000 2 2"),
        ["line 1: header: patients: must be ≤ 1000000, got 3000000"],
        id="header-beyond-the-limit",
    ),
    pytest.param(
        _with(3, "Medico0 M-0 10 1 1 2 1001 4 5 0 0"),
        ["line 3: doctor line: wed shifts: must be ≤ 1000, got 1001"],
        id="doctor-shifts-beyond-the-limit",
    ),
    pytest.param(
        _with(6, "Paciente0 " + "9" * 10_000 + " 2 1500 1 310 M-0 4"),
        [f"line 6: patient line: age: must be ≤ 1000000000, got {CUT_DIGITS} (10000 digits)"],
        id="patient-age-of-ten-thousand-digits",
    ),
    pytest.param(
        _with(6, "Paciente0 30 2 10000000000 1 310 M-0 4"),
        ["line 6: patient line: income: must be ≤ 1e+09, got 10000000000"],
        id="patient-income-beyond-the-limit",
    ),
    pytest.param("\n  \n", ["the file is empty"], id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_malformed_file_raises_every_problem_by_line(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "instance.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_instance(path)
    error = caught.value
    assert error.source == str(path)
    rendered = [problem.render(error.source) for problem in error.problems]
    for substring in expected:
        assert any(substring in line for line in rendered), (substring, rendered)
    assert all(line.startswith(f"{path}: ") for line in rendered)
    assert len(rendered) == len(expected), rendered  # nothing extra, no cascade


def test_thesis_example_names_medico4_line_in_the_message() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_instance(THESIS_FIGURE_6_6, "instance.txt")
    message = str(caught.value)
    assert (
        "instance.txt: line 7: doctor line: expected 11 fields (name, CMP, experience, "
        "specialty, 7 shift counts), got 10"
    ) in message.splitlines()
    assert "expected 50 doctor lines, found 6" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        read_instance(tmp_path / "absent.txt")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        read_instance(tmp_path)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(VALID.replace("Paciente1", "Pacient\u00e91").encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        read_instance(path)
    (problem,) = caught.value.problems
    assert problem.path == "line 7"
    assert "not UTF-8 text: byte 0xe9" in problem.message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert_same(read_instance(path), parse_instance(VALID, "x"))
