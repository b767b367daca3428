"""History instead of deletion: every replaced or removed graph is archived.

Why a store of its own: kb's own queries and users' queries run over the union
of the live graphs. Archived versions kept in the same store would have to be
filtered out of every query, and one forgotten filter would show a removed
claim as current. So versions live in a second Oxigraph store, ``history/``
inside the store folder (``$KB_HISTORY``; for a SPARQL-server store, in the user's
data folder: :mod:`kb.store.beside`), one named graph per version::

    <id/version/…> a kb:Version ; prov:specializationOf <graph/…> ;
        kb:document <doc/…> ; kb:action "replaced" | "removed" | "updated" ;
        prov:invalidatedAtTime "…"^^xsd:dateTime ; prov:generatedAtTime "…" ;
        schema:agent "who" ; kb:reason "why" ; kb:sha256 "hash of the input that had written it" .

The records live in the graph ``id/graph/versions`` of the history store; a
version's triples in the named graph of the version's IRI. Query them with
``kb query --history`` (documented in docs/model.md); export them with
``kb export --history``. The archive is written before the main write; if the
main write then fails, the version is withdrawn again (:meth:`History.discard`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..errors import NotFoundError, StoreError
from ..store.beside import beside
from ..vocab import KB, PROV, RDF, SDO, SPARQL_PREFIXES, XSD
from .changes import OxTriple

__all__ = ["History", "Version", "history_location", "version_turtle"]


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _versions_graph() -> ox.NamedNode:
    return _n(iris.mint("graph", "versions"))


def history_location(store_location: str) -> str:
    """Where the history of a store is kept."""
    configured = os.environ.get("KB_HISTORY")
    if configured:
        return configured
    return beside(store_location, "history", durable=True)


@dataclass(frozen=True)
class Version:
    """One archived version of a graph, as :meth:`History.versions` lists it."""

    iri: str
    graph: str
    document: str | None
    action: str
    archived: str
    agent: str | None
    reason: str | None
    triples: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.iri, "graph": self.graph, "document": self.document, "action": self.action,
            "archived": self.archived, "agent": self.agent, "reason": self.reason, "triples": self.triples,
        }


class History:
    """The archive of a knowledge base's replaced and removed graphs."""

    def __init__(self, location: str, *, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only
        self._store: ox.Store | None = None

    def _open(self, *, create: bool) -> ox.Store | None:
        if self._store is not None:
            return self._store
        if not os.path.isdir(self.location):
            if not create:
                return None
        try:
            if self.read_only:
                self._store = ox.Store.read_only(self.location)
            else:
                os.makedirs(self.location, exist_ok=True)
                self._store = ox.Store(self.location)
        except OSError as err:
            raise StoreError(f"cannot open the history at {self.location}: {err}") from None
        return self._store

    def close(self) -> None:
        if self._store is not None and not self.read_only:
            try:
                self._store.flush()
            except (OSError, RuntimeError):
                pass
        self._store = None

    # -- writing ----------------------------------------------------------------
    def archive(
        self,
        graph: URIRef,
        triples: Sequence[OxTriple],
        *,
        action: str,
        document: URIRef | None,
        input_sha256: str | None,
        written: str | None,
        agent: str | None,
        reason: str | None,
        when: dt.datetime,
    ) -> URIRef:
        """Keep ``triples`` (the content ``graph`` had) as a new version; returns its IRI."""
        store = self._open(create=True)
        assert store is not None
        version = iris.version_iri(str(graph), input_sha256 or "", when.isoformat())
        v = _n(version)
        vg = _versions_graph()
        record: list[OxTriple] = [
            (v, _n(RDF.type), _n(KB.Version)),
            (v, _n(RDF.type), _n(PROV.Entity)),
            (v, _n(PROV.specializationOf), _n(graph)),
            (v, _n(KB.action), ox.Literal(action)),
            (v, _n(PROV.invalidatedAtTime), ox.Literal(when.isoformat(), datatype=_n(XSD.dateTime))),
        ]
        if document is not None:
            record.append((v, _n(KB.document), _n(document)))
        if written:
            record.append((v, _n(PROV.generatedAtTime), ox.Literal(written, datatype=_n(XSD.dateTime))))
        if input_sha256:
            record.append((v, _n(KB.sha256), ox.Literal(input_sha256)))
        if agent:
            record.append((v, _n(SDO.agent), ox.Literal(agent)))
        if reason:
            record.append((v, _n(KB.reason), ox.Literal(reason)))
        quads = [ox.Quad(s, p, o, vg) for s, p, o in record] + [ox.Quad(s, p, o, v) for s, p, o in triples]
        try:
            store.extend(quads)  # one transaction
            store.flush()
        except OSError as err:
            raise StoreError(f"cannot archive the previous version of {graph}: {err}") from None
        return version

    def discard(self, versions: Iterable[URIRef]) -> None:
        """Withdraw versions archived for a write that then failed."""
        store = self._open(create=False)
        if store is None:
            return
        for version in versions:
            v = _n(version)
            store.remove_graph(v) if store.contains_named_graph(v) else None
            for q in list(store.quads_for_pattern(v, None, None, _versions_graph())):
                store.remove(q)

    # -- reading ----------------------------------------------------------------
    def versions(self, iri: str) -> list[Version]:
        """The archived versions of a graph, of a document's graph, or holding a claim
        (or any node described in them), oldest first."""
        store = self._open(create=False)
        if store is None:
            return []
        node = _n(iri)
        # The node and the versions graph go in as a VALUES block serialized by pyoxigraph.
        query = SPARQL_PREFIXES + f"""
            SELECT ?v ?graph ?doc ?action ?when ?agent ?reason (COUNT(*) AS ?n) WHERE {{
              VALUES (?node ?vg) {{ ({node} {_versions_graph()}) }}
              {{ SELECT DISTINCT ?v ?vg WHERE {{
                  VALUES (?node ?vg) {{ ({node} {_versions_graph()}) }}
                  {{ GRAPH ?vg {{ ?v prov:specializationOf ?node }} }} UNION {{ GRAPH ?vg {{ ?v kb:document ?node }} }}
                  UNION {{ GRAPH ?v {{ ?node ?anyP ?anyO }} }}
                  UNION {{ GRAPH ?vg {{ ?node a kb:Version }} BIND(?node AS ?v) }} }} }}
              GRAPH ?vg {{ ?v a kb:Version ; prov:specializationOf ?graph ; kb:action ?action ; prov:invalidatedAtTime ?when .
                          OPTIONAL {{ ?v kb:document ?doc }} OPTIONAL {{ ?v schema:agent ?agent }} OPTIONAL {{ ?v kb:reason ?reason }} }}
              GRAPH ?v {{ ?x ?y ?z }}
            }} GROUP BY ?v ?graph ?doc ?action ?when ?agent ?reason
        """
        out: dict[str, Version] = {}
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            v = row["v"].value
            out[v] = Version(
                iri=v, graph=row["graph"].value,
                document=row["doc"].value if row["doc"] is not None else None,
                action=row["action"].value, archived=row["when"].value,
                agent=row["agent"].value if row["agent"] is not None else None,
                reason=row["reason"].value if row["reason"] is not None else None,
                triples=int(row["n"].value),
            )
        return sorted(out.values(), key=lambda ver: (ver.archived, ver.iri))

    def version(self, iri: str) -> Version:
        for found in self.versions(iri):
            if found.iri == iri:
                return found
        raise NotFoundError(f"no archived version {iri!r} in the history")

    def content(self, version: str) -> list[OxTriple]:
        """The triples a version held."""
        store = self._open(create=False)
        v = _n(version)
        if store is None or not store.contains_named_graph(v):
            raise NotFoundError(f"no archived version {version!r} in the history")
        return [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, v)]

    def store(self) -> ox.Store | None:
        """The history store itself (for ``kb query --history`` and ``kb export --history``)."""
        return self._open(create=False)


def version_turtle(triples: Sequence[OxTriple]) -> str:
    """An archived version's triples as Turtle, for its page."""
    from ..vocab import PREFIXES

    data = ox.serialize((ox.Triple(*t) for t in triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return (data or b"").decode("utf-8")
