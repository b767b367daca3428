"""The default backend: an embedded Oxigraph (RocksDB) store on disk.

pyoxigraph is used directly, not through oxrdflib: oxrdflib converts every
result to rdflib terms and its commit/rollback do nothing, while pyoxigraph's
``extend`` and ``update`` are real transactions (see ``bench/README.md``).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..errors import ParseError, QueryError, StoreError
from .base import Backend, Row
from ..formats import ox_format
from ..vocab import PREFIXES
from .convert import from_ox, to_ox

__all__ = ["EmbeddedBackend", "serialize", "WAL_FLUSH_BYTES"]

#: A write is flushed (its memtables written to table files) once RocksDB's active write-ahead
#: log has grown past this. Each committed transaction is in the log already, and every reader
#: (the query workers, ``kb`` commands, ``Store.read_only``) replays the log when it opens the
#: store, so flushing is not what makes a write visible or survive the process: it bounds that
#: replay, about 25-35 ms per MB of log (measured: 104 ms to open with a 4.4 MB log, 10-12 s
#: with 293 MB). Flushing after every write instead cost 18-50 ms a write, twice per article.
WAL_FLUSH_BYTES = 1 << 20


def serialize(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Quads in an RDF format: dataset formats keep the graph names, triple formats get
    their union, without repeats (what a reader of a triple format expects)."""
    rdf_format = ox_format(fmt)
    if rdf_format.supports_datasets:
        data = ox.serialize(quads, format=rdf_format, prefixes=PREFIXES)
    else:
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        data = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    assert data is not None  # no output file given: the bytes are returned
    return data


def _subs(bindings: Mapping[str, Node] | None) -> dict[ox.Variable, Any] | None:
    if not bindings:
        return None
    return {ox.Variable(name): to_ox(value) for name, value in bindings.items()}


class EmbeddedBackend(Backend):
    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.location = os.path.abspath(path)
        self.read_only = read_only
        self._flushing: threading.Thread | None = None
        try:
            if read_only:
                self.store = ox.Store.read_only(self.location)
            else:
                os.makedirs(self.location, exist_ok=True)
                self.store = ox.Store(self.location)
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"the store at {self.location} is in use by another process "
                    "(is `kb serve` running? stop it, or ingest through the web UI)"
                ) from None
            raise StoreError(f"cannot open the store at {self.location}: {err}") from None

    def _query(self, query: str, bindings: Mapping[str, Node] | None, union: bool) -> Any:
        try:
            return self.store.query(query, substitutions=_subs(bindings), use_default_graph_as_union=union)
        except SyntaxError as err:
            raise ParseError(f"SPARQL syntax error: {err}") from None
        except (OSError, RuntimeError, ValueError) as err:
            raise QueryError(str(err)) from None

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True
    ) -> tuple[list[str], Iterator[Row]]:
        result = self._query(query, bindings, union)
        names = [v.value for v in result.variables]

        def rows() -> Iterator[Row]:
            for solution in result:
                yield {name: solution[name] for name in names}

        return names, rows()

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True) -> bool:
        return bool(self._query(query, bindings, union))

    def triples(self, subject: Node | None, graph: URIRef | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        s = None if subject is None else to_ox(subject)
        g = None if graph is None else ox.NamedNode(str(graph))
        for q in self.store.quads_for_pattern(s, None, None, g):
            if isinstance(q.graph_name, ox.DefaultGraph):
                yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), None  # type: ignore[misc]
            else:
                yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), URIRef(q.graph_name.value)

    def graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: URIRef) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(str(graph)))

    def extend(self, add: Sequence[ox.Quad]) -> None:
        try:
            self.store.extend(add)  # one transaction
            self._settle()
        except (OSError, ValueError) as err:
            raise StoreError(f"the write failed and nothing was stored: {err}") from None

    def run_update(self, update: str) -> None:
        # Oxigraph applies one update request (several operations) as one transaction.
        try:
            self.store.update(update)
            self._settle()
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"the write failed and nothing was stored: {err}") from None

    def _settle(self) -> None:
        """Flush when the active write-ahead log (the newest ``*.log``) passed :data:`WAL_FLUSH_BYTES`,
        in a thread of its own: the write is committed (in the log) already, and a flush of a
        store of some size takes 40-50 ms that the writer need not wait for (pyoxigraph releases
        the GIL while RocksDB flushes; one flush at a time; :meth:`close` waits for it)."""
        if self._flushing is not None and self._flushing.is_alive():
            return
        logs = [(e.name, e) for e in os.scandir(self.location) if e.name.endswith(".log") and e.name[:-4].isdigit()]
        if logs and max(logs)[1].stat().st_size >= WAL_FLUSH_BYTES:
            self._flushing = threading.Thread(target=self._flush, name="kb-store-flush", daemon=True)
            self._flushing.start()

    def _flush(self) -> None:
        try:
            self.store.flush()
        except (OSError, RuntimeError) as err:  # the writes are in the log still: nothing is lost
            logging.getLogger(__name__).warning("flushing the store failed (its log keeps the writes): %s", err)

    def dump(self, fmt: str, graphs: Sequence[URIRef]) -> bytes:
        return serialize(
            (q for g in graphs for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))), fmt
        )

    def count(self) -> int:
        return len(self.store)

    def close(self) -> None:
        if not hasattr(self, "store"):
            return  # closed already (an explicit close, then the one registered at exit)
        if self._flushing is not None:
            self._flushing.join()
        if not self.read_only:
            try:
                self.store.flush()
            except (OSError, RuntimeError):
                pass
        del self.store

