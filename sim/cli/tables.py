"""The comparison table as a terminal shows it: within the terminal's width (80 columns
when the output is not a terminal), nothing cut.

A row per metric, a column per policy, the paired difference against the baseline
(``Δ``) under each value. A cell is never wrapped nor cut: each policy column is as
wide as its longest line, a policy name is set on two lines at its ``@`` or ``:``
(``fifo`` / ``@end_of_day``), and the metric labels wrap in what is left. When the
policies do not fit side by side, the table is printed in parts, each with the
baseline first, so every difference is read beside what it is measured against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.outputs.formatting import ComparisonRow
from sim.outputs.i18n import t

METRIC_COLUMN_MIN = 12  # labels wrap at words; never narrower than their longest word
SEPARATION = 3  # before each policy column: a space either side of a blank rule


def print_comparison(
    console: Console,
    title: str,
    caption: str,
    policies: Sequence[str],
    rows: Sequence[ComparisonRow],
    lang: str,
) -> None:
    for table in comparison_tables(title, caption, policies, rows, lang, console.width):
        console.print(table)


def comparison_tables(
    title: str,
    caption: str,
    policies: Sequence[str],
    rows: Sequence[ComparisonRow],
    lang: str,
    width: int = 80,
) -> list[Table]:
    """The comparison in as few tables as fit ``width`` columns, the baseline in each."""
    widths = [_column_width(i, spec, rows) for i, spec in enumerate(policies)]
    metric_width = _metric_width(rows)
    parts = _parts(widths, width - metric_width)
    tables = []
    for number, columns in enumerate(parts):
        part_title = title if len(parts) == 1 else f"{title} ({number + 1}/{len(parts)})"
        last = number == len(parts) - 1
        tables.append(
            _table(part_title, caption if last else "", columns, policies, widths, rows, lang)
        )
    return tables


def policy_header(name: str) -> str:
    """A column's name (a policy, a variant) on lines broken before its first ``@``,
    ``:`` or ``.`` and after each ``,``: ``fifo`` / ``@end_of_day``."""
    name = re.sub(r"^([^@:.]+)([@:.])", r"\1\n\2", name, count=1)
    return name.replace(",", ",\n")


def _cell_lines(row: ComparisonRow, index: int) -> list[str]:
    value, diff = row.cells[index]
    return [value] if diff is None else [value, f"Δ {diff}"]


def _column_width(index: int, spec: str, rows: Sequence[ComparisonRow]) -> int:
    lines = policy_header(spec).splitlines()
    lines += [line for row in rows for line in _cell_lines(row, index)]
    return max(map(len, lines))


def _metric_width(rows: Sequence[ComparisonRow]) -> int:
    words = [word for row in rows for word in row.label.split()]
    return max([METRIC_COLUMN_MIN, *map(len, words)])


def _parts(widths: Sequence[int], room: int) -> list[list[int]]:
    """Policy indices per table: the baseline (0) and as many others as fit ``room``."""
    baseline = widths[0] + SEPARATION
    parts: list[list[int]] = []
    current: list[int] = []
    used = baseline
    for index in range(1, len(widths)):
        need = widths[index] + SEPARATION
        if current and used + need > room:
            parts.append(current)
            current, used = [], baseline
        current.append(index)
        used += need
    parts.append(current)
    return [[0, *others] for others in parts]


def _table(
    title: str,
    caption: str,
    columns: Sequence[int],
    policies: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[ComparisonRow],
    lang: str,
) -> Table:
    # names from the scenario (its name, resources, variants) are text, not rich markup:
    # "[/x]" is shown as written, never an error
    table = Table(
        title=escape(title),
        caption=escape(caption) or None,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column(t("metric", lang), min_width=_metric_width(rows), ratio=1)
    for index in columns:
        table.add_column(
            escape(policy_header(policies[index])),
            justify="right",
            no_wrap=True,
            min_width=widths[index],
        )
    for row in rows:
        cells = ["\n".join(_dimmed(_cell_lines(row, index))) for index in columns]
        label = escape(row.label)
        table.add_row(f"  {label}" if row.sub else label, *cells)
    return table


def _dimmed(lines: list[str]) -> list[str]:
    return lines[:1] + [f"[dim]{line}[/]" for line in lines[1:]]
