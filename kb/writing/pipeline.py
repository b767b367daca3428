"""The one write pipeline: every way into kb ends in :func:`commit`.

``kb ingest`` of every kind of file, bulk records, the web paste and upload,
SPARQL Update, Graph Store PUT/POST/DELETE, ``kb remove`` and ``kb restore``
all build :class:`~kb.writing.changes.Change`\\ s and call :func:`commit`,
which, in order:

1. drops no-op changes (the same input again, or the same content);
2. moves what each graph says about people, organizations and places onto
   its contribution nodes, and re-derives the canonical description of every
   entity the write touches (:mod:`kb.writing.entities`);
3. validates the new triples, the re-derived entities and every stored node
   that links to something the write removes or retypes, with their stored
   context (:mod:`kb.writing.context`), against the shapes; any violation
   raises :class:`~kb.errors.ValidationError` and nothing is written;
4. archives the previous content of every replaced or removed graph
   (:mod:`kb.writing.history`);
5. writes the graphs, the canonical entities and the provenance in one
   transaction;
6. calls the knowledge base's after-commit hooks (the browse index, caches),
   so no caller refreshes anything by hand.

A graph's outcome never depends on unrelated stored graphs: only the nodes it
names (and their links) are read.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..errors import ReadOnlyError, StoreError, ValidationError
from ..store.base import Backend
from ..validating import ValidationReport, validate_quads
from ..vocab import KB, RDF, SDO
from . import entities as E
from .changes import Change, IngestResult, InputMeta, OxTriple, renamed
from .resolve import curate, relink_candidates, resolve
from .context import context_triples, linking_to, stored_triples, subjects_of
from .history import History
from .provenance import generated, invalidated, latest_input, now

__all__ = ["commit", "dry_run", "accept", "Hook"]

Hook = Callable[[IngestResult], None]
_TYPE = ox.NamedNode(str(RDF.type))


def accept(result: IngestResult, report: ValidationReport) -> None:
    """Record the report on ``result``; refuse the whole write if it has a violation."""
    result.report = report
    if not report.conforms:
        raise ValidationError(f"rejected, nothing was written: {report.summary()}", report)


def _same(items: Iterable[Change]) -> Iterable[Change]:
    return items


class _Item:
    """One change on its way through the pipeline."""

    def __init__(self, change: Change, exists: bool) -> None:
        self.change = change
        self.graph = ox.NamedNode(str(change.graph))
        self.exists = exists
        self.new: list[OxTriple] = []
        self.old: list[OxTriple] = []
        #: Stored one-word people this change's fuller names now resolve (kb.writing.resolve).
        self.relink: dict[ox.NamedNode, ox.NamedNode] = {}
        #: For a stored graph: the hash and time of the input that last wrote it (read once,
        #: for the no-op check and for its archived version), and the article it holds.
        self.latest: tuple[str, str] | None = None
        self.document: URIRef | None = change.document


def _document_of(backend: Backend, graph: URIRef) -> URIRef | None:
    _names, rows = backend.select(
        f"SELECT ?graph ?doc WHERE {{ GRAPH {ox.NamedNode(str(iris.PROVENANCE_GRAPH))} "
        f"{{ ?graph {ox.NamedNode(str(KB.document))} ?doc }} }} LIMIT 1",
        {"graph": graph},
        union=False,
    )
    for row in rows:
        return URIRef(row["doc"].value)
    return None


class _Plan:
    """A validated write, not yet done."""

    def __init__(self, result: IngestResult) -> None:
        self.result = result
        self.todo: list[_Item] = []
        self.replacing: set[ox.NamedNode] = set()
        self.touched: set[ox.NamedNode] = set()
        self.derived: list[OxTriple] = []
        #: The touched entities whose derived description differs from the stored one.
        self.rewritten: set[ox.NamedNode] = set()
        self.report: ValidationReport | None = None


def _prepare(
    backend: Backend,
    changes: Sequence[Change],
    progress: Callable[[Iterable[Change]], Iterable[Change]] = _same,
) -> _Plan:
    """Steps 1-3 of :func:`commit`: what to write, and the validation report on it."""
    result = IngestResult()
    plan = _Plan(result)
    merged: dict[URIRef, Change] = {}
    for change in changes:
        if change.graph in iris.KEPT_GRAPHS:
            raise ReadOnlyError(f"the graph {change.graph} is kept by kb and cannot be written")
        merged.pop(change.graph, None)  # two inputs for one graph in one call: the last one wins
        merged[change.graph] = change
    result.documents = [c.document for c in merged.values() if c.document is not None]

    items: list[_Item] = []
    for change in progress(list(merged.values())):
        exists = backend.has_graph(change.graph)
        if change.delete and not exists:
            result.graphs[change.graph] = "unchanged"
            continue
        item = _Item(change, exists)
        if exists:
            item.latest = latest_input(backend, change.graph)
            if not change.delete and change.compare == "input" and item.latest is not None \
                    and item.latest[0] == change.source.sha256:
                result.graphs[change.graph] = "unchanged"
                continue
            if item.document is None:  # an update, Graph Store write or removal of an article's graph
                item.document = _document_of(backend, change.graph)
        items.append(item)

    # Untyped subjects may be entities the store already knows ("<person/x> schema:sameAs …").
    typed = {s for item in items for s, p, _o in item.change.ox() if p == _TYPE}
    untyped = {s for item in items for s in subjects_of(item.change.ox())} - typed
    known = E.known_entities(backend, untyped) if untyped else set()
    todo = plan.todo
    curating = any(item.change.graph == iris.CURATIONS_GRAPH for item in items)
    for item in items:
        change = item.change
        # An update or Graph Store write of an article's graph keeps its contributions' article.
        doc = item.document if change.document is not None or change.compare == "content" else None
        document = ox.NamedNode(str(doc)) if doc is not None else None
        if not change.delete:
            if change.compare == "input":
                raw = resolve(backend, change.ox())
            else:  # written as it is; curated unless this write records curations (kb.tracking.entity_curations)
                raw = change.ox() if curating else curate(backend, change.ox())
            item.relink = relink_candidates(backend, raw) if change.compare == "input" else {}
            item.new, _touched = E.split(item.graph, raw, known=known, document=document)
        if item.exists:
            item.old = stored_triples(backend, item.graph)
            if change.compare == "content" and set(item.old) == set(item.new):
                result.graphs[change.graph] = "unchanged"
                continue
        result.graphs[change.graph] = "deleted" if change.delete else ("replaced" if item.exists else "added")
        todo.append(item)
    if not todo:
        return plan

    replacing = plan.replacing = {item.graph for item in todo if item.exists}
    new = [t for item in todo for t in item.new]
    touched = plan.touched = E.entities_of(new) | (E.contributed_to(backend, replacing) if replacing else set())
    stored = E.stored_descriptions(backend, touched)  # read once: derivation and the rewrite test
    canonical = E.derive(backend, touched, new, exclude=replacing, stored=stored)
    # Every touched description is validated; only those that change are rewritten.
    plan.rewritten = set(E.changed_descriptions(backend, canonical, stored))
    derived = plan.derived = [t for triples in canonical.values() for t in triples]

    # Nodes that disappear or change type: whatever links to them is checked again.
    new_subjects = subjects_of(new)
    gone = {s for item in todo for s in subjects_of(item.old)} - new_subjects
    gone |= {e for e, triples in canonical.items() if not triples}
    retyped = {
        s for item in todo if item.exists
        for s, p, _o in set(item.old) ^ set(item.new) if p == _TYPE and isinstance(s, ox.NamedNode)
    }
    linkers = linking_to(backend, gone | retyped, exclude=replacing) if gone or retyped else set()
    linkers -= new_subjects
    flat = new + derived
    data = flat + context_triples(backend, flat, exclude=replacing, skip=touched, extra=linkers)
    present = subjects_of(data)
    focus = sorted((new_subjects | linkers | {e for e, t in canonical.items() if t}) & present, key=str)
    dg = ox.DefaultGraph()
    plan.report = (
        _as_said(validate_quads((ox.Quad(s, p, o, dg) for s, p, o in data), focus), new)
        if focus else ValidationReport(conforms=True)
    )
    return plan


def _as_said(report: ValidationReport, new: Sequence[OxTriple]) -> ValidationReport:
    """Report a contribution's violations on the entity and property the input named
    ("<person/x> schema:name 5"), not on kb's contribution node."""
    of = {s.value: o for s, p, o in new if p == E.SPECIALIZATION_OF}
    if not of or report.conforms:
        return report
    from ..validating import Violation

    said = {str(k.value): str(v.value) for k, v in E.CANONICAL.items()}
    fixed = []
    for v in report.violations:
        entity = of.get(str(v.focus))
        if entity is None:
            fixed.append(v)
            continue
        path = URIRef(said.get(str(v.path), str(v.path))) if v.path is not None else None
        fixed.append(Violation(focus=URIRef(entity.value), message=v.message, severity=v.severity, path=path,
                               value=v.value, shape=v.shape, constraint=v.constraint))
    report.violations = fixed
    return report


