"""Where tasks run: this process, a local process pool, or a Dask distributed cluster.

Every executor takes a function and a list of items and yields ``(index,
result)`` as results come in, in whatever order they finish (``Lost`` when the
worker running it died); the caller puts
them back in order, so where a task ran never changes a number. ``close``
cancels what has not started (after Ctrl-C, say): finished results have already
been handed over, and nothing is half-kept.

Ctrl-C stops a pool at once: its workers ignore SIGINT (a terminal sends it to
them too, and a worker inside a solver would only see it when the solve ends),
so the main process alone is interrupted; ``close`` with tasks still running
then drops them and terminates the workers, without waiting for a task to end.

Dask is optional (``pip install "clinicsim[dask]"``): ``--cluster
tcp://host:8786`` connects to a running scheduler whose workers have clinicsim
installed.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, ClassVar, Protocol

from sim import interrupts
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
    """A local pool of worker processes (default: one per core), which ignore SIGINT.

    Each worker has a pipe of its own and runs one task at a time, and nothing runs in
    a background thread: a worker that dies loses only its task (``Lost``) and a new
    one takes its place, and ``close`` before the end terminates the workers at once,
    whatever they are doing (a result being sent is dropped with its pipe).
    ``concurrent.futures.ProcessPoolExecutor`` cannot stop like that before Python
    3.14: its workers finish their tasks first, and one terminated while sending its
    result leaves the pool's thread waiting for the rest, so the program never exits.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.context = multiprocessing.get_context()
        self.pool: list[Worker] = []  # every worker started and not stopped, whatever it does
        self.running: dict[Worker, int] = {}  # each busy worker, and the index of its task
        self.idle: list[Worker] = []

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        todo = deque(enumerate(items))
        self.idle = [self._start(fn) for _ in range(min(self.workers, len(todo)))]
        while todo or self.running:
            self._dispatch(fn, todo)
            for worker in self._finished():
                index = self.running.pop(worker)
                outcome = worker.receive()
                if worker.alive():
                    self.idle.append(worker)
                else:  # its task is lost (or was done just before): another takes its place
                    self._retire(worker)
                    if todo:
                        self.idle.append(self._start(fn))
                yield index, outcome
        self.close()

    def _start(self, fn: Callable[[Any], Any]) -> Worker:
        # SIGINT is held from the start of the process until it has ignored it, and until
        # the pool knows the worker (``close`` stops it, whenever an interrupt comes)
        with interrupts.deferred(), interrupts.held_from_children():
            worker = Worker.start(self.context, fn)
            self.pool.append(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        worker.stop()
        self.pool.remove(worker)

    def _dispatch(self, fn: Callable[[Any], Any], todo: deque[tuple[int, Any]]) -> None:
        """A task to each idle worker (one that died idle is replaced, the task kept)."""
        while todo and self.idle:
            worker = self.idle.pop()
            index, item = todo[0]
            if worker.send(item):
                todo.popleft()
                self.running[worker] = index
            else:
                self._retire(worker)
                self.idle.append(self._start(fn))

    def _finished(self) -> list[Worker]:
        """The busy workers with something to say: a result, or their end."""
        by_handle: dict[Any, Worker] = {}
        for worker in self.running:
            by_handle[worker.connection] = worker
            by_handle[worker.process.sentinel] = worker
        ready = wait_for(list(by_handle))
        return list(dict.fromkeys(by_handle[handle] for handle in ready))

    def close(self) -> None:
        """Let the workers exit once every task is done; with tasks still running
        (interrupted, or the caller stopped reading) terminate them all, without
        waiting for a task to end."""
        with interrupts.deferred():
            workers = self.pool
            cut_short = len(self.idle) < len(workers)  # one busy, or caught mid-exchange
            self.pool, self.running, self.idle = [], {}, []
            for worker in workers:
                if cut_short:
                    worker.process.terminate()
                else:
                    worker.send(None)
            for worker in workers:
                worker.stop()


@dataclass(eq=False)
class Worker:
    """A worker process and the parent's end of its pipe."""

    process: BaseProcess
    connection: Connection

    GRACE_SECONDS: ClassVar[float] = 1.0  # to exit when asked, before being terminated

    @classmethod
    def start(cls, context: BaseContext, fn: Callable[[Any], Any]) -> Worker:
        parent, child = context.Pipe()
        process = context.Process(target=serve, args=(child, fn), name="clinicsim-worker")
        process.start()
        child.close()  # the worker's end is in the worker alone: its death is an end of file
        return cls(process, parent)

    def send(self, item: Any) -> bool:
        """Send a task (``None``: exit); False if the worker is gone."""
        try:
            self.connection.send(None if item is None else (item,))
        except OSError:
            return False
        return True

    def receive(self) -> Any:
        """The task's outcome, or ``Lost`` if the worker died before sending it whole."""
        if self.connection.poll():
            try:
                return self.connection.recv()
            except (EOFError, OSError):
                pass
        self.process.join(self.GRACE_SECONDS)
        return Lost(f"the worker process died ({_ending(self.process.exitcode)})")

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """Wait a moment for the process to end, terminate it, then kill it."""
        self.process.join(self.GRACE_SECONDS)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(self.GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def serve(connection: Connection, fn: Callable[[Any], Any]) -> None:
    """A worker: ignore SIGINT, then run each task sent and send back its outcome, until
    told to exit or the main process is gone."""
    interrupts.ignore_in_worker()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        try:
            outcome = fn(message[0])
        except Exception as exc:  # the worker, not the task, failed: report it as the task's
            outcome = Lost(f"{type(exc).__name__}: {exc}")
        try:
            connection.send(outcome)
        except OSError:
            return
        except Exception as exc:  # a result that cannot be pickled
            connection.send(Lost(f"{type(exc).__name__}: {exc}"))


def _ending(exitcode: int | None) -> str:
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


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
