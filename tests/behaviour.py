"""The store behaviour suite: one set of checks, run on every backend.

A test module opts in with ``from behaviour import *`` and takes the
``kb_location`` fixture (or ``make_kb``), which is parametrized over
``embedded`` (Oxigraph on disk) and ``oxigraph-server`` (a real ``oxigraph
serve`` on 127.0.0.1, reached through :class:`kb.store.remote.RemoteBackend`).
Each test gets an empty store. Add a behaviour test anywhere that imports this
module, and it runs on both.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

__all__ = [
    "BACKENDS", "oxigraph_server", "kb_location", "make_kb", "free_port", "oxigraph_binary",
    "start_oxigraph", "small_record", "OTHER_RECORD",
]

BACKENDS = ["embedded", "oxigraph-server"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI of the PyPI package ``oxigraph``, beside this Python or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


class OxigraphServer:
    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url

    def update(self, text: str) -> None:
        request = urllib.request.Request(
            self.url + "/update", data=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        urllib.request.urlopen(request, timeout=30).close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_oxigraph(location: Path, *extra: str) -> OxigraphServer:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the `oxigraph` CLI (PyPI package oxigraph) is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2).close()
            return OxigraphServer(process, url)
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("oxigraph serve did not start")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def kb_location(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty store's location: a folder, or the URL of a cleared Oxigraph server."""
    for name in ("KB_STORE", "KB_STORE_QUERY", "KB_STORE_UPDATE", "KB_STORE_UNION", "KB_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "embedded":
        return str(tmp_path / "store")
    server: OxigraphServer = request.getfixturevalue("oxigraph_server")
    server.update("DROP ALL")
    return server.url


@pytest.fixture
def make_kb(kb_location: str) -> Iterator[Callable[..., Any]]:
    """Open (and later close) KnowledgeBases on ``kb_location``."""
    from kb import KnowledgeBase

    opened: list[Any] = []

    def make(**options: Any) -> Any:
        kb = KnowledgeBase(kb_location, **options)
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


TEXT = (
    "Mayor Jane Roe said on Monday that \"the bridge will reopen in May\". "
    "The council voted 7-2 to fund the repairs."
)


def small_record(text: str = TEXT, month: str = "May") -> dict[str, Any]:
    """A valid claim record: one direct quote by a person, one reported fact."""
    quote = f"the bridge will reopen in {month}"
    q = text.index(quote)
    fact = "The council voted 7-2 to fund the repairs."
    f = text.index(fact)
    speaker = text.index("Jane Roe")
    cue = text.index("said")
    return {
        "document": {"text": text, "date": "2024-03-04", "url": "https://example.org/news/bridge",
                     "title": "Bridge to reopen", "publisher": "Example Gazette"},
        "claims": [
            {"kind": "direct-quote", "text": quote, "start": q, "end": q + len(quote),
             "speaker": {"name": "Jane Roe", "start": speaker, "end": speaker + 8},
             "cue": {"text": "said", "start": cue, "end": cue + 4}},
            {"kind": "reported-fact", "text": fact, "start": f, "end": f + len(fact), "speaker": None, "cue": None},
        ],
        "entities": [{"name": "Example Gazette", "type": "NewsMediaOrganization"},
                     {"name": "Jane Roe", "type": "Person", "aliases": ["Roe"]}],
    }


OTHER_RECORD = small_record(TEXT.replace("May", "June"), "June")
