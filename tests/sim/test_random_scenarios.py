"""Random scenarios through the ``clinicsim`` command line: an answer, never a traceback.

A Hypothesis property over scenario files and ``--set`` overrides drawn at random:

- **documents**: the small valid scenario of ``test_validation`` mutated — keys
  deleted, values replaced by values of other types (integers small, huge and
  negative, floats with nan, inf, 1e308 and subnormals, text, lists, nested
  mappings, null, booleans, distributions with odd parameters), unknown or misspelt
  keys added, optional keys of the format set, list items repeated;
- **raw text**: such a document written as YAML with odd lines spliced in (anchors
  and aliases, merge keys, tabs, tags, dates, duplicate and unhashable keys, several
  documents, control characters), sometimes with bytes that are not UTF-8 or in
  another encoding;
- **overrides**: dotted keys drawn from the scenario's real paths, misspellings of
  them, paths that go too deep and random text, each with a random value as text;
- **plausible edits**, so that most examples validate and are run: numbers changed to
  numbers a clinic may well have (no staff, no requests, certain no-shows, durations
  of 10⁹ minutes), valid optional blocks added (rosters, shifts, attributes,
  cancellations, a booking process), labels and the keys of resources and classes
  set to any text (rich markup, HTML, format strings, line breaks), keys deleted.

Every example is checked with ``clinicsim validate FILE --set …``; one that
validates is then run (``clinicsim run FILE --reps 1 --workers 1 --set …``) with
the horizon cut to at most 5 days of at most 40 requests, so that a run takes well
under a second. Each command must exit with 0 or 2 — never 1, never a traceback —
and on exit 2 print nothing on stdout and only ``error: …`` lines on stderr.

The command line runs in a forked child (``test_validation.run_cli``); the
examples are derandomized and no example database is kept, so every run of this
file checks the same inputs. Inputs the property once found are kept as
``@example``s.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from sim.distributions import DISTRIBUTION_NAMES
from sim.models import model_of_source
from sim.models.clinic import CLINIC
from sim.scenario import load
from tests.sim.test_validation import BAD_INPUT, CliResult, minimal_scenario, run_cli

Raw = dict[str, Any]
Node = dict[Any, Any] | list[Any]

MAX_RUN_DAYS = 5
MAX_RUN_REQUESTS = 40
SETTINGS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- values


# Words a scenario file uses (names, modes, families, times), odd texts, and texts
# that mean something to YAML, to the terminal table (rich markup) or to formatting.
WORDS = (
    "",
    " ",
    "08:00",
    "12:00",
    "25:00",
    "7:5",
    "mon",
    "sat",
    "funday",
    "doctor",
    "technician",
    "nurse",
    "visit",
    "new",
    "old",
    "eye",
    "retina",
    "test",
    "consult",
    "fifo",
    "mip",
    "grasp",
    "opening",
    "walk_in",
    "appointment",
    "bailey_welch",
    "realtime",
    "end_of_day",
    "priority",
    *DISTRIBUTION_NAMES,
    "weibull",
    "null",
    "~",
    "yes",
    ".nan",
    "1e308",
    "-1",
    "[/]",
    "[bold]x[/italic]",
    "%s %d",
    "{0} {x}",
    "ñandú",
    "日本",
    "\t",
    "a\nb",
    "\x85",
    "\u2028",
    "\x00",
    "\x1b[31m",
)
NUMBERS: tuple[int | float, ...] = (
    0,
    1,
    2,
    5,
    10,
    -1,
    -5,
    0.5,
    -0.0,
    1e-300,
    5e-324,
    1e9,
    1e9 + 1,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    2**31,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**30,
    10**1000,
)
CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")  # what argv can hold
TEXTS = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
NUMBER_VALUES = st.one_of(
    st.sampled_from(NUMBERS), st.integers(-100, 100), st.integers(), st.floats()
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBER_VALUES, TEXTS)
DIST_KEYS = ("mean", "sd", "low", "mode", "high", "value", "min", "max")
DISTRIBUTIONS = st.fixed_dictionaries(
    {"dist": st.sampled_from((*DISTRIBUTION_NAMES, "weibull", ""))},
    optional={
        **dict.fromkeys(DIST_KEYS, NUMBER_VALUES),
        "values": st.lists(NUMBER_VALUES, max_size=4),
        "weights": st.lists(NUMBER_VALUES, max_size=4),
    },
)
KEYS = st.one_of(TEXTS, st.integers(-3, 3), st.booleans(), st.none())
VALUES = st.recursive(
    st.one_of(SCALARS, DISTRIBUTIONS),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=10,
)


# ---------------------------------------------------------------- paths


def dotted_items(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every dotted path of a mapping with its value, list items both by position and by
    ``id``/``name``."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
        items += [
            (str(v.get("id") or v.get("name")), v)
            for v in node
            if isinstance(v, dict) and (v.get("id") or v.get("name"))
        ]
    else:
        return found
    for key, value in items:
        path = f"{prefix}{key}"
        found.append((path, value))
        found += dotted_items(value, path + ".")
    return found


def dotted_paths(node: Any) -> list[str]:
    return [path for path, _ in dotted_items(node)]


# keys of the format the minimal scenario leaves out (README, "Scenario format")
OPTIONAL_PATHS = (
    "description",
    "horizon.weekdays",
    "horizon.slot_minutes",
    "horizon.max_overtime",
    "resources.doctor.name",
    "resources.doctor.roster",
    "resources.doctor.roster.mon",
    "resources.doctor.hours",
    "resources.doctor.hours.start",
    "resources.technician.daily_slots",
    "resources.doctor.members.0.experience_years",
    "resources.doctor.members.B.daily_slots",
    "demand.booking_window_days",
    "demand.min_lead_days",
    "demand.classes.new.priority",
    "demand.classes.new.attributes",
    "demand.classes.old.attributes.age",
    "behaviour.cancellation",
    "behaviour.cancellation.probability",
    "behaviour.cancellation.notice_days",
    "protocols.visit.name",
    "protocols.visit.steps.consult.after",
    "protocols.visit.steps.test.probability",
    "protocols.visit.steps.test.name",
    "booking",
    "booking.mode",
    "booking.closes_at",
    "booking.channels",
    "booking.channels.desk.share",
    "booking.channels.desk.hours",
    "booking.refill.accept",
    "booking.moves.probability",
    "policies.fifo",
    "policies.mip.scenarios",
    "policies.grasp",
    "unit",
)
REAL_PATHS = tuple(dotted_paths(minimal_scenario())) + OPTIONAL_PATHS


@st.composite
def misspelt(draw: st.DrawFn, path: str) -> str:
    """``path`` with one of its segments misspelt (a letter dropped, doubled, swapped, …)."""
    parts = path.split(".")
    at = draw(st.integers(0, len(parts) - 1))
    word = parts[at] or "x"
    i = draw(st.integers(0, len(word) - 1))
    edit = draw(st.sampled_from(("drop", "double", "swap", "upper", "plural", "space", "dash")))
    if edit == "drop":
        word = word[:i] + word[i + 1 :]
    elif edit == "double":
        word = word[:i] + word[i] + word[i:]
    elif edit == "swap" and i + 1 < len(word):
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif edit == "upper":
        word = word.upper()
    elif edit == "plural":
        word += "s"
    elif edit == "space":
        word = f" {word} "
    else:
        word = word.replace("_", "-") if "_" in word else word + "-"
    parts[at] = word
    return ".".join(parts)


# ---------------------------------------------------------------- documents


def _locations(node: Any) -> list[tuple[Node, Any]]:
    """Every (container, key) pair under a mapping: what an edit can delete or replace."""
    found: list[tuple[Node, Any]] = []
    if isinstance(node, dict):
        keys: Sequence[Any] = list(node)
    elif isinstance(node, list):
        keys = range(len(node))
    else:
        return found
    for key in keys:
        found.append((node, key))
        found += _locations(node[key])
    return found


def _containers(node: Any) -> list[Node]:
    found: list[Node] = [node] if isinstance(node, dict | list) else []
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        found += _containers(child)
    return found


def _set_path(raw: Raw, path: str, value: Any) -> None:
    """Set a dotted path, making the mappings on the way (list items by position or id)."""
    node: Any = raw
    parts = path.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            named = [i for i, v in enumerate(node) if isinstance(v, dict) and v.get("id") == part]
            index = int(part) if part.isdigit() else (named or [0])[0]
            if index >= len(node):
                return
            node = node[index]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
        if not isinstance(node, dict | list):
            return
    if isinstance(node, dict):
        node[parts[-1]] = value


# Valid additions of keys the minimal scenario leaves out, each a few (path, value) sets:
# later edits then reach the code behind them (rosters, shifts, attributes, booking, …).
BLOCKS: tuple[tuple[tuple[str, Any], ...], ...] = (
    (("horizon.weekdays", ["mon", "wed", "fri"]),),
    (("horizon.slot_minutes", 10), ("horizon.max_overtime", 30)),
    (("resources.doctor.roster", {"mon": 1, "fri": 2}),),
    (("resources.doctor.hours", {"start": "08:30", "end": "11:30"}),),
    (("resources.doctor.daily_slots", dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), 4)),),
    (("resources.doctor.members.0.experience_years", 12),),
    (("demand.booking_window_days", 5), ("demand.min_lead_days", 1)),
    (("demand.classes.new.priority", 3),),
    (("demand.classes.old.attributes", {"age": {"dist": "uniform", "low": 45, "high": 90}}),),
    (
        (
            "behaviour.cancellation",
            {"probability": 0.2, "notice_days": {"dist": "uniform", "low": 0, "high": 3}},
        ),
    ),
    (("protocols.visit.steps.consult.after", ["test"]),),
    (("protocols.visit.steps.test.probability", 0.5),),
    (("policies.fifo", {"arrival": "walk_in"}),),
    (
        ("resources.doctor.daily_slots", 3),
        (
            "booking",
            {
                "mode": "realtime",
                "channels": {
                    "desk": {"share": 0.6, "hours": {"start": "07:00", "end": "11:00"}},
                    "web": {
                        "share": 0.4,
                        "hours": {"start": "00:00", "end": "23:59"},
                        "profile": [2, 1],
                        "confirm_minutes": {"dist": "exponential", "mean": 5},
                    },
                },
                "refill": {"accept": {0: 0.3, 2: 0.8}, "max_offers": 2},
                "moves": {"probability": 0.1},
            },
        ),
    ),
)


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the kind of ``value``: what a user changing a number or a name writes."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.one_of(st.integers(0, 12), st.sampled_from(NUMBERS))
    if isinstance(value, float):
        return st.one_of(st.floats(0, 1), st.sampled_from(NUMBERS))
    if isinstance(value, str):
        return st.sampled_from(WORDS)
    return VALUES


@st.composite
def documents(draw: st.DrawFn, max_edits: int = 4) -> Raw:
    """The minimal valid scenario with a few random edits."""
    raw = minimal_scenario()
    for _ in range(draw(st.integers(0, max_edits))):
        edit = draw(
            st.sampled_from(
                ("delete", "replace", "tweak", "unknown", "optional", "block", "block", "repeat")
            )
        )
        if edit in ("delete", "replace", "tweak"):
            places = _locations(raw)
            if not places:
                continue
            node, key = draw(st.sampled_from(places))
            if edit == "delete":
                del node[key]
            else:
                node[key] = draw(VALUES if edit == "replace" else _like(node[key]))
        elif edit == "unknown":
            node = draw(st.sampled_from([c for c in _containers(raw) if isinstance(c, dict)]))
            known = [str(k) for k in node] or ["x"]
            key = draw(st.one_of(KEYS, st.sampled_from(known).flatmap(misspelt)))
            node[key] = draw(VALUES)
        elif edit == "optional":
            _set_path(raw, draw(st.sampled_from(OPTIONAL_PATHS)), draw(VALUES))
        elif edit == "block":
            for path, value in draw(st.sampled_from(BLOCKS)):
                _set_path(raw, path, copy.deepcopy(value))
        else:
            lists = [c for c in _containers(raw) if isinstance(c, list) and c]
            if lists:
                items = draw(st.sampled_from(lists))
                items.append(copy.deepcopy(draw(st.sampled_from(items))))
    return raw


# numbers a scenario may well hold: zero staff, zero requests, certain no-shows, huge
# durations — valid, so the run behind them is reached
GENTLE_INTS = st.sampled_from((0, 1, 2, 3, 5, 12, 60))
GENTLE_FLOATS = st.sampled_from((0.0, 0.05, 0.5, 1.0, 7.5, 1e9))


def gentle_like(value: int | float) -> st.SearchStrategy[int | float]:
    """A plausible number of the kind of ``value`` (a whole number for a whole number)."""
    return GENTLE_INTS if isinstance(value, int) else st.one_of(GENTLE_FLOATS, GENTLE_INTS)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# texts a label or a key may hold that mean something to what shows them: rich markup
# (the terminal), HTML, format strings, escapes, line breaks, other scripts
ODD_LABELS = st.sampled_from(
    (
        "[/]",
        "[/x]",
        "[bold]x[/italic]",
        "[link=javascript:x]y",
        "x\\",
        "<b>x</b>",
        "&amp;",
        "%s %d",
        "{0} {x}",
        "a\nb",
        "\x1b[31m",
        "ñandú 日本",
        " ",
    )
)
LABELS = st.one_of(ODD_LABELS, TEXTS)
# free text of the format: labels a person reads in the table, the report, the dashboard
LABEL_PATHS = (
    "name",
    "description",
    "resources.doctor.name",
    "resources.doctor.members.B.name",
    "protocols.visit.name",
    "protocols.visit.steps.test.name",
)


def rename_resource(raw: Raw, old: str, new: str) -> None:
    """Give resource ``old`` the key ``new``, and its steps with it."""
    resources, protocols = raw.get("resources"), raw.get("protocols")
    if not isinstance(resources, dict) or old not in resources or new in resources:
        return
    resources[new] = resources.pop(old)
    for protocol in protocols.values() if isinstance(protocols, dict) else ():
        steps = protocol.get("steps") if isinstance(protocol, dict) else None
        for step in steps if isinstance(steps, list) else ():
            if isinstance(step, dict) and step.get("resource") == old:
                step["resource"] = new


def rename_class(raw: Raw, old: str, new: str) -> None:
    """Give patient class ``old`` the key ``new``."""
    demand = raw.get("demand")
    classes = demand.get("classes") if isinstance(demand, dict) else None
    if isinstance(classes, dict) and old in classes and new not in classes:
        classes[new] = classes.pop(old)


@st.composite
def plausible_documents(draw: st.DrawFn, max_edits: int = 4) -> Raw:
    """The minimal valid scenario with edits that mostly keep it valid: numbers changed,
    optional blocks added, labels and names of resources and classes set to any text,
    keys deleted."""
    raw = minimal_scenario()
    for _ in range(draw(st.integers(1, max_edits))):
        edit = draw(st.sampled_from(("number", "number", "block", "label", "rename", "delete")))
        places = _locations(raw)
        if edit == "number":
            numbers = [(node, key) for node, key in places if _is_number(node[key])]
            if numbers:
                node, key = draw(st.sampled_from(numbers))
                node[key] = draw(gentle_like(node[key]))
        elif edit == "block":
            for path, value in draw(st.sampled_from(BLOCKS)):
                _set_path(raw, path, copy.deepcopy(value))
        elif edit == "label":
            _set_path(raw, draw(st.sampled_from(LABEL_PATHS)), draw(LABELS.filter(bool)))
        elif edit == "rename":
            rename = draw(st.sampled_from(((rename_resource, "technician"), (rename_class, "old"))))
            rename[0](raw, rename[1], draw(LABELS))
        elif places:
            node, key = draw(st.sampled_from(places))
            del node[key]
    return raw


def dump(raw: Raw, flow: bool = False) -> str:
    return yaml.safe_dump(
        raw, sort_keys=False, allow_unicode=True, default_flow_style=flow, width=100
    )


# Lines spliced into a document: what YAML offers beyond plain mappings, and mistakes.
SNIPPETS = (
    "extra: *missing",
    "block: &shared {days: 2, open: '08:00'}",
    "again: *shared",
    "<<: *shared",
    "<<: {seed: 3}",
    "<<: [1, 2]",
    "days: !!binary aGVsbG8=",
    "name: !!binary /w==",
    "seed: !!timestamp 2001-12-14",
    "open: 2024-01-01",
    "close: 2024-01-01 10:00:00",
    "weekdays: !!set {mon, tue}",
    "classes: !!omap [a: 1, b: 2]",
    "count: !!python/name:os.system",
    "count: !!python/object/apply:os.getcwd []",
    "count: !custom 3",
    "count: !!float nan",
    "seed: 0x1F",
    "seed: 0o17",
    "seed: 1_000",
    "seed: 190:20:30",
    "share: .5",
    "share: +.inf",
    "? [a, b]\n: 1",
    "? {a: 1}\n: 2",
    "name: duplicate",
    "horizon: {}",
    "\tdays: 3",
    "days:\t3",
    "x: 'unterminated",
    "x: [1, 2",
    "- item",
    "key: value: other",
    "text: |\n  block\n  text",
    "%TAG ! tag:example.com,2000:",
    "---",
    "...",
    "bell: \x07",
    "bom: \ufeff",
    "smile: \U0001f600",
    "loop: &loop [*loop]",
    "deep: " + "[" * 70 + "]" * 70,
)
WHOLE_DOCUMENTS = (
    "",
    "---\n---\n",
    "[]\n",
    "42\n",
    "name: a\n---\nname: b\n",
    "!!python/object/apply:os.system ['true']\n",
    "%YAML 1.2\n---\nname: x\n",
    "? [a]\n: 1\n",
    "&a name: *a\n",
    "name: &a x\nseed: *a\n",
    "*undefined\n",
    "{name: x, seed: 1, seed: 2}\n",
)
BYTES = (b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\r", b"\x85")


@st.composite
def raw_texts(draw: st.DrawFn) -> bytes:
    """The bytes of a file: a document written as YAML with odd lines, or odd bytes, in it."""
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from(WHOLE_DOCUMENTS))
    else:
        text = dump(draw(documents(max_edits=2)), flow=draw(st.booleans()))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        indent = draw(st.sampled_from(("", "  ", "    ", "\t")))
        lines.insert(at, indent + draw(st.sampled_from(SNIPPETS)) + "\n")
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1")))
    data = "".join(lines).encode(encoding, errors="replace")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at] + draw(st.one_of(st.sampled_from(BYTES), st.binary(max_size=3))) + data[at:]
        )
    return data


# ---------------------------------------------------------------- overrides


ODD_VALUES = (
    "",
    " ",
    "~",
    ".nan",
    "-.inf",
    "1e308",
    "1e999",
    "-1",
    "0",
    "9" * 30,
    "[",
    "{a: 1",
    "[1, [2, [3]]]",
    "{mon: 3, funday: 1}",
    "&a [*a]",
    "*a",
    "!!binary aGk=",
    "!!python/name:os.system",
    "!!set {a}",
    "2024-01-01",
    "08:00",
    "'08:00'",
    "a: b: c",
    "- x",
    "---\n---",
    "\t",
    "x\ny",
)


# values an override of a real key may well accept
PLAUSIBLE_VALUES = (
    "1",
    "2",
    "3",
    "0.5",
    "true",
    "false",
    "walk_in",
    "appointment",
    "[mon, tue, wed]",
    "{dist: exponential, mean: 4}",
    "{dist: triangular, low: 1, mode: 2, high: 6}",
    "'09:00'",
    "11:00",
)


def _flow(value: Any) -> str:
    """A value as one line of YAML, as a user would type it after ``=``."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("...\n").strip()


