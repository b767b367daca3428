"""Run users' SPARQL queries in worker processes, so a time limit really stops them.

Oxigraph evaluates a query in native code that Python cannot interrupt, so a
thread with a timeout would leave a runaway query burning a core. Each query
instead runs in a worker process that opens the store read-only (a fresh view,
about 15 ms); a worker that runs past the limit is killed and replaced, and the
server keeps answering.

This module imports only the standard library and pyoxigraph, so workers start fast.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["QueryRequest", "QueryOutcome", "QueryPool", "execute"]

# Workers import kb from where this process found it, installed or not.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A copy of kb.vocab.PREFIXES would drag rdflib into every worker; these are plain strings.
_PREFIXES = {
    "schema": "http://schema.org/", "prov": "http://www.w3.org/ns/prov#", "oa": "http://www.w3.org/ns/oa#",
    "kb": "https://w3id.org/claimkb/ns#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class QueryRequest:
    query: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    result_format: str  # json/xml/csv/tsv for SELECT and ASK; an RDF format name otherwise
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # None: the union of all graphs
    named_graphs: tuple[str, ...] | None = None


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
    else:
        # The default graph is the union of all named graphs, as in Fuseki's
        # unionDefaultGraph: users ask about claims, not about graph layout.
        options["use_default_graph_as_union"] = True
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
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
    fmt = _rdf_formats()[request.result_format]
    body = ox.serialize(triples, format=fmt, prefixes=_PREFIXES)
    return QueryOutcome(request.form, body, len(triples), truncated, request.result_format)


def _rdf_formats() -> dict[str, Any]:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
        "xml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
    }


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


def _execute_fresh(store_path: str, request: QueryRequest, attempts: int = 3) -> QueryOutcome:
    """Open a fresh read-only view and run the query, retrying a view that raced a compaction.

    A read-only RocksDB view lists the store's files when it opens; if the writing
    process compacts at that moment, a listed file can vanish and RocksDB reports
    "Corruption ... No such file". The store itself is intact: opening again sees
    the new file list.
    """
    import pyoxigraph as ox

    for attempt in range(attempts):
        try:
            store = ox.Store.read_only(store_path)
            try:
                return execute(store, request)
            finally:
                del store
        except (OSError, RuntimeError) as err:
            if attempt + 1 == attempts or "No such file" not in str(err):
                raise
    raise AssertionError("unreachable")


def worker_main(store_path: str) -> None:
    """The worker loop: read a request on stdin, answer on stdout, until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    while True:
        try:
            request = QueryRequest(**_recv(stdin))
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", dataclasses.asdict(_execute_fresh(store_path, request)))
        except SyntaxError as err:
            answer = ("syntax", str(err))
        except Exception as err:  # reported to the caller as one line, never a traceback
            answer = ("error", f"{type(err).__name__}: {err}")
        _send(stdout, answer)


class _Worker:
    """A ``python -m kb.sandbox STORE`` process: no fork, no re-import of the caller's main."""

    def __init__(self, store_path: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kb.sandbox", store_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_PACKAGE_PARENT,
        )

    def ask(self, request: QueryRequest, timeout: float) -> tuple[str, Any] | None:
        assert self.process.stdin is not None and self.process.stdout is not None
        # Plain dicts cross the pipe: the worker runs this module as __main__.
        _send(self.process.stdin, dataclasses.asdict(request))
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
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
    """A few worker processes that run read-only queries with a time limit."""

    def __init__(self, store_path: str, size: int = 2) -> None:
        self.store_path = store_path
        self.idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)  # started on first use

    def run(self, request: QueryRequest, timeout: float) -> tuple[str, Any]:
        """Return ``("ok", QueryOutcome)``, ``("syntax", msg)``, ``("error", msg)`` or ``("timeout", None)``."""
        worker = self.idle.get()
        try:
            if worker is None or not worker.alive():
                worker = _Worker(self.store_path)
            answer = worker.ask(request, timeout)
            if answer is None:
                worker.stop()  # the only way to stop a query inside Oxigraph
                worker = None
                return ("timeout", None)
            return answer
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            if worker is not None:
                worker.stop()
            worker = None
            return ("error", f"the query worker failed: {err}")
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        while not self.idle.empty():
            worker = self.idle.get_nowait()
            if worker is not None:
                worker.stop()


if __name__ == "__main__":
    worker_main(sys.argv[1])
