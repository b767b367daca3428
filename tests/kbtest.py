"""Helpers for the core tests: run the real ``kb`` command, snapshot a store."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

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


@contextlib.contextmanager
def served(store: Path | str, *options: str, timeout: float = 90) -> Iterator[str]:
    """A real ``kb serve`` (waitress) on a free port of 127.0.0.1; yields its base URL."""
    from behaviour import free_port

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("KB_STORE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "--store", str(store), "serve", "--port", str(port), *options],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"kb serve did not start: {err[-2000:]}") from None
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
