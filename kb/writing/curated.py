"""Users' curations of who is who, applied to a graph's triples.

The curation records (merge, unmerge, split, link, unlink) live in the curations graph
(:data:`kb.iris.CURATIONS_GRAPH`; written by :mod:`kb.tracking.entity_curations`). The
ones in force (no ``prov:invalidatedAtTime``: a later curation of the same pair ends
the earlier one) become :class:`Rules`, which rewrite one graph's triples, as its input
says them (entities described directly, before they become contributions):

- **merge** A into B: every A in the graph becomes B (A's names become B's aliases, as
  the contributions already make them);
- **split** X into Y: in the graph of one of the split's documents, or where X is
  written with one of the split's names, X becomes Y, and Y gets the split's name;
- **link** E to Q: E carries ``schema:sameAs Q``; an unlinked Q is stated of no one.

The same rules run on every write (:func:`kb.writing.resolve.resolve`, so a re-ingested
article is curated again) and, when a curation is recorded, on the stored graphs it
concerns (rewritten through the write pipeline, as the who-is-who relinking does).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable

import pyoxigraph as ox

from .. import iris
from ..store.base import Backend
from ..vocab import KB, PROV, RDF, SDO
from .changes import OxTriple, renamed
from .provenance import latest_input, timestamp

__all__ = ["Rules", "Split", "rules", "rules_of", "entity_names", "mints", "SAME_AS"]


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_TYPE = _n(RDF.type)
_NAME = _n(SDO.name)
_ALIAS = _n(SDO.alternateName)
SAME_AS = _n(SDO.sameAs)
_ARTICLE = _n(SDO.NewsArticle)
_ENTITY_CLASSES = frozenset({_n(SDO.Person), _n(SDO.Organization), _n(SDO.NewsMediaOrganization), _n(SDO.Place)})

_RECORDS = f"""
SELECT ?c ?action ?from ?to ?when ?ended ?doc ?written ?name WHERE {{ GRAPH {_n(iris.CURATIONS_GRAPH)} {{
  ?c a {_n(KB.EntityCuration)} ; {_n(KB.entityAction)} ?action ; {_n(KB.fromEntity)} ?from ;
     {_n(KB.toEntity)} ?to ; {_n(PROV.generatedAtTime)} ?when .
  OPTIONAL {{ ?c {_n(PROV.invalidatedAtTime)} ?ended }} OPTIONAL {{ ?c {_n(KB.document)} ?doc }}
  OPTIONAL {{ ?c {_n(KB.nameAsWritten)} ?written }} OPTIONAL {{ ?c {_n(KB.newName)} ?name }} }} }}
