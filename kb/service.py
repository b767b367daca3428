"""Writing commands while `kb serve` holds the store: one mechanism for all of them.

RocksDB lets one process write a store. While ``kb serve`` runs it is that
process, so ``kb ingest``, ``kb remove`` and ``kb restore`` on the same store send
their parsed arguments and their input files to it, and it runs the very same
command function on its open knowledge base (web/views/api.py). Output and exit
code are the command's own.

- ``kb serve`` writes ``<store>/server.json`` (its URL and pid) and
  ``<store>/server.secret`` (a random token, mode 0600: only the store's owner can
  read it, so only the owner's commands are accepted);
- the ``kb`` command finds them with :func:`find_server` and calls :func:`run_remote`.

This module never imports Flask: the server side lives in the web package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import secrets
import sys
import threading
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import StoreError

__all__ = ["ROUTED", "Server", "find_server", "run_remote", "announce", "withdraw", "captured", "encode_args",
           "decode_args"]

SERVER_FILE = "server.json"
SECRET_FILE = "server.secret"


@dataclass(frozen=True)
class Routing:
    """Which arguments of a command name files: inputs are uploaded, outputs sent back."""

    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


#: The commands that write, and so go through a running server.
ROUTED: dict[str, Routing] = {
    "ingest": Routing(inputs=("files", "metadata"), outputs=("report",)),
    "remove": Routing(),
    "restore": Routing(),
    "relate": Routing(),
    # curations of people and organizations (kb.cli.entities)
    "merge": Routing(),
    "unmerge": Routing(),
    "split": Routing(),
    "sameas": Routing(),
    "link": Routing(inputs=("file",)),
}
# Arguments that only mean something in the calling process.
_LOCAL_ONLY = {"func", "store", "command", "base_iri"}  # base_iri: checked here, the store keeps its own


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    secret: str


# -- the server's side: announce and withdraw -----------------------------------------
def announce(store: str, url: str) -> str:
    """Write the server file and a fresh secret into the store folder; return the secret."""
    secret = secrets.token_urlsafe(32)
    secret_path = os.path.join(store, SECRET_FILE)
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)  # an older file may have had wider permissions
        out.write(secret + "\n")
    info = {"url": url, "pid": os.getpid()}
    tmp = os.path.join(store, SERVER_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(info, out)
    os.replace(tmp, os.path.join(store, SERVER_FILE))
    return secret


def withdraw(store: str) -> None:
    """Remove the server file (and the secret) if they are still this process's."""
    path = os.path.join(store, SERVER_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            if json.load(f).get("pid") != os.getpid():
                return
        os.remove(path)
        os.remove(os.path.join(store, SECRET_FILE))
    except (OSError, ValueError):
        pass


# -- the client's side ------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and its secret will not be ours to read
    return True


def find_server(store: str) -> Server | None:
    """The `kb serve` running on this store folder, or None (no file, or a stale one)."""
    try:
        with open(os.path.join(store, SERVER_FILE), encoding="utf-8") as f:
            info = json.load(f)
        url, pid = str(info["url"]), int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None
    try:
        secret = Path(store, SECRET_FILE).read_text(encoding="utf-8").strip()
    except OSError as err:
        raise StoreError(f"the store at {store} is served by `kb serve` (pid {pid}), and its secret "
                         f"{os.path.join(store, SECRET_FILE)} cannot be read ({err.strerror}): run this as the "
                         "user who started the server") from None
    return Server(url if url.endswith("/") else url + "/", pid, secret)


def encode_args(args: argparse.Namespace) -> dict[str, Any]:
    """The command's parsed arguments as JSON values (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for key, value in vars(args).items():
        if key in _LOCAL_ONLY or callable(value):
            continue
        out[key] = {"$date": value.isoformat()} if isinstance(value, dt.date) else value
    return out


def decode_args(values: dict[str, Any]) -> dict[str, Any]:
    return {k: dt.date.fromisoformat(v["$date"]) if isinstance(v, dict) and "$date" in v else v
            for k, v in values.items()}


def _paths(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "kb-" + uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        body.write(value.encode("utf-8") + b"\r\n")
    for field, filename, data in files:
        safe = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{safe}"\r\n'
                   "Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def run_remote(server: Server, command: str, args: argparse.Namespace) -> int:
    """Run ``kb COMMAND`` through the server; print its output; return its exit code."""
    routing = ROUTED[command]
    uploads: list[tuple[str, str, bytes]] = []
    kinds: dict[str, str] = {}  # upload key -> "file" | "dir" | "missing"
    for arg in routing.inputs:
        for i, path in enumerate(_paths(getattr(args, arg, None))):
            key = f"{arg}.{i}"
            if os.path.isdir(path):
                kinds[key] = "dir"
                continue
            try:
                uploads.append((key, os.path.basename(path) or "input", Path(path).read_bytes()))
                kinds[key] = "file"
            except OSError:
                kinds[key] = "missing"  # the server reports it as the local run would
    # Provenance names who asked as a local run would: the command line (kb.cli.commands.agent_of).
    line = " ".join(["kb", *sys.argv[1:]]) if sys.argv[1:] else f"kb {command}"
    fields = {"args": json.dumps(encode_args(args)), "inputs": json.dumps(kinds), "agent": line[:200]}
    body, ctype = _multipart(fields, uploads)
    request = urllib.request.Request(server.url + f"api/cli/{command}", data=body, method="POST", headers={
        "Content-Type": ctype, "Authorization": f"Bearer {server.secret}", "Accept": "application/json"})
    try:
        # No time limit: a big ingest takes as long as it takes; the server is on this machine.
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            message = json.loads(err.read()).get("error") or err.reason
        except ValueError:
            message = err.reason
        raise StoreError(f"`kb serve` at {server.url} (pid {server.pid}) refused the {command}: {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise StoreError(f"the store is in use by `kb serve` (pid {server.pid}) at {server.url}, which does not "
                         f"answer ({reason})") from None
    for arg, text in (answer.get("outputs") or {}).items():
        target = getattr(args, arg, None)
        if target:
            Path(str(target)).write_text(text, encoding="utf-8")
    sys.stdout.write(answer.get("stdout", ""))
    sys.stdout.flush()
    sys.stderr.write(answer.get("stderr", ""))
    sys.stderr.flush()
    return int(answer.get("exit", 1))


# -- capturing a command's output inside the server --------------------------------------
class _PerThread(io.TextIOBase):
    """sys.stdout / sys.stderr that writes to the current thread's buffer, if it has one."""

    def __init__(self, fallback: Any, local: threading.local, name: str) -> None:
        self.fallback, self.local, self.name = fallback, local, name

    def write(self, text: str) -> int:
        buffer = getattr(self.local, self.name, None)
        return (buffer if buffer is not None else self.fallback).write(text)

    def flush(self) -> None:
        if getattr(self.local, self.name, None) is None:
            self.fallback.flush()

    def isatty(self) -> bool:
        return getattr(self.local, self.name, None) is None and self.fallback.isatty()

    @property
    def buffer(self) -> Any:  # binary writes (kb export to stdout) go to the text buffer too
        return _BinaryTo(self)

    def fileno(self) -> int:
        return int(self.fallback.fileno())


class _BinaryTo:
    def __init__(self, text: _PerThread) -> None:
        self.text = text

    def write(self, data: bytes) -> int:
        self.text.write(data.decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self.text.flush()


_LOCAL = threading.local()
_INSTALL = threading.Lock()


@contextmanager
def captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """Capture what this thread prints (other threads print as usual)."""
    with _INSTALL:
        if not isinstance(sys.stdout, _PerThread):
            sys.stdout = _PerThread(sys.stdout, _LOCAL, "stdout")
        if not isinstance(sys.stderr, _PerThread):
            sys.stderr = _PerThread(sys.stderr, _LOCAL, "stderr")
    out, err = io.StringIO(), io.StringIO()
    _LOCAL.stdout, _LOCAL.stderr = out, err
    try:
        yield out, err
    finally:
        _LOCAL.stdout = _LOCAL.stderr = None
