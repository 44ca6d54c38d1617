"""What an interrupted command takes back: the output files and folders it created.

``main`` runs every command inside ``outputs_removed_if_interrupted()``. Ctrl-C
(``KeyboardInterrupt``) then removes the files the command's atomic writes
created (``sim.files.recording_new_files``: a file it replaced stays, in its new
version) and the ``--out`` folders it created (``check_out_dir`` notes them with
``note_new_folders``) once they are empty, so an interrupted run leaves no empty
``--out`` behind. Nothing else is touched: a folder that was there before, and
anything put in a new folder by someone else, stay where they are. Finished
tasks stay in the result store.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from sim import interrupts
from sim.files import recording_new_files

_new_folders: ContextVar[list[Path] | None] = ContextVar("new_folders", default=None)


def missing_folders(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, outermost first."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing[::-1]


def note_new_folders(folders: list[Path]) -> None:
    """Folders this command has just created (``missing_folders`` before creating them)."""
    noted = _new_folders.get()
    if noted is not None:
        noted.extend(folders)


@contextmanager
def outputs_removed_if_interrupted() -> Iterator[None]:
    """Run a command; on ``KeyboardInterrupt`` remove what it created, then re-raise."""
    folders: list[Path] = []
    token = _new_folders.set(folders)
    try:
        with recording_new_files() as files:
            yield
    except KeyboardInterrupt:
        with interrupts.deferred():  # a second Ctrl-C waits for the clean-up (milliseconds)
            remove_new_outputs(files, folders)
        raise
    finally:
        _new_folders.reset(token)


def remove_new_outputs(files: set[Path], folders: list[Path]) -> None:
    """Remove the new files, then each new folder left empty (and its empty subfolders,
    such as a sweep's ``variants/``), innermost first."""
    for path in files:
        path.unlink(missing_ok=True)
    for folder in reversed(folders):
        if folder.is_dir():
            _remove_empty_tree(folder)


def _remove_empty_tree(folder: Path) -> None:
    for parent, subfolders, _ in os.walk(folder, topdown=False):
        for name in subfolders:
            _remove_if_empty(Path(parent) / name)
    _remove_if_empty(folder)


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):  # not empty (someone else's file), or already gone
        folder.rmdir()