def dry_run(backend: Backend, changes: Sequence[Change]) -> ValidationReport:
    """The validation report ``changes`` would get, writing nothing."""
    plan = _prepare(backend, changes)
    return plan.report or ValidationReport(conforms=True)


def commit(
    backend: Backend,
    changes: Sequence[Change],
    *,
    history: History | None = None,
    agent: str | None = None,
    reason: str | None = None,
    action: str | None = None,
    hooks: Sequence[Hook] = (),
    progress: Callable[[Iterable[Change]], Iterable[Change]] = _same,
) -> IngestResult:
    """Validate ``changes`` and write them all in one transaction, or raise and write nothing.

    ``agent`` and ``reason`` (who asked, and why) go into the provenance and
    onto the archived versions; ``action`` names what ended those versions
    (``replaced``/``removed`` by default, ``updated`` for SPARQL Update).
    """
    started = now()
    plan = _prepare(backend, changes, progress)
    result, todo, replacing, derived = plan.result, plan.todo, plan.replacing, plan.derived
    if not todo:
        return result
    assert plan.report is not None
    accept(result, plan.report)
    ended = now()
    versions: list[URIRef] = []
    if history is not None:
        for item in todo:
            if not item.exists:
                continue
            versions.append(
                history.archive(
                    item.change.graph, item.old,
                    action=action or ("removed" if item.change.delete else "replaced"),
                    document=item.document,
                    input_sha256=item.latest[0] if item.latest else None,
                    written=item.latest[1] if item.latest else None,
                    agent=agent, reason=reason, when=started,
                )
            )
    quads: list[ox.Quad] = []
    for item in todo:
        change = item.change
        if change.delete:
            quads.extend(invalidated(change.graph, change.source, started, ended, agent=agent, reason=reason))
            continue
        quads.extend(ox.Quad(s, p, o, item.graph) for s, p, o in item.new)
        quads.extend(generated(change.graph, change.document, change.source, started, ended, agent=agent, reason=reason))
        result.triples += len(item.new)
        result.claims += change.claims or sum(1 for _s, p, o in item.new if p == _TYPE and o == _CLAIM)
    entities_graph = ox.NamedNode(str(iris.ENTITIES_GRAPH))
    quads.extend(ox.Quad(s, p, o, entities_graph) for s, p, o in derived if s in plan.rewritten)
    try:
        backend.commit(drop=sorted(replacing, key=str), clear={entities_graph: sorted(plan.rewritten, key=str)}, add=quads)
    except BaseException:
        if history is not None and versions:
            history.discard(versions)
        raise
    result.versions = versions
    relinks = {short: full for item in todo for short, full in item.relink.items()}
    if relinks:  # a fuller name arrived after articles that used the word alone: link those too
        result.merge(_relink(backend, relinks, history=history, hooks=()))
    for hook in hooks:
        try:
            hook(result)
        except Exception as err:  # noqa: BLE001 - the write stands; a stale cache must not undo it
            raise StoreError(f"written, but keeping a derived index in step failed: {err}") from None
    return result


_CLAIM = ox.NamedNode(str(SDO.Claim))


def _relink(
    backend: Backend, relinks: dict[ox.NamedNode, ox.NamedNode], *, history: History | None, hooks: Sequence[Hook]
) -> IngestResult:
    """Rewrite the graphs that name a resolved one-word person, as one more validated write."""
    graphs = set()
    for short in relinks:
        _names, rows = backend.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?c {E.SPECIALIZATION_OF} {short} }} }}", union=False
        )
        graphs |= {ox.NamedNode(row["g"].value) for row in rows}
    changes = []
    for g in sorted(graphs, key=str):
        said = E.as_written(stored_triples(backend, g))
        source = InputMeta("kb: who is who", iris.sha256_hex(" ".join(sorted(str(k) for k in relinks))), "text/plain")
        changes.append(Change(URIRef(g.value), None, source, ox_triples=renamed(said, relinks), compare="content"))
    names = ", ".join(f"{k.value.rsplit('/', 1)[-1]} → {v.value.rsplit('/', 1)[-1]}" for k, v in relinks.items())
    return commit(backend, changes, history=history, agent="kb (who is who)", reason=f"resolved {names}",
                  action="updated", hooks=hooks)

