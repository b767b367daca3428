"""The store behaviour suite: one set of checks, run on every backend.

A test module opts in with ``from behaviour import *`` and takes the
``kb_location`` fixture (or ``make_kb``), which is parametrized over
``embedded`` (Oxigraph on disk), ``oxigraph-server`` (a real ``oxigraph
serve`` on 127.0.0.1) and ``virtuoso`` (Debian's ``virtuoso-t`` on 127.0.0.1,
with a database of its own), the last two reached through
:class:`kb.store.remote.RemoteBackend`. Each test gets an empty store. Add a
behaviour test anywhere that imports this module, and it runs on all three; a
test that cannot pass on one server skips there with :func:`limitation`.
"""

from __future__ import annotations

import os
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
    "start_oxigraph", "small_record", "OTHER_RECORD", "start_virtuoso", "limitation", "VirtuosoServer",
]

BACKENDS = ["embedded", "oxigraph-server", "virtuoso"]
STORE_VARIABLES = ("KB_STORE", "KB_STORE_QUERY", "KB_STORE_UPDATE", "KB_STORE_UNION", "KB_STORE_TOKEN")


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
    if binary is None:  # a dependency of kb (kb serve --workers): missing, the tests fail
        pytest.fail("the `oxigraph` CLI (PyPI package oxigraph) is not installed")
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
    """An empty store's location: a folder, or the URL of a cleared SPARQL server."""
    for name in STORE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if request.param == "embedded":
        return str(tmp_path / "store")
    if request.param == "virtuoso":
        virtuoso: VirtuosoServer = request.getfixturevalue("virtuoso_server")
        virtuoso.clear()
        for name, value in virtuoso.environment().items():
            monkeypatch.setenv(name, value)
        return virtuoso.url
    server: OxigraphServer = request.getfixturevalue("oxigraph_server")
    server.update("DROP ALL")
    return server.url


def limitation(request: pytest.FixtureRequest, server: str, reason: str) -> None:
    """Skip this behaviour test on ``server`` ("virtuoso"), naming the server's limitation."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("kb_location") == server:
        pytest.skip(f"{server}: {reason}")


# -- Virtuoso ----------------------------------------------------------------------
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 8
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 8
MaxKeepAlives = 8
HttpTimeout = 300

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""

# The SPARQL user may update (kb writes through /sparql) and drop graphs; only
# for a throwaway test database: a real one puts /sparql-auth behind a password.
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'


def virtuoso_binary() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    return (server, isql) if server and isql else None


class VirtuosoServer:
    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url
        self.endpoint = url + "/sparql"

    def environment(self) -> dict[str, str]:
        return {"KB_STORE_QUERY": self.endpoint, "KB_STORE_UPDATE": self.endpoint, "KB_STORE_UNION": "virtuoso"}

    def update(self, text: str) -> None:
        request = urllib.request.Request(
            self.endpoint, data=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        urllib.request.urlopen(request, timeout=60).close()

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own (``DROP ALL`` would drop those too)."""
        from kb.store.remote import RemoteBackend

        backend = RemoteBackend(self.url, query_endpoint=self.endpoint, update_endpoint=self.endpoint,
                                union="virtuoso")
        graphs = backend.graphs()
        if graphs:
            backend.write(drop=graphs)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_virtuoso(location: Path) -> VirtuosoServer:
    """``virtuoso-t`` in the foreground on free ports, with a fresh database in ``location``."""
    binaries = virtuoso_binary()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is not installed: scripts/setup.sh --test installs virtuoso-opensource-7-bin")
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource-7-bin)")
    server, isql = binaries
    location.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=location, sql_port=sql_port, http_port=http_port))
    log = open(location / "stdout.log", "wb")
    process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=location,
                               stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 90  # a new database is created and checkpointed first
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                break
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("virtuoso-t did not start within 90 s")
    if process.poll() is not None:
        raise RuntimeError(f"virtuoso-t stopped: see {location / 'stdout.log'}")
    subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return VirtuosoServer(process, url)



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
