"""Validated, atomic writes: everything an ingest does between input and store.

An ingest turns its inputs into :class:`Change`\\ s, one per named graph. Then:

1. graphs whose latest ingest had the same input hash are skipped, so ingesting
   the same input twice changes nothing;
2. the new triples, plus what the store already says about every node they
   name, are validated against the shapes with the new nodes as focus nodes;
3. if any violation is found, :class:`~kb.errors.ValidationError` carries the
   report and nothing is written; otherwise the old versions of the graphs are
   dropped and the new ones added, with their provenance, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import BNode, Node

from . import iris
from .errors import InputError, ValidationError
from .mapping import record_to_graph
from .record import ArticleRecord
from .store.base import Backend, Quad
from .store.convert import quad_to_ox
from .store.embedded import EmbeddedBackend
from .validation import ValidationReport, engine, subjects_and_objects, validate_graph, validate_quads
from .vocab import KB, PROV, RDF, SDO, SPARQL_PREFIXES, XSD

__all__ = [
    "InputMeta", "Change", "IngestResult", "changes_from_record", "changes_from_record_ox", "changes_from_rdf",
    "apply_changes", "apply_batches",
]

TOOL_NAME = "kb"


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimkb")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class InputMeta:
    """Where a change came from: the input's name, hash and media type."""

    name: str
    sha256: str
    media_type: str


@dataclass
class Change:
    """The new full content of one named graph."""

    graph: URIRef
    triples: Graph | None
    source: InputMeta
    document: URIRef | None = None
    claims: int = 0
    #: The same triples as pyoxigraph terms, when built directly (the bulk path,
    #: :func:`changes_from_record_ox`); then ``triples`` may be ``None``.
    ox_triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] | None = None

    def size(self) -> int:
        """How many triples."""
        return len(self.ox_triples) if self.triples is None and self.ox_triples is not None else len(self.rdf())

    def rdf(self) -> Graph:
        """The triples as an rdflib graph (converted once from ``ox_triples`` if needed)."""
        if self.triples is None:
            from .store.convert import from_ox

            g = Graph()
            for s, p, o in self.ox_triples or ():
                g.add((from_ox(s), from_ox(p), from_ox(o)))
            self.triples = g
        return self.triples

    def ox(self) -> list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
        """The triples as pyoxigraph terms (converted once from ``triples`` if needed)."""
        if self.ox_triples is None:
            from .store.convert import to_ox

            self.ox_triples = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self.rdf()]
        return self.ox_triples


@dataclass
class IngestResult:
    """What an ingest did, per graph: ``added``, ``replaced`` or ``unchanged``."""

    graphs: dict[URIRef, str] = field(default_factory=dict)
    documents: list[URIRef] = field(default_factory=list)
    triples: int = 0
    claims: int = 0
    report: ValidationReport | None = None

    @property
    def changed(self) -> bool:
        return any(status != "unchanged" for status in self.graphs.values())

    def summary(self) -> str:
        counts = {s: sum(1 for v in self.graphs.values() if v == s) for s in ("added", "replaced", "deleted", "unchanged")}
        parts = [f"{n} graph{'s' if n != 1 else ''} {s}" for s, n in counts.items() if n]
        return f"{', '.join(parts) or 'nothing to ingest'}; {self.triples} triples, {self.claims} claims written"


def changes_from_record(record: ArticleRecord, source: InputMeta) -> list[Change]:
    doc, graph = record_to_graph(record)
    key = iris.local_path(doc).split("/", 1)[1]
    return [Change(iris.graph_iri(key), graph, source, document=doc, claims=len(record.claims))]


def changes_from_record_ox(record: ArticleRecord, source: InputMeta) -> list[Change]:
    """:func:`changes_from_record` with the triples built directly as pyoxigraph terms
    (:mod:`kb.oxmapping`): the same triples, without an rdflib graph."""
    from .oxmapping import record_to_ox_triples

    doc, triples = record_to_ox_triples(record)
    key = iris.local_path(doc).split("/", 1)[1]
    return [Change(iris.graph_iri(key), None, source, document=doc, claims=len(record.claims), ox_triples=triples)]


def _skolemize(graph: Graph, salt: str) -> Graph:
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
    """Triples of the default graph go to a graph named by the input's hash; named graphs keep their names."""
    changes = []
    for g in ds.graphs():
        if len(g) == 0:
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
        content = _skolemize(content, digest_of(source, name))
        claims = len(set(content.subjects(RDF.type, SDO.Claim)))
        changes.append(Change(name, content, source, claims=claims))
    if not changes:
        raise InputError(f"{source.name}: holds no triples")
    return changes


def digest_of(source: InputMeta, graph: URIRef) -> str:
    return iris.digest(source.sha256, graph)


