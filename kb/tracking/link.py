"""Linking on every write: the after-commit hook that keeps the relations graph in step.

After each commit (:mod:`kb.writing.pipeline`), the claims of the graphs it
added or replaced are indexed and linked to the claims stored before them (new
to old), the claims of removed graphs are forgotten, and the relations graph
(:data:`kb.iris.RELATIONS_GRAPH`) is derived again for every claim whose links
changed: kb's proposals as ``kb:ClaimRelation`` nodes, and the direct triples
(``<c1> kb:sameQuoteAs <c2>``) of every relation no user has rejected.

kb links a new appearance to a few others only (:mod:`.index`), so a quote's
appearances are a group: what its same-words relations reach, followed both ways
(:func:`group`). ``kb:earliestAppearance`` names the earliest of the whole group.
The index keeps kb's groups and their earliest appearances, so linking an article
reads a row per group; only a group that a user's same-words curation touches is
walked, the curations applied.
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
from .index import SAME_WORDS, Link, TrackedClaim, TrackingIndex, earliest_of, index_path
from .text import tokens

__all__ = ["tracking_index", "link_hook", "rebuild", "effective", "group", "SYMMETRIC", "SAME_WORDS"]

#: Relations that hold both ways: their direct triple is written in both directions.
SYMMETRIC = frozenset({"sameQuoteAs"})
_KIND_NS = str(KB._NS)

_CLAIMS = """
SELECT ?g ?c ?kind ?text ?speaker ?said ?doc ?docdate ?outlet WHERE { GRAPH ?g {
  ?c a schema:Claim ; kb:kind ?kind ; schema:text ?text .
  OPTIONAL { ?c schema:author ?speaker } OPTIONAL { ?c schema:dateCreated ?said }
  OPTIONAL { ?c schema:appearance ?doc . ?doc a schema:NewsArticle .
             OPTIONAL { ?doc schema:datePublished ?docdate } OPTIONAL { ?doc schema:publisher ?outlet } } } }
"""

#: Bumped when what the index holds changes: an index of another version is rebuilt from the store.
INDEX_VERSION = "5"  # 3: bounded links (a group's root and the best few); 4: groups kept (claims.grp, groups);
# 5: postings keyed (h, claim) without rowid

_indexes: "weakref.WeakKeyDictionary[Any, TrackingIndex]" = weakref.WeakKeyDictionary()
_lock = threading.RLock()
#: Per curations read: (the index, its generation, the ids of the groups a same-words curation touches).
_curated: "weakref.WeakKeyDictionary[Curations, tuple[TrackingIndex, int, frozenset[int]]]" = \
    weakref.WeakKeyDictionary()


def tracking_index(kb: Any) -> TrackingIndex:
    """The tracking index of ``kb``, built from the store on first use."""
    with _lock:
        index = _indexes.get(kb)
        if index is None:
            index = _indexes[kb] = TrackingIndex(index_path(kb.location), read_only=kb.read_only)
        if index.meta("built") != INDEX_VERSION and not kb.read_only:
            rebuild(kb, index)
        return index


def close_tracking_index(kb: Any) -> None:
    """Forget ``kb``'s tracking index and close its connection (``KnowledgeBase.close``)."""
    with _lock:
        index = _indexes.pop(kb, None)
    if index is not None:
        index.close()


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
    # Claims whose triples in the relations graph are cleared and derived again. The old end
    # of a new link is not among them: deriving the new end writes the link's node and both
    # directions of its direct triple, and the old end's other relations have not changed
    # (so a quote's root is not rewritten whole each time the quote appears again).
    cured = curations(kb)
    removed = [g for g, s in changed.items() if s in ("replaced", "deleted")]
    # Stored earliest appearances are found stale by walking the groups (as before groups were
    # kept) when curations may have moved them: curations changed, or claims left a group one
    # touches (what stays of it may no longer be). Otherwise the index says whose moved.
    walk = str(iris.CURATIONS_GRAPH) in changed or _leave_curated(index, cured, removed)
    with index.moves() as moved:
        gone, old_links = index.remove_graphs(removed)
        stale = {_node(x) for x in old_links}  # proposal nodes that may no longer hold
        new_links = index.relink(_ends(old_links) - gone)
        rewrite = gone | _ends(old_links)
        fresh = _read_claims_of(kb, [g for g, s in changed.items() if s in ("added", "replaced")])
        for graph in _oldest_first(fresh):
            new_links += index.add(fresh[graph])
            rewrite |= {c.iri for c in fresh[graph]}
    if str(iris.CURATIONS_GRAPH) in changed:
        rewrite |= {end for c in cured.all for end in (c.src, c.dst)}
    # A user's relation with a claim that is gone, or that changed, is written from both ends.
    rewrite |= {end for claim in list(rewrite) for c in cured.of(claim) for end in (c.src, c.dst)}
    if not rewrite:
        return
    firsts: dict[str, str] = {}
    rewrite |= moved | _moved_earliest(kb, index, cured, rewrite | _ends(new_links), firsts, walk=walk)
    for claim in rewrite:
        stale |= {_node(x) for x in index.links_of(claim)}
    triples = derive(kb, index, rewrite, cured, firsts)
    target = _n(iris.RELATIONS_GRAPH)
    clear = sorted({_n(s) for s in rewrite | stale}, key=str)
    kb.backend.commit(clear={target: clear}, add=[ox.Quad(s, p, o, target) for s, p, o in triples])


