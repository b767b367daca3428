"""What the SPARQL workbench needs: prefixes, classes and properties to complete, canned queries.

Completion is served from here, never from prefix.cc or LOV: the terms kb's
own vocabulary declares, plus the classes actually used in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib.namespace import DefinedNamespace

from .. import vocab
from ..vocab import PREFIXES, SPARQL_PREFIXES
from .store import cached

__all__ = ["CannedQuery", "CANNED_QUERIES", "canned", "prefixes", "completions"]

_CLASSES_IN_STORE = "SELECT DISTINCT ?class WHERE { ?s a ?class } LIMIT 2000"
_OWN = (vocab.SDO, vocab.OA, vocab.KB)
# PROV, RDF, RDFS, XSD and SKOS terms a user of this knowledge base is likely to type.
_EXTRA_PROPERTIES = [
    str(vocab.RDF.type), str(vocab.RDFS.label), str(vocab.RDFS.comment), str(vocab.SKOS.prefLabel),
    str(vocab.PROV.wasGeneratedBy), str(vocab.PROV.used), str(vocab.PROV.startedAtTime),
    str(vocab.PROV.endedAtTime), str(vocab.PROV.wasAssociatedWith),
]
_EXTRA_CLASSES = [str(vocab.PROV.Activity), str(vocab.PROV.Bundle), str(vocab.PROV.Entity),
                  str(vocab.PROV.SoftwareAgent)]


def _terms(ns: type[DefinedNamespace]) -> list[str]:
    base = str(ns._NS)
    return [base + name for name in getattr(ns, "__annotations__", {})]


def _is_class(iri: str) -> bool:
    local = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return local[:1].isupper()


def prefixes() -> dict[str, str]:
    return dict(PREFIXES)


def completions(kb: Any, kind: str, text: str = "", limit: int = 50) -> list[str]:
    """Full IRIs of classes (``kind="class"``) or properties whose IRI or prefixed name contains ``text``."""
    own = [t for ns in _OWN for t in _terms(ns)]
    if kind == "class":
        found = cached(kb, "classes", (), lambda: [r["class"] for r in kb.select(_CLASSES_IN_STORE)])
        pool = [t for t in own if _is_class(t)] + _EXTRA_CLASSES + found
    else:
        pool = [t for t in own if not _is_class(t)] + _EXTRA_PROPERTIES
    needle = text.lower()
    out: list[str] = []
    for iri in dict.fromkeys(pool):
        short = _prefixed(iri)
        if not needle or needle in iri.lower() or needle in short.lower():
            out.append(iri)
    return sorted(out, key=lambda i: (not _prefixed(i).lower().split(":")[-1].startswith(needle.split(":")[-1]), i))[:limit]


def _prefixed(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass(frozen=True)
class CannedQuery:
    id: str
    title: str
    question: str
    body: str

    @property
    def text(self) -> str:
        """The query with the PREFIX lines it uses, ready to paste anywhere."""
        used = [line for line in SPARQL_PREFIXES.splitlines() if line.split()[1] in self.body]
        return "\n".join(used) + "\n\n" + self.body.strip() + "\n"


CANNED_QUERIES = (
    CannedQuery(
        "claims-by-speaker",
        "Claims by a speaker",
        "What did one person say? (The most quoted speaker; put a name in the FILTER to pick another.)",
        """
SELECT ?speakerName ?kind ?text ?date ?claim WHERE {
  { SELECT ?speaker (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; schema:author ?speaker }
    GROUP BY ?speaker ORDER BY DESC(?n) LIMIT 1 }
  ?speaker schema:name ?speakerName .
  # FILTER(?speakerName = "Esmail Qaani")
  ?claim schema:author ?speaker ; schema:text ?text ; kb:kind ?kind .
  OPTIONAL { ?claim schema:dateCreated ?date }
}
ORDER BY ?date ?claim
""",
    ),
    CannedQuery(
        "claims-via-intermediary",
        "Claims that came through an intermediary",
        "Which claims reached the article second-hand, and through whom?",
        """
SELECT ?speakerName ?medium ?intermediary ?text ?claim WHERE {
  ?claim a schema:Claim ; kb:via ?via ; schema:text ?text .
  ?via schema:name ?intermediary .
  OPTIONAL { ?claim schema:author/schema:name ?speakerName }
  OPTIONAL { ?claim schema:firstAppearance/schema:genre ?medium }
}
ORDER BY ?intermediary ?speakerName
""",
    ),
    CannedQuery(
        "speakers-ranked",
        "Speakers ranked by number of claims",
        "Who is quoted most?",
        """
SELECT ?speaker ?name (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?claim a schema:Claim ; schema:author ?speaker .
  ?speaker schema:name ?name .
}
GROUP BY ?speaker ?name
ORDER BY DESC(?claims) ?name
""",
    ),
    CannedQuery(
        "claims-mentioning-organization",
        "Claims mentioning an organization",
        "Which claims name an organization in their text?",
        """
SELECT ?organization ?text ?speakerName ?claim WHERE {
  ?org a schema:Organization ; schema:name ?organization .
  ?claim a schema:Claim ; schema:text ?text .
  FILTER(CONTAINS(LCASE(?text), LCASE(?organization)))
  OPTIONAL { ?claim schema:author/schema:name ?speakerName }
}
ORDER BY ?organization ?claim
""",
    ),
)


def canned(query_id: str) -> CannedQuery | None:
    return next((q for q in CANNED_QUERIES if q.id == query_id), None)
