"""Removal and restoration: nothing is hard-deleted (see :mod:`kb.writing.history`).

``remove`` takes a document's graph out, or one claim out of its document; ``restore``
brings an archived version back; ``removal`` says why a node is gone. Each write goes
through the one pipeline (``KnowledgeBase.commit``), so it is validated, archived and
recorded with who and why like every other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from .. import iris
from ..errors import InputError, NotFoundError
from ..vocab import SDO
from .changes import Change, IngestResult, InputMeta
from .context import stored_triples

if TYPE_CHECKING:  # pragma: no cover
    from ..knowledge import KnowledgeBase

__all__ = ["graph_of", "remove", "restore", "removal"]


def graph_of(kb: "KnowledgeBase", iri: str) -> URIRef:
    """The named graph that holds a document, a claim, or is the IRI itself."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise InputError(f"{iri!r} is not an IRI") from None
    node = URIRef(iri)
    if kb.backend.has_graph(node) and node not in iris.KEPT_GRAPHS:
        return node
    rows = kb.select("SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?t } } LIMIT 1", {"s": node})
    if rows and URIRef(str(rows[0]["g"])) not in iris.KEPT_GRAPHS:
        return URIRef(str(rows[0]["g"]))
    raise NotFoundError(f"{iri} is not a stored document, claim or graph")


def remove(kb: "KnowledgeBase", iri: str, *, agent: str | None = None, reason: str | None = None) -> IngestResult:
    """Remove a document's graph, or one claim from its document, keeping the
    previous version in the history. Validated like any write: a removal that
    would leave another graph pointing at nothing is refused."""
    graph = kb.graph_of(iri)
    source = InputMeta(f"remove {iri}", iris.sha256_hex(f"remove {iri} {reason or ''}"), "application/sparql-update")
    if graph == URIRef(iri) or kb.ask("ASK { GRAPH ?g { ?s a schema:NewsArticle } }", {"g": graph, "s": URIRef(iri)}):
        return kb.commit([Change(graph, None, source, ox_triples=[], delete=True)], agent=agent, reason=reason)
    # One claim: its own node and its anchors (<claim>#anchor, #span-1, ...) leave its graph.
    kept = [t for t in stored_triples(kb.backend, _ox(graph)) if not _belongs_to(t[0], iri)]
    return kb.commit(
        [Change(graph, None, source, ox_triples=kept, compare="content")], agent=agent, reason=reason, action="removed"
    )


def restore(kb: "KnowledgeBase", version: str, *, agent: str | None = None, reason: str | None = None) -> IngestResult:
    """Bring an archived version back as its graph's current content (the current one is archived)."""
    found = kb.history.version(version)
    triples = kb.history.content(version)
    source = InputMeta(f"restore {version}", iris.sha256_hex(f"restore {version}"), "application/n-quads")
    change = Change(
        URIRef(found.graph), None, source, document=URIRef(found.document) if found.document else None,
        ox_triples=triples, compare="content",
    )
    return kb.commit([change], agent=agent, reason=reason or f"restored {version}")


def removal(kb: "KnowledgeBase", iri: str) -> dict[str, Any] | None:
    """Why a node that is no longer stored is gone: its last archived version (the
    record of its removal or replacement) and, for a replaced claim, its successor
    (a live claim of the same graph with the same text). ``None`` if it never was."""
    found = [v for v in kb.history.versions(iri) if v.iri != iri]
    if not found:
        return None
    last = found[-1]
    successor = None
    graph = URIRef(last.graph)
    if kb.backend.has_graph(graph):
        texts = [t[2] for t in kb.history.content(last.iri) if t[0].value == iri and t[1].value == str(SDO.text)]
        for text in texts:
            rows = kb.select(
                "SELECT ?g ?text ?c WHERE { GRAPH ?g { ?c a schema:Claim ; schema:text ?text } } LIMIT 1",
                {"g": graph, "text": Literal(text.value)},
            )
            successor = rows[0]["c"] if rows else None
    return {"version": last, "successor": successor, "versions": found}


def _ox(graph: URIRef) -> Any:
    return ox.NamedNode(str(graph))


def _belongs_to(subject: Any, claim: str) -> bool:
    value = getattr(subject, "value", None)
    return value == claim or (isinstance(value, str) and value.startswith(claim + "#"))
