"""Linking on every write: the after-commit hook that keeps the relations graph in step.

After each commit (:mod:`kb.writing.pipeline`), the claims of the graphs it
added or replaced are indexed and linked to the claims stored before them (new
to old), the claims of removed graphs are forgotten, and the relations graph
(:data:`kb.iris.RELATIONS_GRAPH`) is derived again for every claim whose links
changed: kb's proposals as ``kb:ClaimRelation`` nodes, and the direct triples
(``<c1> kb:sameQuoteAs <c2>``) of every relation no user has rejected.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Iterable

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..vocab import KB, PROV, RDF, SDO, XSD
from .curations import Curations, curations, key_of, relation_iri
from .index import TrackedClaim, TrackingIndex, index_path
from .text import tokens

__all__ = ["tracking_index", "link_hook", "rebuild", "effective", "SYMMETRIC", "SAME_WORDS"]

#: Relations that hold both ways: their direct triple is written in both directions.
SYMMETRIC = frozenset({"sameQuoteAs"})
#: Relations that make two claims appearances of the same words.
SAME_WORDS = frozenset({"sameQuoteAs", "repeats"})
_KIND_NS = str(KB._NS)

_CLAIMS = """
SELECT ?g ?c ?kind ?text ?speaker ?said ?doc ?docdate ?outlet WHERE { GRAPH ?g {
  ?c a schema:Claim ; kb:kind ?kind ; schema:text ?text .
  OPTIONAL { ?c schema:author ?speaker } OPTIONAL { ?c schema:dateCreated ?said }
  OPTIONAL { ?c schema:appearance ?doc . ?doc a schema:NewsArticle .
             OPTIONAL { ?doc schema:datePublished ?docdate } OPTIONAL { ?doc schema:publisher ?outlet } } } }