def _latest_input_hash(backend: Backend, graph: URIRef) -> str | None:
    _names, rows = backend.select(
        SPARQL_PREFIXES
        + """
        SELECT ?graph ?pg ?sha WHERE {
          GRAPH ?pg { ?graph prov:wasGeneratedBy ?ingest .
                      ?ingest prov:endedAtTime ?t ; prov:used/kb:sha256 ?sha . }
        } ORDER BY DESC(?t) LIMIT 1
        """,
        {"graph": graph, "pg": iris.PROVENANCE_GRAPH},
        union=False,
    )
    for row in rows:
        return row["sha"].value
    return None


def _context(backend: Backend, new: Graph, replacing: set[URIRef]) -> Graph:
    """What the store says about every node the new triples name (outside replaced graphs),
    plus the types of the nodes that says they link to, for ``sh:class`` checks."""
    context = Graph()
    linked: set[URIRef] = set()
    for node in subjects_and_objects(new):
        for s, p, o, g in backend.triples(node):
            if g in replacing or g == iris.PROVENANCE_GRAPH:
                continue
            context.add((s, p, o))
            if isinstance(o, URIRef) and p != RDF.type:
                linked.add(o)
    for node in linked - set(context.subjects()):
        for s, p, o, g in backend.triples(node):
            if p == RDF.type and g not in replacing:
                context.add((s, p, o))
    return context


def _provenance(change: Change, started: dt.datetime, ended: dt.datetime) -> list[Quad]:
    pg = iris.PROVENANCE_GRAPH
    version = tool_version()
    activity = iris.mint("ingest", iris.digest(change.graph, change.source.sha256, started.isoformat()))
    used = iris.mint("input", change.source.sha256[:32])
    agent = iris.mint("software", TOOL_NAME, version)
    triples: list[tuple[Node, Node, Node]] = [
        (change.graph, RDF.type, PROV.Bundle),
        (change.graph, PROV.wasGeneratedBy, activity),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)),
        (activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)),
        (activity, PROV.used, used),
        (activity, PROV.wasAssociatedWith, agent),
        (used, RDF.type, PROV.Entity),
        (used, SDO.name, Literal(change.source.name)),
        (used, KB.sha256, Literal(change.source.sha256)),
        (used, SDO.encodingFormat, Literal(change.source.media_type)),
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, SDO.name, Literal(TOOL_NAME)),
        (agent, SDO.softwareVersion, Literal(version)),
    ]
    if change.document is not None:
        triples.append((change.graph, KB.document, change.document))
    return [(s, p, o, pg) for s, p, o in triples]


def accept(result: IngestResult, report: ValidationReport) -> None:
    """Record the report on ``result``; refuse the whole write if it has a violation."""
    result.report = report
    if not report.conforms:
        raise ValidationError(f"rejected, nothing was written: {report.summary()}", report)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass
class _Plan:
    """A validated write, not yet done: what :func:`apply_changes` writes in one transaction."""

    result: IngestResult
    drop: list[URIRef] = field(default_factory=list)
    add: list[ox.Quad] = field(default_factory=list)
    graphs: set[URIRef] = field(default_factory=set)


def _fast_path(backend: Backend) -> bool:
    return engine() == "sparql" and isinstance(backend, EmbeddedBackend)


def apply_changes(
    backend: Backend,
    changes: Sequence[Change],
    *,
    progress: Callable[[Iterable[Change]], Iterable[Change]] = lambda it: it,
) -> IngestResult:
    """Validate ``changes`` and write them all in one transaction, or raise and write nothing."""
    if _fast_path(backend):
        assert isinstance(backend, EmbeddedBackend)
        plan = _prepare_ox(backend, changes, progress=progress)
        if plan.add or plan.drop:
            backend.write_ox(drop=plan.drop, add=plan.add)
        return plan.result
    return _apply_rdflib(backend, changes, progress=progress)


def _classify(backend: Backend, changes: Sequence[Change]) -> tuple[IngestResult, list[Change], set[URIRef]]:
    result = IngestResult()
    merged: dict[URIRef, Change] = {}
    for change in changes:
        if change.graph in merged:  # two inputs for one graph in one call: the last one wins
            del merged[change.graph]
        merged[change.graph] = change
    todo: list[Change] = []
    for change in merged.values():
        exists = backend.has_graph(change.graph)
        if exists and _latest_input_hash(backend, change.graph) == change.source.sha256:
            result.graphs[change.graph] = "unchanged"
            continue
        result.graphs[change.graph] = "replaced" if exists else "added"
        todo.append(change)
    for change in merged.values():
        if change.document is not None:
            result.documents.append(change.document)
    replacing = {c.graph for c in todo if result.graphs[c.graph] == "replaced"}
    return result, todo, replacing