"""


@dataclass(frozen=True)
class Split:
    source: ox.NamedNode
    target: ox.NamedNode
    documents: frozenset[ox.NamedNode]
    written: frozenset[str]  # casefolded
    name: str


@dataclass
class Rules:
    """The curations in force, ready to rewrite triples."""

    merges: dict[ox.NamedNode, ox.NamedNode] = field(default_factory=dict)
    splits: list[Split] = field(default_factory=list)
    #: external IRI → the entities linked to it (after merges)
    links: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    #: every external IRI a link or unlink names: its sameAs triples are the curators' to state
    managed: set[ox.NamedNode] = field(default_factory=set)
    #: (entity, name) that ended splits had given: no longer a name of what the entity became
    retired: set[tuple[ox.NamedNode, str]] = field(default_factory=set)
    #: only while an unmerge rewrites the stored graphs: B → A where B is written with a name that mints A
    restore: dict[ox.NamedNode, ox.NamedNode] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.merges or self.splits or self.managed or self.restore or self.retired)

    def final(self, node: ox.NamedNode) -> ox.NamedNode:
        """Where a chain of merges ends (a cycle, which recording refuses, stops where it closes)."""
        seen = {node}
        while node in self.merges:
            node = self.merges[node]
            if node in seen:
                break
            seen.add(node)
        return node

    def apply(self, triples: Iterable[OxTriple]) -> list[OxTriple]:
        out = list(triples)
        if not self:
            return out
        if self.merges:
            nodes = {t for s, _p, o in out for t in (s, o) if isinstance(t, ox.NamedNode) and t in self.merges}
            out = renamed(out, {n: self.final(n) for n in nodes})
        if self.retired:
            gone = {(self.final(e), name) for e, name in self.retired}
            out = [t for t in out if not (t[1] == _NAME and isinstance(t[2], ox.Literal) and (t[0], t[2].value) in gone)]
        if self.splits or self.restore:
            out = self._split(out)
        if self.managed:
            present = set(entity_names(out))
            out = [t for t in out if not (t[1] == SAME_AS and t[2] in self.managed and t[0] not in self.links.get(t[2], ()))]
            out.extend((e, SAME_AS, q) for q, linked in sorted(self.links.items(), key=str)
                       for e in sorted(linked & present, key=str))
        return list(dict.fromkeys(out))

    def _split(self, triples: list[OxTriple]) -> list[OxTriple]:
        documents = {s for s, p, o in triples if p == _TYPE and o == _ARTICLE}
        rename: dict[ox.NamedNode, ox.NamedNode] = {}
        named: list[OxTriple] = []
        for entity, names in entity_names(triples).items():
            back = self.restore.get(entity)
            if back is not None and any(mints(back, name) for name in names):
                rename[entity] = back
                continue
            folded = {name.casefold() for name in names}
            for split in self.splits:
                if split.source == entity and (split.documents & documents or split.written & folded):
                    rename[entity] = split.target
                    named.append((split.target, _NAME, ox.Literal(split.name)))
                    break
        return renamed(triples, rename) + named if rename else triples


def entity_names(triples: Iterable[OxTriple]) -> dict[ox.NamedNode, set[str]]:
    """The people, organizations and places a graph describes, with their names and aliases."""
    triples = list(triples)
    out: dict[ox.NamedNode, set[str]] = {
        s: set() for s, p, o in triples if p == _TYPE and o in _ENTITY_CLASSES and isinstance(s, ox.NamedNode)
    }
    for s, p, o in triples:
        if s in out and p in (_NAME, _ALIAS) and isinstance(o, ox.Literal):
            out[s].add(o.value)
    return out


def mints(entity: ox.NamedNode, name: str) -> bool:
    """Whether kb mints ``entity`` from ``name`` (person/<slug>): the name it was first written with."""
    path = entity.value[len(iris.base()):] if iris.is_minted(entity.value) else ""
    folder = path.split("/", 1)[0]
    return bool(folder) and folder in ("person", "org", "place") and str(iris.mint(folder, iris.slug(name))) == entity.value


def rules(backend: Backend) -> Rules:
    """The curations in force, read from the curations graph (none when it is absent). Shared: never change it."""
    if not backend.has_graph(iris.CURATIONS_GRAPH):
        return Rules()
    # Read on every write: kept while the curations graph's last write (its provenance) is the same,
    # so that a bulk load pays one small lookup per graph, not a read of every curation.
    written = latest_input(backend, iris.CURATIONS_GRAPH)
    cached = _CACHE.get(backend)
    if written is not None and cached is not None and cached[0] == written:
        return cached[1]
    _names, rows = backend.select(_RECORDS, union=False)
    found = _from_rows(rows)
    _CACHE[backend] = (written, found)
    return found


#: backend → (the curations graph's last write, the rules it holds); the rules are read, never changed
_CACHE: "weakref.WeakKeyDictionary[Backend, tuple[tuple[str, str] | None, Rules]]" = weakref.WeakKeyDictionary()


def rules_of(curations: Iterable[OxTriple]) -> Rules:
    """The rules a curations graph's content (not yet written) would put in force."""
    store = ox.Store()
    graph = _n(iris.CURATIONS_GRAPH)
    store.extend([ox.Quad(s, p, o, graph) for s, p, o in curations])
    result = store.query(_RECORDS)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return _from_rows({name: solution[name] for name in names} for solution in result)  # type: ignore[union-attr]


@dataclass
class _Record:
    action: str
    source: ox.NamedNode
    target: ox.NamedNode
    when: str
    ended: bool
    name: str
    docs: set[ox.NamedNode] = field(default_factory=set)
    written: set[str] = field(default_factory=set)


def _from_rows(rows: Iterable[dict[str, Any]]) -> Rules:
    records: dict[str, _Record] = {}
    for row in rows:
        rec = records.get(row["c"].value)
        if rec is None:
            name = row.get("name")
            rec = records[row["c"].value] = _Record(
                row["action"].value, _n(row["from"].value), _n(row["to"].value), timestamp(row["when"].value),
                row.get("ended") is not None, name.value if name is not None else "")
        if row.get("doc") is not None:
            rec.docs.add(_n(row["doc"].value))
        if row.get("written") is not None:
            rec.written.add(row["written"].value.casefold())
    out = Rules()
    linked: list[tuple[ox.NamedNode, ox.NamedNode]] = []
    # Oldest first: where two records in force disagree (they never should), the later one wins.
    for rec in sorted(records.values(), key=lambda r: r.when):
        if rec.action in (str(KB.Link), str(KB.Unlink)):
            out.managed.add(rec.target)
        if rec.ended:
            if rec.action == str(KB.Split) and rec.name:
                out.retired.add((rec.target, rec.name))
            continue
        if rec.action == str(KB.Merge):
            out.merges[rec.source] = rec.target
        elif rec.action == str(KB.Split):
            out.splits.append(Split(rec.source, rec.target, frozenset(rec.docs), frozenset(rec.written), rec.name))
        elif rec.action == str(KB.Link):
            linked.append((rec.source, rec.target))
    out.retired -= {(split.target, split.name) for split in out.splits}
    for entity, external in linked:
        out.links.setdefault(external, set()).add(out.final(entity))
    return out