"""

#: Bumped when what the index holds changes: an index of another version is rebuilt from the store.
INDEX_VERSION = "2"

_indexes: "weakref.WeakKeyDictionary[Any, TrackingIndex]" = weakref.WeakKeyDictionary()
_lock = threading.RLock()


def tracking_index(kb: Any) -> TrackingIndex:
    """The tracking index of ``kb``, built from the store on first use."""
    with _lock:
        index = _indexes.get(kb)
        if index is None:
            index = _indexes[kb] = TrackingIndex(index_path(kb.location))
        if index.meta("built") != INDEX_VERSION and not kb.read_only:
            rebuild(kb, index)
        return index


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _read_claims(kb: Any, graph: str | None) -> dict[str, list[TrackedClaim]]:
    rows = kb.select(_CLAIMS, {"g": URIRef(graph)} if graph else None)
    out: dict[str, list[TrackedClaim]] = {}
    seen: set[str] = set()
    for r in rows:
        if r["c"] in seen:
            continue
        seen.add(r["c"])
        kind = str(r["kind"])
        kind = kind[len(_KIND_NS):] if kind.startswith(_KIND_NS) else kind
        text = lambda key: "" if r.get(key) is None else str(r[key])  # noqa: E731 - dates as ISO text
        out.setdefault(str(r["g"]), []).append(TrackedClaim(
            iri=str(r["c"]), graph=str(r["g"]), kind=kind, words=tuple(tokens(str(r["text"]))),
            speaker=text("speaker"), said=text("said"), doc=text("doc"), doc_date=text("docdate"), outlet=text("outlet"),
        ))
    return out


def _oldest_first(claims: dict[str, list[TrackedClaim]]) -> list[str]:
    return sorted(claims, key=lambda g: (min((c.when or "9999" for c in claims[g]), default="9999"), g))


def rebuild(kb: Any, index: TrackingIndex | None = None) -> None:
    """Index every stored claim again, oldest article first, and derive the relations graph anew."""
    with _lock:
        index = index or _indexes.get(kb) or TrackingIndex(index_path(kb.location))
        _indexes[kb] = index
        index.reset()
        claims = _read_claims(kb, None)
        for graph in _oldest_first(claims):
            index.add(claims[graph])
        every = {c.iri for group in claims.values() for c in group}
        triples = derive(kb, index, every, curations(kb))
        target = _n(iris.RELATIONS_GRAPH)
        # A derived graph, rebuilt whole: written in bounded transactions (one update of a
        # million relation triples costs the store far more than twenty of 50k), and only
        # marked built once all of it is in.
        kb.backend.commit(drop=[target])
        quads = [ox.Quad(s, p, o, target) for s, p, o in triples]
        for start in range(0, len(quads), 50_000):
            kb.backend.extend(quads[start : start + 50_000])
        index.set_meta("built", INDEX_VERSION)


def link_hook(kb: Any) -> Callable[[Any], None]:
    """The after-commit hook (``KnowledgeBase._hooks``) that links the claims a write changed."""
    ref = weakref.ref(kb)

    def hook(result: Any) -> None:
        knowledge = ref()
        if knowledge is None or not result.changed:
            return
        with _lock:
            index = _indexes.get(knowledge) or TrackingIndex(index_path(knowledge.location))
            _indexes[knowledge] = index
            if index.meta("built") != INDEX_VERSION:
                rebuild(knowledge, index)  # from the store, this write included
                return
            update(knowledge, index, result.graphs)

    return hook


def update(kb: Any, index: TrackingIndex, graphs: dict[URIRef, str]) -> None:
    kept = {iris.PROVENANCE_GRAPH, iris.ENTITIES_GRAPH, iris.RELATIONS_GRAPH}
    changed = {str(g): s for g, s in graphs.items() if s != "unchanged" and g not in kept}
    if not changed:
        return
    affected: set[str] = set()
    stale: set[str] = set()  # proposal nodes that may no longer hold
    gone, old_links = index.remove_graphs([g for g, s in changed.items() if s in ("replaced", "deleted")])
    for link in old_links:
        affected |= {link.src, link.dst}
        stale.add(str(relation_iri(link.relation, link.src, link.dst)))
    affected |= gone
    fresh = _read_claims_of(kb, [g for g, s in changed.items() if s in ("added", "replaced")])
    for graph in _oldest_first(fresh):
        for link in index.add(fresh[graph]):
            affected |= {link.src, link.dst}
    cured = curations(kb)
    if str(iris.CURATIONS_GRAPH) in changed:
        for c in cured.all:
            affected |= {c.src, c.dst}
    if not affected:
        return
    # A claim's earliest appearance depends on its neighbours: theirs change with it.
    for claim in list(affected):
        for link in index.links_of(claim):
            affected |= {link.src, link.dst}
        for c in cured.of(claim):
            affected |= {c.src, c.dst}
    for claim in affected:
        stale |= {str(relation_iri(x.relation, x.src, x.dst)) for x in index.links_of(claim)}
    triples = derive(kb, index, affected, cured)
    target = _n(iris.RELATIONS_GRAPH)
    clear = sorted({_n(s) for s in affected | stale}, key=str)
    kb.backend.commit(clear={target: clear}, add=[ox.Quad(s, p, o, target) for s, p, o in triples])


def _read_claims_of(kb: Any, graphs: Iterable[str]) -> dict[str, list[TrackedClaim]]:
    out: dict[str, list[TrackedClaim]] = {}
    for graph in graphs:
        out.update(_read_claims(kb, graph))
    return out


def effective(index: TrackingIndex, cured: Curations, claim: str) -> list[tuple[str, str, str, float | None, str]]:
    """Every relation of ``claim`` that holds (proposed and not curated, or asserted or
    confirmed): ``(src, relation, dst, score, status)``."""
    out: list[tuple[str, str, str, float | None, str]] = []
    decided = {key_of(c.relation, c.src, c.dst): c for c in cured.of(claim)}
    for link in index.links_of(claim):
        if key_of(link.relation, link.src, link.dst) not in decided:
            out.append((link.src, link.relation, link.dst, link.score, "proposed"))
    for c in decided.values():
        if c.status != "rejected":
            out.append((c.src, c.relation, c.dst, c.score, c.status))
    return out


def derive(kb: Any, index: TrackingIndex, claims: set[str], cured: Curations) -> list[tuple[Any, Any, Any]]:
    """The relations graph's triples about ``claims``: the proposal nodes of their links, their
    direct triples and their earliest appearance."""
    from ..writing.provenance import TOOL_NAME

    out: list[tuple[Any, Any, Any]] = []
    nodes: set[str] = set()
    exists: dict[str, bool] = {}

    def alive(iri: str) -> bool:
        if iri not in exists:
            exists[iri] = index.has(iri) or kb.ask("ASK { ?c a schema:Claim }", {"c": URIRef(iri)})
        return exists[iri]

    software = _n(iris.mint("software", TOOL_NAME))
    for claim in sorted(claims):
        if not alive(claim):
            continue
        decided = {key_of(c.relation, c.src, c.dst) for c in cured.of(claim)}
        for link in index.links_of(claim):
            node = str(relation_iri(link.relation, link.src, link.dst))
            if node in nodes or key_of(link.relation, link.src, link.dst) in decided:
                continue
            nodes.add(node)
            n = _n(node)
            out += [
                (n, _n(RDF.type), _n(KB.ClaimRelation)), (n, _n(KB.fromClaim), _n(link.src)),
                (n, _n(KB.toClaim), _n(link.dst)), (n, _n(KB.relationType), _n(KB[link.relation])),
                (n, _n(KB.score), ox.Literal(f"{link.score:.3f}", datatype=_n(XSD.decimal))),
                (n, _n(KB.status), _n(KB.Proposed)), (n, _n(SDO.agent), ox.Literal(TOOL_NAME)),
                (n, _n(PROV.wasAttributedTo), software),
            ]
        group = {claim}
        for src, relation, dst, _score, _status in effective(index, cured, claim):
            if not (alive(src) and alive(dst)):
                continue
            if src == claim:
                out.append((_n(claim), _n(KB[relation]), _n(dst)))
            elif relation in SYMMETRIC:
                out.append((_n(claim), _n(KB[relation]), _n(src)))
            if relation in SAME_WORDS:
                group.add(dst if src == claim else src)
        if len(group) > 1:
            first = min(group, key=lambda c: (_when(index, c) or "9999", c))
            out.append((_n(claim), _n(KB.earliestAppearance), _n(first)))
    return list(dict.fromkeys(out))


def _when(index: TrackingIndex, iri: str) -> str:
    found = index.claim(iri)
    return found.when if found else ""

