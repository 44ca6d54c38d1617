"""Tests for scenario validation as the user meets it: through the ``clinicsim`` command line.

A table of bad inputs — each a small edit to a valid minimal scenario written to
a temporary YAML file, raw file text, or a ``--set`` / ``-p`` option on the
bundled ``ophthalmology`` scenario — is run through ``clinicsim validate`` and
``clinicsim run --reps 1``. Each must exit with status 2, print a line naming
the file (or option), the dotted path and what was expected, print every line as
``error: …``, print nothing on stdout, and never show a traceback.

Starting a fresh interpreter costs over a second here (pandas, scipy), far too
slow for ~70 invocations, so the table runs the CLI in a *forked* child process:
the child gets its own stdout/stderr file descriptors and exits with what
``python -m sim.cli.main`` would (``sys.exit(main())``; an uncaught exception prints
its traceback and exits 1, as the interpreter does). A separate test checks a few
cases through real ``python -m sim.cli.main`` and ``clinicsim`` processes and requires
the same status and stderr from both.
"""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from scenarios import bundled_path
from sim.cli import main as cli  # imported here, once: forked children start with it loaded

Raw = dict[str, Any]
Edit = Callable[[Raw], None]

BUNDLED = bundled_path("ophthalmology")
assert BUNDLED is not None
BUNDLED_FILE = str(BUNDLED)
CHILD_TIMEOUT_S = 120
BAD_INPUT = 2


# ---------------------------------------------------------------- running the CLI


@dataclass(frozen=True)
class CliResult:
    status: int
    stdout: str
    stderr: str

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _child_main(args: Sequence[str]) -> int:
    """What ``python -m sim.cli.main ARGS`` does, as an exit status."""
    try:
        sys.argv = ["clinicsim", *args]
        result = cli.main(list(args))
        return 0 if result is None else int(result)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1


def run_cli(args: Sequence[str], workdir: Path) -> CliResult:
    """Run the CLI with ``args`` in a forked child process and collect what it printed."""
    if not hasattr(os, "fork"):  # pragma: no cover - non-POSIX: a real interpreter
        return run_cli_subprocess([sys.executable, "-m", "sim.cli.main"], args)
    workdir.mkdir(parents=True, exist_ok=True)
    out_path = workdir / f"stdout.{time.monotonic_ns()}"
    err_path = out_path.with_name(out_path.name.replace("stdout", "stderr"))
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 70
        try:
            for fd, path in ((1, out_path), (2, err_path)):
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, fd)
                os.close(target)
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8")
            status = _child_main(args)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    while True:
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail(f"clinicsim {' '.join(args)} did not finish in {CHILD_TIMEOUT_S} s")
        time.sleep(0.005)
    return CliResult(
        status=os.waitstatus_to_exitcode(wait_status),
        stdout=out_path.read_text(encoding="utf-8"),
        stderr=err_path.read_text(encoding="utf-8"),
    )


def cli_environment() -> dict[str, str]:
    """The environment of a real CLI process: English, no colours."""
    return {
        **os.environ,
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "utf-8",
    }


def run_cli_subprocess(command: Sequence[str], args: Sequence[str]) -> CliResult:
    done = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_environment(),
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


# ---------------------------------------------------------------- scenarios


def minimal_scenario() -> Raw:
    """A small valid scenario exercising members, specialties, assigned steps and policies."""
    return {
        "name": "minimal",
        "seed": 7,
        "horizon": {"days": 2, "open": "08:00", "close": "12:00"},
        "resources": {
            "doctor": {
                "count": 2,
                "daily_slots": 10,
                "members": [{"name": "A", "specialty": "eye"}, {"name": "B"}],
            },
            "technician": {"count": 1},
        },
        "demand": {
            "requests_per_day": 5,
            "classes": {
                "new": {"share": 0.5, "protocol": "visit", "specialty": "eye"},
                "old": {"share": 0.5, "protocol": "visit"},
            },
        },
        "behaviour": {"no_show": 0.1, "punctuality": {"dist": "normal", "mean": -5, "sd": 5}},
        "protocols": {
            "visit": {
                "steps": [
                    {
                        "id": "test",
                        "resource": "technician",
                        "duration": {"dist": "exponential", "mean": 5},
                    },
                    {"id": "consult", "resource": "doctor", "assigned": True, "duration": 10},
                ],
            },
        },
        "policies": {"fifo": {"arrival": "opening"}},
    }


