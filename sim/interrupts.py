"""Ctrl-C at a safe moment: blocks that an interrupt must not cut in half.

``deferred()`` holds SIGINT for a short block (keeping a task in the store,
removing what an interrupted command created): an interrupt arriving meanwhile
is delivered again, to the handler there was, as soon as the block is done, so
the command still stops, only a few milliseconds later and never midway.
``held_from_children()`` blocks SIGINT in this thread while it starts worker
processes, which inherit the block: a worker ignores SIGINT before it unblocks
it (``ignore_in_worker``), so a Ctrl-C at any moment never interrupts a worker
and only the main process decides how the command stops.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

INTERRUPT = {signal.SIGINT}


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: a SIGINT arriving meanwhile is re-raised once it is done.

    Only the main thread can change a signal handler; elsewhere (and where SIGINT is
    ignored) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield
        return
    arrived: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if arrived:
            signal.raise_signal(signal.SIGINT)


@contextmanager
def held_from_children() -> Iterator[None]:
    """Block SIGINT in this thread for the block (processes started meanwhile inherit
    the block); one arriving meanwhile is delivered when it ends."""
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows: nothing to hold
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPT)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_in_worker() -> None:
    """A worker process's first step: ignore SIGINT (a pending one is dropped), then
    unblock it. The main process stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPT)
