"""A slowed server for the browser tests: a TCP proxy that holds every reply a while.

``SlowProxy(port, delay)`` listens on a free port and forwards each connection to
``127.0.0.1:port``; whatever the server sends back reaches the browser ``delay``
seconds late, as over a slow network or from a busy server. A browser pointed at
``proxy.url`` sees the same dashboard, slower, which widens the gaps between a
request and its answer that a page must handle (a Cancel clicked before the
page knows the job).
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time

from tests.support.browser import free_port

CHUNK = 65536


class SlowProxy:
    """Forwards ``127.0.0.1:<own port>`` to ``127.0.0.1:port``, replies ``delay`` s late."""

    def __init__(self, port: int, delay: float):
        self.target, self.delay = port, delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(client, server, 0.0), daemon=True).start()
            threading.Thread(
                target=self._pump, args=(server, client, self.delay), daemon=True
            ).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, delay: float) -> None:
        """Copy ``source`` to ``sink`` until either closes, each chunk ``delay`` s after it
        arrived (a latency, not a slower line: a large file is not slowed per chunk)."""
        line: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def deliver() -> None:
            with contextlib.suppress(OSError):
                while (item := line.get())[1]:
                    arrived, chunk = item
                    time.sleep(max(0.0, arrived + delay - time.monotonic()))
                    sink.sendall(chunk)
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=deliver, daemon=True).start()
        with contextlib.suppress(OSError):
            while chunk := source.recv(CHUNK):
                line.put((time.monotonic(), chunk))
        line.put((time.monotonic(), b""))

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()
