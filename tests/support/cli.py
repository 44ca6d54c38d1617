"""Running the ``clinicsim`` console script as a user would, for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("clinicsim")


TIMEOUT_S = 300


@dataclass(frozen=True)
class CliResult:
    status: int
    stdout: str
    stderr: str


def environment() -> dict[str, str]:
    """English, no colours, no terminal: what a script calling clinicsim would see."""
    return {
        **os.environ,
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "utf-8",
    }


def start(args: Sequence[str], cwd: Path | None = None) -> subprocess.Popen[str]:
    """Start the ``clinicsim`` console script with ``args``, by default in a fresh
    temporary folder (``compare`` writes ``report.html`` where it runs)."""
    assert SCRIPT.is_file(), f"console script not installed: {SCRIPT}"
    return subprocess.Popen(
        [str(SCRIPT), *args],
        cwd=cwd or tempfile.mkdtemp(prefix="clinicsim-cli-"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment(),
    )


def finish(process: subprocess.Popen[str]) -> CliResult:
    stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    return CliResult(process.returncode, stdout, stderr)


def clinicsim(*args: str) -> CliResult:
    return finish(start(args))


def assert_ok(result: CliResult) -> None:
    assert result.status == 0, result.stderr
    assert "Traceback" not in result.stderr
