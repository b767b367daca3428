"""Linked data: what a minted IRI is, and its description as RDF or as a property table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from .. import iris
from ..errors import NotFoundError
from ..iris import PROVENANCE_GRAPH
from ..vocab import KB, PREFIXES, SDO

__all__ = ["PAGE_KINDS", "page_kind", "describe_rdf", "Statement", "statements", "short_iri", "label_of"]

#: rdf:type → which page renders the resource (the first match wins).
PAGE_KINDS = (
    (str(SDO.Claim), "claim"),
    (str(SDO.NewsArticle), "document"),
    (str(SDO.Person), "entity"),
    (str(SDO.Organization), "entity"),
    (str(SDO.NewsMediaOrganization), "entity"),
    (str(KB.AnonymousSource), "entity"),
)
# A path kb mints: letters, digits and - _ . / only, so it is safe inside <...> in a query.
# (The base itself is checked when it is configured: kb.baseiri.)
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._~/-]+(#[A-Za-z0-9._~-]+)?$")


def _safe(iri: str) -> bool:
    return iris.is_minted(iri) and bool(_SAFE_PATH.match(iri[len(iris.base()):]))

_TYPES = "SELECT ?s ?type WHERE { ?s a ?type }"
_LINKS = "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }"
_OUT = """
SELECT ?s ?p ?o (isIRI(?o) AS ?iri) (LANG(?o) AS ?lang) (DATATYPE(?o) AS ?dt) ?olabel WHERE {
  ?s ?p ?o . OPTIONAL { ?o schema:name ?olabel }
}
"""
_IN = """
SELECT ?o ?s ?p ?slabel WHERE { ?s ?p ?o . OPTIONAL { ?s schema:name ?slabel } } LIMIT 200
"""


def short_iri(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def page_kind(kb: Any, iri: str) -> str:
    """``claim``, ``document``, ``entity``, ``graph`` or ``resource``; raises NotFoundError if unknown."""
    if not _safe(iri):  # '"', '<', '\\', NUL...: no IRI kb mints, and not one the store could even look up
        raise NotFoundError(f"{iri} is not an IRI this knowledge base mints")
    if _is_graph(kb, iri):
        return "graph"
    types = {r["type"] for r in kb.select(_TYPES, {"s": URIRef(iri)})}
    for type_iri, kind in PAGE_KINDS:
        if type_iri in types:
            return kind
    if types:
        return "resource"
    node = URIRef(iri)
    if kb.ask("ASK { ?s ?p ?o }", {"s": node}) or kb.ask("ASK { ?s ?p ?o }", {"o": node}):
        return "resource"
    raise NotFoundError(f"nothing is known about {iri}")


def _is_graph(kb: Any, iri: str) -> bool:
    if not iri.startswith(iris.base() + "graph/") or iri == str(PROVENANCE_GRAPH):
        return False
    try:
        kb.document_graph(iri)
        return True
    except NotFoundError:
        return False


def _subjects(kb: Any, iri: str) -> list[str]:
    """The IRI and its own hash nodes (#anchor, #span-1, #span-1-pos, ...), found by following links."""
    base = iri + "#"
    seen = {iri, base + "anchor"}
    todo = list(seen)
    while todo:
        node = todo.pop()
        for r in kb.select(_LINKS, {"s": URIRef(node)}):
            o = r["o"]
            if o.startswith(base) and o not in seen:
                seen.add(o)
                todo.append(o)
    return sorted(s for s in seen if _safe(s))


def describe_rdf(kb: Any, iri: str, fmt: str) -> bytes:
    """The triples about ``iri`` and its hash nodes, in an RDF format (a graph IRI gives its graph)."""
    if not _safe(iri):
        raise NotFoundError(f"{iri} is not an IRI this knowledge base mints")
    if _is_graph(kb, iri):
        return kb.export(fmt, document=iri)
    subjects = _subjects(kb, iri)
    values = " ".join(f"<{s}>" for s in subjects)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
    return kb.query(query, result_format=fmt, max_rows=100_000).body


@dataclass(frozen=True)
class Statement:
    predicate: str
    value: str
    is_iri: bool
    label: str = ""
    lang: str = ""
    datatype: str = ""


def statements(kb: Any, iri: str) -> tuple[list[Statement], list[Statement]]:
    """Outgoing statements, and up to 200 incoming ones (value = the subject pointing here)."""
    node = URIRef(iri)
    out = {
        Statement(r["p"], str(r["o"]), bool(r["iri"]), r.get("olabel") or "", r.get("lang") or "",
                  "" if r["iri"] else (r.get("dt") or ""))
        for r in kb.select(_OUT, {"s": node})
    }
    incoming = {Statement(r["p"], r["s"], True, r.get("slabel") or "") for r in kb.select(_IN, {"o": node})}
    key = lambda s: (s.predicate, s.value)  # noqa: E731
    return sorted(out, key=key), sorted(incoming, key=key)


def label_of(kb: Any, iri: str) -> str:
    rows = kb.select("SELECT ?s ?name WHERE { ?s schema:name|schema:headline ?name } LIMIT 1", {"s": URIRef(iri)})
    return rows[0]["name"] if rows else iri[len(iris.base()):] if iris.is_minted(iri) else iri
