"""The stored context a write is validated with.

A write is validated with its new triples as focus nodes, plus what the store
already says about every node they name (outside the graphs being replaced,
and outside the kept graphs), plus the ``rdf:type`` of every IRI that says they
link to, for ``sh:class`` checks. Two SPARQL queries per 2,000 nodes (the
nodes in a ``VALUES`` block), answered inside the engine, on any backend.

Entities being re-derived (``skip``) are left out: their whole new canonical
description is part of the write, and their old one is about to go.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pyoxigraph as ox

from .. import iris
from ..store.base import Backend
from ..vocab import RDF
from .changes import OxTriple

__all__ = ["context_triples", "linking_to"]

_TYPE = ox.NamedNode(str(RDF.type))


def _chunks(items: list[Any], size: int = 2000) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def context_triples(
    backend: Backend,
    new: Iterable[OxTriple],
    *,
    exclude: set[ox.NamedNode],
    skip: Iterable[ox.NamedNode] = (),
    extra: Iterable[ox.NamedNode] = (),
) -> list[OxTriple]:
    """What the store says about the nodes of ``new``, and about the ``extra`` nodes
    (see the module docstring)."""
    skip = set(skip)
    nodes: set[ox.NamedNode] = set(extra)
    for s, p, o in new:
        if isinstance(s, ox.NamedNode):
            nodes.add(s)
        if isinstance(o, ox.NamedNode) and p != _TYPE:
            nodes.add(o)
    nodes -= skip
    graphs = exclude | {ox.NamedNode(str(g)) for g in iris.KEPT_GRAPHS}
    entities = ox.NamedNode(str(iris.ENTITIES_GRAPH))
    not_in = ", ".join(str(g) for g in sorted(graphs, key=str))
    seen: dict[OxTriple, None] = {}
    subjects: set[Any] = set()
    linked: set[ox.NamedNode] = set()
    for chunk in _chunks(sorted(nodes, key=str)):
        # Contribution graphs and, for entities not being re-derived, their canonical description.
        query = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {' '.join(map(str, chunk))} }} "
            f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({not_in})) }} UNION {{ GRAPH {entities} {{ ?s ?p ?o }} }} }}"
        )
        _names, rows = backend.select(query, union=False)
        for row in rows:
            s, p, o = row["s"], row["p"], row["o"]
            seen[(s, p, o)] = None
            subjects.add(s)
            if isinstance(o, ox.NamedNode) and p != _TYPE:
                linked.add(o)
    targets = sorted(linked - subjects - skip, key=str)
    not_in = ", ".join(str(g) for g in sorted(exclude | {ox.NamedNode(str(iris.PROVENANCE_GRAPH))}, key=str))
    for chunk in _chunks(targets):
        query = (
            f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?s {{ {' '.join(map(str, chunk))} }} "
            f"GRAPH ?g {{ ?s {_TYPE} ?o }} FILTER(?g NOT IN ({not_in})) }}"
        )
        _names, rows = backend.select(query, union=False)
        for row in rows:
            seen[(row["s"], _TYPE, row["o"])] = None
    return list(seen)


def linking_to(backend: Backend, nodes: Iterable[ox.NamedNode], *, exclude: set[ox.NamedNode]) -> set[ox.NamedNode]:
    """Stored subjects (outside ``exclude`` and the kept graphs) that link to ``nodes``:
    their ``sh:class`` checks depend on what those nodes are."""
    skip = exclude | {ox.NamedNode(str(g)) for g in iris.KEPT_GRAPHS}
    found: set[ox.NamedNode] = set()
    for chunk in _chunks(sorted(set(nodes), key=str), 200):
        query = f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?o {{ {' '.join(map(str, chunk))} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        _names, rows = backend.select(query, union=False)
        for row in rows:
            if isinstance(row["s"], ox.NamedNode) and row["g"] not in skip:
                found.add(row["s"])
    return found


def stored_triples(backend: Backend, graph: ox.NamedNode) -> list[OxTriple]:
    """A stored graph's triples."""
    _names, rows = backend.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": _rdflib(graph)}, union=False)
    return [(row["s"], row["p"], row["o"]) for row in rows]


def _rdflib(node: ox.NamedNode) -> Any:
    from rdflib import URIRef

    return URIRef(node.value)


def subjects_of(triples: Sequence[OxTriple]) -> set[ox.NamedNode]:
    return {s for s, _p, _o in triples if isinstance(s, ox.NamedNode)}