@st.composite
def overrides(draw: st.DrawFn) -> list[str]:
    """A few ``key=value`` texts as ``--set`` takes them."""
    found: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        real = st.sampled_from(REAL_PATHS)
        key = draw(
            st.one_of(
                real,
                real.flatmap(misspelt),
                st.tuples(real, st.sampled_from(("x", "0", "9", "-1", "-99", "", "mean"))).map(
                    ".".join
                ),
                st.text(CHARACTERS, max_size=15),
            )
        )
        value = draw(
            st.one_of(
                st.sampled_from(PLAUSIBLE_VALUES),
                VALUES.map(_flow),
                st.sampled_from(ODD_VALUES),
                st.text(CHARACTERS, max_size=20),
            )
        )
        form = draw(st.sampled_from(("plain", "plain", "plain", "spaced", "no_equals")))
        if form == "no_equals":
            found.append(key)
        elif form == "spaced":
            found.append(f" {key} = {value}")
        else:
            found.append(f"{key}={value}")
    return found


def _numeric_paths() -> tuple[tuple[str, int | float], ...]:
    """The paths and numbers of the minimal scenario with every block added."""
    raw = minimal_scenario()
    for block in BLOCKS:
        for path, value in block:
            _set_path(raw, path, copy.deepcopy(value))
    return tuple((path, value) for path, value in dotted_items(raw) if _is_number(value))