def _ends(links: Iterable[Link]) -> set[str]:
    return {end for x in links for end in (x.src, x.dst)}


def _node(link: Link) -> str:
    return str(relation_iri(link.relation, link.src, link.dst))


def _leave_curated(index: TrackingIndex, cured: Curations, graphs: list[str]) -> bool:
    """Whether a claim of ``graphs`` (about to be removed) is in a group a same-words curation touches."""
    if not graphs or not _curated_groups(index, cured):
        return False
    leaving = index.group_ids({c for g in graphs for c in index.claims_of_graph(g)})
    return not _curated_groups(index, cured).isdisjoint(leaving.values())


def _moved_earliest(kb: Any, index: TrackingIndex, cured: Curations, claims: set[str],
                    firsts: dict[str, str], *, walk: bool) -> set[str]:
    """The members of the groups of ``claims`` whose stored ``kb:earliestAppearance`` is not
    their group's earliest now (an older appearance came, or the earliest went), for the
    groups a same-words curation touches (every group: ``walk``); the index's
    :meth:`~.index.TrackingIndex.moves` tell those of the others. Fills ``firsts`` (claim →
    its group's earliest, "" when alone) for :func:`derive`."""
    out: set[str] = set()
    for claim in sorted(claims):
        if claim in firsts or not (walk or _touched(index, cured, claim)):
            continue
        members = _walk(index, cured, claim, firsts)
        first = firsts[claim]
        if not first:
            continue
        rows = kb.select("SELECT ?c ?e ?g WHERE { GRAPH ?g { ?c kb:earliestAppearance ?e } }",
                         {"e": URIRef(first), "g": URIRef(iris.RELATIONS_GRAPH)})
        out |= members - {str(r["c"]) for r in rows}
    return out


def _first(index: TrackingIndex, cured: Curations, claim: str, firsts: dict[str, str]) -> str:
    """The earliest appearance of ``claim``'s group ("" when it is alone), remembered in ``firsts``."""
    if claim not in firsts:
        if _touched(index, cured, claim):
            _walk(index, cured, claim, firsts)
        else:  # the common case: the index's group, one row
            firsts[claim] = index.earliest(claim)
    return firsts[claim]


def _walk(index: TrackingIndex, cured: Curations, claim: str, firsts: dict[str, str]) -> set[str]:
    """:func:`_first` read over the members of ``claim``'s group, remembered in ``firsts`` for
    every member (one walk of a group serves all its members); returns the members."""
    members = group(index, cured, claim)
    firsts.update(dict.fromkeys(members, earliest(index, members) if len(members) > 1 else ""))
    return members