def _prepare_ox(
    backend: EmbeddedBackend,
    changes: Sequence[Change],
    *,
    progress: Callable[[Iterable[Change]], Iterable[Change]] = lambda it: it,
    pending: Sequence[ox.Quad] = (),
) -> _Plan:
    """Validate ``changes`` (raise :class:`ValidationError` if they do not conform) and
    return the write to do. ``pending``: quads whose write may still be running (the
    previous batch of :func:`apply_batches`); they are context as if stored."""
    # The fast path: pyoxigraph terms end to end. The new triples are converted
    # once (or built directly, :mod:`kb.oxmapping`), for validation and for the
    # write; the context is read from the store as pyoxigraph terms and never
    # converted; validation runs the compiled shapes on Oxigraph
    # (kb.shaclsparql), not pySHACL.
    started = _now()
    result, todo, replacing = _classify(backend, changes)
    plan = _Plan(result, graphs={c.graph for c in changes})
    if not todo:
        return plan
    dg = ox.DefaultGraph()
    new: list[ox.Quad] = []  # in their graphs: what is written
    flat: list[ox.Quad] = []  # in the default graph: what is validated
    for change in progress(todo):
        g = ox.NamedNode(str(change.graph))
        for s, p, o in change.ox():
            new.append(ox.Quad(s, p, o, g))
            flat.append(ox.Quad(s, p, o, dg))
    focus = sorted({q.subject for q in flat if isinstance(q.subject, ox.NamedNode)}, key=str)
    context = backend.context_quads(new, exclude={ox.NamedNode(str(g)) for g in replacing}, pending=pending)
    flat.extend(context)
    report = validate_quads(flat, focus)
    accept(result, report)
    ended = _now()
    for change in todo:
        new.extend(quad_to_ox(*q) for q in _provenance(change, started, ended))
        result.triples += change.size()
        result.claims += change.claims
    plan.drop = sorted(replacing)
    plan.add = new
    return plan


def apply_batches(
    backend: Backend,
    batches: Iterable[Sequence[Change]],
    *,
    on_batch: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """:func:`apply_changes` on each batch in turn: each batch is validated and written
    all-or-nothing, and batches before a failing one stay written.

    On the embedded store, the write of one batch (in Oxigraph, which releases the
    GIL) overlaps the preparation and validation of the next: the next batch is
    validated with the previous batch's quads as context, whether or not their
    write has landed, so the result is the same as one batch after the other. A
    batch naming a graph the previous batch writes waits for that write first.
    Raises the first error (a failed write or a rejected batch) after the writes
    already started have finished.
    """
    total = IngestResult()

    def merge(part: IngestResult) -> None:
        total.graphs.update(part.graphs)
        total.documents.extend(part.documents)
        total.triples += part.triples
        total.claims += part.claims
        total.report = part.report
        if on_batch is not None:
            on_batch(part)

    if not _fast_path(backend):
        for batch in batches:
            merge(apply_changes(backend, batch))
        return total
    assert isinstance(backend, EmbeddedBackend)
    import threading

    writer: threading.Thread | None = None
    failure: list[BaseException] = []
    in_flight: _Plan | None = None

    def finish() -> None:
        nonlocal writer, in_flight
        if writer is not None:
            writer.join()
            writer = None
            if failure:
                in_flight = None
                raise failure[0]
        if in_flight is not None:
            merge(in_flight.result)
            in_flight = None

    def write(plan: _Plan) -> None:
        try:
            backend.write_ox(drop=plan.drop, add=plan.add)
        except BaseException as err:  # re-raised by finish() in the calling thread
            failure.append(err)

    try:
        for batch in batches:
            if in_flight is not None and (in_flight.graphs & {c.graph for c in batch} or in_flight.drop):
                finish()  # the same graph twice in a row (or a replacement): no overlap
            plan = _prepare_ox(backend, batch, pending=in_flight.add if in_flight is not None else ())
            finish()
            if plan.add or plan.drop:
                in_flight = plan
                writer = threading.Thread(target=write, args=(plan,), name="kb-ingest-writer", daemon=True)
                writer.start()
            else:
                merge(plan.result)
    except BaseException:
        finish()  # the batch being written lands (or its own failure is raised) first
        raise
    finish()
    return total


def _apply_rdflib(
    backend: Backend,
    changes: Sequence[Change],
    *,
    progress: Callable[[Iterable[Change]], Iterable[Change]] = lambda it: it,
) -> IngestResult:
    """The general path: rdflib terms, any backend, any engine."""
    started = _now()
    result, todo, replacing = _classify(backend, changes)
    if not todo:
        return result
    data = Graph()
    for change in progress(todo):
        for triple in change.rdf():
            data.add(triple)
    focus_terms = sorted({s for s in data.subjects() if isinstance(s, URIRef)})
    data += _context(backend, data, replacing)
    report = validate_graph(data, focus_terms)
    accept(result, report)
    ended = _now()
    quads: list[Quad] = []
    for change in todo:
        quads.extend((s, p, o, change.graph) for s, p, o in change.rdf())
        quads.extend(_provenance(change, started, ended))
        result.triples += change.size()
        result.claims += change.claims
    backend.write(drop=sorted(replacing), add=quads)
    return result
