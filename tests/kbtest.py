"""Helpers for the core tests: run the real ``kb`` command, snapshot a store."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    code: int
    out: str
    err: str


def kb_cli(store: Path | str, *args: str, input: str | None = None, timeout: float = 120) -> Run:
    """Run ``kb --store STORE ARGS`` in a fresh process, as a user would."""
    env = dict(os.environ)
    env.pop("KB_STORE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "kb.cli", "--store", str(store), *args],
        capture_output=True,
        text=True,
        input=input,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(store: Path | str) -> bytes:
    """Every quad in the store, sorted: equal snapshots mean an unchanged store."""
    s = ox.Store.read_only(str(store))
    lines = sorted(str(q) for q in s)
    del s
    return "\n".join(lines).encode()
