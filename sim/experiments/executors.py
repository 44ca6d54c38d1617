"""Where tasks run: this process, a local process pool, or a Dask distributed cluster.

Every executor takes a function and a list of items and yields ``(index,
result)`` as results come in, in whatever order they finish (``Lost`` when the
worker running it died); the caller puts
them back in order, so where a task ran never changes a number. ``close``
cancels what has not started (after Ctrl-C, say): finished results have already
been handed over, and nothing is half-kept.

Dask is optional (``pip install "clinicsim[dask]"``): ``--cluster
tcp://host:8786`` connects to a running scheduler whose workers have clinicsim
installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

from sim.problems import Problem, ScenarioError


@dataclass(frozen=True)
class Lost:
    """A task whose worker died (killed, out of memory) or whose result never came back."""

    error: str


def _outcome(future: Any) -> Any:
    try:
        return future.result()
    except Exception as exc:  # the worker, not the task, failed: report it as the task's
        return Lost(f"{type(exc).__name__}: {exc}")


class Executor(Protocol):
    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """In this process, one task after the other (``--workers 1``)."""

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for index, item in enumerate(items):
            yield index, fn(item)

    def close(self) -> None:
        pass


class PoolExecutor:
    """A local pool of worker processes (default: one per core)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        self.pool = ProcessPoolExecutor(max_workers=self.workers)
        pending: dict[Future[Any], int] = {
            self.pool.submit(fn, item): index for index, item in enumerate(items)
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), _outcome(future)
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskExecutor:
    """The workers of a Dask distributed scheduler (``--cluster tcp://host:8786``)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise ScenarioError(
                "--cluster",
                [Problem(address, 'needs Dask: pip install "clinicsim[dask]"')],
            ) from None
        try:
            self.client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ScenarioError(
                "--cluster", [Problem(address, f"cannot reach the scheduler: {exc}")]
            ) from None
        self.futures: list[Any] = []

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        self.futures = self.client.map(fn, list(items), pure=False)
        index = {future.key: i for i, future in enumerate(self.futures)}
        for future in as_completed(self.futures, loop=self.client.loop):
            yield index[future.key], _outcome(future)
        self.futures = []

    def close(self) -> None:
        if self.futures:
            self.client.cancel(self.futures)
            self.futures = []
        self.client.close()

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {})) or 1


def make_executor(workers: int | None, cluster: str | None, tasks: int) -> Executor:
    """Dask if ``cluster`` is given; else a pool of ``workers`` (default: all cores, no
    more than the tasks), or this process for one worker."""
    if cluster:
        return DaskExecutor(cluster)
    count = default_workers(tasks) if workers is None else max(1, workers)
    return SerialExecutor() if count == 1 else PoolExecutor(count)


def default_workers(tasks: int) -> int:
    """All cores, but no more processes than tasks (and none for one)."""
    return max(1, min(os.cpu_count() or 1, tasks))
