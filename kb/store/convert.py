"""Convert RDF terms between rdflib and pyoxigraph.

kb's public API speaks rdflib; the embedded engine speaks pyoxigraph. Converting
costs time, so hot paths (page queries) use :func:`plain` instead, which turns a
pyoxigraph term straight into the Python value a template needs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..vocab import RDF, XSD

__all__ = ["to_ox", "from_ox", "quad_to_ox", "plain"]

_XSD = str(XSD._NS)
_INTEGERS = {
    _XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte", "negativeInteger",
        "nonPositiveInteger",
    )
}
_RDF_LANG_STRING = str(RDF.langString)


_DATATYPES: dict[str, Any] = {}


def _datatype(iri: str) -> Any:
    # A handful of datatypes recur in every literal; building their NamedNode once
    # shows up in bulk ingest profiles.
    node = _DATATYPES.get(iri)
    if node is None:
        node = _DATATYPES[iri] = ox.NamedNode(iri)
    return node


def to_ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=_datatype(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def from_ox(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD + "string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r}")


def quad_to_ox(s: Node, p: Node, o: Node, g: URIRef | None) -> ox.Quad:
    graph = ox.DefaultGraph() if g is None else ox.NamedNode(str(g))
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)


def plain(term: Any) -> str | int | float | Decimal | dt.date | bool | None:
    """A pyoxigraph term as a plain Python value: IRIs and strings as ``str``,
    numbers as numbers, ``xsd:date`` as :class:`datetime.date`."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term.value
    datatype = term.datatype.value
    value = term.value
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype == _XSD + "decimal":
            return Decimal(value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(value)
        if datatype == _XSD + "date":
            return dt.date.fromisoformat(value)
        if datatype == _XSD + "boolean":
            return value in ("true", "1")
    except ValueError:
        pass  # an ill-typed literal stays a string; shapes report it
    return value
