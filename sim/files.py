"""Writing a file atomically: to a temporary name beside it, then renamed over it, so an
interrupted write leaves the previous file whole or the new one, never half.

``recording_new_files()`` notes the files that the writes of a block create (not
those they replace): what an interrupted command removes again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

_new_files: ContextVar[set[Path] | None] = ContextVar("new_files", default=None)


@contextmanager
def recording_new_files() -> Iterator[set[Path]]:
    """The files that ``write_atomically`` creates in the block, as they are created."""
    created: set[Path] = set()
    token = _new_files.set(created)
    try:
        yield created
    finally:
        _new_files.reset(token)


def write_text_atomically(path: Path, text: str) -> Path:
    return write_atomically(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_atomically(path: Path, write: Callable[[str], Any]) -> Path:
    """Write through ``write(tmp_path)`` then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for sharing
        created = _new_files.get()
        if created is not None and not path.exists():
            created.add(path)  # before it exists: an interrupt after the rename is no gap
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
