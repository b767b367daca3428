"""SPARQL Update through SHACL validation, all or nothing.

An update is never run on the store itself. Instead:

1. it is refused if it would reach outside (``LOAD``, ``SERVICE``) or write
   where kb does not keep data (the default graph, the provenance graph);
2. its *target graphs* (what it may change) and *read graphs* (what its WHERE
   may see) are read off its algebra; when either cannot be known statically
   (``GRAPH ?g`` in a template, ``CLEAR ALL``, a WHERE over the default graph,
   which in kb is the union of every graph) the whole store is in play;
3. those graphs are copied into an in-memory Oxigraph store and the update runs
   there, so the engine, not kb, decides what it means;
4. the graphs whose content changed are handed to :func:`write_graphs`, which
   validates every node the change touches, with its stored context, and
   writes every changed graph and its provenance in one ``backend.write``.

:func:`write_graphs` is also what the Graph Store Protocol (``kb.graphstore``)
uses for PUT, POST and DELETE.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Mapping

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.term import BNode, Node

from . import iris
from .errors import ParseError, QueryError, ReadOnlyError
from .ingest import Change, IngestResult, InputMeta, _context, accept, _now, _provenance, _skolemize, tool_version
from .sparql import keywords, query_form
from .store.base import Backend, Quad
from .store.convert import from_ox, quad_to_ox
from .validation import subjects_and_objects, validate_graph
from .vocab import KB, PROV, RDF, SDO, XSD

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge import KnowledgeBase

__all__ = ["apply_update", "write_graphs", "graph_content", "UpdatePlan", "plan_update", "MAX_COPY"]

#: Quads an update may copy when it can touch the whole store (``KB_UPDATE_MAX_COPY``).
MAX_COPY = int(os.environ.get("KB_UPDATE_MAX_COPY", "2000000"))
_ALL = "ALL"


class UpdatePlan:
    """What an update may change (``targets``) and read (``reads``); ``None`` means every graph."""

    def __init__(self) -> None:
        self.targets: set[URIRef] | None = set()
        self.reads: set[URIRef] | None = set()
        self.union_default = False  # its WHERE reads kb's default graph: the union of all graphs

    def target(self, graph: object) -> None:
        if graph == "DEFAULT" or graph is None:
            raise ReadOnlyError(
                "kb keeps every triple in a named graph: name the graph to write with GRAPH <…> or WITH <…>"
            )
        if graph in (_ALL, "NAMED") or isinstance(graph, Variable):
            self.targets = None
        elif self.targets is not None:
            self.targets.add(URIRef(str(graph)))

    def read(self, graph: object) -> None:
        if graph == "DEFAULT":
            self.union_default = True
            self.reads = None
        elif graph in (_ALL, "NAMED") or isinstance(graph, Variable):
            self.reads = None
        elif self.reads is not None:
            self.reads.add(URIRef(str(graph)))

    @property
    def everything(self) -> bool:
        return self.targets is None or self.reads is None


def _walk_where(node: object, plan: UpdatePlan, default: URIRef | None, in_graph: bool) -> None:
    """Record the graphs a WHERE clause reads."""
    name = getattr(node, "name", None)
    if name == "Graph":
        plan.read(_opt(node, "term"))
        _walk_where(_opt(node, "p"), plan, default, True)
        return
    if name == "BGP" and _opt(node, "triples") and not in_graph:
        plan.read(default if default is not None else "DEFAULT")
    if isinstance(node, dict):
        for value in node.values():
            _walk_where(value, plan, default, in_graph)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk_where(value, plan, default, in_graph)


def _opt(node: object, key: str) -> object:
    """A key of an rdflib algebra node, or None (``CompValue.get`` returns the key itself when absent)."""
    return node[key] if isinstance(node, dict) and key in node else None  # type: ignore[index]


def _template(clause: object, plan: UpdatePlan, default: URIRef | None) -> None:
    if clause is None:
        return
    for graph in _opt(clause, "quads") or {}:  # type: ignore[attr-defined]
        plan.target(graph)
    if _opt(clause, "triples"):
        plan.target(default)


def plan_update(sparql: str) -> UpdatePlan:
    """Refuse what kb never runs, parse, and find the target and read graphs."""
    words = set(keywords(sparql))
    if "SERVICE" in words:
        raise ReadOnlyError("SERVICE is refused: updates here never reach other servers")
    if "LOAD" in words:
        raise ReadOnlyError("LOAD is refused: kb never fetches data from other servers; ingest it instead")
    if query_form(sparql) != "UPDATE":
        raise ParseError("not a SPARQL Update (INSERT, DELETE, DROP, ...); use a query for SELECT, ASK, CONSTRUCT")
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        algebra = translateUpdate(parseUpdate(sparql)).algebra
    except Exception as err:  # pyparsing and rdflib raise many types
        raise ParseError(f"SPARQL syntax error: {' '.join(str(err).split())[:300]}") from None
    plan = UpdatePlan()
    for op in algebra:
        if op.name in ("InsertData", "DeleteData", "DeleteWhere"):
            _template(op, plan, None)
            if op.name == "DeleteWhere":
                for graph in _opt(op, "quads") or {}:  # type: ignore[attr-defined]
                    plan.read(graph)
        elif op.name == "Modify":
            with_graph = _opt(op, "withClause")
            _template(_opt(op, "delete"), plan, with_graph)  # type: ignore[arg-type]
            _template(_opt(op, "insert"), plan, with_graph)  # type: ignore[arg-type]
            default = with_graph
            for using in _opt(op, "using") or []:  # type: ignore[attr-defined]
                if _opt(using, "default") is not None:
                    plan.read(using["default"])
                    default = URIRef("urn:kb:using")  # the merge of the USING graphs, already read
                if _opt(using, "named") is not None:
                    plan.read(using["named"])
            _walk_where(_opt(op, "where"), plan, default, False)  # type: ignore[arg-type]
        elif op.name in ("Clear", "Drop", "Create"):
            plan.target(op["graphiri"])
        elif op.name in ("Add", "Move", "Copy"):
            source, dest = op["graph"]
            plan.read(source)
            if op.name == "Move":
                plan.target(source)
            plan.target(dest)
        else:
            raise ReadOnlyError(f"{op.name} is not supported in kb's SPARQL Update")
    return plan


def graph_content(backend: Backend, graph: URIRef) -> Graph:
    g = Graph()
    for s, p, o, _g in backend.triples(None, graph):
        g.add((s, p, o))
    return g


def _copy(backend: Backend, plan: UpdatePlan) -> tuple[ox.Store, list[URIRef]]:
    """An in-memory store with every graph the update may read or change."""
    stored = backend.graphs()
    if plan.everything:
        if backend.count() > MAX_COPY:
            raise QueryError(
                f"this update may touch every graph of a store of more than {MAX_COPY} quads; "
                "name its graphs with GRAPH <…>, WITH <…> or USING <…>"
            )
        graphs = stored
    else:
        wanted = (plan.targets or set()) | (plan.reads or set())
        graphs = [g for g in stored if g in wanted]
    copy = ox.Store()
    quads = []
    for graph in graphs:
        for s, p, o, _g in backend.triples(None, graph):
            quads.append(quad_to_ox(s, p, o, graph))
            if plan.union_default and graph != iris.PROVENANCE_GRAPH:
                quads.append(quad_to_ox(s, p, o, None))  # kb's default graph: the union of the content graphs
    copy.extend(quads)
    return copy, graphs


def apply_update(kb: "KnowledgeBase", sparql: str) -> IngestResult:
    """Run ``sparql`` (a SPARQL 1.1 Update) on a copy, validate, and write the changed graphs.

    Raises :class:`~kb.errors.ReadOnlyError` (LOAD, SERVICE, writes to the
    default or provenance graph), :class:`~kb.errors.ParseError` and
    :class:`~kb.errors.ValidationError`; nothing is written on any error.
    """
    plan = plan_update(sparql)
    backend = kb.backend
    copy, copied = _copy(backend, plan)
    default_before = set(copy.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    try:
        copy.update(sparql)
    except SyntaxError as err:
        raise ParseError(f"SPARQL syntax error: {err}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise QueryError(f"the update failed and nothing was written: {err}") from None
    if set(copy.quads_for_pattern(None, None, None, ox.DefaultGraph())) != default_before:
        raise ReadOnlyError("kb keeps every triple in a named graph: name the graph to write with GRAPH <…> or WITH <…>")
    after = {URIRef(g.value) for g in copy.named_graphs() if isinstance(g, ox.NamedNode)}
    contents: dict[URIRef, Graph] = {}
    for graph in sorted(set(copied) | after):
        new = Graph()
        for q in copy.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            new.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        contents[graph] = new
    source = InputMeta("SPARQL Update", iris.sha256_hex(sparql), "application/sparql-update")
    return write_graphs(backend, contents, source, skolemize=True)


def _linking_to(backend: Backend, nodes: set[URIRef], skip: set[URIRef]) -> set[URIRef]:
    """Stored subjects (outside ``skip`` graphs) that link to ``nodes``: their
    ``sh:class`` checks depend on the types of those nodes."""
    found: set[URIRef] = set()
    ordered = sorted(nodes)
    for start in range(0, len(ordered), 200):
        values = " ".join(str(ox.NamedNode(str(n))) for n in ordered[start : start + 200])  # serialized, not pasted
        _names, rows = backend.select(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?o {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}", union=False
        )
        for row in rows:
            if isinstance(row["s"], ox.NamedNode) and URIRef(row["g"].value) not in skip:
                found.add(URIRef(row["s"].value))
    return found


def write_graphs(
    backend: Backend, contents: Mapping[URIRef, Graph], source: InputMeta, *, skolemize: bool = False
) -> IngestResult:
    """Make each graph hold exactly ``contents[graph]`` (empty: delete it), validated, in one write.

    Focus nodes are every node a changed triple names, plus the nodes that link
    to a node whose types changed. They are validated with the new content of
    the changed graphs and what the rest of the store says about them.
    """
    started = _now()
    result = IngestResult()
    if iris.PROVENANCE_GRAPH in contents:
        old_prov = graph_content(backend, iris.PROVENANCE_GRAPH)
        if set(old_prov) != set(contents[iris.PROVENANCE_GRAPH]):
            raise ReadOnlyError(f"the graph {iris.PROVENANCE_GRAPH} is kept by kb and cannot be written")
    changed: dict[URIRef, Graph] = {}
    existed: set[URIRef] = set()
    added: set[tuple[Node, Node, Node]] = set()
    removed: set[tuple[Node, Node, Node]] = set()
    for graph, new in contents.items():
        if graph == iris.PROVENANCE_GRAPH:
            continue
        if skolemize and any(isinstance(t, BNode) for triple in new for t in (triple[0], triple[2])):
            new = _skolemize(new, iris.digest(source.sha256, graph))
        old = graph_content(backend, graph)
        old_set, new_set = set(old), set(new)
        if old_set == new_set:
            result.graphs[graph] = "unchanged"
            continue
        if old_set:
            existed.add(graph)
        result.graphs[graph] = "deleted" if not new_set else ("replaced" if old_set else "added")
        changed[graph] = new
        added |= new_set - old_set
        removed |= old_set - new_set
    if not changed:
        return result
    touched = subjects_and_objects(added | removed)
    retyped = {s for s, p, _o in added | removed if p == RDF.type and isinstance(s, URIRef)}
    seed = Graph()
    for new in changed.values():
        seed += new
    linkers = {s for s, _p, o in seed if o in retyped and isinstance(s, URIRef)}
    if retyped:
        linkers |= _linking_to(backend, retyped, set(changed))
    for node in linkers - set(seed.subjects()):
        for s, p, o, g in backend.triples(node):
            if g not in changed and g != iris.PROVENANCE_GRAPH:
                seed.add((s, p, o))
    focus = sorted(touched | linkers)
    data = seed + _context(backend, seed, set(changed))
    present = set(data.subjects())
    focus = [n for n in focus if n in present]
    if focus:
        accept(result, validate_graph(data, focus))
    ended = _now()
    quads: list[Quad] = []
    for graph, new in changed.items():
        if len(new):
            quads.extend((s, p, o, graph) for s, p, o in new)
            quads.extend(_provenance(Change(graph, new, source), started, ended))
            result.triples += len(new)
            result.claims += len(set(new.subjects(RDF.type, SDO.Claim)))
        else:
            quads.extend(_invalidation(graph, source, started, ended))
    backend.write(drop=sorted(existed), add=quads)
    return result


def _invalidation(graph: URIRef, source: InputMeta, started: object, ended: object) -> list[Quad]:
    """Provenance of a deleted graph: the activity that ended it (prov:wasInvalidatedBy)."""
    pg = iris.PROVENANCE_GRAPH
    activity = iris.mint("ingest", iris.digest(graph, source.sha256, str(started), "invalidated"))
    used = iris.mint("input", source.sha256[:32])
    agent = iris.mint("software", "kb", tool_version())
    triples: list[tuple[Node, Node, Node]] = [
        (graph, PROV.wasInvalidatedBy, activity),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)),  # type: ignore[attr-defined]
        (activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)),  # type: ignore[attr-defined]
        (activity, PROV.used, used),
        (activity, PROV.wasAssociatedWith, agent),
        (used, RDF.type, PROV.Entity),
        (used, SDO.name, Literal(source.name)),
        (used, KB.sha256, Literal(source.sha256)),
        (used, SDO.encodingFormat, Literal(source.media_type)),
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, SDO.name, Literal("kb")),
        (agent, SDO.softwareVersion, Literal(tool_version())),
    ]
    return [(s, p, o, pg) for s, p, o in triples]

