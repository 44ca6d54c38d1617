"""Commands started in a session of their own, for Ctrl-C tests and benchmarks.

A command in its own session (and process group) can be sent SIGINT as a
terminal's Ctrl-C sends it, to the whole group, and every process it started
can be found afterwards by its session id. ``mip_command`` is the kind of
command those checks interrupt: MIP replications of a few seconds each, so
that workers are mid-solve when the signal comes.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def mip_command(verb: str, reps: int, workers: int) -> list[str]:
    """``clinicsim VERB`` of ophthalmology's six days under fifo and mip: fifo tasks take
    a tenth of a second, mip ones seconds each."""
    return [
        verb,
        "ophthalmology",
        "--set",
        "horizon.days=6",
        "-p",
        "fifo",
        "-p",
        "mip",
        "--reps",
        str(reps),
        "--workers",
        str(workers),
    ]


def start_in_session(command: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """``command`` in a session of its own, SIGINT at its default in the child even when
    this process ignores it (a shell running us in the background does, and a child
    inherits that)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(list(command), start_new_session=True, **popen)
    finally:
        signal.signal(signal.SIGINT, previous)


def session_processes(session: int) -> list[int]:
    """The live (not zombie) processes of a session, from ``/proc``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # state, ppid, pgrp, session, ...
        if int(fields[3]) == session and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids
