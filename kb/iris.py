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
    "is_minted",
    "local_path",
]

_ENTITY_FOLDERS = {
    "Person": "person",
    "Organization": "org",
    "NewsMediaOrganization": "org",
    "Place": "place",
}

#: Where the ingest provenance of every graph is kept.
PROVENANCE_GRAPH = URIRef(ID_BASE + "graph/provenance")


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


def mint(*path: str) -> URIRef:
    return URIRef(ID_BASE + "/".join(path))


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


def is_minted(iri: str) -> bool:
    return iri.startswith(ID_BASE)


def local_path(iri: str) -> str:
    """``https://w3id.org/claimkb/id/person/x#y`` → ``person/x`` (for URL building)."""
    return iri[len(ID_BASE) :].split("#", 1)[0]
