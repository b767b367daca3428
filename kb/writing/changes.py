"""What a write is made of: :class:`Change`\\ s (the new content of one named
graph each), where they came from (:class:`InputMeta`), and what a write did
(:class:`IngestResult`). Every way in -- files, records, the web, SPARQL
Update, the Graph Store protocol, importers -- builds changes with the
functions here and hands them to :func:`kb.writing.pipeline.commit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import BNode

from .. import iris
from ..errors import InputError
from ..record import ArticleRecord
from ..validating import ValidationReport
from ..vocab import RDF, SDO

__all__ = [
    "renamed",
    "InputMeta", "Change", "IngestResult", "OxTriple",
    "changes_from_record", "changes_from_record_ox", "changes_from_rdf", "skolemize",
]

OxTriple = tuple[Any, Any, Any]


def renamed(triples: Iterable[OxTriple], rename: Mapping[Any, Any]) -> list[OxTriple]:
    """``triples`` with each IRI in ``rename`` (subject or object) replaced by its target: how
    who-is-who and users' curations move an entity's statements to another IRI."""
    if not rename:
        return list(triples)
    return [(rename.get(s, s), p, rename.get(o, o) if isinstance(o, ox.NamedNode) else o) for s, p, o in triples]


@dataclass(frozen=True)
class InputMeta:
    """Where a change came from: the input's name, hash and media type."""

    name: str
    sha256: str
    media_type: str


@dataclass
class Change:
    """The new full content of one named graph (``delete``: no content, the graph goes).

    ``compare`` says when the change is a no-op: ``"input"`` when the graph's
    latest ingest read an input with the same hash (ingesting a file twice),
    ``"content"`` when the graph already holds exactly these triples (SPARQL
    Update and the Graph Store protocol, which have no input file).
    """

    graph: URIRef
    triples: Graph | None
    source: InputMeta
    document: URIRef | None = None
    claims: int = 0
    #: The same triples as pyoxigraph terms, when built directly (the bulk path,
    #: :func:`changes_from_record_ox`); then ``triples`` may be ``None``.
    ox_triples: list[OxTriple] | None = None
    delete: bool = False
    compare: str = "input"

    def size(self) -> int:
        """How many triples."""
        return len(self.ox())

    def rdf(self) -> Graph:
        """The triples as an rdflib graph (converted once from ``ox_triples`` if needed)."""
        if self.triples is None:
            from ..store.convert import from_ox

            g = Graph()
            for s, p, o in self.ox_triples or ():
                g.add((from_ox(s), from_ox(p), from_ox(o)))
            self.triples = g
        return self.triples

    def ox(self) -> list[OxTriple]:
        """The triples as pyoxigraph terms (converted once from ``triples`` if needed)."""
        if self.ox_triples is None:
            from ..store.convert import to_ox

            self.ox_triples = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self.triples or ()]
        return self.ox_triples


@dataclass
class IngestResult:
    """What a write did, per graph: ``added``, ``replaced``, ``deleted`` or ``unchanged``."""

    graphs: dict[URIRef, str] = field(default_factory=dict)
    documents: list[URIRef] = field(default_factory=list)
    triples: int = 0
    claims: int = 0
    report: ValidationReport | None = None
    #: Archived versions of the graphs this write replaced or deleted (kb.writing.history).
    versions: list[URIRef] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(status != "unchanged" for status in self.graphs.values())

    def merge(self, other: "IngestResult") -> None:
        self.graphs.update(other.graphs)
        self.documents.extend(other.documents)
        self.triples += other.triples
        self.claims += other.claims
        self.versions.extend(other.versions)
        self.report = other.report or self.report

    def summary(self) -> str:
        counts = {s: sum(1 for v in self.graphs.values() if v == s) for s in ("added", "replaced", "deleted", "unchanged")}
        parts = [f"{n} graph{'s' if n != 1 else ''} {s}" for s, n in counts.items() if n]
        return f"{', '.join(parts) or 'nothing to ingest'}; {self.triples} triples, {self.claims} claims written"


def _graph_of(doc: URIRef) -> URIRef:
    return iris.graph_iri(iris.local_path(doc).split("/", 1)[1])


def changes_from_record(record: ArticleRecord, source: InputMeta) -> list[Change]:
    """A claim record as one change: its document's graph (the rdflib reference mapping)."""
    from .mapping import record_to_graph

    doc, graph = record_to_graph(record)
    return [Change(_graph_of(doc), graph, source, document=doc, claims=len(record.claims))]


def changes_from_record_ox(record: ArticleRecord, source: InputMeta) -> list[Change]:
    """:func:`changes_from_record` with the triples built directly as pyoxigraph terms
    (:mod:`kb.writing.oxmapping`): the same triples, without an rdflib graph."""
    from .oxmapping import record_to_ox_triples

    doc, triples = record_to_ox_triples(record)
    return [Change(_graph_of(doc), None, source, document=doc, claims=len(record.claims), ox_triples=triples)]


def skolemize(graph: Graph, salt: str) -> Graph:
    """Replace blank nodes by IRIs that depend only on the graph's content.

    Blank nodes cannot be addressed by later writes or by external SPARQL
    servers, so none are stored. Canonical labels keep the IRIs stable: the same
    input always gives the same triples.
    """
    if not any(isinstance(t, BNode) for triple in graph for t in (triple[0], triple[2])):
        return graph
    canonical = to_canonical_graph(graph)
    out = Graph()
    for s, p, o in canonical:
        s2 = iris.mint("genid", f"{salt[:12]}-{s}") if isinstance(s, BNode) else s
        o2 = iris.mint("genid", f"{salt[:12]}-{o}") if isinstance(o, BNode) else o
        out.add((s2, p, o2))
    return out


def changes_from_rdf(ds: Dataset, source: InputMeta) -> list[Change]:
    """Triples of the default graph go to a graph named by the input's hash; named graphs keep their names.

    The derived graphs of an export (entities, relations) are skipped: kb derives
    them again from the graphs written.
    """
    changes = []
    for g in ds.graphs():
        if len(g) == 0 or g.identifier in iris.DERIVED_GRAPHS:
            continue
        if g.identifier == iris.PROVENANCE_GRAPH:
            raise InputError(f"{source.name}: the graph {iris.PROVENANCE_GRAPH} is kept by kb and cannot be written")
        if isinstance(g.identifier, URIRef) and str(g.identifier) != "urn:x-rdflib:default":
            name = g.identifier
        else:
            name = iris.graph_iri(source.sha256[:20])
        content = Graph()
        for triple in g:
            content.add(triple)
        content = skolemize(content, iris.digest(source.sha256, name))
        claims = len(set(content.subjects(RDF.type, SDO.Claim)))
        changes.append(Change(name, content, source, claims=claims))
    if not changes:
        raise InputError(f"{source.name}: holds no triples")
    return changes


def ox_graph(triples: list[OxTriple], graph: URIRef) -> list[ox.Quad]:
    g = ox.NamedNode(str(graph))
    return [ox.Quad(s, p, o, g) for s, p, o in triples]
