"""Writing a file atomically: to a temporary name beside it, then renamed over it, so an
interrupted write leaves the previous file whole or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_text_atomically(path: Path, text: str) -> Path:
    return write_atomically(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_atomically(path: Path, write: Callable[[str], Any]) -> Path:
    """Write through ``write(tmp_path)`` then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
