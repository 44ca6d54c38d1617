"""Terminal tables at 80 columns: nothing cut, nothing split, the baseline in each part.

The comparison table of a run with four booking policies (names as long as
``grasp@end_of_day``) and cells as wide as ``Δ −1.62M ±117k`` is rendered by rich
at 80 columns: no line is wider, every policy name and every cell line is printed
whole. Seven policies do not fit side by side: the table comes in parts, each
starting with the baseline. The real command line, ``compare`` and a sweep with
``COLUMNS=80``, prints no line over 80 characters and every policy name whole.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from rich.console import Console

from sim.cli.tables import comparison_tables, policy_header
from sim.outputs.formatting import ComparisonRow
from tests.support.cli import SCRIPT, TIMEOUT_S, environment

WIDTH = 80
BOOKING = ["fifo@walk_in", "fifo@realtime", "fifo@end_of_day", "grasp@end_of_day"]
WIDE_CELLS = [("3.24M ±174k", None), ("1.74M ±46.9k", "−1.5M ±221k")]
WIDE_CELLS += [("0.0 [0.0, 0.1]", "−1.62M ±117k"), ("64% [0%, 100%]", "−5% ±4%")]


def rows(policies: int) -> list[ComparisonRow]:
    cells = [WIDE_CELLS[i % len(WIDE_CELLS)] for i in range(policies)]
    cells[0] = (cells[0][0], None)  # the baseline has no difference
    return [
        ComparisonRow("FS (Σ need × experience / days)", False, cells),
        ComparisonRow("Wait to first service (min)", False, cells),
        ComparisonRow("most vulnerable quintile", True, cells),
    ]


def rendered(policies: list[str]) -> list[str]:
    console = Console(width=WIDTH, record=True, file=io.StringIO(), color_system=None)
    tables = comparison_tables("Title", "caption", policies, rows(len(policies)), "en", WIDTH)
    for table in tables:
        console.print(table)
    return console.export_text().splitlines()


def test_four_booking_policies_fit_80_columns_whole() -> None:
    lines = rendered(BOOKING)
    assert max(map(len, lines)) <= WIDTH, "\n".join(lines)
    text = "\n".join(lines)
    for spec in BOOKING:
        for part in policy_header(spec).splitlines():
            assert part in text
    for value, diff in WIDE_CELLS:
        assert value in text
        if diff is not None:
            assert f"Δ {diff}" in text
    assert "(1/" not in text, "four policies fit in one table"


def test_policies_that_do_not_fit_come_in_parts_each_with_the_baseline() -> None:
    policies = ["fifo@walk_in", *(f"grasp@end_of_day_{n}" for n in range(6))]
    tables = comparison_tables("T", "c", policies, rows(len(policies)), "en", WIDTH)
    assert len(tables) > 1
    shown = []
    for table in tables:
        headers = [str(column.header) for column in table.columns[1:]]
        assert headers[0] == policy_header("fifo@walk_in")
        shown += headers[1:]
    assert shown == [policy_header(p) for p in policies[1:]], "each other policy once, in order"
    assert max(map(len, rendered(policies))) <= WIDTH


def test_a_header_breaks_before_the_mode_and_after_commas() -> None:
    assert policy_header("grasp@end_of_day") == "grasp\n@end_of_day"
    assert policy_header("fifo:bailey_welch") == "fifo\n:bailey_welch"
    assert policy_header("technician.count=2,doctor.count=3") == (
        "technician\n.count=2,\ndoctor.count=3"
    )
    assert policy_header("mip") == "mip"


def command_lines(args: list[str], tmp_path: Path) -> list[str]:
    env = environment() | {"COLUMNS": str(WIDTH)}
    done = subprocess.run(
        [str(SCRIPT), *args, "--store", str(tmp_path / "store")], capture_output=True,
        text=True, env=env, timeout=TIMEOUT_S, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # the line naming the run's folder prints its path whole, however long, to be copied
    return [line for line in done.stdout.splitlines() if str(tmp_path) not in line]


def test_the_command_line_prints_its_tables_within_80_columns(tmp_path: Path) -> None:
    short = ["--reps", "2", "--workers", "1", "--set", "horizon.days=3"]
    policies = ["fifo", "fifo:appointment", "fifo:bailey_welch", "fifo:walk_in"]
    compare = ["compare", "ophthalmology", *short, "--no-report"]
    compare += [arg for spec in policies for arg in ("-p", spec)]
    lines = command_lines(compare, tmp_path)
    assert max(map(len, lines)) <= WIDTH, "\n".join(lines)
    for spec in policies[1:]:
        assert ":" + spec.split(":")[1] in "\n".join(lines)
    sweep = ["run", "ophthalmology", *short, "--sweep", "resources.technician.count=2,3"]
    lines = command_lines(sweep, tmp_path)
    assert max(map(len, lines)) <= WIDTH, "\n".join(lines)
    assert ".count=3" in "\n".join(lines)