def _walk(raw: Raw, path: str) -> tuple[Any, str | int]:
    """The container holding the last key of a dotted path (list items by index)."""
    node: Any = raw
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) else last)


def set_at(path: str, value: Any) -> Edit:
    """An edit setting ``path`` (dotted, list indices as numbers) to ``value``."""

    def edit(raw: Raw) -> None:
        node, key = _walk(raw, path)
        node[key] = value

    return edit


def delete_at(path: str) -> Edit:
    """An edit removing the key at ``path``."""

    def edit(raw: Raw) -> None:
        node, key = _walk(raw, path)
        del node[key]

    return edit


def edits(*steps: Edit) -> Edit:
    """Several edits applied in order."""

    def edit(raw: Raw) -> None:
        for step in steps:
            step(raw)

    return edit


def write_scenario(path: Path, raw: Raw) -> Path:
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One bad input. ``needles`` must all appear on one stderr line; ``{file}`` is the path.

    The input is ``edit`` applied to the minimal scenario, or the raw ``text`` of a
    file, or the bundled scenario (``bundled``), or a file that does not exist
    (``missing``); ``args`` are extra options given to the command. Every error
    line must start with ``error: {source}``; no error line may contain a ``forbidden``
    string (e.g. pydantic's internal location tags).
    """

    id: str
    needles: tuple[str, ...]
    edit: Edit | None = None
    text: str | None = None
    bundled: bool = False
    missing: bool = False
    args: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = field(default=())
    source: str = "{file}"

    def scenario_path(self, tmp_path: Path) -> str:
        if self.bundled:
            return BUNDLED_FILE
        path = tmp_path / f"{self.id}.yaml"
        if self.missing:
            return str(path)
        if self.text is not None:
            path.write_text(self.text, encoding="utf-8")
        else:
            raw = minimal_scenario()
            if self.edit is not None:
                self.edit(raw)
            write_scenario(path, raw)
        return str(path)


STEP0 = "protocols.visit.steps.0"
# Ten values, then ten copies of the previous anchor at each of eight levels: 10⁹ values
# once expanded, a few hundred bytes of text ("billion laughs").
_BOMB_LEVELS = [f"l0: &l0 [{', '.join(['x'] * 10)}]"] + [
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 9)
]
ALIAS_BOMB = "name: x\nbomb:\n" + "".join(f"  {line}\n" for line in _BOMB_LEVELS)
ALIAS_BOMB_FLOW = "{" + ", ".join(_BOMB_LEVELS) + "}"
STEP1 = "protocols.visit.steps.1"
FIFO_MODES = "expected 'opening', 'walk_in', 'appointment' or 'bailey_welch'"

CASES: list[Case] = [
    # -- fields
    Case(
        "negative_count",
        ("{file}: resources.technician.count: must be ≥ 0, got -1",),
        edit=set_at("resources.technician.count", -1),
    ),
    Case(
        "unknown_key_typo",
        ("{file}: resources.technician.cuont: unknown key",),
        edit=set_at("resources.technician.cuont", 2),
    ),
    Case("unknown_top_level_key", ("{file}: horizn: unknown key",), edit=set_at("horizn", 3)),
    Case(
        "missing_required_key",
        ("{file}: horizon.days: required key is missing",),
        edit=delete_at("horizon.days"),
    ),
    Case(
        "missing_required_section",
        ("{file}: demand: required key is missing",),
        edit=delete_at("demand"),
    ),
    Case(
        "bad_time",
        ("{file}: horizon.open: expected a time of day \"HH:MM\", got '25:00'",),
        edit=set_at("horizon.open", "25:00"),
    ),
    Case(
        "close_before_open",
        ("{file}: horizon.close: must be after open (08:00), got 07:00",),
        edit=set_at("horizon.close", "07:00"),
    ),
    Case(
        "unknown_weekday_in_roster",
        ("{file}: resources.technician.roster.monday: ", "'monday'"),
        edit=set_at("resources.technician.roster", {"monday": 1}),
        forbidden=("[key]",),
    ),
    Case(
        "unknown_weekday_in_daily_slots",
        ("{file}: resources.doctor.daily_slots.funday: ", "'funday'"),
        edit=set_at("resources.doctor.daily_slots", {"funday": 3}),
        forbidden=("[key]", "constrained-int"),
    ),
    # -- distributions
    Case(
        "unknown_distribution",
        ("{file}: protocols.visit.steps.test.duration: unknown distribution 'weibull'",),
        edit=set_at(f"{STEP0}.duration", {"dist": "weibull", "mean": 3}),
    ),
    Case(
        "bad_distribution_parameter",
        ("{file}: protocols.visit.steps.test.duration.sd: must be ≥ 0", "got -1"),
        edit=set_at(f"{STEP0}.duration", {"dist": "normal", "mean": 5, "sd": -1}),
    ),
    Case(
        "triangular_out_of_order",
        ("{file}: protocols.visit.steps.test.duration: must have low ≤ mode ≤ high",),
        edit=set_at(f"{STEP0}.duration", {"dist": "triangular", "low": 5, "mode": 3, "high": 8}),
    ),
    Case(
        "distribution_missing_parameter",
        ("{file}: protocols.visit.steps.test.duration.sd: required key is missing",),
        edit=set_at(f"{STEP0}.duration", {"dist": "lognormal", "mean": 3}),
    ),
    Case(
        "negative_duration_possible",
        ("{file}: protocols.visit.steps.test.duration: durations cannot be negative",),
        edit=set_at(f"{STEP0}.duration", {"dist": "normal", "mean": 5, "sd": 2}),
    ),
    Case(
        "nan_duration",
        ("{file}: protocols.visit.steps.test.duration", "nan"),
        edit=set_at(f"{STEP0}.duration", float("nan")),
    ),
    # -- references
    Case(
        "step_names_missing_resource",
        ("{file}: protocols.visit.steps.test.resource: no resource 'nurse'",),
        edit=set_at(f"{STEP0}.resource", "nurse"),
    ),
    Case(
        "class_names_missing_protocol",
        ("{file}: demand.classes.new.protocol: no protocol 'surgery'",),
        edit=set_at("demand.classes.new.protocol", "surgery"),
    ),
    Case(
        "after_names_missing_step",
        ("{file}: protocols.visit.steps.consult.after: 'xray' is not a step listed before",),
        edit=set_at(f"{STEP1}.after", ["xray"]),
    ),
    Case(
        "after_names_later_step",
        ("{file}: protocols.visit.steps.test.after: 'consult' is not a step listed before",),
        edit=set_at(f"{STEP0}.after", ["consult"]),
    ),
    Case(
        "shares_not_summing_to_one",
        ("{file}: demand.classes: shares must sum to 1, got 1.1",),
        edit=set_at("demand.classes.new.share", 0.6),
    ),
    Case(
        "duplicate_step_ids",
        ("{file}: protocols.visit.steps.test: step ids must be unique within a protocol",),
        edit=set_at(f"{STEP1}.id", "test"),
    ),
    Case(
        "assigned_step_without_resource",
        (
            "{file}: protocols.visit.steps.consult.assigned: a step without a resource cannot be "
            "assigned",
        ),
        edit=set_at(f"{STEP1}.resource", None),
    ),
    Case(
        "specialty_no_member_has",
        ("{file}: demand.classes.new.specialty: no member of 'doctor' has specialty 'retina'",),
        edit=set_at("demand.classes.new.specialty", "retina"),
    ),
    Case(
        "roster_above_listed_members",
        ("{file}: resources.doctor.roster.mon: must be ≤ the 2 members listed, got 3",),
        edit=set_at("resources.doctor.roster", {"mon": 3}),
    ),
    Case(
        "daily_slots_missing_a_working_weekday",
        (
            "{file}: resources.doctor.daily_slots: needs a value for every working weekday",
            "missing: ['wed', 'thu', 'fri']",
        ),
        edit=set_at("resources.doctor.daily_slots", {"mon": 4, "tue": 4}),
    ),
    Case(
        "count_above_listed_members",
        ("{file}: resources.doctor.count: must be ≤ the 2 members listed, got 3",),
        edit=set_at("resources.doctor.count", 3),
    ),
    # -- the file itself
    Case(
        "invalid_yaml_syntax",
        ("{file}: line 3, ", "invalid YAML"),
        text="name: broken\nhorizon:\n  days: 2: 3\n  open: '08:00'\n",
    ),
    Case(
        "top_level_not_a_mapping",
        ("{file}: expected a mapping of keys, got list",),
        text="- name: a list\n- of things\n",
    ),
    Case("empty_file", ("{file}: expected a mapping of keys, got empty",), text="# nothing\n"),
    Case("missing_file", ("{file}: no such file",), missing=True),
    Case("control_character_in_file", ("{file}: ", "invalid YAML", "#x0000"), text="name: x\x00\n"),
    # -- the doors of sim.yamlread and sim.limits: what validates can also be run
    Case(
        "nested_aliases_expand_past_the_limit",
        ("{file}: line ", "more than 100 000 values with its aliases (*name) expanded"),
        text=ALIAS_BOMB,
    ),
    Case(
        "alias_inside_what_it_names",
        ("{file}: line 1, ", "the alias *a is inside the value it names"),
        text="name: &a [*a]\n",
    ),
    Case(
        "nesting_too_deep",
        ("{file}: line 1, ", "nested more than 64 levels deep"),
        text="name: " + "[" * 100 + "]" * 100 + "\n",
    ),
    Case(
        "file_too_large",
        ("{file}: the document is 1 000 0", "at most 1 000 000 are read"),
        text="name: x\n# " + "x" * 1_000_000 + "\n",
    ),
    Case(
        "integer_of_thousands_of_digits",
        ("{file}: ", "invalid YAML"),
        text="name: x\nseed: " + "9" * 5000 + "\n",
    ),
    Case(
        "seed_beyond_int64",
        ("{file}: seed: must be ≤ 9223372036854775807, got 9223372036854775808",),
        edit=set_at("seed", 2**63),
    ),
    Case(
        "horizon_beyond_the_limit",
        ("{file}: horizon.days: must be ≤ 3660, got 100000",),
        edit=set_at("horizon.days", 100_000),
    ),
    Case(
        "distribution_parameter_beyond_the_limit",
        ("{file}: protocols.visit.steps.test.duration.mean: must be ≤ 1000000000",),
        edit=set_at(f"{STEP0}.duration.mean", 1e300),
    ),
    Case(
        "too_many_patients_a_replication",
        (
            "{file}: demand.requests_per_day: horizon.days × demand.requests_per_day = "
            "3 000 000 patients a replication of up to 2 steps each",
            "at most 902 777",
        ),
        edit=edits(set_at("horizon.days", 3000), set_at("demand.requests_per_day", 1000)),
    ),
    Case(
        "override_alias_bomb",
        ("--set name=", "cannot read the value", "aliases (*name) expanded"),
        source="--set ",
        bundled=True,
        args=("--set", "name=" + ALIAS_BOMB_FLOW),
    ),
    # -- overrides on the bundled scenario
    Case(
        "override_without_equals",
        ("--set resources.technician.count: expected key=value",),
        source="--set ",
        bundled=True,
        args=("--set", "resources.technician.count"),
    ),
    Case(
        "override_into_scalar",
        ("--set horizon.days.x=1: horizon.days: is a single value (20), cannot set",),
        source="--set ",
        bundled=True,
        args=("--set", "horizon.days.x=1"),
    ),
    Case(
        "override_unknown_key",
        ("--set demand.foo=1: demand.foo: unknown key",),
        source="--set ",
        bundled=True,
        args=("--set", "demand.foo=1"),
    ),
    Case(
        "override_bad_value",
        ("--set resources.technician.count=-1: resources.technician.count: must be ≥ 0, got -1",),
        source="--set ",
        bundled=True,
        args=("--set", "resources.technician.count=-1"),
    ),
    Case(
        "override_missing_list_item",
        ("--set protocols.cataract_new.steps.xray.duration=3: ", "steps.xray: no such item"),
        source="--set ",
        bundled=True,
        args=("--set", "protocols.cataract_new.steps.xray.duration=3"),
    ),
    Case(
        "override_infinite_request_rate",
        ("--set demand.requests_per_day=.inf: demand.requests_per_day: ", "inf"),
        source="--set ",
        bundled=True,
        args=("--set", "demand.requests_per_day=.inf"),
    ),
    Case(
        "override_bad_time",
        ("--set horizon.open=25:00: horizon.open: expected a time of day", "25:00"),
        source="--set ",
        bundled=True,
        args=("--set", "horizon.open=25:00"),
    ),
    # -- policies
    Case(
        "unknown_policy",
        ("--policy: nope: unknown policy; available: ['fifo', 'grasp', 'mip']",),
        bundled=True,
        args=("-p", "nope"),
        source="--policy",
    ),
    Case(
        "bad_policy_variant",
        (f"--policy fifo:bogus: policies.fifo.arrival: {FIFO_MODES}, got 'bogus'",),
        bundled=True,
        args=("-p", "fifo:bogus"),
        source="--policy",
    ),
    Case(
        "bad_fifo_arrival_in_file",
        (f"{{file}}: policies.fifo.arrival: {FIFO_MODES}, got 'sometimes'",),
        edit=set_at("policies.fifo.arrival", "sometimes"),
    ),
    Case(
        "unknown_policy_in_file",
        ("{file}: policies.nope: unknown policy",),
        edit=set_at("policies.nope", {}),
    ),
    # -- labels (the words shown for a step, resource, class, channel or protocol)
    Case(
        "label_not_a_text",
        ("{file}: resources.technician.label: expected a text, or {es: …, en: …}, got 3",),
        edit=set_at("resources.technician.label", 3),
    ),
    Case(
        "label_unknown_language",
        ("{file}: demand.classes.new.label: a label takes es and en, got fr",),
        edit=set_at("demand.classes.new.label", {"es": "Nuevo", "fr": "Nouveau"}),
    ),
    Case(
        "label_without_a_language",
        ("{file}: protocols.visit.label: expected a text, or {es: …, en: …}",),
        edit=set_at("protocols.visit.label", {}),
    ),
    Case(
        "label_empty_text",
        ("{file}: protocols.visit.steps.test.label: expected a non-empty text",),
        edit=set_at(f"{STEP0}.label", " "),
    ),
    Case(
        "labels_that_look_alike",
        ("{file}: resources.technician.label: shows as 'Médico' in es, as 'doctor' does",),
        edit=edits(
            set_at("resources.doctor.label", {"es": "Médico", "en": "Doctor"}),
            set_at("resources.technician.label", {"es": "Médico", "en": "Technician"}),
        ),
    ),
]

COMMANDS = ("validate", "run")


def command_args(command: str, scenario: str, extra: Sequence[str]) -> list[str]:
    if command == "run":
        return ["run", scenario, "--reps", "1", "--workers", "1", *extra]
    return ["validate", scenario, *extra]


def assert_clean_failure(
    result: CliResult, needles: Sequence[str], source: str = "", forbidden: Sequence[str] = ()
) -> None:
    """Exit 2, nothing on stdout, no traceback, and on stderr only ``error: SOURCE…`` lines,
    one of which contains every needle."""
    shown = f"status {result.status}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, shown
    assert result.status == BAD_INPUT, shown
    assert result.stdout.strip() == "", shown
    lines = result.error_lines()
    assert lines, shown
    prefix = f"error: {source}"
    strays = [line for line in lines if not line.startswith(prefix)]
    assert not strays, f"lines not starting {prefix!r}: {strays}\n{shown}"
    matching = [line for line in lines if all(n in line for n in needles)]
    assert matching, f"no stderr line contains all of {needles!r}\n{shown}"
    for line in lines:
        for bad in forbidden:
            assert bad not in line, shown


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported(case: Case, command: str, tmp_path: Path) -> None:
    scenario = case.scenario_path(tmp_path)
    result = run_cli(command_args(command, scenario, case.args), tmp_path / "out")
    needles = [n.replace("{file}", scenario) for n in case.needles]
    source = case.source.replace("{file}", scenario)
    assert_clean_failure(result, needles, source, case.forbidden)


def test_table_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


# ---------------------------------------------------------------- several problems at once


@pytest.mark.parametrize("command", COMMANDS)
def test_every_field_problem_and_override_problem_is_reported(command: str, tmp_path: Path) -> None:
    raw = minimal_scenario()
    edits(
        set_at("resources.technician.count", -1),
        set_at("horizon.open", "25:00"),
        set_at("demand.foo", 1),
    )(raw)
    path = str(write_scenario(tmp_path / "several.yaml", raw))
    extra = ["--set", "horizon.days=0", "--set", "no_equals_sign"]
    result = run_cli(command_args(command, path, extra), tmp_path / "out")
    expected = [
        f"{path}: resources.technician.count: must be ≥ 0, got -1",
        f"{path}: horizon.open: expected a time of day",
        f"{path}: demand.foo: unknown key",
        "--set horizon.days=0: horizon.days: must be ≥ 1, got 0",
        "--set no_equals_sign: expected key=value",
    ]
    for needle in expected:
        assert_clean_failure(result, [needle])
    assert len(result.error_lines()) == len(expected), result.stderr


def test_every_reference_problem_is_reported(tmp_path: Path) -> None:
    raw = minimal_scenario()
    edits(
        set_at("demand.classes.new.protocol", "surgery"),
        set_at(f"{STEP0}.resource", "nurse"),
        set_at("horizon.close", "07:00"),
        set_at("demand.classes.old.share", 0.9),
    )(raw)
    path = str(write_scenario(tmp_path / "refs.yaml", raw))
    result = run_cli(["validate", path], tmp_path / "out")
    expected = [
        f"{path}: demand.classes.new.protocol: no protocol 'surgery'",
        f"{path}: protocols.visit.steps.test.resource: no resource 'nurse'",
        f"{path}: horizon.close: must be after open",
        f"{path}: demand.classes: shares must sum to 1, got 1.4",
    ]
    for needle in expected:
        assert_clean_failure(result, [needle], source=path)
    assert len(result.error_lines()) == len(expected), result.stderr


def test_field_and_reference_problems_are_reported_together(tmp_path: Path) -> None:
    """One pass shows every problem: a bad count does not hide a step's missing resource."""
    raw = minimal_scenario()
    edits(set_at("resources.technician.count", -1), set_at(f"{STEP0}.resource", "nurse"))(raw)
    path = str(write_scenario(tmp_path / "mixed.yaml", raw))
    result = run_cli(["validate", path], tmp_path / "out")
    for needle in (
        f"{path}: resources.technician.count: must be ≥ 0, got -1",
        f"{path}: protocols.visit.steps.test.resource: no resource 'nurse'",
    ):
        assert_clean_failure(result, [needle], source=path)


def test_run_keeping_too_many_records_is_refused_before_it_starts(tmp_path: Path) -> None:
    """Each replication fits (500 000 patients), five of them kept for --out do not;
    the run stops before any replication and writes no file."""
    raw = minimal_scenario()
    edits(set_at("horizon.days", 2000), set_at("demand.requests_per_day", 250))(raw)
    path = str(write_scenario(tmp_path / "large.yaml", raw))
    out = tmp_path / "run"
    args = ["run", path, "--reps", "5", "--workers", "1", "-p", "fifo", "--out", str(out)]
    result = run_cli(args, tmp_path / "out")
    needles = ["--reps: 5 replications × policies keep 2 500 000 expected patient records"]
    assert_clean_failure(result, needles, source=path)
    assert list(out.iterdir()) == []  # checked writable before the run, nothing in it


def test_a_figure_that_is_not_finite_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    from sim.jsontext import finite_json
    from sim.problems import ScenarioError

    summary = {"policies": {"fifo": {"stay": {"mean": 1.0, "ci": [0.5, float("inf")]}}}}
    with pytest.raises(ScenarioError) as caught:
        finite_json(summary, "summary.json")
    rendered = [p.render(caught.value.source) for p in caught.value.problems]
    assert rendered == [
        "summary.json: policies.fifo.stay.ci.1: is not a finite number (infinite or NaN), "
        "which JSON cannot hold"
    ]
    assert finite_json({"a": [1.5]}, "x", indent=None) == '{"a": [1.5]}\n'


# ---------------------------------------------------------------- valid input


def test_valid_minimal_file_validates_and_runs(tmp_path: Path) -> None:
    path = str(write_scenario(tmp_path / "valid.yaml", minimal_scenario()))
    validated = run_cli(["validate", path], tmp_path / "out")
    assert validated.status == 0, validated.stderr
    assert validated.stderr == ""
    assert "valid" in validated.stdout
    ran = run_cli(["run", path, "--reps", "1", "--workers", "1", "--json"], tmp_path / "out")
    assert ran.status == 0, ran.stderr
    assert "Traceback" not in ran.stderr


def test_bundled_scenario_validates(tmp_path: Path) -> None:
    result = run_cli(["validate", "ophthalmology"], tmp_path / "out")
    assert result.status == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_minimal_scenario_is_valid_so_each_case_has_one_cause() -> None:
    """The table's base really is valid (each failure is due to the case's own edit)."""
    from sim.scenario import from_mapping

    scenario = from_mapping(copy.deepcopy(minimal_scenario()))
    assert scenario.resources["doctor"].count == 2


# ---------------------------------------------------------------- real processes


def test_real_processes_match_the_forked_harness(tmp_path: Path) -> None:
    """``python -m sim.cli.main`` and the ``clinicsim`` script behave as the forked runs above."""
    raw = minimal_scenario()
    edits(set_at("resources.technician.count", -1), set_at("demand.foo", 1))(raw)
    bad = str(write_scenario(tmp_path / "bad.yaml", raw))
    good = str(write_scenario(tmp_path / "good.yaml", minimal_scenario()))
    script = Path(sys.executable).with_name("clinicsim")
    runs: list[tuple[list[str], list[str]]] = [
        ([sys.executable, "-m", "sim.cli.main"], ["validate", bad]),
        ([str(script)], ["run", "ophthalmology", "--reps", "1", "--set", "demand.foo=1"]),
        ([str(script)], ["validate", good]),
    ]
    assert script.is_file(), f"console script missing: {script}"
    env = cli_environment()
    started = [
        (
            subprocess.Popen(
                [*command, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            ),
            args,
        )
        for command, args in runs
    ]
    for process, args in started:
        stdout, stderr = process.communicate(timeout=CHILD_TIMEOUT_S)
        real = CliResult(process.returncode, stdout, stderr)
        forked = run_cli(args, tmp_path / "out")
        assert (real.status, real.stderr) == (forked.status, forked.stderr), (args, real, forked)
        assert "Traceback" not in real.stderr
    assert started[0][0].returncode == BAD_INPUT
    assert started[1][0].returncode == BAD_INPUT
    assert started[2][0].returncode == 0
