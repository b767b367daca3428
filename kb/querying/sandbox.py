"""Run users' SPARQL queries in worker processes, so a time limit really stops them.

Oxigraph evaluates a query in native code that Python cannot interrupt, so a
thread with a timeout would leave a runaway query burning a core. Each query
instead runs in a worker process that keeps a read-only view of the store; a
worker that runs past the limit is killed and replaced, and the server keeps
answering.

Speed: a worker opens its view once and reopens it only when the store's write
files changed (a few stat calls per query, against ~20 ms for an open), so a
cheap query costs one pipe round trip. Fairness: the pool holds more workers
than the machine has cores; a heavy query occupies one worker, the kernel
time-slices the others, and the deadline (counted from the query's arrival,
queue included) kills the heavy one.

This module imports only the standard library and pyoxigraph, so workers start fast.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import selectors
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["QueryRequest", "QueryOutcome", "QueryPool", "execute", "default_workers"]

# Workers import kb from where this process found it, installed or not.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # above kb/querying/



def default_workers() -> int:
    """Twice the cores, at least 4: three heavy queries still leave a worker for a cheap one."""
    return max(4, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class QueryRequest:
    query: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    result_format: str  # json/xml/csv/tsv for SELECT and ASK; an RDF format name otherwise
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # None: see union_default
    named_graphs: tuple[str, ...] | None = None
    # With no dataset given, True runs over the union of all graphs; False leaves the
    # dataset to the query's own FROM / FROM NAMED (SPARQL 1.1 dataset semantics).
    union_default: bool = True
    base_iri: str | None = None  # relative IRIs in the query resolve against it
    # kb.vocab.PREFIXES, for RDF output: sent with each request, so that workers never import
    # rdflib (which kb.vocab's declarations need) and the table is declared once.
    prefixes: tuple[tuple[str, str], ...] = ()
    media_type: str = ""  # of result_format, from kb.formats.RDF_FORMATS, for CONSTRUCT and DESCRIBE


@dataclass(frozen=True)
class QueryOutcome:
    form: str
    body: bytes
    rows: int
    truncated: bool
    result_format: str


def execute(store: Any, request: QueryRequest) -> QueryOutcome:
    """Evaluate ``request`` on an open pyoxigraph store and serialize the capped result."""
    import itertools

    import pyoxigraph as ox

    from .results import serialize_boolean, serialize_select

    options: dict[str, Any] = {}
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    elif request.union_default and request.named_graphs is None:
        # The default graph is the union of all graphs, as in Fuseki's unionDefaultGraph:
        # users ask about claims, not about graph layout. (A list of graphs would be
        # evaluated graph by graph: 100x slower on joins.)
        options["use_default_graph_as_union"] = True
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    if request.base_iri:
        options["base_iri"] = request.base_iri
    result = store.query(request.query, **options)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ASK", serialize_boolean(bool(result), request.result_format), 1, False, request.result_format)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[s[n] for n in names] for s in itertools.islice(result, request.max_rows + 1)]
        truncated = len(rows) > request.max_rows
        rows = rows[: request.max_rows]
        body = serialize_select(names, rows, request.result_format, truncated=truncated)
        return QueryOutcome("SELECT", body, len(rows), truncated, request.result_format)
    triples = list(itertools.islice(result, request.max_rows + 1))
    truncated = len(triples) > request.max_rows
    triples = triples[: request.max_rows]
    fmt = ox.RdfFormat.from_media_type(request.media_type)  # kb.formats' one table, by its media type
    body = ox.serialize(triples, format=fmt, prefixes=dict(request.prefixes)) or b""
    return QueryOutcome(request.form, body, len(triples), truncated, request.result_format)


def _send(stream: Any, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _recv(stream: Any) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (size,) = struct.unpack(">Q", header)
    return pickle.loads(stream.read(size))


def _fingerprint(store_path: str) -> tuple[tuple[str, int, int], ...]:
    """What a write changes in a RocksDB folder: the write-ahead log, the manifest, CURRENT."""
    with os.scandir(store_path) as entries:
        found = []
        for entry in entries:
            name = entry.name
            if name.endswith(".log") or name.startswith("MANIFEST") or name == "CURRENT":
                st = entry.stat()
                found.append((name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


class _View:
    """A read-only view of the store, reopened only when a write changed the store's files."""

    def __init__(self, store_path: str) -> None:
        self.store_path = store_path
        self.store: Any = None
        self.seen: tuple[tuple[str, int, int], ...] = ()

    def current(self, attempts: int = 3) -> Any:
        """The view, fresh. A view opened while the writer compacts can list a file that
        vanishes ("Corruption ... No such file"); the store is intact, opening again works."""
        import pyoxigraph as ox

        now = _fingerprint(self.store_path)
        if self.store is not None and now == self.seen:
            return self.store
        self.store = None
        for attempt in range(attempts):
            try:
                self.store = ox.Store.read_only(self.store_path)
                self.seen = now
                return self.store
            except (OSError, RuntimeError) as err:
                if attempt + 1 == attempts or "No such file" not in str(err):
                    raise
        raise AssertionError("unreachable")

    def run(self, request: QueryRequest) -> QueryOutcome:
        try:
            return execute(self.current(), request)
        except OSError as err:
            if "No such file" not in str(err):
                raise
            self.store = None  # a compaction removed a file under the view: reopen once
            return execute(self.current(), request)