def _curated_groups(index: TrackingIndex, cured: Curations) -> frozenset[int]:
    """The ids of the index's groups holding an end of a same-words curation (kept per
    curations read until a group changes: one lookup of the curated claims, not one per claim)."""
    cached = _curated.get(cured)
    if cached is None or cached[0] is not index or cached[1] != index.generation:
        ends = {end for c in cured.all if c.relation in SAME_WORDS for end in (c.src, c.dst)}
        cached = _curated[cured] = (index, index.generation, frozenset(index.group_ids(ends).values()))
    return cached[2]


def _touched(index: TrackingIndex, cured: Curations, claim: str) -> bool:
    """Whether a same-words curation touches ``claim``'s group: if none does, no rejection cuts
    it and no user's relation joins it to another, so its appearances are the index's group."""
    groups = _curated_groups(index, cured)
    return bool(groups) and not groups.isdisjoint(index.group_ids({claim}).values())


def group(index: TrackingIndex, cured: Curations, claim: str) -> set[str]:
    """All the appearances of ``claim``'s words, itself included: the stored claims its
    same-words relations that hold (:func:`effective`) reach, followed both ways."""
    if not _touched(index, cured, claim):  # the common case: kb's links alone, the index's group
        return set(index.members(claim)) or {claim}

    def neighbours(frontier: set[str]) -> set[str]:
        rejected = {key_of(c.relation, c.src, c.dst) for f in frontier for c in cured.of(f) if c.status == "rejected"}
        ends = {end for x in index.links_among(frontier)
                if x.relation in SAME_WORDS and key_of(x.relation, x.src, x.dst) not in rejected for end in (x.src, x.dst)}
        ends |= {end for f in frontier for c in cured.of(f)
                 if c.relation in SAME_WORDS and c.status != "rejected" for end in (c.src, c.dst)}
        return set(index.claims(ends))  # a claim no longer stored is no appearance

    return connected({claim}, neighbours) if index.has(claim) else {claim}


def connected(seeds: Iterable[str], neighbours: Callable[[set[str]], Iterable[str]]) -> set[str]:
    """Every claim reachable from ``seeds``, one level at a time so that a level is one batched
    lookup (``neighbours`` of a set of claims; it may return claims already seen)."""
    seen = set(seeds)
    frontier = set(seen)
    while frontier:
        frontier = set(neighbours(frontier)) - seen
        seen |= frontier
    return seen


def earliest(index: TrackingIndex, members: set[str]) -> str:
    """The earliest appearance among ``members`` (by date, then IRI; undated last)."""
    return earliest_of(index.dates(members))


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


def derive(kb: Any, index: TrackingIndex, claims: set[str], cured: Curations,
           firsts: dict[str, str] | None = None) -> list[tuple[Any, Any, Any]]:
    """The relations graph's triples about ``claims``: the proposal nodes of their links, the
    direct triples of their relations (both ends' triples: a symmetric relation is written both
    ways) and their earliest appearance (``firsts``: claim → its group's earliest, "" when
    alone, as far as known; filled here)."""
    from ..writing.provenance import TOOL_NAME

    out: list[tuple[Any, Any, Any]] = []
    nodes: set[str] = set()
    exists: dict[str, bool] = {}
    firsts = {} if firsts is None else firsts

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
        for src, relation, dst, _score, _status in effective(index, cured, claim):
            if alive(src) and alive(dst):
                out.append((_n(src), _n(KB[relation]), _n(dst)))
                if relation in SYMMETRIC:
                    out.append((_n(dst), _n(KB[relation]), _n(src)))
        first = _first(index, cured, claim, firsts)
        if first:
            out.append((_n(claim), _n(KB.earliestAppearance), _n(first)))
    return list(dict.fromkeys(out))
