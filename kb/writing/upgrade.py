"""Upgrading a store written with an older layout.

Layout 1 (kb 0.1) described every person, organization and place inside each
article's graph. Layout 2 moves those descriptions onto per-graph contribution
nodes and derives one canonical description per entity
(:mod:`kb.writing.entities`). A store opened for writing is upgraded at once
(``kb upgrade`` does the same explicitly); the layout version is recorded in
the provenance graph as ``<id/store> kb:layoutVersion "2"``.

The upgrade rewrites each graph on its own, then derives every entity in one
write; it validates nothing (the data was valid when written, and the new
layout only removes constraints across articles). ``kb validate`` checks the
result.
"""

from __future__ import annotations

import pyoxigraph as ox

from .. import iris
from ..store.base import Backend
from ..vocab import KB
from . import entities as E
from .context import stored_triples

__all__ = ["LAYOUT", "layout_version", "mark_current", "upgrade"]

LAYOUT = "2"


def _marker() -> tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]:
    return ox.NamedNode(str(iris.mint("store"))), ox.NamedNode(str(KB.layoutVersion)), ox.NamedNode(str(iris.PROVENANCE_GRAPH))


def layout_version(backend: Backend) -> str | None:
    node, prop, graph = _marker()
    _names, rows = backend.select(f"SELECT ?v WHERE {{ GRAPH {graph} {{ {node} {prop} ?v }} }}", union=False)
    for row in rows:
        return str(row["v"].value)
    return None


def _content_graphs(backend: Backend) -> list[ox.NamedNode]:
    return [ox.NamedNode(str(g)) for g in backend.graphs() if g not in iris.KEPT_GRAPHS]


def mark_current(backend: Backend) -> None:
    node, prop, graph = _marker()
    if layout_version(backend) == LAYOUT:
        return
    clear = {graph: [node]}
    backend.commit(clear=clear, add=[ox.Quad(node, prop, ox.Literal(LAYOUT), graph)])


def upgrade(backend: Backend) -> int:
    """Rewrite every graph in the current layout; returns how many graphs changed."""
    if layout_version(backend) == LAYOUT:
        return 0  # marked current (every open checks: not a list of every graph each time)
    graphs = _content_graphs(backend)
    if not graphs:
        return 0  # an empty store is marked by its first write (KnowledgeBase.commit)
    changed = 0
    touched: set[ox.NamedNode] = set()
    for graph in graphs:
        old = stored_triples(backend, graph)
        new, _entities = E.split(graph, old)
        touched |= E.entities_of(new)
        if set(new) != set(old):
            backend.commit(drop=[graph], add=[ox.Quad(s, p, o, graph) for s, p, o in new])
            changed += 1
    canonical = E.derive(backend, touched, [], exclude=set())
    entities_graph = ox.NamedNode(str(iris.ENTITIES_GRAPH))
    quads = [ox.Quad(s, p, o, entities_graph) for triples in canonical.values() for s, p, o in triples]
    backend.commit(drop=[entities_graph], add=quads) if quads else None
    mark_current(backend)
    return changed
