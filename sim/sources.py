"""Where an input file's text comes from: a path, or ``-`` for standard input.

Every command that reads a file (a scenario, a ``--grid`` of variants, a thesis
instance) accepts ``-`` and then reads standard input, as ``cat x | clinicsim
validate -`` expects. Standard input is read once per process and kept: the command
line reads a scenario twice (which model it is, then the scenario itself), and a
pipe can be read only once. Its size is bounded as a file's is (``sim.yamlread``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.problems import Problem, ScenarioError
from sim.yamlread import MAX_DOCUMENT_BYTES

STDIN = "-"
STDIN_NAME = "<stdin>"

_read: list[tuple[object, bytes]] = []  # (the stream, what it held): read once


def is_stdin(source: str | Path) -> bool:
    return str(source) == STDIN


def read_bytes(source: str | Path) -> tuple[str, bytes]:
    """The name to report and the bytes of ``source`` (a path, or ``-``)."""
    if is_stdin(source):
        return STDIN_NAME, _stdin_bytes()
    path = Path(source)
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [Problem("", "is a directory, expected a file")]) from None
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        raise ScenarioError(str(path), [Problem("", message)]) from None


def read_text(source: str | Path) -> tuple[str, str]:
    """The name to report and the UTF-8 text of ``source`` (a byte-order mark dropped)."""
    name, data = read_bytes(source)
    try:
        return name, data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        raise ScenarioError(name, [Problem("", message)]) from None


def _stdin_bytes() -> bytes:
    stream = sys.stdin
    for seen, data in _read:
        if seen is stream:
            return data
    if stream is None or stream.isatty():
        raise ScenarioError(
            STDIN_NAME, [Problem("", "'-' reads standard input: pipe a file into the command")]
        )
    # one byte past the limit, so the reader can say the text is too large
    data = stream.buffer.read(MAX_DOCUMENT_BYTES + 1)
    _read.append((stream, data))
    return data
