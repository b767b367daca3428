"""Small, always-fast lookups of one node's properties.

Why not one big query with OPTIONALs: Oxigraph may evaluate an OPTIONAL's inside
before joining it to the bound node (a scan over every claim at 100k), and the
union default graph repeats a shared node's triples once per document graph, so
joining several properties multiplies rows. One DISTINCT pattern per node is an
index lookup either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rdflib import URIRef

from ..vocab import KB as _KB, RDF as _RDF, SDO as _SDO

__all__ = ["props", "first", "name_of", "text", "SDO", "KBNS", "RDF_TYPE"]

SDO = str(_SDO._NS)  # namespace strings, from kb.vocab (the one place they are declared)
KBNS = str(_KB._NS)
RDF_TYPE = str(_RDF.type)

_PROPS = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
_NAME = "SELECT ?s ?name WHERE { ?s schema:name ?name } LIMIT 1"


def props(kb: Any, iri: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    if not iri:
        return out
    for r in kb.select(_PROPS, {"s": URIRef(iri)}):
        out.setdefault(r["p"], []).append(r["o"])
    return out


def first(p: dict[str, list[Any]], key: str) -> str:
    """The first value of property ``key`` as text ('' if none); dates as ISO strings."""
    values = p.get(key) or []
    if not values:
        return ""
    value = values[0]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def raw(p: dict[str, list[Any]], key: str) -> Any:
    values = p.get(key) or []
    return values[0] if values else None


def name_of(kb: Any, iri: str) -> str:
    if not iri:
        return ""
    rows = kb.select(_NAME, {"s": URIRef(iri)})
    return str(rows[0]["name"]) if rows else ""


def text(value: Any) -> str:
    """A plain value as page text: dates in ISO form, nothing as the empty string."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