NUMERIC_PATHS = _numeric_paths()


@st.composite
def plausible_overrides(draw: st.DrawFn) -> list[str]:
    """A few ``--set`` of a number of the format to a number it may well hold, or of a
    label to any text."""
    found: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.integers(0, 3)) == 0:
            found.append(f"{draw(st.sampled_from(LABEL_PATHS))}={draw(LABELS)}")
        else:
            path, value = draw(st.sampled_from(NUMERIC_PATHS))
            found.append(f"{path}={draw(gentle_like(value))}")
    return found


# ---------------------------------------------------------------- the property


def assert_answered(result: CliResult, args: Sequence[str]) -> None:
    """Exit 0 or 2 and no traceback; on 2, nothing on stdout and only ``error:`` lines."""
    shown = (
        f"args {list(args)!r}\nstatus {result.status}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, shown
    assert result.status in (0, BAD_INPUT), shown
    if result.status == BAD_INPUT:
        assert result.stdout == "", shown
        lines = result.stderr.splitlines()
        assert lines, shown
        strays = [line for line in lines if not line.startswith("error: ")]
        assert not strays, f"lines not starting 'error: ': {strays!r}\n{shown}"


def _run_overrides(path: Path, sets: list[str]) -> list[str] | None:
    """Overrides cutting a validated scenario's horizon so that one replication is quick
    (None: not an outpatient clinic, whose horizon this does not know; not run)."""
    if model_of_source(path).kind != CLINIC.kind:
        return None
    scenario = load(path, sets)
    cut: list[str] = []
    if scenario.horizon.days > MAX_RUN_DAYS:
        cut.append(f"horizon.days={MAX_RUN_DAYS}")
    if scenario.demand.requests_per_day > MAX_RUN_REQUESTS:
        cut.append(f"demand.requests_per_day={MAX_RUN_REQUESTS}")
    return cut


_numbers = itertools.count()


def check_scenario(data: bytes, sets: list[str], workdir: Path) -> None:
    """Validate the file with the overrides; run it too when it validates."""
    path = workdir / f"scenario-{next(_numbers)}.yaml"
    path.write_bytes(data)
    options = [f"--set={text}" for text in sets]  # "--set=-1" is a value, not an option
    args = ["validate", str(path), *options]
    validated = run_cli(args, workdir / "out")
    assert_answered(validated, args)
    if validated.status != 0:
        return
    cut = _run_overrides(path, sets)
    if cut is None:
        return
    store = workdir / "store"
    args = ["run", str(path), "--reps", "1", "--workers", "1", "--store", str(store)]
    args += options + [f"--set={text}" for text in cut]
    note(f"ran: {args}")
    assert_answered(run_cli(args, workdir / "out"), args)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example's file, output and result store."""
    return tmp_path_factory.mktemp("random-scenarios")


@SETTINGS
@given(raw=documents(), sets=overrides())
def test_random_documents_and_overrides_are_answered(
    raw: Raw, sets: list[str], workdir: Path
) -> None:
    check_scenario(dump(raw).encode("utf-8"), sets, workdir)


@settings(SETTINGS, max_examples=40)
@given(data=raw_texts(), sets=overrides())
def test_random_file_text_is_answered(data: bytes, sets: list[str], workdir: Path) -> None:
    check_scenario(data, sets, workdir)


def _named(name: str, resource: str) -> Raw:
    """The minimal scenario named ``name``, its technicians keyed ``resource``."""
    raw = minimal_scenario()
    raw["name"] = name
    rename_resource(raw, "technician", resource)
    return raw


@SETTINGS
@given(raw=plausible_documents(), sets=plausible_overrides())
# rich markup in names: the terminal table used to fail with a MarkupError (exit 1)
@example(raw=_named("[/x]", "technician"), sets=[])
@example(raw=_named("minimal", "[bold]x[/italic]"), sets=[])
@example(raw=minimal_scenario(), sets=["name=[/]"])
def test_plausible_documents_and_overrides_are_answered(
    raw: Raw, sets: list[str], workdir: Path
) -> None:
    """Edits that mostly keep the scenario valid, so that most examples are also run."""
    check_scenario(dump(raw).encode("utf-8"), sets, workdir)
