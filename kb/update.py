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
   runs them through the one write pipeline (:mod:`kb.writing.pipeline`):
   validated with their stored context, previous versions archived, written
   with their provenance in one transaction.

:func:`write_graphs` is also what the Graph Store Protocol (``kb.graphstore``)
uses for PUT, POST and DELETE.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Mapping

import pyoxigraph as ox
from rdflib import Graph, URIRef, Variable

from . import iris
from .errors import ParseError, QueryError, ReadOnlyError
from .querying.syntax import keywords, query_form
from .store.base import Backend
from .store.convert import from_ox
from .writing.changes import Change, IngestResult, InputMeta, skolemize as skolemize_graph
from .writing.context import stored_triples
from .writing.entities import as_written

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
    dg = ox.DefaultGraph()
    for graph in graphs:
        g = ox.NamedNode(str(graph))
        triples = stored_triples(backend, g)
        if graph not in iris.KEPT_GRAPHS:
            # An update reads and writes each graph as its inputs said it: what an article
            # says about a person is about the person, not about its contribution node.
            triples = as_written(triples)
        for s, p, o in triples:
            quads.append(ox.Quad(s, p, o, g))
            if plan.union_default and graph != iris.PROVENANCE_GRAPH:
                quads.append(ox.Quad(s, p, o, dg))  # kb's default graph: the union of the content graphs
    copy.extend(quads)
    return copy, graphs


def apply_update(
    kb: "KnowledgeBase", sparql: str, *, agent: str | None = None, reason: str | None = None
) -> IngestResult:
    """Run ``sparql`` (a SPARQL 1.1 Update) on a copy, validate, and write the changed graphs.

    Raises :class:`~kb.errors.ReadOnlyError` (LOAD, SERVICE, writes to the
    default or provenance graph), :class:`~kb.errors.ParseError` and
    :class:`~kb.errors.ValidationError`; nothing is written on any error.
    """
    plan = plan_update(sparql)
    backend = kb.backend
    copy, copied = _copy(backend, plan)
    for graph in plan.targets or ():
        # A named graph an update clears or writes exists for it, stored or not (kb keeps no
        # empty graphs): "CLEAR GRAPH <g>" of a graph not stored yet is then a no-op, not an error.
        if isinstance(graph, URIRef) and graph not in iris.KEPT_GRAPHS:
            copy.add_graph(ox.NamedNode(str(graph)))
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
    # CLEAR ALL / DROP ALL (and any update whose targets are not named) may clear what users
    # wrote, not what kb derives and keeps itself: provenance and entities are left alone. An
    # update that names a kept graph is refused (write_graphs).
    if plan.targets is None:
        contents = {g: c for g, c in contents.items() if g not in iris.KEPT_GRAPHS}
    return write_graphs(kb, contents, source, skolemize=True, action="updated", agent=agent, reason=reason)


def write_graphs(
    kb: "KnowledgeBase",
    contents: Mapping[URIRef, Graph],
    source: InputMeta,
    *,
    skolemize: bool = False,
    agent: str | None = None,
    reason: str | None = None,
    action: str | None = None,
) -> IngestResult:
    """Make each graph hold exactly ``contents[graph]`` (empty: delete it), through the
    one write pipeline (:func:`kb.writing.pipeline.commit`): validated, archived, atomic."""
    changes: list[Change] = []
    for graph, new in contents.items():
        if graph in iris.KEPT_GRAPHS:
            if set(graph_content(kb.backend, graph)) == set(new):
                continue  # an update that read a kept graph but left it as it was
            raise ReadOnlyError(f"the graph {graph} is kept by kb and cannot be written")
        if skolemize:
            new = skolemize_graph(new, iris.digest(source.sha256, graph))
        changes.append(Change(graph, new, source, delete=len(new) == 0, compare="content"))
    return kb.commit(changes, agent=agent, reason=reason, action=action)
