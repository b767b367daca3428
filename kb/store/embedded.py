"""The default backend: an embedded Oxigraph (RocksDB) store on disk.

pyoxigraph is used directly, not through oxrdflib: oxrdflib converts every
result to rdflib terms and its commit/rollback do nothing, while pyoxigraph's
``extend`` and ``update`` are real transactions (see ``bench/README.md``).
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..errors import ParseError, QueryError, StoreError
from .base import Backend, Quad, Row
from ..vocab import PREFIXES
from .convert import from_ox, quad_to_ox, to_ox

__all__ = ["EmbeddedBackend", "RDF_FORMATS"]

from ..iris import PROVENANCE_GRAPH

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


def _subs(bindings: Mapping[str, Node] | None) -> dict[ox.Variable, Any] | None:
    if not bindings:
        return None
    return {ox.Variable(name): to_ox(value) for name, value in bindings.items()}


class EmbeddedBackend(Backend):
    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.location = os.path.abspath(path)
        self.read_only = read_only
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

    def write(self, *, drop: Sequence[URIRef] = (), add: Iterable[Quad] = ()) -> None:
        self.write_ox(drop=drop, add=[quad_to_ox(s, p, o, g) for s, p, o, g in add])

    def write_ox(self, *, drop: Sequence[URIRef] = (), add: Sequence[ox.Quad] = ()) -> None:
        """:meth:`write` for quads already in pyoxigraph terms (the ingest fast path)."""
        try:
            if not drop:
                self.store.extend(add)  # one transaction
            else:
                # DROP and INSERT in one update request, which Oxigraph applies as one
                # transaction. The data part is N-Quads serialized by pyoxigraph itself,
                # so no user text is ever parsed as SPARQL syntax.
                body = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in add)
                drops = " ".join(f"DROP SILENT GRAPH {ox.NamedNode(str(g))} ;" for g in drop)
                self.store.update(f"{drops} INSERT DATA {{ {body} }}")
            self.store.flush()
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"the write failed and nothing was stored: {err}") from None

    def context_quads(
        self,
        new: Sequence[ox.Quad],
        *,
        exclude: set[ox.NamedNode],
        pending: Sequence[ox.Quad] = (),
    ) -> list[ox.Quad]:
        """What the store says about every node ``new`` names (the context a write is
        validated with), as pyoxigraph terms; the same triples as
        :func:`kb.ingest._context`, read without converting them to rdflib terms.

        Every stored triple whose subject is a subject, or a non-``rdf:type`` IRI
        object, of ``new`` (outside the excluded graphs being replaced and
        the provenance graph), plus the ``rdf:type`` triples of the IRIs those
        triples link to. A triple stored in many graphs (a person described by
        every article that quotes them) is returned once.

        ``pending`` are quads being written concurrently (the previous batch of a
        bulk ingest): they count as stored, whether or not their write has landed.

        Two SPARQL queries (the nodes in a ``VALUES`` block), not one lookup per
        node: a person named by 1,000 stored articles has 1,000 copies of each of
        their triples, and ``SELECT DISTINCT`` removes them inside Oxigraph
        instead of in Python (10x faster at 10k claims, and the gap grows).
        """
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        skip = exclude | {ox.NamedNode(str(PROVENANCE_GRAPH))}
        nodes: set[ox.NamedNode] = set()
        for q in new:
            if isinstance(q.subject, ox.NamedNode):
                nodes.add(q.subject)
            if isinstance(q.object, ox.NamedNode) and q.predicate != rdf_type:
                nodes.add(q.object)
        by_subject: dict[Any, list[ox.Quad]] = {}
        for q in pending:
            by_subject.setdefault(q.subject, []).append(q)
        dg = ox.DefaultGraph()
        seen: set[ox.Quad] = set()
        subjects: set[ox.NamedNode] = set()
        linked: set[ox.NamedNode] = set()

        def found(s: Any, p: Any, o: Any) -> None:
            seen.add(ox.Quad(s, p, o, dg))
            subjects.add(s)
            if isinstance(o, ox.NamedNode) and p != rdf_type:
                linked.add(o)

        not_in = ", ".join(str(g) for g in sorted(skip, key=str))
        for chunk in _chunks(sorted(nodes, key=str)):
            query = (
                f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {' '.join(map(str, chunk))} }} "
                f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({not_in})) }} UNION {{ ?s ?p ?o }} }}"
            )
            for row in self.store.query(query):
                found(row[0], row[1], row[2])
        for node in nodes & by_subject.keys():
            for q in by_subject[node]:
                if q.graph_name not in skip:
                    found(q.subject, q.predicate, q.object)
        targets = linked - subjects
        not_in = ", ".join(str(g) for g in sorted(exclude, key=str))
        for chunk in _chunks(sorted(targets, key=str)):
            query = (
                f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?s {{ {' '.join(map(str, chunk))} }} "
                f"{{ GRAPH ?g {{ ?s {rdf_type} ?o }}" + (f" FILTER(?g NOT IN ({not_in}))" if exclude else "")
                + f" }} UNION {{ ?s {rdf_type} ?o }} }}"
            )
            for row in self.store.query(query):
                seen.add(ox.Quad(row[0], rdf_type, row[1], dg))
        for node in targets & by_subject.keys():
            for q in by_subject[node]:
                if q.predicate == rdf_type and q.graph_name not in exclude:
                    seen.add(ox.Quad(q.subject, q.predicate, q.object, dg))
        return list(seen)

    def dump(self, fmt: str, graphs: Sequence[URIRef]) -> bytes:
        rdf_format = RDF_FORMATS[fmt]
        quads = (
            q
            for g in graphs
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))
        )
        if rdf_format.supports_datasets:
            return ox.serialize(quads, format=rdf_format, prefixes=PREFIXES)
        # A reader of a triple format expects the union of the graphs, without repeats.
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)

    def count(self) -> int:
        return len(self.store)

    def close(self) -> None:
        if not self.read_only:
            try:
                self.store.flush()
            except (OSError, RuntimeError):
                pass
        del self.store


def _chunks(items: list[Any], size: int = 2000) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
