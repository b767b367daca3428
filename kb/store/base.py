"""What kb needs from a store, whatever engine is behind it.

Two backends implement :class:`Backend`: :mod:`kb.store.embedded` (Oxigraph on
disk, the default) and :mod:`kb.store.remote` (any SPARQL 1.1 server).
"""

from __future__ import annotations

import abc
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..errors import StoreError

__all__ = ["Backend", "Quad", "Row"]

Quad = tuple[Node, Node, Node, URIRef]
#: One SELECT solution: variable name → pyoxigraph-like term (``.value``) or None.
Row = dict[str, Any]


class Backend(abc.ABC):
    """A quad store. Every method raises :class:`kb.errors.StoreError` on failure."""

    location: str

    @abc.abstractmethod
    def select(
        self,
        query: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        union: bool = True,
    ) -> tuple[list[str], Iterator[Row]]:
        """Run a trusted SELECT. Bound variables must be projected (SEP-0007)."""

    @abc.abstractmethod
    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True) -> bool: ...

    @abc.abstractmethod
    def triples(self, subject: Node | None, graph: URIRef | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        """Stored quads with this subject (any graph when ``graph`` is None), as rdflib terms."""

    @abc.abstractmethod
    def graphs(self) -> list[URIRef]: ...

    @abc.abstractmethod
    def has_graph(self, graph: URIRef) -> bool: ...

    def write(self, *, drop: Sequence[URIRef] = (), add: Iterable[Quad] = ()) -> None:
        """Drop whole graphs and add quads (rdflib terms) in one transaction."""
        from .convert import quad_to_ox

        self.commit(drop=[ox.NamedNode(str(g)) for g in drop], add=[quad_to_ox(s, p, o, g) for s, p, o, g in add])

    def commit(
        self,
        *,
        drop: Sequence[ox.NamedNode] = (),
        clear: Mapping[ox.NamedNode, Sequence[ox.NamedNode]] | None = None,
        add: Sequence[ox.Quad] = (),
    ) -> None:
        """In one transaction, all of it or none of it: drop whole graphs, remove every
        triple of the ``clear``\\ ed subjects from their graph, and add quads.

        One SPARQL Update request (the data serialized by pyoxigraph, never
        pasted from user text); a plain addition goes through :meth:`extend`.
        """
        for q in add:
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                raise StoreError("blank nodes are not stored; skolemize them first")
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise StoreError("kb writes only named graphs")
        clear = {g: subjects for g, subjects in (clear or {}).items() if subjects}
        if not drop and not clear:
            if add:
                self.extend(add)
            return
        parts = [f"DROP SILENT GRAPH {g}" for g in drop]
        for graph, subjects in clear.items():
            for start in range(0, len(subjects), 1000):
                values = " ".join(str(s) for s in subjects[start : start + 1000])
                parts.append(
                    f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} GRAPH {graph} {{ ?s ?p ?o }} }}"
                )
        if add:
            body = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in add)
            parts.append(f"INSERT DATA {{\n{body}\n}}")
        self.run_update(" ;\n".join(parts))

    def extend(self, add: Sequence[ox.Quad]) -> None:
        """Add quads in one transaction."""
        body = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in add)
        self.run_update(f"INSERT DATA {{\n{body}\n}}")

    @abc.abstractmethod
    def run_update(self, update: str) -> None:
        """Run one SPARQL Update request, made by kb, as one transaction."""

    @abc.abstractmethod
    def dump(self, fmt: str, graphs: Sequence[URIRef]) -> bytes:
        """Serialize these graphs in a format of :data:`kb.formats.RDF_FORMATS`.

        Dataset formats keep the graph names; triple formats get their union.
        """

    @abc.abstractmethod
    def count(self) -> int:
        """The number of quads stored."""

    def close(self) -> None:  # pragma: no cover - trivial default
        pass
