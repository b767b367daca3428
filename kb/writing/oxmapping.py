"""A claim record straight to pyoxigraph triples: the bulk-ingest fast path.

:func:`kb.writing.mapping.record_to_graph` is the reference: it builds an rdflib
``Graph``, and adding to an rdflib graph (indexing every triple three ways)
plus converting every term to pyoxigraph afterwards cost ~40% of a validated
ingest. :func:`record_to_ox_triples` runs the *same* builder (its subclass only
replaces where the triples go), keeps the triples in a dict (a set that keeps
insertion order, so duplicates collapse exactly as in a graph) and converts
each term once, with IRIs and datatypes memoized. ``tests/test_core_bulk.py``
checks both give the same triples on the seed record and on generated records.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from .mapping import _Builder
from ..store.convert import to_ox
from ..record import ArticleRecord

__all__ = ["record_to_ox_triples", "OxTriple"]

OxTriple = tuple[Any, Any, Any]

_IRI_CACHE: dict[str, ox.NamedNode] = {}


def _iri(value: str) -> ox.NamedNode:
    node = _IRI_CACHE.get(value)
    if node is None:
        node = ox.NamedNode(value)
        if len(_IRI_CACHE) < 4096:  # vocabulary terms; minted IRIs are not worth keeping
            _IRI_CACHE[value] = node
    return node


class _OxBuilder(_Builder):
    def __init__(self, record: ArticleRecord) -> None:
        super().__init__(record)
        self.triples: dict[tuple[Node, Node, Node], None] = {}

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.triples[(s, p, o)] = None

    def build_ox(self) -> list[OxTriple]:
        self.build()
        nodes: dict[Node, Any] = {}
        out: list[OxTriple] = []
        for s, p, o in self.triples:
            s2 = nodes.get(s)
            if s2 is None:
                s2 = nodes[s] = to_ox(s)
            p2 = _PREDICATES.get(p)
            if p2 is None:
                p2 = _PREDICATES[p] = _iri(str(p))
            o2 = nodes.get(o)
            if o2 is None:
                o2 = nodes[o] = to_ox(o)
            out.append((s2, p2, o2))
        return out


_PREDICATES: dict[Node, ox.NamedNode] = {}


def record_to_ox_triples(record: ArticleRecord) -> tuple[URIRef, list[OxTriple]]:
    """The document IRI and the triples of :func:`kb.writing.mapping.record_to_graph`, as pyoxigraph terms."""
    builder = _OxBuilder(record)
    return builder.doc, builder.build_ox()
