"""What kb needs from a store, whatever engine is behind it.

Two backends implement :class:`Backend`: :mod:`kb.store.embedded` (Oxigraph on
disk, the default) and :mod:`kb.store.remote` (any SPARQL 1.1 server).
"""

from __future__ import annotations

import abc
from typing import Any, Iterable, Iterator, Mapping, Sequence

from rdflib import URIRef
from rdflib.term import Node

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

    @abc.abstractmethod
    def write(self, *, drop: Sequence[URIRef] = (), add: Iterable[Quad] = ()) -> None:
        """Drop whole graphs and add quads in one transaction: all of it or none of it."""

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
