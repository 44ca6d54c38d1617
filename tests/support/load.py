"""A second process loading both cores, for the tests that results do not depend on
the machine's load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BURNER = "import time\nend = time.time() + 600\nwhile time.time() < end: pass"


@contextmanager
def both_cores_loaded() -> Iterator[None]:
    """Two busy processes for the duration of the block, killed after it."""
    burners = [subprocess.Popen([sys.executable, "-c", BURNER]) for _ in range(2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