def worker_main(store_path: str) -> None:
    """The worker loop: read a request on stdin, answer on stdout, until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    view = _View(store_path)
    try:  # open the view and load the serializers now, while the process waits for its first query
        execute(view.current(), QueryRequest("ASK {}", "ASK", "json", 1))
    except (OSError, RuntimeError):
        pass  # reported with the first query
    while True:
        try:
            request = QueryRequest(**_recv(stdin))
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", dataclasses.asdict(view.run(request)))
        except SyntaxError as err:
            answer = ("syntax", str(err))
        except Exception as err:  # reported to the caller as one line, never a traceback
            answer = ("error", f"{type(err).__name__}: {err}")
        _send(stdout, answer)


class _Worker:
    """A ``python -m kb.querying.sandbox STORE`` process: no fork, no re-import of the caller's main."""

    def __init__(self, store_path: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kb.querying.sandbox", store_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_PACKAGE_PARENT,
        )

    def ask(self, request: QueryRequest, timeout: float) -> tuple[str, Any] | None:
        assert self.process.stdin is not None and self.process.stdout is not None
        # Plain dicts cross the pipe: the worker runs this module as __main__.
        _send(self.process.stdin, dataclasses.asdict(request))
        # A selector, not select.select: that refuses descriptors past 1023, which a long-lived
        # process (a server that has opened many stores, a test run) reaches.
        with selectors.DefaultSelector() as waiting:
            waiting.register(self.process.stdout, selectors.EVENT_READ)
            if not waiting.select(max(timeout, 0.0)):
                return None
        status, payload = _recv(self.process.stdout)
        return (status, QueryOutcome(**payload) if status == "ok" else payload)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class QueryPool:
    """Up to ``size`` worker processes that run read-only queries with a time limit.

    Workers start with the pool and stay (a killed one is replaced at once); a query
    waits for a free one only when ``size`` queries are already running, and that
    wait counts against its limit.
    """

    def __init__(self, store_path: str, size: int | None = None) -> None:
        self.store_path = store_path
        self.size = size or default_workers()
        self._idle: list[_Worker] = []
        self._running = 0
        self._closed = False
        self._free = threading.Condition()
        # All workers start now, in the background: a worker takes ~0.5 s to start (seconds on a
        # busy machine), which a cheap query arriving beside heavy ones should not wait for.
        self._spawning = self.size
        for _ in range(self.size):
            threading.Thread(target=self._start_one, daemon=True).start()

    def _take(self, deadline: float) -> _Worker | None:
        """A live worker (started if needed), or None if the deadline passed while waiting."""
        with self._free:
            # A worker being started counts as taken: wait for it rather than start one more.
            while not self._idle and self._running + self._spawning >= self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._free.wait(remaining)
            self._running += 1
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.alive():
            try:
                worker = _Worker(self.store_path)
            except BaseException:
                self._give_back(None)
                raise
        return worker

    def _start_one(self) -> None:
        try:
            started: _Worker | None = _Worker(self.store_path)
        except OSError:
            started = None
        with self._free:
            self._spawning -= 1
            if started is not None and self._closed:
                started.stop()
            elif started is not None:
                self._idle.append(started)
            self._free.notify()  # a waiter takes the new worker, or starts its own if this one failed

    def _give_back(self, worker: _Worker | None, *, cold: bool = False) -> None:
        with self._free:
            self._running -= 1
            if worker is not None and cold:
                self._idle.insert(0, worker)  # still starting: taken last (idle workers are taken from the end)
            elif worker is not None:
                self._idle.append(worker)
            self._free.notify()

    def run(self, request: QueryRequest, timeout: float, *, arrived: float | None = None) -> tuple[str, Any]:
        """Return ``("ok", QueryOutcome)``, ``("syntax", msg)``, ``("error", msg)`` or ``("timeout", None)``.

        ``timeout`` counts from ``arrived`` (a ``time.monotonic()`` value; default: now).
        """
        deadline = (arrived if arrived is not None else time.monotonic()) + timeout
        worker = self._take(deadline)
        if worker is None:
            return ("timeout", None)
        cold = False
        try:
            answer = worker.ask(request, deadline - time.monotonic())
            if answer is None:
                worker.stop()  # the only way to stop a query inside Oxigraph
                worker, cold = _Worker(self.store_path), True  # its replacement warms up while we answer
                return ("timeout", None)
            return answer
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            worker.stop()
            worker = None
            return ("error", f"the query worker failed: {err}")
        finally:
            self._give_back(worker, cold=cold)

    def close(self) -> None:
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


if __name__ == "__main__":
    worker_main(sys.argv[1])
