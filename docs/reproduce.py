"""Same answer on every machine: two fresh clones, two installs, byte-identical summaries.

``python docs/reproduce.py`` (``make reproduce``) clones this repository's
committed ``HEAD`` twice, into two folders of its own, installs each from the
lock (``make install``: a venv of its own), and runs every measured command of
the README (``docs/measured.py``) in each, with a result store of its own so
that nothing is served from an earlier run. The second clone runs while two
other processes load both cores. It then compares each command's
``summary.json`` byte for byte and exits 1 if any differ.

Each measured command must write a run directory (``--out DIR``): its
``summary.json`` is what is compared. ``--keep`` leaves the clones in place.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # docs/ and tests/ are folders of the repository, not packages

from docs.measured import README, blocks  # noqa: E402
from tests.support.load import both_cores_loaded  # noqa: E402


def measured_commands() -> list[str]:
    return [match["command"] for match in blocks(README.read_text(encoding="utf-8"))]


def out_dir(command: str) -> str:
    """The ``--out`` folder of a measured command."""
    words = shlex.split(command)
    if "--out" not in words[:-1]:
        sys.exit(f"README measured command without --out, nothing to compare: {command}")
    return words[words.index("--out") + 1]


def fresh_clone(parent: Path, name: str) -> Path:
    clone = parent / name
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    print(f"{name}: installing from the lock", file=sys.stderr, flush=True)
    subprocess.run(["make", "--no-print-directory", "install"], cwd=clone, check=True)
    return clone


def run_commands(clone: Path, commands: list[str]) -> dict[str, bytes]:
    """Each command run in ``clone`` with its own store; its summary.json's bytes."""
    environment = {**os.environ, "CLINICSIM_STORE": str(clone / ".store"), "COLUMNS": "80"}
    summaries = {}
    for command in commands:
        words = shlex.split(command)
        if words[0] == "clinicsim":
            words[0] = str(clone / ".venv" / "bin" / "clinicsim")
        print(f"{clone.name}: $ {command}", file=sys.stderr, flush=True)
        subprocess.run(words, cwd=clone, env=environment, check=True, stdout=subprocess.DEVNULL)
        summaries[command] = (clone / out_dir(command) / "summary.json").read_bytes()
    return summaries


def compare(first: dict[str, bytes], second: dict[str, bytes]) -> bool:
    """Print each command's two digests; whether every pair is identical."""
    same = True
    for command, text in first.items():
        digests = [hashlib.sha256(t).hexdigest()[:16] for t in (text, second[command])]
        verdict = "identical" if text == second[command] else "DIFFERENT"
        same &= text == second[command]
        print(
            f"{verdict}: {command}\n  quiet machine {digests[0]} · both cores loaded {digests[1]}"
        )
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the two clones in place")
    args = parser.parse_args()
    commands = measured_commands()
    parent = Path(tempfile.mkdtemp(prefix="clinicsim-reproduce-"))
    try:
        results = []
        for name, load in (("quiet", nullcontext()), ("loaded", both_cores_loaded())):
            clone = fresh_clone(parent, name)
            with load:
                results.append(run_commands(clone, commands))
        same = compare(*results)
    finally:
        if args.keep:
            print(f"clones kept in {parent}", file=sys.stderr)
        else:
            shutil.rmtree(parent, ignore_errors=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
