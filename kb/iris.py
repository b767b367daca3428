"""Deterministic IRIs: the same input always mints the same IRIs.

Documents are named by the SHA-256 of their text, claims by their document and
spans, people and organizations by their canonical name (so the same person is
the same node across documents), and things that only exist inside one article
(an anonymous source, a letter, a rally) by their article and label.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Iterable

from rdflib import URIRef

from .vocab import ID_BASE

__all__ = [
    "sha256_hex",
    "digest",
    "slug",
    "mint",
    "document_id",
    "document_iri",
    "graph_iri",
    "claim_iri",
    "entity_iri",
    "PROVENANCE_GRAPH",
    "ENTITIES_GRAPH",
    "KEPT_GRAPHS",
    "DERIVED_GRAPHS",
    "RELATIONS_GRAPH",
    "CURATIONS_GRAPH",
    "contribution_iri",
    "version_iri",
    "is_minted",
    "local_path",
    "base",
    "set_base",
]

_ENTITY_FOLDERS = {
    "Person": "person",
    "Organization": "org",
    "NewsMediaOrganization": "org",
    "Place": "place",
}

#: Where the ingest provenance of every graph is kept.
PROVENANCE_GRAPH = URIRef(ID_BASE + "graph/provenance")
#: Where the canonical description of every person, organization and place is
#: kept, derived from the contributions of all graphs (kb.writing.entities).
ENTITIES_GRAPH = URIRef(ID_BASE + "graph/entities")
#: Where kb keeps the relations between claims it derives: its proposals, and the direct
#: triples of every relation not rejected (kb.tracking). Users' curations are in CURATIONS_GRAPH.
RELATIONS_GRAPH = URIRef(ID_BASE + "graph/relations")
#: Users' relation curations (asserted, confirmed, rejected): an ordinary graph written through
#: the write pipeline, so it is validated, versioned and survives re-ingesting the articles.
CURATIONS_GRAPH = URIRef(ID_BASE + "graph/curations")
#: Graphs kb derives and keeps itself: no input, update or Graph Store request writes them.
KEPT_GRAPHS = frozenset({PROVENANCE_GRAPH, ENTITIES_GRAPH, RELATIONS_GRAPH})
#: The kept graphs kb derives from the others: an export holds them, and ingesting the
#: export derives them again instead of reading them.
DERIVED_GRAPHS = KEPT_GRAPHS - {PROVENANCE_GRAPH}


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def digest(*parts: object, length: int = 16) -> str:
    """A short stable hash of ``parts``; the separator keeps ("ab", "c") apart from ("a", "bc")."""
    return sha256_hex("\x1f".join(str(p) for p in parts))[:length]


def slug(name: str) -> str:
    """``"Esmail Qaani"`` → ``"esmail-qaani"``; names with no Latin letters fall back to a hash."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return text[:80] if text else "h" + digest(name, length=12)


# The namespace of minted IRIs: ID_BASE unless the deployment sets its own (KB_BASE_IRI,
# --base-iri), so that its IRIs dereference at its own address. Set by KnowledgeBase when it
# opens a store (kb.baseiri), never at import. kb's own bookkeeping graphs above
# (provenance, entities) keep their names under ID_BASE whatever the base.
_base = ID_BASE


def base() -> str:
    return _base


def set_base(iri: str) -> None:
    global _base
    _base = iri


def mint(*path: str) -> URIRef:
    return URIRef(_base + "/".join(path))


def agent_iri(name: str) -> URIRef:
    """The person or tool named ``name`` in provenance and curation records. The slug keeps
    it readable; the hash of the exact name keeps "Jane Roe" and "jane roe" (one slug) two
    agents, each with one label."""
    return mint("agent", f"{slug(name)}-{digest(name, length=8)}")


def input_iri(sha256: str, name: str) -> URIRef:
    """An ingested input: the same bytes under two file names are two inputs, each with its
    one name (the no-op check compares the bytes' hash, not this IRI)."""
    return mint("input", digest(sha256, name, length=32))


def document_id(text: str) -> str:
    return sha256_hex(text)[:20]


def document_iri(text: str) -> URIRef:
    return mint("doc", document_id(text))


def graph_iri(key: str) -> URIRef:
    """The named graph of one ingest: ``key`` is a document id or an input file hash."""
    return mint("graph", key)


def claim_iri(doc_id: str, spans: Iterable[tuple[int, int]]) -> URIRef:
    return mint("claim", digest(doc_id, *(f"{s}-{e}" for s, e in spans)))


def entity_iri(kind: str, name: str, doc_id: str) -> URIRef:
    """People, organizations and places are global; anonymous sources belong to one document."""
    if kind == "Anonymous":
        return mint("source", f"{doc_id[:12]}-{slug(name)}")
    return mint(_ENTITY_FOLDERS[kind], slug(name))


def contribution_iri(entity: str, graph: str) -> URIRef:
    """What one graph says about an entity: one node per (entity, graph), so no
    triple about an entity is ever repeated in two graphs."""
    return mint("contribution", digest(graph, length=12), digest(entity, length=12))


def version_iri(graph: str, sha256: str, archived: str) -> URIRef:
    """An archived version of a graph (kb.writing.history)."""
    return mint("version", digest(graph, sha256, archived))


def is_minted(iri: str) -> bool:
    return iri.startswith(_base)


def local_path(iri: str) -> str:
    """``https://w3id.org/claimkb/id/person/x#y`` → ``person/x`` (for URL building)."""
    return iri[len(_base) :].split("#", 1)[0]
