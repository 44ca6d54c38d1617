"""The HTML report of a run (``sim.outputs.report``, ``sim.outputs.figures``) and the
commands that write it.

One small ``clinicsim compare --out`` run (ophthalmology, 3 days, 2 replications,
fifo against mip) is made once and read by every test:

- ``compare --out DIR`` writes ``DIR/report.html``, a self-contained page (plotly.js
  inlined once, nothing fetched from the network) with the headline numbers of
  ``summary.json``, a figure per section and a Gantt per policy;
- ``clinicsim report DIR --lang es`` writes the same page in Spanish;
- ``clinicsim report`` on a bad run directory exits 2 naming the bad file, with no
  traceback, and leaves an existing report byte for byte; a ``--report`` into a
  missing folder is refused before anything is simulated;
- ``--no-report`` writes no report, and ``compare`` without ``--out`` writes
  ``report.html`` in the working directory;
- the figures' traces are checked against the run's tables recomputed with pandas,
  and the MIP plan's ``planned_end`` against its own planned starts.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from sim.outputs import figures
from sim.outputs.catalogue import find
from sim.outputs.formatting import MINUS, hours, relative_change, signed_interval
from sim.outputs.report import REPORT_NAME
from sim.outputs.rundir import RunData, load_run
from tests.support.cli import SCRIPT, TIMEOUT_S, CliResult, assert_ok, environment
from tests.support.report_html import DECOMPOSITION, HEADINGS, as_str, plots, section, sections

POLICIES = ("fifo", "mip")
REPS = 2
DAYS = 3
FIXTURE_ARGS = (
    "compare",
    "ophthalmology",
    "--reps",
    str(REPS),
    "--workers",
    "1",
    "--set",
    f"horizon.days={DAYS}",
    "-p",
    POLICIES[0],
    "-p",
    POLICIES[1],
    "--lang",
    "en",
)
SMALL_COMPARE = (
    "compare",
    "ophthalmology",
    "--reps",
    "2",
    "--workers",
    "1",
    "--set",
    "horizon.days=2",
    "-p",
    "fifo",
    "-p",
    "fifo:appointment",
)
MEAN_STAY = {"en": "Mean stay", "es": "Estancia media"}
SHOWN = {  # how the report names the policies it compares (their display names)
    "en": {"fifo": "First come, first served", "mip": "Optimised times (MIP)"},
    "es": {"fifo": "Orden de llegada", "mip": "Horarios óptimos (MIP)"},
}
APPOINTMENT = "First come, first served: equally spaced appointments"


# ---------------------------------------------------------------- helpers


def run_cli(*args: str, cwd: Path | None = None, timeout: float = TIMEOUT_S) -> CliResult:
    """The ``clinicsim`` console script as a script would call it, in ``cwd``."""
    assert SCRIPT.is_file(), f"console script not installed: {SCRIPT}"
    done = subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(),
        cwd=cwd,
        timeout=timeout,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def assert_bad_input(result: CliResult) -> None:
    """Exit 2, every line on stderr an ``error:``, no traceback, nothing on stdout."""
    assert result.status == 2, (result.status, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    assert result.stdout.strip() == ""


class _Tags(HTMLParser):
    """Every start tag outside script bodies (the parser treats those as raw text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def words(page: str) -> str:
    """A page's text without its tags (a policy's name is a span with its explanation)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def values(encoded: Any) -> np.ndarray:
    """A trace array as plotly writes it: a JSON list or a base64 typed array."""
    if isinstance(encoded, dict) and "bdata" in encoded:
        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])
    return np.asarray(encoded)


def card(summary: dict[str, Any]) -> str:
    """The headline card of mip against fifo, as the page must show it."""
    fifo = summary["policies"]["fifo"]["los"]["mean"]
    mip = summary["policies"]["mip"]["los"]["mean"]
    return f"<div class='big'>{hours(fifo)} → {hours(mip)}</div>"


def change_div(summary: dict[str, Any]) -> str:
    """The paired change of the mean stay, green when shorter, red when longer."""
    change = relative_change(summary, "mip")["change"]
    direction = "better" if change < 0 else "worse"
    shown = f"{100 * change:+.0f} %".replace("-", MINUS)
    return f"<div class='change {direction}'>{shown}</div>"


def busiest_day_of(patients: pd.DataFrame, policy: str) -> int:
    """Replication 0's day with most served patients (first of ties), recomputed."""
    served = patients[
        (patients["policy"].astype(str) == policy)
        & (patients["rep"] == 0)
        & (patients["status"].astype(str) == "served")
    ]
    counts = served["day"].value_counts()
    return int(min(counts[counts == counts.max()].index))


def staffed_steps(steps: pd.DataFrame, policy: str, rep: int, day: int) -> pd.DataFrame:
    return steps[
        (steps["policy"].astype(str) == policy)
        & (steps["rep"] == rep)
        & (steps["day"] == day)
        & steps["resource"].notna()
    ]


# ---------------------------------------------------------------- the fixture run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    result = run_cli(*FIXTURE_ARGS, "--out", str(out))
    assert_ok(result)
    assert f"{out / REPORT_NAME}" in result.stdout
    return out


@pytest.fixture(scope="module")
def page(run_dir: Path) -> str:
    return (run_dir / REPORT_NAME).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def summary(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(run_dir: Path) -> RunData:
    return load_run(run_dir)


@pytest.fixture(scope="module")
def spanish_page(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("spanish") / "informe.html"
    result = run_cli("report", str(run_dir), "--out", str(target), "--lang", "es")
    assert_ok(result)
    assert str(target) in result.stdout
    return target.read_text(encoding="utf-8")


# ---------------------------------------------------------------- 1. self-contained page


def test_compare_out_writes_a_self_contained_report(run_dir: Path, page: str) -> None:
    assert (run_dir / REPORT_NAME).is_file()
    assert (run_dir / REPORT_NAME).stat().st_size > 1_000_000  # plotly.js is in it
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    bundle = get_plotlyjs()
    assert len(bundle) > 1_000_000 and "Plotly" in bundle
    assert page.count(bundle) == 1  # inlined, and only once
    found = tags(page)
    assert [name for name, _ in found if name == "link"] == []
    scripts = [attrs for name, attrs in found if name == "script"]
    # the bundle, then one per figure (2 Gantts, 2 replays, 2 heatmaps)
    assert len(scripts) == 1 + 13
    assert all("src" not in attrs for attrs in scripts)
    for name, attrs in found:
        for key in ("src", "href"):
            target = (attrs.get(key) or "").strip().lower()
            assert not target.startswith(("http://", "https://", "//")), (name, attrs)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", _outside_scripts(page))
    assert not list(run_dir.glob(".*"))  # no temporary file left behind


def _outside_scripts(page: str) -> str:
    return re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)


# ---------------------------------------------------------------- 2. headline numbers


def test_report_shows_headline_numbers(page: str, summary: dict[str, Any]) -> None:
    for policy in POLICIES:
        assert hours(summary["policies"][policy]["los"]["mean"]) in page, policy
    assert card(summary) in page
    assert change_div(summary) in page
    assert f"{MEAN_STAY['en']}: {SHOWN['en']['fifo']} → {SHOWN['en']['mip']}" in words(page)


# ---------------------------------------------------------------- 3. sections and figures


def test_report_sections_and_figures(
    page: str, summary: dict[str, Any], data: RunData, run_dir: Path
) -> None:
    assert [heading for heading, _ in sections(page)] == [DECOMPOSITION["en"], *HEADINGS["en"]]
    # where the gain comes from: today's practice → mip (no simple rule compared)
    (step,) = summary["decomposition"]
    assert (step["from"], step["to"]) == ("fifo", "mip")
    assert step["paired"]["los"] == summary["paired"]["mip"]["los"]
    assert step["paired"]["cost"] == summary["paired"]["mip"]["cost"]
    gain = section(page, DECOMPOSITION["en"])
    assert f"{SHOWN['en']['fifo']} → {SHOWN['en']['mip']}" in words(gain)
    assert signed_interval(step["paired"]["overtime"]) in gain
    assert MINUS in signed_interval(step["paired"]["los"])  # mip shortens the stay
    comparison, stay, _, wait, _, queue, gantt, replayed, plan, utilisation = (
        section(page, title) for title in HEADINGS["en"]
    )  # the total wait and access by priority: tests/sim/outputs/test_figures.py
    (queue_traces,) = plots(queue)
    shown = [SHOWN["en"][p] for p in POLICIES]
    assert {tr["name"] for tr in queue_traces} == set(shown)
    assert plots(comparison) == []
    for name in shown:
        assert f">{name}</span></th>" in comparison

    (stay_traces,) = plots(stay)
    assert [(tr["type"], tr["name"]) for tr in stay_traces] == [("bar", p) for p in shown]
    (wait_traces,) = plots(wait)
    assert [(tr["type"], tr["name"]) for tr in wait_traces] == [("bar", p) for p in shown]
    util_traces, *heatmaps = plots(utilisation)
    assert [[tr["type"] for tr in traces] for traces in heatmaps] == [["heatmap"]] * len(POLICIES)
    assert [tr["name"] for tr in util_traces] == shown

    # One Gantt per policy, in policy order, each drawing that policy's day.
    day = busiest_day_of(data.tables["patients"], "fifo")
    assert f"Replication 1, day {day + 1} " in gantt
    gantts = plots(gantt)
    assert len(gantts) == len(POLICIES)
    starts = {
        p: np.sort(staffed_steps(data.tables["steps"], p, 0, day)["start"].to_numpy())
        for p in POLICIES
    }
    assert not np.array_equal(starts["fifo"], starts["mip"])
    for policy, traces in zip(POLICIES, gantts, strict=True):
        steps_drawn = [tr for tr in traces if tr["type"] == "bar"]
        assert steps_drawn and all(tr["orientation"] == "h" for tr in steps_drawn)
        assert [tr["name"] for tr in traces if tr["type"] != "bar"] == ["Shift end"]
        bases = np.sort(np.concatenate([values(tr["base"]) for tr in steps_drawn]))
        np.testing.assert_allclose(bases, starts[policy])

    # The Gantt's day replayed under each policy, paused until Play: its patients are the
    # day's (sim.outputs.replay and its tests), one animation per policy in policy order.
    assert f"Day {day + 1} of replication 1" in replayed
    headings = [words(name) for name in re.findall(r"<h3>(.*?)</h3>", replayed)]
    assert headings == [SHOWN["en"][p] for p in POLICIES]  # by their display names
    replays = plots(replayed)
    assert len(replays) == len(POLICIES) == replayed.count("Plotly.addFrames(")
    assert "Plotly.animate(" not in replayed
    patients = data.tables["patients"]
    for policy, traces in zip(POLICIES, replays, strict=True):
        came = patients[
            (patients["policy"] == policy)
            & (patients["rep"] == 0)
            & (patients["day"] == day)
            & patients["arrival"].notna()
        ]
        shown = traces[2]["text"][0]  # "<b>06:35</b>   64 still to come · 0 in the …"
        hours, minutes = re.search(r"(\d\d):(\d\d)", shown).groups()  # type: ignore[union-attr]
        time = 60 * int(hours) + int(minutes)
        assert time <= came["arrival"].min() < time + 5
        coming = int((came["arrival"] > time).sum())
        inside = len(came) - coming
        assert f"{coming} still to come · {inside} in the clinic · 0 gone" in shown

    # Plan against outcome: the solver's statuses, and a scatter for mip only.
    statuses = summary["solver"]["mip"]["statuses"]
    assert "optimal" in statuses
    for name, count in summary["solver"]["mip"]["origins"].items():
        assert f"{name} × {count}" in plan
    for name, count in statuses.items():
        assert f"{name} × {count}" in plan
    (plan_traces,) = plots(plan)
    assert [tr["name"] for tr in plan_traces if tr["mode"] == "markers"] == [SHOWN["en"]["mip"]]
    assert "Mean planned stay" in plan and "Solver status (days)" in plan
    assert f"{SHOWN['en']['fifo']}––––" in words(plan)  # fifo plans no stay and solves nothing


def test_report_command_writes_spanish(spanish_page: str, summary: dict[str, Any]) -> None:
    assert spanish_page.startswith("<!DOCTYPE html>")
    assert '<html lang="es">' in spanish_page
    assert [heading for heading, _ in sections(spanish_page)] == [
        DECOMPOSITION["es"],
        *HEADINGS["es"],
    ]
    assert f"{MEAN_STAY['es']}: {SHOWN['es']['fifo']} → {SHOWN['es']['mip']}" in words(spanish_page)
    assert card(summary) in spanish_page
    assert change_div(summary) in spanish_page
    for english in ("Policy comparison", "Mean stay", "Plan against outcome"):
        assert english not in spanish_page
    assert spanish_page.count(get_plotlyjs()) == 1


HYPHEN_MINUS = re.compile(r"(?<![\w-])-(?=\d)")  # a hyphen used as a minus sign: "-5", "(-3"


def shown_text(page: str) -> str:
    """What a reader of a report sees: the page without scripts, styles and tags."""
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", visible))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_writes_one_minus_sign(
    page: str, spanish_page: str, summary: dict[str, Any], lang: str
) -> None:
    """Negative numbers (the paired changes of mip against fifo) are written with the
    minus sign U+2212, never with a hyphen."""
    text = shown_text(page if lang == "en" else spanish_page)
    assert summary["paired"]["mip"]["los"]["diff"] < 0
    assert f"Δ {MINUS}" in text
    assert HYPHEN_MINUS.findall(text) == []


def test_report_explains_each_metric(page: str, spanish_page: str) -> None:
    """Each metric's name in the comparison table has its help in a tooltip."""
    for lang, shown in (("en", page), ("es", spanish_page)):
        for name in ("los", "wait", "fs", "utilisation"):
            assert f"title='{html.escape(find(name).help[lang], quote=True)}'" in shown, name


# ---------------------------------------------------------------- 4. bad run directories


def _missing_dir(base: Path, _fixture: Path) -> tuple[Path, list[str]]:
    target = base / "no_such_run"
    return target, [f"{target}: RUN_DIR: is not a directory"]


def _without_summary(base: Path, fixture: Path) -> tuple[Path, list[str]]:
    target = base / "run"
    shutil.copytree(fixture, target)
    (target / "summary.json").unlink()
    return target, [str(target), "missing summary.json"]


def _summary_not_json(base: Path, fixture: Path) -> tuple[Path, list[str]]:
    target = base / "run"
    shutil.copytree(fixture, target)
    (target / "summary.json").write_text('{"policies": {"fifo": ', encoding="utf-8")
    return target, [f"{target / 'summary.json'}: cannot be read as JSON"]


def _corrupt_patients(base: Path, fixture: Path) -> tuple[Path, list[str]]:
    target = base / "run"
    shutil.copytree(fixture, target)
    (target / "patients.parquet").write_bytes(b"PAR1 this is not a parquet file \x00\xff" * 40)
    return target, [f"{target / 'patients.parquet'}: cannot be read as Parquet"]


def _summary_incomplete(base: Path, fixture: Path) -> tuple[Path, list[str]]:
    target = base / "run"
    shutil.copytree(fixture, target)
    (target / "summary.json").write_text('{"policies": {}, "baseline": "fifo"}', encoding="utf-8")
    return target, [f"{target / 'summary.json'}: not a clinicsim summary: missing scenario"]


def _wrong_table(base: Path, fixture: Path) -> tuple[Path, list[str]]:
    target = base / "run"
    shutil.copytree(fixture, target)
    shutil.copyfile(target / "plans.parquet", target / "patients.parquet")
    return target, [f"{target / 'patients.parquet'}: not a clinicsim patients table: missing"]


BAD_RUNS = {
    "missing_directory": _missing_dir,
    "summary_incomplete": _summary_incomplete,
    "plans_copied_over_patients": _wrong_table,
    "no_summary_json": _without_summary,
    "summary_not_json": _summary_not_json,
    "corrupt_patients_parquet": _corrupt_patients,
}


@pytest.mark.parametrize("case", list(BAD_RUNS))
def test_report_on_bad_run_dir_fails_cleanly(run_dir: Path, tmp_path: Path, case: str) -> None:
    bad, named = BAD_RUNS[case](tmp_path, run_dir)
    own_report = bad / REPORT_NAME
    before = own_report.read_bytes() if own_report.is_file() else None

    # To its default place (RUN_DIR/report.html, when the copy has one).
    result = run_cli("report", str(bad), "--lang", "en")
    assert_bad_input(result)
    assert all(text in result.stderr for text in named), result.stderr
    if before is not None:
        assert own_report.read_bytes() == before

    # To an existing report elsewhere: it stays byte for byte.
    elsewhere = tmp_path / "existing.html"
    precious = b"<!DOCTYPE html><p>an earlier report, keep me</p>\n"
    elsewhere.write_bytes(precious)
    result = run_cli("report", str(bad), "--out", str(elsewhere), "--lang", "en")
    assert_bad_input(result)
    assert all(text in result.stderr for text in named), result.stderr
    assert elsewhere.read_bytes() == precious
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_report_out_into_missing_folder_is_refused(run_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "report.html"
    result = run_cli("report", str(run_dir), "--out", str(target))
    assert_bad_input(result)
    assert str(target) in result.stderr
    assert not target.parent.exists()


# ---------------------------------------------------------------- 5. --report checked first


def test_compare_report_into_missing_folder_fails_before_running(tmp_path: Path) -> None:
    """The default compare (30 replications of three policies, mip included) takes
    minutes; a refused ``--report`` must come back in seconds, before any of it."""
    target = tmp_path / "missing" / "report.html"
    began = time.monotonic()
    result = run_cli("compare", "--workers", "1", "--report", str(target), timeout=60)
    elapsed = time.monotonic() - began
    assert_bad_input(result)
    assert f"{target}: report: its folder does not exist" in result.stderr
    assert elapsed < 30, elapsed
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 6. where compare writes it


def test_compare_no_report_writes_none(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run_cli(*SMALL_COMPARE, "--no-report", "--out", str(out), cwd=tmp_path)
    assert_ok(result)
    assert (out / "summary.json").is_file()
    assert not (out / REPORT_NAME).exists()
    assert not (tmp_path / REPORT_NAME).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert "Report written" not in result.stdout


def test_compare_without_out_writes_report_beside_the_stored_run(tmp_path: Path) -> None:
    cwd, store = tmp_path / "cwd", tmp_path / "store"
    cwd.mkdir()
    result = run_cli(*SMALL_COMPARE, "--lang", "en", "--store", str(store), cwd=cwd)
    assert_ok(result)
    assert list(cwd.iterdir()) == [], "nothing written where the command was run"
    (run_dir,) = (store / "runs").iterdir()
    assert f"Report written to {run_dir / REPORT_NAME}" in result.stdout
    report = (run_dir / REPORT_NAME).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>")
    assert [heading for heading, _ in sections(report)] == HEADINGS["en"]
    assert f"{MEAN_STAY['en']}: {SHOWN['en']['fifo']} → {APPOINTMENT}" in words(report)


# ---------------------------------------------------------------- 7. figures against the tables


def test_stay_distributions_are_shares_of_served(data: RunData) -> None:
    fig = figures.stay_distributions(data.tables["patients"], data.policies, "en")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [tr.name for tr in bars] == list(POLICIES)
    served = as_str(data.tables["patients"], "policy", "status")
    served = served[served["status"] == "served"]
    for trace in bars:
        share = np.asarray(trace.y, dtype=float)
        assert np.all(share >= 0)
        # Stays above the last edge are clipped into the last bin: everyone is counted.
        assert share.sum() == pytest.approx(100, abs=1e-6), trace.name
        n = int((served["policy"] == trace.name).sum())
        counts = share * n / 100
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-6)
        # The bins are 15 minutes wide and start at zero: the mean of the bin
        # centres weighted by the shares is within half a bin of the mean stay.
        centre = np.asarray(trace.x, dtype=float)
        mean = float(served.loc[served["policy"] == trace.name, "los"].mean())
        assert (centre * share).sum() / share.sum() == pytest.approx(mean, abs=7.5 + 1e-9)


def test_waiting_by_step_is_mean_wait(data: RunData) -> None:
    steps = as_str(data.tables["steps"], "policy", "step")
    every_step = sorted(steps["step"].unique())
    fig = figures.waiting_by_step(data.tables["steps"], data.policies, every_step, "en")
    staffed = steps[steps["resource"].notna()]
    expected = staffed.groupby(["policy", "step"])["wait"].mean()
    assert "registration" in set(staffed["step"])
    assert "dilation" not in set(staffed["step"])  # unstaffed: no bar
    assert [tr.name for tr in fig.data] == list(POLICIES)
    for trace in fig.data:
        assert list(trace.x) == sorted(set(staffed["step"]))
        for step, y in zip(trace.x, trace.y, strict=True):
            assert y == pytest.approx(expected[(trace.name, step)]), (trace.name, step)
    fifo = fig.data[0]
    registration = dict(zip(fifo.x, fifo.y, strict=True))["registration"]
    mask = (steps["policy"] == "fifo") & (steps["step"] == "registration")
    assert registration == pytest.approx(steps.loc[mask, "wait"].mean())


def test_day_gantt_draws_every_staffed_step(data: RunData) -> None:
    steps, resources = data.tables["steps"], data.tables["resources"]
    order = sorted(as_str(steps, "step")["step"].unique())
    day = busiest_day_of(data.tables["patients"], "fifo")
    assert figures.busiest_day(data.tables["patients"], "fifo") == day
    for rep in range(REPS):
        fig = figures.day_gantt(steps, resources, "mip", rep, day, order, "en")
        bars = [tr for tr in fig.data if tr.type == "bar"]
        rows = staffed_steps(steps, "mip", rep, day)
        assert len(rows) > 0
        assert sum(len(tr.x) for tr in bars) == len(rows)
        assert sorted(tr.name for tr in bars) == sorted(set(rows["step"].astype(str)))
        roster = resources[
            (resources["policy"].astype(str) == "mip")
            & (resources["rep"] == rep)
            & (resources["day"] == day)
        ]
        names = {f"{r.member_name} ({r.resource})" for r in roster.itertuples()}
        labels = {label for tr in bars for label in tr.y}
        assert labels <= names
        durations = np.concatenate([np.asarray(tr.x, dtype=float) for tr in bars])
        assert durations.sum() == pytest.approx((rows["end"] - rows["start"]).sum())


def test_planned_vs_simulated_days(data: RunData) -> None:
    patients, plans = data.tables["patients"], data.tables["plans"]
    days = figures.planned_vs_simulated_days(patients, plans)
    days = as_str(days, "policy")
    assert days[days["policy"] == "fifo"].empty
    mip = days[days["policy"] == "mip"]
    assert len(mip) == REPS * DAYS
    assert (mip["planned"] > 0).all()

    served = as_str(patients, "policy", "status")
    served = served[(served["policy"] == "mip") & (served["status"] == "served")]
    planned = as_str(plans, "policy")
    planned = planned[(planned["policy"] == "mip") & planned["planned_end"].notna()]
    joined = served.merge(
        planned[["rep", "patient", "appointment", "planned_end"]],
        on=["rep", "patient"],
        suffixes=("", "_plan"),
    )
    assert len(joined) == len(served)  # every served mip patient has a plan
    for row in mip.itertuples():
        mine = joined[(joined["rep"] == row.rep) & (joined["day"] == row.day)]
        assert row.patients == len(mine) > 0
        assert row.simulated == pytest.approx(mine["los"].mean())
        stay = mine["planned_end"] - mine["appointment_plan"]
        assert row.planned == pytest.approx(stay.mean())


# ---------------------------------------------------------------- 8. planned_end


def test_planned_end_is_the_departure_the_plan_expects(data: RunData) -> None:
    """mip leaves the queues first come (no planned starts) and gives each patient the
    mean departure over its sampled scenarios; fifo plans no end."""
    plans = as_str(data.tables["plans"], "policy")
    patients = as_str(data.tables["patients"], "policy", "status")
    assert not [c for c in plans.columns if c.startswith("start_")]
    assert plans.loc[plans["policy"] == "fifo", "planned_end"].isna().all()
    served = patients[(patients["policy"] == "mip") & (patients["status"] == "served")]
    mip = plans[plans["policy"] == "mip"].merge(served[["rep", "patient"]], on=["rep", "patient"])
    assert len(mip) == len(served) > 0
    assert mip["planned_end"].notna().all()
    assert (mip["planned_end"] > mip["appointment"]).all()


def test_queue_length_counts_the_ready_not_yet_started_per_day() -> None:
    """Two days of one replication: at 9:00 two patients wait on day 0 and none on day 1,
    so the mean is 1; a patient starting at 9:00 is no longer waiting at 9:00."""
    steps = pd.DataFrame(
        {
            "policy": ["p"] * 4,
            "rep": [0, 0, 0, 0],
            "day": [0, 0, 0, 1],
            "resource": ["r"] * 4,
            "ready": [480.0, 500.0, 520.0, 480.0],
            "start": [600.0, 560.0, 540.0, 490.0],
        }
    )
    grid = np.array([470.0, 485.0, 530.0, 540.0, 570.0, 600.0])
    expected = np.array([0, 2, 3, 2, 1, 0]) / 2
    np.testing.assert_allclose(figures.queue_length(steps, "p", "r", grid), expected)


def test_hourly_utilisation_is_busy_over_staff_minutes_per_hour() -> None:
    """One member on shift 8:00–10:00; busy 8:30–9:30 and 9:45–10:15 (past the shift)."""
    steps = pd.DataFrame(
        {
            "policy": ["p", "p"],
            "resource": ["r", "r"],
            "start": [510.0, 585.0],
            "end": [570.0, 615.0],
        }
    )
    members = pd.DataFrame(
        {"policy": ["p"], "resource": ["r"], "shift_start": [480], "shift_end": [600]}
    )
    table = figures.hourly_utilisation(steps, members, "p")
    assert list(table.columns) == [8, 9, 10]
    np.testing.assert_allclose(table.loc["r", [8, 9]].to_numpy(), [30 / 60, 45 / 60])
    assert np.isnan(table.loc["r", 10])  # nobody on shift: work past it has no share


def test_a_run_from_before_the_need_metrics_still_reports(run_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    summary = json.loads((old / "summary.json").read_text(encoding="utf-8"))
    for entry in [*summary["policies"].values(), *summary["paired"].values()]:
        entry.pop("access_days_vulnerable")
        entry.pop("fs")
    (old / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    result = run_cli("report", str(old), "--out", str(tmp_path / "r.html"))
    assert_ok(result)
    assert (tmp_path / "r.html").stat().st_size > 1_000_000
