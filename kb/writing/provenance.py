"""Ingest provenance (PROV-O), kept in :data:`kb.iris.PROVENANCE_GRAPH`.

Each write is a ``prov:Activity`` that generated (``prov:wasGeneratedBy``) or
invalidated (``prov:wasInvalidatedBy``) graphs, used an input file (its name,
SHA-256 and media type), and was associated with kb (the software and its
version) and, when known, with the person or token that asked for it
(``prov:Agent``), with their reason (``kb:reason``). Names are ``rdfs:label``,
not ``schema:name``: provenance is in the union default graph users query, and
a query for the names of people and organizations must not list "kb" or file names.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..vocab import KB, PROV, RDF, RDFS, SDO, SPARQL_PREFIXES, XSD
from .changes import InputMeta, OxTriple

__all__ = ["TOOL_NAME", "tool_version", "generated", "invalidated", "now", "latest_input"]

TOOL_NAME = "kb"


@functools.lru_cache(maxsize=1)
def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimkb")
    except PackageNotFoundError:
        return "0+unknown"


def now() -> dt.datetime:
    # Microseconds: two writes of one graph within a second still order (latest_input).
    return dt.datetime.now(dt.timezone.utc)


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def timestamp(value: str) -> str:
    """An ``xsd:dateTime`` read back from the store, in one fixed form (UTC, six fraction
    digits, ``Z``). The store writes the canonical form, which drops trailing zeros
    ("05.12Z" for 05.120000), and such strings do not sort as the times do."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _time(value: dt.datetime) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_n(XSD.dateTime))


def _activity(
    activity: ox.NamedNode, source: InputMeta, started: dt.datetime, ended: dt.datetime,
    agent: str | None, reason: str | None,
) -> list[OxTriple]:
    version = tool_version()
    used = _n(iris.input_iri(source.sha256, source.name))
    software = _n(iris.mint("software", TOOL_NAME, version))
    out: list[OxTriple] = [
        (activity, _n(RDF.type), _n(PROV.Activity)),
        (activity, _n(PROV.startedAtTime), _time(started)),
        (activity, _n(PROV.endedAtTime), _time(ended)),
        (activity, _n(PROV.used), used),
        (activity, _n(PROV.wasAssociatedWith), software),
        (used, _n(RDF.type), _n(PROV.Entity)),
        (used, _n(RDFS.label), ox.Literal(source.name)),
        (used, _n(KB.sha256), ox.Literal(source.sha256)),
        (used, _n(SDO.encodingFormat), ox.Literal(source.media_type)),
        (software, _n(RDF.type), _n(PROV.SoftwareAgent)),
        (software, _n(RDFS.label), ox.Literal(TOOL_NAME)),
        (software, _n(SDO.softwareVersion), ox.Literal(version)),
    ]
    if agent:
        who = _n(iris.agent_iri(agent))
        out += [
            (activity, _n(PROV.wasAssociatedWith), who),
            (who, _n(RDF.type), _n(PROV.Agent)),
            (who, _n(RDFS.label), ox.Literal(agent)),
        ]
    if reason:
        out.append((activity, _n(KB.reason), ox.Literal(reason)))
    return out


def generated(
    graph: URIRef, document: URIRef | None, source: InputMeta, started: dt.datetime, ended: dt.datetime,
    *, agent: str | None = None, reason: str | None = None,
) -> list[ox.Quad]:
    """Provenance of a written graph."""
    g = _n(graph)
    activity = _n(iris.mint("ingest", iris.digest(graph, source.sha256, started.isoformat())))
    triples = [(g, _n(RDF.type), _n(PROV.Bundle)), (g, _n(PROV.wasGeneratedBy), activity)]
    if document is not None:
        triples.append((g, _n(KB.document), _n(document)))
    triples += _activity(activity, source, started, ended, agent, reason)
    pg = _n(iris.PROVENANCE_GRAPH)
    return [ox.Quad(s, p, o, pg) for s, p, o in triples]


def invalidated(
    graph: URIRef, source: InputMeta, started: dt.datetime, ended: dt.datetime,
    *, agent: str | None = None, reason: str | None = None,
) -> list[ox.Quad]:
    """Provenance of a removed graph: the activity that ended it (``prov:wasInvalidatedBy``)."""
    activity = _n(iris.mint("ingest", iris.digest(graph, source.sha256, started.isoformat(), "invalidated")))
    triples = [(_n(graph), _n(PROV.wasInvalidatedBy), activity)]
    triples += _activity(activity, source, started, ended, agent, reason)
    pg = _n(iris.PROVENANCE_GRAPH)
    return [ox.Quad(s, p, o, pg) for s, p, o in triples]


def latest_input(backend: Any, graph: URIRef) -> tuple[str, str] | None:
    """The SHA-256 of the input that last wrote ``graph``, and when."""
    _names, rows = backend.select(
        SPARQL_PREFIXES
        + """
        SELECT ?graph ?pg ?sha ?t WHERE {
          GRAPH ?pg { ?graph prov:wasGeneratedBy ?ingest .
                      ?ingest prov:endedAtTime ?t ; prov:used/kb:sha256 ?sha . }
        } ORDER BY DESC(?t) LIMIT 1
        """,
        {"graph": graph, "pg": iris.PROVENANCE_GRAPH},
        union=False,
    )
    for row in rows:
        return row["sha"].value, row["t"].value
    return None
