"""SPARQL 1.1 Graph Store HTTP Protocol operations, as kb functions.

https://www.w3.org/TR/sparql11-http-rdf-update/ -- ``graph`` is a graph IRI,
or ``None`` for the protocol's default graph, which in kb (as in its queries)
is the union of the content graphs:

- ``GET``/``HEAD`` a named graph, or the union;
- ``PUT`` replaces a named graph; ``POST`` merges into it (into the default
  graph: stored as a new graph named by the body's hash, like ``kb ingest``,
  so it shows up in the union); ``DELETE`` removes a named graph;
- replacing or deleting the whole default graph is refused (it is everything);
- every write is validated like an ingest (:func:`kb.update.write_graphs`)
  and recorded in the provenance graph, which itself cannot be written.

Bodies are parsed by :func:`kb.formats.parse_rdf`, which refuses DTDs and
remote JSON-LD contexts; blank nodes are skolemized per body, so posting the
same body twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import iris
from .errors import InputError, NotFoundError, ReadOnlyError
from .formats import RDF_FORMATS, parse_rdf, rdf_format_for
from .store.convert import from_ox
from .store.embedded import serialize
from .update import graph_content, write_graphs
from .writing.changes import IngestResult, InputMeta, skolemize
from .writing.context import stored_triples
from .writing.entities import as_written

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge import KnowledgeBase

__all__ = ["GraphInfo", "get", "head", "put", "post", "delete", "graph_iri"]


@dataclass(frozen=True)
class GraphInfo:
    """What a HEAD answers: the graph exists, its triples, and the media type GET would send."""

    graph: URIRef | None
    exists: bool
    triples: int
    media_type: str


def graph_iri(value: str) -> URIRef:
    """Check a ``?graph=`` value: an absolute IRI (relative ones are refused, not guessed)."""
    text = value.strip()
    if ":" not in text or any(c in text for c in '<>"{}|^`\\ \n\t'):
        raise InputError(f"graph {value!r} is not an absolute IRI")
    return URIRef(text)


def _check_writable(graph: URIRef) -> None:
    if graph in iris.KEPT_GRAPHS:
        raise ReadOnlyError(f"the graph {graph} is kept by kb and cannot be written")


def _default_graphs(kb: "KnowledgeBase") -> list[URIRef]:
    return kb.dataset_graphs()


def _as_written(kb: "KnowledgeBase", graph: URIRef) -> list[ox.Quad]:
    """A named graph as its input said it: contributions read back as descriptions of
    their entities (kb.writing.entities.as_written), so a PUT graph GETs back as put."""
    g = ox.NamedNode(str(graph))
    return [ox.Quad(s, p, o, g) for s, p, o in as_written(stored_triples(kb.backend, g))]


def get(kb: "KnowledgeBase", graph: URIRef | None, fmt: str = "turtle") -> bytes:
    """Serialize one named graph, or (``graph=None``) the union of the content graphs."""
    fmt = rdf_format_for(fmt)
    if graph is None:
        return kb.backend.dump(fmt, _default_graphs(kb))
    if not kb.backend.has_graph(graph):
        raise NotFoundError(f"no graph {graph} in the knowledge base")
    return serialize(_as_written(kb, graph), fmt)


def head(kb: "KnowledgeBase", graph: URIRef | None, fmt: str = "turtle") -> GraphInfo:
    fmt = rdf_format_for(fmt)
    media = RDF_FORMATS[fmt][0]
    if graph is None:
        count = sum(len(graph_content(kb.backend, g)) for g in _default_graphs(kb))
        return GraphInfo(None, True, count, media)
    if not kb.backend.has_graph(graph):
        return GraphInfo(graph, False, 0, media)
    return GraphInfo(graph, True, len(_as_written(kb, graph)), media)


def _body(data: bytes, media_type: str, name: str, graph: URIRef | None) -> tuple[Graph, InputMeta]:
    fmt = rdf_format_for(media_type)
    ds = parse_rdf(data, fmt, name)
    content = Graph()
    for g in ds.graphs():
        if len(g) and isinstance(g.identifier, URIRef) and str(g.identifier) != "urn:x-rdflib:default":
            raise InputError(f"{name}: a Graph Store body is one graph; it names the graph {g.identifier}")
        for triple in g:
            content.add(triple)
    if len(content) == 0:
        raise InputError(f"{name}: holds no triples")
    meta = InputMeta(name, iris.sha256_hex(data), RDF_FORMATS[fmt][0])
    return skolemize(content, iris.digest(meta.sha256, graph or "default")), meta


def put(
    kb: "KnowledgeBase", graph: URIRef | None, data: bytes, media_type: str, *, name: str = "graph-store PUT",
    agent: str | None = None, reason: str | None = None,
) -> IngestResult:
    """Replace a named graph with the body, validated. ``added`` means it was created (201)."""
    if graph is None:
        raise ReadOnlyError("PUT to the default graph would replace the whole knowledge base; PUT to a named graph")
    _check_writable(graph)
    content, meta = _body(data, media_type, name, graph)
    return write_graphs(kb, {graph: content}, meta, agent=agent, reason=reason)


def post(
    kb: "KnowledgeBase", graph: URIRef | None, data: bytes, media_type: str, *, name: str = "graph-store POST",
    agent: str | None = None,
) -> IngestResult:
    """Merge the body into a named graph (created if absent), validated; into the default graph: ingest it."""
    if graph is None:
        fmt = rdf_format_for(media_type)
        return kb.ingest_rdf(data, fmt, name=name, agent=agent)
    _check_writable(graph)
    content, meta = _body(data, media_type, name, graph)
    merged = Graph()
    for q in _as_written(kb, graph):  # merge with the graph as its inputs said it
        merged.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    merged += content
    return write_graphs(kb, {graph: merged}, meta, agent=agent)


def delete(
    kb: "KnowledgeBase", graph: URIRef | None, *, agent: str | None = None, reason: str | None = None
) -> IngestResult:
    """Remove a named graph, validated (nothing else may depend on what it held)."""
    if graph is None:
        raise ReadOnlyError("DELETE of the default graph would empty the whole knowledge base; delete named graphs")
    _check_writable(graph)
    if not kb.backend.has_graph(graph):
        raise NotFoundError(f"no graph {graph} in the knowledge base")
    meta = InputMeta("graph-store DELETE", iris.sha256_hex(f"DELETE {graph}"), "application/sparql-update")
    return write_graphs(kb, {graph: Graph()}, meta, agent=agent, reason=reason)
